/* Cross-PD receive windows and hotspots (3.5, figure 3.1), type mismatch and
 * null windows (4.6.2.2), permission masks (4.3) and translate items. */
#include "xpd.h"

#define PORT 0x80u

/* 2^order root pages, page i holding the marker 0x100 + i */
static volatile uint64_t *marked(unsigned order)
{
    volatile uint64_t *p = xpd_page(order);
    if (p)
        for (unsigned i = 0; i < (1u << order); i++)
            p[i * 512] = 0x100 + i;
    return p;
}

static uint64_t child_marker(struct xpd_child *c, uint64_t page)
{
    uint64_t v = 0;
    return xpd_read(c, page << 12, &v) ? XPD_NONE : v;
}

NOVA_TEST(xpd_hotspot_selects_the_part_of_a_larger_sender_range)
{
    struct xpd_child *c = xpd_child();
    volatile uint64_t *p = marked(2);
    REQUIRE(c && p);
    uint64_t src = xpd_pageno(p), w = XPD_PROBE_PAGE + 0x40;
    uint64_t got = xpd_grant(c, nova_crd_mem(src, 2, 7), src + 2, nova_crd_mem(w, 0, 7));
    CHECK_EQ(xpd_nomask(got), nova_crd_mem(w, 0, 0));
    CHECK_EQ(child_marker(c, w), 0x102);
    CHECK_EQ(xpd_lookup(c, nova_crd_mem(w + 1, 0, 0)), nova_crd_null());
    /* only the hotspot's bits inside the sender range count: here they select page 1 */
    uint64_t w2 = XPD_PROBE_PAGE + 0x41;
    xpd_grant(c, nova_crd_mem(src, 2, 7), 0xfff0000ull + 1, nova_crd_mem(w2, 0, 7));
    CHECK_EQ(child_marker(c, w2), 0x101);
    /* a two-page window out of four: hotspot bit 1 picks the upper half */
    uint64_t w3 = XPD_PROBE_PAGE + 0x50;
    got = xpd_grant(c, nova_crd_mem(src, 2, 7), src + 3, nova_crd_mem(w3, 1, 7));
    CHECK_EQ(xpd_nomask(got), nova_crd_mem(w3, 1, 0));
    CHECK_EQ(child_marker(c, w3), 0x102);
    CHECK_EQ(child_marker(c, w3 + 1), 0x103);
}

NOVA_TEST(xpd_hotspot_selects_where_a_smaller_sender_range_lands)
{
    struct xpd_child *c = xpd_child();
    volatile uint64_t *p = marked(1);
    REQUIRE(c && p);
    uint64_t src = xpd_pageno(p), w = XPD_PROBE_PAGE + 0x80;   /* a window of 8 pages */
    uint64_t got = xpd_grant(c, nova_crd_mem(src, 0, 7), w + 5, nova_crd_mem(w, 3, 7));
    CHECK_EQ(xpd_nomask(got), nova_crd_mem(w + 5, 0, 0));
    for (unsigned i = 0; i < 8; i++)
        if (i != 5)
            CHECK_EQ(xpd_lookup(c, nova_crd_mem(w + i, 0, 0)), nova_crd_null());
    CHECK_EQ(child_marker(c, w + 5), 0x100);
    /* a two-page range in the same window, hotspot bits above order 1 only */
    got = xpd_grant(c, nova_crd_mem(src, 1, 7), w + 2 + 1, nova_crd_mem(w, 3, 7));
    CHECK_EQ(xpd_nomask(got), nova_crd_mem(w + 2, 1, 0));
    CHECK_EQ(child_marker(c, w + 2), 0x100);
    CHECK_EQ(child_marker(c, w + 3), 0x101);
    CHECK_EQ(xpd_lookup(c, nova_crd_mem(w + 4, 0, 0)), nova_crd_null());
}

NOVA_TEST(xpd_equal_ranges_ignore_the_hotspot)
{
    struct xpd_child *c = xpd_child();
    volatile uint64_t *p = marked(2);
    REQUIRE(c && p);
    uint64_t src = xpd_pageno(p), w = XPD_PROBE_PAGE + 0xc4;
    uint64_t got = xpd_grant(c, nova_crd_mem(src, 2, 7), 0x123457ull, nova_crd_mem(w, 2, 7));
    CHECK_EQ(xpd_nomask(got), nova_crd_mem(w, 2, 0));
    for (unsigned i = 0; i < 4; i++)
        CHECK_EQ(child_marker(c, w + i), 0x100 + i);
    CHECK_EQ(xpd_lookup(c, nova_crd_mem(w + 4, 0, 0)), nova_crd_null());
    CHECK_EQ(xpd_lookup(c, nova_crd_mem(w - 1, 0, 0)), nova_crd_null());
}

NOVA_TEST(xpd_hotspot_for_object_ranges_checked_by_translate)
{
    struct xpd_child *c = xpd_child();
    REQUIRE(c);
    uint64_t s = xpd_sel(4);
    for (unsigned i = 0; i < 4; i++)
        REQUIRE_OK(nova_create_sm(s + i, SEL_ROOT_PD, 0));
    /* larger sender: the hotspot picks s + 1 */
    uint64_t got = xpd_grant(c, nova_crd_obj(s, 2, PERM_ANY), s + 1, nova_crd_obj(0x100, 0, PERM_ANY));
    CHECK_EQ(xpd_nomask(got), nova_crd_obj(0x100, 0, 0));
    uint64_t back = xpd_take(c, nova_item_translate(), nova_crd_obj(0x100, 0, 0), nova_crd_null(),
                             nova_crd_obj(s, 2, PERM_ANY));
    CHECK_EQ(xpd_nomask(back), nova_crd_obj(s + 1, 0, 0));
    /* smaller sender: lands at window base + (hotspot bits) */
    got = xpd_grant(c, nova_crd_obj(s + 3, 0, PERM_ANY), 0x1235, nova_crd_obj(0x108, 3, PERM_ANY));
    CHECK_EQ(xpd_nomask(got), nova_crd_obj(0x10d, 0, 0));
    CHECK_EQ(xpd_lookup(c, nova_crd_obj(0x108, 0, 0)), nova_crd_null());
    back = xpd_take(c, nova_item_translate(), nova_crd_obj(0x10d, 0, 0), nova_crd_null(), nova_crd_obj(s, 2, PERM_ANY));
    CHECK_EQ(xpd_nomask(back), nova_crd_obj(s + 3, 0, 0));
    /* equal */
    got = xpd_grant(c, nova_crd_obj(s, 2, PERM_ANY), 0x3, nova_crd_obj(0x110, 2, PERM_ANY));
    CHECK_EQ(xpd_nomask(got), nova_crd_obj(0x110, 2, 0));
    for (unsigned i = 0; i < 4; i++) {
        back = xpd_take(c, nova_item_translate(), nova_crd_obj(0x110 + i, 0, 0), nova_crd_null(),
                        nova_crd_obj(s, 2, PERM_ANY));
        CHECK_EQ(xpd_nomask(back), nova_crd_obj(s + i, 0, 0));
    }
}

NOVA_TEST(xpd_type_mismatch_between_item_and_window_gives_a_null_crd)
{
    struct xpd_child *c = xpd_child();
    volatile uint64_t *p = xpd_page(0);
    REQUIRE(c && p);
    REQUIRE(xpd_take_ports(PORT, 0));
    uint64_t sm = xpd_sel(1);
    REQUIRE_OK(nova_create_sm(sm, SEL_ROOT_PD, 0));
    uint64_t w = XPD_PROBE_PAGE + 0x100;
    /* memory item, object window */
    CHECK_EQ(xpd_grant(c, nova_crd_mem(xpd_pageno(p), 0, 7), 0x100, nova_crd_obj(0x100, 0, PERM_ANY)), nova_crd_null());
    CHECK_EQ(xpd_lookup(c, nova_crd_obj(0x100, 0, 0)), nova_crd_null());
    CHECK_EQ(xpd_lookup(c, nova_crd_mem(0x100, 0, 0)), nova_crd_null());
    /* object item, memory window */
    CHECK_EQ(xpd_grant(c, nova_crd_obj(sm, 0, PERM_ANY), w, nova_crd_mem(w, 0, 7)), nova_crd_null());
    CHECK_EQ(xpd_lookup(c, nova_crd_mem(w, 0, 0)), nova_crd_null());
    CHECK_EQ(xpd_lookup(c, nova_crd_obj(w & 0xfffff, 0, 0)), nova_crd_null());
    /* port item, memory window */
    CHECK_EQ(xpd_grant(c, nova_crd_pio(PORT, 0, 1), PORT, nova_crd_mem(0, 20, 7)), nova_crd_null());
    CHECK_EQ(xpd_lookup(c, nova_crd_pio(PORT, 0, 0)), nova_crd_null());
    /* translate item of another type than the translate window */
    xpd_grant(c, nova_crd_obj(sm, 0, PERM_ANY), 0x120, nova_crd_obj(0x120, 0, PERM_ANY));
    CHECK_EQ(xpd_take(c, nova_item_translate(), nova_crd_obj(0x120, 0, 0), nova_crd_null(), nova_crd_mem(0, 30, 7)),
             nova_crd_null());
    CHECK_EQ(c->unresolved, 0);
}

NOVA_TEST(xpd_null_window_accepts_nothing)
{
    struct xpd_child *c = xpd_child();
    volatile uint64_t *p = xpd_page(0);
    REQUIRE(c && p);
    REQUIRE(xpd_take_ports(PORT, 0));
    uint64_t sm = xpd_sel(1);
    REQUIRE_OK(nova_create_sm(sm, SEL_ROOT_PD, 0));
    uint64_t w = XPD_PROBE_PAGE + 0x140;
    CHECK_EQ(xpd_grant(c, nova_crd_mem(xpd_pageno(p), 0, 7), w, nova_crd_null()), nova_crd_null());
    CHECK_EQ(xpd_grant(c, nova_crd_obj(sm, 0, PERM_ANY), 0x100, nova_crd_null()), nova_crd_null());
    CHECK_EQ(xpd_grant(c, nova_crd_pio(PORT, 0, 1), PORT, nova_crd_null()), nova_crd_null());
    CHECK_EQ(xpd_lookup(c, nova_crd_mem(w, 0, 0)), nova_crd_null());
    CHECK_EQ(xpd_lookup(c, nova_crd_obj(0x100, 0, 0)), nova_crd_null());
    CHECK_EQ(xpd_lookup(c, nova_crd_pio(PORT, 0, 0)), nova_crd_null());
    /* and the root with a null window gets nothing from the child either */
    xpd_grant(c, nova_crd_obj(sm, 0, PERM_ANY), 0x100, nova_crd_obj(0x100, 0, PERM_ANY));
    uint64_t dst = xpd_sel(1);
    CHECK_EQ(xpd_take(c, nova_item_delegate(dst, 0, 0, 0), nova_crd_obj(0x100, 0, PERM_ANY), nova_crd_null(),
                      nova_crd_null()), nova_crd_null());
    CHECK_EQ(xpd_rlookup(nova_crd_obj(dst, 0, 0)), nova_crd_null());
}

NOVA_TEST(xpd_memory_permissions_are_source_and_send_and_receive_masks)
{
    struct xpd_child *c = xpd_child();
    volatile uint64_t *p = marked(2);
    REQUIRE(c && p);
    uint64_t src = xpd_pageno(p), w = XPD_PROBE_PAGE + 0x180;
    uint64_t s0 = xpd_perms(xpd_rlookup(nova_crd_mem(src, 0, 0)));
    REQUIRE(s0 & NOVA_PERM_MEM_R);
    REQUIRE(s0 & NOVA_PERM_MEM_W);
    static const uint64_t snd[4] = { 7, 3, 1, 5 }, rcv[4] = { 1, 7, 3, 7 };
    for (unsigned i = 0; i < 4; i++) {
        xpd_grant(c, nova_crd_mem(src + i, 0, snd[i]), w + i, nova_crd_mem(w + i, 0, rcv[i]));
        uint64_t want = s0 & snd[i] & rcv[i];
        CHECK_EQ(xpd_lookup(c, nova_crd_mem(w + i, 0, 0)), want ? nova_crd_mem(w + i, 0, want) : nova_crd_null());
    }
    /* page 0: read-only */
    CHECK_EQ(child_marker(c, w), 0x100);
    CHECK(xpd_write(c, (w << 12) + 8, 1));
    CHECK(c->pf_err & 2);
    CHECK_EQ(p[1], 0);
    /* page 1: writable */
    CHECK(!xpd_write(c, ((w + 1) << 12) + 8, 0x77));
    CHECK_EQ(p[512 + 1], 0x77);
    /* page 2: read-only */
    CHECK_EQ(child_marker(c, w + 2), 0x102);
    CHECK(xpd_write(c, ((w + 2) << 12) + 8, 1));
    CHECK_EQ(c->pf_probe, 2);
}

/* 4.3: the destination's permissions are the AND of the three, whatever
 * they are; a memory capability without r (w or x only) is still a
 * capability (4.1.2), as the one revoke leaves when it removes r. */
NOVA_TEST(xpd_memory_masked_to_w_or_x_only_is_still_delegated)
{
    struct xpd_child *c = xpd_child();
    volatile uint64_t *p = xpd_page(1);
    REQUIRE(c && p);
    uint64_t src = xpd_pageno(p), w = XPD_PROBE_PAGE + 0x190;
    uint64_t s0 = xpd_perms(xpd_rlookup(nova_crd_mem(src, 0, 0)));
    REQUIRE(s0 & NOVA_PERM_MEM_W);
    /* revoke of r from a delegated rw page leaves w */
    xpd_grant(c, nova_crd_mem(src, 0, 3), w, nova_crd_mem(w, 0, 7));
    CHECK_EQ(nova_revoke(nova_crd_mem(src, 0, NOVA_PERM_MEM_R), 0), NOVA_SUCCESS);
    CHECK_EQ(xpd_lookup(c, nova_crd_mem(w, 0, 0)), nova_crd_mem(w, 0, NOVA_PERM_MEM_W));
    /* delegation with send mask w|x gives the AND */
    xpd_grant(c, nova_crd_mem(src + 1, 0, 6), w + 1, nova_crd_mem(w + 1, 0, 7));
    CHECK_EQ(xpd_lookup(c, nova_crd_mem(w + 1, 0, 0)), nova_crd_mem(w + 1, 0, s0 & 6));
}

NOVA_TEST(xpd_object_permissions_are_masked_on_each_hop)
{
    struct xpd_child *a = xpd_child(), *b = xpd_child();
    REQUIRE(a && b);
    REQUIRE(xpd_link(a, b, XPD_LINK));
    uint64_t sm = xpd_sel(1);
    REQUIRE_OK(nova_create_sm(sm, SEL_ROOT_PD, 0));
    uint64_t s0 = xpd_perms(xpd_rlookup(nova_crd_obj(sm, 0, 0)));
    REQUIRE_EQ(s0 & 3, 3);
    /* root -> A: send mask up|dn|(others), window all */
    xpd_grant(a, nova_crd_obj(sm, 0, PERM_ANY), 0x100, nova_crd_obj(0x100, 0, PERM_ANY));
    CHECK_EQ(xpd_lookup(a, nova_crd_obj(0x100, 0, 0)), nova_crd_obj(0x100, 0, s0));
    /* A -> B: send mask dn|up, B's window only up */
    xpd_pass(a, b, XPD_LINK, nova_item_delegate(0x100, 0, 0, 0), nova_crd_obj(0x100, 0, 3),
             nova_crd_obj(0x100, 0, NOVA_PERM_SM_UP), nova_crd_null());
    CHECK_EQ(xpd_lookup(b, nova_crd_obj(0x100, 0, 0)), nova_crd_obj(0x100, 0, NOVA_PERM_SM_UP));
    CHECK_EQ(xpd_op(b, XPD_SM_CTRL, 0x100, NOVA_FLAG_SM_CTRL_DN, 0), NOVA_BAD_CAP);
    REQUIRE_EQ(xpd_op(b, XPD_SM_CTRL, 0x100, 0, 0), NOVA_SUCCESS);
    CHECK_EQ(xpd_op(a, XPD_SM_CTRL, 0x100, NOVA_FLAG_SM_CTRL_DN, 0), NOVA_SUCCESS);
    /* A -> B again: send mask dn only, window up only: nothing left to delegate */
    xpd_pass(a, b, XPD_LINK, nova_item_delegate(0x101, 0, 0, 0), nova_crd_obj(0x100, 0, NOVA_PERM_SM_DN),
             nova_crd_obj(0x101, 0, NOVA_PERM_SM_UP), nova_crd_null());
    CHECK_EQ(xpd_lookup(b, nova_crd_obj(0x101, 0, 0)), nova_crd_null());
    /* root -> A with send mask dn: A has dn only */
    xpd_grant(a, nova_crd_obj(sm, 0, NOVA_PERM_SM_DN), 0x102, nova_crd_obj(0x102, 0, PERM_ANY));
    CHECK_EQ(xpd_lookup(a, nova_crd_obj(0x102, 0, 0)), nova_crd_obj(0x102, 0, NOVA_PERM_SM_DN));
    CHECK_EQ(xpd_op(a, XPD_SM_CTRL, 0x102, 0, 0), NOVA_BAD_CAP);
}

NOVA_TEST(xpd_port_with_a_zero_mask_is_not_delegated)
{
    struct xpd_child *c = xpd_child();
    REQUIRE(c);
    REQUIRE(xpd_take_ports(PORT, 0));
    xpd_grant(c, nova_crd_pio(PORT, 0, 0), PORT, nova_crd_pio(PORT, 0, 1));
    CHECK_EQ(xpd_lookup(c, nova_crd_pio(PORT, 0, 0)), nova_crd_null());
    xpd_grant(c, nova_crd_pio(PORT, 0, 1), PORT, nova_crd_pio(PORT, 0, 0));
    CHECK_EQ(xpd_lookup(c, nova_crd_pio(PORT, 0, 0)), nova_crd_null());
    uint64_t v;
    CHECK(xpd_in(c, PORT, &v));
    CHECK_EQ(c->gp_probe, 1);
}

NOVA_TEST(xpd_portal_without_the_call_permission_answers_bad_cap)
{
    struct xpd_child *a = xpd_child(), *b = xpd_child();
    REQUIRE(a && b);
    xpd_grant(a, nova_crd_obj(b->pt, 0, NOVA_PERM_PT_CT), 0x100, nova_crd_obj(0x100, 0, PERM_ANY));
    xpd_grant(a, nova_crd_obj(b->pt, 0, NOVA_PERM_PT_CALL), 0x101, nova_crd_obj(0x101, 0, PERM_ANY));
    CHECK_EQ(xpd_lookup(a, nova_crd_obj(0x100, 0, 0)), nova_crd_obj(0x100, 0, NOVA_PERM_PT_CT));
    uint64_t w[1] = { XPD_NOP };
    struct xpd_reply r;
    xpd_relay(a, 0x100, nova_crd_null(), nova_crd_null(), w, 1, &r);
    CHECK_EQ(r.r0, NOVA_BAD_CAP);
    xpd_relay(a, 0x101, nova_crd_null(), nova_crd_null(), w, 1, &r);
    CHECK_EQ(r.r0, NOVA_SUCCESS);
    /* pt_ctrl needs ct */
    CHECK_EQ(xpd_op(a, XPD_PT_CTRL, 0x101, 7, 0), NOVA_BAD_CAP);
    CHECK_EQ(xpd_op(a, XPD_PT_CTRL, 0x100, b->idx, 0), NOVA_SUCCESS);
}

NOVA_TEST(xpd_translate_gives_the_root_its_own_selector_back)
{
    struct xpd_child *c = xpd_child();
    volatile uint64_t *p = xpd_page(0);
    REQUIRE(c && p);
    uint64_t sm = xpd_sel(1);
    REQUIRE_OK(nova_create_sm(sm, SEL_ROOT_PD, 0));
    xpd_grant(c, nova_crd_obj(sm, 0, PERM_ANY), 0x155, nova_crd_obj(0x155, 0, PERM_ANY));
    uint64_t back = xpd_take(c, nova_item_translate(), nova_crd_obj(0x155, 0, 0), nova_crd_null(),
                             nova_crd_obj(0, 20, PERM_ANY));
    CHECK_EQ(back, nova_crd_obj(sm, 0, xpd_perms(xpd_lookup(c, nova_crd_obj(0x155, 0, 0)))));
    /* memory: the child's page comes back as the root's page */
    uint64_t w = XPD_PROBE_PAGE + 0x1c0;
    xpd_grant(c, nova_crd_mem(xpd_pageno(p), 0, NOVA_PERM_MEM_R), w, nova_crd_mem(w, 0, 7));
    back = xpd_take(c, nova_item_translate(), nova_crd_mem(w, 0, 0), nova_crd_null(), nova_crd_mem(0, 31, 7));
    CHECK_EQ(back, nova_crd_mem(xpd_pageno(p), 0, NOVA_PERM_MEM_R));
    /* a page the pager gave: the root's same page */
    uint64_t code = xpd_agent_code() >> 12;
    back = xpd_take(c, nova_item_translate(), nova_crd_mem(code, 0, 0), nova_crd_null(), nova_crd_mem(0, 31, 7));
    CHECK_EQ(xpd_nomask(back), nova_crd_mem(code, 0, 0));
    /* ports */
    REQUIRE(xpd_take_ports(PORT, 0));
    xpd_grant(c, nova_crd_pio(PORT, 0, 1), PORT, nova_crd_pio(PORT, 0, 1));
    back = xpd_take(c, nova_item_translate(), nova_crd_pio(PORT, 0, 0), nova_crd_null(), nova_crd_pio(0, 16, 1));
    CHECK_EQ(back, nova_crd_pio(PORT, 0, 1));
}

NOVA_TEST(xpd_translate_of_a_capability_not_derived_from_the_receiver_is_null)
{
    struct xpd_child *c = xpd_child();
    REQUIRE(c);
    uint64_t pd = xpd_sel(1), sm = xpd_sel(1);
    REQUIRE_OK(nova_create_pd(pd, SEL_ROOT_PD, nova_crd_null()));
    REQUIRE_OK(nova_create_sm(sm, SEL_ROOT_PD, 0));
    xpd_grant(c, nova_crd_obj(pd, 0, NOVA_PERM_PD_ALL), 0x100, nova_crd_obj(0x100, 0, PERM_ANY));
    xpd_grant(c, nova_crd_obj(sm, 0, PERM_ANY), 0x101, nova_crd_obj(0x101, 0, PERM_ANY));
    /* a semaphore the child made itself */
    REQUIRE_EQ(xpd_op(c, XPD_CREATE_SM, 0x102, 0x100, 0), NOVA_SUCCESS);
    uint64_t all = nova_crd_obj(0, 20, PERM_ANY);
    CHECK_EQ(xpd_take(c, nova_item_translate(), nova_crd_obj(0x102, 0, 0), nova_crd_null(), all), nova_crd_null());
    /* an empty selector */
    CHECK_EQ(xpd_take(c, nova_item_translate(), nova_crd_obj(0x103, 0, 0), nova_crd_null(), all), nova_crd_null());
    /* derived, but the source lies outside the root's translate window */
    uint64_t outside = nova_crd_obj((sm + 0x10000) & 0xf0000, 16, PERM_ANY);
    CHECK_EQ(xpd_take(c, nova_item_translate(), nova_crd_obj(0x101, 0, 0), nova_crd_null(), outside), nova_crd_null());
    /* translation disabled by a null window */
    CHECK_EQ(xpd_take(c, nova_item_translate(), nova_crd_obj(0x101, 0, 0), nova_crd_null(), nova_crd_null()),
             nova_crd_null());
    /* still works with a proper window */
    CHECK_EQ(xpd_nomask(xpd_take(c, nova_item_translate(), nova_crd_obj(0x101, 0, 0), nova_crd_null(), all)),
             nova_crd_obj(sm, 0, 0));
}

NOVA_TEST(xpd_translate_from_b_to_a_names_a_s_selector)
{
    struct xpd_child *a = xpd_child(), *b = xpd_child(), *c = xpd_child();
    REQUIRE(a && b && c);
    REQUIRE(xpd_link(a, b, XPD_LINK));
    REQUIRE(xpd_link(b, a, XPD_LINK));
    uint64_t sm = xpd_sel(1);
    REQUIRE_OK(nova_create_sm(sm, SEL_ROOT_PD, 0));
    xpd_grant(a, nova_crd_obj(sm, 0, PERM_ANY), 0x123, nova_crd_obj(0x123, 0, PERM_ANY));
    xpd_pass(a, b, XPD_LINK, nova_item_delegate(0x1e0, 0, 0, 0), nova_crd_obj(0x123, 0, PERM_ANY),
             nova_crd_obj(0x1e0, 0, PERM_ANY), nova_crd_null());
    /* A calls B; B answers with a translate item of its copy: A learns 0x123 */
    uint64_t w[4] = { XPD_SEND, 1, nova_item_translate(), nova_crd_obj(0x1e0, 0, 0) };
    struct xpd_reply r;
    xpd_relay(a, XPD_LINK, nova_crd_null(), nova_crd_obj(0, 20, PERM_ANY), w, 4, &r);
    CHECK_EQ(r.r0, NOVA_SUCCESS);
    CHECK_EQ(r.nt, 1);
    CHECK_EQ(xpd_nomask(r.crd[0]), nova_crd_obj(0x123, 0, 0));
    /* C never had it: null */
    xpd_grant(c, nova_crd_obj(b->pt, 0, PERM_ANY), XPD_LINK, nova_crd_obj(XPD_LINK, 0, PERM_ANY));
    xpd_relay(c, XPD_LINK, nova_crd_null(), nova_crd_obj(0, 20, PERM_ANY), w, 4, &r);
    CHECK_EQ(r.r0, NOVA_SUCCESS);
    CHECK_EQ(r.nt, 1);
    CHECK_EQ(r.crd[0], nova_crd_null());
}
