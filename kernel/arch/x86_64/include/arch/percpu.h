/* Per-CPU data, reached through the GS base while in the kernel. */
#pragma once
#include <sys_regs.h>

#define PERCPU_SELF        0
#define PERCPU_KSTACK_TOP  8
#define PERCPU_USER_RSP    16
#define PERCPU_CUR_REGS    24

#ifndef __ASSEMBLER__
#include <stdbool.h>
#include <stdint.h>

struct ec;
struct sc;
struct tss;

struct percpu {
    struct percpu *self;
    uint64_t kstack_top;
    uint64_t user_rsp;           /* scratch for the syscall entry */
    struct sys_regs *cur_regs;   /* frame of the EC that runs (or ran last) */
    unsigned cpu;                /* logical CPU number (HIP index) */
    uint32_t apic_id;
    struct ec *current;
    struct sc *current_sc;
    struct ec *fpu_owner;
    struct ec *fs_base_ec;       /* whose FS base was loaded last (arch/fs_base.h) */
    uint64_t fs_base_written;    /* the value then written to MSR_FS_BASE */
    struct tss *tss;
    uint64_t tsc_at_dispatch;    /* for SC time accounting */
    uint64_t tlb_flushed;        /* last TLB shootdown generation flushed */
    bool lock_waiting;           /* spinning for the kernel lock, interrupts off */
    bool preempt;                /* an SC that outranks current_sc became ready here (sc.c) */
    bool cr0_ts;                 /* CR0.TS as last written: reading CR0 is slow */
    uint64_t cr3;                /* CR3 as last written: reading CR3 is slow */
    unsigned vcpu_last;          /* id of the vCPU whose guest TLB entries this CPU holds */
};
_Static_assert(__builtin_offsetof(struct percpu, kstack_top) == PERCPU_KSTACK_TOP, "entry.S");
_Static_assert(__builtin_offsetof(struct percpu, user_rsp) == PERCPU_USER_RSP, "entry.S");
_Static_assert(__builtin_offsetof(struct percpu, cur_regs) == PERCPU_CUR_REGS, "entry.S");

/* Not volatile: a CPU's GS base never changes while the kernel runs on it
 * (no kernel stack moves between CPUs), so the compiler may reuse one read. */
__attribute__((const)) static inline struct percpu *this_cpu(void)
{
    struct percpu *p;
    __asm__("mov %%gs:0, %0" : "=r"(p));
    return p;
}
#endif
