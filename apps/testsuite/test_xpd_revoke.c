/* Cross-PD revocation (3.6, 5.3.6): chains root -> A -> B of memory, ports
 * and objects; partial and self revoke; objects die with their last
 * capability. */
#include "xpd.h"

#define PORT 0x80u

struct chain {
    struct xpd_child *a, *b;
    uint64_t wa, wb;   /* memory: pages in A and B; objects: selectors */
};

/* root -> A -> B of the root's page src, full masks */
static bool mem_chain(struct chain *ch, uint64_t src, uint64_t wa, uint64_t wb)
{
    ch->a = xpd_child();
    ch->b = xpd_child();
    if (!ch->a || !ch->b || !xpd_link(ch->a, ch->b, XPD_LINK))
        return false;
    ch->wa = wa;
    ch->wb = wb;
    xpd_grant(ch->a, nova_crd_mem(src, 0, 7), wa, nova_crd_mem(wa, 0, 7));
    uint64_t got = xpd_pass(ch->a, ch->b, XPD_LINK, nova_item_delegate(wb, 0, 0, 0), nova_crd_mem(wa, 0, 7),
                            nova_crd_mem(wb, 0, 7), nova_crd_null());
    CHECK_EQ(xpd_nomask(got), nova_crd_mem(wb, 0, 0));
    CHECK_EQ(nova_crd_type(xpd_lookup(ch->b, nova_crd_mem(wb, 0, 0))), NOVA_CRD_TYPE_MEM);
    return !test_failed();
}

static bool obj_chain(struct chain *ch, uint64_t src, uint64_t sa, uint64_t sb)
{
    ch->a = xpd_child();
    ch->b = xpd_child();
    if (!ch->a || !ch->b || !xpd_link(ch->a, ch->b, XPD_LINK))
        return false;
    ch->wa = sa;
    ch->wb = sb;
    xpd_grant(ch->a, nova_crd_obj(src, 0, PERM_ANY), sa, nova_crd_obj(sa, 0, PERM_ANY));
    uint64_t got = xpd_pass(ch->a, ch->b, XPD_LINK, nova_item_delegate(sb, 0, 0, 0), nova_crd_obj(sa, 0, PERM_ANY),
                            nova_crd_obj(sb, 0, PERM_ANY), nova_crd_null());
    CHECK_EQ(xpd_nomask(got), nova_crd_obj(sb, 0, 0));
    return !test_failed();
}

NOVA_TEST(xpd_revoke_of_a_three_level_memory_chain)
{
    volatile uint64_t *p = xpd_page(0);
    REQUIRE(p);
    p[0] = 0x5eed;
    struct chain ch;
    uint64_t src = xpd_pageno(p);
    REQUIRE(mem_chain(&ch, src, XPD_PROBE_PAGE + 3, XPD_PROBE_PAGE + 7));
    uint64_t v = 0, mine = xpd_rlookup(nova_crd_mem(src, 0, 0));
    CHECK(!xpd_read(ch.b, ch.wb << 12, &v));
    CHECK_EQ(v, 0x5eed);
    CHECK_EQ(nova_revoke(nova_crd_mem(src, 0, 7), 0), NOVA_SUCCESS);
    CHECK_EQ(xpd_lookup(ch.a, nova_crd_mem(ch.wa, 0, 0)), nova_crd_null());
    CHECK_EQ(xpd_lookup(ch.b, nova_crd_mem(ch.wb, 0, 0)), nova_crd_null());
    CHECK(xpd_read(ch.b, (ch.wb << 12) + 16, &v));
    CHECK_EQ(ch.b->pf_probe, 1);
    CHECK_EQ(ch.b->pf_addr, (ch.wb << 12) + 16);
    CHECK(xpd_read(ch.a, ch.wa << 12, &v));
    CHECK_EQ(ch.a->pf_probe, 1);
    /* without SR the root keeps its page */
    CHECK_EQ(xpd_rlookup(nova_crd_mem(src, 0, 0)), mine);
    CHECK_EQ(p[0], 0x5eed);
    p[1] = 1;
}

NOVA_TEST(xpd_revoke_of_a_three_level_port_chain)
{
    struct xpd_child *a = xpd_child(), *b = xpd_child();
    REQUIRE(a && b);
    REQUIRE(xpd_take_ports(PORT, 0));
    REQUIRE(xpd_link(a, b, XPD_LINK));
    xpd_grant(a, nova_crd_pio(PORT, 0, 1), PORT, nova_crd_pio(PORT, 0, 1));
    xpd_pass(a, b, XPD_LINK, nova_item_delegate(PORT, 0, 0, 0), nova_crd_pio(PORT, 0, 1), nova_crd_pio(PORT, 0, 1),
             nova_crd_null());
    uint64_t v;
    CHECK(!xpd_in(b, PORT, &v));
    CHECK(!xpd_in(a, PORT, &v));
    CHECK_EQ(nova_revoke(nova_crd_pio(PORT, 0, 1), 0), NOVA_SUCCESS);
    CHECK_EQ(xpd_lookup(a, nova_crd_pio(PORT, 0, 0)), nova_crd_null());
    CHECK_EQ(xpd_lookup(b, nova_crd_pio(PORT, 0, 0)), nova_crd_null());
    CHECK(xpd_in(b, PORT, &v));
    CHECK(xpd_in(a, PORT, &v));
    CHECK_EQ(a->gp_probe, 1);
    CHECK_EQ(b->gp_probe, 1);
    CHECK_EQ(xpd_rlookup(nova_crd_pio(PORT, 0, 0)), nova_crd_pio(PORT, 0, 1));
}

NOVA_TEST(xpd_revoke_of_w_leaves_reads_down_the_chain)
{
    volatile uint64_t *p = xpd_page(0);
    REQUIRE(p);
    p[0] = 0xabcd;
    struct chain ch;
    uint64_t src = xpd_pageno(p);
    REQUIRE(mem_chain(&ch, src, XPD_PROBE_PAGE + 3, XPD_PROBE_PAGE + 9));
    CHECK(!xpd_write(ch.b, (ch.wb << 12) + 8, 0x11));
    CHECK_EQ(p[1], 0x11);
    uint64_t mine = xpd_rlookup(nova_crd_mem(src, 0, 0));
    CHECK_EQ(nova_revoke(nova_crd_mem(src, 0, NOVA_PERM_MEM_W), 0), NOVA_SUCCESS);
    uint64_t rest = xpd_perms(mine) & ~(uint64_t)NOVA_PERM_MEM_W;
    CHECK_EQ(xpd_lookup(ch.a, nova_crd_mem(ch.wa, 0, 0)), nova_crd_mem(ch.wa, 0, rest));
    CHECK_EQ(xpd_lookup(ch.b, nova_crd_mem(ch.wb, 0, 0)), nova_crd_mem(ch.wb, 0, rest));
    uint64_t v = 0;
    CHECK(!xpd_read(ch.b, ch.wb << 12, &v));
    CHECK_EQ(v, 0xabcd);
    CHECK(xpd_write(ch.b, (ch.wb << 12) + 8, 0x22));
    CHECK(ch.b->pf_err & 2);
    CHECK(xpd_write(ch.a, (ch.wa << 12) + 8, 0x33));
    CHECK_EQ(p[1], 0x11);
    CHECK_EQ(xpd_rlookup(nova_crd_mem(src, 0, 0)), mine);   /* the root keeps w */
    p[1] = 0x44;
    CHECK(!xpd_read(ch.a, (ch.wa << 12) + 8, &v));
    CHECK_EQ(v, 0x44);
}

NOVA_TEST(xpd_self_revoke_in_a_child_removes_its_own_capability_and_derived_ones)
{
    volatile uint64_t *p = xpd_page(0);
    REQUIRE(p);
    struct chain ch;
    uint64_t src = xpd_pageno(p);
    REQUIRE(mem_chain(&ch, src, XPD_PROBE_PAGE + 4, XPD_PROBE_PAGE + 5));
    uint64_t mine = xpd_rlookup(nova_crd_mem(src, 0, 0));
    CHECK_EQ(xpd_op(ch.a, XPD_REVOKE, nova_crd_mem(ch.wa, 0, 7), NOVA_FLAG_REVOKE_SR, 0), NOVA_SUCCESS);
    CHECK_EQ(xpd_lookup(ch.a, nova_crd_mem(ch.wa, 0, 0)), nova_crd_null());
    CHECK_EQ(xpd_lookup(ch.b, nova_crd_mem(ch.wb, 0, 0)), nova_crd_null());
    uint64_t v;
    CHECK(xpd_read(ch.a, ch.wa << 12, &v));
    CHECK(xpd_read(ch.b, ch.wb << 12, &v));
    CHECK_EQ(xpd_rlookup(nova_crd_mem(src, 0, 0)), mine);
}

NOVA_TEST(xpd_revoke_without_sr_in_a_child_keeps_its_own_capability)
{
    uint64_t sm = xpd_sel(1);
    REQUIRE_OK(nova_create_sm(sm, SEL_ROOT_PD, 0));
    struct chain ch;
    REQUIRE(obj_chain(&ch, sm, 0x100, 0x200));
    uint64_t before = xpd_lookup(ch.a, nova_crd_obj(0x100, 0, 0));
    CHECK_EQ(xpd_op(ch.a, XPD_REVOKE, nova_crd_obj(0x100, 0, PERM_ANY), 0, 0), NOVA_SUCCESS);
    CHECK_EQ(xpd_lookup(ch.a, nova_crd_obj(0x100, 0, 0)), before);
    CHECK_EQ(xpd_lookup(ch.b, nova_crd_obj(0x200, 0, 0)), nova_crd_null());
    CHECK_EQ(xpd_op(ch.b, XPD_SM_CTRL, 0x200, 0, 0), NOVA_BAD_CAP);
    CHECK_EQ(xpd_op(ch.a, XPD_SM_CTRL, 0x100, 0, 0), NOVA_SUCCESS);
    CHECK_EQ(nova_sm_ctrl(sm, NOVA_FLAG_SM_CTRL_DN), NOVA_SUCCESS);
}

NOVA_TEST(xpd_partial_object_revoke_from_the_root_reaches_the_grandchild)
{
    uint64_t sm = xpd_sel(1);
    REQUIRE_OK(nova_create_sm(sm, SEL_ROOT_PD, 1));
    struct chain ch;
    REQUIRE(obj_chain(&ch, sm, 0x100, 0x200));
    CHECK_EQ(nova_revoke(nova_crd_obj(sm, 0, NOVA_PERM_SM_DN), 0), NOVA_SUCCESS);
    uint64_t rest = xpd_perms(xpd_rlookup(nova_crd_obj(sm, 0, 0))) & ~(uint64_t)NOVA_PERM_SM_DN;
    CHECK_EQ(xpd_lookup(ch.a, nova_crd_obj(0x100, 0, 0)), nova_crd_obj(0x100, 0, rest));
    CHECK_EQ(xpd_lookup(ch.b, nova_crd_obj(0x200, 0, 0)), nova_crd_obj(0x200, 0, rest));
    CHECK_EQ(xpd_op(ch.b, XPD_SM_CTRL, 0x200, NOVA_FLAG_SM_CTRL_DN, 0), NOVA_BAD_CAP);
    CHECK_EQ(xpd_op(ch.b, XPD_SM_CTRL, 0x200, 0, 0), NOVA_SUCCESS);
    CHECK_EQ(nova_sm_ctrl(sm, NOVA_FLAG_SM_CTRL_DN), NOVA_SUCCESS);   /* the root keeps dn */
}

NOVA_TEST(xpd_revoke_in_a_child_of_a_range_reaches_all_it_delegated)
{
    /* A holds two semaphores, gives both to B as one range; A revokes the range */
    uint64_t s = xpd_sel(2);
    REQUIRE_OK(nova_create_sm(s, SEL_ROOT_PD, 0));
    REQUIRE_OK(nova_create_sm(s + 1, SEL_ROOT_PD, 0));
    struct xpd_child *a = xpd_child(), *b = xpd_child();
    REQUIRE(a && b);
    REQUIRE(xpd_link(a, b, XPD_LINK));
    xpd_grant(a, nova_crd_obj(s, 1, PERM_ANY), 0x100, nova_crd_obj(0x100, 1, PERM_ANY));
    uint64_t got = xpd_pass(a, b, XPD_LINK, nova_item_delegate(0, 0, 0, 0), nova_crd_obj(0x100, 1, PERM_ANY),
                            nova_crd_obj(0x300, 1, PERM_ANY), nova_crd_null());
    CHECK_EQ(xpd_nomask(got), nova_crd_obj(0x300, 1, 0));
    CHECK_EQ(nova_crd_type(xpd_lookup(b, nova_crd_obj(0x301, 0, 0))), NOVA_CRD_TYPE_OBJ);
    CHECK_EQ(xpd_op(a, XPD_REVOKE, nova_crd_obj(0x100, 1, PERM_ANY), 0, 0), NOVA_SUCCESS);
    CHECK_EQ(xpd_lookup(b, nova_crd_obj(0x300, 0, 0)), nova_crd_null());
    CHECK_EQ(xpd_lookup(b, nova_crd_obj(0x301, 0, 0)), nova_crd_null());
    CHECK_EQ(nova_crd_type(xpd_lookup(a, nova_crd_obj(0x101, 0, 0))), NOVA_CRD_TYPE_OBJ);
}

NOVA_TEST(xpd_semaphore_dies_with_its_last_capability_in_the_children_too)
{
    uint64_t sm = xpd_sel(1);
    REQUIRE_OK(nova_create_sm(sm, SEL_ROOT_PD, 0));
    struct chain ch;
    REQUIRE(obj_chain(&ch, sm, 0x100, 0x200));
    CHECK_EQ(xpd_op(ch.b, XPD_SM_CTRL, 0x200, 0, 0), NOVA_SUCCESS);
    CHECK_EQ(nova_revoke(nova_crd_obj(sm, 0, NOVA_PERM_SM_ALL), NOVA_FLAG_REVOKE_SR), NOVA_SUCCESS);
    CHECK_EQ(xpd_rlookup(nova_crd_obj(sm, 0, 0)), nova_crd_null());
    CHECK_EQ(xpd_lookup(ch.a, nova_crd_obj(0x100, 0, 0)), nova_crd_null());
    CHECK_EQ(xpd_lookup(ch.b, nova_crd_obj(0x200, 0, 0)), nova_crd_null());
    CHECK_EQ(xpd_op(ch.a, XPD_SM_CTRL, 0x100, 0, 0), NOVA_BAD_CAP);
    CHECK_EQ(xpd_op(ch.b, XPD_SM_CTRL, 0x200, NOVA_FLAG_SM_CTRL_DN, 0), NOVA_BAD_CAP);
    /* the selectors are free again */
    CHECK_EQ(nova_create_sm(sm, SEL_ROOT_PD, 0), NOVA_SUCCESS);
    CHECK_EQ(xpd_op(ch.b, XPD_CREATE_SM, 0x200, 0x200, 0), NOVA_BAD_CAP);   /* no PD capability there */
}

NOVA_TEST(xpd_portal_revoked_with_sr_cannot_be_called_from_the_child)
{
    struct xpd_child *a = xpd_child(), *c = xpd_child();
    REQUIRE(a && c);
    uint64_t pt = xpd_sel(1);
    REQUIRE_OK(nova_create_pt(pt, SEL_ROOT_PD, c->ec, 0, xpd_agent_code()));
    REQUIRE_OK(nova_pt_ctrl(pt, c->idx));
    xpd_grant(a, nova_crd_obj(pt, 0, NOVA_PERM_PT_ALL), 0x100, nova_crd_obj(0x100, 0, PERM_ANY));
    uint64_t w[2] = { XPD_LOOKUP, nova_crd_obj(NOVA_EXC_PF, 0, 0) };
    struct xpd_reply r;
    xpd_relay(a, 0x100, nova_crd_null(), nova_crd_null(), w, 2, &r);
    CHECK_EQ(r.r0, NOVA_SUCCESS);
    CHECK_EQ(r.r1, NOVA_SUCCESS);
    CHECK_EQ(nova_revoke(nova_crd_obj(pt, 0, NOVA_PERM_PT_ALL), NOVA_FLAG_REVOKE_SR), NOVA_SUCCESS);
    CHECK_EQ(xpd_rlookup(nova_crd_obj(pt, 0, 0)), nova_crd_null());
    CHECK_EQ(xpd_lookup(a, nova_crd_obj(0x100, 0, 0)), nova_crd_null());
    xpd_relay(a, 0x100, nova_crd_null(), nova_crd_null(), w, 2, &r);
    CHECK_EQ(r.r0, NOVA_BAD_CAP);
    /* the agent itself lives on behind its own portal */
    CHECK_EQ(xpd_lookup(c, nova_crd_obj(0x100, 0, 0)), nova_crd_null());
}

NOVA_TEST(xpd_revoke_of_a_pd_capability_chain_stops_creation)
{
    uint64_t pd = xpd_sel(1);
    REQUIRE_OK(nova_create_pd(pd, SEL_ROOT_PD, nova_crd_null()));
    struct chain ch;
    REQUIRE(obj_chain(&ch, pd, 0x100, 0x200));
    CHECK_EQ(xpd_op(ch.b, XPD_CREATE_SM, 0x300, 0x200, 0), NOVA_SUCCESS);
    CHECK_EQ(nova_revoke(nova_crd_obj(pd, 0, NOVA_PERM_PD_SM), 0), NOVA_SUCCESS);
    CHECK_EQ(xpd_op(ch.b, XPD_CREATE_SM, 0x301, 0x200, 0), NOVA_BAD_CAP);
    CHECK_EQ(xpd_op(ch.a, XPD_CREATE_SM, 0x301, 0x100, 0), NOVA_BAD_CAP);
    CHECK_EQ(nova_revoke(nova_crd_obj(pd, 0, NOVA_PERM_PD_ALL), 0), NOVA_SUCCESS);
    CHECK_EQ(xpd_lookup(ch.a, nova_crd_obj(0x100, 0, 0)), nova_crd_null());
    CHECK_EQ(xpd_lookup(ch.b, nova_crd_obj(0x200, 0, 0)), nova_crd_null());
    /* a semaphore made in that PD lives on while B holds it */
    CHECK_EQ(xpd_op(ch.b, XPD_SM_CTRL, 0x300, 0, 0), NOVA_SUCCESS);
}
