/* Size classes from 32 bytes to one page. A free object holds the link to
 * the next free object of its class. A page carved for a class stays with
 * that class for good: freed objects go back to their class's list, never
 * to the frame pool, as nothing records which page is wholly free: memory
 * freed by objects of one size is reused only for objects of that size
 * class. Objects of more
 * than half a page take a frame of their own and go straight back to the
 * frame pool. No lock: the callers hold the big lock (frame.c says why). */
#include <arch/memlayout.h>
#include "frame.h"
#include "kmem.h"
#include "string.h"

#define MIN_SHIFT 5
#define CLASSES   (PAGE_SHIFT - MIN_SHIFT)   /* 32 .. 2048 */

static void *free_objs[CLASSES];
static uint64_t in_use;   /* bytes handed out and not yet freed, by the sizes asked for */

uint64_t kmem_in_use(void) { return in_use; }

static unsigned class_of(size_t size)
{
    unsigned c = 0;
    while (((size_t)1 << (c + MIN_SHIFT)) < size)
        c++;
    return c;
}

static bool refill(unsigned c)
{
    uint64_t pa = frame_alloc();
    if (!pa)
        return false;
    size_t sz = (size_t)1 << (c + MIN_SHIFT);
    for (char *p = phys_to_virt(pa); p + sz <= (char *)phys_to_virt(pa) + PAGE_SIZE; p += sz) {
        *(void **)p = free_objs[c];
        free_objs[c] = p;
    }
    return true;
}

void *kmem_alloc(size_t size)
{
    if (size > PAGE_SIZE / 2) {
        uint64_t pa = size <= PAGE_SIZE ? frame_alloc() : 0;
        if (pa)
            in_use += size;
        return pa ? phys_to_virt(pa) : 0;
    }
    unsigned c = class_of(size);
    void *p = free_objs[c];
    if (!p && refill(c))
        p = free_objs[c];
    if (p)
        free_objs[c] = *(void **)p;
    if (p) {
        memset(p, 0, size);
        in_use += size;
    }
    return p;
}

void kmem_free(void *p, size_t size)
{
    if (!p)
        return;
    in_use -= size;
    if (size > PAGE_SIZE / 2) {
        frame_free(virt_to_phys(p));
        return;
    }
    unsigned c = class_of(size);
    *(void **)p = free_objs[c];
    free_objs[c] = p;
}
