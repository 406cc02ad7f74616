/* vCPUs (spec 5.3.2 with UTCB 0) on AMD SVM: creation, STARTUP, and the
 * basic intercepts of the SVM table (8.2) with their messages (8.3). */
#include "vm.h"

static bool svm(void) { return (nova_boot_hip->flags & NOVA_HIP_FEATURES_SVM) != 0; }

#define SKIP_WITHOUT_SVM()                                                   \
    do {                                                                     \
        if (!svm()) {                                                        \
            uint64_t s_ = sel_alloc(1);                                      \
            CHECK_EQ(nova_create_ec(s_, SEL_ROOT_PD, nova_boot_cpu, 0, 0, 0, 0), NOVA_BAD_FTR); \
            return;                                                          \
        }                                                                    \
    } while (0)

__asm__(".section .rodata\n"
        ".code16\n"
        "guest_vmmcall: mov $0x1234, %ax\n mov $0x5678, %bx\n vmmcall\n hlt\n"
        "guest_vmmcall_end:\n"
        "guest_halt: hlt\n mov $0x77, %ax\n vmmcall\n"
        "guest_halt_end:\n"
        "guest_io: mov $0x3f8, %dx\n mov $0x41, %al\n outb %al, %dx\n inb %dx, %al\n hlt\n"
        "guest_io_end:\n"
        ".code64\n .text\n");
GUEST_DECL(guest_vmmcall);
GUEST_DECL(guest_io);
GUEST_DECL(guest_halt);

NOVA_TEST(vcpu_hip_reports_svm_with_vmi)
{
    if (!svm()) {
        CHECK_EQ(nova_boot_hip->vmi, 0);
        return;
    }
    CHECK_EQ(nova_boot_hip->vmi, NOVA_VMI_SELECTORS);
}

static bool stop_at_startup(struct vm *vm, unsigned exit, struct nova_utcb *u)
{
    (void)u;
    vm->a[0] = exit;
    return false;
}

NOVA_TEST(vcpu_startup_calls_portal_0xfe)
{
    SKIP_WITHOUT_SVM();
    struct vm *vm = vm_create(guest_vmmcall, GUEST_LEN(guest_vmmcall), stop_at_startup, NOVA_MTD_EIP | NOVA_MTD_CS_SS);
    REQUIRE(vm);
    CHECK(vm_run(vm));
    CHECK_EQ(vm->a[0], NOVA_SVM_EXIT_STARTUP);
    CHECK_EQ(vm->in.rip, 0xfff0);           /* the state after RESET */
    CHECK_EQ(vm->in.cs.sel, 0xf000);
    CHECK_EQ(vm->in.cs.base, 0xffff0000u);
    vm_destroy(vm);
}

/* VMMCALL is an optional intercept: the STARTUP reply turns it on (CTRL,
 * secondary bit n = exit 0x80 + n); without it the guest would take #UD. */
static bool stop_at_vmmcall(struct vm *vm, unsigned exit, struct nova_utcb *u)
{
    if (exit == NOVA_SVM_EXIT_STARTUP) {
        u->data.arch.mtd |= NOVA_MTD_CTRL;
        u->data.arch.ctrl[1] = 1u << (NOVA_SVM_EXIT_VMMCALL - 0x80);
        return true;
    }
    vm->a[0] = exit;
    return false;
}

NOVA_TEST(vcpu_vmmcall_exits_with_registers)
{
    SKIP_WITHOUT_SVM();
    struct vm *vm = vm_create(guest_vmmcall, GUEST_LEN(guest_vmmcall), stop_at_vmmcall,
                              NOVA_MTD_ACDB | NOVA_MTD_EIP);
    REQUIRE(vm);
    CHECK(vm_run(vm));
    CHECK_EQ(vm->a[0], NOVA_SVM_EXIT_VMMCALL);
    CHECK_EQ(vm->in.rax & 0xffff, 0x1234);
    CHECK_EQ(vm->in.rbx & 0xffff, 0x5678);
    CHECK_EQ(vm->in.rip, VM_CODE + 6);
    CHECK_EQ(vm->in.inst_len, 3);
    vm_destroy(vm);
}

static bool io_handler(struct vm *vm, unsigned exit, struct nova_utcb *u)
{
    struct nova_utcb_arch *a = &u->data.arch;
    if (exit == NOVA_SVM_EXIT_STARTUP)
        return true;
    if (exit != NOVA_SVM_EXIT_IO_ACCESS) {
        vm->a[0] = exit;
        return false;
    }
    unsigned n = (unsigned)vm->count[exit];
    vm->a[n] = vm->in.qual[0];
    if (vm->in.qual[0] & 1)   /* IN: the value comes back in AL */
        a->rax = 0x99, a->mtd |= NOVA_MTD_ACDB;
    a->rip = vm->in.rip + vm->in.inst_len;
    a->mtd |= NOVA_MTD_EIP;
    return true;
}

NOVA_TEST(vcpu_io_exits_with_qualification_and_in_value)
{
    SKIP_WITHOUT_SVM();
    struct vm *vm = vm_create(guest_io, GUEST_LEN(guest_io), io_handler, NOVA_MTD_ACDB | NOVA_MTD_EIP | NOVA_MTD_QUAL);
    REQUIRE(vm);
    CHECK(vm_run(vm));
    CHECK_EQ(vm->count[NOVA_SVM_EXIT_IO_ACCESS], 2);
    CHECK_EQ(vm->a[1] >> 16, 0x3f8);   /* OUT: port, not IN */
    CHECK_EQ(vm->a[1] & 1, 0);
    CHECK_EQ(vm->a[2] >> 16, 0x3f8);
    CHECK_EQ(vm->a[2] & 1, 1);
    CHECK_EQ(vm->a[0], NOVA_SVM_EXIT_HLT);
    CHECK_EQ(vm->in.rax & 0xff, 0x99);   /* the guest read what the handler gave */
    vm_destroy(vm);
}

/* HLT left in the HLT activity state: the vCPU stays off the CPU until a
 * recall, whose exit reports HLT; the reply makes it active again. */
static bool halt_handler(struct vm *vm, unsigned exit, struct nova_utcb *u)
{
    struct nova_utcb_arch *a = &u->data.arch;
    if (exit == NOVA_SVM_EXIT_STARTUP) {
        a->mtd |= NOVA_MTD_CTRL;
        a->ctrl[1] = 1u << (NOVA_SVM_EXIT_VMMCALL - 0x80);
        return true;
    }
    if (exit == NOVA_SVM_EXIT_HLT) {
        a->rip = vm->in.rip + vm->in.inst_len;
        a->actv_state = NOVA_ACTV_STATE_HLT;
        a->mtd |= NOVA_MTD_EIP | NOVA_MTD_STA;
        vm->a[1] = 1;   /* halted */
        return true;
    }
    if (exit == NOVA_SVM_EXIT_RECALL) {
        vm->a[2] = vm->in.actv_state;
        a->actv_state = NOVA_ACTV_STATE_ACTIVE;
        a->mtd |= NOVA_MTD_STA;
        return true;
    }
    vm->a[0] = exit;
    return false;
}

NOVA_TEST(vcpu_hlt_activity_state_waits_for_a_recall)
{
    SKIP_WITHOUT_SVM();
    struct vm *vm = vm_create(guest_halt, GUEST_LEN(guest_halt), halt_handler,
                              NOVA_MTD_ACDB | NOVA_MTD_EIP | NOVA_MTD_STA);
    REQUIRE(vm);
    REQUIRE_OK(vm_start(vm, 2));    /* runs until it halts: the root goes on only then */
    CHECK_EQ(vm->a[1], 1);
    CHECK_EQ(vm->stopped, 0);
    busy(1000000);                  /* a halted vCPU does not run on its own */
    CHECK_EQ(vm->count[NOVA_SVM_EXIT_RECALL], 0);
    CHECK_EQ(vm->stopped, 0);
    REQUIRE_OK(nova_ec_ctrl(vm->vcpu));
    CHECK(spin_until(&vm->stopped, 1));
    CHECK_EQ(vm->a[2], NOVA_ACTV_STATE_HLT);
    CHECK_EQ(vm->a[0], NOVA_SVM_EXIT_VMMCALL);
    CHECK_EQ(vm->in.rax & 0xffff, 0x77);
    vm_destroy(vm);
}
