/* FPU/SSE state per EC, switched lazily: the state stays in the registers
 * until another EC uses the FPU, which traps (#NM) because CR0.TS is set.
 * IPC between ECs that never touch the FPU thus costs no save or restore. */
#pragma once
#include <stdbool.h>
#include <arch/cpu.h>
#include <arch/percpu.h>

struct ec;

/* Write CR0.TS and remember it. Inline: a call on the return-to-user path,
 * even one rarely taken, makes the compiler save registers on every return. */
static inline void fpu_set_ts(struct percpu *cpu, bool on)
{
    uint64_t cr0 = read_cr0();
    write_cr0(on ? cr0 | CR0_TS : cr0 & ~(uint64_t)CR0_TS);
    cpu->cr0_ts = on;
}

/* On every return to user: TS set unless `ec` owns the registers. A switch
 * back to the owner leaves TS set, and its next FPU instruction clears it
 * (fpu_claim): so IPC between an FPU user and ECs that do not touch the FPU
 * writes CR0 once, not on every switch. */
static inline void fpu_switch_to(struct percpu *cpu, const struct ec *ec)
{
    if (!cpu->cr0_ts && cpu->fpu_owner != ec)
        fpu_set_ts(cpu, true);
}
bool fpu_claim(struct ec *ec);       /* #NM: true if it was the lazy switch */
void fpu_load(struct ec *ec);         /* eagerly: a vCPU's guest uses the registers directly */
void fpu_forget(struct ec *ec);      /* the EC is gone */
