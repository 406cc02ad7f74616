/* pt_ctrl (5.4.3) and capabilities of the wrong type for every control
 * hypercall (spec 4.2: a selector names a null capability or one of some
 * other type; either way BAD_CAP). */
#include "support.h"

NOVA_TEST(pt_ctrl_succeeds_on_a_portal)
{
    struct ectx *s;
    REQUIRE_OK(local_server(&s, 0));
    CHECK_EQ(nova_pt_ctrl(s->pt, 0), NOVA_SUCCESS);
    CHECK_EQ(nova_pt_ctrl(s->pt, ~0ull), NOVA_SUCCESS);
    nova_root_utcb()->head.items = 0;
    REQUIRE_OK(nova_call(s->pt, 0));
    CHECK_EQ(s->last_pid, ~0ull);
}

NOVA_TEST(pt_ctrl_on_non_portal_is_bad_cap)
{
    struct ectx *s;
    REQUIRE_OK(local_server(&s, 0));
    uint64_t sm = new_sm(0);
    CHECK_EQ(nova_pt_ctrl(sel_alloc(1), 1), NOVA_BAD_CAP);
    CHECK_EQ(nova_pt_ctrl(SEL_ROOT_PD, 1), NOVA_BAD_CAP);
    CHECK_EQ(nova_pt_ctrl(SEL_ROOT_EC, 1), NOVA_BAD_CAP);
    CHECK_EQ(nova_pt_ctrl(SEL_ROOT_SC, 1), NOVA_BAD_CAP);
    CHECK_EQ(nova_pt_ctrl(s->ec, 1), NOVA_BAD_CAP);
    CHECK_EQ(nova_pt_ctrl(sm, 1), NOVA_BAD_CAP);
    /* the portal's own PID is untouched */
    nova_root_utcb()->head.items = 0;
    REQUIRE_OK(nova_call(s->pt, 0));
    CHECK_EQ(s->last_pid, 0);
}

NOVA_TEST(every_object_hypercall_refuses_a_null_selector)
{
    uint64_t n = sel_alloc(1), t;
    CHECK_EQ(nova_call(n, 0), NOVA_BAD_CAP);
    CHECK_EQ(nova_ec_ctrl(n), NOVA_BAD_CAP);
    CHECK_EQ(nova_sc_ctrl(n, &t), NOVA_BAD_CAP);
    CHECK_EQ(nova_pt_ctrl(n, 0), NOVA_BAD_CAP);
    CHECK_EQ(nova_sm_ctrl(n, 0), NOVA_BAD_CAP);
    CHECK_EQ(nova_sm_ctrl(n, NOVA_FLAG_SM_CTRL_DN), NOVA_BAD_CAP);
    CHECK_EQ(nova_create_pd(sel_alloc(1), n, nova_crd_null()), NOVA_BAD_CAP);
    CHECK_EQ(nova_create_sm(sel_alloc(1), n, 0), NOVA_BAD_CAP);
}

NOVA_TEST(created_objects_answer_only_their_own_hypercalls)
{
    struct ectx *g;
    REQUIRE_OK(global_ec(&g, 0, true));
    REQUIRE_OK(ectx_start(g, 2, 10000));
    REQUIRE_EQ(g->done, 1);
    uint64_t pd = sel_alloc(1), sm = new_sm(0), t;
    REQUIRE_OK(nova_create_pd(pd, SEL_ROOT_PD, nova_crd_null()));
    uint64_t pt;
    REQUIRE_OK(ectx_pt(g, 0, &pt));
    /* PD */
    CHECK_EQ(nova_call(pd, 0), NOVA_BAD_CAP);
    CHECK_EQ(nova_ec_ctrl(pd), NOVA_BAD_CAP);
    CHECK_EQ(nova_sc_ctrl(pd, &t), NOVA_BAD_CAP);
    CHECK_EQ(nova_pt_ctrl(pd, 0), NOVA_BAD_CAP);
    CHECK_EQ(nova_sm_ctrl(pd, 0), NOVA_BAD_CAP);
    /* EC */
    CHECK_EQ(nova_call(g->ec, 0), NOVA_BAD_CAP);
    CHECK_EQ(nova_sc_ctrl(g->ec, &t), NOVA_BAD_CAP);
    CHECK_EQ(nova_pt_ctrl(g->ec, 0), NOVA_BAD_CAP);
    CHECK_EQ(nova_sm_ctrl(g->ec, 0), NOVA_BAD_CAP);
    CHECK_EQ(nova_create_sm(sel_alloc(1), g->ec, 0), NOVA_BAD_CAP);
    /* SC */
    CHECK_EQ(nova_call(g->sc, 0), NOVA_BAD_CAP);
    CHECK_EQ(nova_ec_ctrl(g->sc), NOVA_BAD_CAP);
    CHECK_EQ(nova_pt_ctrl(g->sc, 0), NOVA_BAD_CAP);
    CHECK_EQ(nova_sm_ctrl(g->sc, NOVA_FLAG_SM_CTRL_DN), NOVA_BAD_CAP);
    CHECK_EQ(nova_create_pt(sel_alloc(1), SEL_ROOT_PD, g->sc, 0, (uintptr_t)lec_entry), NOVA_BAD_CAP);
    /* PT */
    CHECK_EQ(nova_ec_ctrl(pt), NOVA_BAD_CAP);
    CHECK_EQ(nova_sc_ctrl(pt, &t), NOVA_BAD_CAP);
    CHECK_EQ(nova_sm_ctrl(pt, 0), NOVA_BAD_CAP);
    CHECK_EQ(nova_create_sc(sel_alloc(1), SEL_ROOT_PD, pt, nova_qpd(1000, 1)), NOVA_BAD_CAP);
    /* SM */
    CHECK_EQ(nova_call(sm, 0), NOVA_BAD_CAP);
    CHECK_EQ(nova_ec_ctrl(sm), NOVA_BAD_CAP);
    CHECK_EQ(nova_sc_ctrl(sm, &t), NOVA_BAD_CAP);
    CHECK_EQ(nova_pt_ctrl(sm, 0), NOVA_BAD_CAP);
    CHECK_EQ(nova_create_ec(sel_alloc(1), sm, nova_boot_cpu, utcb_alloc(), 0x10000, 0, 0), NOVA_BAD_CAP);
    /* and each answers its own */
    CHECK_EQ(nova_sc_ctrl(g->sc, &t), NOVA_SUCCESS);
    CHECK_EQ(nova_pt_ctrl(pt, 9), NOVA_SUCCESS);
    CHECK_EQ(nova_sm_ctrl(sm, 0), NOVA_SUCCESS);
    CHECK_EQ(nova_sm_ctrl(sm, NOVA_FLAG_SM_CTRL_DN), NOVA_SUCCESS);
}

NOVA_TEST(ec_ctrl_succeeds_on_ecs)
{
    /* a recall pended on an EC that never returns to user mode is harmless */
    struct ectx *l;
    REQUIRE_OK(local_ec(&l, 0, SEL_EMPTY_EVT));
    CHECK_EQ(nova_ec_ctrl(l->ec), NOVA_SUCCESS);
    struct ectx *g;
    REQUIRE_OK(global_ec(&g, 0, true));
    CHECK_EQ(nova_ec_ctrl(g->ec), NOVA_SUCCESS);
    CHECK_EQ(nova_ec_ctrl(g->ec), NOVA_SUCCESS);
}

NOVA_TEST(sc_ctrl_on_a_fresh_sc_of_a_blocked_ec_is_zero)
{
    uint64_t sm = new_sm(0);
    REQUIRE(sm);
    struct ectx *g;
    REQUIRE_OK(global_ec(&g, 0, true));
    REQUIRE_OK(ectx_start(g, 2, 10000));
    REQUIRE_EQ(g->done, 1);
    uint64_t s = sel_alloc(1), t = 0x1234;
    REQUIRE_OK(nova_create_sc(s, SEL_ROOT_PD, g->ec, nova_qpd(5000, 2)));
    REQUIRE_OK(nova_sc_ctrl(s, &t));
    CHECK_EQ(t, 0);
    REQUIRE_OK(nova_sc_ctrl(g->sc, &t));
    CHECK(t > 0);
}
