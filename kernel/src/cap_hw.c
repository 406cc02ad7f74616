/* What capabilities do to the machine: a memory capability is a page-table
 * entry, a port capability a clear bit in the I/O bitmap, an object
 * capability a reference that keeps the object alive. */
#include <arch/memlayout.h>
#include <arch/paging.h>
#include <arch/tlb.h>
#include <nova/spec.h>
#include "kobj.h"
#include "mdb.h"
#include "pd.h"

struct radix *cap_space_of(struct pd *pd, unsigned space) { return &pd->space[space]; }

static unsigned rights_of(uint32_t perms)
{
    /* memory permission bits r, w, x are MAP_R, MAP_W, MAP_X */
    return perms & (MAP_R | MAP_W | MAP_X);
}

bool cap_hw_grant(struct mdb_node *n)
{
    switch (n->space) {
    case SPACE_MEM:
        /* x86 cannot map a page without read access: such a capability
         * exists (lookup, delegation, revoke) but maps nothing */
        if (!(n->perms & NOVA_PERM_MEM_R)) {
            pt_unmap(n->pd->pml4, n->sel << PAGE_SHIFT);
            return true;
        }
        return pt_map(n->pd->pml4, n->sel << PAGE_SHIFT, n->res << PAGE_SHIFT, rights_of(n->perms)) == 0;
    case SPACE_PIO:
        return space_pio_set(n->pd, (uint32_t)n->sel, (n->perms & NOVA_PERM_PIO_A) != 0);
    default:
        ((struct kobj *)(uintptr_t)n->res)->refs++;
        return true;
    }
}

void cap_hw_reduce(struct mdb_node *n, uint32_t old_perms)
{
    if (n->space == SPACE_MEM && rights_of(n->perms) != rights_of(old_perms)) {
        if (n->perms & NOVA_PERM_MEM_R)
            pt_map(n->pd->pml4, n->sel << PAGE_SHIFT, n->res << PAGE_SHIFT, rights_of(n->perms));
        else
            pt_unmap(n->pd->pml4, n->sel << PAGE_SHIFT);
        tlb_shootdown();
    } else if (n->space == SPACE_PIO && !(n->perms & NOVA_PERM_PIO_A)) {
        space_pio_set(n->pd, (uint32_t)n->sel, false);
    }
}

void cap_hw_remove(struct mdb_node *n)
{
    switch (n->space) {
    case SPACE_MEM:
        pt_unmap(n->pd->pml4, n->sel << PAGE_SHIFT);
        tlb_shootdown();
        break;
    case SPACE_PIO:
        space_pio_set(n->pd, (uint32_t)n->sel, false);
        break;
    default:
        kobj_put((struct kobj *)(uintptr_t)n->res);
        break;
    }
}
