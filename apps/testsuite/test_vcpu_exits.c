/* vCPU intercepts (SVM table, spec 8.2) and their messages (8.3): the STARTUP
 * state, the optional intercepts a reply's CTRL enables (CPUID, RDTSC,
 * VMMCALL, exceptions), the forced ones (HLT, I/O, MSR, SVM instructions,
 * shutdown), instruction lengths and qualifications, and guest state the
 * CPU refuses (invalid guest state). Tiny hand-assembled guests. */
#include "vm.h"

#define MTD_EXIT (NOVA_MTD_ACDB | NOVA_MTD_EIP | NOVA_MTD_QUAL | NOVA_MTD_EFL)
#define MTD_ALL  (NOVA_MTD_ACDB | NOVA_MTD_BSD | NOVA_MTD_ESP | NOVA_MTD_EIP | NOVA_MTD_EFL | NOVA_MTD_DS_ES | \
                  NOVA_MTD_FS_GS | NOVA_MTD_CS_SS | NOVA_MTD_TR | NOVA_MTD_LDTR | NOVA_MTD_GDTR | NOVA_MTD_IDTR | \
                  NOVA_MTD_CR | NOVA_MTD_DR | NOVA_MTD_SYS | NOVA_MTD_QUAL | NOVA_MTD_INJ | NOVA_MTD_STA |        \
                  NOVA_MTD_TSC | NOVA_MTD_EFER | NOVA_MTD_R8_R15)

__asm__(".section .rodata\n"
        ".code16\n"
        /* CPUID with a leaf the VMM answers */
        "g_cpuid: movl $0x4000abcd, %eax\n movl $0x77, %ecx\n"
        "g_cpuid_at: cpuid\n"
        " movl %eax, 0x2000\n movl %ebx, 0x2004\n movl %ecx, 0x2008\n movl %edx, 0x200c\n hlt\n"
        "g_cpuid_end:\n"
        /* CPUID leaf 0 natively */
        "g_cpuid0: xorl %eax, %eax\n cpuid\n movl %ebx, 0x2000\n movl %edx, 0x2004\n movl %ecx, 0x2008\n hlt\n"
        "g_cpuid0_end:\n"
        /* three HLTs */
        "g_hlt: hlt\n hlt\n hlt\n"
        "g_hlt_end:\n"
        /* RDTSC */
        "g_rdtsc: nop\n"
        "g_rdtsc_at: rdtsc\n movl %eax, 0x2000\n movl %edx, 0x2004\n hlt\n"
        "g_rdtsc_end:\n"
        /* I/O of every size, through DX and immediate ports */
        "g_io: mov $0x1f0, %dx\n"
        "g_io_ob: mov $0x11, %al\n outb %al, %dx\n"
        "g_io_ow: mov $0x2222, %ax\n outw %ax, %dx\n"
        "g_io_od: movl $0x33333333, %eax\n"
        "g_io_od_at: outl %eax, %dx\n"
        " movl $0xffffffff, %eax\n"
        "g_io_ib: inb %dx, %al\n movl %eax, 0x2000\n movl $0xffffffff, %eax\n"
        "g_io_iw: inw %dx, %ax\n movl %eax, 0x2004\n"
        "g_io_id: inl %dx, %eax\n movl %eax, 0x2008\n"
        "g_io_oimm: outb %al, $0x70\n"
        "g_io_iimm: inb $0x71, %al\n movb %al, 0x200c\n hlt\n"
        "g_io_end:\n"
        /* RDMSR of APIC_BASE (intercepted), then one outside every MSRPM range */
        "g_rdmsr: movl $0x1b, %ecx\n rdmsr\n movl %eax, 0x2000\n movl %edx, 0x2004\n"
        " movl $0x40000123, %ecx\n rdmsr\n movl %eax, 0x2008\n hlt\n"
        "g_rdmsr_end:\n"
        "g_wrmsr: movl $0xc0000080, %ecx\n movl $0xcafe0000, %eax\n movl $0xbabe, %edx\n"
        "g_wrmsr_at: wrmsr\n hlt\n"
        "g_wrmsr_end:\n"
        /* the forced intercepts with CTRL all zero */
        "g_forced: outb %al, $0x80\n movl $0x10, %ecx\n rdmsr\n hlt\n"
        "g_forced_end:\n"
        /* VMMCALL without its intercept: #UD, handled by the guest's IVT */
        "g_vmmud: movw $(0x1000 + g_vmmud_h - g_vmmud), 0x18\n movw $0, 0x1a\n"
        "g_vmmud_at: vmmcall\n hlt\n"
        "g_vmmud_h: movw $0x600d, 0x2000\n hlt\n"
        "g_vmmud_end:\n"
        /* exceptions */
        "g_ud: nop\n"
        "g_ud_at: ud2\n hlt\n"
        "g_ud_h: movw $0x600d, 0x2000\n hlt\n"
        "g_ud_end:\n"
        "g_de: xor %bl, %bl\n mov $1, %ax\n"
        "g_de_at: div %bl\n hlt\n"
        "g_de_end:\n"
        /* triple fault: an empty IDT, then #UD */
        "g_triple: lidt 0x2000\n"
        "g_triple_at: ud2\n"
        "g_triple_ok: hlt\n"
        "g_triple_end:\n"
        "g_hlt1: hlt\n"
        "g_hlt1_end:\n"
        ".code32\n"
        /* 32-bit protected mode: the SVM instructions */
        "g_svm: vmrun\n vmload\n vmsave\n stgi\n clgi\n skinit\n hlt\n"
        "g_svm_end:\n"
        "g_pm: mov %cr0, %eax\n mov %eax, 0x2000\n movl $0x12345678, 0x2004\n hlt\n"
        "g_pm_end:\n"
        ".code64\n .text\n");
GUEST_DECL(g_cpuid);
GUEST_DECL(g_cpuid0);
GUEST_DECL(g_hlt);
GUEST_DECL(g_rdtsc);
GUEST_DECL(g_io);
GUEST_DECL(g_rdmsr);
GUEST_DECL(g_wrmsr);
GUEST_DECL(g_forced);
GUEST_DECL(g_vmmud);
GUEST_DECL(g_ud);
GUEST_DECL(g_de);
GUEST_DECL(g_triple);
GUEST_DECL(g_hlt1);
GUEST_DECL(g_svm);
GUEST_DECL(g_pm);
extern const uint8_t g_cpuid_at[], g_rdtsc_at[], g_io_ob[], g_io_ow[], g_io_od_at[], g_io_ib[], g_io_iw[],
    g_io_id[], g_io_oimm[], g_io_iimm[], g_wrmsr_at[], g_vmmud_at[], g_ud_at[], g_ud_h[], g_de_at[],
    g_triple_at[], g_triple_ok[];

/* ---- STARTUP ---- */

static bool stop_at_startup(struct vm *vm, unsigned exit, struct nova_utcb *u)
{
    (void)vm, (void)exit, (void)u;
    return false;
}

static struct vm *startup_message(void)
{
    struct vm *vm = vm_create(g_hlt, GUEST_LEN(g_hlt), stop_at_startup, MTD_ALL);
    if (vm && !vm_run(vm))
        CHECK(0);
    return vm;
}

NOVA_TEST(vcpu_startup_state_is_x86_reset)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = startup_message();
    REQUIRE(vm);
    const struct nova_utcb_arch *m = &vm->msg[0];
    CHECK_EQ(vm->exits, 1);
    CHECK_EQ(vm->trace[0], NOVA_SVM_EXIT_STARTUP);
    CHECK_EQ(m->mtd, MTD_ALL);
    CHECK_EQ(m->rip, 0xfff0);
    CHECK_EQ(m->rflags, 2);
    CHECK_EQ(m->cs.sel, 0xf000);
    CHECK_EQ(m->cs.base, 0xffff0000u);
    CHECK_EQ(m->cs.limit, 0xffff);
    CHECK_EQ(m->cs.ar, 0x9b);
    CHECK_EQ(m->ds.sel, 0);
    CHECK_EQ(m->ds.base, 0);
    CHECK_EQ(m->ds.ar, 0x93);
    CHECK_EQ(m->ss.limit, 0xffff);
    CHECK_EQ(m->cr0 & 0xffffffffu, 0x60000010u);
    CHECK_EQ(m->cr3, 0);
    CHECK_EQ(m->cr4, 0);
    CHECK_EQ(m->dr7, 0x400);
    CHECK_EQ(m->efer & 0x500, 0);            /* LME, LMA clear */
    CHECK_EQ(m->idtr.limit, 0xffff);
    CHECK_EQ(m->idtr.base, 0);
    CHECK_EQ(m->gdtr.limit, 0xffff);
    vm_destroy(vm);
}

NOVA_TEST(vcpu_startup_message_has_no_exit_information)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = startup_message();
    REQUIRE(vm);
    const struct nova_utcb_arch *m = &vm->msg[0];
    CHECK_EQ(m->inst_len, 0);
    CHECK_EQ(m->qual[0], 0);
    CHECK_EQ(m->qual[1], 0);
    CHECK_EQ(m->inj_info, 0);
    CHECK_EQ(m->intr_state, 0);
    CHECK_EQ(m->actv_state, 0);
    CHECK_EQ(m->tsc_off, 0);
    vm_destroy(vm);
}

/* ---- CPUID ---- */

static int cpuid_answer(struct vm *vm, unsigned exit, struct nova_utcb *u)
{
    (void)vm;
    if (exit != NOVA_SVM_EXIT_CPUID)
        return VM_DEFAULT;
    struct nova_utcb_arch *a = &u->data.arch;
    a->rax = 0x11111111, a->rbx = 0x22222222, a->rcx = 0x33333333, a->rdx = 0x44444444;
    a->mtd |= NOVA_MTD_ACDB;
    vm_skip(vm, u);
    return VM_GO;
}

NOVA_TEST(vcpu_cpuid_exits_when_enabled_with_leaf_and_length)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = vm_create(g_cpuid, GUEST_LEN(g_cpuid), vm_std, MTD_EXIT);
    REQUIRE(vm);
    vm->ctrl0 = VM_CTRL0(NOVA_SVM_EXIT_CPUID);
    vm->hook = cpuid_answer;
    CHECK(vm_run(vm));
    CHECK_EQ(vm->count[NOVA_SVM_EXIT_CPUID], 1);
    CHECK_EQ(vm->trace[1], NOVA_SVM_EXIT_CPUID);
    const struct nova_utcb_arch *m = &vm->msg[1];
    CHECK_EQ(m->rax & 0xffffffffu, 0x4000abcd);
    CHECK_EQ(m->rcx & 0xffffffffu, 0x77);
    CHECK_EQ(m->rip, GUEST_AT(g_cpuid, g_cpuid_at));
    CHECK_EQ(m->inst_len, 2);
    vm_destroy(vm);
}

NOVA_TEST(vcpu_cpuid_registers_from_the_reply_reach_the_guest)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = vm_create(g_cpuid, GUEST_LEN(g_cpuid), vm_std, MTD_EXIT);
    REQUIRE(vm);
    vm->ctrl0 = VM_CTRL0(NOVA_SVM_EXIT_CPUID);
    vm->hook = cpuid_answer;
    CHECK(vm_run(vm));
    CHECK_EQ(vm->last_exit, NOVA_SVM_EXIT_HLT);
    CHECK_EQ(*vm_u32(vm, 0x2000), 0x11111111);
    CHECK_EQ(*vm_u32(vm, 0x2004), 0x22222222);
    CHECK_EQ(*vm_u32(vm, 0x2008), 0x33333333);
    CHECK_EQ(*vm_u32(vm, 0x200c), 0x44444444);
    vm_destroy(vm);
}

NOVA_TEST(vcpu_cpuid_without_intercept_runs_in_the_guest)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = vm_create(g_cpuid0, GUEST_LEN(g_cpuid0), vm_std, MTD_EXIT);
    REQUIRE(vm);
    CHECK(vm_run(vm));
    CHECK_EQ(vm->count[NOVA_SVM_EXIT_CPUID], 0);
    CHECK_EQ(vm->last_exit, NOVA_SVM_EXIT_HLT);
    uint32_t a = 0, b, c, d;
    __asm__ volatile("cpuid" : "+a"(a), "=b"(b), "=c"(c), "=d"(d));
    CHECK_EQ(*vm_u32(vm, 0x2000), b);   /* the vendor string */
    CHECK_EQ(*vm_u32(vm, 0x2004), d);
    CHECK_EQ(*vm_u32(vm, 0x2008), c);
    vm_destroy(vm);
}

/* ---- HLT ---- */

static int hlt_skip_twice(struct vm *vm, unsigned exit, struct nova_utcb *u)
{
    if (exit != NOVA_SVM_EXIT_HLT || vm->count[exit] >= 3)
        return VM_DEFAULT;
    if (vm->a[0])   /* do not advance: the guest halts at the same place again */
        return VM_GO;
    vm_skip(vm, u);
    return VM_GO;
}

NOVA_TEST(vcpu_hlt_exits_with_length_1_and_vmm_advances_rip)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = vm_create(g_hlt, GUEST_LEN(g_hlt), vm_std, MTD_EXIT | NOVA_MTD_STA);
    REQUIRE(vm);
    vm->hook = hlt_skip_twice;
    CHECK(vm_run(vm));
    CHECK_EQ(vm->count[NOVA_SVM_EXIT_HLT], 3);
    for (unsigned i = 1; i <= 3; i++) {
        CHECK_EQ(vm->trace[i], NOVA_SVM_EXIT_HLT);
        CHECK_EQ(vm->msg[i].rip, VM_CODE + i - 1);
        CHECK_EQ(vm->msg[i].inst_len, 1);
        CHECK_EQ(vm->msg[i].actv_state, 0);
    }
    vm_destroy(vm);
}

NOVA_TEST(vcpu_exit_replied_without_rip_repeats_the_instruction)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = vm_create(g_hlt, GUEST_LEN(g_hlt), vm_std, MTD_EXIT);
    REQUIRE(vm);
    vm->hook = hlt_skip_twice;
    vm->a[0] = 1;
    CHECK(vm_run(vm));
    CHECK_EQ(vm->count[NOVA_SVM_EXIT_HLT], 3);
    for (unsigned i = 1; i <= 3; i++)
        CHECK_EQ(vm->msg[i].rip, VM_CODE);
    vm_destroy(vm);
}

/* ---- VMMCALL ---- */

NOVA_TEST(vcpu_vmmcall_without_intercept_is_ud_in_the_guest)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = vm_create(g_vmmud, GUEST_LEN(g_vmmud), vm_std, MTD_EXIT);
    REQUIRE(vm);
    vm->ctrl1 = 0;
    CHECK(vm_run(vm));
    CHECK_EQ(vm->count[NOVA_SVM_EXIT_VMMCALL], 0);
    CHECK_EQ(vm->last_exit, NOVA_SVM_EXIT_HLT);
    CHECK_EQ(*vm_u16(vm, 0x2000), 0x600d);   /* the guest's #UD handler ran */
    vm_destroy(vm);
}

/* ---- RDTSC ---- */

static int rdtsc_answer(struct vm *vm, unsigned exit, struct nova_utcb *u)
{
    if (exit != NOVA_SVM_EXIT_RDTSC)
        return VM_DEFAULT;
    u->data.arch.rax = 0x9abcdef0, u->data.arch.rdx = 0x12345678;
    u->data.arch.mtd |= NOVA_MTD_ACDB;
    vm_skip(vm, u);
    return VM_GO;
}

NOVA_TEST(vcpu_rdtsc_exits_when_enabled_and_guest_reads_the_reply)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = vm_create(g_rdtsc, GUEST_LEN(g_rdtsc), vm_std, MTD_EXIT);
    REQUIRE(vm);
    vm->ctrl0 = VM_CTRL0(NOVA_SVM_EXIT_RDTSC);
    vm->hook = rdtsc_answer;
    CHECK(vm_run(vm));
    CHECK_EQ(vm->count[NOVA_SVM_EXIT_RDTSC], 1);
    CHECK_EQ(vm->msg[1].rip, GUEST_AT(g_rdtsc, g_rdtsc_at));
    CHECK_EQ(vm->msg[1].inst_len, 2);
    CHECK_EQ(*vm_u32(vm, 0x2000), 0x9abcdef0);
    CHECK_EQ(*vm_u32(vm, 0x2004), 0x12345678);
    vm_destroy(vm);
}

NOVA_TEST(vcpu_rdtsc_without_intercept_does_not_exit)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = vm_create(g_rdtsc, GUEST_LEN(g_rdtsc), vm_std, MTD_EXIT);
    REQUIRE(vm);
    CHECK(vm_run(vm));
    CHECK_EQ(vm->count[NOVA_SVM_EXIT_RDTSC], 0);
    CHECK_EQ(vm->last_exit, NOVA_SVM_EXIT_HLT);
    uint64_t t = (uint64_t)*vm_u32(vm, 0x2004) << 32 | *vm_u32(vm, 0x2000);
    CHECK(t != 0);
    vm_destroy(vm);
}

/* ---- I/O ---- */

static int io_answer(struct vm *vm, unsigned exit, struct nova_utcb *u)
{
    if (exit != NOVA_SVM_EXIT_IO_ACCESS)
        return VM_DEFAULT;
    uint64_t q = vm->in.qual[0];
    if (q & 1) {
        unsigned size = (q >> 4) & 7;
        uint64_t mask = size == 1 ? 0xff : size == 2 ? 0xffff : 0xffffffffu;
        uint64_t val = size == 1 ? 0x5a : size == 2 ? 0x6b7c : 0x8d9eafb0u;
        u->data.arch.rax = (vm->in.rax & ~mask) | val;
        u->data.arch.mtd |= NOVA_MTD_ACDB;
    }
    vm_skip(vm, u);
    return VM_GO;
}

static struct vm *run_io(void)
{
    struct vm *vm = vm_create(g_io, GUEST_LEN(g_io), vm_std, MTD_EXIT);
    if (!vm)
        return 0;
    vm->hook = io_answer;
    CHECK(vm_run(vm));
    CHECK_EQ(vm->count[NOVA_SVM_EXIT_IO_ACCESS], 8);
    CHECK_EQ(vm->last_exit, NOVA_SVM_EXIT_HLT);
    return vm;
}

/* the message of the n-th I/O exit (1-based; msg[0] is STARTUP) */
static const struct nova_utcb_arch *io(struct vm *vm, unsigned n) { return &vm->msg[n < 8 ? n : 7]; }

NOVA_TEST(vcpu_io_out_qualification_port_size_direction)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = run_io();
    REQUIRE(vm);
    unsigned size[] = { 1, 2, 4 };
    for (unsigned i = 0; i < 3; i++) {
        uint64_t q = io(vm, 1 + i)->qual[0];
        CHECK_EQ(q >> 16 & 0xffff, 0x1f0);
        CHECK_EQ(q & 1, 0);                 /* OUT */
        CHECK_EQ((q >> 4) & 7, size[i]);
        CHECK_EQ(q & 0xc, 0);               /* neither string nor REP */
    }
    vm_destroy(vm);
}

NOVA_TEST(vcpu_io_out_value_is_in_rax)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = run_io();
    REQUIRE(vm);
    CHECK_EQ(io(vm, 1)->rax & 0xff, 0x11);
    CHECK_EQ(io(vm, 2)->rax & 0xffff, 0x2222);
    CHECK_EQ(io(vm, 3)->rax & 0xffffffffu, 0x33333333);
    vm_destroy(vm);
}

NOVA_TEST(vcpu_io_in_qualification_port_size_direction)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = run_io();
    REQUIRE(vm);
    unsigned size[] = { 1, 2, 4 };
    for (unsigned i = 0; i < 3; i++) {
        uint64_t q = io(vm, 4 + i)->qual[0];
        CHECK_EQ(q >> 16 & 0xffff, 0x1f0);
        CHECK_EQ(q & 1, 1);                 /* IN */
        CHECK_EQ((q >> 4) & 7, size[i]);
    }
    vm_destroy(vm);
}

NOVA_TEST(vcpu_io_in_byte_word_dword_value_reaches_guest_rax)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = run_io();
    REQUIRE(vm);
    CHECK_EQ(*vm_u32(vm, 0x2000), 0xffffff5au);   /* IN AL: the rest of EAX kept */
    CHECK_EQ(*vm_u32(vm, 0x2004), 0xffff6b7cu);   /* IN AX */
    CHECK_EQ(*vm_u32(vm, 0x2008), 0x8d9eafb0u);   /* IN EAX */
    vm_destroy(vm);
}

NOVA_TEST(vcpu_io_rip_length_and_next_rip_in_qual1)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = run_io();
    REQUIRE(vm);
    struct { const uint8_t *at; unsigned len; } e[] = {
        { g_io_ob + 2, 1 }, { g_io_ow + 3, 1 }, { g_io_od_at, 2 }, { g_io_ib, 1 },
        { g_io_iw, 1 }, { g_io_id, 2 }, { g_io_oimm, 2 },
    };
    for (unsigned i = 0; i < 7; i++) {
        const struct nova_utcb_arch *m = io(vm, 1 + i);
        CHECK_EQ(m->rip, GUEST_AT(g_io, e[i].at));
        CHECK_EQ(m->inst_len, e[i].len);
        CHECK_EQ(m->qual[1], m->rip + e[i].len);   /* EXITINFO2: the next RIP */
    }
    vm_destroy(vm);
}

NOVA_TEST(vcpu_io_immediate_port_and_in_to_al)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = run_io();
    REQUIRE(vm);
    CHECK_EQ(io(vm, 7)->qual[0] >> 16 & 0xffff, 0x70);
    CHECK_EQ(io(vm, 7)->qual[0] & 1, 0);
    CHECK_EQ(vm->in.rip, GUEST_AT(g_io, g_io_end) - 1);   /* stopped at the final HLT */
    CHECK_EQ(*(volatile uint8_t *)(vm->mem + 0x200c), 0x5a);
    vm_destroy(vm);
}

/* ---- MSR ---- */

static int rdmsr_answer(struct vm *vm, unsigned exit, struct nova_utcb *u)
{
    if (exit != NOVA_SVM_EXIT_MSR_ACCESS)
        return VM_DEFAULT;
    u->data.arch.rax = vm->in.rcx == 0x1b ? 0xfee00900u : 0x5555;
    u->data.arch.rdx = vm->in.rcx == 0x1b ? 0x1 : 0;
    u->data.arch.mtd |= NOVA_MTD_ACDB;
    vm_skip(vm, u);
    return VM_GO;
}

NOVA_TEST(vcpu_rdmsr_exits_with_direction_number_and_length)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = vm_create(g_rdmsr, GUEST_LEN(g_rdmsr), vm_std, MTD_EXIT);
    REQUIRE(vm);
    vm->hook = rdmsr_answer;
    CHECK(vm_run(vm));
    CHECK_EQ(vm->count[NOVA_SVM_EXIT_MSR_ACCESS], 2);
    CHECK_EQ(vm->msg[1].qual[0], 0);   /* read */
    CHECK_EQ(vm->msg[1].rcx & 0xffffffffu, 0x1b);
    CHECK_EQ(vm->msg[1].inst_len, 2);
    CHECK_EQ(vm->msg[2].qual[0], 0);
    CHECK_EQ(vm->msg[2].rcx & 0xffffffffu, 0x40000123);
    vm_destroy(vm);
}

NOVA_TEST(vcpu_rdmsr_value_from_the_reply_reaches_the_guest)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = vm_create(g_rdmsr, GUEST_LEN(g_rdmsr), vm_std, MTD_EXIT);
    REQUIRE(vm);
    vm->hook = rdmsr_answer;
    CHECK(vm_run(vm));
    CHECK_EQ(vm->last_exit, NOVA_SVM_EXIT_HLT);
    CHECK_EQ(*vm_u32(vm, 0x2000), 0xfee00900u);
    CHECK_EQ(*vm_u32(vm, 0x2004), 1);
    CHECK_EQ(*vm_u32(vm, 0x2008), 0x5555);
    vm_destroy(vm);
}

NOVA_TEST(vcpu_wrmsr_exits_with_direction_and_value)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = vm_create(g_wrmsr, GUEST_LEN(g_wrmsr), vm_std, MTD_EXIT | NOVA_MTD_EFER);
    REQUIRE(vm);
    CHECK(vm_run(vm));
    CHECK_EQ(vm->count[NOVA_SVM_EXIT_MSR_ACCESS], 1);
    const struct nova_utcb_arch *m = &vm->msg[1];
    CHECK_EQ(m->qual[0], 1);   /* write */
    CHECK_EQ(m->rcx & 0xffffffffu, 0xc0000080u);
    CHECK_EQ(m->rax & 0xffffffffu, 0xcafe0000u);
    CHECK_EQ(m->rdx & 0xffffffffu, 0xbabe);
    CHECK_EQ(m->rip, GUEST_AT(g_wrmsr, g_wrmsr_at));
    CHECK_EQ(m->inst_len, 2);
    CHECK_EQ(vm->in.efer & 0x500, 0);   /* the guest's EFER write did not happen */
    vm_destroy(vm);
}

/* ---- forced intercepts ---- */

NOVA_TEST(vcpu_forced_intercepts_stay_on_with_ctrl_zero)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = vm_create(g_forced, GUEST_LEN(g_forced), vm_std, MTD_EXIT);
    REQUIRE(vm);
    vm->ctrl0 = vm->ctrl1 = vm->exc = 0;
    CHECK(vm_run(vm));
    CHECK_EQ(vm->trace[1], NOVA_SVM_EXIT_IO_ACCESS);
    CHECK_EQ(vm->trace[2], NOVA_SVM_EXIT_MSR_ACCESS);
    CHECK_EQ(vm->trace[3], NOVA_SVM_EXIT_HLT);
    CHECK_EQ(vm->exits, 4);
    vm_destroy(vm);
}

/* 32-bit protected mode at 0x1000, flat segments */
static void protected_mode(struct nova_utcb *u)
{
    struct nova_utcb_arch *a = &u->data.arch;
    a->mtd |= NOVA_MTD_CR | NOVA_MTD_CS_SS | NOVA_MTD_DS_ES;
    a->cr0 = 0x11;   /* PE, ET */
    a->cr2 = a->cr3 = a->cr4 = a->cr8 = 0;
    a->cs = (struct nova_utcb_seg){ .sel = 8, .ar = 0xc9b, .limit = 0xffffffffu, .base = 0 };
    a->ss = a->ds = a->es = (struct nova_utcb_seg){ .sel = 0x10, .ar = 0xc93, .limit = 0xffffffffu, .base = 0 };
}

static int pm_startup(struct vm *vm, unsigned exit, struct nova_utcb *u)
{
    if (exit == NOVA_SVM_EXIT_STARTUP)
        protected_mode(u);
    if (exit >= NOVA_SVM_EXIT_VMRUN && exit <= NOVA_SVM_EXIT_SKINIT) {
        vm_skip(vm, u);
        return VM_GO;
    }
    return VM_DEFAULT;
}

NOVA_TEST(vcpu_svm_instructions_always_exit_with_length_3)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = vm_create(g_svm, GUEST_LEN(g_svm), vm_std, MTD_EXIT);
    REQUIRE(vm);
    vm->ctrl0 = vm->ctrl1 = 0;   /* the VMM asks for none of them */
    vm->hook = pm_startup;
    CHECK(vm_run(vm));
    uint8_t want[] = { NOVA_SVM_EXIT_VMRUN, NOVA_SVM_EXIT_VMLOAD, NOVA_SVM_EXIT_VMSAVE, NOVA_SVM_EXIT_STGI,
                       NOVA_SVM_EXIT_CLGI, NOVA_SVM_EXIT_SKINIT, NOVA_SVM_EXIT_HLT };
    CHECK_EQ(vm->exits, 8);
    for (unsigned i = 0; i < sizeof want; i++) {
        CHECK_EQ(vm->trace[1 + i], want[i]);
        if (i < 6) {
            CHECK_EQ(vm->msg[1 + i].inst_len, 3);
            CHECK_EQ(vm->msg[1 + i].rip, VM_CODE + 3 * i);
        }
    }
    vm_destroy(vm);
}

NOVA_TEST(vcpu_protected_mode_guest_from_the_startup_reply)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = vm_create(g_pm, GUEST_LEN(g_pm), vm_std, MTD_EXIT | NOVA_MTD_CS_SS);
    REQUIRE(vm);
    vm->hook = pm_startup;
    CHECK(vm_run(vm));
    CHECK_EQ(vm->last_exit, NOVA_SVM_EXIT_HLT);
    CHECK_EQ(*vm_u32(vm, 0x2000) & 1, 1);   /* CR0.PE as the guest reads it */
    CHECK_EQ(*vm_u32(vm, 0x2004), 0x12345678);
    CHECK_EQ(vm->in.cs.sel, 8);
    CHECK_EQ(vm->in.cs.ar, 0xc9b);
    CHECK_EQ(vm->in.cs.limit, 0xffffffffu);
    vm_destroy(vm);
}

/* ---- exceptions (the ptmr bitmap of CTRL) ---- */

NOVA_TEST(vcpu_exception_intercept_ud_exits_0x46_at_the_instruction)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = vm_create(g_ud, GUEST_LEN(g_ud), vm_std, MTD_EXIT);
    REQUIRE(vm);
    vm->exc = 1u << 6;
    CHECK(vm_run(vm));
    CHECK_EQ(vm->last_exit, NOVA_SVM_EXIT_EXCEPTION_FIRST + 6);
    CHECK_EQ(vm->in.rip, GUEST_AT(g_ud, g_ud_at));
    CHECK_EQ(vm->exits, 2);
    vm_destroy(vm);
}

NOVA_TEST(vcpu_exception_intercept_de_exits_0x40)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = vm_create(g_de, GUEST_LEN(g_de), vm_std, MTD_EXIT);
    REQUIRE(vm);
    vm->exc = 1u << 0 | 1u << 6;
    CHECK(vm_run(vm));
    CHECK_EQ(vm->last_exit, NOVA_SVM_EXIT_EXCEPTION_FIRST + 0);
    CHECK_EQ(vm->in.rip, GUEST_AT(g_de, g_de_at));
    vm_destroy(vm);
}

/* at the #UD exit: turn the intercept off again and let the guest's own
 * IVT handler take it */
static int ud_to_guest(struct vm *vm, unsigned exit, struct nova_utcb *u)
{
    if (exit == NOVA_SVM_EXIT_STARTUP) {
        *vm_u16(vm, 0x18) = (uint16_t)GUEST_AT(g_ud, g_ud_h);
        *vm_u16(vm, 0x1a) = 0;
        return VM_DEFAULT;
    }
    if (exit == NOVA_SVM_EXIT_EXCEPTION_FIRST + 6 && vm->count[exit] == 1) {
        vm_ctrl(u, vm->ctrl0, vm->ctrl1, 0);
        return VM_GO;
    }
    return VM_DEFAULT;
}

NOVA_TEST(vcpu_exception_intercept_cleared_goes_to_guest_ivt)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = vm_create(g_ud, GUEST_LEN(g_ud), vm_std, MTD_EXIT);
    REQUIRE(vm);
    vm->exc = 1u << 6;
    vm->hook = ud_to_guest;
    CHECK(vm_run(vm));
    CHECK_EQ(vm->count[NOVA_SVM_EXIT_EXCEPTION_FIRST + 6], 1);
    CHECK_EQ(vm->last_exit, NOVA_SVM_EXIT_HLT);
    CHECK_EQ(*vm_u16(vm, 0x2000), 0x600d);
    vm_destroy(vm);
}

NOVA_TEST(vcpu_exception_without_intercept_goes_to_guest_ivt)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = vm_create(g_ud, GUEST_LEN(g_ud), vm_std, MTD_EXIT);
    REQUIRE(vm);
    vm->hook = ud_to_guest;
    CHECK(vm_run(vm));
    CHECK_EQ(vm->count[NOVA_SVM_EXIT_EXCEPTION_FIRST + 6], 0);
    CHECK_EQ(vm->last_exit, NOVA_SVM_EXIT_HLT);
    CHECK_EQ(vm->in.rip, GUEST_AT(g_ud, g_ud_h) + 6);
    CHECK_EQ(*vm_u16(vm, 0x2000), 0x600d);
    vm_destroy(vm);
}

/* ---- shutdown ---- */

NOVA_TEST(vcpu_triple_fault_exits_0x7f)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = vm_create(g_triple, GUEST_LEN(g_triple), vm_std, MTD_EXIT);
    REQUIRE(vm);
    CHECK(vm_run(vm));
    CHECK_EQ(vm->last_exit, NOVA_SVM_EXIT_TRIPLE_FAULT);
    CHECK_EQ(vm->exits, 2);
    vm_destroy(vm);
}

/* after the shutdown exit the VMM resets the guest and it runs on */
static int restart_after_shutdown(struct vm *vm, unsigned exit, struct nova_utcb *u)
{
    (void)vm;
    if (exit != NOVA_SVM_EXIT_TRIPLE_FAULT)
        return VM_DEFAULT;
    struct nova_utcb_arch *a = &u->data.arch;
    a->mtd |= NOVA_MTD_EIP | NOVA_MTD_IDTR | NOVA_MTD_EFL | NOVA_MTD_CS_SS;
    a->rip = GUEST_AT(g_triple, g_triple_ok);
    a->rflags = 2;
    a->idtr = (struct nova_utcb_desc){ .limit = 0x3ff, .base = 0 };
    a->cs = vm_real_seg(0, true);
    a->ss = vm_real_seg(0, false);
    return VM_GO;
}

NOVA_TEST(vcpu_after_triple_fault_the_vmm_can_restart_the_guest)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = vm_create(g_triple, GUEST_LEN(g_triple), vm_std, MTD_EXIT);
    REQUIRE(vm);
    vm->hook = restart_after_shutdown;
    CHECK(vm_run(vm));
    CHECK_EQ(vm->count[NOVA_SVM_EXIT_TRIPLE_FAULT], 1);
    CHECK_EQ(vm->last_exit, NOVA_SVM_EXIT_HLT);
    CHECK_EQ(vm->in.rip, GUEST_AT(g_triple, g_triple_ok));
    vm_destroy(vm);
}

/* ---- invalid guest state ---- */

enum bad_state { BAD_CR0_HIGH, BAD_LME_PG_NO_PAE, BAD_EFER_RESERVED, BAD_DR7_HIGH };

static int bad_state(struct vm *vm, unsigned exit, struct nova_utcb *u)
{
    struct nova_utcb_arch *a = &u->data.arch;
    if (exit == NOVA_SVM_EXIT_STARTUP) {
        a->mtd |= NOVA_MTD_CR | NOVA_MTD_EFER | NOVA_MTD_DR;
        a->cr0 = 0x10, a->cr2 = a->cr3 = a->cr4 = a->cr8 = 0, a->efer = 0, a->dr7 = 0x400;
        switch (vm->a[0]) {
        case BAD_CR0_HIGH: a->cr0 |= 1ull << 40; break;
        case BAD_LME_PG_NO_PAE: a->cr0 = 0x80000011u, a->efer = 0x100; break;
        case BAD_EFER_RESERVED: a->efer = 1ull << 30; break;
        case BAD_DR7_HIGH: a->dr7 = 0x400 | 1ull << 40; break;
        }
        return VM_DEFAULT;
    }
    if (exit == NOVA_SVM_EXIT_INVALID_GUEST_STATE && vm->a[1]) {   /* repair it */
        a->mtd |= NOVA_MTD_CR | NOVA_MTD_EFER | NOVA_MTD_DR;
        a->cr0 = 0x10, a->cr2 = a->cr3 = a->cr4 = a->cr8 = 0, a->efer = 0, a->dr7 = 0x400;
        return VM_GO;
    }
    return VM_DEFAULT;
}

static void check_invalid(enum bad_state which)
{
    struct vm *vm = vm_create(g_hlt1, GUEST_LEN(g_hlt1), vm_std, MTD_EXIT | NOVA_MTD_CR | NOVA_MTD_EFER);
    REQUIRE(vm);
    vm->a[0] = which;
    vm->hook = bad_state;
    CHECK(vm_run(vm));
    CHECK_EQ(vm->exits, 2);
    CHECK_EQ(vm->last_exit, NOVA_SVM_EXIT_INVALID_GUEST_STATE);
    CHECK_EQ(vm->in.rip, VM_CODE);   /* nothing ran */
    vm_destroy(vm);
}

NOVA_TEST(vcpu_invalid_guest_state_cr0_reserved_bits)
{
    VM_SKIP_WITHOUT_SVM();
    check_invalid(BAD_CR0_HIGH);
}

NOVA_TEST(vcpu_invalid_guest_state_efer_lme_with_paging_without_pae)
{
    VM_SKIP_WITHOUT_SVM();
    check_invalid(BAD_LME_PG_NO_PAE);
}

NOVA_TEST(vcpu_invalid_guest_state_efer_reserved_bit)
{
    VM_SKIP_WITHOUT_SVM();
    check_invalid(BAD_EFER_RESERVED);
}

NOVA_TEST(vcpu_invalid_guest_state_dr7_reserved_bits)
{
    VM_SKIP_WITHOUT_SVM();
    check_invalid(BAD_DR7_HIGH);
}

NOVA_TEST(vcpu_invalid_guest_state_repaired_by_the_vmm_runs_on)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = vm_create(g_hlt1, GUEST_LEN(g_hlt1), vm_std, MTD_EXIT | NOVA_MTD_CR);
    REQUIRE(vm);
    vm->a[0] = BAD_CR0_HIGH;
    vm->a[1] = 1;
    vm->hook = bad_state;
    CHECK(vm_run(vm));
    CHECK_EQ(vm->trace[1], NOVA_SVM_EXIT_INVALID_GUEST_STATE);
    CHECK_EQ(vm->trace[2], NOVA_SVM_EXIT_HLT);
    CHECK_EQ(vm->exits, 3);
    CHECK_EQ(vm->in.cr0 & 0xffffffffu, 0x10);
    vm_destroy(vm);
}

NOVA_TEST(vcpu_efer_write_keeps_svme)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = vm_create(g_hlt1, GUEST_LEN(g_hlt1), vm_std, MTD_EXIT | NOVA_MTD_EFER);
    REQUIRE(vm);
    vm->a[0] = BAD_CR0_HIGH + 100;   /* valid state, EFER written as 0 */
    vm->hook = bad_state;
    CHECK(vm_run(vm));
    CHECK_EQ(vm->exits, 2);
    CHECK_EQ(vm->last_exit, NOVA_SVM_EXIT_HLT);
    CHECK_EQ(vm->in.efer & 0x1000, 0x1000);
    vm_destroy(vm);
}
