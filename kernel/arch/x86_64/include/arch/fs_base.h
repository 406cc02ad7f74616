/* The FS base (x86-64 thread pointer) of each EC, loaded on the way back to
 * user mode only when another EC's value is due: returning to the same EC,
 * or switching between ECs whose base is 0, writes no MSR.
 *
 * User code can change the loaded base only by loading FS with a selector,
 * which yields base 0 (no LDT; the GDT's user descriptors have base 0), and
 * CR4.FSGSBASE stays off. So a change since the last write is the EC's own,
 * and if 0 was written last, 0 is what is loaded. */
#pragma once
#include <stdint.h>
#include <arch/cpu.h>
#include <arch/percpu.h>
#include "ec.h"

void fs_base_init(void);                               /* per CPU, at setup */
/* Write `base` to the MSR as `ec`'s. Inline for the reason fpu_set_ts is. */
static inline void fs_base_write(struct percpu *cpu, struct ec *ec, uint64_t base)
{
    wrmsr(MSR_FS_BASE, base);
    cpu->fs_base_ec = ec;
    cpu->fs_base_written = base;
}
void fs_base_set(struct ec *ec, uint64_t base);        /* ec runs on this CPU */
void fs_base_forget(struct ec *ec);                    /* before ec's memory is freed */

/* On every return to user; inline, as it is on every IPC's path. */
static inline void fs_base_switch_to(struct percpu *cpu, struct ec *ec)
{
    if (cpu->fs_base_ec == ec)
        return;
    if ((ec->fs_base | cpu->fs_base_written) == 0)
        cpu->fs_base_ec = ec;
    else
        fs_base_write(cpu, ec, ec->fs_base);
}
