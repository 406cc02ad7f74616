/* revoke (spec 3.6, 5.3.6): remove permissions from everything derived
 * from the capabilities in a range of the caller's PD, and with SR from
 * those capabilities too.
 *
 * Latency stays bounded: one kernel entry changes at most REVOKE_CHUNK
 * capabilities, then winds the EC back onto its syscall instruction and
 * reschedules, so interrupts and higher priorities get their turn before
 * the same revoke carries on. Revocation is idempotent, and the parts
 * already done are skipped (mdb.c), so every restart makes progress. */
#include <arch/memlayout.h>
#include <arch/percpu.h>
#include <hypercall_decode.h>
#include "crd.h"
#include "ec.h"
#include "kobj.h"
#include "mdb.h"
#include "pd.h"
#include "sc.h"
#include "syscall.h"

#define REVOKE_CHUNK NOVA_REVOKE_CHUNK

static uint64_t space_limit(unsigned type)
{
    return type == SPACE_MEM ? USER_LIMIT >> PAGE_SHIFT : type == SPACE_PIO ? PIO_PORTS : NOVA_SEL_COUNT;
}

_Noreturn void sys_revoke(struct sys_regs *r)
{
    struct hc_revoke a = hc_revoke_decode(r);
    struct pd *pd = this_cpu()->current->pd;
    unsigned type = (unsigned)nova_crd_type(a.crd);
    uint32_t mask = (uint32_t)nova_crd_mask(a.crd);
    bool self = hc_revoke_sr(&a);
    if (type == NOVA_CRD_TYPE_NULL || !mask)
        sys_finish(NOVA_SUCCESS);   /* nothing to revoke */
    uint64_t order = nova_crd_order(a.crd), limit = space_limit(type);
    uint64_t base = crd_range_of(nova_crd_base(a.crd), order).base;   /* aligned down */
    if (type == SPACE_OBJ)
        base = sel_wrap(base);
    uint64_t end = base + (1ull << order) < limit ? base + (1ull << order) : limit;
    struct radix *space = cap_space_of(pd, type);
    unsigned budget = REVOKE_CHUNK;
    bool done = true;
    kobj_hold();   /* objects losing their last capability die after the walk */
    for (uint64_t s = radix_next(space, base, end); s < end && done; s = radix_next(space, s + 1, end)) {
        struct mdb_node *n = mdb_lookup(pd, type, s);
        if (n && ((n->perms & mask) || !n->perms))   /* else nothing below it holds them either */
            done = mdb_revoke(n, mask, self, &budget);
    }
    kobj_release();
    if (!done)
        sys_restart();   /* carry on after a preemption point */
    sys_finish_resched(NOVA_SUCCESS);   /* a caller or waiter aborted may outrank the caller */
}
