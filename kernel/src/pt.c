/* Portals: their constructor and destructor, create_pt and pt_ctrl (spec
 * 5.3.4, 5.4.3). */
#include <arch/memlayout.h>
#include <arch/percpu.h>
#include <hypercall_decode.h>
#include "cap.h"
#include "ec.h"
#include "invariants.h"
#include "ipc.h"
#include "pd.h"
#include "pt.h"
#include "syscall.h"

struct pt *pt_create(struct pd *owner, struct ec *ec, uint64_t mtd, uint64_t ip, struct pd *creator, uint64_t sel)
{
    struct pt *pt = pd_alloc(owner, sizeof *pt);
    if (!pt)
        return 0;
    *pt = (struct pt){ .obj = { .type = KOBJ_PT, .owner = owner }, .ec = ec, .mtd = mtd, .ip = ip };
    if (!space_obj_insert(creator, sel, &pt->obj, NOVA_PERM_PT_CT | NOVA_PERM_PT_CALL)) {
        pd_free(owner, pt, sizeof *pt);
        return 0;
    }
    kobj_get(&owner->obj);
    kobj_get(&ec->obj);   /* pt->ec */
    invariants_track(&pt->obj);
    return pt;
}

/* Callers queued for the portal learn COM_ABT. */
void pt_destroy(struct pt *pt)
{
    struct ec *ec = pt->ec;
    for (struct queue_link *l = ec->senders.head, *next; l; l = next) {
        next = l->next;   /* an aborted sender leaves the queue */
        struct ec *s = queue_entry(l, struct ec, send_link);
        if (s->pending_pt == pt)
            ipc_abort_sender(s);
    }
    kobj_free(&pt->obj, sizeof *pt);
    kobj_put(&ec->obj);
}

_Noreturn void sys_create_pt(struct sys_regs *r)
{
    struct hc_create_pt a = hc_create_pt_decode(r);
    struct pd *cur = this_cpu()->current->pd;
    struct pd *owner = (struct pd *)cap_get(cur, a.sel_pd, KOBJ_PD, NOVA_PERM_PD_PT);
    struct ec *ec = (struct ec *)cap_get(cur, a.sel_ec, KOBJ_EC, NOVA_PERM_EC_PT);
    if (!cap_is_null(cur, a.sel_obj0) || !owner || !ec || ec->vcpu)   /* a vCPU takes no calls */
        sys_finish(NOVA_BAD_CAP);
    if (!user_canonical(a.ip))
        sys_finish(NOVA_BAD_PAR);   /* sysret to a non-canonical RIP faults in ring 0 */
    if (!pt_create(owner, ec, a.mtd, a.ip, cur, a.sel_obj0))
        sys_finish(NOVA_BAD_CAP);   /* out of kernel memory */
    sys_finish(NOVA_SUCCESS);
}

_Noreturn void sys_pt_ctrl(struct sys_regs *r)
{
    struct hc_pt_ctrl a = hc_pt_ctrl_decode(r);
    struct pt *pt = (struct pt *)cap_get(this_cpu()->current->pd, a.sel_pt, KOBJ_PT, NOVA_PERM_PT_CT);
    if (!pt)
        sys_finish(NOVA_BAD_CAP);
    pt->pid = a.pid;
    sys_finish(NOVA_SUCCESS);
}
