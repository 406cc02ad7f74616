/* lookup (spec 5.3.7): describe the capability range at a selector of the
 * caller's PD; an empty selector gives SUCCESS with a null CRD. */
#include <arch/memlayout.h>
#include <arch/paging.h>
#include <arch/percpu.h>
#include <hypercall_decode.h>
#include "ec.h"
#include "mdb.h"
#include "pd.h"
#include "syscall.h"

/* Every capability is one node of the mapping database, so the range a
 * lookup reports is that node's: order 0 at the selector asked for. */
__attribute__((noinline)) static _Noreturn void lookup_finish(struct sys_regs *r, unsigned type, uint64_t base)
{
    if (type == NOVA_CRD_TYPE_OBJ)
        base = sel_wrap(base);
    const struct mdb_node *n = type == NOVA_CRD_TYPE_NULL ? 0 : mdb_lookup(this_cpu()->current->pd, type, base);
    hc_lookup_return(r, n ? nova_crd(type, n->perms, 0, base) : nova_crd_null());
    sys_finish(NOVA_SUCCESS);
}

/* A null CRD (the null hypercall) is answered without a call. */
_Noreturn void sys_lookup(struct sys_regs *r)
{
    struct hc_lookup a = hc_lookup_decode(r);
    unsigned type = (unsigned)nova_crd_type(a.crd);
    if (type != NOVA_CRD_TYPE_NULL)
        lookup_finish(r, type, nova_crd_base(a.crd));
    hc_lookup_return(r, nova_crd_null());
    sys_finish(NOVA_SUCCESS);
}
