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

/* The hypercall number's bits of the id in rdi, for entry.S, which cannot
 * read the generated C header (syscall.c checks it against spec/). */
#define ENTRY_HC_NUMBER_MASK 0xf

#define SYS_REGS_SIZE   (22 * 8)
/* offsets for entry.S's moves */
#define SR_R15 0
#define SR_R14 8
#define SR_R13 16
#define SR_R12 24
#define SR_RBP 32
#define SR_RBX 40
#define SR_R11 48
#define SR_R10 56
#define SR_R9 64
#define SR_R8 72
#define SR_RAX 80
#define SR_RCX 88
#define SR_RDX 96
#define SR_RSI 104
#define SR_RDI 112
#define SR_VECTOR 120
#define SR_RIP 136
#define SR_RFLAGS 152
#define SR_RSP 160
#ifndef __ASSEMBLER__
_Static_assert(sizeof(struct sys_regs) == SYS_REGS_SIZE, "entry.S depends on this layout");
#define SR_CHECK(f, F) _Static_assert(__builtin_offsetof(struct sys_regs, f) == SR_##F, "SR_" #F)
SR_CHECK(r15, R15); SR_CHECK(r14, R14); SR_CHECK(r13, R13); SR_CHECK(r12, R12); SR_CHECK(rbp, RBP);
SR_CHECK(rbx, RBX); SR_CHECK(r11, R11); SR_CHECK(r10, R10); SR_CHECK(r9, R9); SR_CHECK(r8, R8);
SR_CHECK(rax, RAX); SR_CHECK(rcx, RCX); SR_CHECK(rdx, RDX); SR_CHECK(rsi, RSI); SR_CHECK(rdi, RDI);
SR_CHECK(vector, VECTOR); SR_CHECK(rip, RIP); SR_CHECK(rflags, RFLAGS); SR_CHECK(rsp, RSP);
#undef SR_CHECK

#define SYSCALL_INSN_LEN 2

/* Wind a frame saved at syscall entry back onto its syscall instruction,
 * so the EC executes the hypercall again when it resumes. */
static inline void sys_regs_restart_syscall(struct sys_regs *r) { r->rip -= SYSCALL_INSN_LEN; }
#endif
