/* Smoke test of the IPC path: a local EC in the root PD answers a call. */
#include "test.h"

#define SMOKE_UTCB 0x0000200000000000ull
static uint8_t smoke_stack[8192] __attribute__((aligned(16)));

static void smoke_handler(uint64_t pid)
{
    struct nova_utcb *u = (struct nova_utcb *)SMOKE_UTCB;
    u->data.words[0] = u->data.words[0] * 2 + pid;
    u->head.items = nova_utcb_items(1, 0);
    nova_reply((uintptr_t)&smoke_stack[sizeof smoke_stack] - 8);
}

NOVA_TEST(lead_smoke_call_reply)
{
    uint64_t ec = 0x7000, pt = 0x7001;
    REQUIRE_EQ(nova_create_ec(ec, SEL_ROOT_PD, nova_boot_cpu, SMOKE_UTCB,
                              (uintptr_t)&smoke_stack[sizeof smoke_stack] - 8, 0, 0), NOVA_SUCCESS);
    REQUIRE_EQ(nova_create_pt(pt, SEL_ROOT_PD, ec, 0, (uintptr_t)smoke_handler), NOVA_SUCCESS);
    REQUIRE_EQ(nova_pt_ctrl(pt, 5), NOVA_SUCCESS);
    struct nova_utcb *u = nova_root_utcb();
    for (uint64_t i = 0; i < 3; i++) {
        u->data.words[0] = 20 + i;
        u->head.items = nova_utcb_items(1, 0);
        REQUIRE_EQ(nova_call(pt, 0), NOVA_SUCCESS);
        CHECK_EQ(u->data.words[0], 45 + 2 * i);
        CHECK_EQ(nova_utcb_items_u(u->head.items), 1);
    }
}
