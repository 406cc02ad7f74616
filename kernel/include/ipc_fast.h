/* The IPC fast path: call and reply in their common case, a message of
 * untyped words only, between two ECs of one CPU, where the scheduler would
 * go on with the SC that runs now (a donated call, or a callee without SCs
 * of its own) and no SC waits for either EC to change state. Then the
 * switch is direct: no runqueue, accounting or timer work, and ec_resume
 * switches CR3, TSS.RSP0, FPU and FS base as always.
 *
 * Each function is inlined into its handler (ipc.c) after the capability
 * lookup, and returns, having changed nothing, when its case is not the
 * common one; the handler then goes on with the general path (ipc.c), the
 * single definition of the semantics, and what is done here is what it
 * would do. Exceptions, vCPU exits, typed items, busy callees (helping) and
 * callers on other CPUs always take the general path. */
#pragma once
#include <arch/percpu.h>
#include <hypercall_decode.h>
#include "ec.h"
#include "pt.h"
#include "queue.h"
#include "syscall.h"

/* The untyped words, one word move each, and the count (clamped as in
 * ipc.c); the caller checked that no typed item goes along. */
static inline void ipc_fast_copy_words(const struct nova_utcb *from, struct nova_utcb *to)
{
    uint64_t n = nova_utcb_items_u(from->head.items);
    if (n > NOVA_UTCB_DATA_WORDS)
        n = NOVA_UTCB_DATA_WORDS;
    const uint64_t *s = from->data.words;
    uint64_t *d = to->data.words, c = n;
    __asm__ volatile("rep movsq" : "+D"(d), "+S"(s), "+c"(c) : : "memory");
    to->head.items = nova_utcb_items(n, 0);
}

static inline bool ipc_fast_untyped_only(const struct nova_utcb *u) { return !nova_utcb_items_t(u->head.items); }

/* Whether the SC that runs `from` runs `to` once `from` waits for it (call)
 * or `from` is done with it (reply, with the roles swapped): the chain of
 * the SC goes through `caller` to `callee` (sc.c, resolve), and the state
 * changes unpark nobody. */
static inline bool ipc_fast_same_sc(const struct percpu *cpu, const struct ec *caller, const struct ec *callee,
                                    bool donated)
{
    return (donated || !callee->home_scs) && !caller->parked && !callee->parked && cpu->current_sc;
}

/* The callee enters the portal on behalf of the caller: its IP and PID, the
 * links between the two, whether the caller donated its SC. The one
 * definition, shared by the general rendezvous (ipc.c) and the fast path. */
static inline void ipc_enter_portal(struct ec *caller, struct ec *callee, const struct pt *pt, bool donate)
{
    callee->regs.rip = pt->ip;
    hc_reply_entry(&callee->regs, pt->pid);
    callee->caller = caller;
    caller->callee = callee;
    caller->donated = donate;
    caller->pending_pt = 0;
}

/* `cur` calls through `pt`, which it may call. */
static inline void ipc_fast_call(struct percpu *cpu, struct ec *cur, struct pt *pt, bool donate)
{
    struct ec *callee = pt->ec;
    if (callee->cpu != cur->cpu || callee->state != EC_WAIT_CALL || !ipc_fast_untyped_only(cur->utcb) ||
        !ipc_fast_same_sc(cpu, cur, callee, donate))
        return;
    ipc_fast_copy_words(cur->utcb, callee->utcb);
    ipc_enter_portal(cur, callee, pt, donate);
    cur->state = EC_WAIT_REPLY;   /* ec_set_state without unparking: nothing is parked */
    callee->state = EC_READY;
    sys_switch(callee);   /* the reply gives the caller its status */
}

/* `cur` replies. */
static inline void ipc_fast_reply(struct percpu *cpu, struct ec *cur)
{
    struct ec *caller = cur->caller;
    if (!caller || caller->event != NO_EVENT || !queue_empty(&cur->senders) || !ipc_fast_untyped_only(cur->utcb) ||
        !ipc_fast_same_sc(cpu, caller, cur, caller->donated))
        return;
    caller->callee = 0;
    cur->caller = 0;
    ipc_fast_copy_words(cur->utcb, caller->utcb);
    hc_return_status(&caller->regs, NOVA_SUCCESS);
    caller->state = EC_READY;
    cur->state = EC_WAIT_CALL;
    sys_switch(caller);
}
