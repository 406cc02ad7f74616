/* Building a component from its plan record and ELF: a PD whose event
 * selectors lead to the root server's pager, a global main EC, portals for
 * what it offers, and, when it starts, the capabilities the plan grants. */
#include <nova/vm_desc.h>
#include "rootserver.h"
#include "string.h"

#define PAGE 4096ull

struct component components[MAX_COMPONENTS];
unsigned component_count;

/* create_pd hands the new PD the block's event portals, EXC of them from 0 */
static unsigned exc_order(void)
{
    _Static_assert((NOVA_EXC_SELECTORS & (NOVA_EXC_SELECTORS - 1)) == 0, "EXC is a power of two");
    return (unsigned)__builtin_ctz(NOVA_EXC_SELECTORS);
}

static unsigned order_of(uint64_t pages)
{
    return (unsigned)__builtin_ctzll(pages);
}

bool component_vm_memory(unsigned i)
{
    const struct nvpl_vm *vm = nvpl_vm_of(plan, i);
    components[i].vm = vm;
    if (!vm)
        return true;
    if (vm->memory_size > NOVA_VM_MEM_MAX ||
        !(components[i].guest_pa = phys_block_take(nova_boot_hip, vm->memory_size))) {
        nova_printf("rootserver: component %s: no free naturally aligned block of %lu MiB for its guest memory\n",
                    nvpl_components(plan)[i].name, vm->memory_size >> 20);
        return false;
    }
    return true;
}

static bool cpu_online(uint32_t cpu)
{
    return cpu < nova_hip_cpu_count(nova_boot_hip) &&
           nova_hip_cpu_flags_enabled(nova_hip_cpu_desc(nova_boot_hip, cpu)->flags);
}

/* The module's address in the VMM: in its area, at the module's offset
 * within NOVA_VM_MODULE_ALIGN, so that it maps with large blocks. */
static uint64_t module_va(uint64_t area, const struct module *m)
{
    return area + (m->pa & (NOVA_VM_MODULE_ALIGN - 1));
}

/* The VM description page of component i (nova/vm_desc.h). */
static bool vm_describe(struct component *c)
{
    const struct nvpl_vm *vm = c->vm;
    const char *name = c->plan->name;
    if (vm->vcpu_count > NOVA_VM_MAX_VCPUS) {
        nova_printf("rootserver: component %s: %u vCPUs, at most %u\n", name, vm->vcpu_count, NOVA_VM_MAX_VCPUS);
        return false;
    }
    for (uint32_t k = 0; k < vm->vcpu_count; k++)
        if (!cpu_online(nvpl_vcpus(plan)[vm->vcpu_first + k].cpu)) {
            nova_printf("rootserver: component %s: vCPU %u is on CPU %u, which this machine does not have\n", name,
                        k, nvpl_vcpus(plan)[vm->vcpu_first + k].cpu);
            return false;
        }
    const struct module *mods[2] = { 0, 0 };
    uint32_t index[2] = { vm->kernel_module, vm->initrd_module };
    for (unsigned k = 0; k < 2; k++) {
        if (k == 1 && !index[k])
            continue;
        if (index[k] >= boot_module_count) {
            nova_printf("rootserver: component %s: boot module %u (its guest %s) is missing\n", name, index[k],
                        k ? "initrd" : "kernel");
            return false;
        }
        mods[k] = &boot_modules[index[k]];
        if ((mods[k]->pa & (NOVA_VM_MODULE_ALIGN - 1)) + mods[k]->size > 4 * NOVA_VM_MODULE_ALIGN - PAGE) {
            nova_printf("rootserver: component %s: its guest %s is too large\n", name, k ? "initrd" : "kernel");
            return false;
        }
    }
    if (!(c->vm_desc_pa = frame_alloc_for((unsigned)(c - components)))) {
        nova_printf("rootserver: component %s: no memory for its VM description\n", name);
        return false;
    }
    struct nova_vm_desc *d = phys_ptr(c->vm_desc_pa);
    d->magic = NOVA_VM_DESC_MAGIC;
    d->version = NOVA_VM_DESC_VERSION;
    d->size = sizeof *d;
    d->vcpus = vm->vcpu_count;
    d->mem_va = NOVA_VM_GUEST_MEM;
    d->mem_size = vm->memory_size;
    d->mem_phys = c->guest_pa;
    d->kernel_va = module_va(NOVA_VM_KERNEL_AREA, mods[0]);
    d->kernel_size = mods[0]->size;
    if (mods[1]) {
        d->initrd_va = module_va(NOVA_VM_INITRD_AREA, mods[1]);
        d->initrd_size = mods[1]->size;
    }
    d->console_sel = NOVA_COMPONENT_SEL_USE(vm->console_use);
    for (uint32_t k = 0; k < vm->vcpu_count; k++)
        d->cpu[k] = nvpl_vcpus(plan)[vm->vcpu_first + k].cpu;
    d->cmdline_size = vm->cmdline_size;
    memcpy(d->cmdline, vm->cmdline, vm->cmdline_size);
    return true;
}

bool component_create(unsigned i, const struct module *m)
{
    struct component *c = &components[i];
    const struct nvpl_component *p = &nvpl_components(plan)[i];
    c->plan = p;
    c->elf = phys_ptr(m->pa);
    c->elf_size = m->size;
    const char *why = elf_check(c->elf, c->elf_size, COMPONENT_STACK - p->stack_size, &c->img);
    if (why) {
        nova_printf("rootserver: component %s: module refused: %s\n", p->name, why);
        return false;
    }
    c->entry = c->img.entry;
    c->portal_entry = elf_symbol(c->elf, c->elf_size, "nova_portal_entry");
    c->ec_entry = elf_symbol(c->elf, c->elf_size, "nova_ec_entry");
    c->exit_trap = elf_symbol(c->elf, c->elf_size, "nova_component_exit_trap");
    if (c->vm && !vm_describe(c))
        return false;
    c->started = false;
    if (!c->sel_base)   /* a restart keeps the event portals */
        c->sel_base = faults_portal_block(i);
    uint64_t b = c->sel_base;
    if (!b || nova_create_pd(b + BLK_PD, ROOT_PD, nova_crd_obj(b, exc_order(), NOVA_PERM_PT_ALL)) != NOVA_SUCCESS ||
        nova_create_ec(b + BLK_EC, b + BLK_PD, p->cpu, NOVA_COMPONENT_UTCB, COMPONENT_STACK, 0,
                       NOVA_FLAG_CREATE_EC_G) != NOVA_SUCCESS) {
        nova_printf("rootserver: component %s: cannot create its PD and EC\n", p->name);
        return false;
    }
    for (uint32_t k = 0; k < p->portal_count; k++) {
        uint64_t sel = b + BLK_OFFERS + k;
        if (!c->portal_entry || nova_create_pt(sel, b + BLK_PD, b + BLK_EC, 0, c->portal_entry) != NOVA_SUCCESS ||
            nova_pt_ctrl(sel, k) != NOVA_SUCCESS) {
            nova_printf("rootserver: component %s: cannot create its portal %u (nova_portal_entry %s)\n", p->name,
                        k, c->portal_entry ? "found" : "missing");
            return false;
        }
    }
    return devices_prepare(i);
}

void component_start(unsigned i)
{
    struct component *c = &components[i];
    uint64_t b = c->sel_base;
    if (nova_create_sc(b + BLK_SC, b + BLK_PD, b + BLK_EC, nova_qpd(c->plan->quantum_us, c->plan->priority)) ==
        NOVA_SUCCESS)
        c->running = true;
    else
        nova_printf("rootserver: component %s: cannot create its SC\n", c->plan->name);
}

/* --- STARTUP: registers and the capabilities the plan grants ----------- */

/* A VM's description page, kernel and initrd (read-only) and its guest
 * memory (rwx, as one range: the VMM delegates it on with the G bit). */
static void grant_vm(struct items *it, const struct component *c)
{
    const struct nvpl_vm *vm = c->vm;
    add_item(it, nova_item_delegate(NOVA_VM_DESC_ADDR / PAGE, 0, 0, 0),
             nova_crd_mem((PHYS_WINDOW + c->vm_desc_pa) / PAGE, 0, NOVA_PERM_MEM_R));
    const struct module *k = &boot_modules[vm->kernel_module];
    grant_memory(it, k->pa, k->size, module_va(NOVA_VM_KERNEL_AREA, k) & ~(PAGE - 1), NOVA_PERM_MEM_R);
    if (vm->initrd_module) {
        const struct module *r = &boot_modules[vm->initrd_module];
        grant_memory(it, r->pa, r->size, module_va(NOVA_VM_INITRD_AREA, r) & ~(PAGE - 1), NOVA_PERM_MEM_R);
    }
    add_item(it, nova_item_delegate(NOVA_VM_GUEST_MEM / PAGE, 0, 0, 0),
             nova_crd_mem((PHYS_WINDOW + c->guest_pa) / PAGE, order_of(vm->memory_size / PAGE),
                          NOVA_PERM_MEM_R | NOVA_PERM_MEM_W | NOVA_PERM_MEM_X));
}

/* The offering component's portal for plan portal `p`. */
static uint64_t portal_selector(uint32_t p)
{
    const struct nvpl_portal *portal = &nvpl_portals(plan)[p];
    const struct component *offer = &components[portal->component];
    if (!offer->sel_base)
        return 0;
    return offer->sel_base + BLK_OFFERS + (p - offer->plan->portal_first);
}

/* The selector at which component i finds the portal `name` ("console":
 * R9 at start, "console_input": R10; include/nova/component.h), 0 if it
 * uses none of that name. */
static uint64_t use_selector(const struct nvpl_component *p, const char *name)
{
    for (uint32_t k = 0; k < p->use_count; k++)
        if (!strcmp(nvpl_portals(plan)[nvpl_uses(plan)[p->use_first + k].portal].name, name))
            return NOVA_COMPONENT_SEL_USE(k);
    return 0;
}

/* The portals of its `uses` at NOVA_COMPONENT_SEL_USE(k). */
static void grant_uses(struct items *it, const struct nvpl_component *p)
{
    for (uint32_t k = 0; k < p->use_count; k++) {
        uint64_t sel = portal_selector(nvpl_uses(plan)[p->use_first + k].portal);
        if (sel)
            add_item(it, nova_item_delegate(NOVA_COMPONENT_SEL_USE(k), 0, 0, 0),
                     nova_crd_obj(sel, 0, NOVA_PERM_PT_CALL));
    }
}

void component_recall_reply(unsigned i, struct nova_utcb *u)
{
    struct items it = { u, 0, false };
    grant_uses(&it, components[i].plan);
    u->head.items = nova_utcb_items(0, it.n);
    u->data.arch.mtd = 0;   /* its registers stay as they are */
}

/* An EC the component created itself (create_ec with its own PD, event
 * base 0) starts at the ELF symbol nova_ec_entry on the stack it was
 * created with, which holds its function and argument; it gets no grants.
 * Without the symbol it cannot start: reported, and the EC is shut down. */
static void own_ec_startup_reply(const struct component *c, struct nova_utcb *u)
{
    u->head.items = 0;
    u->data.arch.mtd = NOVA_MTD_EIP;
    u->data.arch.rip = c->ec_entry;
    if (!c->ec_entry) {
        nova_printf("rootserver: component %s: an EC it created cannot start: no symbol nova_ec_entry\n",
                    c->plan->name);
        u->data.arch.rip = 0x8000000000000000ull;   /* not canonical: the kernel shuts the EC down */
    }
}

void component_startup_reply(unsigned i, struct nova_utcb *u)
{
    struct component *c = &components[i];
    if (c->started) {
        own_ec_startup_reply(c, u);
        return;
    }
    c->started = true;
    const struct nvpl_component *p = c->plan;
    struct items it = { u, 0, false };
    static const struct { uint64_t sel; uint32_t perms; } own[] = {   /* its own PD, main EC and SC */
        { NOVA_COMPONENT_SEL_PD, NOVA_PERM_PD_ALL },
        { NOVA_COMPONENT_SEL_EC, NOVA_PERM_EC_ALL },
        { NOVA_COMPONENT_SEL_SC, NOVA_PERM_SC_ALL },
        { NOVA_COMPONENT_SEL_ROOT, NOVA_PERM_PT_CALL },   /* its object service */
    };
    for (unsigned k = 0; k < sizeof own / sizeof own[0]; k++)
        add_item(&it, nova_item_delegate(own[k].sel, 0, 0, 0),
                 nova_crd_obj(c->sel_base + own[k].sel, 0, own[k].perms));
    grant_uses(&it, p);
    /* the kernel's GSI semaphores follow its idle SCs, one per HIP CPU descriptor */
    for (uint32_t k = 0; k < p->gsi_count; k++)
        add_item(&it, nova_item_delegate(NOVA_COMPONENT_SEL_GSI(k), 1, 0, 0),
                 nova_crd_obj(nova_hip_cpu_count(nova_boot_hip) + nvpl_gsis(plan)[p->gsi_first + k].gsi, 0,
                              NOVA_PERM_SM_ALL));
    for (uint32_t k = 0; k < p->io_count; k++)
        grant_ports(&it, nvpl_io_ranges(plan)[p->io_first + k].base, nvpl_io_ranges(plan)[p->io_first + k].count);
    if (c->vm)
        grant_vm(&it, c);
    devices_grant(&it, i);
    if (it.full)
        nova_printf("rootserver: component %s: more grants than one STARTUP reply holds; some are missing\n",
                    p->name);
    u->head.items = nova_utcb_items(0, it.n);
    struct nova_utcb_arch *a = &u->data.arch;
    a->mtd = NOVA_MTD_ACDB | NOVA_MTD_BSD | NOVA_MTD_ESP | NOVA_MTD_EIP | NOVA_MTD_R8_R15;
    a->rip = c->entry;
    a->rsp = COMPONENT_STACK;
    a->rdi = i;
    a->rsi = COMPONENT_HEAP;
    a->rdx = p->heap_size;
    a->r8 = nova_boot_hip->tsc_freq_khz;
    a->rcx = p->cpu;
    a->r9 = use_selector(p, "console");
    a->r10 = use_selector(p, "console_input");
    a->rax = a->rbx = a->rbp = 0;
    a->r11 = a->r12 = a->r13 = a->r14 = a->r15 = 0;
}

/* --- demand paging -------------------------------------------------------- */

static bool segment_page(const struct component *c, uint64_t addr, uint64_t *pa, unsigned *perms)
{
    for (unsigned i = 0; i < c->img.phnum; i++) {
        const struct elf64_phdr *s = &c->img.phdr[i];
        if (s->type != PT_LOAD || addr < (s->vaddr & ~(PAGE - 1)) || addr >= s->vaddr + s->memsz)
            continue;
        uint64_t page = addr & ~(PAGE - 1);
        if (!(*pa = frame_alloc_for((unsigned)(c - components))))
            return false;
        uint8_t *dst = phys_ptr(*pa);
        uint64_t lo = page > s->vaddr ? page : s->vaddr, hi = page + PAGE;
        if (hi > s->vaddr + s->filesz)
            hi = s->vaddr + s->filesz;
        if (lo < hi)
            memcpy(dst + (lo - page), c->elf + s->offset + (lo - s->vaddr), hi - lo);
        *perms = NOVA_PERM_MEM_R | ((s->flags & PF_W) ? NOVA_PERM_MEM_W : 0) | ((s->flags & PF_X) ? NOVA_PERM_MEM_X : 0);
        return true;
    }
    return false;
}

bool component_page(unsigned i, uint64_t addr, uint64_t *pa, unsigned *perms)
{
    const struct component *c = &components[i];
    const struct nvpl_component *p = c->plan;
    for (uint32_t k = 0; k < p->map_count; k++) {   /* shared regions */
        const struct nvpl_mapping *m = &nvpl_mappings(plan)[p->map_first + k];
        uint64_t size = nvpl_regions(plan)[m->region].size;
        if (addr >= m->address && addr - m->address < size) {
            *pa = region_pa[m->region] + ((addr - m->address) & ~(PAGE - 1));
            *perms = NOVA_PERM_MEM_R | (m->writable ? NOVA_PERM_MEM_W : 0);
            return true;
        }
    }
    bool stack = addr < COMPONENT_STACK && addr >= COMPONENT_STACK - p->stack_size;
    bool heap = addr >= COMPONENT_HEAP && addr - COMPONENT_HEAP < p->heap_size;
    if (stack || heap) {
        *perms = NOVA_PERM_MEM_R | NOVA_PERM_MEM_W;
        return (*pa = frame_alloc_for(i)) != 0;
    }
    return segment_page(c, addr, pa, perms);
}
