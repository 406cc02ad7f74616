/* Host-test stand-in for the kernel's sys_regs.h: the user registers saved at syscall entry. */
#ifndef TEST_SYS_REGS_H
#define TEST_SYS_REGS_H

#include <stdint.h>

struct sys_regs {
    uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
    uint64_t rbp, rbx, rdx, rcx, rax, rsi, rdi;
    uint64_t rip, rsp, rflags;
};

#endif
