/* The port I/O space (spec 4.1.3, 6.1.1): the root PD takes COM1's ports
 * from the kernel with an H-bit delegation to an EC of its own, and uses
 * them. */
#include "test.h"

#define PIO_SEL   0x7200
#define PIO_UTCB  0x0000220000000000ull
#define COM1      0x3f8

static uint8_t grant_stack[8192] __attribute__((aligned(16)));

/* Reply with one delegate item from the kernel (H): the 8 ports at COM1,
 * or with PID 1 the PIT's 4 ports at 0x40. */
static void grant_ports(uint64_t pid)
{
    struct nova_utcb *u = (struct nova_utcb *)(PIO_UTCB + pid * 0x1000);   /* each granting EC's own */
    uint64_t base = pid == 1 ? 0x40 : COM1, order = pid == 1 ? 2 : 3;
    u->data.words[NOVA_UTCB_TYPED_ITEM_WORD(0)] = nova_item_delegate(base, 1, 0, 0);
    u->data.words[NOVA_UTCB_TYPED_CRD_WORD(0)] = nova_crd_pio(base, order, NOVA_PERM_PIO_A);
    u->head.items = nova_utcb_items(0, 1);
    nova_reply((uintptr_t)&grant_stack[sizeof grant_stack] - 8);
}

/* A granting EC and portal of its own for each test (tests run in any order). */
static uint64_t grant_portal(uint64_t sel, uint64_t utcb, uint64_t pid)
{
    CHECK_EQ(nova_create_ec(sel, SEL_ROOT_PD, nova_boot_cpu, utcb, (uintptr_t)&grant_stack[sizeof grant_stack] - 8,
                            0, 0), NOVA_SUCCESS);
    CHECK_EQ(nova_create_pt(sel + 1, SEL_ROOT_PD, sel, 0, (uintptr_t)grant_ports), NOVA_SUCCESS);
    CHECK_EQ(nova_pt_ctrl(sel + 1, pid), NOVA_SUCCESS);
    return sel + 1;
}

static uint64_t lookup_port(uint64_t port)
{
    uint64_t crd = nova_crd_pio(port, 0, 0);
    CHECK_EQ(nova_lookup(&crd), NOVA_SUCCESS);
    return crd;
}

static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

/* Whether COM1 can take a byte (line status: transmitter holding register
 * empty) within a bounded number of polls. */
static bool com1_ready(void)
{
    for (unsigned i = 0; i < 1000000; i++)
        if (inb(COM1 + 5) & 0x20)
            return true;
    return false;
}

NOVA_TEST(pio_root_takes_com1_with_the_h_bit_and_prints)
{
    CHECK_EQ(lookup_port(COM1), nova_crd_null());
    uint64_t pt = grant_portal(PIO_SEL, PIO_UTCB, 0);
    REQUIRE(!test_failed());
    struct nova_utcb *u = nova_root_utcb();
    u->head.del = nova_crd_pio(0, 16, NOVA_PERM_PIO_A);   /* accept ports anywhere */
    u->head.items = 0;
    REQUIRE_EQ(nova_call(pt, 0), NOVA_SUCCESS);
    CHECK_EQ(nova_utcb_items_t(u->head.items), 1);
    CHECK_EQ(u->data.words[NOVA_UTCB_TYPED_CRD_WORD(0)], nova_crd_pio(COM1, 3, NOVA_PERM_PIO_A));
    u->head.del = nova_crd_null();
    for (uint64_t p = COM1; p < COM1 + 8; p++)
        CHECK_EQ(lookup_port(p), nova_crd_pio(p, 0, NOVA_PERM_PIO_A));
    CHECK_EQ(lookup_port(COM1 + 8), nova_crd_null());
    CHECK_EQ(lookup_port(COM1 - 1), nova_crd_null());
    /* the ports work: print a line through COM1 directly */
    const char *msg = "# testsuite: this line went out through COM1 from user mode\n";
    for (const char *c = msg; *c; c++) {
        REQUIRE(com1_ready());
        outb(COM1, (uint8_t)*c);
    }
}

NOVA_TEST(pio_h_bit_never_gives_the_kernel_s_own_ports)
{
    /* the PIT (0x40-0x43) is the kernel's: asking for it grants nothing */
    uint64_t pt = grant_portal(PIO_SEL + 2, PIO_UTCB + 0x1000, 1);
    REQUIRE(!test_failed());
    struct nova_utcb *u = nova_root_utcb();
    u->head.del = nova_crd_pio(0, 16, NOVA_PERM_PIO_A);
    u->head.items = 0;
    REQUIRE_EQ(nova_call(pt, 0), NOVA_SUCCESS);
    u->head.del = nova_crd_null();
    for (uint64_t p = 0x40; p < 0x44; p++)
        CHECK_EQ(lookup_port(p), nova_crd_null());
}
