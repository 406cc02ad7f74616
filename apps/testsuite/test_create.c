/* create_pd, create_ec, create_sc, create_pt, create_sm (spec 5.3.1-5.3.5):
 * success paths and every status code each can return. */
#include "support.h"

#define ALL_PD_PERMS (NOVA_PERM_PD_PD | NOVA_PERM_PD_EC | NOVA_PERM_PD_SC | NOVA_PERM_PD_PT | NOVA_PERM_PD_SM)
#define NONCANON_LO 0x0000800000000000ull /* first non-canonical address */
#define KERNEL_ADDR 0xffffffff80000000ull
#define USER_END 0x00007ffffffff000ull    /* first UTCB address that is not user space */

static void check_obj(uint64_t sel, uint64_t perms)
{
    uint64_t crd = lookup_sel(sel);
    CHECK_EQ(nova_crd_type(crd), NOVA_CRD_TYPE_OBJ);
    CHECK_EQ(nova_crd_base(crd), sel);
    CHECK_EQ(nova_crd_mask(crd) & perms, perms);
}

static void check_null(uint64_t sel) { CHECK_EQ(lookup_sel(sel), nova_crd_null()); }

/* a stack for ECs that never run */
static uint8_t dummy_stack[256] __attribute__((aligned(16)));
static uint64_t stack_top(void) { return (uintptr_t)&dummy_stack[sizeof dummy_stack]; }

/* ---- create_pd ---- */

NOVA_TEST(create_pd_succeeds_and_installs_a_pd_capability)
{
    uint64_t s = sel_alloc(1);
    REQUIRE_OK(nova_create_pd(s, SEL_ROOT_PD, nova_crd_null()));
    check_obj(s, ALL_PD_PERMS);
}

NOVA_TEST(create_pd_with_an_object_range_succeeds)
{
    uint64_t range = sel_alloc(4), s = sel_alloc(1);
    for (unsigned i = 0; i < 4; i++)
        REQUIRE_OK(nova_create_sm(range + i, SEL_ROOT_PD, 0));
    REQUIRE_OK(nova_create_pd(s, SEL_ROOT_PD, nova_crd_obj(range, 2, PERM_ANY)));
    check_obj(s, ALL_PD_PERMS);
    /* the parent keeps its capabilities */
    for (unsigned i = 0; i < 4; i++)
        check_obj(range + i, NOVA_PERM_SM_UP | NOVA_PERM_SM_DN);
}

NOVA_TEST(create_pd_owned_by_a_created_pd)
{
    uint64_t p = sel_alloc(1), c = sel_alloc(1);
    REQUIRE_OK(nova_create_pd(p, SEL_ROOT_PD, nova_crd_null()));
    CHECK_EQ(nova_create_pd(c, p, nova_crd_null()), NOVA_SUCCESS);
    check_obj(c, ALL_PD_PERMS);
}

NOVA_TEST(create_pd_into_occupied_selector_is_bad_cap)
{
    CHECK_EQ(nova_create_pd(SEL_ROOT_EC, SEL_ROOT_PD, nova_crd_null()), NOVA_BAD_CAP);
    CHECK_EQ(nova_create_pd(SEL_ROOT_PD, SEL_ROOT_PD, nova_crd_null()), NOVA_BAD_CAP);
    /* alias of an occupied slot (selectors wrap at SEL) */
    CHECK_EQ(nova_create_pd(SEL_ROOT_SC + NOVA_SEL_COUNT, SEL_ROOT_PD, nova_crd_null()), NOVA_BAD_CAP);
    check_obj(SEL_ROOT_EC, NOVA_PERM_EC_CT);
}

NOVA_TEST(create_pd_with_non_pd_owner_is_bad_cap)
{
    uint64_t s = sel_alloc(1), sm = new_sm(0);
    CHECK_EQ(nova_create_pd(s, SEL_ROOT_EC, nova_crd_null()), NOVA_BAD_CAP);
    CHECK_EQ(nova_create_pd(s, SEL_ROOT_SC, nova_crd_null()), NOVA_BAD_CAP);
    CHECK_EQ(nova_create_pd(s, sm, nova_crd_null()), NOVA_BAD_CAP);
    CHECK_EQ(nova_create_pd(s, sel_alloc(1), nova_crd_null()), NOVA_BAD_CAP);   /* null */
    check_null(s);
}

/* ---- create_ec ---- */

NOVA_TEST(create_ec_local_succeeds)
{
    uint64_t s = sel_alloc(1);
    REQUIRE_OK(nova_create_ec(s, SEL_ROOT_PD, nova_boot_cpu, utcb_alloc(), stack_top(), SEL_EMPTY_EVT, 0));
    check_obj(s, NOVA_PERM_EC_CT | NOVA_PERM_EC_SC | NOVA_PERM_EC_PT);
}

NOVA_TEST(create_ec_global_succeeds)
{
    uint64_t s = sel_alloc(1);
    REQUIRE_OK(nova_create_ec(s, SEL_ROOT_PD, nova_boot_cpu, utcb_alloc(), stack_top(), SEL_EMPTY_EVT,
                              NOVA_FLAG_CREATE_EC_G));
    check_obj(s, NOVA_PERM_EC_CT | NOVA_PERM_EC_SC | NOVA_PERM_EC_PT);
}

NOVA_TEST(create_ec_maps_the_utcb_in_the_owner_pd)
{
    uint64_t s = sel_alloc(1);
    uintptr_t u = utcb_alloc();
    REQUIRE_OK(nova_create_ec(s, SEL_ROOT_PD, nova_boot_cpu, u, stack_top(), SEL_EMPTY_EVT, 0));
    uint64_t crd = nova_crd_mem(u >> 12, 0, 0);
    REQUIRE_OK(nova_lookup(&crd));
    CHECK_EQ(nova_crd_type(crd), NOVA_CRD_TYPE_MEM);
    CHECK(nova_crd_mask(crd) & NOVA_PERM_MEM_R);
    CHECK(nova_crd_mask(crd) & NOVA_PERM_MEM_W);
    /* the fresh UTCB is readable and writable by the PD */
    volatile uint64_t *w = (volatile uint64_t *)u;
    w[3] = 0x1234;
    CHECK_EQ(w[3], 0x1234);
}

NOVA_TEST(create_ec_in_a_new_pd_succeeds)
{
    uint64_t pd = sel_alloc(1), s = sel_alloc(1), s2 = sel_alloc(1);
    uintptr_t u = utcb_alloc();
    REQUIRE_OK(nova_create_pd(pd, SEL_ROOT_PD, nova_crd_null()));
    REQUIRE_OK(nova_create_ec(s, pd, nova_boot_cpu, u, 0x10000, 0, 0));
    check_obj(s, NOVA_PERM_EC_CT);
    /* the UTCB went into the new PD, not into the root PD: the address is
     * still free here */
    uint64_t crd = nova_crd_mem(u >> 12, 0, 0);
    REQUIRE_OK(nova_lookup(&crd));
    CHECK_EQ(crd, nova_crd_null());
    CHECK_EQ(nova_create_ec(s2, SEL_ROOT_PD, nova_boot_cpu, u, stack_top(), SEL_EMPTY_EVT, 0), NOVA_SUCCESS);
}

NOVA_TEST(create_ec_into_occupied_selector_is_bad_cap)
{
    CHECK_EQ(nova_create_ec(SEL_ROOT_SC, SEL_ROOT_PD, nova_boot_cpu, utcb_alloc(), stack_top(), 0, 0),
             NOVA_BAD_CAP);
}

NOVA_TEST(create_ec_with_non_pd_owner_is_bad_cap)
{
    uint64_t s = sel_alloc(1);
    CHECK_EQ(nova_create_ec(s, SEL_ROOT_EC, nova_boot_cpu, utcb_alloc(), stack_top(), 0, 0), NOVA_BAD_CAP);
    CHECK_EQ(nova_create_ec(s, SEL_ROOT_SC, nova_boot_cpu, utcb_alloc(), stack_top(), 0, 0), NOVA_BAD_CAP);
    CHECK_EQ(nova_create_ec(s, sel_alloc(1), nova_boot_cpu, utcb_alloc(), stack_top(), 0, 0), NOVA_BAD_CAP);
    check_null(s);
}

NOVA_TEST(create_ec_on_a_missing_cpu_is_bad_cpu)
{
    uint64_t s = sel_alloc(1);
    CHECK_EQ(nova_create_ec(s, SEL_ROOT_PD, 7, utcb_alloc(), stack_top(), 0, 0), NOVA_BAD_CPU);
    CHECK_EQ(nova_create_ec(s, SEL_ROOT_PD, 4095, utcb_alloc(), stack_top(), 0, 0), NOVA_BAD_CPU);
    CHECK_EQ(nova_create_ec(s, SEL_ROOT_PD, nova_hip_cpu_count(nova_boot_hip), utcb_alloc(), stack_top(), 0,
                            NOVA_FLAG_CREATE_EC_G),
             NOVA_BAD_CPU);
    check_null(s);
}

/* UTCB 0 makes a vCPU where the HIP reports SVM, else it answers BAD_FTR. */
NOVA_TEST(create_ec_vcpu_needs_svm)
{
    uint64_t s = sel_alloc(1);
    if (nova_boot_hip->flags & NOVA_HIP_FEATURES_SVM) {
        CHECK_EQ(nova_create_ec(s, SEL_ROOT_PD, nova_boot_cpu, 0, stack_top(), 0, 0), NOVA_SUCCESS);
        CHECK_EQ(nova_crd_type(lookup_sel(s)), NOVA_CRD_TYPE_OBJ);
        CHECK_EQ(nova_revoke(nova_crd_obj(s, 0, NOVA_PERM_EC_ALL), NOVA_FLAG_REVOKE_SR), NOVA_SUCCESS);
    } else {
        CHECK_EQ(nova_create_ec(s, SEL_ROOT_PD, nova_boot_cpu, 0, stack_top(), 0, 0), NOVA_BAD_FTR);
    }
    check_null(s);
}

NOVA_TEST(create_ec_with_utcb_outside_user_space_is_bad_par)
{
    uint64_t s = sel_alloc(1);
    CHECK_EQ(nova_create_ec(s, SEL_ROOT_PD, nova_boot_cpu, USER_END, stack_top(), 0, 0), NOVA_BAD_PAR);
    CHECK_EQ(nova_create_ec(s, SEL_ROOT_PD, nova_boot_cpu, NONCANON_LO, stack_top(), 0, 0), NOVA_BAD_PAR);
    CHECK_EQ(nova_create_ec(s, SEL_ROOT_PD, nova_boot_cpu, KERNEL_ADDR, stack_top(), 0, 0), NOVA_BAD_PAR);
    CHECK_EQ(nova_create_ec(s, SEL_ROOT_PD, nova_boot_cpu, 0xfffffffffffff000ull, stack_top(), 0, 0),
             NOVA_BAD_PAR);
    check_null(s);
}

NOVA_TEST(create_ec_with_utcb_on_mapped_memory_is_bad_par)
{
    uint64_t s = sel_alloc(1);
    uintptr_t code = (uintptr_t)&stack_top & ~0xfffull;
    CHECK_EQ(nova_create_ec(s, SEL_ROOT_PD, nova_boot_cpu, (uintptr_t)nova_boot_hip, stack_top(), 0, 0),
             NOVA_BAD_PAR);
    CHECK_EQ(nova_create_ec(s, SEL_ROOT_PD, nova_boot_cpu, (uintptr_t)nova_root_utcb(), stack_top(), 0, 0),
             NOVA_BAD_PAR);
    CHECK_EQ(nova_create_ec(s, SEL_ROOT_PD, nova_boot_cpu, code, stack_top(), 0, 0), NOVA_BAD_PAR);
    check_null(s);
}

NOVA_TEST(create_ec_cannot_reuse_a_utcb_address)
{
    uint64_t s1 = sel_alloc(1), s2 = sel_alloc(1);
    uintptr_t u = utcb_alloc();
    REQUIRE_OK(nova_create_ec(s1, SEL_ROOT_PD, nova_boot_cpu, u, stack_top(), 0, 0));
    CHECK_EQ(nova_create_ec(s2, SEL_ROOT_PD, nova_boot_cpu, u, stack_top(), 0, 0), NOVA_BAD_PAR);
    CHECK_EQ(nova_create_ec(s2, SEL_ROOT_PD, nova_boot_cpu, u, stack_top(), 0, NOVA_FLAG_CREATE_EC_G),
             NOVA_BAD_PAR);
    check_null(s2);
    /* the failed attempts leave the selector usable */
    CHECK_EQ(nova_create_ec(s2, SEL_ROOT_PD, nova_boot_cpu, utcb_alloc(), stack_top(), 0, 0), NOVA_SUCCESS);
}

NOVA_TEST(create_ec_with_non_canonical_sp_is_bad_par)
{
    uint64_t s = sel_alloc(1);
    CHECK_EQ(nova_create_ec(s, SEL_ROOT_PD, nova_boot_cpu, utcb_alloc(), NONCANON_LO, 0, 0), NOVA_BAD_PAR);
    CHECK_EQ(nova_create_ec(s, SEL_ROOT_PD, nova_boot_cpu, utcb_alloc(), 0x8000000000000000ull, 0,
                            NOVA_FLAG_CREATE_EC_G),
             NOVA_BAD_PAR);
    CHECK_EQ(nova_create_ec(s, SEL_ROOT_PD, nova_boot_cpu, utcb_alloc(), KERNEL_ADDR, 0, 0), NOVA_BAD_PAR);
    check_null(s);
}

NOVA_TEST(create_ec_checks_parameters_in_order)
{
    uint64_t s = sel_alloc(1);
    /* sel_obj0 before sel_pd before cpu before utcb before sp */
    CHECK_EQ(nova_create_ec(SEL_ROOT_EC, SEL_ROOT_SC, 4095, 0, NONCANON_LO, 0, 0), NOVA_BAD_CAP);
    CHECK_EQ(nova_create_ec(s, SEL_ROOT_SC, 4095, 0, NONCANON_LO, 0, 0), NOVA_BAD_CAP);
    CHECK_EQ(nova_create_ec(s, SEL_ROOT_PD, 4095, 0, NONCANON_LO, 0, 0), NOVA_BAD_CPU);
    CHECK_EQ(nova_create_ec(s, SEL_ROOT_PD, 4095, USER_END, NONCANON_LO, 0, 0), NOVA_BAD_CPU);
    if (!(nova_boot_hip->flags & NOVA_HIP_FEATURES_SVM))
        CHECK_EQ(nova_create_ec(s, SEL_ROOT_PD, nova_boot_cpu, 0, NONCANON_LO, 0, 0), NOVA_BAD_FTR);
    CHECK_EQ(nova_create_ec(s, SEL_ROOT_PD, nova_boot_cpu, USER_END, NONCANON_LO, 0, 0), NOVA_BAD_PAR);
    check_null(s);
}

/* ---- create_sc ---- */

NOVA_TEST(create_sc_on_global_ec_succeeds)
{
    struct ectx *g;
    REQUIRE_OK(global_ec(&g, 0, true));
    REQUIRE_OK(ectx_start(g, 2, 10000));
    check_obj(g->sc, NOVA_PERM_SC_CT);
    CHECK_EQ(g->done, 1);   /* higher priority than the root: ran to its end already */
}

NOVA_TEST(create_sc_into_occupied_selector_is_bad_cap)
{
    struct ectx *g;
    REQUIRE_OK(global_ec(&g, 0, true));
    CHECK_EQ(nova_create_sc(SEL_ROOT_PD, SEL_ROOT_PD, g->ec, nova_qpd(1000, 2)), NOVA_BAD_CAP);
    CHECK_EQ(nova_create_sc(g->ec, SEL_ROOT_PD, g->ec, nova_qpd(1000, 2)), NOVA_BAD_CAP);
    CHECK_EQ(g->started, 0);
}

NOVA_TEST(create_sc_with_non_pd_owner_is_bad_cap)
{
    struct ectx *g;
    REQUIRE_OK(global_ec(&g, 0, true));
    uint64_t s = sel_alloc(1);
    CHECK_EQ(nova_create_sc(s, SEL_ROOT_EC, g->ec, nova_qpd(1000, 2)), NOVA_BAD_CAP);
    CHECK_EQ(nova_create_sc(s, g->ec, g->ec, nova_qpd(1000, 2)), NOVA_BAD_CAP);
    CHECK_EQ(nova_create_sc(s, sel_alloc(1), g->ec, nova_qpd(1000, 2)), NOVA_BAD_CAP);
    check_null(s);
    CHECK_EQ(g->started, 0);
}

NOVA_TEST(create_sc_with_non_ec_is_bad_cap)
{
    uint64_t s = sel_alloc(1);
    CHECK_EQ(nova_create_sc(s, SEL_ROOT_PD, SEL_ROOT_PD, nova_qpd(1000, 2)), NOVA_BAD_CAP);
    CHECK_EQ(nova_create_sc(s, SEL_ROOT_PD, SEL_ROOT_SC, nova_qpd(1000, 2)), NOVA_BAD_CAP);
    CHECK_EQ(nova_create_sc(s, SEL_ROOT_PD, sel_alloc(1), nova_qpd(1000, 2)), NOVA_BAD_CAP);
    check_null(s);
}

NOVA_TEST(create_sc_on_local_ec_is_bad_cap)
{
    struct ectx *l;
    REQUIRE_OK(local_ec(&l, 0, SEL_EMPTY_EVT));
    uint64_t s = sel_alloc(1);
    CHECK_EQ(nova_create_sc(s, SEL_ROOT_PD, l->ec, nova_qpd(1000, 2)), NOVA_BAD_CAP);
    check_null(s);
    CHECK_EQ(l->calls, 0);
}

NOVA_TEST(create_sc_with_zero_quantum_or_priority_is_bad_par)
{
    struct ectx *g;
    REQUIRE_OK(global_ec(&g, 0, true));
    uint64_t s = sel_alloc(1);
    CHECK_EQ(nova_create_sc(s, SEL_ROOT_PD, g->ec, nova_qpd(0, 2)), NOVA_BAD_PAR);
    CHECK_EQ(nova_create_sc(s, SEL_ROOT_PD, g->ec, nova_qpd(1000, 0)), NOVA_BAD_PAR);
    CHECK_EQ(nova_create_sc(s, SEL_ROOT_PD, g->ec, 0), NOVA_BAD_PAR);
    check_null(s);
    CHECK_EQ(g->started, 0);
    CHECK_EQ(g->startups, 0);
}

NOVA_TEST(create_sc_checks_the_ec_before_the_qpd)
{
    struct ectx *l;
    REQUIRE_OK(local_ec(&l, 0, SEL_EMPTY_EVT));
    uint64_t s = sel_alloc(1);
    CHECK_EQ(nova_create_sc(s, SEL_ROOT_PD, l->ec, 0), NOVA_BAD_CAP);
    CHECK_EQ(nova_create_sc(s, SEL_ROOT_PD, SEL_ROOT_PD, 0), NOVA_BAD_CAP);
    CHECK_EQ(nova_create_sc(s, SEL_ROOT_EC, SEL_ROOT_PD, 0), NOVA_BAD_CAP);
}

/* ---- create_pt ---- */

NOVA_TEST(create_pt_on_local_ec_succeeds)
{
    struct ectx *l;
    REQUIRE_OK(local_ec(&l, 0, SEL_EMPTY_EVT));
    uint64_t s = sel_alloc(1);
    REQUIRE_OK(nova_create_pt(s, SEL_ROOT_PD, l->ec, 0, (uintptr_t)lec_entry));
    check_obj(s, NOVA_PERM_PT_CT | NOVA_PERM_PT_CALL);
}

NOVA_TEST(create_pt_on_global_and_root_ec_succeeds)
{
    struct ectx *g;
    REQUIRE_OK(global_ec(&g, 0, false));
    uint64_t s = sel_alloc(2);
    CHECK_EQ(nova_create_pt(s, SEL_ROOT_PD, g->ec, NOVA_MTD_EIP, (uintptr_t)lec_entry), NOVA_SUCCESS);
    /* binding to the root EC is allowed too (never called here) */
    CHECK_EQ(nova_create_pt(s + 1, SEL_ROOT_PD, SEL_ROOT_EC, 0, (uintptr_t)lec_entry), NOVA_SUCCESS);
}

NOVA_TEST(create_pt_bad_cap_cases)
{
    struct ectx *l;
    REQUIRE_OK(local_ec(&l, 0, SEL_EMPTY_EVT));
    uint64_t s = sel_alloc(1), sm = new_sm(0);
    uintptr_t ip = (uintptr_t)lec_entry;
    CHECK_EQ(nova_create_pt(SEL_ROOT_PD, SEL_ROOT_PD, l->ec, 0, ip), NOVA_BAD_CAP);   /* occupied */
    CHECK_EQ(nova_create_pt(s, SEL_ROOT_EC, l->ec, 0, ip), NOVA_BAD_CAP);             /* owner not a PD */
    CHECK_EQ(nova_create_pt(s, sel_alloc(1), l->ec, 0, ip), NOVA_BAD_CAP);            /* owner null */
    CHECK_EQ(nova_create_pt(s, SEL_ROOT_PD, SEL_ROOT_SC, 0, ip), NOVA_BAD_CAP);       /* not an EC */
    CHECK_EQ(nova_create_pt(s, SEL_ROOT_PD, sm, 0, ip), NOVA_BAD_CAP);
    CHECK_EQ(nova_create_pt(s, SEL_ROOT_PD, sel_alloc(1), 0, ip), NOVA_BAD_CAP);      /* EC null */
    check_null(s);
}

NOVA_TEST(create_pt_with_non_canonical_ip_is_bad_par)
{
    struct ectx *l;
    REQUIRE_OK(local_ec(&l, 0, SEL_EMPTY_EVT));
    uint64_t s = sel_alloc(1);
    CHECK_EQ(nova_create_pt(s, SEL_ROOT_PD, l->ec, 0, NONCANON_LO), NOVA_BAD_PAR);
    CHECK_EQ(nova_create_pt(s, SEL_ROOT_PD, l->ec, 0, 0x8000000000000000ull), NOVA_BAD_PAR);
    CHECK_EQ(nova_create_pt(s, SEL_ROOT_PD, l->ec, 0, KERNEL_ADDR), NOVA_BAD_PAR);
    check_null(s);
    /* the EC check comes first */
    CHECK_EQ(nova_create_pt(s, SEL_ROOT_PD, SEL_ROOT_SC, 0, NONCANON_LO), NOVA_BAD_CAP);
}

/* ---- create_sm ---- */

NOVA_TEST(create_sm_succeeds)
{
    uint64_t s = sel_alloc(2);
    REQUIRE_OK(nova_create_sm(s, SEL_ROOT_PD, 0));
    REQUIRE_OK(nova_create_sm(s + 1, SEL_ROOT_PD, ~0ull));
    check_obj(s, NOVA_PERM_SM_UP | NOVA_PERM_SM_DN);
    check_obj(s + 1, NOVA_PERM_SM_UP | NOVA_PERM_SM_DN);
}

NOVA_TEST(create_sm_bad_cap_cases)
{
    uint64_t s = sel_alloc(1), sm = new_sm(0);
    CHECK_EQ(nova_create_sm(sm, SEL_ROOT_PD, 0), NOVA_BAD_CAP);
    CHECK_EQ(nova_create_sm(SEL_ROOT_EC, SEL_ROOT_PD, 0), NOVA_BAD_CAP);
    CHECK_EQ(nova_create_sm(s, SEL_ROOT_EC, 0), NOVA_BAD_CAP);
    CHECK_EQ(nova_create_sm(s, sm, 0), NOVA_BAD_CAP);
    CHECK_EQ(nova_create_sm(s, sel_alloc(1), 0), NOVA_BAD_CAP);
    check_null(s);
}

NOVA_TEST(create_into_selector_alias_is_bad_cap)
{
    uint64_t s = sel_alloc(1);
    REQUIRE_OK(nova_create_sm(s, SEL_ROOT_PD, 0));
    CHECK_EQ(nova_create_sm(s + NOVA_SEL_COUNT, SEL_ROOT_PD, 0), NOVA_BAD_CAP);
    CHECK_EQ(nova_create_pd(s + 2 * NOVA_SEL_COUNT, SEL_ROOT_PD, nova_crd_null()), NOVA_BAD_CAP);
}
