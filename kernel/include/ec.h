/* Execution context (spec 2.2): a thread of a PD with its user registers,
 * UTCB, event selector base and its place in IPC.
 *
 * States:
 *   EC_READY        can run (it runs when an SC resolves to it, see sc.c)
 *   EC_WAIT_CALL    waits for a call on one of its portals (after reply;
 *                   where every local EC starts)
 *   EC_WAIT_REPLY   called `callee` and waits for its reply
 *   EC_WAIT_SEND    wants to call `callee`, which is busy
 *   EC_WAIT_SM      blocked in a semaphore down
 *   EC_HALTED       a vCPU its VMM left in the HLT activity state: waits for
 *                   a recall
 *   EC_DEAD         shut down */
#pragma once
#include <stdbool.h>
#include <sys_regs.h>
#include <nova/spec.h>
#include "kobj.h"
#include "lock.h"
#include "queue.h"

struct pd;
struct pt;
struct sc;
struct sm;

enum ec_state { EC_READY, EC_WAIT_CALL, EC_WAIT_REPLY, EC_WAIT_SEND, EC_WAIT_SM, EC_HALTED, EC_DEAD };

#define NO_EVENT 0xffffffffu

struct ec {
    struct kobj obj;
    /* The CPU aligns the stack to 16 bytes before pushing an interrupt
     * frame, so the end of the frame (TSS.RSP0) must be 16-byte aligned. */
    struct sys_regs regs __attribute__((aligned(16)));
    uint8_t fpu[512] __attribute__((aligned(16)));   /* fxsave area */
    unsigned id;               /* for console messages */
    struct pd *pd;
    struct nova_utcb *utcb;    /* kernel view of the UTCB */
    uint64_t utcb_va;
    uint64_t sel_evt;
    uint64_t fs_base;          /* FS base (thread pointer) in user mode, see arch/fs_base.h */
    unsigned cpu;
    bool global;
    struct vcpu *vcpu;         /* a virtual CPU (created with UTCB 0), else 0 */
    bool fpu_used;
    bool started;              /* has had an SC (STARTUP raised once) */
    enum ec_state state;

    struct sc *home_scs;       /* SCs bound to this EC (list via sc->home_next) */
    struct sc *parked;         /* SCs that cannot run until this EC changes state */

    struct ec *caller;         /* reply capability: who waits for our reply */
    struct ec *callee;         /* whom we called or want to call */
    struct pt *pending_pt;     /* EC_WAIT_SEND: the portal we want to traverse */
    struct queue senders;      /* callers waiting for us (their send_link) */
    struct queue_link send_link;   /* EC_WAIT_SEND: in callee->senders */
    bool donated;              /* our call donated our SC */
    unsigned event;            /* exception/event being handled for us, or NO_EVENT */
    uint64_t event_mtd;        /* MTD of that event's portal */
    bool startup_pending, recall_pending;

    struct sm *blocked_sm;     /* EC_WAIT_SM */
    struct queue_link sm_link; /* EC_WAIT_SM: in blocked_sm->waiters */
    struct queue_link zombie_link;   /* destroyed while a CPU still runs it (ec.c) */
    unsigned mark;             /* SC resolution cycle detection */
};

_Static_assert(SYS_REGS_SIZE % 16 == 0, "the frame ends where it starts, modulo 16");

/* An EC of `pd`, which owns it, on `cpu`, with its UTCB mapped at
 * `utcb_va` of `pd`, its stack pointer `sp` and event selectors from
 * `sel_evt`; global ECs are ready (to run once they get an SC), local ones
 * wait for calls. The capability to it lands at selector `sel` of
 * `creator`. 0 when kernel memory ran out; then nothing is left behind. The
 * caller has checked that `sel` is free and `utcb_va` unmapped. */
struct ec *ec_create(struct pd *pd, unsigned cpu, uint64_t utcb_va, uint64_t sp, uint64_t sel_evt, bool global,
                     struct pd *creator, uint64_t sel);
/* The last reference is gone (kobj.c). */
void ec_destroy(struct ec *ec);
/* Run `ec` on this CPU: its pending events, then user mode or its guest.
 * This is where a CPU leaves the EC it ran before, so ECs destroyed while
 * a CPU still ran on their frames are freed here once no CPU does. */
_Noreturn void ec_resume(struct ec *ec);

extern struct queue ec_zombies;   /* destroyed ECs a CPU may still be running (ec.c) */
_Noreturn void ret_user_sysret(struct sys_regs *r);   /* entry.S */
void ec_return_check(const struct ec *ec);

/* Whether ec_resume has rare work before `ec` runs: zombies to free, a
 * STARTUP or RECALL to deliver. ec_return looks for zombies only: the
 * handlers that can make a STARTUP or RECALL due for the EC that calls them
 * (create_sc, ec_ctrl) finish with sys_finish_resched, which looks, and one
 * made due by another CPU comes with a reschedule IPI. */
static inline bool ec_resume_work_due(const struct ec *ec)
{
    return !queue_empty(&ec_zombies) || ec->startup_pending || ec->recall_pending;
}

/* ec_resume for the EC that made the hypercall on this CPU, inline on every
 * hypercall's way back: its frame, TSS entry, FS base, FPU state and page
 * table are the loaded ones (a hypercall changes them only for itself; the
 * EC holds its PD, so its table is not freed), and it entered with syscall
 * from a canonical address, so sysret is safe, and is no vCPU (Debug
 * builds check). */
__attribute__((always_inline)) static inline _Noreturn void ec_return(struct ec *ec)
{
    if (__builtin_expect(!queue_empty(&ec_zombies), 0))
        ec_resume(ec);
#ifdef NOVUM_DEBUG
    ec_return_check(ec);
#endif
    big_unlock();
    ret_user_sysret(&ec->regs);
}
_Noreturn void ec_handle_exception(struct ec *ec, unsigned vector);
/* An exception or VM exit becomes a call through the portal at SELEVT + event. */
_Noreturn void ec_raise_event(struct ec *ec, unsigned event);
_Noreturn void ec_shutdown(struct ec *ec, const char *why, unsigned vector);
void ec_set_state(struct ec *ec, enum ec_state state);
/* A blocked EC goes on: `status` is what the hypercall it blocked in answers. */
void ec_wake(struct ec *ec, enum nova_status status);
/* Shut down without a word (the EC is being destroyed). */
void ec_stop(struct ec *ec);
/* Shut down an EC whose exception reply was unusable, or whose handler died. */
void ec_kill_bad_reply(struct ec *ec);
void ec_kill_handler_gone(struct ec *ec);
