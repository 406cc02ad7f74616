/* ACPI and PCI configuration space for the suite's device tests
 * (test_vtd.c, test_virtio_blk.c): see acpi.h. */
#include <string.h>
#include "acpi.h"
#include "self_delegate.h"

#define VTD_VA     0x0000610000000000ull   /* this file's mappings of physical memory */
#define VTD_PAGE   (VTD_VA >> 12)
#define BIOS_PAGES 32                      /* 0xe0000-0xfffff */

struct acpi_info acpi;
static uint64_t next_page = VTD_PAGE;

uint64_t unused_page(void) { return next_page + 7; }

uint64_t lookup_mem(uint64_t page)
{
    uint64_t crd = nova_crd_mem(page, 0, 0);
    return nova_lookup(&crd) == NOVA_SUCCESS ? crd : nova_crd_null();
}

uint64_t take_phys_perms(uint64_t pa, unsigned order, unsigned perms)
{
    uint64_t n = 1ull << order, va = (next_page + n - 1) & ~(n - 1);
    next_page = va + n;
    uint64_t crd = nova_crd_mem(pa >> 12, order, perms);
    if (delegate_to_self(crd, 0, true, nova_crd_mem(va, order, perms)) != NOVA_SUCCESS)
        return 0;
    return nova_crd_type(lookup_mem(va)) == NOVA_CRD_TYPE_MEM ? va : 0;
}
uint64_t take_phys(uint64_t pa, unsigned order) { return take_phys_perms(pa, order, NOVA_PERM_MEM_R); }

/* A table at physical `pa`: the page it starts in and the next one mapped
 * (the tables read here are small), the address of its header */
static const uint8_t *take_table(uint64_t pa)
{
    uint64_t va = take_phys(pa & ~0xfffull, 0);
    if (!va || take_phys((pa & ~0xfffull) + 0x1000, 0) != va + 1)
        return 0;
    return (const uint8_t *)(uintptr_t)((va << 12) + (pa & 0xfff));
}

void acpi_probe(void)
{
    if (acpi.probed)
        return;
    acpi.probed = true;
    uint64_t bios = take_phys(0xe0000, 5);
    if (!bios)
        return;
    const uint8_t *rsdp = 0;
    for (uint64_t off = 0; off < BIOS_PAGES * 4096ull && !rsdp; off += 16)
        if (!memcmp((const void *)(uintptr_t)((bios << 12) + off), "RSD PTR ", 8))
            rsdp = (const uint8_t *)(uintptr_t)((bios << 12) + off);
    if (!rsdp)
        return;
    bool x = rsdp[15] >= 2 && *(const uint64_t *)(rsdp + 24);
    const uint8_t *root = take_table(x ? *(const uint64_t *)(rsdp + 24) : *(const uint32_t *)(rsdp + 16));
    if (!root)
        return;
    acpi.acpi = true;
    unsigned n = (*(const uint32_t *)(root + 4) - 36) / (x ? 8 : 4);
    for (unsigned i = 0; i < n; i++) {
        uint64_t pa = x ? *(const uint64_t *)(root + 36 + 8 * i) : *(const uint32_t *)(root + 36 + 4 * i);
        const uint8_t *t = take_table(pa);
        if (!t)
            continue;
        if (!memcmp(t, "MCFG", 4) && *(const uint16_t *)(t + 44 + 8) == 0 && t[44 + 10] == 0)
            acpi.ecam_phys = *(const uint64_t *)(t + 44);
        if (!memcmp(t, "DMAR", 4))
            acpi.dmar = true;
    }
    if (acpi.ecam_phys)
        acpi.ecam_page = take_phys(acpi.ecam_phys, 8);
    nova_printf("# ACPI: %s, ECAM at 0x%lx, %s\n", acpi.acpi ? "found" : "not found", (unsigned long)acpi.ecam_phys,
                acpi.dmar ? "a DMAR table" : "no DMAR table");
}

uint64_t cfg_sel(unsigned devfn) { return acpi.ecam_page + devfn; }
uint16_t cfg_vendor(unsigned devfn) { return *(volatile uint16_t *)(uintptr_t)(cfg_sel(devfn) << 12); }

volatile void *root_map_bar(void *ctx, unsigned bar, uint64_t phys, uint64_t size)
{
    (void)ctx;
    (void)bar;
    unsigned order = 0;
    while ((4096ull << order) < size)
        order++;
    uint64_t page = take_phys_perms(phys, order, NOVA_PERM_MEM_R | NOVA_PERM_MEM_W);
    return page ? (volatile void *)(uintptr_t)(page << 12) : 0;
}
