/* FS base switching (see arch/fs_base.h). */
#include <arch/cpu.h>
#include <arch/cpu_setup.h>
#include <arch/fs_base.h>
#include "config.h"

/* Whatever a boot loader left, every CPU starts with the base a new EC has. */
void fs_base_init(void) { fs_base_write(this_cpu(), 0, 0); }

void fs_base_set(struct ec *ec, uint64_t base)
{
    ec->fs_base = base;
    fs_base_write(this_cpu(), ec, base);
}

/* A new EC at the same address must not pass for this one (ABA): it would
 * inherit this EC's loaded base. */
void fs_base_forget(struct ec *ec)
{
    for (unsigned c = 0; c < NOVUM_MAX_CPUS; c++)
        if (percpu[c].fs_base_ec == ec)
            percpu[c].fs_base_ec = 0;
}
