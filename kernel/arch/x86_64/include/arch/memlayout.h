/* Virtual memory layout of the kernel and of every user address space. */
#pragma once

#define KERNEL_VBASE    0xffffffff80000000ul   /* kernel image, -mcmodel=kernel */
#define KERNEL_PBASE    0x100000ul             /* where multiboot loads it */
#define PHYS_MAP_BASE   0xffff800000000000ul   /* direct map of all physical memory */
#define PHYS_MAP_LIMIT  (512ul << 30)          /* one PML4 slot's worth */
#define MMIO_BASE       0xffffffffc0000000ul   /* uncached device windows */
/* The TSS area, the one kernel region that is not the same in every address
 * space (PML4 slot 257, right after the direct map): page 0 holds every
 * CPU's TSS, pages 1-2 the I/O permission bitmap of the address space that
 * is loaded (all ones, or the PD's own bitmap frames), page 3 all ones for
 * the byte the CPU reads past the last port. So switching CR3 switches
 * bitmaps, as in NOVA (paging.c, space_pio.c). */
#define TSS_AREA        0xffff808000000000ul
#define IOMAP_VA        (TSS_AREA + 0x1000ul)

/* User space is the lower canonical half minus its last page: a syscall at the
 * very top would return (sysret) to a non-canonical RIP, which faults in ring 0. */
#define USER_LIMIT      0x00007ffffffff000ul
#define USER_HIP_ADDR   (USER_LIMIT - 0x1000)   /* HIP of the root PD (spec 6.1.2.1) */
#define USER_ROOT_UTCB  (USER_HIP_ADDR - 0x1000) /* root UTCB just below the HIP */

#define PAGE_SIZE       4096ul
#define PAGE_SHIFT      12

#ifndef __ASSEMBLER__
#include <stdint.h>
#include <stdbool.h>

static inline void *phys_to_virt(uint64_t pa) { return (void *)(uintptr_t)(pa + PHYS_MAP_BASE); }
static inline uint64_t virt_to_phys(const void *va)
{
    uint64_t v = (uint64_t)(uintptr_t)va;
    return v >= KERNEL_VBASE ? v - KERNEL_VBASE : v - PHYS_MAP_BASE;
}
static inline bool user_range_ok(uint64_t va, uint64_t size)
{
    return va < USER_LIMIT && size <= USER_LIMIT - va;
}
static inline bool user_canonical(uint64_t va) { return va < USER_LIMIT; }
#endif
