/* Semaphores: their constructor and destructor, create_sm and sm_ctrl (spec
 * 5.3.5, 5.4.4). Waiters queue in FIFO order; up wakes the longest waiter. */
#include <arch/ioapic.h>
#include <arch/percpu.h>
#include <hypercall_decode.h>
#include "cap.h"
#include "ec.h"
#include "hyp_objects.h"
#include "invariants.h"
#include "pd.h"
#include "sc.h"
#include "sm.h"
#include "syscall.h"

/* The longest waiter, taken off the semaphore; 0 if nobody waits. */
static struct ec *pop_waiter(struct sm *sm)
{
    struct queue_link *l = queue_pop(&sm->waiters);
    if (!l)
        return 0;
    struct ec *ec = queue_entry(l, struct ec, sm_link);
    ec->blocked_sm = 0;
    return ec;
}

void sm_up(struct sm *sm)
{
    struct ec *ec = pop_waiter(sm);
    if (!ec) {
        if (sm->count != UINT64_MAX)
            sm->count++;
        return;
    }
    ec_wake(ec, NOVA_SUCCESS);
}

void sm_remove_waiter(struct sm *sm, struct ec *ec)
{
    queue_remove(&sm->waiters, &ec->sm_link);
    ec->blocked_sm = 0;
}

static void block(struct sm *sm, struct ec *ec)
{
    ec->blocked_sm = sm;
    queue_push(&sm->waiters, &ec->sm_link);
    ec_set_state(ec, EC_WAIT_SM);
}

struct sm *sm_create(struct pd *owner, uint64_t count, struct pd *creator, uint64_t sel)
{
    struct sm *sm = pd_alloc(owner, sizeof *sm);
    if (!sm)
        return 0;
    *sm = (struct sm){ .obj = { .type = KOBJ_SM, .owner = owner }, .count = count };
    if (!space_obj_insert(creator, sel, &sm->obj, NOVA_PERM_SM_UP | NOVA_PERM_SM_DN)) {
        pd_free(owner, sm, sizeof *sm);
        return 0;
    }
    kobj_get(&owner->obj);
    invariants_track(&sm->obj);
    return sm;
}

/* Its waiters learn BAD_CAP. */
void sm_destroy(struct sm *sm)
{
    for (struct ec *ec; (ec = pop_waiter(sm));)
        ec_wake(ec, NOVA_BAD_CAP);
    kobj_free(&sm->obj, sizeof *sm);
}

_Noreturn void sys_create_sm(struct sys_regs *r)
{
    struct hc_create_sm a = hc_create_sm_decode(r);
    struct pd *cur = this_cpu()->current->pd;
    struct pd *owner = (struct pd *)cap_get(cur, a.sel_pd, KOBJ_PD, NOVA_PERM_PD_SM);
    if (!cap_is_null(cur, a.sel_obj0) || !owner)
        sys_finish(NOVA_BAD_CAP);
    if (!sm_create(owner, a.cnt, cur, a.sel_obj0))
        sys_finish(NOVA_BAD_CAP);   /* out of kernel memory */
    sys_finish(NOVA_SUCCESS);
}

_Noreturn void sys_sm_ctrl(struct sys_regs *r)
{
    struct hc_sm_ctrl a = hc_sm_ctrl_decode(r);
    struct ec *cur = this_cpu()->current;
    bool down = hc_sm_ctrl_dn(&a);
    struct sm *sm = (struct sm *)cap_get(cur->pd, a.sel_sm, KOBJ_SM, down ? NOVA_PERM_SM_DN : NOVA_PERM_SM_UP);
    if (!sm)
        sys_finish(NOVA_BAD_CAP);
    if (!down) {
        sm_up(sm);
        sys_finish_resched(NOVA_SUCCESS);   /* the woken EC may have the higher priority */
    }
    unsigned gsi;
    if (sm_gsi(sm, &gsi) && gsi_mode_of(gsi).level)
        ioapic_mask(gsi, false);   /* the driver is ready for the next interrupt */
    if (sm->count) {
        sm->count = hc_sm_ctrl_zc(&a) ? 0 : sm->count - 1;
        sys_finish(NOVA_SUCCESS);
    }
    block(sm, cur);
    sys_block();   /* an up (SUCCESS) or the semaphore's end (BAD_CAP) wakes it */
}
