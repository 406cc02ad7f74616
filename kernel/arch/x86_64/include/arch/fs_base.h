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
#include <arch/percpu.h>
#include "ec.h"

void fs_base_init(void);                               /* per CPU, at setup */
void fs_base_load(struct percpu *cpu, struct ec *ec);  /* write ec's base */
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
        fs_base_load(cpu, ec);
}
