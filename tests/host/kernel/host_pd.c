/* The kernel's memory and capability hardware hooks, on the host: calloc
 * for the slabs under account.c (so ASan sees every object) and counters
 * for what capabilities would do to page tables and bitmaps. */
#include <stdlib.h>
#include "host_pd.h"
#include "kmem.h"

unsigned hw_granted, hw_reduced, hw_removed;

void *kmem_alloc(size_t size) { return calloc(1, size); }
void kmem_free(void *p, size_t size)
{
    (void)size;
    free(p);
}

struct radix *cap_space_of(struct pd *pd, unsigned space) { return &pd->space[space]; }
struct account *cap_account_of(struct pd *pd) { return &pd->kmem; }
bool cap_hw_grant(struct mdb_node *n)
{
    (void)n;
    hw_granted++;
    return true;
}
void cap_hw_reduce(struct mdb_node *n, uint32_t old)
{
    (void)n, (void)old;
    hw_reduced++;
}
void cap_hw_remove(struct mdb_node *n)
{
    (void)n;
    hw_removed++;
}

void host_pd_init(struct pd *pd)
{
    *pd = (struct pd){ .obj = { .type = KOBJ_PD } };
    pd->space[SPACE_MEM].levels = radix_levels_for(1ull << 35);   /* pages of a 47-bit user space */
    pd->space[SPACE_PIO].levels = radix_levels_for(PIO_PORTS);
    pd->space[SPACE_OBJ].levels = radix_levels_for(NOVA_SEL_COUNT);
}

void host_pd_fini(struct pd *pd)
{
    for (unsigned s = SPACE_MEM; s <= SPACE_OBJ; s++)
        mdb_clear_space(pd, s);
}
