#include <arch/acpi.h>
#include <nova/spec.h>
#include "config.h"
#include "hyp_objects.h"
#include "sc.h"
#include "sm.h"

static struct sc idle_sc[NOVUM_MAX_CPUS];
static struct sm gsi_sm[256];

void hyp_objects_init(void)
{
    for (unsigned c = 0; c < NOVUM_MAX_CPUS; c++)
        idle_sc[c] = (struct sc){ .obj = { .type = KOBJ_SC, .refs = 1 }, .cpu = c };   /* never destroyed */
    for (unsigned g = 0; g < platform.gsi_count; g++)
        gsi_sm[g] = (struct sm){ .obj = { .type = KOBJ_SM, .refs = 1 } };
}

struct kobj *hyp_object(uint64_t sel, uint32_t *perms)
{
    if (sel < NOVUM_MAX_CPUS) {
        *perms = NOVA_PERM_SC_CT;
        return &idle_sc[sel].obj;
    }
    if (sel - NOVUM_MAX_CPUS < platform.gsi_count) {
        *perms = NOVA_PERM_SM_UP | NOVA_PERM_SM_DN;
        return &gsi_sm[sel - NOVUM_MAX_CPUS].obj;
    }
    return 0;
}

struct sc *idle_sc_of(unsigned cpu) { return &idle_sc[cpu]; }
struct sm *gsi_sm_of(unsigned gsi) { return &gsi_sm[gsi]; }

bool sm_gsi(const struct sm *sm, unsigned *gsi)
{
    if (sm < gsi_sm || sm >= gsi_sm + platform.gsi_count)
        return false;
    *gsi = (unsigned)(sm - gsi_sm);
    return true;
}
