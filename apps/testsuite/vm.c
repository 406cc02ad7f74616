/* VMs for the vCPU tests (vm.h). */
#include "vm.h"
#include "self_delegate.h"

#define VM_MAX 8
#define VM_POOL_VA 0x0000310000000000ull
#define VM_POOL_ORDER 5   /* 32 pages: VM_MAX x VM_MEM_PAGES */

_Static_assert(VM_MAX * VM_MEM_PAGES == 1u << VM_POOL_ORDER, "pool size");

static unsigned vm_memory_used;
static struct vm vms[VM_MAX];
static uint8_t *vm_pool;

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
    uint64_t phys = (top - (2ull << 20)) & ~((4096ull << VM_POOL_ORDER) - 1);
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

static void vm_handle(uint64_t pid, struct ectx *c)
{
    struct vm *vm = vm_of(c);
    unsigned exit = (unsigned)(pid & 0xff);
    vm->exits++;
    vm->count[exit]++;
    __builtin_memcpy((void *)&vm->in, &c->utcb->data.arch, sizeof vm->in);
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

struct vm *vm_create(const void *code, uint64_t code_len, vm_exit_fn on_exit, uint64_t mtd)
{
    CHECK(vm_memory_used < VM_MAX);
    if (vm_memory_used >= VM_MAX || !pool())
        return 0;
    struct vm *vm = &vms[vm_memory_used];
    __builtin_memset(vm, 0, sizeof *vm);
    vm->mem = pool() + vm_memory_used++ * VM_MEM_PAGES * 4096;
    __builtin_memset(vm->mem, 0, VM_MEM_PAGES * 4096);
    __builtin_memcpy(vm->mem + (VM_CODE - VM_GPA), code, code_len);
    vm->on_exit = on_exit;
    vm->mtd = mtd;
    vm->delegate_memory = true;
    enum nova_status st = local_ec(&vm->handler, vm_handle, SEL_EMPTY_EVT);
    vm->handler->arg = vm;
    vm->evt = sel_alloc(256);
    for (unsigned e = 0; e < 256 && st == NOVA_SUCCESS; e++)
        st = portal_at(vm->evt + e, vm->handler, mtd, e | 0x100);
    vm->pd = sel_alloc(1);
    vm->vcpu = sel_alloc(1);
    if (st == NOVA_SUCCESS)
        st = nova_create_pd(vm->pd, SEL_ROOT_PD, nova_crd_obj(vm->evt, 8, NOVA_PERM_PT_CT | NOVA_PERM_PT_CALL));
    if (st == NOVA_SUCCESS)
        st = nova_create_ec(vm->vcpu, vm->pd, nova_boot_cpu, 0, 0, 0, 0);
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
}
