/* The user register frame of an execution context.
 *
 * Every entry from user mode (syscall, exception, interrupt) saves the user
 * state into the current EC's frame, and every return to user mode loads it
 * from there. The layout is fixed by the push order in entry.S: general
 * registers at the bottom, then the vector and error code, then the frame the
 * CPU pushes for an interrupt (rip, cs, rflags, rsp, ss). */
#pragma once

#ifndef __ASSEMBLER__
#include <stdint.h>

struct sys_regs {
    uint64_t r15, r14, r13, r12, rbp, rbx, r11, r10, r9, r8;
    uint64_t rax, rcx, rdx, rsi, rdi;
    uint64_t vector;    /* exception vector, or ENTRY_SYSCALL */
    uint64_t err;       /* CPU error code, 0 if none */
    uint64_t rip, cs, rflags, rsp, ss;
};
#endif

/* vector values that are not CPU exceptions */
#define ENTRY_SYSCALL   0x100   /* entered with syscall: may leave with sysret */
#define ENTRY_NEW       0x101   /* never ran: leaves with iret */

#define SYS_REGS_SIZE   (22 * 8)
#ifndef __ASSEMBLER__
_Static_assert(sizeof(struct sys_regs) == SYS_REGS_SIZE, "entry.S depends on this layout");

#define SYSCALL_INSN_LEN 2

/* Wind a frame saved at syscall entry back onto its syscall instruction,
 * so the EC executes the hypercall again when it resumes. */
static inline void sys_regs_restart_syscall(struct sys_regs *r) { r->rip -= SYSCALL_INSN_LEN; }
#endif
