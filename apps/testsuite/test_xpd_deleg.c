/* Cross-PD delegation (3.5, 4.6.2.2) of every capability type from the root
 * to a child and from child A to child B: the receiver sees it with lookup
 * and can use it. */
#include "xpd.h"

#define PORT 0x80u

/* root -> A at sel_a -> B at sel_b, full masks; B is linked to A */
static bool chain_obj(struct xpd_child *a, struct xpd_child *b, uint64_t src, uint64_t sel_a, uint64_t sel_b)
{
    if (!xpd_link(a, b, XPD_LINK))
        return false;
    uint64_t got = xpd_grant(a, nova_crd_obj(src, 0, PERM_ANY), sel_a, nova_crd_obj(sel_a, 0, PERM_ANY));
    CHECK_EQ(xpd_nomask(got), nova_crd_obj(sel_a, 0, 0));
    got = xpd_pass(a, b, XPD_LINK, nova_item_delegate(sel_b, 0, 0, 0), nova_crd_obj(sel_a, 0, PERM_ANY),
                   nova_crd_obj(sel_b, 0, PERM_ANY), nova_crd_null());
    CHECK_EQ(xpd_nomask(got), nova_crd_obj(sel_b, 0, 0));
    return !test_failed();
}

NOVA_TEST(xpd_memory_delegated_writable_is_shared_with_the_child)
{
    struct xpd_child *a = xpd_child();
    volatile uint64_t *pg = xpd_page(0);
    REQUIRE(a && pg);
    pg[0] = 0x1111;
    uint64_t w = XPD_PROBE_PAGE + 1;
    xpd_grant(a, nova_crd_mem(xpd_pageno(pg), 0, NOVA_PERM_MEM_R | NOVA_PERM_MEM_W), w, nova_crd_mem(w, 0, 7));
    CHECK_EQ(xpd_lookup(a, nova_crd_mem(w, 0, 0)), nova_crd_mem(w, 0, NOVA_PERM_MEM_R | NOVA_PERM_MEM_W));
    uint64_t v = 0;
    CHECK(!xpd_read(a, (w << 12), &v));
    CHECK_EQ(v, 0x1111);
    CHECK(!xpd_write(a, (w << 12) + 8, 0x2222));
    CHECK_EQ(pg[1], 0x2222);
    pg[2] = 0x3333;
    CHECK(!xpd_read(a, (w << 12) + 16, &v));
    CHECK_EQ(v, 0x3333);
    CHECK_EQ(a->pf_probe, 0);
}

NOVA_TEST(xpd_memory_passed_from_a_to_b_is_shared_by_three_pds)
{
    struct xpd_child *a = xpd_child(), *b = xpd_child();
    volatile uint64_t *pg = xpd_page(0);
    REQUIRE(a && b && pg);
    REQUIRE(xpd_link(a, b, XPD_LINK));
    pg[0] = 0xa0a0;
    uint64_t wa = XPD_PROBE_PAGE + 2, wb = XPD_PROBE_PAGE + 0x33;
    xpd_grant(a, nova_crd_mem(xpd_pageno(pg), 0, 7), wa, nova_crd_mem(wa, 0, 7));
    uint64_t got = xpd_pass(a, b, XPD_LINK, nova_item_delegate(wb, 0, 0, 0), nova_crd_mem(wa, 0, 7),
                            nova_crd_mem(wb, 0, 7), nova_crd_null());
    CHECK_EQ(xpd_nomask(got), nova_crd_mem(wb, 0, 0));
    uint64_t perms = xpd_perms(xpd_rlookup(nova_crd_mem(xpd_pageno(pg), 0, 0)));
    CHECK_EQ(xpd_lookup(b, nova_crd_mem(wb, 0, 0)), nova_crd_mem(wb, 0, perms));
    uint64_t v = 0;
    CHECK(!xpd_read(b, wb << 12, &v));
    CHECK_EQ(v, 0xa0a0);
    CHECK(!xpd_write(b, (wb << 12) + 8, 0xb0b0));
    CHECK(!xpd_read(a, (wa << 12) + 8, &v));
    CHECK_EQ(v, 0xb0b0);
    CHECK_EQ(pg[1], 0xb0b0);
    CHECK_EQ(a->pf_probe + b->pf_probe, 0);
}

NOVA_TEST(xpd_port_delegated_to_a_child_is_usable_and_passes_on)
{
    struct xpd_child *a = xpd_child(), *b = xpd_child();
    REQUIRE(a && b);
    REQUIRE(xpd_take_ports(PORT, 0));
    REQUIRE(xpd_link(a, b, XPD_LINK));
    uint64_t v;
    CHECK(xpd_in(a, PORT, &v));   /* not yet */
    CHECK_EQ(a->gp_probe, 1);
    xpd_grant(a, nova_crd_pio(PORT, 0, 1), PORT, nova_crd_pio(PORT, 0, 1));
    CHECK(!xpd_in(a, PORT, &v));
    CHECK(!xpd_out(a, PORT, 0x5a));
    CHECK_EQ(a->gp_probe, 1);
    CHECK(xpd_in(b, PORT, &v));
    uint64_t got = xpd_pass(a, b, XPD_LINK, nova_item_delegate(PORT, 0, 0, 0), nova_crd_pio(PORT, 0, 1),
                            nova_crd_pio(0, 16, 1), nova_crd_null());
    CHECK_EQ(xpd_nomask(got), nova_crd_pio(PORT, 0, 0));
    CHECK_EQ(xpd_lookup(b, nova_crd_pio(PORT, 0, 0)), nova_crd_pio(PORT, 0, 1));
    CHECK(!xpd_in(b, PORT, &v));
    CHECK_EQ(b->gp_probe, 1);
    CHECK(xpd_in(b, PORT + 1, &v));   /* only that port */
    CHECK_EQ(b->gp_probe, 2);
}

NOVA_TEST(xpd_pd_capability_lets_a_and_b_create_objects_in_that_pd)
{
    struct xpd_child *a = xpd_child(), *b = xpd_child();
    REQUIRE(a && b);
    uint64_t pd = xpd_sel(1);
    REQUIRE_OK(nova_create_pd(pd, SEL_ROOT_PD, nova_crd_null()));
    REQUIRE(chain_obj(a, b, pd, 0x100, 0x180));
    CHECK_EQ(xpd_lookup(a, nova_crd_obj(0x100, 0, 0)), nova_crd_obj(0x100, 0, xpd_perms(xpd_rlookup(nova_crd_obj(pd, 0, 0)))));
    CHECK_EQ(xpd_op(a, XPD_CREATE_SM, 0x200, 0x100, 0), NOVA_SUCCESS);
    CHECK_EQ(xpd_nomask(xpd_lookup(a, nova_crd_obj(0x200, 0, 0))), nova_crd_obj(0x200, 0, 0));
    CHECK_EQ(xpd_op(b, XPD_CREATE_SM, 0x200, 0x180, 1), NOVA_SUCCESS);
    CHECK_EQ(xpd_op(b, XPD_SM_CTRL, 0x200, NOVA_FLAG_SM_CTRL_DN, 0), NOVA_SUCCESS);
    /* a selector without a PD capability: BAD_CAP */
    CHECK_EQ(xpd_op(b, XPD_CREATE_SM, 0x201, 0x181, 0), NOVA_BAD_CAP);
}

NOVA_TEST(xpd_ec_capability_is_usable_by_a_and_b)
{
    struct xpd_child *a = xpd_child(), *b = xpd_child();
    REQUIRE(a && b);
    static uint8_t stack[64] __attribute__((aligned(16)));
    uint64_t ec = xpd_sel(1);
    REQUIRE_OK(nova_create_ec(ec, SEL_ROOT_PD, nova_boot_cpu, xpd_utcb(), (uintptr_t)&stack[48], 0, 0));
    CHECK_EQ(xpd_op(a, XPD_EC_CTRL, 0x100, 0, 0), NOVA_BAD_CAP);
    REQUIRE(chain_obj(a, b, ec, 0x100, 0x101));
    CHECK_EQ(xpd_lookup(b, nova_crd_obj(0x101, 0, 0)), nova_crd_obj(0x101, 0, xpd_perms(xpd_rlookup(nova_crd_obj(ec, 0, 0)))));
    CHECK_EQ(xpd_op(a, XPD_EC_CTRL, 0x100, 0, 0), NOVA_SUCCESS);
    CHECK_EQ(xpd_op(b, XPD_EC_CTRL, 0x101, 0, 0), NOVA_SUCCESS);
}

NOVA_TEST(xpd_sc_capability_is_usable_by_a_and_b)
{
    struct xpd_child *a = xpd_child(), *b = xpd_child();
    REQUIRE(a && b);
    REQUIRE(chain_obj(a, b, SEL_ROOT_SC, 0x100, 0x102));
    CHECK_EQ(xpd_nomask(xpd_lookup(b, nova_crd_obj(0x102, 0, 0))), nova_crd_obj(0x102, 0, 0));
    CHECK_EQ(xpd_op(a, XPD_SC_CTRL, 0x100, 0, 0), NOVA_SUCCESS);
    CHECK_EQ(xpd_op(b, XPD_SC_CTRL, 0x102, 0, 0), NOVA_SUCCESS);
    CHECK_EQ(xpd_op(b, XPD_SC_CTRL, 0x103, 0, 0), NOVA_BAD_CAP);
}

NOVA_TEST(xpd_portal_capability_is_callable_by_a_and_b)
{
    struct xpd_child *a = xpd_child(), *b = xpd_child(), *c = xpd_child();
    REQUIRE(a && b && c);
    /* root -> A -> B: the portal to C's agent */
    REQUIRE(chain_obj(a, b, c->pt, 0x100, 0x103));
    uint64_t w[2] = { XPD_LOOKUP, nova_crd_obj(NOVA_EXC_PF, 0, 0) };
    struct xpd_reply r;
    xpd_relay(a, 0x100, nova_crd_null(), nova_crd_null(), w, 2, &r);
    CHECK_EQ(r.r0, NOVA_SUCCESS);   /* A's call */
    CHECK_EQ(r.r1, NOVA_SUCCESS);   /* C's lookup */
    xpd_relay(b, 0x103, nova_crd_null(), nova_crd_null(), w, 2, &r);
    CHECK_EQ(r.r0, NOVA_SUCCESS);
    CHECK_EQ(r.r1, NOVA_SUCCESS);
    xpd_relay(b, 0x104, nova_crd_null(), nova_crd_null(), w, 2, &r);
    CHECK_EQ(r.r0, NOVA_BAD_CAP);
}

NOVA_TEST(xpd_semaphore_capability_is_usable_by_a_and_b)
{
    struct xpd_child *a = xpd_child(), *b = xpd_child();
    REQUIRE(a && b);
    uint64_t sm = xpd_sel(1);
    REQUIRE_OK(nova_create_sm(sm, SEL_ROOT_PD, 0));
    REQUIRE(chain_obj(a, b, sm, 0x100, 0x104));
    CHECK_EQ(xpd_lookup(b, nova_crd_obj(0x104, 0, 0)), nova_crd_obj(0x104, 0, xpd_perms(xpd_rlookup(nova_crd_obj(sm, 0, 0)))));
    /* B ups, A downs (does not block), A ups, the root downs */
    REQUIRE_EQ(xpd_op(b, XPD_SM_CTRL, 0x104, 0, 0), NOVA_SUCCESS);
    REQUIRE_EQ(xpd_op(a, XPD_SM_CTRL, 0x100, NOVA_FLAG_SM_CTRL_DN, 0), NOVA_SUCCESS);
    REQUIRE_EQ(xpd_op(a, XPD_SM_CTRL, 0x100, 0, 0), NOVA_SUCCESS);
    CHECK_EQ(nova_sm_ctrl(sm, NOVA_FLAG_SM_CTRL_DN), NOVA_SUCCESS);
}
