#include <arch/cpu.h>
#include <arch/cpu_setup.h>
#include <arch/fpu.h>
#include <arch/percpu.h>
#include "ec.h"

/* The CPU's CR0.TS is what cr0_ts says (cpu_setup clears both): an EC
 * switch that leaves TS as it is reads and writes no control register. */
static void set_ts(bool on)
{
    struct percpu *cpu = this_cpu();
    if (cpu->cr0_ts != on)
        fpu_set_ts(cpu, on);
}

bool fpu_claim(struct ec *ec)
{
    struct percpu *cpu = this_cpu();
    if (cpu->fpu_owner == ec) {
        if (!cpu->cr0_ts)
            return false;   /* a real #NM */
        fpu_set_ts(cpu, false);   /* the owner's registers are loaded: TS was left set on a switch back */
        return true;
    }
    set_ts(false);
    if (cpu->fpu_owner)
        __asm__ volatile("fxsave64 %0" : "=m"(cpu->fpu_owner->fpu));
    if (ec->fpu_used) {
        __asm__ volatile("fxrstor64 %0" : : "m"(ec->fpu));
    } else {
        uint32_t mxcsr = 0x1f80;   /* all SSE exceptions masked, round to nearest */
        __asm__ volatile("fninit; ldmxcsr %0" : : "m"(mxcsr));
        ec->fpu_used = true;
    }
    cpu->fpu_owner = ec;
    return true;
}

void fpu_load(struct ec *ec)
{
    if (!fpu_claim(ec))
        set_ts(false);
}

void fpu_forget(struct ec *ec)
{
    struct percpu *cpu = &percpu[ec->cpu];   /* an EC only ever runs on its CPU */
    if (cpu->fpu_owner == ec)
        cpu->fpu_owner = 0;
}
