/* FPU/SSE state per EC, switched lazily: the state stays in the registers
 * until another EC uses the FPU, which traps (#NM) because CR0.TS is set.
 * IPC between ECs that never touch the FPU thus costs no save or restore. */
#pragma once
#include <stdbool.h>
#include <arch/percpu.h>

struct ec;

void fpu_set_ts(struct percpu *cpu, bool on);

/* On every return to user: TS set unless `ec` owns the registers; CR0 is
 * written only when that changes. */
static inline void fpu_switch_to(struct percpu *cpu, const struct ec *ec)
{
    bool ts = cpu->fpu_owner != ec;
    if (ts != cpu->cr0_ts)
        fpu_set_ts(cpu, ts);
}
bool fpu_claim(struct ec *ec);       /* #NM: true if it was the lazy switch */
void fpu_load(struct ec *ec);         /* eagerly: a vCPU's guest uses the registers directly */
void fpu_forget(struct ec *ec);      /* the EC is gone */
