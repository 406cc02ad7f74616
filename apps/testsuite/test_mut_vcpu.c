/* vCPU state the other vCPU tests leave unchecked, found by mutation
 * testing (docs/mutation.md): each test names the mutant it kills. */
#include "vm.h"

__asm__(".section .rodata\n"
        ".code16\n"
        "mut_cs: vmmcall\n mov %cs, %ax\n mov %ax, 0x2000\n mov %ss, %ax\n mov %ax, 0x2002\n hlt\n"
        "mut_cs_end:\n"
        "mut_two: vmmcall\n vmmcall\n hlt\n"
        "mut_two_end:\n"
        "mut_dr6: mov %dr6, %eax\n movl %eax, 0x2000\n hlt\n"
        "mut_dr6_end:\n"
        ".code64\n .text\n");
GUEST_DECL(mut_cs);
GUEST_DECL(mut_two);
GUEST_DECL(mut_dr6);

/* at the first VMMCALL: other CS and SS in the UTCB, but not in the MTD */
static int write_cs_ss_unnamed(struct vm *vm, unsigned exit, struct nova_utcb *u)
{
    if (exit != NOVA_SVM_EXIT_VMMCALL || vm->count[exit] != 1)
        return VM_DEFAULT;
    struct nova_utcb_arch *a = &u->data.arch;
    a->cs = vm_real_seg(0x100, true);
    a->ss = vm_real_seg(0x100, false);
    vm_skip(vm, u);   /* MTD: EIP only */
    return VM_GO;
}

/* vcpu_msg.c, reply to a vCPU: `if (mtd & NOVA_MTD_CS_SS)` forced true
 * would load CS and SS from the UTCB although the MTD does not name them. */
NOVA_TEST(mut_vcpu_cs_ss_not_in_the_reply_stay)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = vm_create(mut_cs, GUEST_LEN(mut_cs), vm_std, NOVA_MTD_EIP | NOVA_MTD_QUAL);
    REQUIRE(vm);
    vm->hook = write_cs_ss_unnamed;
    CHECK(vm_run(vm));
    CHECK_EQ(vm->last_exit, NOVA_SVM_EXIT_HLT);
    CHECK_EQ(*vm_u16(vm, 0x2000), 0);
    CHECK_EQ(*vm_u16(vm, 0x2002), 0);
    vm_destroy(vm);
}

#define MUT_INJ_GP (NOVA_INJ_INFO_V | NOVA_INJ_INFO_TYPE_HW_EXC << NOVA_INJ_INFO_TYPE_SHIFT | NOVA_INJ_INFO_E | 13)

/* first VMMCALL: recall the vCPU and reply with an injection of #GP with an
 * error code; the RECALL comes before the guest runs, with the injection
 * still waiting, which its reply then drops */
static int inject_then_recall(struct vm *vm, unsigned exit, struct nova_utcb *u)
{
    struct nova_utcb_arch *a = &u->data.arch;
    if (exit == NOVA_SVM_EXIT_VMMCALL && vm->count[exit] == 1) {
        vm->a[2] = nova_ec_ctrl(vm->vcpu);
        a->mtd |= NOVA_MTD_INJ;
        a->inj_info = MUT_INJ_GP;
        a->inj_error = 0x1234;
        vm_skip(vm, u);
        return VM_GO;
    }
    if (exit == NOVA_SVM_EXIT_RECALL && vm->count[exit] == 1) {
        vm->a[0] = a->inj_info;
        vm->a[1] = a->inj_error;
        a->mtd |= NOVA_MTD_INJ;
        a->inj_info = 0;
        return VM_GO;
    }
    return VM_DEFAULT;
}

/* vcpu_msg.c, INJ in a message: `inj_error = pending >> 32` made `<<`
 * (the error code of a waiting injection would read 0). */
NOVA_TEST(mut_vcpu_waiting_injection_shows_its_error_code)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = vm_create(mut_two, GUEST_LEN(mut_two), vm_std,
                              NOVA_MTD_ACDB | NOVA_MTD_EIP | NOVA_MTD_QUAL | NOVA_MTD_INJ);
    REQUIRE(vm);
    vm->hook = inject_then_recall;
    CHECK(vm_run(vm));
    CHECK_EQ(vm->a[2], NOVA_SUCCESS);
    CHECK_EQ(vm->count[NOVA_SVM_EXIT_RECALL], 1);
    CHECK_EQ(vm->a[0] & ~(uint64_t)NOVA_INJ_INFO_I, MUT_INJ_GP);
    CHECK_EQ(vm->a[1], 0x1234);
    CHECK_EQ(vm->last_exit, NOVA_SVM_EXIT_HLT);
    vm_destroy(vm);
}

/* at the first VMMCALL: another EFER (LME) in the UTCB, but not in the MTD */
static int write_efer_unnamed(struct vm *vm, unsigned exit, struct nova_utcb *u)
{
    if (exit != NOVA_SVM_EXIT_VMMCALL || vm->count[exit] != 1)
        return VM_DEFAULT;
    u->data.arch.efer = 0x100;
    vm_skip(vm, u);   /* MTD: EIP only */
    return VM_GO;
}

/* vcpu_msg.c, reply to a vCPU: `if (mtd & NOVA_MTD_EFER)` made `|` would
 * load EFER from the UTCB although the MTD does not name it. */
NOVA_TEST(mut_vcpu_efer_not_in_the_reply_stays)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = vm_create(mut_two, GUEST_LEN(mut_two), vm_std, NOVA_MTD_EIP | NOVA_MTD_QUAL | NOVA_MTD_EFER);
    REQUIRE(vm);
    vm->hook = write_efer_unnamed;
    CHECK(vm_run(vm));
    CHECK_EQ(vm->count[NOVA_SVM_EXIT_VMMCALL], 2);
    CHECK_EQ(vm->msg[2].efer, vm->msg[1].efer);
    CHECK_EQ(vm->msg[2].efer & 0x100, 0);
    vm_destroy(vm);
}

/* vcpu.c, reset state: `v->dr6 = 0xffff0ff0u` removed: a vCPU must start
 * with DR6 as a processor has it after RESET. */
NOVA_TEST(mut_vcpu_starts_with_the_reset_dr6)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = vm_create(mut_dr6, GUEST_LEN(mut_dr6), vm_std, NOVA_MTD_EIP | NOVA_MTD_QUAL);
    REQUIRE(vm);
    CHECK(vm_run(vm));
    CHECK_EQ(vm->last_exit, NOVA_SVM_EXIT_HLT);
    CHECK_EQ(*vm_u32(vm, 0x2000), 0xffff0ff0u);
    vm_destroy(vm);
}

/* at the first VMMCALL: other control registers in the UTCB, but not in the MTD */
static int write_cr_unnamed(struct vm *vm, unsigned exit, struct nova_utcb *u)
{
    if (exit != NOVA_SVM_EXIT_VMMCALL || vm->count[exit] != 1)
        return VM_DEFAULT;
    u->data.arch.cr2 = 0x5eed5eedull;
    u->data.arch.cr4 = 0x20;   /* PAE */
    vm_skip(vm, u);   /* MTD: EIP only */
    return VM_GO;
}

/* vcpu_msg.c, reply to a vCPU: `if (mtd & NOVA_MTD_CR)` made `|` would load
 * CR0, CR2, CR3, CR4 and CR8 from the UTCB although the MTD does not name them. */
NOVA_TEST(mut_vcpu_control_registers_not_in_the_reply_stay)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = vm_create(mut_two, GUEST_LEN(mut_two), vm_std, NOVA_MTD_EIP | NOVA_MTD_QUAL | NOVA_MTD_CR);
    REQUIRE(vm);
    vm->hook = write_cr_unnamed;
    CHECK(vm_run(vm));
    CHECK_EQ(vm->count[NOVA_SVM_EXIT_VMMCALL], 2);
    CHECK_EQ(vm->msg[2].cr2, vm->msg[1].cr2);
    CHECK_EQ(vm->msg[2].cr4, vm->msg[1].cr4);
    CHECK(vm->msg[2].cr2 != 0x5eed5eedull);
    vm_destroy(vm);
}
