/* Protection domains: their constructor and destructor, the kernel memory
 * they pay for, and create_pd (spec 5.3.1). */
#include <arch/memlayout.h>
#include <arch/paging.h>
#include <arch/percpu.h>
#include <arch/vtd.h>
#include <hypercall_decode.h>
#include "cap.h"
#include "ec.h"
#include "invariants.h"
#include "console.h"
#include "mdb.h"
#include "pd.h"
#include "string.h"
#include "syscall.h"

void *pd_alloc(struct pd *owner, size_t size) { return account_alloc(owner ? &owner->kmem : 0, size); }

void pd_free(struct pd *owner, void *p, size_t size) { account_free(owner ? &owner->kmem : 0, p, size); }

/* The initial object capabilities: the CRD's range of the caller lands at
 * selector 0 of the new PD (interpretation in docs/api.md), permissions
 * masked by the CRD. Other CRD types delegate nothing. */
static bool delegate_initial(struct pd *from, struct pd *to, uint64_t crd)
{
    if (nova_crd_type(crd) != NOVA_CRD_TYPE_OBJ)
        return true;
    uint64_t order = nova_crd_order(crd), count = 1ull << order;
    uint64_t base = nova_crd_base(crd) & ~(count - 1);
    if (count > NOVA_SEL_COUNT)
        count = NOVA_SEL_COUNT;
    struct radix *r = cap_space_of(from, SPACE_OBJ);
    for (uint64_t s = radix_next(r, base, base + count); s < base + count; s = radix_next(r, s + 1, base + count)) {
        struct mdb_node *n = mdb_lookup(from, SPACE_OBJ, s);
        uint32_t perms = n ? n->perms & (uint32_t)nova_crd_mask(crd) : 0;
        if (perms && !mdb_insert(to, SPACE_OBJ, s - base, n->res, perms, n))
            return false;
    }
    return true;
}

/* What a PD holds: its capabilities (and everything derived from them in
 * other PDs), its port bitmap and its page table. */
static void release_spaces(struct pd *pd)
{
    for (unsigned s = SPACE_MEM; s <= SPACE_OBJ; s++)
        mdb_clear_space(pd, s);
    space_pio_destroy(pd);
    guest_space_destroy(pd);
    vtd_pd_destroy(pd);
    hpt_free_user_tables(pd->pml4);
    pd_free(pd, phys_to_virt(pd->pml4), PAGE_SIZE);
}

static struct pd *alloc_pd(struct pd *owner, bool is_root)
{
    struct pd *pd = pd_alloc(owner, sizeof *pd);
    if (!pd)
        return 0;
    pd->obj = (struct kobj){ .type = KOBJ_PD, .owner = owner };
    pd->is_root = is_root;
    pd->space[SPACE_MEM].levels = radix_levels_for(USER_LIMIT >> PAGE_SHIFT);   /* user page numbers */
    pd->space[SPACE_PIO].levels = radix_levels_for(PIO_PORTS);
    pd->space[SPACE_OBJ].levels = SPACE_OBJ_LEVELS;   /* selectors wrap at SEL */
    void *root = pd_alloc(pd, PAGE_SIZE);   /* its own page table root, paid by itself */
    if (!root) {
        pd_free(owner, pd, sizeof *pd);
        return 0;
    }
    pd->pml4 = virt_to_phys(root);
    hpt_init_user(pd->pml4);
    return pd;
}

struct pd *pd_create(struct pd *owner, struct pd *creator, uint64_t sel, uint64_t crd)
{
    struct pd *pd = alloc_pd(owner, !creator);
    if (!pd)
        return 0;
    bool initial = !creator || delegate_initial(creator, pd, crd);
    if (!initial || !space_obj_insert(creator ? creator : pd, sel, &pd->obj, NOVA_PERM_PD_ALL)) {
        release_spaces(pd);
        pd_free(owner, pd, sizeof *pd);
        return 0;
    }
    if (owner)
        kobj_get(&owner->obj);
    invariants_track(&pd->obj);
    return pd;
}

void pd_destroy(struct pd *pd)
{
    release_spaces(pd);
#ifdef NOVUM_DEBUG
    /* What it owned held references to it and is gone; its spaces are empty. */
    if (pd->kmem.used)
        panic("a PD died with %lu bytes of kernel memory still charged to it", pd->kmem.used);
#endif
    kobj_free(&pd->obj, sizeof *pd);
}

struct mdb_node *pd_map_frame(struct pd *pd, uint64_t va, uint64_t pa, unsigned rights)
{
    if (!user_range_ok(va, PAGE_SIZE))
        return 0;
    struct mdb_node *n = mdb_lookup(pd, SPACE_MEM, va >> PAGE_SHIFT);
    if (!n)
        return mdb_insert(pd, SPACE_MEM, va >> PAGE_SHIFT, pa >> PAGE_SHIFT, rights, 0);
    if (n->res != pa >> PAGE_SHIFT)
        return 0;
    n->perms |= rights;   /* two segments share the page */
    return cap_hw_grant(n) ? n : 0;
}

bool pd_is_mapped(const struct pd *pd, uint64_t va) { return mdb_lookup(pd, SPACE_MEM, va >> PAGE_SHIFT) != 0; }

bool pd_copy_from_user(const struct pd *pd, void *dst, uint64_t va, uint64_t len)
{
    if (!user_range_ok(va, len))
        return false;
    char *d = dst;
    while (len) {
        uint64_t pa;
        unsigned rights;
        if (!hpt_translate(pd->pml4, va, &pa, &rights))
            return false;
        uint64_t chunk = PAGE_SIZE - (va & (PAGE_SIZE - 1));
        if (chunk > len)
            chunk = len;
        memcpy(d, phys_to_virt(pa), chunk);
        d += chunk, va += chunk, len -= chunk;
    }
    return true;
}

_Noreturn void sys_create_pd(struct sys_regs *r)
{
    struct hc_create_pd a = hc_create_pd_decode(r);
    struct pd *cur = this_cpu()->current->pd;
    struct pd *owner = (struct pd *)cap_get(cur, a.sel_pd, KOBJ_PD, NOVA_PERM_PD_PD);
    if (!cap_is_null(cur, a.sel_obj0) || !owner)
        sys_finish(NOVA_BAD_CAP);
    if (!pd_create(owner, cur, a.sel_obj0, a.crd))
        sys_finish(NOVA_BAD_CAP);   /* out of kernel memory */
    sys_finish(NOVA_SUCCESS);
}
