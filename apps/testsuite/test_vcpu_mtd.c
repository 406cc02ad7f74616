/* Every MTD group of a vCPU message (spec 8.3, 8.4) in both directions: the
 * VMM writes a group in its reply to a VMMCALL and the guest reads it back
 * (or, for state a real-mode guest cannot read, the next message carries
 * what was written). */
#include "vm.h"

#define MTD_BASE (NOVA_MTD_EIP | NOVA_MTD_QUAL)

__asm__(".section .rodata\n"
        ".code16\n"
        "m_gpr: movl $0xa1a1a1a1, %eax\n movl $0xc1c1c1c1, %ecx\n movl $0xd1d1d1d1, %edx\n movl $0xb1b1b1b1, %ebx\n"
        " movl $0xb2b2b2b2, %ebp\n movl $0x51515151, %esi\n movl $0xd2d2d2d2, %edi\n"
        " vmmcall\n"
        " movl %eax, 0x2000\n movl %ecx, 0x2004\n movl %edx, 0x2008\n movl %ebx, 0x200c\n"
        " movl %ebp, 0x2010\n movl %esi, 0x2014\n movl %edi, 0x2018\n hlt\n"
        "m_gpr_end:\n"
        "m_two: vmmcall\n vmmcall\n hlt\n"
        "m_two_end:\n"
        "m_esp: vmmcall\n movl %esp, 0x2000\n hlt\n"
        "m_esp_end:\n"
        "m_efl: stc\n vmmcall\n pushfl\n popl %eax\n movl %eax, 0x2000\n hlt\n"
        "m_efl_end:\n"
        "m_dses: vmmcall\n mov %ds, %ax\n mov %ax, %cs:0x2000\n mov %es, %ax\n mov %ax, %cs:0x2002\n"
        " movl 0x10, %eax\n movl %eax, %cs:0x2004\n movl %es:0x20, %eax\n movl %eax, %cs:0x2008\n hlt\n"
        "m_dses_end:\n"
        "m_fsgs: vmmcall\n mov %fs, %ax\n mov %ax, 0x2000\n mov %gs, %ax\n mov %ax, 0x2002\n"
        " movl %fs:0x10, %eax\n movl %eax, 0x2004\n movl %gs:0x20, %eax\n movl %eax, 0x2008\n hlt\n"
        "m_fsgs_end:\n"
        "m_csss: vmmcall\n hlt\n"
        "m_csss_at: mov %cs, %ax\n mov %ss, %bx\n pushw $0x7777\n mov %ax, 0x2000\n mov %bx, 0x2002\n"
        " mov %sp, 0x2004\n hlt\n"
        "m_csss_end:\n"
        "m_dt: vmmcall\n sgdt 0x2000\n sidt 0x2008\n hlt\n"
        "m_dt_end:\n"
        "m_cr: vmmcall\n mov %cr0, %eax\n movl %eax, 0x2000\n mov %cr2, %eax\n movl %eax, 0x2004\n"
        " mov %cr3, %eax\n movl %eax, 0x2008\n mov %cr4, %eax\n movl %eax, 0x200c\n vmmcall\n hlt\n"
        "m_cr_end:\n"
        "m_dr: vmmcall\n mov %dr7, %eax\n movl %eax, 0x2000\n hlt\n"
        "m_dr_end:\n"
        "m_sys: vmmcall\n movl $0x174, %ecx\n rdmsr\n movl %eax, 0x2000\n movl $0x175, %ecx\n rdmsr\n"
        " movl %eax, 0x2004\n movl $0x176, %ecx\n rdmsr\n movl %eax, 0x2008\n vmmcall\n hlt\n"
        "m_sys_end:\n"
        "m_tsc: vmmcall\n rdtsc\n movl %eax, 0x2000\n movl %edx, 0x2004\n vmmcall\n hlt\n"
        "m_tsc_end:\n"
        ".code64\n .text\n");
GUEST_DECL(m_gpr);
GUEST_DECL(m_two);
GUEST_DECL(m_esp);
GUEST_DECL(m_efl);
GUEST_DECL(m_dses);
GUEST_DECL(m_fsgs);
GUEST_DECL(m_csss);
GUEST_DECL(m_dt);
GUEST_DECL(m_cr);
GUEST_DECL(m_dr);
GUEST_DECL(m_sys);
GUEST_DECL(m_tsc);
extern const uint8_t m_csss_at[];

/* vm->hook for every test here: at the first VMMCALL call vm->arg (a writer) */
typedef void (*writer_fn)(struct vm *vm, struct nova_utcb_arch *a);

static int write_at_first_vmmcall(struct vm *vm, unsigned exit, struct nova_utcb *u)
{
    if (exit != NOVA_SVM_EXIT_VMMCALL || vm->count[exit] != 1)
        return VM_DEFAULT;
    ((writer_fn)vm->arg)(vm, &u->data.arch);
    vm_skip(vm, u);
    return VM_GO;
}

static struct vm *run_with(const uint8_t *code, uint64_t len, uint64_t mtd, writer_fn w)
{
    struct vm *vm = vm_create(code, len, vm_std, mtd);
    if (!vm)
        return 0;
    vm->arg = (void *)w;
    vm->hook = write_at_first_vmmcall;
    CHECK(vm_run(vm));
    CHECK_EQ(vm->last_exit, NOVA_SVM_EXIT_HLT);
    return vm;
}
#define RUN(code, mtd, w) run_with(code, GUEST_LEN(code), (mtd), (w))

/* ---- ACDB, BSD ---- */

static void write_gprs(struct vm *vm, struct nova_utcb_arch *a)
{
    (void)vm;
    a->mtd |= NOVA_MTD_ACDB | NOVA_MTD_BSD;
    a->rax = 0x10101010, a->rcx = 0x20202020, a->rdx = 0x30303030, a->rbx = 0x40404040;
    a->rbp = 0x50505050, a->rsi = 0x60606060, a->rdi = 0x70707070;
}

NOVA_TEST(vcpu_mtd_acdb_bsd_read_guest_registers)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = RUN(m_gpr, MTD_BASE | NOVA_MTD_ACDB | NOVA_MTD_BSD, write_gprs);
    REQUIRE(vm);
    const struct nova_utcb_arch *m = &vm->msg[1];
    CHECK_EQ(m->rax, 0xa1a1a1a1);
    CHECK_EQ(m->rcx, 0xc1c1c1c1);
    CHECK_EQ(m->rdx, 0xd1d1d1d1);
    CHECK_EQ(m->rbx, 0xb1b1b1b1);
    CHECK_EQ(m->rbp, 0xb2b2b2b2);
    CHECK_EQ(m->rsi, 0x51515151);
    CHECK_EQ(m->rdi, 0xd2d2d2d2);
    vm_destroy(vm);
}

NOVA_TEST(vcpu_mtd_acdb_bsd_written_by_vmm_seen_by_guest)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = RUN(m_gpr, MTD_BASE | NOVA_MTD_ACDB | NOVA_MTD_BSD, write_gprs);
    REQUIRE(vm);
    for (unsigned i = 0; i < 7; i++)
        CHECK_EQ(*vm_u32(vm, 0x2000 + 4 * i), 0x10101010u * (i + 1));
    vm_destroy(vm);
}

NOVA_TEST(vcpu_mtd_acdb_not_in_reply_leaves_guest_registers)
{
    VM_SKIP_WITHOUT_SVM();
    /* the handler fills the UTCB but the reply's MTD does not name ACDB */
    struct vm *vm = vm_create(m_gpr, GUEST_LEN(m_gpr), vm_std, MTD_BASE | NOVA_MTD_ACDB | NOVA_MTD_BSD);
    REQUIRE(vm);
    CHECK(vm_run(vm));
    CHECK_EQ(*vm_u32(vm, 0x2000), 0xa1a1a1a1);
    CHECK_EQ(*vm_u32(vm, 0x200c), 0xb1b1b1b1);
    CHECK_EQ(*vm_u32(vm, 0x2018), 0xd2d2d2d2);
    vm_destroy(vm);
}

/* ---- R8-R15: the guest keeps them; the next message shows them ---- */

static void write_r8_r15(struct vm *vm, struct nova_utcb_arch *a)
{
    (void)vm;
    a->mtd |= NOVA_MTD_R8_R15;
    uint64_t *r = &a->r8;
    for (unsigned i = 0; i < 8; i++)
        r[i] = 0x0808080808080808ull + i * 0x0101010101010101ull;
}

NOVA_TEST(vcpu_mtd_r8_r15_written_come_back_in_the_next_message)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = RUN(m_two, MTD_BASE | NOVA_MTD_R8_R15, write_r8_r15);
    REQUIRE(vm);
    CHECK_EQ(vm->count[NOVA_SVM_EXIT_VMMCALL], 2);
    const uint64_t *r = &vm->msg[2].r8;
    for (unsigned i = 0; i < 8; i++)
        CHECK_EQ(r[i], 0x0808080808080808ull + i * 0x0101010101010101ull);
    CHECK_EQ(vm->in.r15, 0x0f0f0f0f0f0f0f0full);   /* HLT as well */
    vm_destroy(vm);
}

/* ---- ESP, EFL ---- */

static void write_esp(struct vm *vm, struct nova_utcb_arch *a)
{
    (void)vm;
    a->mtd |= NOVA_MTD_ESP;
    a->rsp = 0x3210;
}

NOVA_TEST(vcpu_mtd_esp_both_ways)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = RUN(m_esp, MTD_BASE | NOVA_MTD_ESP, write_esp);
    REQUIRE(vm);
    CHECK_EQ(vm->msg[1].rsp, VM_GPA + VM_MEM_PAGES * 4096);   /* as STARTUP set it */
    CHECK_EQ(*vm_u32(vm, 0x2000), 0x3210);
    CHECK_EQ(vm->in.rsp, 0x3210);
    vm_destroy(vm);
}

static void write_efl(struct vm *vm, struct nova_utcb_arch *a)
{
    (void)vm;
    a->mtd |= NOVA_MTD_EFL;
    a->rflags = 0x8c6;   /* OF SF ZF PF, CF clear */
}

NOVA_TEST(vcpu_mtd_efl_both_ways)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = RUN(m_efl, MTD_BASE | NOVA_MTD_EFL, write_efl);
    REQUIRE(vm);
    CHECK_EQ(vm->msg[1].rflags & 0x8d5, 0x1);   /* the guest's STC: CF only */
    CHECK_EQ(vm->msg[1].rflags & 2, 2);
    CHECK_EQ(*vm_u32(vm, 0x2000) & 0xfd7, 0x8c6);
    vm_destroy(vm);
}

/* ---- segments ---- */

static void write_dses(struct vm *vm, struct nova_utcb_arch *a)
{
    *vm_u32(vm, 0x3010) = 0xd5d5d5d5;
    *vm_u32(vm, 0x3120) = 0xe5e5e5e5;
    a->mtd |= NOVA_MTD_DS_ES;
    a->ds = (struct nova_utcb_seg){ .sel = 0x123, .ar = 0x93, .limit = 0xffff, .base = 0x3000 };
    a->es = (struct nova_utcb_seg){ .sel = 0x456, .ar = 0x93, .limit = 0xffff, .base = 0x3100 };
}

NOVA_TEST(vcpu_mtd_ds_es_selector_and_base_reach_the_guest)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = RUN(m_dses, MTD_BASE | NOVA_MTD_DS_ES, write_dses);
    REQUIRE(vm);
    CHECK_EQ(*vm_u16(vm, 0x2000), 0x123);
    CHECK_EQ(*vm_u16(vm, 0x2002), 0x456);
    CHECK_EQ(*vm_u32(vm, 0x2004), 0xd5d5d5d5);   /* read through DS.base, not sel << 4 */
    CHECK_EQ(*vm_u32(vm, 0x2008), 0xe5e5e5e5);
    CHECK_EQ(vm->msg[1].ds.ar, 0x93);
    CHECK_EQ(vm->in.ds.sel, 0x123);
    CHECK_EQ(vm->in.ds.base, 0x3000);
    CHECK_EQ(vm->in.es.base, 0x3100);
    CHECK_EQ(vm->in.es.limit, 0xffff);
    vm_destroy(vm);
}

static void write_fsgs(struct vm *vm, struct nova_utcb_arch *a)
{
    *vm_u32(vm, 0x3210) = 0xf5f5f5f5;
    *vm_u32(vm, 0x3320) = 0x65656565;
    a->mtd |= NOVA_MTD_FS_GS;
    a->fs = (struct nova_utcb_seg){ .sel = 0x789, .ar = 0x93, .limit = 0xffff, .base = 0x3200 };
    a->gs = (struct nova_utcb_seg){ .sel = 0xabc, .ar = 0x93, .limit = 0xffff, .base = 0x3300 };
}

NOVA_TEST(vcpu_mtd_fs_gs_selector_and_base_reach_the_guest)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = RUN(m_fsgs, MTD_BASE | NOVA_MTD_FS_GS, write_fsgs);
    REQUIRE(vm);
    CHECK_EQ(*vm_u16(vm, 0x2000), 0x789);
    CHECK_EQ(*vm_u16(vm, 0x2002), 0xabc);
    CHECK_EQ(*vm_u32(vm, 0x2004), 0xf5f5f5f5);
    CHECK_EQ(*vm_u32(vm, 0x2008), 0x65656565);
    CHECK_EQ(vm->in.fs.base, 0x3200);
    CHECK_EQ(vm->in.gs.sel, 0xabc);
    vm_destroy(vm);
}

static void write_csss(struct vm *vm, struct nova_utcb_arch *a)
{
    (void)vm;
    a->mtd |= NOVA_MTD_CS_SS | NOVA_MTD_ESP;
    a->cs = vm_real_seg(0x100, true);    /* base 0x1000: the code */
    a->ss = vm_real_seg(0x50, false);    /* base 0x500 */
    a->rsp = 0x100;
}

static int csss_hook(struct vm *vm, unsigned exit, struct nova_utcb *u)
{
    int r = write_at_first_vmmcall(vm, exit, u);
    if (r == VM_GO)
        u->data.arch.rip = (uint64_t)(m_csss_at - m_csss);   /* offset in CS */
    return r;
}

NOVA_TEST(vcpu_mtd_cs_ss_move_code_and_stack)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = vm_create(m_csss, GUEST_LEN(m_csss), vm_std, MTD_BASE | NOVA_MTD_CS_SS | NOVA_MTD_ESP);
    REQUIRE(vm);
    vm->arg = (void *)write_csss;
    vm->hook = csss_hook;
    CHECK(vm_run(vm));
    CHECK_EQ(vm->last_exit, NOVA_SVM_EXIT_HLT);
    CHECK_EQ(vm->msg[1].cs.sel, 0);
    CHECK_EQ(vm->msg[1].cs.ar, 0x9b);
    CHECK_EQ(*vm_u16(vm, 0x2000), 0x100);
    CHECK_EQ(*vm_u16(vm, 0x2002), 0x50);
    CHECK_EQ(*vm_u16(vm, 0x2004), 0xfe);
    CHECK_EQ(*vm_u16(vm, 0x5fe), 0x7777);   /* pushed through SS.base */
    CHECK_EQ(vm->in.cs.sel, 0x100);
    CHECK_EQ(vm->in.cs.base, 0x1000);
    CHECK_EQ(vm->in.ss.base, 0x500);
    CHECK_EQ(vm->in.rip, GUEST_LEN(m_csss) - 1);   /* the final HLT, CS-relative */
    vm_destroy(vm);
}

static void write_tr_ldtr(struct vm *vm, struct nova_utcb_arch *a)
{
    (void)vm;
    a->mtd |= NOVA_MTD_TR | NOVA_MTD_LDTR;
    a->tr = (struct nova_utcb_seg){ .sel = 0x28, .ar = 0x8b, .limit = 0x67, .base = 0x12345000 };
    a->ldtr = (struct nova_utcb_seg){ .sel = 0x30, .ar = 0x82, .limit = 0xfff, .base = 0x23456000 };
}

NOVA_TEST(vcpu_mtd_tr_ldtr_written_come_back)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = RUN(m_two, MTD_BASE | NOVA_MTD_TR | NOVA_MTD_LDTR, write_tr_ldtr);
    REQUIRE(vm);
    CHECK_EQ(vm->msg[1].tr.ar, 0x8b);   /* RESET: a busy 16... TSS */
    CHECK_EQ(vm->msg[1].ldtr.ar, 0x82);
    const struct nova_utcb_arch *m = &vm->msg[2];
    CHECK_EQ(m->tr.sel, 0x28);
    CHECK_EQ(m->tr.ar, 0x8b);
    CHECK_EQ(m->tr.limit, 0x67);
    CHECK_EQ(m->tr.base, 0x12345000);
    CHECK_EQ(m->ldtr.sel, 0x30);
    CHECK_EQ(m->ldtr.ar, 0x82);
    CHECK_EQ(m->ldtr.limit, 0xfff);
    CHECK_EQ(m->ldtr.base, 0x23456000);
    vm_destroy(vm);
}

static void write_dt(struct vm *vm, struct nova_utcb_arch *a)
{
    (void)vm;
    a->mtd |= NOVA_MTD_GDTR | NOVA_MTD_IDTR;
    a->gdtr = (struct nova_utcb_desc){ .limit = 0x2f, .base = 0x123450 };
    a->idtr = (struct nova_utcb_desc){ .limit = 0x3f7, .base = 0x8000 };
}

NOVA_TEST(vcpu_mtd_gdtr_idtr_both_ways)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = RUN(m_dt, MTD_BASE | NOVA_MTD_GDTR | NOVA_MTD_IDTR, write_dt);
    REQUIRE(vm);
    CHECK_EQ(vm->msg[1].idtr.limit, 0xffff);   /* RESET */
    CHECK_EQ(vm->msg[1].idtr.base, 0);
    CHECK_EQ(*vm_u16(vm, 0x2000), 0x2f);
    CHECK_EQ(*vm_u32(vm, 0x2002), 0x123450);
    CHECK_EQ(*vm_u16(vm, 0x2008), 0x3f7);
    CHECK_EQ(*vm_u32(vm, 0x200a), 0x8000);
    CHECK_EQ(vm->in.gdtr.base, 0x123450);
    CHECK_EQ(vm->in.idtr.limit, 0x3f7);
    vm_destroy(vm);
}

/* ---- CR, DR7, SYSENTER, EFER ---- */

static void write_cr(struct vm *vm, struct nova_utcb_arch *a)
{
    (void)vm;
    a->mtd |= NOVA_MTD_CR;
    a->cr0 = 0x30;   /* ET NE, caches on */
    a->cr2 = 0xc0ffee;
    a->cr3 = 0x7000;
    a->cr4 = 0x600;  /* OSFXSR OSXMMEXCPT */
    a->cr8 = 7;
}

NOVA_TEST(vcpu_mtd_cr_written_by_vmm_seen_by_guest)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = RUN(m_cr, MTD_BASE | NOVA_MTD_CR, write_cr);
    REQUIRE(vm);
    CHECK_EQ(*vm_u32(vm, 0x2000), 0x30);
    CHECK_EQ(*vm_u32(vm, 0x2004), 0xc0ffee);
    CHECK_EQ(*vm_u32(vm, 0x2008), 0x7000);
    CHECK_EQ(*vm_u32(vm, 0x200c), 0x600);
    vm_destroy(vm);
}

NOVA_TEST(vcpu_mtd_cr_read_including_cr8)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = RUN(m_cr, MTD_BASE | NOVA_MTD_CR, write_cr);
    REQUIRE(vm);
    CHECK_EQ(vm->msg[1].cr0 & 0xffffffffu, 0x60000010u);   /* RESET */
    const struct nova_utcb_arch *m = &vm->msg[2];
    CHECK_EQ(m->cr0, 0x30);
    CHECK_EQ(m->cr2, 0xc0ffee);
    CHECK_EQ(m->cr3, 0x7000);
    CHECK_EQ(m->cr4, 0x600);
    CHECK_EQ(m->cr8, 7);
    vm_destroy(vm);
}

static void write_dr7(struct vm *vm, struct nova_utcb_arch *a)
{
    (void)vm;
    a->mtd |= NOVA_MTD_DR;
    a->dr7 = 0x700;   /* GE LE, no breakpoint enabled */
}

NOVA_TEST(vcpu_mtd_dr7_both_ways)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = RUN(m_dr, MTD_BASE | NOVA_MTD_DR, write_dr7);
    REQUIRE(vm);
    CHECK_EQ(vm->msg[1].dr7, 0x400);
    CHECK_EQ(*vm_u32(vm, 0x2000), 0x700);
    CHECK_EQ(vm->in.dr7, 0x700);
    vm_destroy(vm);
}

static void write_sys(struct vm *vm, struct nova_utcb_arch *a)
{
    (void)vm;
    a->mtd |= NOVA_MTD_SYS;
    a->sysenter_cs = 0x1234, a->sysenter_rsp = 0x5678abcd, a->sysenter_rip = 0x9abcdef0;
}

NOVA_TEST(vcpu_mtd_sysenter_written_read_by_guest_rdmsr_without_exits)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = RUN(m_sys, MTD_BASE | NOVA_MTD_SYS, write_sys);
    REQUIRE(vm);
    CHECK_EQ(vm->count[NOVA_SVM_EXIT_MSR_ACCESS], 0);   /* they pass through */
    CHECK_EQ(*vm_u32(vm, 0x2000), 0x1234);
    CHECK_EQ(*vm_u32(vm, 0x2004), 0x5678abcd);
    CHECK_EQ(*vm_u32(vm, 0x2008), 0x9abcdef0);
    CHECK_EQ(vm->msg[2].sysenter_cs, 0x1234);
    CHECK_EQ(vm->msg[2].sysenter_rsp, 0x5678abcd);
    CHECK_EQ(vm->msg[2].sysenter_rip, 0x9abcdef0);
    vm_destroy(vm);
}

static void write_efer(struct vm *vm, struct nova_utcb_arch *a)
{
    (void)vm;
    a->mtd |= NOVA_MTD_EFER;
    a->efer = 0x800;   /* NXE */
}

NOVA_TEST(vcpu_mtd_efer_written_comes_back_with_svme)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = RUN(m_two, MTD_BASE | NOVA_MTD_EFER, write_efer);
    REQUIRE(vm);
    CHECK_EQ(vm->msg[1].efer & 0xd01, 0);
    CHECK_EQ(vm->msg[2].efer & 0xd01, 0x800);
    CHECK_EQ(vm->msg[2].efer & 0x1000, 0x1000);
    vm_destroy(vm);
}

/* ---- TSC ---- */

static void write_tsc(struct vm *vm, struct nova_utcb_arch *a)
{
    (void)vm;
    a->mtd |= NOVA_MTD_TSC;
    a->tsc_off = 1ull << 40;
}

NOVA_TEST(vcpu_mtd_tsc_offset_seen_by_guest_rdtsc)
{
    VM_SKIP_WITHOUT_SVM();
    uint64_t before = __builtin_ia32_rdtsc();
    struct vm *vm = RUN(m_tsc, MTD_BASE | NOVA_MTD_TSC, write_tsc);
    uint64_t after = __builtin_ia32_rdtsc();
    REQUIRE(vm);
    uint64_t g = (uint64_t)*vm_u32(vm, 0x2004) << 32 | *vm_u32(vm, 0x2000);
    CHECK(g - before >= 1ull << 40);
    CHECK(g - after <= 1ull << 40);
    CHECK_EQ(vm->msg[1].tsc_off, 0);
    CHECK_EQ(vm->msg[2].tsc_off, 1ull << 40);
    CHECK(vm->msg[2].tsc_val - g < 1ull << 36);   /* the guest's TSC now */
    CHECK(vm->msg[2].tsc_val >= g);
    vm_destroy(vm);
}

static int tsc_add_twice(struct vm *vm, unsigned exit, struct nova_utcb *u)
{
    if (exit != NOVA_SVM_EXIT_VMMCALL)
        return VM_DEFAULT;
    u->data.arch.mtd |= NOVA_MTD_TSC;
    u->data.arch.tsc_off = 1000;
    vm_skip(vm, u);
    return VM_GO;
}

NOVA_TEST(vcpu_mtd_tsc_offset_writes_add)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = vm_create(m_two, GUEST_LEN(m_two), vm_std, MTD_BASE | NOVA_MTD_TSC);
    REQUIRE(vm);
    vm->hook = tsc_add_twice;
    CHECK(vm_run(vm));
    CHECK_EQ(vm->msg[1].tsc_off, 0);
    CHECK_EQ(vm->msg[2].tsc_off, 1000);
    CHECK_EQ(vm->msg[3].tsc_off, 2000);
    CHECK(vm->msg[3].tsc_val > vm->msg[2].tsc_val);
    vm_destroy(vm);
}

/* ---- the message's MTD ---- */

NOVA_TEST(vcpu_message_mtd_is_the_portal_mtd)
{
    VM_SKIP_WITHOUT_SVM();
    uint64_t mtd = NOVA_MTD_EIP | NOVA_MTD_DR | NOVA_MTD_TSC;
    struct vm *vm = vm_create(m_two, GUEST_LEN(m_two), vm_std, mtd);
    REQUIRE(vm);
    CHECK(vm_run(vm));
    CHECK_EQ(vm->exits, 4);
    for (unsigned i = 0; i < 4; i++)
        CHECK_EQ(vm->msg[i].mtd, mtd);
    vm_destroy(vm);
}
