/* ACPI for PCI: the RSDP (in the EBDA, the BIOS area, or ACPI memory as
 * UEFI firmware keeps it), the root table it names (XSDT, else RSDT), and
 * from it the MCFG: where segment 0's ECAM is and which buses it covers.
 * The root takes each page read-only from the kernel (H bit) as it reads it. */
#include "rootserver.h"
#include "string.h"

#define PAGE 4096ull

static bool checksum_ok(const uint8_t *p, uint64_t n)
{
    uint8_t sum = 0;
    for (uint64_t i = 0; i < n; i++)
        sum += p[i];
    return sum == 0;
}

/* [pa, pa + len) mapped read-only in the window; its address there, or 0 */
static const uint8_t *acpi_map(uint64_t pa, uint64_t len)
{
    uint64_t lo = pa & ~(PAGE - 1), hi = (pa + len + PAGE - 1) & ~(PAGE - 1);
    return phys_map(lo, hi - lo, false) ? phys_ptr(pa) : 0;
}

static uint64_t scan_rsdp(uint64_t pa, uint64_t len)
{
    const uint8_t *p = acpi_map(pa, len);
    for (uint64_t off = 0; p && off + 20 <= len; off += 16)
        if (!memcmp(p + off, "RSD PTR ", 8) && checksum_ok(p + off, 20))
            return pa + off;
    return 0;
}

static uint64_t find_rsdp(void)
{
    const uint8_t *bda = acpi_map(0x40e, 2);
    uint64_t ebda = bda ? (uint64_t)*(const uint16_t *)bda << 4 : 0;
    uint64_t r = ebda ? scan_rsdp(ebda, 1024) : 0;
    if (!r)
        r = scan_rsdp(0xe0000, 0x20000);
    for (unsigned i = 0; !r && i < hip_mem_count(nova_boot_hip); i++) {
        const struct nova_hip_mem *m = hip_mem_at(nova_boot_hip, i);
        if ((m->type == NOVA_HIP_MEM_ACPI_RECLAIM || m->type == NOVA_HIP_MEM_ACPI_NVS) && m->size <= (64ull << 20))
            r = scan_rsdp(m->address, m->size);
    }
    return r;
}

/* A whole table: header first, then as long as it says; 0 if unusable */
static const uint8_t *map_table(uint64_t pa)
{
    const uint8_t *h = acpi_map(pa, 36);
    if (!h)
        return 0;
    uint32_t len = *(const uint32_t *)(h + 4);
    if (len < 36 || len > (1u << 20) || !acpi_map(pa, len))
        return 0;
    return checksum_ok(h, len) ? h : 0;
}

/* The table with signature `sig` listed in the root table, or 0 */
static const uint8_t *find_table(const char *sig)
{
    uint64_t rsdp_pa = find_rsdp();
    if (!rsdp_pa)
        return 0;
    const uint8_t *rsdp = acpi_map(rsdp_pa, 36);
    bool x = rsdp[15] >= 2 && *(const uint64_t *)(rsdp + 24);
    const uint8_t *root = map_table(x ? *(const uint64_t *)(rsdp + 24) : *(const uint32_t *)(rsdp + 16));
    if (!root)
        return 0;
    unsigned n = (*(const uint32_t *)(root + 4) - 36) / (x ? 8 : 4);
    for (unsigned i = 0; i < n; i++) {
        uint64_t pa = x ? *(const uint64_t *)(root + 36 + 8 * i) : *(const uint32_t *)(root + 36 + 4 * i);
        const uint8_t *t = map_table(pa);
        if (t && !memcmp(t, sig, 4))
            return t;
    }
    return 0;
}

bool acpi_mcfg(uint64_t *ecam, unsigned *bus_first, unsigned *bus_last)
{
    const uint8_t *mcfg = find_table("MCFG");
    if (!mcfg)
        return false;
    uint32_t len = *(const uint32_t *)(mcfg + 4);
    for (uint32_t off = 44; off + 16 <= len; off += 16) {   /* allocation structures */
        const uint8_t *a = mcfg + off;
        if (*(const uint16_t *)(a + 8) != 0)   /* segment 0 only */
            continue;
        *ecam = *(const uint64_t *)a;
        *bus_first = a[10];
        *bus_last = a[11];
        return *bus_first <= *bus_last;
    }
    return false;
}
