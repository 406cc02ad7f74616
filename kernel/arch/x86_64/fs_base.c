/* FS base switching (see arch/fs_base.h). */
#include <arch/cpu.h>
#include <arch/cpu_setup.h>
#include <arch/fs_base.h>
#include "config.h"

static void write_base(struct percpu *cpu, struct ec *ec, uint64_t base)
{
    wrmsr(MSR_FS_BASE, base);
    cpu->fs_base_ec = ec;
    cpu->fs_base_written = base;
}

/* Whatever a boot loader left, every CPU starts with the base a new EC has. */
void fs_base_init(void) { write_base(this_cpu(), 0, 0); }

void fs_base_load(struct percpu *cpu, struct ec *ec) { write_base(cpu, ec, ec->fs_base); }

void fs_base_set(struct ec *ec, uint64_t base)
{
    ec->fs_base = base;
    write_base(this_cpu(), ec, base);
}

/* A new EC at the same address must not pass for this one (ABA): it would
 * inherit this EC's loaded base. */
void fs_base_forget(struct ec *ec)
{
    for (unsigned c = 0; c < NOVUM_MAX_CPUS; c++)
        if (percpu[c].fs_base_ec == ec)
            percpu[c].fs_base_ec = 0;
}
