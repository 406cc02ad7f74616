/* Memory and port rights the other tests leave unchecked, found by mutation
 * testing (docs/mutation.md): each test names the mutant it kills. */
#include "self_delegate.h"
#include "vm.h"
#include "xpd.h"

/* cap_hw.c, map_page: a memory capability without R exists but maps
 * nothing (x86 has no write-only or execute-only pages); the mutant, the
 * `!(perms & R)` check forced false, would map it readable. */
NOVA_TEST(mut_mem_page_without_read_permission_is_not_mapped)
{
    struct xpd_child *a = xpd_child();
    volatile uint64_t *pg = xpd_page(0);
    REQUIRE(a && pg);
    pg[0] = 0x5151;
    uint64_t w = XPD_PROBE_PAGE + 5;
    xpd_grant(a, nova_crd_mem(xpd_pageno(pg), 0, NOVA_PERM_MEM_W), w, nova_crd_mem(w, 0, 7));
    CHECK_EQ(xpd_lookup(a, nova_crd_mem(w, 0, 0)), nova_crd_mem(w, 0, NOVA_PERM_MEM_W));
    uint64_t v = 0;
    CHECK(xpd_read(a, w << 12, &v));   /* faults */
    CHECK(v != 0x5151);
    CHECK(xpd_write(a, (w << 12) + 8, 0x2222));
    CHECK_EQ(pg[1], 0);
}

__asm__(".section .rodata\n"
        ".code16\n"
        "mut_port: inb $0x88, %al\n hlt\n"
        "mut_port_end:\n"
        ".code64\n .text\n");
GUEST_DECL(mut_port);

static int give_port_0x80(struct vm *vm, unsigned exit, struct nova_utcb *u)
{
    (void)vm;
    if (exit == NOVA_SVM_EXIT_STARTUP)
        vm_reply_delegate(u, nova_crd_pio(0x80, 0, NOVA_PERM_PIO_A), 0x80);
    return VM_DEFAULT;
}

/* svm.c, svm_iopm_alloc: a VM's own I/O bitmap starts with every port
 * intercepted (0xff); the mutant 0xfe would let the guest reach ports 0,
 * 8, 16, ... of the machine once it holds any port. Port 0x88 is not given
 * (0x80 is), so reading it exits. */
NOVA_TEST(mut_mem_vm_holding_a_port_still_exits_on_the_others)
{
    VM_SKIP_WITHOUT_SVM();
    uint64_t crd = nova_crd_pio(0x80, 0, NOVA_PERM_PIO_A);
    REQUIRE_OK(delegate_to_self(crd, 0x80, true, crd));
    struct vm *vm = vm_create(mut_port, GUEST_LEN(mut_port), vm_std, NOVA_MTD_ACDB | NOVA_MTD_EIP | NOVA_MTD_QUAL);
    REQUIRE(vm);
    vm->hook = give_port_0x80;
    CHECK(vm_run(vm));
    CHECK_EQ(vm->last_exit, NOVA_SVM_EXIT_HLT);
    CHECK_EQ(vm->count[NOVA_SVM_EXIT_IO_ACCESS], 1);
    CHECK_EQ(vm->trace[1], NOVA_SVM_EXIT_IO_ACCESS);
    CHECK_EQ(vm->msg[1].qual[0] >> 16, 0x88);
    vm_destroy(vm);
}

/* space_pio.c, new_half: a PD's new I/O bitmap half starts all ones (every
 * port denied); the mutant 0xfe would open ports 0, 8, 16, ... of that
 * half to a PD that was given any one port. */
NOVA_TEST(mut_mem_a_given_port_opens_no_other)
{
    struct xpd_child *a = xpd_child();
    REQUIRE(a);
    REQUIRE(xpd_take_ports(0x80, 0));
    xpd_grant(a, nova_crd_pio(0x80, 0, 1), 0x80, nova_crd_pio(0x80, 0, 1));
    uint64_t v;
    CHECK(!xpd_in(a, 0x80, &v));
    CHECK(xpd_in(a, 0x88, &v));   /* faults */
    CHECK(xpd_in(a, 0x60, &v));
    CHECK(xpd_in(a, 0x0, &v));
}
