/* Physical memory for components: the largest free region of RAM (not the
 * kernel's, not a boot module, not below 1 MiB, not a VM's guest memory) up
 * to POOL_MAX, taken from the kernel and mapped at PHYS_WINDOW + PA; pages
 * come from it in order, and pages given back (frames_release, when a
 * component is restarted) before that. Each page remembers which component
 * it was allocated for. Guest memory of a VM is one naturally aligned
 * block, chosen before the pool (phys_block_take) and kept out of it. */
#include "rootserver.h"
#include "string.h"

#define POOL_MAX (64ull << 20)
#define PAGE 4096ull

static uint64_t pool_start, pool_next, pool_end;
static uint8_t owner[POOL_MAX / PAGE];   /* per pool page: 0 the root's, i + 1 component i's */
static uint64_t free_list;               /* pages given back, linked through their first word */
static struct { uint64_t lo, hi; } blocks[MAX_VMS];   /* guest memory taken so far */
static unsigned block_count;

static bool map_perms(uint64_t pa, uint64_t size, uint64_t perms)
{
    uint64_t page = pa / PAGE, end = (pa + size + PAGE - 1) / PAGE;
    while (page < end) {
        unsigned order = 0;
        while (order < 18 && !(page & ((2ull << order) - 1)) && page + (2ull << order) <= end)
            order++;
        uint64_t vpage = (PHYS_WINDOW / PAGE) + page;
        if (!kernel_grant(nova_crd_mem(page, order, perms), vpage, nova_crd_mem(vpage, order, 0x7)))
            return false;
        page += 1ull << order;
    }
    return true;
}

/* Frames for components are mapped with every permission: a delegation
 * can only pass on what the root holds (code pages need x). */
bool phys_map(uint64_t pa, uint64_t size, bool for_components)
{
    return map_perms(pa, size, NOVA_PERM_MEM_R | (for_components ? NOVA_PERM_MEM_W | NOVA_PERM_MEM_X : 0));
}

bool phys_map_device(uint64_t pa, uint64_t size)
{
    return map_perms(pa, size, NOVA_PERM_MEM_R | NOVA_PERM_MEM_W);
}

static const struct nova_hip_mem *mem(const struct nova_hip *hip, unsigned i)
{
    return (const void *)((const uint8_t *)hip + hip->mem_offs + i * hip->mem_size);
}

static void trim_one(uint64_t a, uint64_t a_end, uint64_t *lo, uint64_t *hi)
{
    if (a_end <= *lo || a >= *hi)
        return;
    if (a - *lo >= *hi - a_end)   /* keep the larger side (may be empty) */
        *hi = a > *lo ? a : *lo;
    else
        *lo = a_end;
}

/* Trim [*lo, *hi) so that it does not overlap any type -1 or -2 region or
 * guest memory block. */
static void trim(const struct nova_hip *hip, unsigned n, uint64_t *lo, uint64_t *hi)
{
    for (unsigned i = 0; i < n; i++) {
        const struct nova_hip_mem *m = mem(hip, i);
        if (m->type < 0)
            trim_one(m->address, m->address + m->size, lo, hi);
    }
    for (unsigned b = 0; b < block_count; b++)
        trim_one(blocks[b].lo, blocks[b].hi, lo, hi);
}

/* Does [lo, hi) overlap a type -1 or -2 region or a block taken before? */
static bool taken(const struct nova_hip *hip, unsigned n, uint64_t lo, uint64_t hi)
{
    for (unsigned i = 0; i < n; i++) {
        const struct nova_hip_mem *m = mem(hip, i);
        if (m->type < 0 && m->address < hi && lo < m->address + m->size)
            return true;
    }
    for (unsigned b = 0; b < block_count; b++)
        if (blocks[b].lo < hi && lo < blocks[b].hi)
            return true;
    return false;
}

uint64_t phys_block_take(const struct nova_hip *hip, uint64_t size)
{
    unsigned n = (hip->length - hip->mem_offs) / hip->mem_size;
    uint64_t best = 0;
    if (block_count == MAX_VMS || size < PAGE || (size & (size - 1)))
        return 0;
    for (unsigned i = 0; i < n; i++) {   /* the highest free aligned block of available RAM */
        const struct nova_hip_mem *m = mem(hip, i);
        if (m->type != NOVA_HIP_MEM_AVAILABLE || m->size < size)
            continue;
        uint64_t lo = m->address < (1ull << 20) ? 1ull << 20 : m->address;
        for (uint64_t pa = (m->address + m->size - size) & ~(size - 1); pa >= lo && pa > best; pa -= size) {
            if (!taken(hip, n, pa, pa + size)) {
                best = pa;
                break;
            }
            if (pa < size)
                break;
        }
    }
    if (!best || !phys_map(best, size, true))
        return 0;
    blocks[block_count].lo = best;
    blocks[block_count++].hi = best + size;
    memset(phys_ptr(best), 0, size);
    return best;
}

bool frames_init(const struct nova_hip *hip)
{
    unsigned n = (hip->length - hip->mem_offs) / hip->mem_size;
    for (unsigned i = 0; i < n; i++) {
        const struct nova_hip_mem *m = mem(hip, i);
        if (m->type != NOVA_HIP_MEM_AVAILABLE)
            continue;
        uint64_t lo = (m->address + PAGE - 1) & ~(PAGE - 1), hi = (m->address + m->size) & ~(PAGE - 1);
        if (lo < (1ull << 20))
            lo = 1ull << 20;
        for (unsigned pass = 0; pass < n + block_count && lo < hi; pass++)
            trim(hip, n, &lo, &hi);
        if (lo < hi && hi - lo > pool_end - pool_next) {
            pool_next = lo;
            pool_end = hi - lo > POOL_MAX ? lo + POOL_MAX : hi;
        }
    }
    pool_start = pool_next;
    return pool_next < pool_end && phys_map(pool_next, pool_end - pool_next, true);
}

/* The root's own pages (who = 0: shared regions, DMA memory, device pages,
 * taken at boot) come in order from the pool, consecutive as their users
 * expect; components' pages reuse pages given back first. */
static uint64_t take(uint8_t who)
{
    uint64_t pa = who ? free_list : 0;
    if (pa) {
        free_list = *(uint64_t *)phys_ptr(pa);
    } else {
        if (pool_next >= pool_end)
            return 0;
        pa = pool_next;
        pool_next += PAGE;
    }
    owner[(pa - pool_start) / PAGE] = who;
    memset(phys_ptr(pa), 0, PAGE);
    return pa;
}

unsigned hip_mem_count(const struct nova_hip *hip)
{
    return (hip->length - hip->mem_offs) / hip->mem_size;
}

const struct nova_hip_mem *hip_mem_at(const struct nova_hip *hip, unsigned i)
{
    return mem(hip, i);
}

bool phys_is_ram(const struct nova_hip *hip, uint64_t lo, uint64_t hi)
{
    unsigned n = (hip->length - hip->mem_offs) / hip->mem_size;
    for (unsigned i = 0; i < n; i++) {
        const struct nova_hip_mem *m = mem(hip, i);
        bool ram = m->type == NOVA_HIP_MEM_AVAILABLE || m->type < 0;
        if (ram && m->address < hi && lo < m->address + m->size)
            return true;
    }
    return false;
}

uint64_t frame_alloc(void) { return take(0); }

uint64_t frame_alloc_for(unsigned component) { return take((uint8_t)(component + 1)); }

unsigned frames_release(unsigned component)
{
    unsigned n = 0;
    for (uint64_t pa = pool_start; pa < pool_next; pa += PAGE) {
        uint8_t *o = &owner[(pa - pool_start) / PAGE];
        if (*o != component + 1)
            continue;
        /* whatever was delegated from it goes, also from a PD that outlives its capabilities */
        nova_revoke(nova_crd_mem((PHYS_WINDOW + pa) / PAGE, 0, NOVA_PERM_MEM_ALL), 0);
        *o = 0;
        *(uint64_t *)phys_ptr(pa) = free_list;
        free_list = pa;
        n++;
    }
    return n;
}

unsigned modules_find(const struct nova_hip *hip, struct module *out, unsigned max)
{
    unsigned n = (hip->length - hip->mem_offs) / hip->mem_size, count = 0;
    for (unsigned i = 0; i < n && count < max; i++)
        if (mem(hip, i)->type == NOVA_HIP_MEM_MODULE)
            out[count++] = (struct module){ mem(hip, i)->address, mem(hip, i)->size };
    return count;
}
