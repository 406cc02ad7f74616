/* Revocation (spec 3.6, 5.3.6) and the exact CRDs of lookup (5.3.7). A
 * delegator EC in the root PD replies with whatever typed item the root
 * sends it (self_delegate.c), so the root derives capabilities from its
 * own inside its own spaces and watches them with lookup. */
#include "self_delegate.h"
#include "support.h"
#include "test.h"

#define RV_SEL   0x7a00   /* this file's objects (0x7400 self_delegate, 0x7600 test_irq) */
#define COM1     0x3f8

static uint64_t lookup(uint64_t crd)
{
    CHECK_EQ(nova_lookup(&crd), NOVA_SUCCESS);
    return crd;
}

NOVA_TEST(revoke_removes_a_derived_object_capability_but_not_the_source)
{
    uint64_t sm = RV_SEL + 0x100, copy = RV_SEL + 0x101;
    REQUIRE_EQ(nova_create_sm(sm, SEL_ROOT_PD, 0), NOVA_SUCCESS);
    REQUIRE_EQ(delegate_to_self(nova_crd_obj(sm, 0, 0x3), copy, false, nova_crd_obj(copy, 0, PERM_ANY)), NOVA_SUCCESS);
    CHECK_EQ(lookup(nova_crd_obj(copy, 0, 0)), nova_crd_obj(copy, 0, 0x3));
    CHECK_EQ(nova_sm_ctrl(copy, 0), NOVA_SUCCESS);   /* the copy works */
    CHECK_EQ(nova_revoke(nova_crd_obj(sm, 0, NOVA_PERM_SM_ALL), 0), NOVA_SUCCESS);
    CHECK_EQ(lookup(nova_crd_obj(copy, 0, 0)), nova_crd_null());
    CHECK_EQ(lookup(nova_crd_obj(sm, 0, 0)), nova_crd_obj(sm, 0, 0x3));
    CHECK_EQ(nova_sm_ctrl(copy, 0), NOVA_BAD_CAP);
    CHECK_EQ(nova_sm_ctrl(sm, NOVA_FLAG_SM_CTRL_DN), NOVA_SUCCESS);   /* the up through the copy counted */
}

NOVA_TEST(revoke_with_a_partial_mask_leaves_the_other_permissions)
{
    uint64_t sm = RV_SEL + 0x110, copy = RV_SEL + 0x111;
    REQUIRE_EQ(nova_create_sm(sm, SEL_ROOT_PD, 1), NOVA_SUCCESS);
    REQUIRE_EQ(delegate_to_self(nova_crd_obj(sm, 0, 0x3), copy, false, nova_crd_obj(copy, 0, PERM_ANY)), NOVA_SUCCESS);
    CHECK_EQ(nova_revoke(nova_crd_obj(sm, 0, NOVA_PERM_SM_DN), 0), NOVA_SUCCESS);
    CHECK_EQ(lookup(nova_crd_obj(copy, 0, 0)), nova_crd_obj(copy, 0, NOVA_PERM_SM_UP));
    CHECK_EQ(nova_sm_ctrl(copy, NOVA_FLAG_SM_CTRL_DN), NOVA_BAD_CAP);
    CHECK_EQ(nova_sm_ctrl(copy, 0), NOVA_SUCCESS);
}

NOVA_TEST(self_revoke_destroys_the_object_with_its_last_capability)
{
    uint64_t sm = RV_SEL + 0x120, copy = RV_SEL + 0x121;
    REQUIRE_EQ(nova_create_sm(sm, SEL_ROOT_PD, 0), NOVA_SUCCESS);
    REQUIRE_EQ(delegate_to_self(nova_crd_obj(sm, 0, 0x3), copy, false, nova_crd_obj(copy, 0, PERM_ANY)), NOVA_SUCCESS);
    CHECK_EQ(nova_revoke(nova_crd_obj(sm, 0, NOVA_PERM_SM_ALL), NOVA_FLAG_REVOKE_SR), NOVA_SUCCESS);
    CHECK_EQ(lookup(nova_crd_obj(sm, 0, 0)), nova_crd_null());
    CHECK_EQ(lookup(nova_crd_obj(copy, 0, 0)), nova_crd_null());
    CHECK_EQ(nova_sm_ctrl(sm, 0), NOVA_BAD_CAP);
    /* the selector is free again */
    CHECK_EQ(nova_create_sm(sm, SEL_ROOT_PD, 0), NOVA_SUCCESS);
}

NOVA_TEST(revoke_of_an_empty_range_or_null_crd_succeeds)
{
    CHECK_EQ(nova_revoke(nova_crd_null(), NOVA_FLAG_REVOKE_SR), NOVA_SUCCESS);
    CHECK_EQ(nova_revoke(nova_crd_obj(RV_SEL + 0x300, 4, PERM_ANY), NOVA_FLAG_REVOKE_SR), NOVA_SUCCESS);
    CHECK_EQ(nova_revoke(nova_crd_mem(0, 20, 0x7), 0), NOVA_SUCCESS);
}

static uint64_t page_of(const void *p) { return (uintptr_t)p >> 12; }
static volatile uint64_t shared_word[512] __attribute__((aligned(4096)));
#define ALIAS_PAGE 0x3000000ull   /* an unused page number */

NOVA_TEST(memory_delegated_to_another_address_is_the_same_frame_until_revoked)
{
    shared_word[0] = 0xfeedface;
    uint64_t src = page_of((const void *)shared_word);
    REQUIRE_EQ(delegate_to_self(nova_crd_mem(src, 0, 0x3), ALIAS_PAGE, false, nova_crd_mem(ALIAS_PAGE, 0, 0x7)),
               NOVA_SUCCESS);
    CHECK_EQ(lookup(nova_crd_mem(ALIAS_PAGE, 0, 0)), nova_crd_mem(ALIAS_PAGE, 0, 0x3));
    volatile uint64_t *alias = (volatile uint64_t *)(ALIAS_PAGE << 12);
    CHECK_EQ(alias[0], 0xfeedface);
    alias[1] = 42;
    CHECK_EQ(shared_word[1], 42);
    CHECK_EQ(nova_revoke(nova_crd_mem(src, 0, NOVA_PERM_MEM_W), 0), NOVA_SUCCESS);
    CHECK_EQ(lookup(nova_crd_mem(ALIAS_PAGE, 0, 0)), nova_crd_mem(ALIAS_PAGE, 0, NOVA_PERM_MEM_R));
    CHECK_EQ(nova_revoke(nova_crd_mem(src, 0, 0x7), 0), NOVA_SUCCESS);
    CHECK_EQ(lookup(nova_crd_mem(ALIAS_PAGE, 0, 0)), nova_crd_null());
    CHECK_EQ(lookup(nova_crd_mem(src, 0, 0)) & 0x3, nova_crd_mem(src, 0, 0x3) & 0x3);   /* the source stays */
}

NOVA_TEST(the_utcb_survives_revoke_and_cannot_be_delegated)
{
    uint64_t utcb = page_of(nova_root_utcb());
    CHECK_EQ(nova_revoke(nova_crd_mem(utcb, 0, 0x7), NOVA_FLAG_REVOKE_SR), NOVA_SUCCESS);
    CHECK(nova_crd_type(lookup(nova_crd_mem(utcb, 0, 0))) == NOVA_CRD_TYPE_MEM);
    nova_root_utcb()->head.tls = 7;   /* still mapped */
    CHECK_EQ(delegate_to_self(nova_crd_mem(utcb, 0, 0x3), ALIAS_PAGE + 1, false,
                              nova_crd_mem(ALIAS_PAGE + 1, 0, 0x7)), NOVA_SUCCESS);
    CHECK_EQ(lookup(nova_crd_mem(ALIAS_PAGE + 1, 0, 0)), nova_crd_null());
}

NOVA_TEST(ports_taken_with_the_h_bit_are_lost_by_self_revoke)
{
    uint64_t port = COM1 + 7;   /* the scratch register */
    REQUIRE_EQ(delegate_to_self(nova_crd_pio(port, 0, 1), port, true, nova_crd_pio(port, 0, 1)), NOVA_SUCCESS);
    CHECK_EQ(lookup(nova_crd_pio(port, 0, 0)), nova_crd_pio(port, 0, 1));
    CHECK_EQ(nova_revoke(nova_crd_pio(port, 0, 1), NOVA_FLAG_REVOKE_SR), NOVA_SUCCESS);
    CHECK_EQ(lookup(nova_crd_pio(port, 0, 0)), nova_crd_null());
}

NOVA_TEST(the_hip_is_delegable_only_read_only)
{
    /* the H bit gives the HIP's frame read-only: find it through lookup? The
     * root's HIP mapping is a kernel-made capability; delegate it onward */
    uint64_t hip = page_of(nova_boot_hip);
    REQUIRE_EQ(delegate_to_self(nova_crd_mem(hip, 0, 0x7), ALIAS_PAGE + 2, false,
                                nova_crd_mem(ALIAS_PAGE + 2, 0, 0x7)), NOVA_SUCCESS);
    CHECK_EQ(lookup(nova_crd_mem(ALIAS_PAGE + 2, 0, 0)), nova_crd_mem(ALIAS_PAGE + 2, 0, NOVA_PERM_MEM_R));
}

NOVA_TEST(translate_finds_the_capability_a_copy_came_from)
{
    uint64_t sm = RV_SEL + 0x130, copy = RV_SEL + 0x131;
    REQUIRE_EQ(nova_create_sm(sm, SEL_ROOT_PD, 0), NOVA_SUCCESS);
    REQUIRE_EQ(delegate_to_self(nova_crd_obj(sm, 0, 0x1), copy, false, nova_crd_obj(copy, 0, PERM_ANY)), NOVA_SUCCESS);
    /* the copy, translated back into the same PD, names the original */
    CHECK_EQ(translate_from_self(nova_crd_obj(copy, 0, 0), nova_crd_obj(0, 20, PERM_ANY)), nova_crd_obj(sm, 0, 0x1));
    /* outside the translation window, or of another type: a null CRD */
    CHECK_EQ(translate_from_self(nova_crd_obj(copy, 0, 0), nova_crd_obj(sm + 0x1000, 4, PERM_ANY)), nova_crd_null());
    CHECK_EQ(translate_from_self(nova_crd_obj(copy, 0, 0), nova_crd_mem(0, 20, 0x7)), nova_crd_null());
    CHECK_EQ(translate_from_self(nova_crd_obj(RV_SEL + 0x132, 0, 0), nova_crd_obj(0, 20, PERM_ANY)), nova_crd_null());
}

/* --- revocations larger than one kernel entry's chunk -------------------- */

#define MANY       (2 * NOVA_REVOKE_CHUNK)   /* capabilities: the revoke restarts at least once */
#define MANY_ORDER ((unsigned)__builtin_ctz(MANY))
_Static_assert((MANY & (MANY - 1)) == 0, "a power of two, for one aligned CRD");

/* A semaphore at `base` and MANY - 1 copies derived from it filling the
 * block: each delegation copies the block's first 2^o capabilities to the
 * next 2^o selectors. */
static bool semaphore_with_many_copies(uint64_t base)
{
    if (nova_create_sm(base, SEL_ROOT_PD, 0) != NOVA_SUCCESS)
        return false;
    for (unsigned o = 0; o < MANY_ORDER; o++) {
        uint64_t half = 1ull << o;
        if (delegate_to_self(nova_crd_obj(base, o, NOVA_PERM_SM_ALL), base + half, false,
                             nova_crd_obj(base + half, o, NOVA_PERM_SM_ALL)) != NOVA_SUCCESS)
            return false;
    }
    return true;
}

/* How many selectors of [first, first + n) hold a capability. */
static unsigned holding(uint64_t first, unsigned n)
{
    unsigned held = 0;
    for (unsigned i = 0; i < n; i++)
        held += lookup(nova_crd_obj(first + i, 0, 0)) != nova_crd_null();
    return held;
}

NOVA_TEST(revoke_of_more_copies_than_one_chunk_removes_them_all)
{
    uint64_t base = sel_alloc(MANY);
    REQUIRE(semaphore_with_many_copies(base));
    REQUIRE_EQ(holding(base, MANY), MANY);
    CHECK_EQ(nova_revoke(nova_crd_obj(base, 0, NOVA_PERM_SM_ALL), 0), NOVA_SUCCESS);
    CHECK_EQ(holding(base + 1, MANY - 1), 0);
    CHECK_EQ(lookup(nova_crd_obj(base, 0, 0)), nova_crd_obj(base, 0, NOVA_PERM_SM_ALL));   /* the source stays */
    CHECK_EQ(nova_sm_ctrl(base, 0), NOVA_SUCCESS);
    CHECK_EQ(nova_sm_ctrl(base, NOVA_FLAG_SM_CTRL_DN), NOVA_SUCCESS);
    CHECK_EQ(nova_revoke(nova_crd_obj(base, 0, NOVA_PERM_SM_ALL), NOVA_FLAG_REVOKE_SR), NOVA_SUCCESS);
}

NOVA_TEST(self_revoke_of_a_range_larger_than_one_chunk_empties_it)
{
    uint64_t base = sel_alloc(MANY);
    REQUIRE(semaphore_with_many_copies(base));
    CHECK_EQ(nova_revoke(nova_crd_obj(base, MANY_ORDER, NOVA_PERM_SM_ALL), NOVA_FLAG_REVOKE_SR), NOVA_SUCCESS);
    CHECK_EQ(holding(base, MANY), 0);
    CHECK_EQ(nova_create_sm(base, SEL_ROOT_PD, 0), NOVA_SUCCESS);   /* the selectors are free again */
}
