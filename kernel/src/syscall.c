/* Hypercall entry and exit: dispatch through the generated table, and the
 * ways a handler finishes (syscall.h). */
#include <arch/percpu.h>
#include <hypercall_decode.h>
#include "ec.h"
#include "lock.h"
#include "sc.h"
#include "syscall.h"

_Noreturn void syscall_handler(struct sys_regs *r);
_Noreturn void syscall_handler(struct sys_regs *r)
{
    big_lock();
    hypercall_table[hc_number(r)](r);
}

_Noreturn void sys_finish(enum nova_status status)
{
    struct percpu *cpu = this_cpu();
    hc_return_status(&cpu->current->regs, status);
    if (!cpu->current_sc || cpu->current->state != EC_READY)
        schedule();   /* the call took away its SC or its EC */
    ec_resume(cpu->current);
}

_Noreturn void sys_finish_resched(enum nova_status status)
{
    hc_return_status(&this_cpu()->current->regs, status);
    schedule();
}

_Noreturn void sys_block(void) { schedule(); }

_Noreturn void sys_restart(void)
{
    sys_regs_restart_syscall(&this_cpu()->current->regs);
    schedule();
}

_Noreturn void sys_bad_hyp(struct sys_regs *r)
{
    (void)r;
    sys_finish(NOVA_BAD_HYP);
}
