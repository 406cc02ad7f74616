/* Root server start: read the boot plan (module 1), take the guest memory
 * of every VM and then the pool for everything else, create every
 * component (modules 2..; a VM's kernel and initrd follow) and start them;
 * a component whose module is refused, or whose VM finds no memory, is
 * left out and the others still start. Then the main EC restarts
 * components that crash (restart.c). */
#include "rootserver.h"

const struct nvpl_header *plan;
uint64_t region_pa[64];

struct module boot_modules[MAX_MODULES];
unsigned boot_module_count;

static _Noreturn void stop(const char *why)
{
    nova_printf("rootserver: %s\n", why);
    nova_exit(1);
}

static bool allocate_regions(void)
{
    uint32_t n = plan->regions.count;
    if (n > sizeof region_pa / sizeof region_pa[0])
        return false;
    for (uint32_t r = 0; r < n; r++) {
        region_pa[r] = 0;
        for (uint64_t off = 0; off < nvpl_regions(plan)[r].size; off += 4096) {
            uint64_t pa = frame_alloc();   /* consecutive: the pool is handed out in order */
            if (!pa)
                return false;
            if (!off)
                region_pa[r] = pa;
        }
    }
    return true;
}

int main(const struct nova_hip *hip, unsigned cpu)
{
    (void)cpu;
    struct module *mods = boot_modules;
    unsigned nmods = boot_module_count = modules_find(hip, mods, MAX_MODULES);
    if (!faults_init())
        stop("cannot set up its pager");
    if (nmods < 2)
        stop("no boot plan (module 1)");
    for (unsigned m = 0; m < nmods; m++)
        if (!phys_map(mods[m].pa, mods[m].size, false))
            stop("cannot map the boot modules");
    plan = phys_ptr(mods[1].pa);
    const char *why = nvpl_check(plan, mods[1].size);
    if (why) {
        nova_printf("rootserver: boot plan refused: %s\n", why);
        nova_exit(1);
    }
    component_count = plan->components.count < MAX_COMPONENTS ? plan->components.count : MAX_COMPONENTS;
    bool vm_ok[MAX_COMPONENTS];
    for (unsigned i = 0; i < component_count; i++)   /* guest memory first: big aligned blocks */
        vm_ok[i] = component_vm_memory(i);
    if (!frames_init(hip))
        stop("cannot take memory from the kernel");
    if (!allocate_regions())
        stop("not enough memory for the shared regions");
    unsigned created = 0;
    for (unsigned i = 0; i < component_count; i++) {
        uint32_t module = nvpl_components(plan)[i].module;
        if (module >= nmods)
            nova_printf("rootserver: component %s: boot module %u is missing\n", nvpl_components(plan)[i].name,
                        module);
        else if (vm_ok[i] && component_create(i, &mods[module]))
            components[i].created = true, created++;
    }
    if (!restart_init())   /* before any component can crash */
        stop("cannot set up restarts");
    for (unsigned i = 0; i < component_count; i++)
        if (components[i].created)
            component_start(i);
    nova_printf("rootserver: %u of %u components started\n", created, component_count);
    restart_loop();   /* from now on: restart what crashes, if its plan says so */
}
