/* Virtual memory layout of the kernel and of every user address space. */
#pragma once

#define KERNEL_VBASE    0xffffffff80000000ul   /* kernel image, -mcmodel=kernel */
#define KERNEL_PBASE    0x100000ul             /* where multiboot loads it */
#define PHYS_MAP_BASE   0xffff800000000000ul   /* direct map of all physical memory */
#define PHYS_MAP_LIMIT  (512ul << 30)          /* one PML4 slot's worth */
#define MMIO_BASE       0xffffffffc0000000ul   /* uncached device windows */

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
