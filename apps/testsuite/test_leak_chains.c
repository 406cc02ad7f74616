/* Leak tests of the mapping database: a page and a capability are
 * delegated down a chain of PDs, root -> A -> B -> C, and revoked, by the
 * root (its own copy stays) or by A (its copy and everything below go),
 * 300 times each; then the charges of the root and of A, B and C (their
 * capability nodes) are back where they were. A revocation that forgot to
 * free a node, or freed it to the wrong account, leaves them higher.
 * Children and their agents are test_xpd's (xpd.h). */
#include "xpd.h"

#define CHAIN_ROUNDS 300u
#define WIN_SEL  0x100u                      /* the window selector in every child */
#define WIN_PAGE (XPD_PROBE_PAGE + 0x100)    /* the window page in every child */
#define CN_SM    0x30200u                    /* this file's selectors: 0x30200-0x302ff */

static struct xpd_child *a, *b, *c;

static uint64_t charge(uint64_t sel)
{
    uint64_t bytes = 0;
    CHECK_EQ(nova_debug_pd_charge(sel, &bytes), NOVA_SUCCESS);
    return bytes;
}

static bool chain_ready(void)
{
    if (a)
        return true;
    struct xpd_child *x = xpd_child(), *y = xpd_child(), *z = xpd_child();
    if (!x || !y || !z || !xpd_link(x, y, XPD_LINK) || !xpd_link(y, z, XPD_LINK))
        return false;
    a = x, b = y, c = z;
    return true;
}

/* One round: `src` (a CRD in the root) to A's window, from A to B, from B
 * to C; then revoked by the root (even rounds) or by A with SR (odd). */
static unsigned round_no;

static bool chain_round(uint64_t src, uint64_t hotspot, uint64_t a_crd, uint64_t win)
{
    bool odd = round_no++ & 1;
    uint64_t item_a = nova_item_delegate(nova_crd_base(a_crd), 0, 0, 0);
    bool ok = xpd_give(a, nova_item_delegate(hotspot, 0, 0, 0), src) != XPD_NONE &&
              xpd_pass(a, b, XPD_LINK, item_a, a_crd, win, nova_crd_null()) != XPD_NONE &&
              xpd_pass(b, c, XPD_LINK, item_a, a_crd, win, nova_crd_null()) != XPD_NONE;
    if (!ok)
        return false;
    if (odd)
        return xpd_op(a, XPD_REVOKE, a_crd, NOVA_FLAG_REVOKE_SR, 0) == NOVA_SUCCESS;
    return nova_revoke(src, 0) == NOVA_SUCCESS;
}

/* Warm-up rounds (radix tables, the agents' pages), then the check. */
static void chain_check(uint64_t src, uint64_t hotspot, uint64_t a_crd, uint64_t win)
{
    xpd_setwin(a, win, nova_crd_null());
    for (unsigned i = 0; i < 4; i++)
        REQUIRE(chain_round(src, hotspot, a_crd, win));
    uint64_t root0 = charge(SEL_ROOT_PD), a0 = charge(a->pd), b0 = charge(b->pd), c0 = charge(c->pd);
    for (unsigned i = 0; i < CHAIN_ROUNDS; i++)
        REQUIRE(chain_round(src, hotspot, a_crd, win));
    CHECK_EQ(xpd_lookup(c, a_crd & ~NOVA_CRD_MASK_MASK), nova_crd_null());
    CHECK_EQ(xpd_lookup(a, a_crd & ~NOVA_CRD_MASK_MASK), nova_crd_null());
    CHECK_EQ(charge(SEL_ROOT_PD), root0);
    CHECK_EQ(charge(a->pd), a0);
    CHECK_EQ(charge(b->pd), b0);
    CHECK_EQ(charge(c->pd), c0);
    xpd_setwin(a, nova_crd_null(), nova_crd_null());
}

NOVA_TEST(leak_page_delegated_down_a_chain_and_revoked)
{
    REQUIRE(chain_ready());
    volatile uint64_t *p = xpd_page(0);
    REQUIRE(p);
    p[0] = 1;
    uint64_t page = xpd_pageno(p);
    chain_check(nova_crd_mem(page, 0, NOVA_PERM_MEM_R | NOVA_PERM_MEM_W), page,
                nova_crd_mem(WIN_PAGE, 0, NOVA_PERM_MEM_R | NOVA_PERM_MEM_W), nova_crd_mem(WIN_PAGE, 0, 7));
    CHECK_EQ(p[0], 1);
}

NOVA_TEST(leak_capability_delegated_down_a_chain_and_revoked)
{
    REQUIRE(chain_ready());
    REQUIRE_OK(nova_create_sm(CN_SM, SEL_ROOT_PD, 0));
    chain_check(nova_crd_obj(CN_SM, 0, NOVA_PERM_SM_ALL), CN_SM, nova_crd_obj(WIN_SEL, 0, NOVA_PERM_SM_ALL),
                nova_crd_obj(WIN_SEL, 0, PERM_ANY));
    CHECK_EQ(nova_revoke(nova_crd_obj(CN_SM, 0, PERM_ANY), NOVA_FLAG_REVOKE_SR), NOVA_SUCCESS);
}
