/* The port I/O space of a PD (spec 2.1, 4.1.3): one permission bit per port,
 * kept as the x86 I/O permission bitmap (a clear bit allows the port). The
 * bitmap's frames are mapped in the PD's own address space where the TSS
 * expects them (arch/memlayout.h: the TSS area), so loading its page table
 * loads its port permissions; a PD that never held a port shares the
 * kernel's all-ones pages and has no tables or frames of its own there. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#define PIO_PORTS 65536u

struct space_pio {
    uint8_t *half[2];       /* 2 x 4 KiB of bitmap, allocated on first grant */
    uint64_t *tables[3];    /* its own page tables for the TSS area: PDPT, PD, PT */
};

struct pd;

bool space_pio_allowed(const struct space_pio *s, uint64_t port);
/* Allow (or forbid) one port; false when the bitmap cannot be allocated. */
bool space_pio_set(struct pd *pd, uint32_t port, bool allow);
void space_pio_destroy(struct pd *pd);
