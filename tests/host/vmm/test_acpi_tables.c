/* ACPI tables: written, then parsed back the way an OS finds them (RSDP ->
 * XSDT -> FADT/MADT, FADT -> DSDT/FACS), checking signatures, lengths,
 * checksums and the fields the VMM's devices depend on. */
#include <stdlib.h>
#include <string.h>
#include "acpi_tables.h"
#include "unit.h"

#define RAM (2u * 1024 * 1024)

static uint64_t get(const uint8_t *p, unsigned bytes)
{
    uint64_t v = 0;
    for (unsigned i = bytes; i-- > 0;)
        v = v << 8 | p[i];
    return v;
}

static bool sums_to_zero(const uint8_t *p, uint64_t len)
{
    uint8_t sum = 0;
    for (uint64_t i = 0; i < len; i++)
        sum = (uint8_t)(sum + p[i]);
    return sum == 0;
}

/* The table at `gpa` if it has signature `sig`, fits in guest memory and
 * sums to 0; else 0 (and a failed expectation). */
static const uint8_t *table(const struct guest_mem *g, uint64_t gpa, const char *sig)
{
    const uint8_t *t = gm_ptr(g, gpa, 36);
    EXPECT(t && memcmp(t, sig, 4) == 0);
    if (!t || memcmp(t, sig, 4) != 0)
        return 0;
    uint64_t len = get(t + 4, 4);
    EXPECT(len >= 36 && gm_ptr(g, gpa, len) && gpa + len <= ACPI_AREA_END);
    EXPECT(sums_to_zero(t, len));
    return t;
}

struct parsed {
    const uint8_t *xsdt, *fadt, *madt, *dsdt, *facs;
};

/* Follow the pointers from the RSDP at `gpa`. */
static struct parsed parse(const struct guest_mem *g, uint64_t gpa)
{
    struct parsed p = { 0 };
    const uint8_t *r = g->base + gpa;
    EXPECT(memcmp(r, "RSD PTR ", 8) == 0);
    EXPECT(r[15] == 2 && get(r + 20, 4) == 36);
    EXPECT(sums_to_zero(r, 20) && sums_to_zero(r, 36));
    p.xsdt = table(g, get(r + 24, 8), "XSDT");
    if (!p.xsdt)
        return p;
    EXPECT(get(p.xsdt + 4, 4) == 36 + 2 * 8);
    p.fadt = table(g, get(p.xsdt + 36, 8), "FACP");
    p.madt = table(g, get(p.xsdt + 44, 8), "APIC");
    if (!p.fadt)
        return p;
    p.dsdt = table(g, get(p.fadt + 40, 4), "DSDT");
    uint64_t facs = get(p.fadt + 36, 4);
    EXPECT((facs & 63) == 0);
    p.facs = gm_ptr(g, facs, 64);
    EXPECT(p.facs && memcmp(p.facs, "FACS", 4) == 0 && get(p.facs + 4, 4) == 64);
    return p;
}

static struct guest_mem new_ram(void)
{
    return (struct guest_mem){ calloc(1, RAM), RAM };
}

static bool all_zero(const struct guest_mem *g)
{
    for (uint64_t i = 0; i < g->size; i++)
        if (g->base[i])
            return false;
    return true;
}

UNIT_TEST(acpi_tables_parse_back)
{
    struct guest_mem g = new_ram();
    const char *err = 0;
    EXPECT(acpi_build(&g, 0xe0000, 2, &err));
    EXPECT(err == 0);
    struct parsed p = parse(&g, 0xe0000);
    EXPECT(p.fadt && p.madt && p.dsdt && p.facs);
    free(g.base);
}

UNIT_TEST(acpi_fadt_ports_and_reset)
{
    struct guest_mem g = new_ram();
    const char *err = 0;
    EXPECT(acpi_build(&g, 0xe0000, 1, &err));
    const uint8_t *f = parse(&g, 0xe0000).fadt;
    if (!f)
        return;
    EXPECT(f[8] == 5 && get(f + 4, 4) == 268);
    EXPECT(get(f + 46, 2) == 9);                 /* SCI_INT */
    EXPECT(get(f + 48, 4) == 0);                 /* SMI_CMD: always in ACPI mode */
    EXPECT(get(f + 56, 4) == 0x600 && f[88] == 4); /* PM1a_EVT_BLK, PM1_EVT_LEN */
    EXPECT(get(f + 64, 4) == 0x604 && f[89] == 2); /* PM1a_CNT_BLK, PM1_CNT_LEN */
    EXPECT(get(f + 60, 4) == 0 && get(f + 68, 4) == 0); /* no PM1b */
    EXPECT(get(f + 76, 4) == 0 && f[91] == 0);   /* no PM timer */
    EXPECT(get(f + 112, 4) & (1u << 10));        /* RESET_REG_SUP */
    EXPECT(!(get(f + 112, 4) & (1u << 20)));     /* not hardware-reduced */
    EXPECT(f[116] == 1 && f[117] == 8 && get(f + 120, 8) == 0xcf9); /* I/O port 0xcf9 */
    EXPECT(f[128] == 6);
    uint64_t boot_arch = get(f + 109, 2);
    EXPECT(!(boot_arch & 2) && (boot_arch & 4) && !(boot_arch & 0x20)); /* no 8042, no VGA, RTC */
    EXPECT(get(f + 140, 8) == get(f + 40, 4));   /* X_DSDT agrees with DSDT */
    free(g.base);
}

UNIT_TEST(acpi_madt_one_local_apic_per_cpu)
{
    static const unsigned counts[] = { 1, 2, 8, 255 };
    for (unsigned c = 0; c < sizeof counts / sizeof counts[0]; c++) {
        struct guest_mem g = new_ram();
        const char *err = 0;
        unsigned cpus = counts[c];
        EXPECT(acpi_build(&g, 0xe0000, cpus, &err));
        const uint8_t *m = parse(&g, 0xe0000).madt;
        EXPECT(m != 0);
        if (!m) {
            free(g.base);
            continue;
        }
        uint64_t len = get(m + 4, 4);
        EXPECT(get(m + 36, 4) == 0xfee00000u && get(m + 40, 4) == 1); /* PCAT_COMPAT */
        unsigned n = 0;
        for (uint64_t off = 44; off + 2 <= len && m[off + 1]; off += m[off + 1]) {
            EXPECT(m[off] == 0 && m[off + 1] == 8);          /* only local APICs: no I/O APIC */
            EXPECT(m[off + 2] == n && m[off + 3] == n);      /* UID, APIC ID */
            EXPECT(get(m + off + 4, 4) == 1);                /* enabled */
            n++;
        }
        EXPECT(n == cpus);
        free(g.base);
    }
}

UNIT_TEST(acpi_dsdt_has_s5)
{
    struct guest_mem g = new_ram();
    const char *err = 0;
    EXPECT(acpi_build(&g, 0xe0000, 1, &err));
    const uint8_t *d = parse(&g, 0xe0000).dsdt;
    static const uint8_t s5[] = { 0x08, '_', 'S', '5', '_', 0x12, 0x08, 0x04,
                                  0x0a, 0x05, 0x0a, 0x05, 0x00, 0x00 };
    EXPECT(d && get(d + 4, 4) == 36 + sizeof s5);
    EXPECT(d && memcmp(d + 36, s5, sizeof s5) == 0);
    free(g.base);
}

UNIT_TEST(acpi_tables_elsewhere_in_bios_area)
{
    struct guest_mem g = new_ram();
    const char *err = 0;
    EXPECT(acpi_build(&g, 0xf0010, 4, &err));
    struct parsed p = parse(&g, 0xf0010);
    EXPECT(p.madt && p.dsdt);
    free(g.base);
}

static void expect_refused(uint64_t ram, uint64_t gpa, unsigned cpus, const char *why)
{
    struct guest_mem g = { calloc(1, ram), ram };
    const char *err = 0;
    EXPECT(!acpi_build(&g, gpa, cpus, &err));
    EXPECT(err && strstr(err, why));
    if (err && !strstr(err, why))
        printf("#   got \"%s\", wanted \"%s\"\n", err, why);
    EXPECT(all_zero(&g));
    free(g.base);
}

UNIT_TEST(acpi_refusals)
{
    expect_refused(RAM, 0xe0000, 0, "CPU count");
    expect_refused(RAM, 0xe0000, 256, "CPU count");
    expect_refused(RAM, 0xe0008, 1, "16-byte aligned");
    expect_refused(RAM, 0xd0000, 1, "BIOS area");
    expect_refused(RAM, 0x100000, 1, "BIOS area");
    expect_refused(RAM, UINT64_MAX - 15, 1, "BIOS area");
    expect_refused(RAM, 0xff800, 255, "past the end"); /* 255 local APICs need ~2 KiB more */
    expect_refused(RAM, 0xffff0, 1, "past the end");
    expect_refused(0xe0100, 0xe0000, 1, "outside guest memory"); /* RAM ends inside the tables */
}
