/* vCPUs beyond real mode: a long-mode guest (paging through nested paging,
 * R8-R15 and 64-bit registers written by the VMM and read by the guest),
 * and an exception with error code injected into a protected-mode guest. */
#include "vm.h"

#define MTD_LM (NOVA_MTD_ACDB | NOVA_MTD_EIP | NOVA_MTD_QUAL | NOVA_MTD_R8_R15 | NOVA_MTD_EFER | NOVA_MTD_CR | \
                NOVA_MTD_CS_SS)
#define RWX (NOVA_PERM_MEM_R | NOVA_PERM_MEM_W | NOVA_PERM_MEM_X)
#define PT_GPA 0x10000u   /* PML4, PDPT, PD: three pages given in the STARTUP reply */

__asm__(".section .rodata\n"
        ".code64\n"
        "l_regs: vmmcall\n"
        " mov %r8, 0x2000\n mov %r9, 0x2008\n mov %r10, 0x2010\n mov %r11, 0x2018\n"
        " mov %r12, 0x2020\n mov %r13, 0x2028\n mov %r14, 0x2030\n mov %r15, 0x2038\n mov %rax, 0x2040\n"
        " mov $0x1818181818181818, %r8\n mov $0x1f1f1f1f1f1f1f1f, %r15\n mov $0x5a5a5a5a5a5a5a5a, %rax\n"
        " vmmcall\n hlt\n"
        "l_regs_end:\n"
        ".code32\n"
        "p_exc: vmmcall\n"
        "p_exc_after: hlt\n"
        "p_exc_h: pop %eax\n mov %eax, 0x2100\n pop %eax\n mov %eax, 0x2104\n hlt\n"
        "p_exc_end:\n"
        ".code64\n .text\n");
GUEST_DECL(l_regs);
GUEST_DECL(p_exc);
extern const uint8_t p_exc_after[], p_exc_h[];

static int long_mode(struct vm *vm, unsigned exit, struct nova_utcb *u)
{
    struct nova_utcb_arch *a = &u->data.arch;
    if (exit == NOVA_SVM_EXIT_STARTUP) {
        uint8_t *pml4 = vm_page(), *pdpt = vm_page(), *pd = vm_page();
        if (!pml4 || !pdpt || !pd)
            return VM_STOP;
        *(volatile uint64_t *)pml4 = (PT_GPA + 0x1000) | 7;
        *(volatile uint64_t *)pdpt = (PT_GPA + 0x2000) | 7;
        *(volatile uint64_t *)pd = 0x83;   /* 2 MiB at 0, identity */
        vm_reply_delegate(u, nova_crd_mem(vm_pageno(pml4), 0, RWX), PT_GPA >> 12);
        vm_reply_delegate(u, nova_crd_mem(vm_pageno(pdpt), 0, RWX), (PT_GPA >> 12) + 1);
        vm_reply_delegate(u, nova_crd_mem(vm_pageno(pd), 0, RWX), (PT_GPA >> 12) + 2);
        a->mtd |= NOVA_MTD_CR | NOVA_MTD_EFER;
        a->cr0 = 0x80000031u;   /* PG NE ET PE */
        a->cr2 = 0, a->cr3 = PT_GPA, a->cr4 = 0x20, a->cr8 = 0;   /* PAE */
        a->efer = 0x500;        /* LME LMA */
        a->cs = (struct nova_utcb_seg){ .sel = 8, .ar = 0x29b, .limit = 0xffffffffu, .base = 0 };   /* L */
        a->ss = a->ds = a->es = (struct nova_utcb_seg){ .sel = 0x10, .ar = 0xc93, .limit = 0xffffffffu, .base = 0 };
        return VM_GO;
    }
    if (exit == NOVA_SVM_EXIT_VMMCALL && vm->count[exit] == 1) {
        a->mtd |= NOVA_MTD_R8_R15 | NOVA_MTD_ACDB;
        uint64_t *r = &a->r8;
        for (unsigned i = 0; i < 8; i++)
            r[i] = 0x0808080808080808ull + i * 0x0101010101010101ull;
        a->rax = 0x1122334455667788ull;
        vm_skip(vm, u);
        return VM_GO;
    }
    return VM_DEFAULT;
}

static struct vm *run_long_mode(void)
{
    struct vm *vm = vm_create(l_regs, GUEST_LEN(l_regs), vm_std, MTD_LM);
    if (!vm)
        return 0;
    vm->hook = long_mode;
    CHECK(vm_run(vm));
    CHECK_EQ(vm->last_exit, NOVA_SVM_EXIT_HLT);
    return vm;
}

NOVA_TEST(vcpu_long_mode_guest_reads_r8_r15_written_by_the_vmm)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = run_long_mode();
    REQUIRE(vm);
    volatile uint64_t *g = (volatile uint64_t *)(vm->mem + 0x2000);
    for (unsigned i = 0; i < 8; i++)
        CHECK_EQ(g[i], 0x0808080808080808ull + i * 0x0101010101010101ull);
    CHECK_EQ(g[8], 0x1122334455667788ull);   /* all 64 bits of RAX */
    vm_destroy(vm);
}

NOVA_TEST(vcpu_long_mode_guest_registers_reach_the_vmm)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = run_long_mode();
    REQUIRE(vm);
    const struct nova_utcb_arch *m = &vm->msg[2];
    CHECK_EQ(vm->trace[2], NOVA_SVM_EXIT_VMMCALL);
    CHECK_EQ(m->r8, 0x1818181818181818ull);
    CHECK_EQ(m->r9, 0x0909090909090909ull);   /* untouched by the guest */
    CHECK_EQ(m->r15, 0x1f1f1f1f1f1f1f1full);
    CHECK_EQ(m->rax, 0x5a5a5a5a5a5a5a5aull);
    CHECK_EQ(m->efer & 0x500, 0x500);
    CHECK_EQ(m->cs.ar, 0x29b);
    CHECK_EQ(m->cr3, PT_GPA);
    vm_destroy(vm);
}

/* 32-bit protected mode with a GDT and an IDT in guest memory; the VMM
 * injects #GP (13) with an error code at the VMMCALL. */
#define GDT_GPA 0x2400u
#define IDT_GPA 0x2800u

static int inject_gp(struct vm *vm, unsigned exit, struct nova_utcb *u)
{
    struct nova_utcb_arch *a = &u->data.arch;
    if (exit == NOVA_SVM_EXIT_STARTUP) {
        volatile uint64_t *gdt = (volatile uint64_t *)(vm->mem + GDT_GPA);
        gdt[1] = 0x00cf9b000000ffffull;   /* code, flat */
        gdt[2] = 0x00cf93000000ffffull;   /* data, flat */
        uint64_t h = GUEST_AT(p_exc, p_exc_h);
        volatile uint64_t *idt = (volatile uint64_t *)(vm->mem + IDT_GPA);
        idt[13] = (h & 0xffff) | 8ull << 16 | 0x8e00ull << 32 | (h >> 16) << 48;   /* interrupt gate */
        a->mtd |= NOVA_MTD_CR | NOVA_MTD_CS_SS | NOVA_MTD_DS_ES | NOVA_MTD_GDTR | NOVA_MTD_IDTR;
        a->cr0 = 0x11, a->cr2 = a->cr3 = a->cr4 = a->cr8 = 0;
        a->cs = (struct nova_utcb_seg){ .sel = 8, .ar = 0xc9b, .limit = 0xffffffffu, .base = 0 };
        a->ss = a->ds = a->es = (struct nova_utcb_seg){ .sel = 0x10, .ar = 0xc93, .limit = 0xffffffffu, .base = 0 };
        a->gdtr = (struct nova_utcb_desc){ .limit = 0x17, .base = GDT_GPA };
        a->idtr = (struct nova_utcb_desc){ .limit = 0xff, .base = IDT_GPA };
        return VM_GO;
    }
    if (exit == NOVA_SVM_EXIT_VMMCALL) {
        a->mtd |= NOVA_MTD_INJ;
        a->inj_info = NOVA_INJ_INFO_V | NOVA_INJ_INFO_E | NOVA_INJ_INFO_TYPE_HW_EXC << NOVA_INJ_INFO_TYPE_SHIFT | 13;
        a->inj_error = 0x1234;
        vm_skip(vm, u);
        return VM_GO;
    }
    return VM_DEFAULT;
}

NOVA_TEST(vcpu_inject_exception_with_error_code_into_protected_mode)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = vm_create(p_exc, GUEST_LEN(p_exc), vm_std, NOVA_MTD_EIP | NOVA_MTD_QUAL);
    REQUIRE(vm);
    vm->hook = inject_gp;
    CHECK(vm_run(vm));
    CHECK_EQ(vm->last_exit, NOVA_SVM_EXIT_HLT);
    CHECK_EQ(*vm_u32(vm, 0x2100), 0x1234);                          /* the error code */
    CHECK_EQ(*vm_u32(vm, 0x2104), GUEST_AT(p_exc, p_exc_after));    /* the return EIP */
    CHECK(vm->in.rip > GUEST_AT(p_exc, p_exc_h));                   /* halted in the handler */
    vm_destroy(vm);
}
