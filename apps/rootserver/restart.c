/* Restarting crashed components (system.toml `restart = { max = N }`).
 *
 * A crash is reported by the pager (faults.c), whose reply shuts the
 * crashed EC down: a client in mid-call to it gets COM_ABT at once. If the
 * component may be restarted once more, it is marked due and the root's
 * main EC, waiting in restart_loop on a semaphore with an SC of the highest
 * priority, wakes and calls a portal of the fault EC, so that the restart
 * runs there, one call at a time with every page fault and STARTUP (no
 * locks). That SC is made at the first crash: until then the main EC may
 * still be finishing the start at the root's priority 1, which components
 * that keep their CPU busy never leave it, and it must not overtake them
 * then either. restart_run then, per component due:
 *
 *  - tears it down: revokes the ECs and SCs its object service made, its
 *    SC, main EC, the portals it offers and its PD in the root (and with
 *    them every copy: its clients' portals at NOVA_COMPONENT_SEL_USE(k) and
 *    its own capabilities), the copies of its event portals and object
 *    service, and every delegation of the pages allocated for it,
 *    which go back to the pool. With nothing left referring to it, the
 *    kernel destroys the PD with its spaces: its ports, GSI semaphores and
 *    mappings go, and its kernel memory returns to the root;
 *  - builds it again from its plan entry and ELF, as at boot
 *    (component_create, component_start: its STARTUP gets the same grants);
 *  - recalls the main EC of every component that uses one of its portals:
 *    the RECALL, taken before that EC next returns to user mode (a client
 *    blocked in a call first learns the call's status), comes to the pager,
 *    whose reply delegates its `uses` portals again at the same selectors.
 *
 * With the debug extension it reads the kernel memory charged to the root
 * after each teardown: from the second restart of a component on it must
 * be what it was after the first, else an instance left something behind
 * (given that the other components' objects from the root did not change
 * in between).
 *
 * ECs and SCs a component makes with component_ec_create come from the
 * root's object service (objects.c), so the root owns them and revokes
 * them here. Not reached: objects the component creates itself with
 * create_* on its own PD (a semaphore, say). Their capabilities live only
 * in its own object space and each holds its PD, so the PD never dies:
 * such ECs keep running in it with its ports and GSI semaphores (delegated
 * from the kernel with the H bit), and its kernel memory stays charged,
 * which the comparison reports as LEAKED. */
#include "rootserver.h"

#define RESTART_SM 0x103   /* restart_loop waits on it */
#define RESTART_SC 0x104   /* the main EC's SC of priority 255 */
#define RESTART_PT 0x105   /* bound to the fault EC, PID RESTART_PID */
#define ROOT_EC    (NOVA_EXC_SELECTORS + 1)
#define OBJ_ALL    0x1fu   /* every permission bit of every object type */

void restart_crashed(unsigned i)
{
    struct component *c = &components[i];
    uint32_t max = c->plan->restart_max;
    if (!max) {
        nova_printf("; the other components run on\n");
        return;
    }
    if (c->restart_due) {
        nova_printf("; a restart is already due\n");
        return;
    }
    if (c->restarts >= max) {
        nova_printf("; restarted %u times, its limit: it stays dead\n", c->restarts);
        return;
    }
    c->restart_due = true;
    nova_printf("; restarting it (restart %u of %u)\n", c->restarts + 1, max);
    static bool have_sc;
    if (!have_sc && nova_create_sc(RESTART_SC, ROOT_PD, ROOT_EC, nova_qpd(10000, 255)) == NOVA_SUCCESS)
        have_sc = true;
    nova_sm_ctrl(RESTART_SM, 0);   /* up */
}

static void drop(uint64_t sel, uint64_t order, unsigned flags)
{
    nova_revoke(nova_crd_obj(sel, order, OBJ_ALL), flags);
}

static void teardown(unsigned i)
{
    struct component *c = &components[i];
    uint64_t b = c->sel_base;
    for (unsigned s = 0; s < NOVA_COMPONENT_EC_SLOTS; s++) {   /* what its object service made */
        drop(b + BLK_OWN_SC(s), 0, NOVA_FLAG_REVOKE_SR);
        drop(b + BLK_OWN_EC(s), 0, NOVA_FLAG_REVOKE_SR);
    }
    drop(b + BLK_SC, 0, NOVA_FLAG_REVOKE_SR);
    drop(b + BLK_EC, 0, NOVA_FLAG_REVOKE_SR);
    for (uint32_t k = 0; k < c->plan->portal_count; k++)
        drop(b + BLK_OFFERS + k, 0, NOVA_FLAG_REVOKE_SR);
    drop(b + BLK_PD, 0, NOVA_FLAG_REVOKE_SR);
    drop(b, (uint64_t)__builtin_ctz(NOVA_EXC_SELECTORS), 0);   /* its copies of the event portals */
    drop(b + BLK_ROOT_PT, 0, 0);                                 /* and of its object service */
    frames_release(i);
    c->created = c->running = c->started = false;
}

static bool root_charge(uint64_t *bytes)
{
    return nova_debug_pd_charge(ROOT_PD, bytes) == NOVA_SUCCESS;
}

/* Does component j use a portal that component i offers? */
static bool uses_from(unsigned j, unsigned i)
{
    const struct nvpl_component *p = components[j].plan;
    for (uint32_t k = 0; k < p->use_count; k++)
        if (nvpl_portals(plan)[nvpl_uses(plan)[p->use_first + k].portal].component == i)
            return true;
    return false;
}

static void restart_one(unsigned i)
{
    struct component *c = &components[i];
    const char *name = c->plan->name;
    c->restart_due = false;
    c->restarts++;
    teardown(i);
    uint64_t charge = 0;
    bool charged = root_charge(&charge);
    uint32_t module = c->plan->module;
    if (module >= boot_module_count || !component_create(i, &boot_modules[module])) {
        nova_printf("rootserver: component %s: cannot build it again: it stays dead\n", name);
        return;
    }
    c->created = true;
    component_start(i);
    if (!c->running)
        return;
    for (unsigned j = 0; j < component_count; j++)
        if (j != i && components[j].running && uses_from(j, i))
            nova_ec_ctrl(components[j].sel_base + NOVA_COMPONENT_SEL_EC);
    nova_printf("rootserver: component %s restarted (restart %u of %u)", name, c->restarts, c->plan->restart_max);
    if (!charged)
        nova_printf("\n");
    else if (c->restarts == 1)
        nova_printf("; root kernel memory after the teardown: %lu bytes\n", charge);
    else
        nova_printf("; root kernel memory after the teardown: %lu bytes, %s\n", charge,
                    charge == c->torn_down_charge ? "as after the last one: nothing leaked" : "LEAKED");
    c->torn_down_charge = charge;
}

void restart_run(void)
{
    for (unsigned i = 0; i < component_count; i++)
        if (components[i].restart_due)
            restart_one(i);
}

bool restart_init(void)
{
    return nova_create_sm(RESTART_SM, ROOT_PD, 0) == NOVA_SUCCESS && faults_restart_portal(RESTART_PT);
}

_Noreturn void restart_loop(void)
{
    struct nova_utcb *u = nova_root_utcb();
    for (;;) {
        nova_sm_ctrl(RESTART_SM, NOVA_FLAG_SM_CTRL_DN);
        u->head.items = 0;
        nova_call(RESTART_PT, 0);
    }
}
