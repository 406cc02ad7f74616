/* Hypercall entry: decode the number and dispatch through the generated
 * table; handlers that complete return here and the EC goes back to user. */
#include <arch/percpu.h>
#include <hypercall_decode.h>
#include "ec.h"
#include "lock.h"
#include "sc.h"

extern const sys_handler_fn hypercall_table[NOVA_HC_COUNT];

_Noreturn void syscall_handler(struct sys_regs *r);
_Noreturn void syscall_handler(struct sys_regs *r)
{
    big_lock();
    hypercall_table[hc_number(r)](r);
    struct percpu *cpu = this_cpu();
    if (!cpu->current_sc || cpu->current->state != EC_READY)
        schedule();   /* the call took away its SC or its EC */
    ec_resume(cpu->current);
}

void sys_bad_hyp(struct sys_regs *r) { hc_return_status(r, NOVA_BAD_HYP); }
