/* Object destruction (spec 3.6): the last capability destroys an object
 * and returns its memory to the owner's account. Each loop creates and
 * destroys far more objects than the kernel pool could hold at once. */
#include "test.h"

#define LC_SEL   0x7c00
#define LC_UTCB  0x0000240000000000ull
#define ROUNDS   16000   /* x ~4 KiB of PD or UTCB: well beyond the pool */

static uint8_t lc_stack[4096] __attribute__((aligned(16)));

NOVA_TEST(destroyed_pds_return_their_memory)
{
    for (unsigned i = 0; i < ROUNDS; i++) {
        REQUIRE_EQ(nova_create_pd(LC_SEL, SEL_ROOT_PD, nova_crd_null()), NOVA_SUCCESS);
        REQUIRE_EQ(nova_revoke(nova_crd_obj(LC_SEL, 0, NOVA_PERM_PD_ALL), NOVA_FLAG_REVOKE_SR), NOVA_SUCCESS);
    }
}

NOVA_TEST(destroyed_ecs_return_their_memory_and_utcb_address)
{
    uint64_t sp = (uintptr_t)&lc_stack[sizeof lc_stack] - 8;
    for (unsigned i = 0; i < ROUNDS; i++) {
        REQUIRE_EQ(nova_create_ec(LC_SEL + 1, SEL_ROOT_PD, nova_boot_cpu, LC_UTCB, sp, 0, 0), NOVA_SUCCESS);
        REQUIRE_EQ(nova_revoke(nova_crd_obj(LC_SEL + 1, 0, NOVA_PERM_EC_ALL), NOVA_FLAG_REVOKE_SR), NOVA_SUCCESS);
    }
    uint64_t crd = nova_crd_mem(LC_UTCB >> 12, 0, 0);
    REQUIRE_EQ(nova_lookup(&crd), NOVA_SUCCESS);
    CHECK_EQ(crd, nova_crd_null());   /* the UTCB went with its EC */
}

NOVA_TEST(an_ec_lives_while_a_portal_refers_to_it)
{
    uint64_t sp = (uintptr_t)&lc_stack[sizeof lc_stack] - 8, utcb = LC_UTCB + 0x1000;
    REQUIRE_EQ(nova_create_ec(LC_SEL + 2, SEL_ROOT_PD, nova_boot_cpu, utcb, sp, 0, 0), NOVA_SUCCESS);
    REQUIRE_EQ(nova_create_pt(LC_SEL + 3, SEL_ROOT_PD, LC_SEL + 2, 0, 0x1000), NOVA_SUCCESS);
    REQUIRE_EQ(nova_revoke(nova_crd_obj(LC_SEL + 2, 0, NOVA_PERM_EC_ALL), NOVA_FLAG_REVOKE_SR), NOVA_SUCCESS);
    uint64_t crd = nova_crd_mem(utcb >> 12, 0, 0);
    REQUIRE_EQ(nova_lookup(&crd), NOVA_SUCCESS);
    CHECK(nova_crd_type(crd) == NOVA_CRD_TYPE_MEM);   /* still alive: the portal holds it */
    REQUIRE_EQ(nova_revoke(nova_crd_obj(LC_SEL + 3, 0, NOVA_PERM_PT_ALL), NOVA_FLAG_REVOKE_SR), NOVA_SUCCESS);
    crd = nova_crd_mem(utcb >> 12, 0, 0);
    REQUIRE_EQ(nova_lookup(&crd), NOVA_SUCCESS);
    CHECK_EQ(crd, nova_crd_null());   /* gone with the portal */
}

NOVA_TEST(a_destroyed_sc_is_unusable)
{
    uint64_t sp = (uintptr_t)&lc_stack[sizeof lc_stack] - 8, utcb = LC_UTCB + 0x2000;
    /* a global EC whose SC is revoked before it can run: priority 1 = the
     * root's, so create_sc returns to the root first */
    REQUIRE_EQ(nova_create_ec(LC_SEL + 4, SEL_ROOT_PD, nova_boot_cpu, utcb, sp, 0x10000, NOVA_FLAG_CREATE_EC_G),
               NOVA_SUCCESS);
    REQUIRE_EQ(nova_create_sc(LC_SEL + 5, SEL_ROOT_PD, LC_SEL + 4, nova_qpd(1000, 1)), NOVA_SUCCESS);
    REQUIRE_EQ(nova_revoke(nova_crd_obj(LC_SEL + 5, 0, NOVA_PERM_SC_ALL), NOVA_FLAG_REVOKE_SR), NOVA_SUCCESS);
    uint64_t t = 0;
    CHECK_EQ(nova_sc_ctrl(LC_SEL + 5, &t), NOVA_BAD_CAP);
    CHECK_EQ(nova_create_sc(LC_SEL + 5, SEL_ROOT_PD, LC_SEL + 4, nova_qpd(1000, 1)), NOVA_SUCCESS);
    REQUIRE_EQ(nova_revoke(nova_crd_obj(LC_SEL + 4, 0, NOVA_PERM_EC_ALL), NOVA_FLAG_REVOKE_SR), NOVA_SUCCESS);
    REQUIRE_EQ(nova_revoke(nova_crd_obj(LC_SEL + 5, 0, NOVA_PERM_SC_ALL), NOVA_FLAG_REVOKE_SR), NOVA_SUCCESS);
}
