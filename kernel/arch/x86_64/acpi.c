/* Platform discovery from ACPI: the RSDP in the BIOS areas, then the MADT for
 * local APICs and I/O APICs, the MCFG for PCI configuration space and the
 * DMAR for the VT-d remapping units (arch/vtd.h). Without ACPI the kernel
 * runs on the boot CPU alone. */
#include <arch/cpu.h>
#include <arch/acpi.h>
#include <arch/vtd.h>
#include <arch/memlayout.h>
#include <arch/paging.h>
#include "console.h"
#include "bootinfo.h"
#include "frame.h"
#include "string.h"

struct platform platform;

struct sdt_header {
    char sig[4];
    uint32_t length;
    uint8_t revision, checksum;
    char oem[6], oem_table[8];
    uint32_t oem_rev, creator, creator_rev;
} __attribute__((packed));

struct rsdp {
    char sig[8];
    uint8_t checksum;
    char oem[6];
    uint8_t revision;
    uint32_t rsdt;
    uint32_t length;
    uint64_t xsdt;
    uint8_t xchecksum, reserved[3];
} __attribute__((packed));

static bool checksum_ok(const void *p, size_t n)
{
    uint8_t sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += ((const uint8_t *)p)[i];
    return sum == 0;
}

static const struct rsdp *scan_rsdp(uint64_t start, uint64_t len)
{
    for (uint64_t pa = start; pa + sizeof(struct rsdp) <= start + len; pa += 16) {
        const struct rsdp *r = phys_to_virt(pa);
        if (!memcmp(r->sig, "RSD PTR ", 8) && checksum_ok(r, 20))
            return r;
    }
    return 0;
}

/* BIOS machines keep the RSDP in the EBDA or the BIOS area; UEFI firmware
 * keeps it in ACPI memory (multiboot v1 does not pass it on), so those
 * regions of the memory map are searched too. */
static const struct rsdp *find_rsdp(void)
{
    uint64_t ebda = (uint64_t)*(const uint16_t *)phys_to_virt(0x40e) << 4;
    const struct rsdp *r = ebda ? scan_rsdp(ebda, 1024) : 0;
    if (!r)
        r = scan_rsdp(0xe0000, 0x20000);
    for (unsigned i = 0; !r && i < boot_info.mem_count; i++) {
        const struct mem_region *m = &boot_info.mem[i];
        if ((m->type == 3 || m->type == 4) && m->size <= (64ull << 20))   /* ACPI reclaim, NVS */
            r = scan_rsdp(m->addr, m->size);
    }
    return r;
}

static void add_cpu(uint32_t apic_id)
{
    if (platform.cpu_count < NOVUM_MAX_CPUS)
        platform.cpu_apic_id[platform.cpu_count++] = apic_id;
    else
        platform.cpus_ignored++;
}

static void parse_madt(const struct sdt_header *h)
{
    const uint8_t *p = (const uint8_t *)h + 44, *end = (const uint8_t *)h + h->length;
    platform.lapic_phys = *(const uint32_t *)((const uint8_t *)h + 36);
    for (; p + 2 <= end && p[1] >= 2 && p + p[1] <= end; p += p[1]) {
        switch (p[0]) {
        case 0:   /* processor local APIC: enabled or online-capable */
            if (*(const uint32_t *)(p + 4) & 3)
                add_cpu(p[3]);
            break;
        case 1:   /* I/O APIC */
            if (platform.ioapic_count < MAX_IOAPICS) {
                unsigned i = platform.ioapic_count++;
                platform.ioapic[i].id = p[2];
                platform.ioapic[i].phys = *(const uint32_t *)(p + 4);
                platform.ioapic[i].gsi_base = *(const uint32_t *)(p + 8);
            }
            break;
        case 2:   /* interrupt source override */
            if (platform.override_count < 16) {
                unsigned i = platform.override_count++;
                platform.override[i].irq = p[3];
                platform.override[i].gsi = *(const uint32_t *)(p + 4);
                platform.override[i].flags = *(const uint16_t *)(p + 8);
            }
            break;
        case 5:   /* local APIC address override */
            platform.lapic_phys = *(const uint64_t *)(p + 4);
            break;
        case 9:   /* processor local x2APIC */
            if (*(const uint32_t *)(p + 8) & 3)
                add_cpu(*(const uint32_t *)(p + 4));
            break;
        }
    }
}

/* MCFG: the first entry of segment 0 (the only segment the kernel uses) */
static void parse_mcfg(const struct sdt_header *h)
{
    for (const uint8_t *e = (const uint8_t *)h + 44; e + 16 <= (const uint8_t *)h + h->length; e += 16) {
        if (*(const uint16_t *)(e + 8) != 0 || platform.mcfg_phys)
            continue;
        platform.mcfg_phys = *(const uint64_t *)e;
        platform.mcfg_bus_start = e[10];
        platform.mcfg_bus_end = e[11];
    }
}

/* DMAR (VT-d 8.1, 8.3): the DRHD structures, each a remapping unit with its
 * register base, segment, INCLUDE_PCI_ALL flag and device scopes. */
static void parse_dmar(const struct sdt_header *h)
{
    const uint8_t *p = (const uint8_t *)h + 48, *end = (const uint8_t *)h + h->length;
    dmar.host_aw = ((const uint8_t *)h)[36];
    for (uint16_t len; p + 4 <= end && (len = *(const uint16_t *)(p + 2)) >= 4 && p + len <= end; p += len) {
        if (*(const uint16_t *)p != 0 || len < 16)   /* type 0: DRHD */
            continue;
        if (dmar.unit_count == VTD_MAX_UNITS) {
            dmar.units_ignored++;
            continue;
        }
        struct dmar_unit *u = &dmar.unit[dmar.unit_count++];
        u->include_all = p[4] & 1;
        u->segment = *(const uint16_t *)(p + 6);
        u->reg_phys = *(const uint64_t *)(p + 8);
        for (const uint8_t *d = p + 16; d + 6 <= p + len && d[1] >= 6 && d + d[1] <= p + len; d += d[1]) {
            if ((d[0] != VTD_SCOPE_ENDPOINT && d[0] != VTD_SCOPE_BRIDGE) || u->scope_count == VTD_MAX_SCOPES)
                continue;
            struct vtd_scope *sc = &u->scope[u->scope_count++];
            sc->type = d[0];
            sc->bus = d[5];
            unsigned n = (d[1] - 6u) / 2;
            sc->path_len = (uint8_t)(n > 4 ? 4 : n);
            for (unsigned i = 0; i < sc->path_len; i++) {
                sc->path[i][0] = d[6 + 2 * i];
                sc->path[i][1] = d[7 + 2 * i];
            }
        }
    }
}

void acpi_parse_table(const struct sdt_header *h)
{
    if (!checksum_ok(h, h->length))
        return;
    if (!memcmp(h->sig, "APIC", 4))
        parse_madt(h);
    else if (!memcmp(h->sig, "MCFG", 4))
        parse_mcfg(h);
    else if (!memcmp(h->sig, "DMAR", 4) && h->length >= 48)
        parse_dmar(h);
}

void acpi_init(void)
{
    const struct rsdp *r = find_rsdp();
    if (r) {
        bool x = r->revision >= 2 && r->xsdt;
        const struct sdt_header *root = phys_to_virt(x ? r->xsdt : r->rsdt);
        unsigned n = (root->length - sizeof *root) / (x ? 8 : 4);
        const uint8_t *entries = (const uint8_t *)(root + 1);
        for (unsigned i = 0; i < n; i++) {
            uint64_t pa = x ? *(const uint64_t *)(entries + 8 * i) : *(const uint32_t *)(entries + 4 * i);
            acpi_parse_table(phys_to_virt(pa));
        }
    }
    if (!platform.cpu_count) {
        platform.cpu_count = 1;
        platform.cpu_apic_id[0] = cpuid(1, 0).ebx >> 24;
    }
    if (!platform.lapic_phys)
        platform.lapic_phys = rdmsr(MSR_APIC_BASE) & ~0xfffull;
}

bool phys_is_kernel_device(uint64_t pa)
{
    uint64_t page = pa & ~0xfffull;
    for (unsigned i = 0; i < dmar.unit_count; i++)
        if (page == (dmar.unit[i].reg_phys & ~0xfffull))
            return true;
    if (page == (platform.lapic_phys & ~0xfffull))
        return true;
    for (unsigned i = 0; i < platform.ioapic_count; i++)
        if (page == (platform.ioapic[i].phys & ~0xfffull))
            return true;
    return false;
}
