/* ACPI tables (ACPI 6.x chapter 5): see acpi_tables.h for what is offered
 * and why. The layout is computed and checked first; only then is guest
 * memory written, so a refusal leaves it untouched. */
#include "acpi_tables.h"
#include <string.h>

#define XSDT_ENTRIES 2u
#define XSDT_LEN (ACPI_HDR_LEN + 8u * XSDT_ENTRIES)

/* FADT field offsets (ACPI 6.4 table 5.9). */
#define FADT_FIRMWARE_CTRL 36u
#define FADT_DSDT          40u
#define FADT_SCI_INT       46u
#define FADT_PM1A_EVT_BLK  56u
#define FADT_PM1A_CNT_BLK  64u
#define FADT_PM1_EVT_LEN   88u
#define FADT_PM1_CNT_LEN   89u
#define FADT_P_LVL2_LAT    96u
#define FADT_P_LVL3_LAT    98u
#define FADT_IAPC_BOOT_ARCH 109u
#define FADT_FLAGS         112u
#define FADT_RESET_REG     116u
#define FADT_RESET_VALUE   128u
#define FADT_MINOR_VERSION 131u
#define FADT_X_DSDT        140u

/* FADT flags: WBINVD works (1.0 compliance), C1 on every CPU, power and
 * sleep buttons are not fixed-feature (there are none), RTC wake is not
 * in the fixed registers, and the reset register is valid. */
#define FADT_FLAGS_VALUE ((1u << 0) | (1u << 2) | (1u << 4) | (1u << 5) | (1u << 6) | (1u << 10))

/* IAPC_BOOT_ARCH: legacy (ISA-style) devices exist (UART, PICs, RTC), no
 * 8042 (Linux would probe it with some 10,000 port reads; reset goes through
 * the FADT's reset register), no VGA to probe, no MSI (there is no PCI). */
#define IAPC_BOOT_ARCH_VALUE ((1u << 0) | (1u << 2) | (1u << 3))

/* DSDT body: Name (_S5_, Package () { 5, 5, 0, 0 }), hand-assembled. The
 * first two elements are SLP_TYPa and SLP_TYPb for soft-off; Linux writes
 * SLP_TYPa << 10 | SLP_EN to PM1a_CNT. */
static const uint8_t dsdt_aml[] = {
    0x08,                /* NameOp */
    '_', 'S', '5', '_',  /* NameSeg "_S5_" */
    0x12,                /* PackageOp */
    0x08,                /* PkgLength: these 8 bytes, itself included */
    0x04,                /* NumElements */
    0x0a, ACPI_S5_SLP_TYP, /* BytePrefix 5: SLP_TYPa */
    0x0a, ACPI_S5_SLP_TYP, /* BytePrefix 5: SLP_TYPb */
    0x00,                /* ZeroOp: reserved */
    0x00,                /* ZeroOp: reserved */
};
#define DSDT_LEN (ACPI_HDR_LEN + sizeof dsdt_aml)

/* Guest-physical address of each table. */
struct acpi_layout {
    uint64_t rsdp, facs, xsdt, fadt, madt, dsdt, end;
};

static void put_le(uint8_t *p, uint64_t v, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i++, v >>= 8)
        p[i] = (uint8_t)v;
}

static uint64_t align_up(uint64_t v, uint64_t a)
{
    return (v + a - 1) & ~(a - 1);
}

/* The byte that makes `len` bytes (the checksum byte counted as 0) sum to 0. */
static uint8_t checksum(const uint8_t *p, uint64_t len)
{
    uint8_t sum = 0;
    for (uint64_t i = 0; i < len; i++)
        sum = (uint8_t)(sum + p[i]);
    return (uint8_t)-sum;
}

static void acpi_layout(uint64_t gpa, unsigned cpus, struct acpi_layout *l)
{
    l->rsdp = gpa;
    l->facs = align_up(gpa + ACPI_RSDP_LEN, 64); /* FACS must be 64-byte aligned */
    l->xsdt = l->facs + ACPI_FACS_LEN;
    l->fadt = align_up(l->xsdt + XSDT_LEN, 16);
    l->madt = align_up(l->fadt + ACPI_FADT_LEN, 16);
    l->dsdt = align_up(l->madt + ACPI_MADT_LEN(cpus), 16);
    l->end = l->dsdt + DSDT_LEN;
}

static bool fail(const char **error, const char *why)
{
    *error = why;
    return false;
}

/* The common 36-byte header; the checksum is filled in last by seal(). */
static void header(uint8_t *t, const char *sig, uint32_t len, uint8_t rev)
{
    memcpy(t, sig, 4);
    put_le(t + 4, len, 4);
    t[8] = rev;
    memcpy(t + 10, "NOVUM ", 6);   /* OEMID */
    memcpy(t + 16, "NOVUMVMM", 8); /* OEM table ID */
    put_le(t + 24, 1, 4);          /* OEM revision */
    memcpy(t + 28, "NOVM", 4);     /* creator ID */
    put_le(t + 32, 1, 4);          /* creator revision */
}

static void seal(uint8_t *t, uint32_t len)
{
    t[9] = checksum(t, len);
}

static void write_rsdp(uint8_t *r, const struct acpi_layout *l)
{
    memcpy(r, "RSD PTR ", 8);
    memcpy(r + 9, "NOVUM ", 6);
    r[15] = 2;                        /* revision 2: XSDT and extended checksum */
    put_le(r + 20, ACPI_RSDP_LEN, 4); /* length */
    put_le(r + 24, l->xsdt, 8);
    r[8] = checksum(r, 20);           /* ACPI 1.0 part */
    r[32] = checksum(r, ACPI_RSDP_LEN);
}

static void write_facs(uint8_t *f)
{
    memcpy(f, "FACS", 4);
    put_le(f + 4, ACPI_FACS_LEN, 4);
    f[32] = 2; /* version; everything else (waking vector, global lock) 0 */
}

static void write_xsdt(uint8_t *x, const struct acpi_layout *l)
{
    header(x, "XSDT", XSDT_LEN, 1);
    put_le(x + ACPI_HDR_LEN, l->fadt, 8);
    put_le(x + ACPI_HDR_LEN + 8, l->madt, 8);
    seal(x, XSDT_LEN);
}

/* Generic address structure: byte-wide system I/O port. */
static void gas_io8(uint8_t *gas, uint16_t port)
{
    gas[0] = 1; /* SystemIO */
    gas[1] = 8; /* bit width */
    gas[2] = 0; /* bit offset */
    gas[3] = 1; /* access size: byte */
    put_le(gas + 4, port, 8);
}

/* The 32-bit block addresses are given and the X_ blocks left 0, so ACPICA
 * builds the generic addresses itself and no 32/64 mismatch can arise. */
static void write_fadt(uint8_t *f, const struct acpi_layout *l)
{
    header(f, "FACP", ACPI_FADT_LEN, 5);
    put_le(f + FADT_FIRMWARE_CTRL, l->facs, 4);
    put_le(f + FADT_DSDT, l->dsdt, 4);
    put_le(f + FADT_SCI_INT, ACPI_SCI_IRQ, 2);
    /* SMI_CMD stays 0: the platform is always in ACPI mode. */
    put_le(f + FADT_PM1A_EVT_BLK, ACPI_PM1A_EVT_PORT, 4);
    put_le(f + FADT_PM1A_CNT_BLK, ACPI_PM1A_CNT_PORT, 4);
    f[FADT_PM1_EVT_LEN] = 4;
    f[FADT_PM1_CNT_LEN] = 2;
    /* PM_TMR_BLK 0: no ACPI PM timer (kvmclock is the guest's clock). */
    put_le(f + FADT_P_LVL2_LAT, 101, 2);  /* > 100: no C2 */
    put_le(f + FADT_P_LVL3_LAT, 1001, 2); /* > 1000: no C3 */
    put_le(f + FADT_IAPC_BOOT_ARCH, IAPC_BOOT_ARCH_VALUE, 2);
    put_le(f + FADT_FLAGS, FADT_FLAGS_VALUE, 4);
    gas_io8(f + FADT_RESET_REG, ACPI_RESET_PORT);
    f[FADT_RESET_VALUE] = ACPI_RESET_VALUE;
    f[FADT_MINOR_VERSION] = 1;            /* ACPI 5.1 */
    put_le(f + FADT_X_DSDT, l->dsdt, 8);  /* same as DSDT: ACPICA accepts equal values */
    seal(f, ACPI_FADT_LEN);
}

static void write_madt(uint8_t *m, unsigned cpus)
{
    uint32_t len = ACPI_MADT_LEN(cpus);
    header(m, "APIC", len, 3);
    put_le(m + 36, ACPI_LAPIC_BASE, 4);
    put_le(m + 40, 1, 4); /* PCAT_COMPAT: dual 8259s present */
    for (unsigned i = 0; i < cpus; i++) {
        uint8_t *e = m + 44 + 8 * i;
        e[0] = 0;            /* Processor Local APIC */
        e[1] = 8;            /* length */
        e[2] = (uint8_t)i;   /* ACPI processor UID */
        e[3] = (uint8_t)i;   /* APIC ID */
        put_le(e + 4, 1, 4); /* enabled */
    }
    seal(m, len);
}

static void write_dsdt(uint8_t *d)
{
    header(d, "DSDT", DSDT_LEN, 2); /* revision 2: 64-bit AML integers */
    memcpy(d + ACPI_HDR_LEN, dsdt_aml, sizeof dsdt_aml);
    seal(d, DSDT_LEN);
}

bool acpi_build(const struct guest_mem *g, uint64_t gpa, unsigned cpus, const char **error)
{
    if (!cpus || cpus > ACPI_MAX_CPUS)
        return fail(error, "ACPI: the CPU count must be 1 to 255");
    if (gpa & 15)
        return fail(error, "ACPI: the RSDP address is not 16-byte aligned");
    struct acpi_layout l;
    if (gpa < ACPI_AREA_START || gpa >= ACPI_AREA_END)
        return fail(error, "ACPI: tables must start in the BIOS area [0xe0000, 0x100000)");
    acpi_layout(gpa, cpus, &l);
    if (l.end > ACPI_AREA_END)
        return fail(error, "ACPI: tables would run past the end of the BIOS area at 0x100000");
    uint8_t *base = g ? gm_ptr(g, gpa, l.end - gpa) : 0;
    if (!base)
        return fail(error, "ACPI: tables would lie outside guest memory");
    memset(base, 0, l.end - gpa);
    write_rsdp(base, &l);
    write_facs(base + (l.facs - gpa));
    write_xsdt(base + (l.xsdt - gpa), &l);
    write_fadt(base + (l.fadt - gpa), &l);
    write_madt(base + (l.madt - gpa), cpus);
    write_dsdt(base + (l.dsdt - gpa));
    return true;
}
