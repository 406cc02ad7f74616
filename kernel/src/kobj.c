/* Object lifetime: the last capability to a portal or a semaphore destroys
 * it and returns its memory to the owner PD's account. Whoever waited on it
 * learns: callers queued for the portal get COM_ABT, semaphore waiters
 * BAD_CAP. PDs, ECs and SCs stay alive without capabilities (they are still
 * referenced by the threads and SCs that run in or on them). */
#include <hypercall_decode.h>
#include "ec.h"
#include "ipc.h"
#include "kobj.h"
#include "pd.h"
#include "pt.h"
#include "sm.h"

static void destroy_pt(struct pt *pt)
{
    struct ec *ec = pt->ec, *s = ec->send_head;
    while (s) {
        struct ec *next = s->send_next;
        if (s->pending_pt == pt)
            ipc_abort_sender(s);
        s = next;
    }
    pd_free(pt->obj.owner, pt, sizeof *pt);
}

static void destroy_sm(struct sm *sm)
{
    while (sm->head) {
        struct ec *ec = sm->head;
        sm_remove_waiter(sm, ec);
        ec->regs.rdi = NOVA_BAD_CAP;
        ec_set_state(ec, EC_READY);
    }
    pd_free(sm->obj.owner, sm, sizeof *sm);
}

void kobj_put(struct kobj *obj)
{
    if (--obj->refs)
        return;
    if (obj->type == KOBJ_PT)
        destroy_pt((struct pt *)obj);
    else if (obj->type == KOBJ_SM)
        destroy_sm((struct sm *)obj);
}
