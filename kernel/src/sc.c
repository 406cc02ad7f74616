/* Scheduling contexts and the scheduler (spec 3.1, 5.3.3, 5.4.2).
 *
 * Each CPU has a runqueue per priority; the highest non-empty priority runs,
 * round robin within it as quanta expire. An SC runs the EC it resolves to:
 * its own EC if that is ready, else along the EC's call — the callee of a
 * donating call, the busy callee it waits for (helping), or the callee of a
 * non-donating call that has no SC of its own. If the chain ends in an EC
 * that cannot run, the SC is parked on that EC and leaves the runqueue until
 * the EC changes state. An EC that serves a donated call runs only on the
 * donated SC; its own SCs wait until it replies (bandwidth inheritance). */
#include <arch/cpu.h>
#include <arch/cpu_setup.h>
#include <arch/lapic.h>
#include <arch/paging.h>
#include <arch/percpu.h>
#include <hypercall_decode.h>
#include "cap.h"
#include "config.h"
#include "console.h"
#include "ec.h"
#include "hyp_objects.h"
#include "invariants.h"
#include "irq.h"
#include "lock.h"
#include "pd.h"
#include "sc.h"
#include "syscall.h"

#define PRIORITIES (NOVA_QPD_PRIORITY_MAX + 1)   /* every value of the QPD's priority field */
_Static_assert(PRIORITIES % 64 == 0, "whole words of the runqueue bitmap");

struct runqueue {
    struct sc *head[PRIORITIES];
    uint64_t nonempty[PRIORITIES / 64];
};

static struct runqueue runqueue[NOVUM_MAX_CPUS];

#ifdef NOVUM_DEBUG
struct sc *sched_queue_head(unsigned cpu, unsigned prio) { return runqueue[cpu].head[prio]; }
bool sched_queue_marked(unsigned cpu, unsigned prio) { return runqueue[cpu].nonempty[prio / 64] >> (prio % 64) & 1; }
#endif

static uint64_t us_to_tsc(uint64_t us) { return us * tsc_khz / 1000; }

void sched_enqueue(struct sc *sc)
{
    if (sc->queued)
        return;
    struct runqueue *rq = &runqueue[sc->cpu];
    struct sc **head = &rq->head[sc->prio];
    if (*head) {
        sc->next = *head;
        sc->prev = (*head)->prev;
        sc->prev->next = sc;
        (*head)->prev = sc;
    } else {
        *head = sc->next = sc->prev = sc;
        rq->nonempty[sc->prio / 64] |= 1ull << (sc->prio % 64);
    }
    sc->queued = true;
    struct percpu *cpu = this_cpu();
    if (sc->cpu != cpu->cpu)
        sched_kick(sc->cpu);
    else if (!cpu->current_sc || sc->prio > cpu->current_sc->prio)
        cpu->preempt = true;   /* sys_finish_resched lets it run */
}

/* Make another CPU look at its runqueue. */
void sched_kick(unsigned cpu)
{
    lapic_send_ipi(percpu[cpu].apic_id, VEC_RESCHED);
}

static void dequeue(struct sc *sc)
{
    if (!sc->queued)
        return;
    struct runqueue *rq = &runqueue[sc->cpu];
    struct sc **head = &rq->head[sc->prio];
    if (sc->next == sc) {
        *head = 0;
        rq->nonempty[sc->prio / 64] &= ~(1ull << (sc->prio % 64));
    } else {
        sc->prev->next = sc->next;
        sc->next->prev = sc->prev;
        if (*head == sc)
            *head = sc->next;
    }
    sc->queued = false;
}

static void park(struct sc *sc, struct ec *on)
{
    dequeue(sc);
    sc->parked_on = on;
    sc->park_next = on->parked;
    on->parked = sc;
}

void sched_unpark(struct ec *ec)
{
    while (ec->parked) {
        struct sc *sc = ec->parked;
        ec->parked = sc->park_next;
        sc->park_next = 0;
        sc->parked_on = 0;
        sched_enqueue(sc);
    }
}

/* The SC is destroyed: out of every queue and list. */
static void sched_remove(struct sc *sc)
{
    dequeue(sc);
    if (sc->parked_on) {
        struct sc **p = &sc->parked_on->parked;
        while (*p != sc)
            p = &(*p)->park_next;
        *p = sc->park_next;
        sc->parked_on = 0;
    }
    for (struct sc **h = &sc->ec->home_scs; *h; h = &(*h)->home_next)
        if (*h == sc) {
            *h = sc->home_next;
            break;
        }
    struct percpu *cpu = &percpu[sc->cpu];
    if (cpu->current_sc == sc) {
        cpu->current_sc = 0;
        if (sc->cpu != this_cpu()->cpu)
            sched_kick(sc->cpu);
    }
}

static struct sc *pick(unsigned cpu)
{
    struct runqueue *rq = &runqueue[cpu];
    for (int w = PRIORITIES / 64 - 1; w >= 0; w--)
        if (rq->nonempty[w])
            return rq->head[w * 64 + 63 - __builtin_clzll(rq->nonempty[w])];
    return 0;
}

/* Whether an SC resolving through `ec`, which is not ready, goes on to its
 * callee: it waits for a busy callee, or for the reply of a callee that runs
 * on the SC it calls with (donated, or a callee without SCs of its own). */
static inline bool follows(const struct ec *ec)
{
    return ec->state == EC_WAIT_SEND || (ec->state == EC_WAIT_REPLY && (ec->donated || !ec->callee->home_scs));
}

static unsigned generation;   /* marks the ECs one walk along a chain visited */

/* The EC an SC runs, or 0 after parking the SC where its chain is stuck. */
static struct ec *resolve(struct sc *sc)
{
    unsigned mark = ++generation;
    struct ec *ec = sc->ec;
    if (ec->caller && ec->caller->donated) {
        park(sc, ec);   /* it serves a donated call: that call's SC pays, not its own */
        return 0;
    }
    for (;;) {
        if (ec->mark == mark)
            break;   /* a cycle of callers: nobody can make progress */
        ec->mark = mark;
        if (ec->state == EC_READY)
            return ec;
        if (!follows(ec))
            break;
        ec = ec->callee;
    }
    park(sc, ec);
    return 0;
}

/* Where the chain of calls from `ec` ends, as resolve walks it: the first
 * ready EC, or the one an SC resolving through `ec` parks on. */
static struct ec *chain_end(struct ec *ec)
{
    unsigned mark = ++generation;
    while (ec->mark != mark && ec->state != EC_READY && follows(ec)) {
        ec->mark = mark;
        ec = ec->callee;
    }
    return ec;
}

void sched_unpark_chain(struct ec *ec) { sched_unpark(chain_end(ec)); }

/* Charge the time since dispatch to the SC that ran. */
static void account(struct percpu *cpu)
{
    uint64_t now = rdtsc();
    struct sc *sc = cpu->current_sc;
    if (sc) {
        uint64_t used = now - cpu->tsc_at_dispatch;
        sc->consumed_tsc += used;
        sc->left_tsc = used < sc->left_tsc ? sc->left_tsc - used : 0;
    }
    cpu->tsc_at_dispatch = now;
}

static void arm_timer(const struct sc *sc)
{
    uint64_t ticks = sc->left_tsc * lapic_timer_khz / (tsc_khz ? tsc_khz : 1);
    lapic_timer_oneshot(ticks > 0xffffffffu ? 0xffffffffu : (uint32_t)ticks);
}

/* On the kernel's page table: the PD that ran last may die meanwhile. */
static _Noreturn void idle(void)
{
    hpt_activate(this_cpu(), kernel_pml4);
    big_unlock();
    for (;;)
        __asm__ volatile("sti; hlt; cli" ::: "memory");
}

_Noreturn void schedule(void)
{
    struct percpu *cpu = this_cpu();
    cpu->preempt = false;
    account(cpu);
    for (;;) {
        struct sc *sc = pick(cpu->cpu);
        if (!sc) {
            cpu->current_sc = idle_sc_of(cpu->cpu);   /* idle time is the idle SC's */
            cpu->current = 0;
            continue_on_kstack(idle, cpu->kstack_top);
        }
        struct ec *ec = resolve(sc);
        if (!ec)
            continue;
        if (!sc->left_tsc)
            sc->left_tsc = sc->quantum_tsc;
        cpu->current_sc = sc;
        arm_timer(sc);
        ec_resume(ec);
    }
}

/* The quantum ran out: replenish it and go to the back of the priority. */
void sched_timer(void)
{
    struct percpu *cpu = this_cpu();
    account(cpu);
    struct sc *sc = cpu->current_sc;
    if (sc && !sc->left_tsc) {
        sc->left_tsc = sc->quantum_tsc;
        if (sc->queued)
            runqueue[sc->cpu].head[sc->prio] = sc->next;
    }
}

struct sc *sc_create(struct pd *owner, struct ec *ec, unsigned prio, uint64_t quantum_us, struct pd *creator,
                     uint64_t sel)
{
    struct sc *sc = pd_alloc(owner, sizeof *sc);
    if (!sc)
        return 0;
    sc->obj = (struct kobj){ .type = KOBJ_SC, .owner = owner };
    sc->ec = ec;
    sc->cpu = ec->cpu;
    sc->prio = prio;
    sc->quantum_tsc = sc->left_tsc = us_to_tsc(quantum_us) ? us_to_tsc(quantum_us) : 1;
    if (!space_obj_insert(creator, sel, &sc->obj, NOVA_PERM_SC_CT)) {
        pd_free(owner, sc, sizeof *sc);
        return 0;
    }
    sc->home_next = ec->home_scs;
    ec->home_scs = sc;
    kobj_get(&owner->obj);
    kobj_get(&ec->obj);   /* sc->ec */
    invariants_track(&sc->obj);
    return sc;
}

void sc_destroy(struct sc *sc)
{
    struct ec *ec = sc->ec;
    sched_remove(sc);
    kobj_free(&sc->obj, sizeof *sc);
    kobj_put(&ec->obj);
}

_Noreturn void sys_create_sc(struct sys_regs *r)
{
    struct hc_create_sc a = hc_create_sc_decode(r);
    struct pd *cur = this_cpu()->current->pd;
    struct pd *owner = (struct pd *)cap_get(cur, a.sel_pd, KOBJ_PD, NOVA_PERM_PD_SC);
    struct ec *ec = (struct ec *)cap_get(cur, a.sel_ec, KOBJ_EC, NOVA_PERM_EC_SC);
    if (!cap_is_null(cur, a.sel_obj0) || !owner || !ec || !ec->global)
        sys_finish(NOVA_BAD_CAP);   /* local ECs cannot have an SC (spec 5.3.2) */
    if (!nova_qpd_quantum(a.qpd) || !nova_qpd_priority(a.qpd))
        sys_finish(NOVA_BAD_PAR);
    bool first = !ec->home_scs && !ec->started;
    struct sc *sc = sc_create(owner, ec, (unsigned)nova_qpd_priority(a.qpd), nova_qpd_quantum(a.qpd), cur,
                              a.sel_obj0);
    if (!sc)
        sys_finish(NOVA_BAD_CAP);   /* out of kernel memory */
    if (first) {
        ec->started = true;
        ec->startup_pending = true;
    }
    sched_enqueue(sc);
    sys_finish_resched(NOVA_SUCCESS);   /* a higher priority runs at once */
}

_Noreturn void sys_sc_ctrl(struct sys_regs *r)
{
    struct hc_sc_ctrl a = hc_sc_ctrl_decode(r);
    struct sc *sc = (struct sc *)cap_get(this_cpu()->current->pd, a.sel_sc, KOBJ_SC, NOVA_PERM_SC_CT);
    if (!sc)
        sys_finish(NOVA_BAD_CAP);
    account(this_cpu());
    uint64_t tsc = sc->consumed_tsc;
    struct percpu *there = &percpu[sc->cpu];
    if (sc->cpu != this_cpu()->cpu && __atomic_load_n(&there->current_sc, __ATOMIC_ACQUIRE) == sc)
        tsc += rdtsc() - there->tsc_at_dispatch;   /* running there right now */
    hc_sc_ctrl_return(r, tsc * 1000 / (tsc_khz ? tsc_khz : 1));
    sys_finish(NOVA_SUCCESS);
}
