/* The debug extension's pd_charge sub-operation: the kernel memory charged
 * to a PD, read through any capability to it. The leak tests
 * (test_leak_*.c) build on it. */
#include "self_delegate.h"
#include "support.h"

#define CH_SEL  0x30000u   /* this file's selectors: 0x30000-0x300ff */
#define CH_UTCB 0x0000310000000000ull

static uint8_t ch_stack[4096] __attribute__((aligned(16)));

static uint64_t charge(uint64_t sel)
{
    uint64_t bytes = 0;
    CHECK_EQ(nova_debug_pd_charge(sel, &bytes), NOVA_SUCCESS);
    return bytes;
}

NOVA_TEST(pd_charge_reads_the_root_pd)
{
    uint64_t bytes = ~0ull;
    CHECK_EQ(nova_debug_pd_charge(SEL_ROOT_PD, &bytes), NOVA_SUCCESS);
    CHECK(bytes >= 4096 && bytes != ~0ull);   /* at least its page-table root */
    CHECK_EQ(charge(SEL_ROOT_PD), bytes);      /* reading changes nothing */
}

NOVA_TEST(pd_charge_of_an_empty_selector_is_bad_cap)
{
    uint64_t bytes = 0x5a5a;
    CHECK_EQ(nova_debug_pd_charge(CH_SEL, &bytes), NOVA_BAD_CAP);
    CHECK_EQ(nova_debug_pd_charge(SEL_EMPTY_EVT, &bytes), NOVA_BAD_CAP);
}

NOVA_TEST(pd_charge_of_a_capability_to_another_object_is_bad_cap)
{
    uint64_t bytes;
    CHECK_EQ(nova_debug_pd_charge(SEL_ROOT_EC, &bytes), NOVA_BAD_CAP);
    CHECK_EQ(nova_debug_pd_charge(SEL_ROOT_SC, &bytes), NOVA_BAD_CAP);
    REQUIRE_EQ(nova_create_sm(CH_SEL + 1, SEL_ROOT_PD, 0), NOVA_SUCCESS);
    CHECK_EQ(nova_debug_pd_charge(CH_SEL + 1, &bytes), NOVA_BAD_CAP);
    REQUIRE_EQ(nova_revoke(nova_crd_obj(CH_SEL + 1, 0, NOVA_PERM_SM_ALL), NOVA_FLAG_REVOKE_SR), NOVA_SUCCESS);
}

NOVA_TEST(pd_charge_takes_a_capability_with_any_permissions)
{
    /* a copy of the root PD's capability with only the `sm` permission */
    REQUIRE_EQ(delegate_to_self(nova_crd_obj(SEL_ROOT_PD, 0, NOVA_PERM_PD_SM), CH_SEL + 2, false,
                                nova_crd_obj(CH_SEL + 2, 0, PERM_ANY)),
               NOVA_SUCCESS);
    REQUIRE_EQ(nova_crd_mask(lookup_sel(CH_SEL + 2)), NOVA_PERM_PD_SM);
    uint64_t bytes = 0;
    CHECK_EQ(nova_debug_pd_charge(CH_SEL + 2, &bytes), NOVA_SUCCESS);
    CHECK_EQ(bytes, charge(SEL_ROOT_PD));
    REQUIRE_EQ(nova_revoke(nova_crd_obj(CH_SEL + 2, 0, PERM_ANY), NOVA_FLAG_REVOKE_SR), NOVA_SUCCESS);
    CHECK_EQ(nova_debug_pd_charge(CH_SEL + 2, &bytes), NOVA_BAD_CAP);   /* gone with its capability */
}

NOVA_TEST(pd_charge_selectors_wrap_like_every_selector)
{
    CHECK_EQ(charge(SEL_ROOT_PD + NOVA_SEL_COUNT), charge(SEL_ROOT_PD));
}

/* One round: a PD with an EC in it, both destroyed. The capability nodes
 * come and go with them, but a radix table made for a selector stays with
 * its space: the first round may leave tables, a second one nothing. */
static void pd_with_ec_round(uint64_t *with_pd, uint64_t *child)
{
    REQUIRE_EQ(nova_create_pd(CH_SEL + 3, SEL_ROOT_PD, nova_crd_null()), NOVA_SUCCESS);
    *with_pd = charge(SEL_ROOT_PD);
    uint64_t sp = (uintptr_t)&ch_stack[sizeof ch_stack] - 8;
    REQUIRE_EQ(nova_create_ec(CH_SEL + 4, CH_SEL + 3, nova_boot_cpu, CH_UTCB, sp, 0, 0), NOVA_SUCCESS);
    *child = charge(CH_SEL + 3);
    REQUIRE_EQ(nova_revoke(nova_crd_obj(CH_SEL + 4, 0, NOVA_PERM_EC_ALL), NOVA_FLAG_REVOKE_SR), NOVA_SUCCESS);
    REQUIRE_EQ(nova_revoke(nova_crd_obj(CH_SEL + 3, 0, NOVA_PERM_PD_ALL), NOVA_FLAG_REVOKE_SR), NOVA_SUCCESS);
}

NOVA_TEST(pd_charge_follows_creation_and_destruction)
{
    uint64_t with_pd, child;
    pd_with_ec_round(&with_pd, &child);
    uint64_t before = charge(SEL_ROOT_PD);
    pd_with_ec_round(&with_pd, &child);
    CHECK(with_pd > before);        /* the new PD and the capability to it */
    CHECK(child >= 3 * 4096);       /* its page-table root, the EC's UTCB and the EC, paid by the child */
    CHECK_EQ(charge(SEL_ROOT_PD), before);
}
