/* Execution contexts: their constructor and destructor, create_ec and ec_ctrl
 * (spec 5.3.2, 5.4.1), return to user mode with its pending events (STARTUP,
 * RECALL), exceptions as implicit calls (spec 3.3), and shutdown. */
#include <arch/cpu.h>
#include <arch/cpu_setup.h>
#include <arch/fpu.h>
#include <arch/fs_base.h>
#include <arch/memlayout.h>
#include <arch/paging.h>
#include <arch/percpu.h>
#include <arch/trap.h>
#include <hypercall_decode.h>
#include "cap.h"
#include "config.h"
#include "console.h"
#include "ec.h"
#include "ec_switch.h"
#include "invariants.h"
#include "ipc.h"
#include "lock.h"
#include "mdb.h"
#include "pd.h"
#include "pt.h"
#include "sc.h"
#include "sm.h"
#include "syscall.h"
#include "topology.h"
#include "vcpu.h"


static unsigned ec_count;

/* The UTCB: a fresh zeroed page (kmem.c takes a frame of its own for it)
 * mapped at `va` of the EC's PD, pinned there for the EC's lifetime and
 * paid for by the EC's owner. */
static bool utcb_create(struct ec *ec, uint64_t va)
{
    void *page = pd_alloc(ec->obj.owner, PAGE_SIZE);
    struct mdb_node *n = page ? pd_map_frame(ec->pd, va, virt_to_phys(page), MAP_R | MAP_W) : 0;
    if (!n) {
        pd_free(ec->obj.owner, page, PAGE_SIZE);
        return false;
    }
    n->pinned = true;
    ec->utcb = page;
    ec->utcb_va = va;
    return true;
}

static void utcb_destroy(struct ec *ec)
{
    struct mdb_node *n = mdb_lookup(ec->pd, SPACE_MEM, ec->utcb_va >> PAGE_SHIFT);
    if (n) {
        unsigned all = ~0u;
        n->pinned = false;
        mdb_revoke(n, ~0u, true, &all);
    }
    pd_free(ec->obj.owner, ec->utcb, PAGE_SIZE);
}

static void init_ec(struct ec *ec, struct pd *pd, unsigned cpu, uint64_t sp, uint64_t sel_evt, bool global)
{
    ec->obj = (struct kobj){ .type = KOBJ_EC, .owner = pd };
    ec->pd = pd;
    ec->cpu = cpu;
    ec->global = global;
    ec->sel_evt = sel_evt;
    ec->event = NO_EVENT;
    ec->state = ec->global ? EC_READY : EC_WAIT_CALL;   /* local ECs start as if after reply */
    ec->regs = (struct sys_regs){ .cs = SEL_UCODE, .ss = SEL_UDATA, .rflags = RFLAGS_USER_INIT,
                                  .rsp = sp, .vector = ENTRY_NEW };
}

struct ec *ec_create(struct pd *pd, unsigned cpu, uint64_t utcb_va, uint64_t sp, uint64_t sel_evt, bool global,
                     struct pd *creator, uint64_t sel)
{
    struct ec *ec = pd_alloc(pd, sizeof *ec);
    if (!ec)
        return 0;
    init_ec(ec, pd, cpu, sp, sel_evt, global || !utcb_va);   /* every vCPU is schedulable */
    if (!(utcb_va ? utcb_create(ec, utcb_va) : vcpu_create(ec, pd))) {
        pd_free(pd, ec, sizeof *ec);
        return 0;
    }
    ec->id = ++ec_count;
    if (!space_obj_insert(creator, sel, &ec->obj, NOVA_PERM_EC_CT | NOVA_PERM_EC_SC | NOVA_PERM_EC_PT)) {
        if (ec->vcpu)
            vcpu_destroy(ec, pd);
        else
            utcb_destroy(ec);
        pd_free(pd, ec, sizeof *ec);
        return 0;
    }
    kobj_get(&pd->obj);   /* ec->pd */
    kobj_get(&pd->obj);   /* its owner */
    invariants_track(&ec->obj);
    return ec;
}

struct queue ec_zombies;

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
    kobj_free(&ec->obj, sizeof *ec);
}

/* Its partners learn COM_ABT; its memory waits while a CPU still runs on
 * its frame. */
void ec_destroy(struct ec *ec)
{
    ec_stop(ec);
    if (!ec->vcpu)
        utcb_destroy(ec);
    struct pd *pd = ec->pd;
    if (running_somewhere(ec)) {
        queue_push(&ec_zombies, &ec->zombie_link);   /* its frame is still a CPU's TSS.RSP0 */
        sched_kick(ec->cpu);
    } else {
        free_ec(ec);
    }
    kobj_put(&pd->obj);
}

/* Free the destroyed ECs that no CPU runs any more. */
static void reap_zombies(void)
{
    struct queue still = { 0 };
    for (struct queue_link *l; (l = queue_pop(&ec_zombies));) {   /* freeing may add zombies: they are seen too */
        struct ec *ec = queue_entry(l, struct ec, zombie_link);
        if (running_somewhere(ec))
            queue_push(&still, l);
        else
            free_ec(ec);
    }
    ec_zombies = still;
}

void ec_set_state(struct ec *ec, enum ec_state state)
{
    ec->state = state;
    sched_unpark(ec);
}

void ec_wake(struct ec *ec, enum nova_status status)
{
    hc_return_status(&ec->regs, status);
    ec_set_state(ec, EC_READY);
}

/* What ec_resume rarely has to do before the EC runs: free zombies, and
 * deliver a STARTUP or RECALL (which runs the handler instead). */
__attribute__((noinline, cold)) static void resume_work(struct percpu *cpu, struct ec *ec)
{
    if (!queue_empty(&ec_zombies)) {
        reap_zombies();
        if (ec->state != EC_READY || !cpu->current_sc)
            schedule();   /* a freed EC's PD died and took with it what was to run here */
    }
    if (ec->startup_pending) {
        ec->startup_pending = false;
        ec_raise_event(ec, ec->vcpu ? NOVA_SVM_EXIT_STARTUP : NOVA_EVT_STARTUP);
    }
    if (ec->recall_pending) {
        ec->recall_pending = false;
        ec_raise_event(ec, ec->vcpu ? NOVA_SVM_EXIT_RECALL : NOVA_EVT_RECALL);
    }
}

_Noreturn void ec_resume(struct ec *ec)
{
    struct percpu *cpu = this_cpu();
    cpu->current = ec;   /* the CPU leaves the EC it ran: that one may be freed, this one not */
    if (__builtin_expect(ec_resume_work_due(ec), 0))
        resume_work(cpu, ec);
    if (ec->vcpu) {
        hpt_activate(cpu, ec->pd->pml4);   /* the host never runs on a dead PD's table */
        vcpu_resume(ec);
    }
    ec_switch(cpu, ec, false);
}

#ifdef NOVUM_DEBUG
void ec_return_check(const struct ec *ec)
{
    /* A RECALL may be due: another CPU set it while this EC was entering
     * the kernel, and its IPI, held off until sysret, delivers it. */
    if (ec->vcpu || ec->startup_pending || ec->regs.vector != ENTRY_SYSCALL || !user_canonical(ec->regs.rip))
        panic("ec_return: EC %p is a vCPU, has its STARTUP due, did not enter with syscall or has rip 0x%lx", (const void *)ec, ec->regs.rip);
}
#endif

/* Make the EC unrunnable for good; everybody waiting on it learns. */
void ec_stop(struct ec *ec)
{
    if (ec->state == EC_DEAD)
        return;
    if (ec->state == EC_WAIT_SEND)
        ipc_dequeue_sender(ec);
    if (ec->state == EC_WAIT_SM)
        sm_remove_waiter(ec->blocked_sm, ec);
    if (ec->callee && ec->callee->caller == ec)
        ec->callee->caller = 0;
    if (ec->callee)
        sched_unpark_chain(ec->callee);   /* its callers' SCs wait at its chain's end */
    ec->callee = 0;
    fpu_forget(ec);
    ec_set_state(ec, EC_DEAD);
    ipc_abort_partners(ec);
}

/* Say why, then stop it. */
static void ec_kill(struct ec *ec, const char *why, unsigned event)
{
    if (ec->vcpu) {
        kprintf("novum: vCPU shut down: exit 0x%x (%s 0x%lx), ec %u\n", event, why, ec->sel_evt + event, ec->id);
        vcpu_dump(ec);
        ec_stop(ec);
        return;
    }
    kprintf("novum: EC shut down: #%s at rip=0x%016lx (%s 0x%lx), ec %u\n", exception_name(event), ec->regs.rip,
            why, ec->sel_evt + event, ec->id);
    dump_regs(&ec->regs);
    ec_stop(ec);
}

_Noreturn void ec_shutdown(struct ec *ec, const char *why, unsigned event)
{
    ec_kill(ec, why, event);
    schedule();
}

/* An exception or event of `ec` becomes an implicit donating call through
 * the portal at SELEVT + event (spec 3.3); without one the EC is shut down. */
_Noreturn void ec_raise_event(struct ec *ec, unsigned event)
{
    struct pt *pt = (struct pt *)cap_get(ec->pd, ec->sel_evt + event, KOBJ_PT, 0);
    if (!pt)
        ec_shutdown(ec, "no portal at selector", event);
    if (pt->ec->cpu != ec->cpu || pt->ec->state == EC_DEAD)
        ec_shutdown(ec, "no usable handler at selector", event);
    ec->event = event;
    ec->event_mtd = pt->mtd;
    if (pt->ec->state == EC_WAIT_CALL)
        ipc_rendezvous(ec, pt, true);
    else
        ipc_enqueue_sender(ec, pt, true);
    schedule();
}

_Noreturn void ec_handle_exception(struct ec *ec, unsigned vector)
{
    if (vector == NOVA_EXC_NM && fpu_claim(ec))
        ec_resume(ec);
    ec_raise_event(ec, vector);
}

void ec_kill_bad_reply(struct ec *ec)
{
    ec_kill(ec, "handler replied with a non-canonical RIP/RSP, selector", ec->event);
}

_Noreturn void sys_create_ec(struct sys_regs *r)
{
    struct hc_create_ec a = hc_create_ec_decode(r);
    struct pd *cur = this_cpu()->current->pd;
    struct pd *pd = (struct pd *)cap_get(cur, a.sel_pd, KOBJ_PD, NOVA_PERM_PD_EC);
    if (!cap_is_null(cur, a.sel_obj0) || !pd)
        sys_finish(NOVA_BAD_CAP);
    if (!cpu_online(a.cpu))
        sys_finish(NOVA_BAD_CPU);
    if (!a.utcb && !vcpu_supported())
        sys_finish(NOVA_BAD_FTR);   /* no SVM with nested paging on every CPU */
    if (a.utcb && (!user_range_ok(a.utcb, PAGE_SIZE) || pd_is_mapped(pd, a.utcb) || !user_canonical(a.sp)))
        sys_finish(NOVA_BAD_PAR);
    if (!ec_create(pd, (unsigned)a.cpu, a.utcb, a.sp, a.sel_evt, hc_create_ec_g(&a), cur, a.sel_obj0))
        sys_finish(NOVA_BAD_CAP);   /* out of kernel memory */
    sys_finish(NOVA_SUCCESS);
}

_Noreturn void sys_ec_ctrl(struct sys_regs *r)
{
    struct hc_ec_ctrl a = hc_ec_ctrl_decode(r);
    struct ec *ec = (struct ec *)cap_get(this_cpu()->current->pd, a.sel_ec, KOBJ_EC, NOVA_PERM_EC_CT);
    if (!ec)
        sys_finish(NOVA_BAD_CAP);
    if (ec->state != EC_DEAD) {
        ec->recall_pending = true;
        if (ec->state == EC_HALTED)
            ec_set_state(ec, EC_READY);   /* a halted vCPU wakes for its RECALL */
        if (ec->cpu != this_cpu()->cpu)
            sched_kick(ec->cpu);   /* it may be running there right now */
    }
    sys_finish_resched(NOVA_SUCCESS);   /* a vCPU woken, or the caller's own RECALL (ec_resume delivers it) */
}

void ec_kill_handler_gone(struct ec *ec)
{
    ec_kill(ec, "handler shut down, selector", ec->event);
}
