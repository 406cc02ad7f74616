/* VMs for the vCPU tests (vm.h). */
#include "vm.h"
#include "self_delegate.h"

#define VM_MAX 64
#define VM_POOL_VA 0x0000310000000000ull
#define VM_POOL_ORDER 9   /* 512 pages: VM_MAX x VM_MEM_PAGES, then single pages (vm_page) */
#define VM_EXTRA_PAGES ((1u << VM_POOL_ORDER) - VM_MAX * VM_MEM_PAGES)

_Static_assert(VM_MAX * VM_MEM_PAGES < 1u << VM_POOL_ORDER, "pool size");

static unsigned vm_pages_used;
static bool vm_slot_used[VM_MAX];   /* vm_destroy frees a slot (memory, handler stack) */
static struct vm vms[VM_MAX];
static uint8_t *vm_pool;
/* the handlers' stacks: the suite's EC stack pool is too small for a VM per test */
static uint8_t vm_stacks[VM_MAX][ECTX_STACK_SIZE] __attribute__((aligned(4096)));

/* Guest code must be executable in the root as well (the delegation keeps
 * the source's rights), so the memory comes from the kernel with the H bit:
 * the top of the highest available RAM, which neither the kernel's pool nor
 * a boot module occupies. */
static uint8_t *pool(void)
{
    if (vm_pool)
        return vm_pool;
    const struct nova_hip *hip = nova_boot_hip;
    uint64_t top = 0;
    for (unsigned off = hip->mem_offs; off + hip->mem_size <= hip->length; off += hip->mem_size) {
        const struct nova_hip_mem *m = (const void *)((const uint8_t *)hip + off);
        if (m->type == NOVA_HIP_MEM_AVAILABLE && m->address + m->size > top)
            top = m->address + m->size;
    }
    uint64_t phys = (top - (4ull << 20)) & ~((4096ull << VM_POOL_ORDER) - 1);
    uint64_t rwx = NOVA_PERM_MEM_R | NOVA_PERM_MEM_W | NOVA_PERM_MEM_X;
    enum nova_status st = delegate_to_self(nova_crd_mem(phys >> 12, VM_POOL_ORDER, rwx), VM_POOL_VA >> 12, true,
                                           nova_crd_mem(VM_POOL_VA >> 12, VM_POOL_ORDER, rwx));
    CHECK_EQ(st, NOVA_SUCCESS);
    if (st == NOVA_SUCCESS)
        vm_pool = (uint8_t *)(uintptr_t)VM_POOL_VA;
    return vm_pool;
}

struct nova_utcb_seg vm_real_seg(uint16_t sel, bool code)
{
    return (struct nova_utcb_seg){ .sel = sel, .ar = code ? 0x9b : 0x93, .limit = 0xffff, .base = (uint64_t)sel << 4 };
}

/* STARTUP: real mode at 0:VM_CODE, and the guest memory. */
static void startup_reply(struct vm *vm, struct nova_utcb *u)
{
    struct nova_utcb_arch *a = &u->data.arch;
    a->mtd = NOVA_MTD_EIP | NOVA_MTD_CS_SS | NOVA_MTD_DS_ES | NOVA_MTD_ESP | NOVA_MTD_EFL;
    a->rip = VM_CODE;
    a->rsp = VM_GPA + VM_MEM_PAGES * 4096;
    a->rflags = 2;
    a->cs = vm_real_seg(0, true);
    a->ss = a->ds = a->es = vm_real_seg(0, false);
    unsigned t = 0;
    if (vm->delegate_memory) {
        uint64_t page = (uintptr_t)vm->mem >> 12;
        u->data.words[NOVA_UTCB_TYPED_ITEM_WORD(0)] = nova_item_delegate(VM_GPA >> 12, 0, 1, 0);
        u->data.words[NOVA_UTCB_TYPED_CRD_WORD(0)] = nova_crd_mem(page, 2, NOVA_PERM_MEM_R | NOVA_PERM_MEM_W | NOVA_PERM_MEM_X);
        t = 1;
    }
    u->head.items = nova_utcb_items(0, t);
}

static struct vm *vm_of(struct ectx *c) { return c->arg; }

uint8_t *vm_page(void)
{
    CHECK(vm_pages_used < VM_EXTRA_PAGES);
    if (vm_pages_used >= VM_EXTRA_PAGES || !pool())
        return 0;
    uint8_t *p = pool() + (VM_MAX * VM_MEM_PAGES + vm_pages_used++) * 4096ull;
    __builtin_memset(p, 0, 4096);
    return p;
}

void vm_reply_delegate(struct nova_utcb *u, uint64_t crd, uint64_t hotspot)
{
    unsigned t = (unsigned)nova_utcb_items_t(u->head.items);
    u->data.words[NOVA_UTCB_TYPED_ITEM_WORD(t)] = nova_item_delegate(hotspot, 0, 1, 0);
    u->data.words[NOVA_UTCB_TYPED_CRD_WORD(t)] = crd;
    u->head.items = nova_utcb_items(nova_utcb_items_u(u->head.items), t + 1);
}

void vm_skip(struct vm *vm, struct nova_utcb *u)
{
    u->data.arch.rip = vm->in.rip + vm->in.inst_len;
    u->data.arch.mtd |= NOVA_MTD_EIP;
}

bool vm_std(struct vm *vm, unsigned exit, struct nova_utcb *u)
{
    if (exit == NOVA_SVM_EXIT_STARTUP)
        vm_ctrl(u, vm->ctrl0, vm->ctrl1, vm->exc);
    if (vm->hook) {
        int r = vm->hook(vm, exit, u);
        if (r != VM_DEFAULT)
            return r == VM_GO;
    }
    switch (exit) {
    case NOVA_SVM_EXIT_STARTUP:
        return true;
    case NOVA_SVM_EXIT_VMMCALL:
    case NOVA_SVM_EXIT_CPUID:
    case NOVA_SVM_EXIT_RDTSC:
    case NOVA_SVM_EXIT_IO_ACCESS:
    case NOVA_SVM_EXIT_MSR_ACCESS:
        vm_skip(vm, u);
        return true;
    default:
        return false;
    }
}

static void vm_handle(uint64_t pid, struct ectx *c)
{
    struct vm *vm = vm_of(c);
    unsigned exit = (unsigned)(pid & 0xff);
    if (vm->exits < sizeof vm->trace)
        vm->trace[vm->exits] = (uint8_t)exit;
    vm->exits++;
    vm->count[exit]++;
    vm->last_exit = exit;
    __builtin_memcpy((void *)&vm->in, &c->utcb->data.arch, sizeof vm->in);
    if (vm->exits <= sizeof vm->msg / sizeof vm->msg[0])
        __builtin_memcpy(&vm->msg[vm->exits - 1], &c->utcb->data.arch, sizeof vm->msg[0]);
    c->utcb->head.items = 0;
    c->utcb->data.arch.mtd = 0;   /* write nothing back unless asked */
    if (exit == NOVA_SVM_EXIT_STARTUP)
        startup_reply(vm, c->utcb);
    bool go_on = vm->on_exit(vm, exit, c->utcb);
    if (!go_on) {
        vm->stopped = 1;
        nova_sm_ctrl(never_sm(), NOVA_FLAG_SM_CTRL_DN);   /* never replies */
    }
}

/* The handler: a local EC in the root PD on `cpu` entering lec_entry. */
static enum nova_status vm_handler(struct ectx **out, unsigned cpu, unsigned slot)
{
    struct ectx *c = (struct ectx *)(vm_stacks[slot] + ECTX_STACK_SIZE - sizeof(struct ectx));
    __builtin_memset(c, 0, sizeof *c);
    c->stack_lo = (uintptr_t)vm_stacks[slot];
    c->fn = vm_handle;
    c->ec = sel_alloc(1);
    c->evt = SEL_EMPTY_EVT;
    c->utcb = (struct nova_utcb *)utcb_alloc();
    *out = c;
    return nova_create_ec(c->ec, SEL_ROOT_PD, cpu, (uintptr_t)c->utcb, ectx_sp(c), SEL_EMPTY_EVT, 0);
}

struct vm *vm_create(const void *code, uint64_t code_len, vm_exit_fn on_exit, uint64_t mtd)
{
    return vm_create_on(nova_boot_cpu, code, code_len, on_exit, mtd);
}

struct vm *vm_create_on(unsigned cpu, const void *code, uint64_t code_len, vm_exit_fn on_exit, uint64_t mtd)
{
    unsigned slot = 0;
    while (slot < VM_MAX && vm_slot_used[slot])
        slot++;
    CHECK(slot < VM_MAX);
    if (slot >= VM_MAX || !pool())
        return 0;
    vm_slot_used[slot] = true;
    struct vm *vm = &vms[slot];
    __builtin_memset(vm, 0, sizeof *vm);
    vm->cpu = cpu;
    vm->slot = slot;
    vm->mem = pool() + slot * VM_MEM_PAGES * 4096;
    __builtin_memset(vm->mem, 0, VM_MEM_PAGES * 4096);
    __builtin_memcpy(vm->mem + (VM_CODE - VM_GPA), code, code_len);
    vm->on_exit = on_exit;
    vm->ctrl1 = VM_CTRL1(NOVA_SVM_EXIT_VMMCALL);
    vm->mtd = mtd;
    vm->delegate_memory = true;
    enum nova_status st = vm_handler(&vm->handler, cpu, slot);
    vm->handler->arg = vm;
    vm->evt = sel_alloc(256);
    for (unsigned e = 0; e < 256 && st == NOVA_SUCCESS; e++)
        st = portal_at(vm->evt + e, vm->handler, mtd, e | 0x100);
    vm->pd = sel_alloc(1);
    vm->vcpu = sel_alloc(1);
    if (st == NOVA_SUCCESS)
        st = nova_create_pd(vm->pd, SEL_ROOT_PD, nova_crd_obj(vm->evt, 8, NOVA_PERM_PT_CT | NOVA_PERM_PT_CALL));
    if (st == NOVA_SUCCESS)
        st = nova_create_ec(vm->vcpu, vm->pd, cpu, 0, 0, 0, 0);
    CHECK_EQ(st, NOVA_SUCCESS);
    return st == NOVA_SUCCESS ? vm : 0;
}

enum nova_status vm_start(struct vm *vm, uint64_t prio)
{
    vm->sc = sel_alloc(1);
    return nova_create_sc(vm->sc, SEL_ROOT_PD, vm->vcpu, nova_qpd(10000, prio));
}

bool vm_run(struct vm *vm)
{
    CHECK_EQ(vm_start(vm, 2), NOVA_SUCCESS);
    return spin_until(&vm->stopped, 1);
}

void vm_destroy(struct vm *vm)
{
    uint64_t sels[] = { vm->sc, vm->vcpu, vm->pd, vm->handler->ec };
    for (unsigned i = 0; i < sizeof sels / sizeof sels[0]; i++)
        if (sels[i])
            nova_revoke(nova_crd_obj(sels[i], 0, PERM_ANY), NOVA_FLAG_REVOKE_SR);
    nova_revoke(nova_crd_obj(vm->evt, 8, PERM_ANY), NOVA_FLAG_REVOKE_SR);
    vm_slot_used[vm->slot] = false;   /* its PD, vCPU and handler are gone */
}
