/* IPC paths the other IPC tests leave unchecked, found by mutation testing
 * (docs/mutation.md): each test names the mutant it kills. */
#include "support.h"

static volatile uint64_t served[4], served_n;

/* records the caller id (word 0); caller 1 blocks on the semaphore a[0] */
static void gate_fn(uint64_t pid, struct ectx *c)
{
    (void)pid;
    uint64_t id = c->utcb->data.words[0];
    if (served_n < 4)
        served[served_n++] = id;
    if (id == 1)
        nova_sm_ctrl(c->a[0], NOVA_FLAG_SM_CTRL_DN);
    c->utcb->data.words[0] = id + 100;
    c->utcb->head.items = nova_utcb_items(1, 0);
}

/* calls portal a[0] with id a[1]; status a[2] */
static void gate_caller(struct ectx *c)
{
    c->utcb->data.words[0] = c->a[1];
    c->utcb->head.items = nova_utcb_items(1, 0);
    c->a[2] = nova_call(c->a[0], 0);
}

/* ec.c, ec_stop: `if (ec->state == EC_WAIT_SEND) ipc_dequeue_sender(ec)`
 * with the condition forced false: an EC destroyed while it waits for a
 * busy callee would stay in the callee's queue, and the callee would later
 * take a call from a dead (freed) EC. */
NOVA_TEST(mut_ipc_sender_destroyed_while_queued_is_never_served)
{
    served_n = 0;
    uint64_t sm = new_sm(0);
    REQUIRE(sm);
    struct ectx *a, *g1, *g2;
    REQUIRE_OK(local_server(&a, gate_fn));
    a->a[0] = sm;
    REQUIRE_OK(global_ec(&g1, gate_caller, true));
    g1->a[0] = a->pt;
    g1->a[1] = 1;
    REQUIRE_OK(ectx_start(g1, 2, 10000));
    REQUIRE_EQ(a->calls, 1);   /* g1's call is in progress, blocked on the semaphore */
    REQUIRE_OK(global_ec(&g2, gate_caller, true));
    g2->a[0] = a->pt;
    g2->a[1] = 2;
    REQUIRE_OK(ectx_start(g2, 3, 10000));
    CHECK_EQ(a->calls, 1);     /* g2 waits in a's queue */
    CHECK_EQ(g2->done, 0);
    /* destroy g2 while it waits: its SC, then its EC */
    REQUIRE_OK(nova_revoke(nova_crd_obj(g2->sc, 0, NOVA_PERM_SC_ALL), NOVA_FLAG_REVOKE_SR));
    REQUIRE_OK(nova_revoke(nova_crd_obj(g2->ec, 0, NOVA_PERM_EC_ALL), NOVA_FLAG_REVOKE_SR));
    REQUIRE_OK(nova_sm_ctrl(sm, 0));
    CHECK_EQ(g1->done, 1);
    CHECK_EQ(g1->a[2], NOVA_SUCCESS);
    CHECK_EQ(a->calls, 1);
    CHECK_EQ(served_n, 1);
    CHECK_EQ(g2->done, 0);
    /* a still serves */
    REQUIRE_OK(global_ec(&g1, gate_caller, true));
    g1->a[0] = a->pt;
    g1->a[1] = 3;
    REQUIRE_OK(ectx_start(g1, 2, 10000));
    CHECK_EQ(g1->done, 1);
    CHECK_EQ(g1->a[2], NOVA_SUCCESS);
    CHECK_EQ(served_n, 2);
    CHECK_EQ(served[1], 3);
}

/* pt.c, pt_destroy: the callers queued for a portal that is destroyed
 * learn COM_ABT; the mutant deletes `ipc_abort_sender(s)`, so such a
 * caller would wait on, for a portal that no longer exists. */
NOVA_TEST(mut_ipc_caller_queued_on_a_destroyed_portal_learns_com_abt)
{
    served_n = 0;
    uint64_t sm = new_sm(0), p2 = 0;
    REQUIRE(sm);
    struct ectx *a, *g1, *g2;
    REQUIRE_OK(local_server(&a, gate_fn));
    a->a[0] = sm;
    REQUIRE_OK(ectx_pt(a, 0, &p2));   /* a second portal to the same EC */
    REQUIRE_OK(global_ec(&g1, gate_caller, true));
    g1->a[0] = a->pt;
    g1->a[1] = 1;
    REQUIRE_OK(ectx_start(g1, 2, 10000));
    REQUIRE_EQ(a->calls, 1);   /* a is busy with g1 */
    REQUIRE_OK(global_ec(&g2, gate_caller, true));
    g2->a[0] = p2;
    g2->a[1] = 2;
    REQUIRE_OK(ectx_start(g2, 3, 10000));
    CHECK_EQ(g2->done, 0);     /* queued on p2 */
    REQUIRE_OK(nova_revoke(nova_crd_obj(p2, 0, NOVA_PERM_PT_ALL), NOVA_FLAG_REVOKE_SR));
    /* (the revoke makes g2 ready; it runs at the next scheduling decision) */
    REQUIRE_OK(nova_sm_ctrl(sm, 0));
    CHECK_EQ(g2->done, 1);
    CHECK_EQ(g2->a[2], NOVA_COM_ABT);
    CHECK_EQ(g1->done, 1);
    CHECK_EQ(g1->a[2], NOVA_SUCCESS);
    CHECK_EQ(served_n, 1);
    CHECK_EQ(a->calls, 1);
}

/* passes caller 1's call on to portal a[1] (a gate_fn server), then replies */
static void relay_fn(uint64_t pid, struct ectx *c)
{
    (void)pid;
    uint64_t id = c->utcb->data.words[0];
    if (id == 1) {
        c->utcb->head.items = nova_utcb_items(1, 0);
        nova_call(c->a[1], 0);
    }
    c->utcb->data.words[0] = id + 100;
    c->utcb->head.items = nova_utcb_items(1, 0);
}

/* sc.c, chain_end: an aborted caller's SC waits where the chain it helped
 * along ends, which may be several calls down; the mutant (`ec =
 * ec->callee` deleted) looked only at the first callee, so the SC stayed
 * parked far down the chain and its EC never learned COM_ABT until that
 * chain moved. Here g2 waits for a, which serves g1 by calling b, which
 * blocks: g2's SC parks on b; destroying g2's portal must let g2 run at
 * once (it outranks the root). */
NOVA_TEST(mut_sched_aborted_caller_runs_though_the_chain_it_helped_is_long)
{
    served_n = 0;
    uint64_t sm = new_sm(0), p2 = 0;
    REQUIRE(sm);
    struct ectx *a, *b, *g1, *g2;
    REQUIRE_OK(local_server(&b, gate_fn));
    b->a[0] = sm;
    REQUIRE_OK(local_server(&a, relay_fn));
    a->a[1] = b->pt;
    REQUIRE_OK(ectx_pt(a, 0, &p2));
    REQUIRE_OK(global_ec(&g1, gate_caller, true));
    g1->a[0] = a->pt;
    g1->a[1] = 1;
    REQUIRE_OK(ectx_start(g1, 2, 10000));
    REQUIRE_EQ(b->calls, 1);   /* g1 -> a -> b, b blocked on the semaphore */
    REQUIRE_OK(global_ec(&g2, gate_caller, true));
    g2->a[0] = p2;
    g2->a[1] = 2;
    REQUIRE_OK(ectx_start(g2, 3, 10000));
    CHECK_EQ(g2->done, 0);     /* queued on p2, its SC parked on b */
    REQUIRE_OK(nova_revoke(nova_crd_obj(p2, 0, NOVA_PERM_PT_ALL), NOVA_FLAG_REVOKE_SR));
    CHECK_EQ(g2->done, 1);     /* ran at once, before the chain moved */
    CHECK_EQ(g2->a[2], NOVA_COM_ABT);
    REQUIRE_OK(nova_sm_ctrl(sm, 0));
    CHECK_EQ(g1->done, 1);
    CHECK_EQ(g1->a[2], NOVA_SUCCESS);
    CHECK_EQ(a->calls, 1);
}

static void empty_fn(uint64_t pid, struct ectx *c)
{
    (void)pid;
    c->utcb->head.items = 0;
}

/* delegate.c, delegate_items: the untyped count is clamped to the data
 * area before the room left for typed items is worked out; the mutant
 * (the clamp `if (u > NOVA_UTCB_DATA_WORDS)` forced false) would let
 * (508 - u) / 2 wrap around and take a typed item that has no room. */
NOVA_TEST(mut_ipc_untyped_count_beyond_the_data_area_leaves_no_typed_items)
{
    struct ectx *s;
    REQUIRE_OK(local_server(&s, empty_fn));
    uint64_t sm = new_sm(0), dst = sel_alloc(1);
    REQUIRE(sm);
    s->utcb->head.del = nova_crd_obj(dst, 0, PERM_ANY);
    struct nova_utcb *u = nova_root_utcb();
    u->data.words[NOVA_UTCB_TYPED_ITEM_WORD(0)] = nova_item_delegate(dst, 0, 0, 0);
    u->data.words[NOVA_UTCB_TYPED_CRD_WORD(0)] = nova_crd_obj(sm, 0, PERM_ANY);
    u->head.items = nova_utcb_items(600, 1);
    REQUIRE_OK(nova_call(s->pt, 0));
    s->utcb->head.del = nova_crd_null();
    CHECK_EQ(lookup_sel(dst), nova_crd_null());   /* nothing was delegated */
    CHECK(nova_crd_type(lookup_sel(sm)) == NOVA_CRD_TYPE_OBJ);
}
