/* Portal IPC: call and reply (spec 5.2), the rendezvous that copies a
 * message from caller to callee, the queue of callers waiting for a busy
 * callee, and aborts when a partner is shut down. */
#include <arch/memlayout.h>
#include <arch/percpu.h>
#include <hypercall_decode.h>
#include "cap.h"
#include "console.h"
#include "delegate.h"
#include "ec.h"
#include "exc_msg.h"
#include "ipc_fast.h"
#include "ipc.h"
#include "pd.h"
#include "pt.h"
#include "sc.h"
#include "string.h"
#include "syscall.h"
#include "vcpu.h"

/* Untyped words of a message; a count beyond the data area is clamped. */
static unsigned untyped_count(const struct nova_utcb *u)
{
    unsigned n = (unsigned)nova_utcb_items_u(u->head.items);
    return n > NOVA_UTCB_DATA_WORDS ? NOVA_UTCB_DATA_WORDS : n;
}

static void copy_untyped(const struct nova_utcb *from, struct nova_utcb *to)
{
    unsigned n = untyped_count(from);
    memcpy(to->data.words, from->data.words, n * sizeof(uint64_t));
    to->head.items = nova_utcb_items(n, 0);
}

void ipc_rendezvous(struct ec *caller, struct pt *pt, bool donate)
{
    struct ec *callee = pt->ec;
    if (caller->event != NO_EVENT) {
        if (caller->vcpu)
            vcpu_msg_store(caller, caller->event, caller->event_mtd, callee->utcb);
        else
            exc_msg_store(&caller->regs, caller->event, caller->event_mtd, callee->utcb);
        callee->utcb->head.items = 0;
    } else {
        copy_untyped(caller->utcb, callee->utcb);
        delegate_items(caller, callee, false);
    }
    ipc_enter_portal(caller, callee, pt, donate);
    ec_set_state(caller, EC_WAIT_REPLY);
    ec_set_state(callee, EC_READY);
}

void ipc_enqueue_sender(struct ec *caller, struct pt *pt, bool donate)
{
    struct ec *callee = pt->ec;
    caller->callee = callee;
    caller->pending_pt = pt;
    caller->donated = donate;
    queue_push(&callee->senders, &caller->send_link);
    ec_set_state(caller, EC_WAIT_SEND);
}

void ipc_dequeue_sender(struct ec *sender)
{
    if (sender->callee)   /* 0: aborted by abort_waiter, already off the queue */
        queue_remove(&sender->callee->senders, &sender->send_link);
}

/* The longest-waiting caller of `ec`, taken off its queue; 0 if none. */
static struct ec *pop_sender(struct ec *ec)
{
    struct queue_link *l = queue_pop(&ec->senders);
    return l ? queue_entry(l, struct ec, send_link) : 0;
}

/* The EC that waited for `ec` gets COM_ABT; one that waited in an
 * exception cannot go on and is shut down as well. */
static void abort_waiter(struct ec *w)
{
    if (w->callee)
        sched_unpark_chain(w->callee);   /* SCs that ran through w wait at its chain's end */
    w->callee = 0;
    w->pending_pt = 0;
    if (w->event != NO_EVENT) {
        ec_kill_handler_gone(w);
        return;
    }
    ec_wake(w, NOVA_COM_ABT);
}

void ipc_abort_sender(struct ec *sender)
{
    ipc_dequeue_sender(sender);
    abort_waiter(sender);
}

void ipc_abort_partners(struct ec *ec)
{
    struct ec *caller = ec->caller;
    ec->caller = 0;
    if (caller)
        abort_waiter(caller);
    for (struct ec *s; (s = pop_sender(ec));)
        abort_waiter(s);
}

static void deliver_reply(struct ec *callee, struct ec *caller)
{
    caller->callee = 0;
    callee->caller = 0;
    if (caller->event != NO_EVENT) {
        delegate_items(callee, caller, true);
        if (caller->vcpu) {
            vcpu_msg_load(caller, callee->utcb);
        } else if (!exc_msg_load(&caller->regs, callee->utcb)) {
            ec_kill_bad_reply(caller);   /* reports the event it was handling */
            return;
        }
        caller->event = NO_EVENT;
        ec_set_state(caller, EC_READY);   /* no status: the reply gave its registers */
        return;
    }
    copy_untyped(callee->utcb, caller->utcb);
    delegate_items(callee, caller, false);
    ec_wake(caller, NOVA_SUCCESS);
}

/* Out of line, so that the fast path saves no registers for it. */
__attribute__((noinline)) static _Noreturn void reply(struct ec *cur)
{
    if (cur->caller)
        deliver_reply(cur, cur->caller);
    ec_set_state(cur, EC_WAIT_CALL);
    struct ec *next = pop_sender(cur);
    if (next)
        ipc_rendezvous(next, next->pending_pt, next->donated);
    sys_block();
}

_Noreturn void sys_reply(struct sys_regs *r)
{
    (void)r;   /* reply takes no arguments and answers no status */
    struct percpu *cpu = this_cpu();
    struct ec *cur = cpu->current;
    ipc_fast_reply(cpu, cur);   /* returns unless it could switch to the caller at once */
    reply(cur);
}

/* Out of line, so that the fast path saves no registers for it. */
__attribute__((noinline)) static _Noreturn void call(struct ec *cur, struct pt *pt, bool donate, bool no_wait)
{
    struct ec *callee = pt->ec;
    if (callee->cpu != cur->cpu)
        sys_finish(NOVA_BAD_CPU);
    if (callee->state == EC_DEAD)
        sys_finish(NOVA_COM_ABT);
    bool busy = callee->state != EC_WAIT_CALL;
    if (busy && no_wait)
        sys_finish(NOVA_COM_TIM);   /* the caller would rather not wait */
    if (busy)
        ipc_enqueue_sender(cur, pt, donate);
    else
        ipc_rendezvous(cur, pt, donate);
    sys_block();   /* the reply or an abort gives the status */
}

_Noreturn void sys_call(struct sys_regs *r)
{
    struct hc_call a = hc_call_decode(r);
    struct percpu *cpu = this_cpu();
    struct ec *cur = cpu->current;
    struct pt *pt = (struct pt *)cap_get(cur->pd, a.sel_pt, KOBJ_PT, NOVA_PERM_PT_CALL);
    if (!pt)
        sys_finish(NOVA_BAD_CAP);
    bool donate = !hc_call_dd(&a);
    ipc_fast_call(cpu, cur, pt, donate);   /* returns unless it could switch to the callee at once */
    call(cur, pt, donate, hc_call_db(&a));
}
