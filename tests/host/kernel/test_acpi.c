/* The kernel's ACPI table parsing (kernel/arch/x86_64/acpi.c) on tables
 * built here: what acpi_parse_table records in `platform` and `dmar` for
 * MADT, MCFG and DMAR tables, well formed and malformed (entries that run
 * past the table's length or their parent structure, lengths 0 and 1,
 * valid-looking entries just after the table's end that must not be read)
 * and for tables with a wrong checksum. QEMU's tables are always well
 * formed, so the on-target tests cannot see mistakes in these walks. */
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <arch/acpi.h>
#include <arch/vtd.h>
#include "bootinfo.h"
#include "unit.h"

/* acpi.c's other references, defined elsewhere in the kernel
 * (multiboot.c, vtd.c); acpi_init, which reads boot_info, is not run here. */
struct boot_info boot_info;
struct dmar_info dmar;

/* A table under construction: the bytes after `len` stay in the buffer,
 * so a test can put entries behind the table's end. */
struct table {
    _Alignas(8) uint8_t b[2048];
    size_t len;
};

static void put16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8); }
static void put32(uint8_t *p, uint32_t v) { put16(p, (uint16_t)v), put16(p + 2, (uint16_t)(v >> 16)); }
static void put64(uint8_t *p, uint64_t v) { put32(p, (uint32_t)v), put32(p + 4, (uint32_t)(v >> 32)); }

/* The standard 36-byte header, then the table's own fields up to `start`. */
static void begin(struct table *t, const char *sig, size_t start)
{
    memset(t, 0, sizeof *t);
    memcpy(t->b, sig, 4);
    t->b[8] = 1;                       /* revision */
    memcpy(t->b + 10, "NOVUMT", 6);    /* OEM id: non-zero bytes the checksum covers */
    t->len = start;
}

static uint8_t *append(struct table *t, size_t n)
{
    uint8_t *p = t->b + t->len;
    t->len += n;
    return p;
}

/* Set the length field to `length` (bytes beyond it are left in the
 * buffer) and the checksum so that bytes 0..length-1 sum to 0 mod 256. */
static const struct sdt_header *seal_at(struct table *t, size_t length)
{
    put32(t->b + 4, (uint32_t)length);
    t->b[9] = 0;
    uint8_t sum = 0;
    for (size_t i = 0; i < length; i++)
        sum = (uint8_t)(sum + t->b[i]);
    t->b[9] = (uint8_t)-sum;
    return (const struct sdt_header *)t->b;
}

static const struct sdt_header *seal(struct table *t) { return seal_at(t, t->len); }

static void reset(void)
{
    memset(&platform, 0, sizeof platform);
    memset(&dmar, 0, sizeof dmar);
}

/* Parse in a child first, which must finish within a generous limit (a
 * walk that does not advance would spin for ever and hang every test after
 * it); then, if it did, parse here so the test can look at the results. */
static bool parse(const struct sdt_header *h)
{
    reset();
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        alarm(10);
        acpi_parse_table(h);
        _exit(0);
    }
    int status = 0;
    bool done = pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
    EXPECT(done);
    if (done)
        acpi_parse_table(h);
    return done;
}

/* MADT (ACPI 5.2.12): local APIC address and flags, then entries */
#define MADT_LAPIC 0xfee00000u

static void madt_begin(struct table *t)
{
    begin(t, "APIC", 44);
    put32(t->b + 36, MADT_LAPIC);
    put32(t->b + 40, 1);   /* PCAT_COMPAT */
}

static void madt_lapic(struct table *t, uint8_t uid, uint8_t apic_id, uint32_t flags)
{
    uint8_t *p = append(t, 8);
    p[0] = 0, p[1] = 8, p[2] = uid, p[3] = apic_id;
    put32(p + 4, flags);
}

static void madt_ioapic(struct table *t, uint8_t id, uint32_t phys, uint32_t gsi_base)
{
    uint8_t *p = append(t, 12);
    p[0] = 1, p[1] = 12, p[2] = id, p[3] = 0;
    put32(p + 4, phys);
    put32(p + 8, gsi_base);
}

static void madt_override(struct table *t, uint8_t irq, uint32_t gsi, uint16_t flags)
{
    uint8_t *p = append(t, 10);
    p[0] = 2, p[1] = 10, p[2] = 0 /* ISA */, p[3] = irq;
    put32(p + 4, gsi);
    put16(p + 8, flags);
}

static void madt_lapic_address(struct table *t, uint64_t phys)
{
    uint8_t *p = append(t, 12);
    p[0] = 5, p[1] = 12;
    put64(p + 4, phys);
}

static void madt_x2apic(struct table *t, uint32_t x2apic_id, uint32_t flags, uint32_t uid)
{
    uint8_t *p = append(t, 16);
    p[0] = 9, p[1] = 16;
    put32(p + 4, x2apic_id);
    put32(p + 8, flags);
    put32(p + 12, uid);
}

UNIT_TEST(acpi_madt_records_each_entry_kind)
{
    struct table t;
    madt_begin(&t);
    madt_lapic(&t, 0, 0, 1);              /* enabled */
    madt_lapic(&t, 1, 3, 0);              /* disabled: not a CPU */
    madt_lapic(&t, 2, 5, 2);              /* online-capable */
    madt_lapic(&t, 3, 6, 4);              /* no enabled or online-capable bit */
    madt_ioapic(&t, 2, 0xfec00000u, 0);
    madt_override(&t, 0, 2, 0);
    madt_override(&t, 9, 9, 0x000d);      /* level, active high */
    uint8_t *nmi = append(&t, 6);         /* local APIC NMI: not used */
    nmi[0] = 4, nmi[1] = 6, nmi[2] = 0xff, nmi[5] = 1;
    madt_x2apic(&t, 0x1234, 1, 0x10);
    madt_x2apic(&t, 0x5678, 0, 3);        /* disabled (its UID is odd) */
    madt_ioapic(&t, 9, 0xfec10000u, 24);
    madt_override(&t, 5, 21, 0x000f);     /* level, active low */
    if (!parse(seal(&t)))
        return;
    EXPECT(platform.lapic_phys == MADT_LAPIC);
    EXPECT(platform.cpu_count == 3);
    EXPECT(platform.cpu_apic_id[0] == 0);
    EXPECT(platform.cpu_apic_id[1] == 5);
    EXPECT(platform.cpu_apic_id[2] == 0x1234);
    EXPECT(platform.cpus_ignored == 0);
    EXPECT(platform.ioapic_count == 2);
    EXPECT(platform.ioapic[0].id == 2 && platform.ioapic[0].phys == 0xfec00000u && platform.ioapic[0].gsi_base == 0);
    EXPECT(platform.ioapic[1].id == 9 && platform.ioapic[1].phys == 0xfec10000u && platform.ioapic[1].gsi_base == 24);
    EXPECT(platform.override_count == 3);
    EXPECT(platform.override[0].irq == 0 && platform.override[0].gsi == 2 && platform.override[0].flags == 0);
    EXPECT(platform.override[1].irq == 9 && platform.override[1].gsi == 9 && platform.override[1].flags == 0x000d);
    EXPECT(platform.override[2].irq == 5 && platform.override[2].gsi == 21 && platform.override[2].flags == 0x000f);
    EXPECT(platform.mcfg_phys == 0 && dmar.unit_count == 0);
}

UNIT_TEST(acpi_madt_lapic_address_override_wins)
{
    struct table t;
    madt_begin(&t);
    madt_lapic(&t, 0, 1, 1);
    madt_lapic_address(&t, 0x0000000fee000000ull);
    if (!parse(seal(&t)))
        return;
    EXPECT(platform.lapic_phys == 0x0000000fee000000ull);
    EXPECT(platform.cpu_count == 1 && platform.cpu_apic_id[0] == 1);
}

UNIT_TEST(acpi_madt_limits_cpus_ioapics_overrides)
{
    struct table t;
    madt_begin(&t);
    for (unsigned i = 0; i < NOVUM_MAX_CPUS + 2; i++)
        madt_lapic(&t, (uint8_t)i, (uint8_t)(10 + i), 1);
    madt_x2apic(&t, 0x300, 1, 99);
    for (unsigned i = 0; i < MAX_IOAPICS + 1; i++)
        madt_ioapic(&t, (uint8_t)i, 0xfec00000u + 0x1000u * i, 24 * i);
    for (unsigned i = 0; i < 17; i++)
        madt_override(&t, (uint8_t)i, 100 + i, (uint16_t)i);
    if (!parse(seal(&t)))
        return;
    EXPECT(platform.cpu_count == NOVUM_MAX_CPUS);
    EXPECT(platform.cpus_ignored == 3);
    EXPECT(platform.cpu_apic_id[NOVUM_MAX_CPUS - 1] == 10 + NOVUM_MAX_CPUS - 1);
    EXPECT(platform.ioapic_count == MAX_IOAPICS);
    EXPECT(platform.ioapic[MAX_IOAPICS - 1].phys == 0xfec00000u + 0x1000u * (MAX_IOAPICS - 1));
    EXPECT(platform.override_count == 16);
    EXPECT(platform.override[15].irq == 15 && platform.override[15].gsi == 115 && platform.override[15].flags == 15);
}

/* Entries right behind the table's length, in the same buffer, look valid
 * but are not part of the table. */
static void madt_trailer(struct table *t)
{
    madt_lapic(t, 8, 0x42, 1);
    madt_ioapic(t, 7, 0xfec70000u, 48);
    madt_override(t, 4, 44, 0x000d);
}

UNIT_TEST(acpi_madt_ignores_entries_after_its_end)
{
    struct table t;
    madt_begin(&t);
    madt_lapic(&t, 0, 1, 1);
    madt_override(&t, 9, 9, 0x000d);
    size_t length = t.len;
    madt_trailer(&t);
    if (!parse(seal_at(&t, length)))
        return;
    EXPECT(platform.cpu_count == 1 && platform.cpu_apic_id[0] == 1);
    EXPECT(platform.ioapic_count == 0);
    EXPECT(platform.override_count == 1 && platform.override[0].gsi == 9);
}

UNIT_TEST(acpi_madt_entry_header_cut_by_length)
{
    /* one byte of the next entry is in the table: the walk stops before it */
    struct table t;
    madt_begin(&t);
    madt_lapic(&t, 0, 1, 1);
    size_t length = t.len + 1;
    madt_trailer(&t);
    if (!parse(seal_at(&t, length)))
        return;
    EXPECT(platform.cpu_count == 1 && platform.cpu_apic_id[0] == 1);
    EXPECT(platform.ioapic_count == 0 && platform.override_count == 0);
}

UNIT_TEST(acpi_madt_entry_body_cut_by_length)
{
    /* The I/O APIC entry's type and length are in the table, its body is
     * not: the walk ends there, as the DMAR and MCFG walks do at an entry
     * that runs past their table (it once read the body from past the end). */
    struct table t;
    madt_begin(&t);
    madt_lapic(&t, 0, 1, 1);
    madt_ioapic(&t, 3, 0xfec30000u, 72);
    size_t length = t.len - 6;
    madt_lapic(&t, 8, 0x42, 1);
    if (!parse(seal_at(&t, length)))
        return;
    EXPECT(platform.cpu_count == 1 && platform.cpu_apic_id[0] == 1);
    EXPECT(platform.ioapic_count == 0);
}

static void madt_with_short_entry(uint8_t entry_len)
{
    struct table t;
    madt_begin(&t);
    madt_lapic(&t, 0, 1, 1);
    madt_override(&t, 9, 9, 0x000d);
    uint8_t *bad = append(&t, 2);
    bad[0] = 0, bad[1] = entry_len;
    madt_lapic(&t, 1, 2, 1);              /* inside the table, after the bad entry */
    madt_ioapic(&t, 3, 0xfec30000u, 0);
    madt_override(&t, 4, 4, 0x000d);
    madt_lapic(&t, 2, 3, 1);
    size_t length = t.len;
    madt_trailer(&t);
    if (!parse(seal_at(&t, length)))
        return;
    EXPECT(platform.lapic_phys == MADT_LAPIC);
    EXPECT(platform.cpu_count == 1 && platform.cpu_apic_id[0] == 1);
    EXPECT(platform.ioapic_count == 0);
    EXPECT(platform.override_count == 1 && platform.override[0].flags == 0x000d);
}

UNIT_TEST(acpi_madt_entry_of_length_0_ends_walk) { madt_with_short_entry(0); }
UNIT_TEST(acpi_madt_entry_of_length_1_ends_walk) { madt_with_short_entry(1); }

/* MCFG (PCI Firmware spec 4.1.2): 8 reserved bytes, then 16-byte entries */
static void mcfg_entry(struct table *t, uint64_t base, uint16_t segment, uint8_t bus_start, uint8_t bus_end)
{
    uint8_t *e = append(t, 16);
    put64(e, base);
    put16(e + 8, segment);
    e[10] = bus_start, e[11] = bus_end;
}

UNIT_TEST(acpi_mcfg_takes_first_segment_0_entry)
{
    struct table t;
    begin(&t, "MCFG", 44);
    mcfg_entry(&t, 0xa0000000u, 1, 0x00, 0x3f);
    mcfg_entry(&t, 0xb0000000u, 0, 0x10, 0x7f);
    mcfg_entry(&t, 0xc0000000u, 0, 0x00, 0xff);
    mcfg_entry(&t, 0xd0000000u, 2, 0x00, 0xff);
    if (!parse(seal(&t)))
        return;
    EXPECT(platform.mcfg_phys == 0xb0000000u);
    EXPECT(platform.mcfg_bus_start == 0x10 && platform.mcfg_bus_end == 0x7f);
    EXPECT(platform.cpu_count == 0 && platform.lapic_phys == 0);
}

UNIT_TEST(acpi_mcfg_last_entry_ending_at_length)
{
    struct table t;
    begin(&t, "MCFG", 44);
    mcfg_entry(&t, 0xa0000000u, 3, 0x00, 0x3f);
    mcfg_entry(&t, 0xe0000000u, 0, 0x00, 0x3f);
    if (!parse(seal(&t)))
        return;
    EXPECT(platform.mcfg_phys == 0xe0000000u);
    EXPECT(platform.mcfg_bus_start == 0x00 && platform.mcfg_bus_end == 0x3f);
}

UNIT_TEST(acpi_mcfg_entry_cut_by_length)
{
    struct table t;
    begin(&t, "MCFG", 44);
    mcfg_entry(&t, 0xa0000000u, 3, 0x00, 0x3f);
    mcfg_entry(&t, 0xe0000000u, 0, 0x00, 0x3f);   /* its last byte is outside */
    if (!parse(seal_at(&t, t.len - 1)))
        return;
    EXPECT(platform.mcfg_phys == 0);
    EXPECT(platform.mcfg_bus_start == 0 && platform.mcfg_bus_end == 0);
}

/* DMAR (VT-d 8.1): host address width, flags, 10 reserved bytes, then
 * remapping structures: type (16 bits), length (16 bits), ... */
static void dmar_begin(struct table *t)
{
    begin(t, "DMAR", 48);
    t->b[36] = 38;    /* 39-bit host addresses */
    t->b[37] = 1;     /* INTR_REMAP */
}

/* A DRHD (8.3): flags, reserved, segment, register base; scopes follow. */
static uint8_t *drhd_begin(struct table *t, uint8_t flags, uint16_t segment, uint64_t reg)
{
    uint8_t *p = append(t, 16);
    put16(p, 0);
    p[4] = flags;
    put16(p + 6, segment);
    put64(p + 8, reg);
    return p;
}

static void drhd_end(struct table *t, uint8_t *drhd) { put16(drhd + 2, (uint16_t)(t->b + t->len - drhd)); }

/* A device scope (8.3.1): type, length, reserved, enumeration id, start
 * bus, then (device, function) pairs; `len` as the scope claims it. */
static uint8_t *scope(struct table *t, uint8_t type, uint8_t len, uint8_t bus, unsigned pairs, const uint8_t *path)
{
    uint8_t *d = append(t, 6 + 2 * pairs);
    d[0] = type, d[1] = len, d[4] = 0x5a, d[5] = bus;
    memcpy(d + 6, path, 2 * pairs);
    return d;
}

static bool path_is(const struct vtd_scope *sc, unsigned n, const uint8_t *path)
{
    if (sc->path_len != n)
        return false;
    for (unsigned i = 0; i < n; i++)
        if (sc->path[i][0] != path[2 * i] || sc->path[i][1] != path[2 * i + 1])
            return false;
    return true;
}

UNIT_TEST(acpi_dmar_records_units_and_scopes)
{
    static const uint8_t p_ep[] = { 2, 0 }, p_br[] = { 1, 0, 0, 1 }, p_ioapic[] = { 31, 0 },
                         p_long[] = { 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6 }, p_b[] = { 4, 1 };
    struct table t;
    dmar_begin(&t);
    uint8_t *a = drhd_begin(&t, 0, 0, 0xfed90000u);
    scope(&t, VTD_SCOPE_ENDPOINT, 8, 0, 1, p_ep);
    scope(&t, VTD_SCOPE_BRIDGE, 10, 0x10, 2, p_br);
    scope(&t, 3, 8, 0xf0, 1, p_ioapic);                  /* I/O APIC: not a PCI function */
    scope(&t, VTD_SCOPE_ENDPOINT, 18, 0x20, 6, p_long);  /* six steps: four kept */
    scope(&t, VTD_SCOPE_BRIDGE, 8, 0x30, 1, p_ep);       /* ends where the DRHD ends */
    drhd_end(&t, a);
    uint8_t *rmrr = append(&t, 24);                      /* an RMRR: looks like a DRHD past its type */
    put16(rmrr, 1), put16(rmrr + 2, 24);
    rmrr[4] = 1;
    put64(rmrr + 8, 0xfed80000u);
    uint8_t *b = drhd_begin(&t, 1, 1, 0xfed91000u);       /* INCLUDE_PCI_ALL, segment 1 */
    scope(&t, VTD_SCOPE_ENDPOINT, 8, 3, 1, p_b);
    scope(&t, VTD_SCOPE_ENDPOINT, 10, 4, 1, p_b);        /* claims 2 bytes more than the DRHD has */
    drhd_end(&t, b);
    size_t length = t.len;
    uint8_t *c = drhd_begin(&t, 1, 0, 0xfed92000u);       /* after the table's end */
    scope(&t, VTD_SCOPE_ENDPOINT, 8, 5, 1, p_b);
    drhd_end(&t, c);
    if (!parse(seal_at(&t, length)))
        return;
    EXPECT(dmar.host_aw == 38);
    EXPECT(dmar.unit_count == 2 && dmar.units_ignored == 0);
    const struct dmar_unit *u = &dmar.unit[0];
    EXPECT(u->reg_phys == 0xfed90000u && u->segment == 0 && !u->include_all);
    EXPECT(u->scope_count == 4);
    EXPECT(u->scope[0].type == VTD_SCOPE_ENDPOINT && u->scope[0].bus == 0 && path_is(&u->scope[0], 1, p_ep));
    EXPECT(u->scope[1].type == VTD_SCOPE_BRIDGE && u->scope[1].bus == 0x10 && path_is(&u->scope[1], 2, p_br));
    EXPECT(u->scope[2].type == VTD_SCOPE_ENDPOINT && u->scope[2].bus == 0x20 && path_is(&u->scope[2], 4, p_long));
    EXPECT(u->scope[3].type == VTD_SCOPE_BRIDGE && u->scope[3].bus == 0x30 && path_is(&u->scope[3], 1, p_ep));
    u = &dmar.unit[1];
    EXPECT(u->reg_phys == 0xfed91000u && u->segment == 1 && u->include_all);
    EXPECT(u->scope_count == 1);
    EXPECT(u->scope[0].type == VTD_SCOPE_ENDPOINT && u->scope[0].bus == 3 && path_is(&u->scope[0], 1, p_b));
    EXPECT(platform.cpu_count == 0 && platform.mcfg_phys == 0);
}

UNIT_TEST(acpi_dmar_limits_units_and_scopes)
{
    static const uint8_t p[] = { 7, 0 };
    struct table t;
    dmar_begin(&t);
    uint8_t *d = drhd_begin(&t, 0, 0, 0xfed00000u);
    for (unsigned i = 0; i < VTD_MAX_SCOPES + 1; i++)
        scope(&t, VTD_SCOPE_ENDPOINT, 8, (uint8_t)i, 1, p);
    drhd_end(&t, d);
    for (unsigned i = 1; i < VTD_MAX_UNITS + 2; i++)
        drhd_end(&t, drhd_begin(&t, 0, 0, 0xfed00000u + 0x1000u * i));
    if (!parse(seal(&t)))
        return;
    EXPECT(dmar.unit_count == VTD_MAX_UNITS);
    EXPECT(dmar.units_ignored == 2);
    EXPECT(dmar.unit[VTD_MAX_UNITS - 1].reg_phys == 0xfed00000u + 0x1000u * (VTD_MAX_UNITS - 1));
    EXPECT(dmar.unit[0].scope_count == VTD_MAX_SCOPES);
    EXPECT(dmar.unit[0].scope[VTD_MAX_SCOPES - 1].bus == VTD_MAX_SCOPES - 1);
}

UNIT_TEST(acpi_dmar_skips_malformed_structures)
{
    static const uint8_t p[] = { 3, 0 };
    struct table t;
    dmar_begin(&t);
    uint8_t *s = append(&t, 12);          /* a DRHD shorter than its fixed part */
    put16(s, 0), put16(s + 2, 12);
    put64(s + 4, 0xfed93000u);
    uint8_t *a = drhd_begin(&t, 0, 0, 0xfed90000u);
    scope(&t, VTD_SCOPE_ENDPOINT, 5, 1, 1, p);   /* a scope shorter than 6: ends the scopes */
    scope(&t, VTD_SCOPE_ENDPOINT, 8, 2, 1, p);
    drhd_end(&t, a);
    uint8_t *b = drhd_begin(&t, 1, 0, 0xfed91000u);           /* runs past the table's end */
    scope(&t, VTD_SCOPE_ENDPOINT, 8, 2, 1, p);
    drhd_end(&t, b);
    if (!parse(seal_at(&t, t.len - 1)))
        return;
    EXPECT(dmar.unit_count == 1 && dmar.units_ignored == 0);
    EXPECT(dmar.unit[0].reg_phys == 0xfed90000u && dmar.unit[0].scope_count == 0);
}

UNIT_TEST(acpi_dmar_structure_of_length_below_4_ends_walk)
{
    struct table t;
    dmar_begin(&t);
    drhd_end(&t, drhd_begin(&t, 0, 0, 0xfed90000u));
    uint8_t *z = append(&t, 4);
    put16(z, 1), put16(z + 2, 2);
    drhd_end(&t, drhd_begin(&t, 1, 0, 0xfed91000u));
    if (!parse(seal(&t)))
        return;
    EXPECT(dmar.unit_count == 1 && dmar.unit[0].reg_phys == 0xfed90000u);
}

UNIT_TEST(acpi_dmar_shorter_than_its_header_ignored)
{
    struct table t;
    dmar_begin(&t);
    if (!parse(seal_at(&t, 47)))
        return;
    EXPECT(dmar.host_aw == 0 && dmar.unit_count == 0);
}

/* Checksums: all `length` bytes sum to 0 mod 256, or the table is ignored. */
static void madt_small(struct table *t)
{
    madt_begin(t);
    madt_lapic(t, 0, 4, 1);
    madt_override(t, 9, 9, 0x000d);
    madt_lapic(t, 1, 6, 1);
}

UNIT_TEST(acpi_checksum_accepts_any_byte_sum_0_mod_256)
{
    struct table t;
    madt_small(&t);
    seal(&t);
    t.b[20] = (uint8_t)(t.b[20] + 0x80);      /* the sum stays 0 mod 256 */
    t.b[t.len - 5] = (uint8_t)(t.b[t.len - 5] + 0x80);   /* the second APIC ID, 6 + 128 */
    t.b[t.len] = 0x11;                          /* after the table: not summed */
    if (!parse((const struct sdt_header *)t.b))
        return;
    EXPECT(platform.cpu_count == 2 && platform.cpu_apic_id[0] == 4 && platform.cpu_apic_id[1] == 134);
}

UNIT_TEST(acpi_checksum_wrong_table_ignored)
{
    struct table t;
    madt_small(&t);
    seal(&t);
    t.b[9]++;
    if (parse((const struct sdt_header *)t.b))
        EXPECT(platform.cpu_count == 0 && platform.lapic_phys == 0 && platform.override_count == 0);
    seal(&t);
    t.b[t.len - 1]--;                          /* the last byte is summed too */
    if (parse((const struct sdt_header *)t.b))
        EXPECT(platform.cpu_count == 0 && platform.lapic_phys == 0 && platform.override_count == 0);

    begin(&t, "MCFG", 44);
    mcfg_entry(&t, 0xe0000000u, 0, 0, 0xff);
    seal(&t);
    t.b[44]++;
    if (parse((const struct sdt_header *)t.b))
        EXPECT(platform.mcfg_phys == 0);

    static const uint8_t p[] = { 2, 0 };
    dmar_begin(&t);
    uint8_t *d = drhd_begin(&t, 1, 0, 0xfed90000u);
    scope(&t, VTD_SCOPE_ENDPOINT, 8, 0, 1, p);
    drhd_end(&t, d);
    seal(&t);
    t.b[36]++;
    if (parse((const struct sdt_header *)t.b))
        EXPECT(dmar.unit_count == 0 && dmar.host_aw == 0);
}

UNIT_TEST(acpi_unknown_signature_ignored)
{
    struct table t;
    madt_small(&t);
    memcpy(t.b, "APIX", 4);
    if (parse(seal(&t)))
        EXPECT(platform.cpu_count == 0 && platform.lapic_phys == 0);
}
