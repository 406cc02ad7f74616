/* The root object space (spec 6.1.2.3) and lookup (spec 5.3.7). */
#include "test.h"

static uint64_t lookup_obj(uint64_t sel)
{
    uint64_t crd = nova_crd_obj(sel, 0, 0);
    uint8_t st = nova_lookup(&crd);
    CHECK_EQ(st, NOVA_SUCCESS);
    return crd;
}

static void check_obj_cap(uint64_t sel, uint64_t perms)
{
    uint64_t crd = lookup_obj(sel);
    CHECK_EQ(nova_crd_type(crd), NOVA_CRD_TYPE_OBJ);
    CHECK_EQ(nova_crd_base(crd), sel);
    CHECK_EQ(nova_crd_order(crd), 0);
    CHECK_EQ(nova_crd_mask(crd), perms);
}

NOVA_TEST(root_pd_capability_at_exc_plus_0)
{
    check_obj_cap(SEL_ROOT_PD, NOVA_PERM_PD_PD | NOVA_PERM_PD_EC | NOVA_PERM_PD_SC | NOVA_PERM_PD_PT |
                                   NOVA_PERM_PD_SM);
}

NOVA_TEST(root_ec_capability_at_exc_plus_1)
{
    check_obj_cap(SEL_ROOT_EC, NOVA_PERM_EC_CT | NOVA_PERM_EC_SC | NOVA_PERM_EC_PT);
}

NOVA_TEST(root_sc_capability_at_exc_plus_2) { check_obj_cap(SEL_ROOT_SC, NOVA_PERM_SC_CT); }

NOVA_TEST(other_root_selectors_are_null)
{
    for (uint64_t sel = 0; sel < NOVA_EXC_SELECTORS; sel++)
        CHECK_EQ(lookup_obj(sel), nova_crd_null());
    CHECK_EQ(lookup_obj(SEL_ROOT_SC + 1), nova_crd_null());
    CHECK_EQ(lookup_obj(NOVA_SEL_COUNT - 1), nova_crd_null());
}

NOVA_TEST(selectors_wrap_at_sel)
{
    uint64_t crd = lookup_obj(SEL_ROOT_PD + nova_boot_hip->sel);
    CHECK_EQ(nova_crd_type(crd), NOVA_CRD_TYPE_OBJ);
}

NOVA_TEST(lookup_of_own_code_is_executable_memory)
{
    uint64_t crd = nova_crd_mem((uintptr_t)&lookup_obj >> 12, 0, 0);
    REQUIRE_EQ(nova_lookup(&crd), NOVA_SUCCESS);
    CHECK_EQ(nova_crd_type(crd), NOVA_CRD_TYPE_MEM);
    CHECK_EQ(nova_crd_base(crd), (uintptr_t)&lookup_obj >> 12);
    CHECK(nova_crd_mask(crd) & NOVA_PERM_MEM_R);
    CHECK(nova_crd_mask(crd) & NOVA_PERM_MEM_X);
}

NOVA_TEST(lookup_of_unmapped_memory_is_null)
{
    uint64_t crd = nova_crd_mem(0, 0, 0);   /* page 0 is never mapped */
    REQUIRE_EQ(nova_lookup(&crd), NOVA_SUCCESS);
    CHECK_EQ(crd, nova_crd_null());
}

NOVA_TEST(lookup_of_null_crd_is_null)
{
    uint64_t crd = nova_crd_null();
    REQUIRE_EQ(nova_lookup(&crd), NOVA_SUCCESS);
    CHECK_EQ(crd, nova_crd_null());
}
