/* How a hypercall handler ends. Every handler (sys_* in src/) has one shape:
 * decode its registers, look up and check every argument with no side effect
 * before the last check, act, and finish with one of these. None returns. */
#pragma once
#include <nova/spec.h>

struct ec;

/* Answer the caller with `status` (in RDI), then let it continue, or
 * schedule if the hypercall took away its SC or left it not ready. A check
 * that fails ends the handler here with its error status. */
_Noreturn void sys_finish(enum nova_status status);
/* Answer `status`, then let the scheduler pick if the hypercall readied an
 * SC on this CPU that outranks the caller's (sched_enqueue says so), or made
 * an event due for the caller itself; else as sys_finish. For the calls that
 * wake or ready others: sm_ctrl up, create_sc, revoke, ec_ctrl. */
_Noreturn void sys_finish_resched(enum nova_status status);
/* The caller has blocked (call, semaphore down) or waits for its next call
 * (reply): no status now; whoever wakes it writes one (ec_wake), or its
 * portal entry. */
_Noreturn void sys_block(void);
/* The caller blocked like that, and `ec`, ready on the SC that runs now,
 * runs at once: the IPC fast path's direct switch (ipc_fast.h). */
_Noreturn void sys_switch(struct ec *ec);
/* Execute the caller's hypercall again when it next runs: a preemption point
 * of long work (revoke), which picks up where it stopped. */
_Noreturn void sys_restart(void);
