/* vCPU corner cases: an event whose delivery was cut short by an exit
 * (reported in INJ for the VMM to deliver again), recall of a vCPU that is
 * not in its guest, guest SSE state across the VMM's own SSE use, string
 * I/O, and revoking guest memory from under a running guest on the same
 * and on another CPU (nested TLB shootdown). */
#include "vm.h"

#define MTD_E (NOVA_MTD_ACDB | NOVA_MTD_EIP | NOVA_MTD_QUAL | NOVA_MTD_INJ | NOVA_MTD_ESP | NOVA_MTD_CS_SS)
#define RWX (NOVA_PERM_MEM_R | NOVA_PERM_MEM_W | NOVA_PERM_MEM_X)
#define FAR_GPA 0x10000u

#define IVT(v, g, h) " movw $(0x1000 + " #h " - " #g "), " #v "*4\n movw $0, " #v "*4+2\n"

__asm__(".section .rodata\n"
        ".code16\n"
        /* the stack is at 0x1000:0x100 (GPA 0x10100), not mapped yet */
        "x_stk:" IVT(0x20, x_stk, x_stk_h)
        " mov $0x1000, %ax\n mov %ax, %ss\n mov $0x100, %sp\n vmmcall\n"
        "x_stk_after: movw $1, 0x2002\n hlt\n"
        "x_stk_h: movw $0x600d, 0x2000\n iret\n"
        "x_stk_end:\n"
        "x_two: vmmcall\n"
        "x_two_after: nop\n hlt\n"
        "x_two_end:\n"
        /* SSE: XMM0 from 0x2800, VMMCALL, XMM0 to 0x2810 */
        "x_sse: movdqu 0x2800, %xmm0\n vmmcall\n movdqu %xmm0, 0x2810\n hlt\n"
        "x_sse_end:\n"
        "x_str: mov $0x2f8, %dx\n mov $0x2900, %si\n mov $3, %cx\n"
        "x_str_at: rep outsb\n hlt\n"
        "x_str_end:\n"
        /* read the page at GPA 0x10000 forever, counting */
        "x_loop: mov $0x1000, %ax\n mov %ax, %es\n"
        "x_loop_top: movl %es:0, %eax\n incl 0x2000\n jmp x_loop_top\n"
        "x_loop_end:\n"
        /* IF set, no shadow at the VMMCALL */
        "x_win: sti\n nop\n vmmcall\n"
        "x_win_after: nop\n"
        "x_win_after2: nop\n hlt\n"
        "x_win_end:\n"
        /* two vCPUs: each counts itself in, then waits for the other */
        "x_pair: lock incl 0x2000\n"
        "x_pair_wait: cmpl $2, 0x2000\n jne x_pair_wait\n hlt\n"
        "x_pair_end:\n"
        ".code64\n .text\n");
GUEST_DECL(x_stk);
GUEST_DECL(x_two);
GUEST_DECL(x_sse);
GUEST_DECL(x_str);
GUEST_DECL(x_loop);
GUEST_DECL(x_win);
GUEST_DECL(x_pair);
extern const uint8_t x_win_after[], x_win_after2[];
extern const uint8_t x_stk_after[], x_two_after[], x_str_at[], x_loop_top[];

/* ---- an interrupted injection ---- */

#define INJ_INT20 (NOVA_INJ_INFO_V | NOVA_INJ_INFO_TYPE_EXT_INT << NOVA_INJ_INFO_TYPE_SHIFT | 0x20)

static int reinject(struct vm *vm, unsigned exit, struct nova_utcb *u)
{
    struct nova_utcb_arch *a = &u->data.arch;
    if (exit == NOVA_SVM_EXIT_VMMCALL) {
        a->mtd |= NOVA_MTD_INJ;
        a->inj_info = INJ_INT20;
        vm_skip(vm, u);
        return VM_GO;
    }
    if (exit == NOVA_SVM_EXIT_NPT_FAULT && vm->count[exit] == 1) {   /* the stack: give it, deliver again */
        vm_reply_delegate(u, nova_crd_mem(vm_pageno(vm->arg), 0, RWX), FAR_GPA >> 12);
        a->mtd |= NOVA_MTD_INJ;
        a->inj_info = vm->in.inj_info;
        a->inj_error = vm->in.inj_error;
        return VM_GO;
    }
    return VM_DEFAULT;
}

NOVA_TEST(vcpu_exit_during_injection_reports_the_event_in_inj)
{
    VM_SKIP_WITHOUT_SVM();
    uint8_t *stack = vm_page();
    REQUIRE(stack);
    struct vm *vm = vm_create(x_stk, GUEST_LEN(x_stk), vm_std, MTD_E);
    REQUIRE(vm);
    vm->arg = stack;
    vm->hook = reinject;
    CHECK(vm_run(vm));
    CHECK_EQ(vm->count[NOVA_SVM_EXIT_NPT_FAULT], 1);
    const struct nova_utcb_arch *f = &vm->msg[2];
    CHECK_EQ(vm->trace[2], NOVA_SVM_EXIT_NPT_FAULT);
    CHECK_EQ(f->qual[1] & ~0xfffull, FAR_GPA);                 /* pushing FLAGS, CS, IP */
    CHECK_EQ(f->inj_info & ~(uint32_t)NOVA_INJ_INFO_I, INJ_INT20);   /* the event it was delivering */
    CHECK_EQ(f->rip, GUEST_AT(x_stk, x_stk_after));
    CHECK_EQ(vm->last_exit, NOVA_SVM_EXIT_HLT);
    CHECK_EQ(*vm_u16(vm, 0x2000), 0x600d);   /* delivered the second time */
    CHECK_EQ(*vm_u16(vm, 0x2002), 1);
    CHECK_EQ(*(volatile uint16_t *)(stack + 0xfa), GUEST_AT(x_stk, x_stk_after));   /* IP on the guest stack */
    vm_destroy(vm);
}

/* ---- recall of a vCPU outside its guest ---- */

NOVA_TEST(vcpu_recall_before_the_first_run_comes_after_startup)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = vm_create(x_two, GUEST_LEN(x_two), vm_std, MTD_E);
    REQUIRE(vm);
    CHECK_EQ(nova_ec_ctrl(vm->vcpu), NOVA_SUCCESS);
    CHECK(vm_run(vm));
    CHECK_EQ(vm->trace[0], NOVA_SVM_EXIT_STARTUP);
    CHECK_EQ(vm->trace[1], NOVA_SVM_EXIT_RECALL);
    CHECK_EQ(vm->exits, 2);
    CHECK_EQ(vm->in.rip, VM_CODE);   /* as the STARTUP reply set it; nothing ran */
    CHECK_EQ(vm->in.inst_len, 0);
    vm_destroy(vm);
}

/* the VMMCALL handler waits on a semaphore the root signals after ec_ctrl */
static int block_in_handler(struct vm *vm, unsigned exit, struct nova_utcb *u)
{
    if (exit != NOVA_SVM_EXIT_VMMCALL)
        return VM_DEFAULT;
    vm->a[1] = 1;
    nova_sm_ctrl(vm->a[0], NOVA_FLAG_SM_CTRL_DN);
    vm_skip(vm, u);
    return VM_GO;
}

NOVA_TEST(vcpu_recall_while_in_its_handler_exits_after_the_reply)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = vm_create(x_two, GUEST_LEN(x_two), vm_std, MTD_E);
    REQUIRE(vm);
    vm->a[0] = new_sm(0);
    REQUIRE(vm->a[0]);
    vm->hook = block_in_handler;
    CHECK_EQ(vm_start(vm, 2), NOVA_SUCCESS);   /* runs until the handler blocks */
    CHECK(spin_until(&vm->a[1], 1));
    CHECK_EQ(nova_ec_ctrl(vm->vcpu), NOVA_SUCCESS);
    CHECK_EQ(nova_sm_ctrl(vm->a[0], 0), NOVA_SUCCESS);
    CHECK(spin_until(&vm->stopped, 1));
    CHECK_EQ(vm->trace[1], NOVA_SVM_EXIT_VMMCALL);
    CHECK_EQ(vm->trace[2], NOVA_SVM_EXIT_RECALL);
    CHECK_EQ(vm->in.rip, GUEST_AT(x_two, x_two_after));   /* the reply's RIP, before the guest ran on */
    vm_destroy(vm);
}

/* ---- SSE ---- */

static int clobber_xmm0(struct vm *vm, unsigned exit, struct nova_utcb *u)
{
    if (exit == NOVA_SVM_EXIT_STARTUP) {   /* CR4.OSFXSR for SSE in the guest */
        u->data.arch.mtd |= NOVA_MTD_CR;
        u->data.arch.cr0 = 0x30, u->data.arch.cr2 = u->data.arch.cr3 = u->data.arch.cr8 = 0;
        u->data.arch.cr4 = 0x600;
        return VM_GO;
    }
    if (exit != NOVA_SVM_EXIT_VMMCALL)
        return VM_DEFAULT;
    static const uint64_t other[2] __attribute__((aligned(16))) = { 0xdeaddeaddeaddeadull, 0xbeefbeefbeefbeefull };
    __asm__ volatile("movdqa %0, %%xmm0" : : "m"(other) : "xmm0");   /* the VMM's own use of XMM0 */
    __asm__ volatile("movq %%xmm0, %0" : "=r"(vm->a[2]));
    vm_skip(vm, u);
    return VM_GO;
}

NOVA_TEST(vcpu_guest_sse_state_survives_the_vmm_using_sse)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = vm_create(x_sse, GUEST_LEN(x_sse), vm_std, MTD_E);
    REQUIRE(vm);
    volatile uint64_t *pattern = (volatile uint64_t *)(vm->mem + 0x2800);
    pattern[0] = 0x0123456789abcdefull, pattern[1] = 0xfedcba9876543210ull;
    vm->hook = clobber_xmm0;
    CHECK(vm_run(vm));
    CHECK_EQ(vm->last_exit, NOVA_SVM_EXIT_HLT);
    CHECK_EQ(vm->a[2], 0xdeaddeaddeaddeadull);
    volatile uint64_t *out = (volatile uint64_t *)(vm->mem + 0x2810);
    CHECK_EQ(out[0], 0x0123456789abcdefull);   /* the guest's XMM0, not the VMM's */
    CHECK_EQ(out[1], 0xfedcba9876543210ull);
    vm_destroy(vm);
}

/* ---- string I/O ---- */

NOVA_TEST(vcpu_io_rep_outsb_qualification)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = vm_create(x_str, GUEST_LEN(x_str), vm_std, MTD_E);
    REQUIRE(vm);
    CHECK(vm_run(vm));
    REQUIRE(vm->count[NOVA_SVM_EXIT_IO_ACCESS] >= 1);
    const struct nova_utcb_arch *m = &vm->msg[1];
    CHECK_EQ(m->qual[0] >> 16, 0x2f8);
    CHECK_EQ(m->qual[0] & 0xd, 0xc);       /* OUT, string, REP */
    CHECK_EQ((m->qual[0] >> 4) & 7, 1);
    CHECK_EQ(m->rip, GUEST_AT(x_str, x_str_at));
    CHECK_EQ(m->inst_len, 2);
    CHECK_EQ(m->qual[1], m->rip + 2);
    vm_destroy(vm);
}

/* ---- revoking memory from under a running guest ---- */

static int loop_startup(struct vm *vm, unsigned exit, struct nova_utcb *u)
{
    if (exit == NOVA_SVM_EXIT_STARTUP)
        vm_reply_delegate(u, nova_crd_mem(vm_pageno(vm->arg), 0, RWX), FAR_GPA >> 12);
    return VM_DEFAULT;
}

static void revoke_under_running_guest(unsigned cpu, uint64_t prio)
{
    uint8_t *page = vm_page();
    REQUIRE(page);
    struct vm *vm = vm_create_on(cpu, x_loop, GUEST_LEN(x_loop), vm_std, MTD_E);
    REQUIRE(vm);
    vm->arg = page;
    vm->hook = loop_startup;
    CHECK_EQ(vm_start(vm, prio), NOVA_SUCCESS);
    bool ran = false;
    for (uint64_t i = 0; i < 400000000ull && !ran; i++)
        ran = *vm_u32(vm, 0x2000) > 10000;
    CHECK(ran);
    CHECK_EQ(vm->exits, 1);
    CHECK_EQ(nova_revoke(nova_crd_mem(vm_pageno(page), 0, RWX), 0), NOVA_SUCCESS);
    CHECK(spin_until(&vm->stopped, 1));   /* the guest lost the page at once */
    CHECK_EQ(vm->last_exit, NOVA_SVM_EXIT_NPT_FAULT);
    CHECK_EQ(vm->in.qual[1], FAR_GPA);
    CHECK_EQ(vm->in.rip, GUEST_AT(x_loop, x_loop_top));
    vm_destroy(vm);
}

NOVA_TEST(vcpu_memory_revoked_while_the_guest_runs_faults)
{
    VM_SKIP_WITHOUT_SVM();
    revoke_under_running_guest(nova_boot_cpu, 1);
}

NOVA_TEST(vcpu_memory_revoked_while_the_guest_runs_on_another_cpu_faults)
{
    VM_SKIP_WITHOUT_SVM();
    REQUIRE_OTHER_CPU(cpu);
    revoke_under_running_guest(cpu, 2);
}

/* ---- interrupt window with IF already set ---- */

static int window_at_once(struct vm *vm, unsigned exit, struct nova_utcb *u)
{
    if (exit == NOVA_SVM_EXIT_VMMCALL) {
        u->data.arch.mtd |= NOVA_MTD_INJ;
        u->data.arch.inj_info = NOVA_INJ_INFO_I;
        vm_skip(vm, u);
        return VM_GO;
    }
    if (exit == NOVA_SVM_EXIT_INTR_WINDOW)
        return VM_STOP;
    return VM_DEFAULT;
}

NOVA_TEST(vcpu_interrupt_window_with_if_set_opens_at_once)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = vm_create(x_win, GUEST_LEN(x_win), vm_std, MTD_E | NOVA_MTD_STA);
    REQUIRE(vm);
    vm->hook = window_at_once;
    CHECK(vm_run(vm));
    CHECK_EQ(vm->last_exit, NOVA_SVM_EXIT_INTR_WINDOW);
    CHECK_EQ(vm->exits, 3);
    /* Right at the entry, before the instruction after VMMCALL, as hardware
     * does it: the kernel's STI before VMRUN leaves no shadow in the guest. */
    CHECK_EQ(vm->in.rip, GUEST_AT(x_win, x_win_after));
    CHECK_EQ(vm->in.intr_state, 0);
    vm_destroy(vm);
}

/* ---- two vCPUs in one VM ---- */

NOVA_TEST(vcpu_two_vcpus_of_one_vm_share_its_memory)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = vm_create(x_pair, GUEST_LEN(x_pair), vm_std, MTD_E);
    REQUIRE(vm);
    uint64_t vcpu2 = sel_alloc(1), sc2 = sel_alloc(1);
    REQUIRE_OK(nova_create_ec(vcpu2, vm->pd, nova_boot_cpu, 0, 0, 0, 0));   /* the same portals */
    /* the root's priority: a vCPU that waits for the other must not starve
     * the root before both are started */
    REQUIRE_OK(nova_create_sc(sc2, SEL_ROOT_PD, vcpu2, nova_qpd(10000, 1)));
    CHECK_EQ(vm_start(vm, 1), NOVA_SUCCESS);
    CHECK(spin_until(&vm->stopped, 1));
    CHECK_EQ(vm->count[NOVA_SVM_EXIT_STARTUP], 2);
    CHECK_EQ(*vm_u32(vm, 0x2000), 2);   /* both counted in the one guest memory */
    CHECK_EQ(vm->last_exit, NOVA_SVM_EXIT_HLT);
    nova_revoke(nova_crd_obj(sc2, 0, PERM_ANY), NOVA_FLAG_REVOKE_SR);
    nova_revoke(nova_crd_obj(vcpu2, 0, PERM_ANY), NOVA_FLAG_REVOKE_SR);
    vm_destroy(vm);
}
