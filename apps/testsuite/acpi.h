/* ACPI as a PCI service would read it. The NOVA HIP has no flag for an
 * IOMMU, so the suite reads ACPI itself: the root takes the BIOS area, the
 * RSDP's root table and the tables it lists with the H bit, and finds the
 * MCFG (where configuration pages are) and the DMAR (whether VT-d remaps
 * them). Physical memory taken here lands at VTD_VA and up. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#define ECAM_PAGES 256                     /* bus 0 */

struct acpi_info {
    bool probed, acpi;
    uint64_t ecam_phys;                    /* segment 0, bus 0; 0 if no MCFG */
    uint64_t ecam_page;                    /* where bus 0's 256 pages are mapped here (page number) */
    bool dmar;
};
extern struct acpi_info acpi;

/* Fill `acpi` (once) */
void acpi_probe(void);
/* what the root's memory space holds at page `page` (a null CRD if nothing) */
uint64_t lookup_mem(uint64_t page);
/* Take `1 << order` physical pages from `pa` (aligned to them) with the H
 * bit and the given permissions (read-only: take_phys); the virtual page
 * number they land at, or 0 */
uint64_t take_phys_perms(uint64_t pa, unsigned order, unsigned perms);
uint64_t take_phys(uint64_t pa, unsigned order);
/* a page number of the root's space that holds nothing */
uint64_t unused_page(void);
/* The selector (page number) of function devfn's configuration page on bus 0, and its vendor ID */
uint64_t cfg_sel(unsigned devfn);
uint16_t cfg_vendor(unsigned devfn);
/* A device's BAR mapped into the root (read and write) with the H bit, for
 * the virtio driver core's map_bar (virtio/hw.h): where it is, 0 if not */
volatile void *root_map_bar(void *ctx, unsigned bar, uint64_t phys, uint64_t size);
