/* The guest-physical space of a PD (spec 4.6, G bit): memory and ports
 * delegated with G are reachable by the PD's vCPUs, memory through nested
 * page tables at the same page number, ports through the guest's I/O
 * permission map. Capabilities keep their host effect as well. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

struct pd;

struct guest_space {
    uint64_t npt;          /* root of the nested page table, physical; 0 until needed */
    uint64_t generation;   /* bumped when a guest mapping shrinks: vCPUs flush */
    uint8_t *iopm;         /* I/O permission map, a clear bit lets the guest use the port; 0: none */
};

/* The nested page table, made on first use; false when out of memory. */
bool guest_space_ready(struct pd *pd);

/* Map one 4 KiB page (rights MAP_R/W/X) at a guest-physical page; false when
 * out of memory. */
bool guest_map(struct pd *pd, uint64_t gpa, uint64_t pa, unsigned rights);
/* Remove or reduce a page; vCPUs of the PD flush before they run again. */
void guest_unmap(struct pd *pd, uint64_t gpa);
/* Allow or forbid one port to the PD's vCPUs; false when out of memory. */
bool guest_port_set(struct pd *pd, uint32_t port, bool allow);
void guest_space_destroy(struct pd *pd);
