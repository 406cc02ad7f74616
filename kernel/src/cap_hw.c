/* What capabilities do to the machine: a memory capability is a page-table
 * entry, a port capability a clear bit in the I/O bitmap, an object
 * capability a reference that keeps the object alive. One delegated with
 * the G bit is in the PD's guest-physical space as well (guest_space.h), a
 * memory capability delegated with the D bit in the DMA space of the PD's
 * devices (arch/vtd.h). */
#include <arch/memlayout.h>
#include <arch/paging.h>
#include <arch/tlb.h>
#include <arch/vtd.h>
#include <nova/spec.h>
#include "guest_space.h"
#include "kobj.h"
#include "mdb.h"
#include "pd.h"

struct radix *cap_space_of(struct pd *pd, unsigned space) { return &pd->space[space]; }
struct account *cap_account_of(struct pd *pd) { return &pd->kmem; }

static unsigned rights_of(uint32_t perms)
{
    /* memory permission bits r, w, x are MAP_R, MAP_W, MAP_X */
    return perms & (MAP_R | MAP_W | MAP_X);
}

/* The guest-physical and DMA mappings of a page just mapped for the host:
 * all or nothing. */
static bool __attribute__((noinline)) map_extra(const struct mdb_node *n, uint64_t va, uint64_t pa)
{
    if (n->guest && !guest_map(n->pd, va, pa, rights_of(n->perms))) {
        hpt_unmap(n->pd->pml4, va);
        return false;
    }
    if (n->dma && !vtd_map(n->pd, va, pa, rights_of(n->perms))) {
        hpt_unmap(n->pd->pml4, va);
        if (n->guest)
            guest_unmap(n->pd, va);
        return false;
    }
    return true;
}

/* x86 cannot map a page without read access: such a capability exists
 * (lookup, delegation, revoke) but maps nothing. */
static bool map_page(const struct mdb_node *n)
{
    uint64_t va = n->sel << PAGE_SHIFT, pa = n->res << PAGE_SHIFT;
    if (!(n->perms & NOVA_PERM_MEM_R)) {
        hpt_unmap(n->pd->pml4, va);
        if (n->guest)
            guest_unmap(n->pd, va);
        if (n->dma)
            vtd_unmap(n->pd, va);
        return true;
    }
    if (hpt_map(n->pd->pml4, va, pa, rights_of(n->perms)) != 0)
        return false;
    return !(n->guest | n->dma) || map_extra(n, va, pa);   /* one test on the common path */
}

static bool set_port(const struct mdb_node *n, bool allow)
{
    if (!space_pio_set(n->pd, (uint32_t)n->sel, allow))
        return false;
    if (n->guest && !guest_port_set(n->pd, (uint32_t)n->sel, allow)) {
        space_pio_set(n->pd, (uint32_t)n->sel, false);   /* all or nothing */
        return false;
    }
    return true;
}

bool cap_hw_grant(struct mdb_node *n)
{
    switch (n->space) {
    case SPACE_MEM:
        return map_page(n);
    case SPACE_PIO:
        return set_port(n, (n->perms & NOVA_PERM_PIO_A) != 0);
    default:
        ((struct kobj *)(uintptr_t)n->res)->refs++;
        return true;
    }
}

void cap_hw_reduce(struct mdb_node *n, uint32_t old_perms)
{
    if (n->space == SPACE_MEM && rights_of(n->perms) != rights_of(old_perms)) {
        if (n->guest)
            guest_unmap(n->pd, n->sel << PAGE_SHIFT);   /* fewer rights: flushed, then mapped again */
        if (n->dma)
            vtd_unmap(n->pd, n->sel << PAGE_SHIFT);   /* the IOTLBs too */
        map_page(n);
        tlb_shootdown();
    } else if (n->space == SPACE_PIO && !(n->perms & NOVA_PERM_PIO_A)) {
        set_port(n, false);
    }
}

void cap_hw_remove(struct mdb_node *n)
{
    switch (n->space) {
    case SPACE_MEM:
        hpt_unmap(n->pd->pml4, n->sel << PAGE_SHIFT);
        if (n->guest)
            guest_unmap(n->pd, n->sel << PAGE_SHIFT);
        if (n->dma)
            vtd_unmap(n->pd, n->sel << PAGE_SHIFT);   /* IOTLBs invalidated before revoke returns */
        tlb_shootdown();
        break;
    case SPACE_PIO:
        set_port(n, false);
        break;
    default:
        kobj_put((struct kobj *)(uintptr_t)n->res);
        break;
    }
}
