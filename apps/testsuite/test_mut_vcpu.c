/* vCPU state the other vCPU tests leave unchecked, found by mutation
 * testing (docs/mutation.md): each test names the mutant it kills. */
#include "vm.h"

__asm__(".section .rodata\n"
        ".code16\n"
        "mut_cs: vmmcall\n mov %cs, %ax\n mov %ax, 0x2000\n mov %ss, %ax\n mov %ax, 0x2002\n hlt\n"
        "mut_cs_end:\n"
        ".code64\n .text\n");
GUEST_DECL(mut_cs);

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
