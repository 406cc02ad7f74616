/* Events for vCPUs: injection (INJ) handled by the guest's real-mode IVT,
 * interrupt windows, interruptibility (STA), recall (ec_ctrl, RECALL 0xff)
 * on the same and on another CPU, preemption by the timer, destruction of
 * a running vCPU, a vCPU without portals, and what create_pt / create_sc
 * do with a vCPU. */
#include "vm.h"

#define MTD_EV (NOVA_MTD_ACDB | NOVA_MTD_EIP | NOVA_MTD_EFL | NOVA_MTD_INJ | NOVA_MTD_STA | NOVA_MTD_QUAL)

/* IVT entry v -> the handler h of guest code g */
#define IVT(v, g, h) " movw $(0x1000 + " #h " - " #g "), " #v "*4\n movw $0, " #v "*4+2\n"

__asm__(".section .rodata\n"
        ".code16\n"
        /* an interrupt handler that records that it ran and where it returns to */
        "e_inj:" IVT(0x20, e_inj, e_inj_h) IVT(2, e_inj, e_inj_h) IVT(6, e_inj, e_inj_h) IVT(0x30, e_inj, e_inj_h)
        " sti\n vmmcall\n"
        "e_inj_after: movw 0x2000, %ax\n movw %ax, 0x2002\n hlt\n"
        "e_inj_h: movw $0x600d, 0x2000\n mov %sp, %bp\n movw (%bp), %ax\n movw %ax, 0x2004\n incw 0x2006\n iret\n"
        "e_inj_end:\n"
        /* interrupt window: the VMM asks while IF is 0 */
        "e_win:" IVT(0x20, e_win, e_win_h)
        " cli\n vmmcall\n vmmcall\n nop\n"
        "e_win_sti: sti\n"
        "e_win_nop: nop\n"
        "e_win_after: nop\n hlt\n"
        "e_win_h: movw $0x600d, 0x2000\n mov %sp, %bp\n movw (%bp), %ax\n movw %ax, 0x2004\n incw 0x2006\n iret\n"
        "e_win_end:\n"
        /* interrupt shadows */
        "e_sta: cli\n sti\n vmmcall\n nop\n vmmcall\n xor %ax, %ax\n mov %ax, %ss\n vmmcall\n hlt\n"
        "e_sta_end:\n"
        /* spin, counting */
        "e_spin: incl 0x2000\n jmp e_spin\n"
        "e_spin_end:\n"
        "e_hlt: hlt\n"
        "e_hlt_end:\n"
        ".code64\n .text\n");
GUEST_DECL(e_inj);
GUEST_DECL(e_win);
GUEST_DECL(e_sta);
GUEST_DECL(e_spin);
GUEST_DECL(e_hlt);
extern const uint8_t e_inj_after[], e_win_after[];

/* ---- injection ---- */

static int inject_at_vmmcall(struct vm *vm, unsigned exit, struct nova_utcb *u)
{
    if (exit != NOVA_SVM_EXIT_VMMCALL)
        return VM_DEFAULT;
    u->data.arch.mtd |= NOVA_MTD_INJ;
    u->data.arch.inj_info = (uint32_t)vm->a[0];
    u->data.arch.inj_error = 0;
    vm_skip(vm, u);
    return VM_GO;
}

static void check_injected(uint32_t info)
{
    struct vm *vm = vm_create(e_inj, GUEST_LEN(e_inj), vm_std, MTD_EV);
    REQUIRE(vm);
    vm->a[0] = info;
    vm->hook = inject_at_vmmcall;
    CHECK(vm_run(vm));
    CHECK_EQ(vm->last_exit, NOVA_SVM_EXIT_HLT);
    CHECK_EQ(*vm_u16(vm, 0x2000), 0x600d);                     /* the IVT handler ran */
    CHECK_EQ(*vm_u16(vm, 0x2002), 0x600d);                     /* before the next instruction */
    CHECK_EQ(*vm_u16(vm, 0x2004), GUEST_AT(e_inj, e_inj_after));   /* and returned there */
    CHECK_EQ(*vm_u16(vm, 0x2006), 1);                          /* once */
    vm_destroy(vm);
}

NOVA_TEST(vcpu_inject_external_interrupt_runs_guest_ivt_handler)
{
    VM_SKIP_WITHOUT_SVM();
    check_injected(NOVA_INJ_INFO_V | NOVA_INJ_INFO_TYPE_EXT_INT << NOVA_INJ_INFO_TYPE_SHIFT | 0x20);
}

NOVA_TEST(vcpu_inject_nmi_runs_vector_2)
{
    VM_SKIP_WITHOUT_SVM();
    check_injected(NOVA_INJ_INFO_V | NOVA_INJ_INFO_TYPE_NMI << NOVA_INJ_INFO_TYPE_SHIFT | 2);
}

NOVA_TEST(vcpu_inject_hardware_exception_runs_its_vector)
{
    VM_SKIP_WITHOUT_SVM();
    check_injected(NOVA_INJ_INFO_V | NOVA_INJ_INFO_TYPE_HW_EXC << NOVA_INJ_INFO_TYPE_SHIFT | 6);
}

NOVA_TEST(vcpu_inject_software_interrupt_runs_its_vector)
{
    VM_SKIP_WITHOUT_SVM();
    check_injected(NOVA_INJ_INFO_V | NOVA_INJ_INFO_TYPE_SW_INT << NOVA_INJ_INFO_TYPE_SHIFT | 0x30);
}

NOVA_TEST(vcpu_inj_without_valid_bit_injects_nothing)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = vm_create(e_inj, GUEST_LEN(e_inj), vm_std, MTD_EV);
    REQUIRE(vm);
    vm->a[0] = NOVA_INJ_INFO_TYPE_EXT_INT << NOVA_INJ_INFO_TYPE_SHIFT | 0x20;   /* V clear */
    vm->hook = inject_at_vmmcall;
    CHECK(vm_run(vm));
    CHECK_EQ(vm->last_exit, NOVA_SVM_EXIT_HLT);
    CHECK_EQ(*vm_u16(vm, 0x2006), 0);
    vm_destroy(vm);
}

/* ---- interrupt window ---- */

static int window(struct vm *vm, unsigned exit, struct nova_utcb *u)
{
    struct nova_utcb_arch *a = &u->data.arch;
    if (exit == NOVA_SVM_EXIT_VMMCALL && vm->count[exit] == 1) {   /* IF is 0: ask for the window */
        a->mtd |= NOVA_MTD_INJ;
        a->inj_info = NOVA_INJ_INFO_I;
        vm_skip(vm, u);
        return VM_GO;
    }
    if (exit == NOVA_SVM_EXIT_INTR_WINDOW) {   /* now inject */
        a->mtd |= NOVA_MTD_INJ;
        a->inj_info = NOVA_INJ_INFO_V | NOVA_INJ_INFO_TYPE_EXT_INT << NOVA_INJ_INFO_TYPE_SHIFT | 0x20;
        return VM_GO;
    }
    return VM_DEFAULT;
}

static struct vm *run_window(void)
{
    struct vm *vm = vm_create(e_win, GUEST_LEN(e_win), vm_std, MTD_EV);
    if (!vm)
        return 0;
    vm->hook = window;
    CHECK(vm_run(vm));
    return vm;
}

NOVA_TEST(vcpu_interrupt_window_exits_0x64_after_sti)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = run_window();
    REQUIRE(vm);
    uint8_t want[] = { NOVA_SVM_EXIT_STARTUP, NOVA_SVM_EXIT_VMMCALL, NOVA_SVM_EXIT_VMMCALL,
                       NOVA_SVM_EXIT_INTR_WINDOW, NOVA_SVM_EXIT_HLT };
    CHECK_EQ(vm->exits, sizeof want);
    for (unsigned i = 0; i < sizeof want; i++)
        CHECK_EQ(vm->trace[i], want[i]);
    const struct nova_utcb_arch *w = &vm->msg[3];
    CHECK_EQ(w->rip, GUEST_AT(e_win, e_win_after));   /* STI, then one instruction in its shadow */
    CHECK_EQ(w->rflags & 0x200, 0x200);           /* IF set */
    CHECK_EQ(w->intr_state & 3, 0);
    vm_destroy(vm);
}

NOVA_TEST(vcpu_interrupt_window_pending_shows_in_inj_info)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = run_window();
    REQUIRE(vm);
    CHECK_EQ(vm->msg[1].inj_info & NOVA_INJ_INFO_I, 0);
    CHECK_EQ(vm->msg[2].inj_info & NOVA_INJ_INFO_I, NOVA_INJ_INFO_I);   /* still waiting: IF is 0 */
    CHECK_EQ(vm->msg[3].inj_info & NOVA_INJ_INFO_I, 0);                 /* the window exit ends it */
    CHECK_EQ(vm->msg[3].inj_info & NOVA_INJ_INFO_V, 0);
    vm_destroy(vm);
}

NOVA_TEST(vcpu_interrupt_injected_at_the_window_runs_in_the_guest)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = run_window();
    REQUIRE(vm);
    CHECK_EQ(*vm_u16(vm, 0x2000), 0x600d);
    CHECK_EQ(*vm_u16(vm, 0x2006), 1);
    CHECK_EQ(*vm_u16(vm, 0x2004), vm->msg[3].rip);   /* returned where the window opened */
    vm_destroy(vm);
}

/* ---- STA ---- */

NOVA_TEST(vcpu_sta_reports_interrupt_shadow_and_activity_0)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = vm_create(e_sta, GUEST_LEN(e_sta), vm_std, MTD_EV);
    REQUIRE(vm);
    CHECK(vm_run(vm));
    CHECK_EQ(vm->count[NOVA_SVM_EXIT_VMMCALL], 3);
    CHECK(vm->msg[1].intr_state & 3);      /* right after STI */
    CHECK_EQ(vm->msg[2].intr_state & 3, 0);
    CHECK(vm->msg[3].intr_state & 3);      /* right after MOV SS */
    for (unsigned i = 1; i <= 4; i++)
        CHECK_EQ(vm->msg[i].actv_state, 0);
    vm_destroy(vm);
}

/* ---- recall, preemption, destruction ---- */

static volatile uint32_t *counter(struct vm *vm) { return vm_u32(vm, 0x2000); }

/* wait (bounded) until the guest's counter passes n */
static bool counter_reaches(struct vm *vm, uint32_t n)
{
    for (uint64_t i = 0; i < 400000000ull; i++) {
        if (*counter(vm) >= n)
            return true;
        __asm__ volatile("pause");
    }
    return false;
}

/* the guest ran no more over some quanta */
static bool counter_frozen(struct vm *vm)
{
    uint32_t c = *counter(vm);
    busy(20000000);
    return *counter(vm) == c;
}

static int recall_twice(struct vm *vm, unsigned exit, struct nova_utcb *u)
{
    (void)u;
    if (exit == NOVA_SVM_EXIT_RECALL && vm->count[exit] == 1 && vm->a[0])
        return VM_GO;   /* the guest goes on */
    return VM_DEFAULT;
}

static struct vm *spinning(unsigned cpu, uint64_t prio)
{
    struct vm *vm = vm_create_on(cpu, e_spin, GUEST_LEN(e_spin), vm_std, MTD_EV);
    if (!vm)
        return 0;
    vm->hook = recall_twice;
    CHECK_EQ(vm_start(vm, prio), NOVA_SUCCESS);
    CHECK(counter_reaches(vm, 10000));
    return vm;
}

NOVA_TEST(vcpu_spinning_guest_is_preempted_and_its_sc_consumes_time)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = spinning(nova_boot_cpu, 1);   /* shares the CPU with the root */
    REQUIRE(vm);
    uint32_t c = *counter(vm);
    CHECK(counter_reaches(vm, c + 10000));        /* and keeps running while the root does */
    uint64_t us = 0;
    CHECK_EQ(nova_sc_ctrl(vm->sc, &us), NOVA_SUCCESS);
    CHECK(us > 0);
    CHECK_EQ(vm->exits, 1);                       /* the timer never reached the VMM */
    vm_destroy(vm);
}

NOVA_TEST(vcpu_recall_of_a_spinning_vcpu_exits_0xff)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = spinning(nova_boot_cpu, 1);
    REQUIRE(vm);
    CHECK_EQ(nova_ec_ctrl(vm->vcpu), NOVA_SUCCESS);
    CHECK(spin_until(&vm->stopped, 1));
    CHECK_EQ(vm->count[NOVA_SVM_EXIT_RECALL], 1);
    CHECK_EQ(vm->last_exit, NOVA_SVM_EXIT_RECALL);
    CHECK(vm->in.rip >= VM_CODE && vm->in.rip < VM_CODE + GUEST_LEN(e_spin));
    CHECK_EQ(vm->in.qual[0], 0);
    CHECK(counter_frozen(vm));   /* the vCPU waits for the reply */
    vm_destroy(vm);
}

NOVA_TEST(vcpu_recalled_guest_resumes_after_the_reply)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = spinning(nova_boot_cpu, 1);
    REQUIRE(vm);
    vm->a[0] = 1;
    CHECK_EQ(nova_ec_ctrl(vm->vcpu), NOVA_SUCCESS);
    CHECK(spin_until(&vm->count[NOVA_SVM_EXIT_RECALL], 1));
    uint32_t c = *counter(vm);
    CHECK(counter_reaches(vm, c + 10000));   /* running again */
    CHECK_EQ(vm->stopped, 0);
    CHECK_EQ(nova_ec_ctrl(vm->vcpu), NOVA_SUCCESS);
    CHECK(spin_until(&vm->stopped, 1));
    CHECK_EQ(vm->count[NOVA_SVM_EXIT_RECALL], 2);
    vm_destroy(vm);
}

NOVA_TEST(vcpu_recall_from_another_cpu)
{
    VM_SKIP_WITHOUT_SVM();
    REQUIRE_OTHER_CPU(cpu);
    struct vm *vm = spinning(cpu, 2);   /* alone on its CPU */
    REQUIRE(vm);
    CHECK_EQ(vm->exits, 1);
    CHECK_EQ(nova_ec_ctrl(vm->vcpu), NOVA_SUCCESS);
    CHECK(spin_until(&vm->stopped, 1));
    CHECK_EQ(vm->count[NOVA_SVM_EXIT_RECALL], 1);
    CHECK_EQ(vm->last_exit, NOVA_SVM_EXIT_RECALL);
    CHECK(counter_frozen(vm));
    vm_destroy(vm);
}

NOVA_TEST(vcpu_destroyed_while_running_stops)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = spinning(nova_boot_cpu, 1);
    REQUIRE(vm);
    CHECK_EQ(nova_revoke(nova_crd_obj(vm->vcpu, 0, PERM_ANY), NOVA_FLAG_REVOKE_SR), NOVA_SUCCESS);
    CHECK_EQ(nova_revoke(nova_crd_obj(vm->sc, 0, PERM_ANY), NOVA_FLAG_REVOKE_SR), NOVA_SUCCESS);
    CHECK(counter_frozen(vm));
    CHECK_EQ(vm->exits, 1);   /* no exit reached the VMM */
    vm_destroy(vm);
    /* and vCPUs still work */
    struct vm *next = vm_create(e_hlt, GUEST_LEN(e_hlt), vm_std, MTD_EV);
    REQUIRE(next);
    CHECK(vm_run(next));
    CHECK_EQ(next->last_exit, NOVA_SVM_EXIT_HLT);
    vm_destroy(next);
}

NOVA_TEST(vcpu_destroyed_while_running_on_another_cpu_stops)
{
    VM_SKIP_WITHOUT_SVM();
    REQUIRE_OTHER_CPU(cpu);
    struct vm *vm = spinning(cpu, 2);
    REQUIRE(vm);
    vm_destroy(vm);   /* vCPU, SC, PD, handler */
    CHECK(counter_frozen(vm));
    struct vm *next = vm_create_on(cpu, e_hlt, GUEST_LEN(e_hlt), vm_std, MTD_EV);
    REQUIRE(next);
    CHECK(vm_run(next));
    CHECK_EQ(next->last_exit, NOVA_SVM_EXIT_HLT);
    vm_destroy(next);
}

NOVA_TEST(vcpu_without_portals_is_shut_down_and_others_run_on)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *other = spinning(nova_boot_cpu, 1);
    REQUIRE(other);
    uint64_t pd = sel_alloc(1), ec = sel_alloc(1), sc = sel_alloc(1);
    REQUIRE_OK(nova_create_pd(pd, SEL_ROOT_PD, nova_crd_null()));
    REQUIRE_OK(nova_create_ec(ec, pd, nova_boot_cpu, 0, 0, 0, 0));
    /* above the root's priority: were it not shut down at STARTUP, the root
     * would never get past this */
    REQUIRE_OK(nova_create_sc(sc, SEL_ROOT_PD, ec, nova_qpd(10000, 3)));
    uint32_t c = *counter(other);
    CHECK(counter_reaches(other, c + 10000));   /* the other VM is unharmed */
    CHECK_EQ(other->exits, 1);
    uint64_t us = 0;
    CHECK_EQ(nova_sc_ctrl(sc, &us), NOVA_SUCCESS);
    CHECK_EQ(nova_ec_ctrl(ec), NOVA_SUCCESS);   /* harmless on a dead vCPU */
    nova_revoke(nova_crd_obj(sc, 0, PERM_ANY), NOVA_FLAG_REVOKE_SR);
    nova_revoke(nova_crd_obj(ec, 0, PERM_ANY), NOVA_FLAG_REVOKE_SR);
    nova_revoke(nova_crd_obj(pd, 0, PERM_ANY), NOVA_FLAG_REVOKE_SR);
    vm_destroy(other);
}

/* ---- vCPUs as objects ---- */

NOVA_TEST(vcpu_create_pt_on_a_vcpu_answers_bad_cap)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = vm_create(e_hlt, GUEST_LEN(e_hlt), vm_std, MTD_EV);
    REQUIRE(vm);
    CHECK_EQ(nova_create_pt(sel_alloc(1), SEL_ROOT_PD, vm->vcpu, 0, (uintptr_t)lec_entry), NOVA_BAD_CAP);
    vm_destroy(vm);
}

NOVA_TEST(vcpu_create_sc_on_a_vcpu_starts_it)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = vm_create(e_hlt, GUEST_LEN(e_hlt), vm_std, MTD_EV);
    REQUIRE(vm);
    CHECK_EQ(vm->exits, 0);   /* nothing before an SC */
    CHECK_EQ(vm_start(vm, 2), NOVA_SUCCESS);
    CHECK(spin_until(&vm->stopped, 1));
    CHECK_EQ(vm->trace[0], NOVA_SVM_EXIT_STARTUP);
    CHECK_EQ(vm->count[NOVA_SVM_EXIT_STARTUP], 1);
    CHECK_EQ(vm->last_exit, NOVA_SVM_EXIT_HLT);
    uint64_t us = ~0ull;
    CHECK_EQ(nova_sc_ctrl(vm->sc, &us), NOVA_SUCCESS);
    CHECK(us != ~0ull);
    vm_destroy(vm);
}

NOVA_TEST(vcpu_create_ec_vcpu_in_the_root_pd_works)
{
    VM_SKIP_WITHOUT_SVM();
    uint64_t s = sel_alloc(1);
    CHECK_EQ(nova_create_ec(s, SEL_ROOT_PD, nova_boot_cpu, 0, 0, SEL_EMPTY_EVT, 0), NOVA_SUCCESS);
    nova_revoke(nova_crd_obj(s, 0, PERM_ANY), NOVA_FLAG_REVOKE_SR);
}
