/* Guest memory and ports (spec 4.6, G bit): nested page faults with their
 * guest-physical address, memory delegated with G in the reply to a fault,
 * revoke, rights, ports opened for the guest, and two VMs that cannot see
 * each other. */
#include "vm.h"

#define MTD_MEM (NOVA_MTD_ACDB | NOVA_MTD_EIP | NOVA_MTD_QUAL)
#define RWX (NOVA_PERM_MEM_R | NOVA_PERM_MEM_W | NOVA_PERM_MEM_X)
#define FAR_GPA 0x10000u   /* outside the VM's 4 pages */

__asm__(".section .rodata\n"
        ".code16\n"
        /* read GPA 0x10234, store it, halt, read it again */
        "n_read: mov $0x1000, %ax\n mov %ax, %es\n"
        "n_read_at: movl %es:0x234, %eax\n movl %eax, 0x2000\n movb $0x77, %es:0x238\n hlt\n"
        "n_read_again: movl %es:0x234, %eax\n movl %eax, 0x2004\n hlt\n"
        "n_read_end:\n"
        /* write GPA 0x10234 */
        "n_write: mov $0x1000, %ax\n mov %ax, %es\n"
        "n_write_at: movb $0x42, %es:0x234\n hlt\n"
        "n_write_end:\n"
        /* read a read-only page, then write it */
        "n_ro: mov $0x1000, %ax\n mov %ax, %es\n movl %es:0x10, %eax\n movl %eax, 0x2000\n"
        "n_ro_at: movb $0x99, %es:0x10\n hlt\n"
        "n_ro_end:\n"
        /* the byte right after the VM's memory */
        "n_past: mov $0x400, %ax\n mov %ax, %es\n"
        "n_past_at: movb %es:0, %al\n hlt\n"
        "n_past_end:\n"
        /* read own memory, write own memory, report through VMMCALL */
        "n_iso: movw 0x2000, %ax\n movw $0x1111, 0x2002\n vmmcall\n hlt\n"
        "n_iso_end:\n"
        /* port 0x80 16 times each way, then 0x81 */
        "n_port: mov $16, %cx\n"
        "n_port_loop: outb %al, $0x80\n inb $0x80, %al\n loop n_port_loop\n"
        " movw $1, 0x2000\n outb %al, $0x81\n"
        "n_port_again: outb %al, $0x80\n hlt\n"
        "n_port_end:\n"
        /* a word access to 0x80 covers 0x81 as well */
        "n_portw: outb %al, $0x80\n outw %ax, $0x80\n hlt\n"
        "n_portw_end:\n"
        /* execute code in a delegated page (far call to 0x1000:0) */
        "n_exec: lcall $0x1000, $0\n movw %ax, 0x2000\n hlt\n"
        "n_exec_end:\n"
        "n_exec_fn: mov $0x4321, %ax\n lret\n"
        "n_exec_fn_end:\n"
        ".code64\n .text\n");
GUEST_DECL(n_read);
GUEST_DECL(n_write);
GUEST_DECL(n_ro);
GUEST_DECL(n_past);
GUEST_DECL(n_iso);
GUEST_DECL(n_port);
GUEST_DECL(n_portw);
GUEST_DECL(n_exec);
GUEST_DECL(n_exec_fn);
extern const uint8_t n_read_at[], n_read_again[], n_write_at[], n_ro_at[], n_past_at[], n_port_again[];

/* ---- NPT faults ---- */

NOVA_TEST(vcpu_npt_fault_reports_the_gpa_of_a_read)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = vm_create(n_read, GUEST_LEN(n_read), vm_std, MTD_MEM);
    REQUIRE(vm);
    CHECK(vm_run(vm));
    CHECK_EQ(vm->last_exit, NOVA_SVM_EXIT_NPT_FAULT);
    CHECK_EQ(vm->in.qual[1], FAR_GPA + 0x234);
    CHECK_EQ(vm->in.qual[0] & 3, 0);   /* not present, read */
    CHECK_EQ(vm->in.rip, GUEST_AT(n_read, n_read_at));
    vm_destroy(vm);
}

NOVA_TEST(vcpu_npt_fault_of_a_write_sets_the_write_bit)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = vm_create(n_write, GUEST_LEN(n_write), vm_std, MTD_MEM);
    REQUIRE(vm);
    CHECK(vm_run(vm));
    CHECK_EQ(vm->last_exit, NOVA_SVM_EXIT_NPT_FAULT);
    CHECK_EQ(vm->in.qual[1], FAR_GPA + 0x234);
    CHECK_EQ(vm->in.qual[0] & 3, 2);   /* not present, write */
    CHECK_EQ(vm->in.rip, GUEST_AT(n_write, n_write_at));
    vm_destroy(vm);
}

/* On the first NPT fault: delegate vm->arg's page with the G bit and
 * vm->a[0] rights at the faulting page; at the first HLT (vm->a[1] set):
 * revoke it and go on. */
static int give_page(struct vm *vm, unsigned exit, struct nova_utcb *u)
{
    if (exit == NOVA_SVM_EXIT_NPT_FAULT && vm->count[exit] == 1) {
        vm_reply_delegate(u, nova_crd_mem(vm_pageno(vm->arg), 0, vm->a[0]), vm->in.qual[1] >> 12);
        return VM_GO;   /* the access runs again */
    }
    if (exit == NOVA_SVM_EXIT_HLT && vm->count[exit] == 1 && vm->a[1]) {
        vm->a[2] = nova_revoke(nova_crd_mem(vm_pageno(vm->arg), 0, RWX), 0);
        vm_skip(vm, u);
        return VM_GO;
    }
    return VM_DEFAULT;
}

static struct vm *run_give(const uint8_t *code, uint64_t len, uint64_t rights, bool revoke)
{
    uint8_t *page = vm_page();
    if (!page)
        return 0;
    *(volatile uint32_t *)(page + 0x234) = 0xfeedf00d;
    *(volatile uint32_t *)(page + 0x10) = 0x0badcafe;
    struct vm *vm = vm_create(code, len, vm_std, MTD_MEM);
    if (!vm)
        return 0;
    vm->arg = page;
    vm->a[0] = rights;
    vm->a[1] = revoke;
    vm->hook = give_page;
    CHECK(vm_run(vm));
    return vm;
}

NOVA_TEST(vcpu_npt_fault_then_g_delegation_in_the_reply_maps_the_page)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = run_give(n_read, GUEST_LEN(n_read), RWX, false);
    REQUIRE(vm);
    CHECK_EQ(vm->count[NOVA_SVM_EXIT_NPT_FAULT], 1);
    CHECK_EQ(vm->last_exit, NOVA_SVM_EXIT_HLT);
    CHECK_EQ(*vm_u32(vm, 0x2000), 0xfeedf00d);                       /* the guest read the page */
    CHECK_EQ(*(volatile uint8_t *)((uint8_t *)vm->arg + 0x238), 0x77);   /* and wrote into it */
    vm_destroy(vm);
}

NOVA_TEST(vcpu_revoked_guest_memory_faults_again)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = run_give(n_read, GUEST_LEN(n_read), RWX, true);
    REQUIRE(vm);
    CHECK_EQ(vm->a[2], NOVA_SUCCESS);
    CHECK_EQ(vm->count[NOVA_SVM_EXIT_NPT_FAULT], 2);
    CHECK_EQ(vm->last_exit, NOVA_SVM_EXIT_NPT_FAULT);
    CHECK_EQ(vm->in.qual[1], FAR_GPA + 0x234);
    CHECK_EQ(vm->in.rip, GUEST_AT(n_read, n_read_again));
    CHECK_EQ(*vm_u32(vm, 0x2004), 0);   /* the second read never completed */
    vm_destroy(vm);
}

NOVA_TEST(vcpu_write_to_read_only_guest_memory_faults_with_write_bit)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = run_give(n_ro, GUEST_LEN(n_ro), NOVA_PERM_MEM_R | NOVA_PERM_MEM_X, false);
    REQUIRE(vm);
    CHECK_EQ(*vm_u32(vm, 0x2000), 0x0badcafe);   /* reading works */
    CHECK_EQ(vm->count[NOVA_SVM_EXIT_NPT_FAULT], 2);
    CHECK_EQ(vm->last_exit, NOVA_SVM_EXIT_NPT_FAULT);
    CHECK_EQ(vm->in.qual[1], FAR_GPA + 0x10);
    CHECK_EQ(vm->in.qual[0] & 3, 3);   /* present, write */
    CHECK_EQ(vm->in.rip, GUEST_AT(n_ro, n_ro_at));
    CHECK_EQ(*(volatile uint32_t *)((uint8_t *)vm->arg + 0x10), 0x0badcafe);   /* unchanged */
    vm_destroy(vm);
}

/* delegate a page holding code at GPA 0x10000 in the STARTUP reply */
static int give_code_page(struct vm *vm, unsigned exit, struct nova_utcb *u)
{
    if (exit == NOVA_SVM_EXIT_STARTUP)
        vm_reply_delegate(u, nova_crd_mem(vm_pageno(vm->arg), 0, vm->a[0]), FAR_GPA >> 12);
    return VM_DEFAULT;
}

static struct vm *run_exec(uint64_t rights)
{
    uint8_t *page = vm_page();
    if (!page)
        return 0;
    __builtin_memcpy(page, n_exec_fn, GUEST_LEN(n_exec_fn));
    struct vm *vm = vm_create(n_exec, GUEST_LEN(n_exec), vm_std, MTD_MEM);
    if (!vm)
        return 0;
    vm->arg = page;
    vm->a[0] = rights;
    vm->hook = give_code_page;
    CHECK(vm_run(vm));
    return vm;
}

NOVA_TEST(vcpu_guest_executes_code_in_a_delegated_page)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = run_exec(RWX);
    REQUIRE(vm);
    CHECK_EQ(vm->count[NOVA_SVM_EXIT_NPT_FAULT], 0);
    CHECK_EQ(vm->last_exit, NOVA_SVM_EXIT_HLT);
    CHECK_EQ(*vm_u16(vm, 0x2000), 0x4321);
    vm_destroy(vm);
}

NOVA_TEST(vcpu_guest_cannot_execute_a_page_without_x)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = run_exec(NOVA_PERM_MEM_R | NOVA_PERM_MEM_W);
    REQUIRE(vm);
    CHECK_EQ(vm->last_exit, NOVA_SVM_EXIT_NPT_FAULT);
    CHECK_EQ(vm->in.qual[1], FAR_GPA);
    CHECK_EQ(vm->in.qual[0] & 0x11, 0x11);   /* present, instruction fetch */
    CHECK_EQ(*vm_u16(vm, 0x2000), 0);
    vm_destroy(vm);
}

NOVA_TEST(vcpu_memory_right_after_the_vm_faults)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = vm_create(n_past, GUEST_LEN(n_past), vm_std, MTD_MEM);
    REQUIRE(vm);
    CHECK(vm_run(vm));
    CHECK_EQ(vm->last_exit, NOVA_SVM_EXIT_NPT_FAULT);
    CHECK_EQ(vm->in.qual[1], VM_GPA + VM_MEM_PAGES * 4096);
    CHECK_EQ(vm->in.rip, GUEST_AT(n_past, n_past_at));
    vm_destroy(vm);
}

/* ---- two VMs ---- */

NOVA_TEST(vcpu_two_vms_see_only_their_own_memory)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *a = vm_create(n_iso, GUEST_LEN(n_iso), vm_std, MTD_MEM);
    REQUIRE(a);
    struct vm *b = vm_create(n_iso, GUEST_LEN(n_iso), vm_std, MTD_MEM);
    REQUIRE(b);
    *vm_u16(a, 0x2000) = 0xaaaa;
    *vm_u16(b, 0x2000) = 0xbbbb;
    *vm_u16(b, 0x2002) = 0x2222;
    CHECK(vm_run(a));
    CHECK_EQ(a->msg[1].rax & 0xffff, 0xaaaa);
    CHECK_EQ(*vm_u16(a, 0x2002), 0x1111);
    CHECK_EQ(*vm_u16(b, 0x2002), 0x2222);   /* A's write stayed in A */
    CHECK(vm_run(b));
    CHECK_EQ(b->msg[1].rax & 0xffff, 0xbbbb);
    CHECK_EQ(*vm_u16(b, 0x2002), 0x1111);
    vm_destroy(a);
    vm_destroy(b);
}

NOVA_TEST(vcpu_vm_without_memory_faults_on_its_first_fetch)
{
    VM_SKIP_WITHOUT_SVM();
    struct vm *vm = vm_create(n_iso, GUEST_LEN(n_iso), vm_std, MTD_MEM);
    REQUIRE(vm);
    vm->delegate_memory = false;
    CHECK(vm_run(vm));
    CHECK_EQ(vm->exits, 2);
    CHECK_EQ(vm->last_exit, NOVA_SVM_EXIT_NPT_FAULT);
    CHECK_EQ(vm->in.qual[1], VM_CODE);
    CHECK_EQ(vm->in.qual[0] & 0x11, 0x10);   /* not present, instruction fetch */
    vm_destroy(vm);
}

/* ---- ports ---- */

#include "self_delegate.h"

/* the root takes port 0x80 from the kernel (H) to give it on */
static bool root_has_port_0x80(void)
{
    uint64_t crd = nova_crd_pio(0x80, 0, NOVA_PERM_PIO_A);
    CHECK_EQ(delegate_to_self(crd, 0x80, true, crd), NOVA_SUCCESS);
    uint64_t l = nova_crd_pio(0x80, 0, 0);
    CHECK_EQ(nova_lookup(&l), NOVA_SUCCESS);
    return nova_crd_type(l) == NOVA_CRD_TYPE_PIO;
}

static int give_port(struct vm *vm, unsigned exit, struct nova_utcb *u)
{
    if (exit == NOVA_SVM_EXIT_STARTUP)
        vm_reply_delegate(u, nova_crd_pio(0x80, 0, NOVA_PERM_PIO_A), 0x80);
    if (exit == NOVA_SVM_EXIT_IO_ACCESS && vm->count[exit] == 1 && vm->a[0]) {
        vm->a[1] = nova_revoke(nova_crd_pio(0x80, 0, NOVA_PERM_PIO_A), 0);
        vm_skip(vm, u);
        return VM_GO;
    }
    if (exit == NOVA_SVM_EXIT_IO_ACCESS)
        return VM_STOP;
    return VM_DEFAULT;
}

NOVA_TEST(vcpu_port_given_with_g_bit_passes_without_exits)
{
    VM_SKIP_WITHOUT_SVM();
    REQUIRE(root_has_port_0x80());
    struct vm *vm = vm_create(n_port, GUEST_LEN(n_port), vm_std, MTD_MEM);
    REQUIRE(vm);
    vm->hook = give_port;
    CHECK(vm_run(vm));
    CHECK_EQ(*vm_u16(vm, 0x2000), 1);   /* the loop finished */
    CHECK_EQ(vm->count[NOVA_SVM_EXIT_IO_ACCESS], 1);
    CHECK_EQ(vm->in.qual[0] >> 16, 0x81);   /* the first exit: the port it was not given */
    CHECK_EQ(vm->exits, 2);
    vm_destroy(vm);
}

NOVA_TEST(vcpu_revoked_port_exits_again)
{
    VM_SKIP_WITHOUT_SVM();
    REQUIRE(root_has_port_0x80());
    struct vm *vm = vm_create(n_port, GUEST_LEN(n_port), vm_std, MTD_MEM);
    REQUIRE(vm);
    vm->hook = give_port;
    vm->a[0] = 1;
    CHECK(vm_run(vm));
    CHECK_EQ(vm->a[1], NOVA_SUCCESS);
    CHECK_EQ(vm->count[NOVA_SVM_EXIT_IO_ACCESS], 2);
    CHECK_EQ(vm->in.qual[0] >> 16, 0x80);
    CHECK_EQ(vm->in.rip, GUEST_AT(n_port, n_port_again));
    vm_destroy(vm);
}

NOVA_TEST(vcpu_word_access_to_a_given_port_needs_the_next_one_too)
{
    VM_SKIP_WITHOUT_SVM();
    REQUIRE(root_has_port_0x80());
    struct vm *vm = vm_create(n_portw, GUEST_LEN(n_portw), vm_std, MTD_MEM);
    REQUIRE(vm);
    vm->hook = give_port;
    CHECK(vm_run(vm));
    CHECK_EQ(vm->count[NOVA_SVM_EXIT_IO_ACCESS], 1);
    CHECK_EQ(vm->in.qual[0] >> 16, 0x80);
    CHECK_EQ((vm->in.qual[0] >> 4) & 7, 2);
    CHECK_EQ(vm->in.rip, VM_CODE + 2);
    vm_destroy(vm);
}
