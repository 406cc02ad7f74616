/* lookup (spec 5.3.7): describe the capability range at a selector of the
 * caller's PD; an empty selector gives SUCCESS with a null CRD. */
#include <arch/memlayout.h>
#include <arch/paging.h>
#include <arch/percpu.h>
#include <hypercall_decode.h>
#include "ec.h"
#include "pd.h"

static uint64_t lookup_obj(const struct pd *pd, uint64_t sel)
{
    struct cap c = space_obj_lookup(&pd->objs, sel);
    return c.obj ? nova_crd_obj(sel, 0, c.perms) : nova_crd_null();
}

static uint64_t lookup_mem(const struct pd *pd, uint64_t page)
{
    uint64_t pa;
    unsigned rights;
    if (page >= (USER_LIMIT >> PAGE_SHIFT) || !pt_translate(pd->pml4, page << PAGE_SHIFT, &pa, &rights))
        return nova_crd_null();
    uint64_t perms = ((rights & MAP_R) ? NOVA_PERM_MEM_R : 0) | ((rights & MAP_W) ? NOVA_PERM_MEM_W : 0) |
                     ((rights & MAP_X) ? NOVA_PERM_MEM_X : 0);
    return nova_crd_mem(page, 0, perms);
}

void sys_lookup(struct sys_regs *r)
{
    struct hc_lookup a = hc_lookup_decode(r);
    const struct pd *pd = this_cpu()->current->pd;
    uint64_t base = nova_crd_base(a.crd), crd;
    switch (nova_crd_type(a.crd)) {
    case NOVA_CRD_TYPE_OBJ:
        crd = lookup_obj(pd, base);
        break;
    case NOVA_CRD_TYPE_MEM:
        crd = lookup_mem(pd, base);
        break;
    case NOVA_CRD_TYPE_PIO:
        crd = space_pio_allowed(&pd->pio, base) ? nova_crd_pio(base, 0, NOVA_PERM_PIO_A) : nova_crd_null();
        break;
    default:
        crd = nova_crd_null();
        break;
    }
    hc_lookup_return(r, crd);
    hc_return_status(r, NOVA_SUCCESS);
}
