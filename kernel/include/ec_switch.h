/* The last step of every return to user mode: make `ec` the EC this CPU
 * runs and leave for it. Inline in its two users, ec_resume (ec.c) and the
 * IPC fast path's direct switch (sys_switch, syscall.c), which both have
 * dealt with what is rare: zombies, a STARTUP or RECALL due, a vCPU. */
#pragma once
#include <arch/cpu_setup.h>
#include <arch/fpu.h>
#include <arch/fs_base.h>
#include <arch/memlayout.h>
#include <arch/paging.h>
#include <arch/percpu.h>
#include "ec.h"
#include "lock.h"
#include "pd.h"

_Noreturn void ret_user_iret(struct sys_regs *r);   /* entry.S */

/* sysret where it is safe: after a syscall entry and to a canonical rip
 * (`rip_canonical`: known to be, which the caller's constant saves a test). */
__attribute__((always_inline)) static inline _Noreturn void ec_leave(struct ec *ec, bool rip_canonical)
{
    big_unlock();
    if (ec->regs.vector == ENTRY_SYSCALL && (rip_canonical || user_canonical(ec->regs.rip)))
        ret_user_sysret(&ec->regs);
    ret_user_iret(&ec->regs);
}

/* Switch to `ec`'s address space, frame, FS base and FPU state; each is
 * written only when it changes. */
__attribute__((always_inline)) static inline _Noreturn void ec_switch(struct percpu *cpu, struct ec *ec,
                                                                      bool rip_canonical)
{
    hpt_activate(cpu, ec->pd->pml4);
    cpu->cur_regs = &ec->regs;
    fs_base_switch_to(cpu, ec);
    tss_set_kernel_entry(cpu, (uint64_t)(uintptr_t)(&ec->regs + 1));
    fpu_switch_to(cpu, ec);
    ec_leave(ec, rip_canonical);
}
