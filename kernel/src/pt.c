/* Portals: create_pt and pt_ctrl (spec 5.3.4, 5.4.3). */
#include <arch/memlayout.h>
#include <arch/percpu.h>
#include <hypercall_decode.h>
#include "cap.h"
#include "ec.h"
#include "pd.h"
#include "pt.h"

void sys_create_pt(struct sys_regs *r)
{
    struct hc_create_pt a = hc_create_pt_decode(r);
    struct pd *cur = this_cpu()->current->pd;
    struct pd *owner = (struct pd *)cap_get(cur, a.sel_pd, KOBJ_PD, NOVA_PERM_PD_PT);
    struct ec *ec = (struct ec *)cap_get(cur, a.sel_ec, KOBJ_EC, NOVA_PERM_EC_PT);
    if (!cap_is_null(cur, a.sel_obj0) || !owner || !ec || ec->vcpu) {   /* a vCPU takes no calls */
        hc_return_status(r, NOVA_BAD_CAP);
        return;
    }
    if (!user_canonical(a.ip)) {   /* sysret to a non-canonical RIP faults in ring 0 */
        hc_return_status(r, NOVA_BAD_PAR);
        return;
    }
    struct pt *pt = pd_alloc(owner, sizeof *pt);
    if (pt)
        *pt = (struct pt){ .obj = { .type = KOBJ_PT, .owner = owner }, .ec = ec, .mtd = a.mtd, .ip = a.ip };
    if (!pt || !space_obj_insert(cur, a.sel_obj0, &pt->obj, NOVA_PERM_PT_CT | NOVA_PERM_PT_CALL)) {
        pd_free(owner, pt, sizeof *pt);
        hc_return_status(r, NOVA_BAD_CAP);   /* out of kernel memory */
        return;
    }
    kobj_get(&owner->obj);
    kobj_get(&ec->obj);   /* pt->ec */
    hc_return_status(r, NOVA_SUCCESS);
}

void sys_pt_ctrl(struct sys_regs *r)
{
    struct hc_pt_ctrl a = hc_pt_ctrl_decode(r);
    struct pt *pt = (struct pt *)cap_get(this_cpu()->current->pd, a.sel_pt, KOBJ_PT, NOVA_PERM_PT_CT);
    if (!pt) {
        hc_return_status(r, NOVA_BAD_CAP);
        return;
    }
    pt->pid = a.pid;
    hc_return_status(r, NOVA_SUCCESS);
}
