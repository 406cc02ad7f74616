/* Hypercall entry and exit: dispatch through the generated table, and the
 * ways a handler finishes (syscall.h). In Debug builds every status a
 * handler answers is checked against that hypercall's list in spec/. */
#define NOVA_WANT_NAMES   /* status names for the debug check */
#include <arch/percpu.h>
#include <hypercall_decode.h>
#include <nova/spec_tables.h>
#include "console.h"
#include "ec.h"
#include "ec_switch.h"
#include "invariants.h"
#include "lock.h"
#include "sc.h"
#include "syscall.h"

#ifdef NOVUM_DEBUG
/* The hypercall being handled (0 for an undefined number), and whether one
 * is: one runs at a time, under the big lock. */
static const struct nova_hc_info *hypercall;
static bool in_hypercall;

static void debug_enter(const struct sys_regs *r)
{
    hypercall = hc_info_of(r);
    in_hypercall = true;
}

static void debug_leave(void)
{
    if (!in_hypercall)
        panic("a hypercall finished, but none was being handled");
    in_hypercall = false;
    invariants_after_event("after a hypercall");
}

/* spec/ lists every status a hypercall may answer; an undefined one
 * answers BAD_HYP alone. */
static void debug_check_status(enum nova_status status)
{
    debug_leave();
    uint32_t allowed = hypercall ? hypercall->status_mask : NOVA_STATUS_BIT(NOVA_BAD_HYP);
    if (status >= NOVA_STATUS_COUNT || !(allowed & NOVA_STATUS_BIT(status)))
        panic("hypercall %s answered status %u (%s), which spec/ does not list for it",
              hypercall ? hypercall->name : "undefined", status,
              status < NOVA_STATUS_COUNT ? nova_status_name[status] : "no status");
}
#else
static inline void debug_enter(const struct sys_regs *r) { (void)r; }
static inline void debug_leave(void) {}
static inline void debug_check_status(enum nova_status status) { (void)status; }
#endif

_Static_assert(ENTRY_HC_NUMBER_MASK == NOVA_HC_ID_NUMBER_MASK && NOVA_HC_ID_NUMBER_SHIFT == 0 &&
               NOVA_HC_COUNT == ENTRY_HC_NUMBER_MASK + 1, "entry.S indexes hypercall_table by the number's bits");

/* Debug builds enter here (entry.S); Release builds take the lock and
 * dispatch in entry.S, the same steps without the debug bookkeeping. */
_Noreturn void syscall_handler(struct sys_regs *r);
_Noreturn void syscall_handler(struct sys_regs *r)
{
    big_lock();
    debug_enter(r);
    hypercall_table[hc_number(r)](r);
}

static void set_status(enum nova_status status)
{
    debug_check_status(status);
    hc_return_status(&this_cpu()->current->regs, status);
}

_Noreturn void sys_finish(enum nova_status status)
{
    struct percpu *cpu = this_cpu();
    struct ec *cur = cpu->current;
    debug_check_status(status);
    hc_return_status(&cur->regs, status);
    if (!cpu->current_sc || cur->state != EC_READY)
        schedule();   /* the call took away its SC or its EC */
    ec_return(cur);
}

_Noreturn void sys_finish_resched(enum nova_status status)
{
    set_status(status);
    struct percpu *cpu = this_cpu();
    struct ec *cur = cpu->current;
    if (cpu->preempt || ec_resume_work_due(cur) || !cpu->current_sc || cur->state != EC_READY)
        schedule();
    ec_return(cur);
}

_Noreturn void sys_block(void)
{
    debug_leave();
    schedule();
}

/* The fast path's partner is no vCPU: a vCPU never waits for calls, and
 * its exits are calls with an event, which the fast path leaves alone. */
_Noreturn void sys_switch(struct ec *ec)
{
    debug_leave();
#ifdef NOVUM_DEBUG
    if (ec->vcpu)
        panic("sys_switch to a vCPU");
#endif
    struct percpu *cpu = this_cpu();
    cpu->current = ec;
    if (__builtin_expect(ec_resume_work_due(ec), 0))
        ec_resume(ec);
    ec_switch(cpu, ec, true);   /* a rip from syscall or a portal's IP, checked by create_pt */
}

_Noreturn void sys_restart(void)
{
    debug_leave();
    sys_regs_restart_syscall(&this_cpu()->current->regs);
    schedule();
}

_Noreturn void sys_bad_hyp(struct sys_regs *r)
{
    (void)r;
    sys_finish(NOVA_BAD_HYP);
}
