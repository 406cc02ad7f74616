/* Object lifetime (spec 3.6): when the last reference to an object goes,
 * it is destroyed and its memory returns to its owner PD's account.
 * Whoever waited on it learns: callers queued for a portal get COM_ABT,
 * semaphore waiters BAD_CAP, the partners of an EC COM_ABT. A PD dies only
 * when nothing it owns is left; its capabilities, and everything derived
 * from them in other PDs, go with it. */
#include <arch/cpu_setup.h>
#include <arch/fpu.h>
#include <arch/fs_base.h>
#include <arch/memlayout.h>
#include <arch/paging.h>
#include <hypercall_decode.h>
#include "config.h"
#include "ec.h"
#include "frame.h"
#include "ipc.h"
#include "kobj.h"
#include "mdb.h"
#include "pd.h"
#include "pt.h"
#include "sc.h"
#include "sm.h"
#include "topology.h"
#include "guest_space.h"
#include "vcpu.h"

static struct ec *zombies;   /* destroyed ECs a CPU may still be running */

static void free_object(struct kobj *obj, void *p, size_t size)
{
    struct pd *owner = obj->owner;
    pd_free(owner, p, size);
    if (owner)
        kobj_put(&owner->obj);
}

static void destroy_pt(struct pt *pt)
{
    struct ec *ec = pt->ec, *s = ec->send_head;
    while (s) {
        struct ec *next = s->send_next;
        if (s->pending_pt == pt)
            ipc_abort_sender(s);
        s = next;
    }
    free_object(&pt->obj, pt, sizeof *pt);
    kobj_put(&ec->obj);
}

static void destroy_sm(struct sm *sm)
{
    while (sm->head) {
        struct ec *ec = sm->head;
        sm_remove_waiter(sm, ec);
        ec->regs.rdi = NOVA_BAD_CAP;
        ec_set_state(ec, EC_READY);
    }
    free_object(&sm->obj, sm, sizeof *sm);
}

static bool running_somewhere(const struct ec *ec)
{
    for (unsigned c = 0; c < NOVUM_MAX_CPUS; c++)
        if (cpu_online(c) && percpu[c].current == ec)
            return true;
    return false;
}

static void free_ec(struct ec *ec)
{
    fs_base_forget(ec);
    if (ec->vcpu)
        vcpu_destroy(ec, ec->obj.owner);   /* its VMCB, once no CPU runs the guest */
    free_object(&ec->obj, ec, sizeof *ec);
}

static void release_utcb(struct ec *ec)
{
    struct mdb_node *utcb = mdb_lookup(ec->pd, SPACE_MEM, ec->utcb_va >> PAGE_SHIFT);
    if (utcb) {
        unsigned all = ~0u;
        utcb->pinned = false;
        mdb_revoke(utcb, ~0u, true, &all);
    }
    frame_free(virt_to_phys(ec->utcb));
    if (ec->obj.owner)
        ec->obj.owner->kmem_used -= PAGE_SIZE;
}

static void destroy_ec(struct ec *ec)
{
    ec_stop(ec);
    if (!ec->vcpu)
        release_utcb(ec);
    struct pd *pd = ec->pd;
    if (running_somewhere(ec)) {
        ec->send_next = zombies;   /* its frame is still a CPU's TSS.RSP0 */
        zombies = ec;
        sched_kick(ec->cpu);
    } else {
        free_ec(ec);
    }
    kobj_put(&pd->obj);
}

void kobj_reap(void)
{
    for (struct ec **z = &zombies; *z;) {
        struct ec *ec = *z;
        if (running_somewhere(ec)) {
            z = &ec->send_next;
            continue;
        }
        *z = ec->send_next;
        free_ec(ec);
    }
}

static void destroy_sc(struct sc *sc)
{
    struct ec *ec = sc->ec;
    sched_remove(sc);
    free_object(&sc->obj, sc, sizeof *sc);
    kobj_put(&ec->obj);
}

static void destroy_pd(struct pd *pd)
{
    for (unsigned s = SPACE_MEM; s <= SPACE_OBJ; s++)
        mdb_clear_space(pd, s);
    space_pio_destroy(pd);
    guest_space_destroy(pd);
    pt_destroy_user(pd->pml4);
    pd->kmem_used -= PAGE_SIZE;
    free_object(&pd->obj, pd, sizeof *pd);
}

static struct kobj *dead;   /* last reference gone, not yet destroyed */
static unsigned held;

static void destroy(struct kobj *obj);

void kobj_hold(void) { held++; }

void kobj_release(void)
{
    if (--held)
        return;
    held++;   /* what the destructions below drop waits in the same list */
    while (dead) {
        struct kobj *obj = dead;
        dead = obj->dead_next;
        destroy(obj);
    }
    held--;
}

void kobj_put(struct kobj *obj)
{
    if (--obj->refs)
        return;
    obj->dead_next = dead;
    dead = obj;
    kobj_hold();
    kobj_release();
}

static void destroy(struct kobj *obj)
{
    switch (obj->type) {
    case KOBJ_PT:
        destroy_pt((struct pt *)obj);
        break;
    case KOBJ_SM:
        destroy_sm((struct sm *)obj);
        break;
    case KOBJ_EC:
        destroy_ec((struct ec *)obj);
        break;
    case KOBJ_SC:
        destroy_sc((struct sc *)obj);
        break;
    case KOBJ_PD:
        destroy_pd((struct pd *)obj);
        break;
    }
}
