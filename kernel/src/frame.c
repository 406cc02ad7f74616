/* The kernel memory pool: a free list of 4 KiB frames threaded through the
 * direct map. The pool is carved at boot from available RAM that holds
 * nothing else (not the low 1 MiB, the kernel image, loader data or modules).
 * No lock of its own: every caller holds the big lock, or runs on the boot
 * CPU before the others start (paging, MMIO mappings); the TLB shootdown
 * path, which runs without the lock, allocates nothing. */
#include <arch/memlayout.h>
#include "frame.h"
#include "console.h"
#include "string.h"

extern char _kernel_phys_start[], _kernel_phys_end[];

static struct phys_range pool[KPOOL_MAX_RANGES];
static unsigned pool_count;
static uint64_t *free_list;        /* virtual address of the first free frame */
static uint64_t free_count;

static bool overlaps(uint64_t a, uint64_t a_end, uint64_t b, uint64_t b_end)
{
    return a < b_end && b < a_end;
}

/* Is [pa, pa+4K) free of anything the loader or the kernel image occupies? */
static bool page_unused(const struct boot_info *bi, uint64_t pa)
{
    uint64_t end = pa + PAGE_SIZE;
    if (pa < (1ull << 20))
        return false;
    if (overlaps(pa, end, (uint64_t)(uintptr_t)_kernel_phys_start, (uint64_t)(uintptr_t)_kernel_phys_end))
        return false;
    for (unsigned i = 0; i < bi->reserved_count; i++)
        if (overlaps(pa, end, bi->reserved[i].addr, bi->reserved[i].addr + bi->reserved[i].size))
            return false;
    for (unsigned i = 0; i < bi->mem_count; i++)
        if (bi->mem[i].type != MEM_AVAILABLE &&
            overlaps(pa, end, bi->mem[i].addr, bi->mem[i].addr + bi->mem[i].size))
            return false;
    return true;
}

static void pool_add(uint64_t pa)
{
    if (pool_count && pool[pool_count - 1].end == pa)
        pool[pool_count - 1].end += PAGE_SIZE;
    else if (pool_count < KPOOL_MAX_RANGES)
        pool[pool_count++] = (struct phys_range){ pa, pa + PAGE_SIZE };
    else
        return;
    frame_free(pa);
}

void frame_init(const struct boot_info *bi, uint64_t pool_bytes)
{
    uint64_t want = pool_bytes / PAGE_SIZE;
    for (unsigned i = 0; i < bi->mem_count && free_count < want; i++) {
        const struct mem_region *r = &bi->mem[i];
        if (r->type != MEM_AVAILABLE)
            continue;
        uint64_t pa = (r->addr + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
        for (; pa + PAGE_SIZE <= r->addr + r->size && free_count < want; pa += PAGE_SIZE)
            if (pa + PAGE_SIZE <= PHYS_MAP_LIMIT && page_unused(bi, pa))
                pool_add(pa);
    }
    if (!free_count)
        panic("no memory for the kernel pool");
}

uint64_t frame_alloc(void)
{
    uint64_t *f = free_list;
    if (f) {
        free_list = (uint64_t *)*f;
        free_count--;
    }
    if (!f)
        return 0;
    memset(f, 0, PAGE_SIZE);
    return virt_to_phys(f);
}

void frame_free(uint64_t pa)
{
    uint64_t *f = phys_to_virt(pa);
    *f = (uint64_t)free_list;
    free_list = f;
    free_count++;
}

uint64_t frame_free_count(void) { return free_count; }

unsigned kpool_ranges(const struct phys_range **ranges)
{
    *ranges = pool;
    return pool_count;
}

bool phys_is_kernel(uint64_t pa)
{
    if (pa >= (uint64_t)(uintptr_t)_kernel_phys_start && pa < (uint64_t)(uintptr_t)_kernel_phys_end)
        return true;
    for (unsigned i = 0; i < pool_count; i++)
        if (pa >= pool[i].start && pa < pool[i].end)
            return true;
    return false;
}

uint64_t phys_ram_top(const struct boot_info *bi)
{
    uint64_t top = 0;
    for (unsigned i = 0; i < bi->mem_count; i++)
        if (bi->mem[i].type == MEM_AVAILABLE && bi->mem[i].addr + bi->mem[i].size > top)
            top = bi->mem[i].addr + bi->mem[i].size;
    return top;
}
