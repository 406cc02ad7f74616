/* Scheduling (spec 3.1) and sc_ctrl (5.4.2): strict priorities, preemption,
 * round robin by quantum, consumed time. Every spinning loop is bounded so
 * that a broken scheduler fails tests instead of wedging the suite. */
#include "support.h"

static void set_flag(struct ectx *c) { c->flag = 1; }

NOVA_TEST(higher_priority_ec_runs_before_create_sc_returns)
{
    struct ectx *g;
    REQUIRE_OK(global_ec(&g, set_flag, true));
    CHECK_EQ(g->started, 0);
    REQUIRE_OK(ectx_start(g, 2, 10000));
    CHECK_EQ(g->startups, 1);
    CHECK_EQ(g->flag, 1);
    CHECK_EQ(g->done, 1);
}

NOVA_TEST(startup_message_carries_the_portal_mtd)
{
    struct ectx *g;
    REQUIRE_OK(global_ec(&g, 0, true));
    REQUIRE_OK(ectx_start(g, 2, 10000));
    CHECK_EQ(g->startups, 1);
    CHECK_EQ(g->startup_mtd, NOVA_MTD_EIP | NOVA_MTD_ESP);
}

NOVA_TEST(equal_priority_ec_runs_when_the_root_quantum_expires)
{
    struct ectx *g;
    REQUIRE_OK(global_ec(&g, set_flag, true));
    REQUIRE_OK(ectx_start(g, 1, 1000));
    /* the root never blocks here: only preemption lets g run */
    CHECK(spin_until(&g->flag, 1));
    CHECK(spin_until(&g->done, 1));
}

NOVA_TEST(second_sc_on_a_global_ec_does_not_restart_it)
{
    struct ectx *g;
    REQUIRE_OK(global_ec(&g, set_flag, true));
    REQUIRE_OK(ectx_start(g, 2, 10000));
    REQUIRE_EQ(g->done, 1);   /* blocked for good now */
    uint64_t sc2 = sel_alloc(1);
    REQUIRE_OK(nova_create_sc(sc2, SEL_ROOT_PD, g->ec, nova_qpd(10000, 3)));
    CHECK_EQ(g->startups, 1);
    /* the EC is blocked: the new SC never runs */
    uint64_t t;
    REQUIRE_OK(nova_sc_ctrl(sc2, &t));
    CHECK_EQ(t, 0);
}

/* high: creates `low` (priority 2, below its own 3), spins, then finishes */
static void high_body(struct ectx *c)
{
    struct ectx *low = c->arg;
    c->a[0] = ectx_start(low, 2, 10000);
    c->a[1] = low->started;   /* right after create_sc */
    busy(2000000);
    c->a[2] = low->started;   /* after spinning */
}

NOVA_TEST(lower_priority_ec_waits_while_higher_priority_runs)
{
    struct ectx *h, *l;
    REQUIRE_OK(global_ec(&l, set_flag, true));
    REQUIRE_OK(global_ec(&h, high_body, true));
    h->arg = l;
    REQUIRE_OK(ectx_start(h, 3, 1000));   /* short quantum: expiry must not help `low` */
    CHECK_EQ(h->done, 1);
    CHECK_EQ(h->a[0], NOVA_SUCCESS);
    CHECK_EQ(h->a[1], 0);
    CHECK_EQ(h->a[2], 0);
    /* once high blocked, low (2) ran before the root (1) */
    CHECK_EQ(l->flag, 1);
    CHECK_EQ(l->done, 1);
}

/* counts until both its own and the other's counter reached a[1] (bounded) */
static void counter(struct ectx *c)
{
    struct ectx *o = c->arg;
    uint64_t k = c->a[1];
    for (uint64_t i = 0; i < 100000000ull; i++) {
        if (c->count >= k && o->count >= k)
            break;
        c->count++;
    }
    c->a[2] = o->count >= k;
}

/* both SCs are created by a priority-3 EC before either counter runs */
static void starter(struct ectx *c)
{
    struct ectx *a = c->arg, *b = (struct ectx *)c->a[0];
    c->a[1] = ectx_start(a, 2, 1000);
    c->a[2] = ectx_start(b, 2, 1000);
}

NOVA_TEST(equal_priority_spinners_both_make_progress)
{
    struct ectx *a, *b, *s;
    REQUIRE_OK(global_ec(&a, counter, true));
    REQUIRE_OK(global_ec(&b, counter, true));
    REQUIRE_OK(global_ec(&s, starter, true));
    a->arg = b;
    b->arg = a;
    a->a[1] = b->a[1] = 100000;
    s->arg = a;
    s->a[0] = (uint64_t)b;
    REQUIRE_OK(ectx_start(s, 3, 10000));
    CHECK_EQ(s->a[1], NOVA_SUCCESS);
    CHECK_EQ(s->a[2], NOVA_SUCCESS);
    /* neither blocks before its loop ends, and each loop ends early only
     * if the other one ran meanwhile: that takes quantum preemption */
    CHECK_EQ(a->done, 1);
    CHECK_EQ(b->done, 1);
    CHECK_EQ(a->a[2], 1);
    CHECK_EQ(b->a[2], 1);
    uint64_t ta, tb;
    REQUIRE_OK(nova_sc_ctrl(a->sc, &ta));
    REQUIRE_OK(nova_sc_ctrl(b->sc, &tb));
    CHECK(ta > 0);
    CHECK(tb > 0);
}

/* a woken higher-priority EC preempts a spinning lower-priority one */
static void waker(struct ectx *c)
{
    struct ectx *w = c->arg;
    c->a[1] = nova_sm_ctrl(c->a[0], 0);
    c->a[2] = w->flag;   /* no spinning: the waiter must have run already */
}

static void waiter(struct ectx *c)
{
    c->a[1] = nova_sm_ctrl(c->a[0], NOVA_FLAG_SM_CTRL_DN);
    c->flag = 1;
}

NOVA_TEST(woken_higher_priority_ec_preempts_at_once)
{
    uint64_t sm = new_sm(0);
    REQUIRE(sm);
    struct ectx *w, *k;
    REQUIRE_OK(global_ec(&w, waiter, true));
    w->a[0] = sm;
    REQUIRE_OK(ectx_start(w, 5, 10000));
    CHECK_EQ(w->started, 1);
    CHECK_EQ(w->flag, 0);
    REQUIRE_OK(global_ec(&k, waker, true));
    k->a[0] = sm;
    k->arg = w;
    REQUIRE_OK(ectx_start(k, 2, 10000));
    CHECK_EQ(k->a[1], NOVA_SUCCESS);
    CHECK_EQ(k->a[2], 1);
    CHECK_EQ(w->a[1], NOVA_SUCCESS);
}

/* ---- sc_ctrl ---- */

NOVA_TEST(sc_ctrl_time_grows_for_the_root_sc)
{
    uint64_t t0, t1;
    REQUIRE_OK(nova_sc_ctrl(SEL_ROOT_SC, &t0));
    busy(20000000);
    REQUIRE_OK(nova_sc_ctrl(SEL_ROOT_SC, &t1));
    CHECK(t0 > 0);
    CHECK(t1 > t0);
}

static void burn(struct ectx *c) { busy(c->a[0]); }

NOVA_TEST(sc_ctrl_time_grows_only_for_the_sc_that_ran)
{
    struct ectx *a, *b;
    REQUIRE_OK(global_ec(&a, burn, true));
    REQUIRE_OK(global_ec(&b, burn, true));
    a->a[0] = 5000000;
    REQUIRE_OK(ectx_start(a, 2, 10000));
    REQUIRE_EQ(a->done, 1);
    uint64_t ta0, ta1, tb0, tb1;
    REQUIRE_OK(nova_sc_ctrl(a->sc, &ta0));
    CHECK(ta0 > 0);
    b->a[0] = 5000000;
    REQUIRE_OK(ectx_start(b, 2, 10000));
    REQUIRE_EQ(b->done, 1);
    REQUIRE_OK(nova_sc_ctrl(b->sc, &tb0));
    REQUIRE_OK(nova_sc_ctrl(a->sc, &ta1));
    CHECK(tb0 > 0);
    CHECK_EQ(ta1, ta0);   /* a is blocked for good */
    busy(1000000);
    REQUIRE_OK(nova_sc_ctrl(b->sc, &tb1));
    CHECK_EQ(tb1, tb0);
}

NOVA_TEST(sc_ctrl_on_non_sc_is_bad_cap)
{
    uint64_t t = 0x1234;
    CHECK_EQ(nova_sc_ctrl(sel_alloc(1), &t), NOVA_BAD_CAP);
    CHECK_EQ(nova_sc_ctrl(SEL_ROOT_EC, &t), NOVA_BAD_CAP);
    CHECK_EQ(nova_sc_ctrl(SEL_ROOT_PD, &t), NOVA_BAD_CAP);
    uint64_t sm = new_sm(0);
    CHECK_EQ(nova_sc_ctrl(sm, &t), NOVA_BAD_CAP);
    struct ectx *s;
    REQUIRE_OK(local_server(&s, 0));
    CHECK_EQ(nova_sc_ctrl(s->pt, &t), NOVA_BAD_CAP);
    CHECK_EQ(nova_sc_ctrl(s->ec, &t), NOVA_BAD_CAP);
}
