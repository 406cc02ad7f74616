/* Semaphores (spec 2.5, 5.4.4): counting, blocking, FIFO wake-up, zero
 * counter. Waiters are global ECs of priority 2 (above the root), so each
 * runs as soon as it is ready and the root never blocks on a semaphore
 * whose counter might be 0. */
#include "support.h"

/* a[0] = semaphore, a[1] = flags, a[2] = number of downs;
 * count = downs completed, a[3] = status of the last one */
static void downer(struct ectx *c)
{
    for (uint64_t i = 0; i < c->a[2]; i++) {
        c->a[3] = nova_sm_ctrl(c->a[0], (unsigned)c->a[1]);
        c->count++;
    }
}

static struct ectx *spawn_downer(uint64_t sm, unsigned flags, uint64_t n)
{
    struct ectx *g;
    enum nova_status st = global_ec(&g, downer, true);
    CHECK_EQ(st, NOVA_SUCCESS);
    if (st != NOVA_SUCCESS)
        return 0;
    g->a[0] = sm;
    g->a[1] = flags | NOVA_FLAG_SM_CTRL_DN;
    g->a[2] = n;
    st = ectx_start(g, 2, 10000);
    CHECK_EQ(st, NOVA_SUCCESS);
    return st == NOVA_SUCCESS ? g : 0;
}

NOVA_TEST(sm_down_with_positive_counter_does_not_block)
{
    uint64_t sm = new_sm(3);
    REQUIRE(sm);
    CHECK_EQ(nova_sm_ctrl(sm, NOVA_FLAG_SM_CTRL_DN), NOVA_SUCCESS);
    CHECK_EQ(nova_sm_ctrl(sm, NOVA_FLAG_SM_CTRL_DN), NOVA_SUCCESS);
    CHECK_EQ(nova_sm_ctrl(sm, NOVA_FLAG_SM_CTRL_DN), NOVA_SUCCESS);
}

NOVA_TEST(sm_up_increments_the_counter)
{
    uint64_t sm = new_sm(0);
    REQUIRE(sm);
    REQUIRE_OK(nova_sm_ctrl(sm, 0));
    REQUIRE_OK(nova_sm_ctrl(sm, 0));
    /* two downs complete, the third blocks the waiter */
    struct ectx *g = spawn_downer(sm, 0, 3);
    REQUIRE(g);
    CHECK_EQ(g->started, 1);
    CHECK_EQ(g->count, 2);
    CHECK_EQ(g->done, 0);
    REQUIRE_OK(nova_sm_ctrl(sm, 0));
    CHECK_EQ(g->count, 3);
    CHECK_EQ(g->a[3], NOVA_SUCCESS);
    CHECK_EQ(g->done, 1);
}

NOVA_TEST(sm_down_blocks_until_up)
{
    uint64_t sm = new_sm(0);
    REQUIRE(sm);
    struct ectx *g = spawn_downer(sm, 0, 1);
    REQUIRE(g);
    CHECK_EQ(g->started, 1);
    CHECK_EQ(g->count, 0);   /* blocked */
    REQUIRE_OK(nova_sm_ctrl(sm, 0));
    /* the waiter has the higher priority: it ran before up returned */
    CHECK_EQ(g->count, 1);
    CHECK_EQ(g->a[3], NOVA_SUCCESS);
    CHECK_EQ(g->done, 1);
}

NOVA_TEST(sm_up_wakes_waiters_in_fifo_order)
{
    uint64_t sm = new_sm(0);
    REQUIRE(sm);
    static volatile uint64_t order[3], n;
    n = 0;
    struct ectx *g[3];
    for (unsigned i = 0; i < 3; i++) {
        g[i] = spawn_downer(sm, 0, 1);
        REQUIRE(g[i]);
        CHECK_EQ(g[i]->count, 0);
    }
    for (unsigned i = 0; i < 3; i++) {
        REQUIRE_OK(nova_sm_ctrl(sm, 0));
        for (unsigned j = 0; j < 3; j++)
            if (g[j]->done && !g[j]->a[5]) {
                g[j]->a[5] = 1;
                order[n++] = j;
            }
        CHECK_EQ(n, i + 1);
    }
    CHECK_EQ(n, 3);
    CHECK_EQ(order[0], 0);
    CHECK_EQ(order[1], 1);
    CHECK_EQ(order[2], 2);
}

NOVA_TEST(sm_zero_counter_down_takes_everything)
{
    uint64_t sm = new_sm(5);
    REQUIRE(sm);
    REQUIRE_OK(nova_sm_ctrl(sm, NOVA_FLAG_SM_CTRL_DN | NOVA_FLAG_SM_CTRL_ZC));   /* 5 -> 0, no block */
    struct ectx *g = spawn_downer(sm, 0, 1);
    REQUIRE(g);
    CHECK_EQ(g->count, 0);   /* the counter is 0 now: the waiter blocks */
    REQUIRE_OK(nova_sm_ctrl(sm, 0));
    CHECK_EQ(g->count, 1);
}

NOVA_TEST(sm_zero_counter_down_blocks_on_zero)
{
    uint64_t sm = new_sm(0);
    REQUIRE(sm);
    struct ectx *g = spawn_downer(sm, NOVA_FLAG_SM_CTRL_ZC, 1);
    REQUIRE(g);
    CHECK_EQ(g->count, 0);
    REQUIRE_OK(nova_sm_ctrl(sm, 0));
    CHECK_EQ(g->count, 1);
    CHECK_EQ(g->a[3], NOVA_SUCCESS);
    /* the wake-up consumed the up: a second waiter blocks */
    struct ectx *h = spawn_downer(sm, 0, 1);
    REQUIRE(h);
    CHECK_EQ(h->count, 0);
    REQUIRE_OK(nova_sm_ctrl(sm, 0));
    CHECK_EQ(h->count, 1);
}

NOVA_TEST(sm_plain_down_decrements_by_one)
{
    uint64_t sm = new_sm(2);
    REQUIRE(sm);
    REQUIRE_OK(nova_sm_ctrl(sm, NOVA_FLAG_SM_CTRL_DN));   /* 2 -> 1 */
    struct ectx *g = spawn_downer(sm, 0, 2);
    REQUIRE(g);
    CHECK_EQ(g->count, 1);   /* one more down succeeded, the second blocks */
    REQUIRE_OK(nova_sm_ctrl(sm, 0));
    CHECK_EQ(g->count, 2);
}

/* a woken waiter of higher priority preempts a global EC that called up */
static void upper(struct ectx *c)
{
    c->a[1] = nova_sm_ctrl(c->a[0], 0);
    struct ectx *w = c->arg;
    c->a[2] = w->count;   /* read right after up returned */
}

NOVA_TEST(sm_up_from_lower_priority_ec_switches_to_the_waiter)
{
    uint64_t sm = new_sm(0);
    REQUIRE(sm);
    struct ectx *w;
    REQUIRE_OK(global_ec(&w, downer, true));
    w->a[0] = sm;
    w->a[1] = NOVA_FLAG_SM_CTRL_DN;
    w->a[2] = 1;
    REQUIRE_OK(ectx_start(w, 4, 10000));
    CHECK_EQ(w->count, 0);
    struct ectx *u;
    REQUIRE_OK(global_ec(&u, upper, true));
    u->a[0] = sm;
    u->arg = w;
    REQUIRE_OK(ectx_start(u, 3, 10000));
    CHECK_EQ(u->done, 1);
    CHECK_EQ(u->a[1], NOVA_SUCCESS);
    CHECK_EQ(u->a[2], 1);
}

NOVA_TEST(sm_ctrl_on_non_semaphore_is_bad_cap)
{
    struct ectx *s;
    REQUIRE_OK(local_server(&s, 0));
    CHECK_EQ(nova_sm_ctrl(sel_alloc(1), 0), NOVA_BAD_CAP);
    CHECK_EQ(nova_sm_ctrl(sel_alloc(1), NOVA_FLAG_SM_CTRL_DN), NOVA_BAD_CAP);
    CHECK_EQ(nova_sm_ctrl(s->pt, 0), NOVA_BAD_CAP);
    CHECK_EQ(nova_sm_ctrl(s->pt, NOVA_FLAG_SM_CTRL_DN), NOVA_BAD_CAP);
    CHECK_EQ(nova_sm_ctrl(SEL_ROOT_PD, 0), NOVA_BAD_CAP);
    CHECK_EQ(nova_sm_ctrl(SEL_ROOT_EC, NOVA_FLAG_SM_CTRL_DN), NOVA_BAD_CAP);
    CHECK_EQ(nova_sm_ctrl(SEL_ROOT_SC, NOVA_FLAG_SM_CTRL_DN | NOVA_FLAG_SM_CTRL_ZC), NOVA_BAD_CAP);
    CHECK_EQ(s->calls, 0);
}
