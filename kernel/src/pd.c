/* Protection domains. */
#include <arch/memlayout.h>
#include <arch/paging.h>
#include "kmem.h"
#include "pd.h"
#include "string.h"

struct pd *pd_create(bool is_root)
{
    struct pd *pd = kmem_alloc(sizeof *pd);
    if (!pd)
        return 0;
    pd->obj.type = KOBJ_PD;
    pd->is_root = is_root;
    pd->pml4 = pt_create_user();
    if (!pd->pml4) {
        kmem_free(pd, sizeof *pd);
        return 0;
    }
    return pd;
}

bool pd_map_frame(struct pd *pd, uint64_t va, uint64_t pa, unsigned rights)
{
    return user_range_ok(va, PAGE_SIZE) && pt_map(pd->pml4, va, pa, rights) == 0;
}

bool pd_copy_from_user(const struct pd *pd, void *dst, uint64_t va, uint64_t len)
{
    if (!user_range_ok(va, len))
        return false;
    char *d = dst;
    while (len) {
        uint64_t pa;
        unsigned rights;
        if (!pt_translate(pd->pml4, va, &pa, &rights))
            return false;
        uint64_t chunk = PAGE_SIZE - (va & (PAGE_SIZE - 1));
        if (chunk > len)
            chunk = len;
        memcpy(d, phys_to_virt(pa), chunk);
        d += chunk, va += chunk, len -= chunk;
    }
    return true;
}
