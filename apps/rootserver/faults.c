/* The root server's pager and crash reporter: every component's 32 event
 * selectors are portals to one local EC here, the PID naming component and
 * event. STARTUP gets the component's start state and grants (its main
 * EC's; an EC the component created starts at nova_ec_entry); a page fault
 * inside its segments, stack, heap or shared regions gets that page; any
 * other exception is reported and the component's EC is shut down (the
 * reply's non-canonical RIP makes the kernel do it), the rest runs on; a
 * component whose plan says so is then restarted (restart.c). A #UD at
 * nova_component_exit_trap is its exit: reported as that, handled alike. A RECALL
 * (after such a restart) gets the portals the component uses again. */
#define NOVA_WANT_NAMES
#include "rootserver.h"

#define FAULT_EC   0x102
#define FAULT_UTCB 0x0000200000001000ull
#define BLOCKS     0x1000   /* component i's selectors: BLOCKS + i * 0x100 */
#define PAGE       4096ull
#define MTD_ALL    (NOVA_MTD_ACDB | NOVA_MTD_BSD | NOVA_MTD_ESP | NOVA_MTD_EIP | NOVA_MTD_EFL | NOVA_MTD_QUAL | \
                    NOVA_MTD_R8_R15)

static uint8_t fault_stack[16384] __attribute__((aligned(16)));

static bool is_exit(unsigned i, unsigned event, const struct nova_utcb_arch *a)
{
    return event == NOVA_EXC_UD && components[i].exit_trap && a->rip == components[i].exit_trap;
}

/* Its exit (nova_component_exit): reported; a component that serves
 * portals or is restartable is then handled as crashed (its callers must
 * not wait for it), any other goes back to nova_component_exit, which
 * blocks for good. Returns whether it is to be shut down. */
static bool exited(unsigned i, const struct nova_utcb_arch *a)
{
    const struct component *c = &components[i];
    nova_printf("rootserver: component %s exited with code %d", c->plan->name, (int)a->rdi);
    if (!c->plan->portal_count && !c->plan->restart_max) {
        nova_printf("\n");
        return false;
    }
    restart_crashed(i);
    return true;
}

static void crash(unsigned i, unsigned event, const struct nova_utcb_arch *a)
{
    const char *name = event < NOVA_EVT_COUNT && nova_exception_name[event] ? nova_exception_name[event] : "event";
    nova_printf("rootserver: component %s crashed: #%s at rip=0x%lx", components[i].plan->name, name, a->rip);
    if (event == NOVA_EXC_PF)
        nova_printf(", fault address 0x%lx", a->qual[1]);
    nova_printf(" (error code 0x%lx)", a->qual[0]);
    restart_crashed(i);
}

static void map_page(struct nova_utcb *u, uint64_t addr, uint64_t pa, unsigned perms)
{
    u->data.words[NOVA_UTCB_TYPED_ITEM_WORD(0)] = nova_item_delegate(addr / PAGE, 0, 0, 0);
    u->data.words[NOVA_UTCB_TYPED_CRD_WORD(0)] = nova_crd_mem((PHYS_WINDOW + pa) / PAGE, 0, perms);
    u->head.items = nova_utcb_items(0, 1);
    u->data.arch.mtd = 0;   /* nothing to write back: the instruction runs again */
}

static void fault_entry(uint64_t pid)
{
    struct nova_utcb *u = (struct nova_utcb *)FAULT_UTCB;
    unsigned i = (unsigned)(pid >> 8), event = (unsigned)(pid & 0xff);
    uint64_t pa;
    unsigned perms;
    if (pid == RESTART_PID) {
        restart_run();
        u->head.items = 0;
    } else if (event == SERVICE_EVENT) {
        component_service(i, u);
    } else if (event == NOVA_EVT_STARTUP) {
        component_startup_reply(i, u);
    } else if (event == NOVA_EXC_PF && !(u->data.arch.qual[0] & 1) &&
               component_page(i, u->data.arch.qual[1], &pa, &perms)) {
        map_page(u, u->data.arch.qual[1], pa, perms);
    } else if (event == NOVA_EVT_RECALL) {
        component_recall_reply(i, u);
    } else if (is_exit(i, event, &u->data.arch) && !exited(i, &u->data.arch)) {
        u->head.items = 0;
        u->data.arch.mtd = NOVA_MTD_EIP;
        u->data.arch.rip += 2;   /* past the ud2: back in nova_component_exit */
    } else {
        if (!is_exit(i, event, &u->data.arch))
            crash(i, event, &u->data.arch);
        u->head.items = 0;
        u->data.arch.mtd = NOVA_MTD_EIP;
        u->data.arch.rip = 0x8000000000000000ull;   /* not canonical: the kernel shuts the EC down */
    }
    nova_reply((uintptr_t)&fault_stack[sizeof fault_stack] - 8);
}

bool faults_init(void)
{
    return nova_create_ec(FAULT_EC, ROOT_PD, nova_boot_cpu, FAULT_UTCB,
                          (uintptr_t)&fault_stack[sizeof fault_stack] - 8, 0, 0) == NOVA_SUCCESS;
}

bool faults_restart_portal(uint64_t sel)
{
    return nova_create_pt(sel, ROOT_PD, FAULT_EC, 0, (uintptr_t)fault_entry) == NOVA_SUCCESS &&
           nova_pt_ctrl(sel, RESTART_PID) == NOVA_SUCCESS;
}

uint64_t faults_portal_block(unsigned i)
{
    uint64_t base = BLOCKS + (uint64_t)i * 0x100;
    for (unsigned v = 0; v < NOVA_EVT_COUNT; v++)
        if (nova_create_pt(base + v, ROOT_PD, FAULT_EC, MTD_ALL, (uintptr_t)fault_entry) != NOVA_SUCCESS ||
            nova_pt_ctrl(base + v, (uint64_t)i << 8 | v) != NOVA_SUCCESS)
            return 0;
    if (nova_create_pt(base + BLK_ROOT_PT, ROOT_PD, FAULT_EC, 0, (uintptr_t)fault_entry) != NOVA_SUCCESS ||
        nova_pt_ctrl(base + BLK_ROOT_PT, (uint64_t)i << 8 | SERVICE_EVENT) != NOVA_SUCCESS)
        return 0;
    return base;
}
