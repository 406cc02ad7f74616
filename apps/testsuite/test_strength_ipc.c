/* IPC corner cases the other files left open (issue 14's surviving
 * mutants): the typed-item clamp at the end of the data area, the queue of
 * callers at a busy callee over several rounds, the callee's link to its
 * caller after a reply, and R8-R15 in the reply to an exception. */
#include "support.h"

static struct nova_utcb *me(void) { return nova_root_utcb(); }

/* Let every EC above the root's priority that became ready run now: an up
 * reschedules (sm_ctrl), other hypercalls return to the caller at once. */
static void let_higher_run(void)
{
    static uint64_t sm;
    if (!sm)
        sm = new_sm(0);
    CHECK_EQ(nova_sm_ctrl(sm, 0), NOVA_SUCCESS);
}

/* ---- the typed-item clamp ----
 * Typed items fill the data area from its end (4.6.2.2), untyped words from
 * its start; a U plus 2T beyond the 508 words is clamped (docs/api.md,
 * "Untyped item count"): T to what fits after the U words, so no typed item
 * ever overlaps an untyped word. */

/* word i of a message: its low two bits 0, so as a CRD it is a null one */
static uint64_t pattern(unsigned i, uint64_t tag) { return tag | ((uint64_t)i << 4); }

/* the words 0..n-1 of u that differ from the pattern */
static unsigned mismatches(const struct nova_utcb *u, unsigned n, uint64_t tag)
{
    unsigned bad = 0;
    for (unsigned i = 0; i < n; i++)
        bad += u->data.words[i] != pattern(i, tag);
    return bad;
}

/* U words of the pattern and T translate items (of null CRDs) written from
 * the end of the data area; where they overlap, the untyped word wins,
 * which is also a null CRD */
static void compose(struct nova_utcb *u, unsigned nu, unsigned nt, uint64_t tag)
{
    for (unsigned i = 0; i < nt; i++) {
        u->data.words[NOVA_UTCB_TYPED_ITEM_WORD(i)] = nova_item_translate();
        u->data.words[NOVA_UTCB_TYPED_CRD_WORD(i)] = nova_crd_null();
    }
    for (unsigned i = 0; i < nu; i++)
        u->data.words[i] = pattern(i, tag);
    u->head.items = nova_utcb_items(nu, nt);
}

#define TAG_CALL  0x5100000000000000ull
#define TAG_REPLY 0x7200000000000000ull

/* records the header and the untyped words it got (a[0], a[1]), then
 * replies with a[2] words and a[3] typed items */
static void clamp_fn(uint64_t pid, struct ectx *c)
{
    (void)pid;
    struct nova_utcb *u = c->utcb;
    c->a[0] = u->head.items;
    unsigned n = (unsigned)nova_utcb_items_u(u->head.items);
    c->a[1] = mismatches(u, n > NOVA_UTCB_DATA_WORDS ? NOVA_UTCB_DATA_WORDS : n, TAG_CALL);
    u->head.xlt = nova_crd_null();
    compose(u, (unsigned)c->a[2], (unsigned)c->a[3], TAG_REPLY);
}

/* One call with nu words and nt items each way; the U and T each side got. */
static void clamp_round(struct ectx *s, unsigned nu, unsigned nt, unsigned want_t)
{
    s->a[2] = nu;
    s->a[3] = nt;
    me()->head.xlt = nova_crd_null();
    compose(me(), nu, nt, TAG_CALL);
    REQUIRE_OK(nova_call(s->pt, 0));
    CHECK_EQ(s->a[0], nova_utcb_items(nu, want_t));   /* the callee's header */
    CHECK_EQ(s->a[1], 0);                             /* its untyped words intact */
    CHECK_EQ(me()->head.items, nova_utcb_items(nu, want_t));
    CHECK_EQ(mismatches(me(), nu, TAG_REPLY), 0);
    for (unsigned i = 0; i < want_t; i++)   /* a translate without a window gives a null CRD */
        CHECK_EQ(me()->data.words[NOVA_UTCB_TYPED_CRD_WORD(i)], nova_crd_null());
}

NOVA_TEST(strength_typed_items_never_overlap_the_untyped_words)
{
    struct ectx *s;
    REQUIRE_OK(local_server(&s, clamp_fn));
    const unsigned W = NOVA_UTCB_DATA_WORDS;
    clamp_round(s, W - 2, 1, 1);   /* exactly full: both arrive */
    clamp_round(s, W - 1, 1, 0);   /* one word left: no room for an item */
    clamp_round(s, W - 3, 2, 1);   /* three words left: one item */
    clamp_round(s, W - 7, 4, 3);
    clamp_round(s, W, 3, 0);
    clamp_round(s, 0, W / 2, W / 2);
}

/* ---- the queue of callers at a busy callee ---- */

static volatile uint64_t served[16], nserved;

/* records the caller id (word 0); id c->a[1] blocks on the semaphore a[0] */
static void slow_fn(uint64_t pid, struct ectx *c)
{
    (void)pid;
    uint64_t id = c->utcb->data.words[0];
    if (nserved < 16)
        served[nserved++] = id;
    if (id == c->a[1])
        c->a[2] = nova_sm_ctrl(c->a[0], NOVA_FLAG_SM_CTRL_DN);
    c->utcb->data.words[0] = id + 100;
    c->utcb->head.items = nova_utcb_items(1, 0);
}


static struct ectx *caller(uint64_t pt, uint64_t id, uint64_t prio)
{
    struct ectx *g;
    CHECK_EQ(global_ec(&g, id_caller, true), NOVA_SUCCESS);
    if (!g)
        return 0;
    g->a[0] = pt;
    g->a[1] = id;
    CHECK_EQ(ectx_start(g, prio, 10000), NOVA_SUCCESS);
    return g;
}

static void served_by(struct ectx *g, uint64_t id)
{
    CHECK_EQ(g->done, 1);
    CHECK_EQ(g->a[2], NOVA_SUCCESS);
    CHECK_EQ(g->a[3], id + 100);
}

/* A caller (priority 2) gets the callee stuck on the semaphore, `n` more
 * (priority 3) queue behind it, the semaphore lets it go: everything above
 * the root's priority runs to its end before the root goes on, so every
 * queued caller must have been served, in order, when sm_ctrl returns. */
static void one_round(struct ectx *a, uint64_t sm, uint64_t first_id, unsigned n)
{
    nserved = 0;
    a->a[1] = first_id;
    struct ectx *g[8];
    g[0] = caller(a->pt, first_id, 2);
    REQUIRE(g[0]);
    REQUIRE_EQ(nserved, 1);   /* it is in the handler, blocked */
    for (unsigned i = 1; i <= n; i++) {
        g[i] = caller(a->pt, first_id + i, 3);
        REQUIRE(g[i]);
        CHECK_EQ(g[i]->done, 0);   /* queued */
    }
    REQUIRE_OK(nova_sm_ctrl(sm, 0));
    CHECK_EQ(nserved, n + 1);
    for (unsigned i = 0; i <= n; i++) {
        served_by(g[i], first_id + i);
        CHECK_EQ(served[i], first_id + i);
    }
}

NOVA_TEST(strength_a_drained_caller_queue_takes_new_callers)
{
    uint64_t sm = new_sm(0);
    REQUIRE(sm);
    struct ectx *a;
    REQUIRE_OK(local_server(&a, slow_fn));
    a->a[0] = sm;
    one_round(a, sm, 10, 3);
    one_round(a, sm, 20, 1);   /* the queue emptied: its tail must have gone too */
    one_round(a, sm, 30, 2);
}

NOVA_TEST(strength_a_caller_aborted_at_the_queue_tail_leaves_a_working_queue)
{
    uint64_t sm = new_sm(0);
    REQUIRE(sm);
    struct ectx *a;
    REQUIRE_OK(local_server(&a, slow_fn));
    a->a[0] = sm;
    a->a[1] = 1;
    uint64_t p2;
    REQUIRE_OK(ectx_pt(a, 0, &p2));
    nserved = 0;
    struct ectx *g1 = caller(a->pt, 1, 2), *g2 = caller(a->pt, 2, 3), *g3 = caller(p2, 3, 3);
    REQUIRE(g1 && g2 && g3);
    REQUIRE_EQ(nserved, 1);
    /* g3, the queue's tail, called through p2: destroying p2 takes it off
     * (that it runs at once with COM_ABT is the test further below) */
    REQUIRE_OK(nova_revoke(nova_crd_obj(p2, 0, NOVA_PERM_PT_ALL), NOVA_FLAG_REVOKE_SR));
    struct ectx *g4 = caller(a->pt, 4, 3);   /* queued behind g2, where g3 was */
    REQUIRE(g4);
    CHECK_EQ(g4->done, 0);
    REQUIRE_OK(nova_sm_ctrl(sm, 0));
    served_by(g1, 1);
    served_by(g2, 2);
    served_by(g4, 4);
    CHECK_EQ(nserved, 3);
    CHECK_EQ(g3->done, 1);
    CHECK_EQ(g3->a[2], NOVA_COM_ABT);
    one_round(a, sm, 40, 2);
}

/* ---- after a reply, the callee has no caller ---- */

/* replies with one word, and with a[0] set a typed item too (the general
 * path; without it the reply takes the fast path) */
static void reply_fn(uint64_t pid, struct ectx *c)
{
    (void)pid;
    struct nova_utcb *u = c->utcb;
    u->data.words[0] = 0x600d;
    if (c->a[0]) {
        u->data.words[NOVA_UTCB_TYPED_ITEM_WORD(0)] = nova_item_translate();
        u->data.words[NOVA_UTCB_TYPED_CRD_WORD(0)] = nova_crd_null();
        u->head.items = nova_utcb_items(1, 1);
    } else {
        u->head.items = nova_utcb_items(1, 0);
    }
}

/* calls portal a[0] (status a[1], word a[2]), then downs semaphore a[3]
 * (status a[4]) */
static void call_then_wait(struct ectx *c)
{
    c->utcb->head.items = 0;
    c->utcb->head.xlt = nova_crd_null();
    c->a[1] = nova_call(c->a[0], 0);
    c->a[2] = c->utcb->data.words[0];
    c->a[4] = nova_sm_ctrl(c->a[3], NOVA_FLAG_SM_CTRL_DN);
}

static void reply_unlinks(uint64_t typed)
{
    uint64_t sm = new_sm(0);
    REQUIRE(sm);
    struct ectx *s, *g;
    REQUIRE_OK(local_server(&s, reply_fn));
    s->a[0] = typed;
    REQUIRE_OK(global_ec(&g, call_then_wait, true));
    g->a[0] = s->pt;
    g->a[3] = sm;
    g->a[4] = 0xdead;
    REQUIRE_OK(ectx_start(g, 2, 10000));
    REQUIRE_EQ(g->a[1], NOVA_SUCCESS);   /* the call is over */
    CHECK_EQ(g->a[2], 0x600d);
    REQUIRE_EQ(g->done, 0);              /* and g waits at the semaphore */
    /* the former callee dies: it has no caller any more, so nobody learns */
    REQUIRE_OK(nova_revoke(nova_crd_obj(s->pt, 0, NOVA_PERM_PT_ALL), NOVA_FLAG_REVOKE_SR));
    REQUIRE_OK(nova_revoke(nova_crd_obj(s->ec, 0, NOVA_PERM_EC_ALL), NOVA_FLAG_REVOKE_SR));
    CHECK_EQ(lookup_sel(s->ec), nova_crd_null());
    let_higher_run();
    CHECK_EQ(g->done, 0);
    CHECK_EQ(g->a[4], 0xdead);
    REQUIRE_OK(nova_sm_ctrl(sm, 0));
    CHECK_EQ(g->done, 1);
    CHECK_EQ(g->a[4], NOVA_SUCCESS);
}

NOVA_TEST(strength_reply_through_the_general_path_unlinks_the_caller)
{
    reply_unlinks(1);
}

NOVA_TEST(strength_reply_through_the_fast_path_unlinks_the_caller)
{
    reply_unlinks(0);
}

/* ---- R8-R15 in exception messages ---- */

/* loads R8-R15 from the block at RDI, faults (#UD), stores them back */
void r8_probe(uint64_t *block);
extern const char r8_probe_insn[], r8_probe_after[];
__asm__(".text\n"
        ".globl r8_probe\n"
        ".globl r8_probe_insn\n"
        ".globl r8_probe_after\n"
        "r8_probe:\n"
        "    push %rbx\n"
        "    push %rbp\n"
        "    push %r12\n"
        "    push %r13\n"
        "    push %r14\n"
        "    push %r15\n"
        "    push %rdi\n"
        "    mov 0(%rdi), %r8\n"
        "    mov 8(%rdi), %r9\n"
        "    mov 16(%rdi), %r10\n"
        "    mov 24(%rdi), %r11\n"
        "    mov 32(%rdi), %r12\n"
        "    mov 40(%rdi), %r13\n"
        "    mov 48(%rdi), %r14\n"
        "    mov 56(%rdi), %r15\n"
        "r8_probe_insn:\n"
        "    ud2\n"
        "r8_probe_after:\n"
        "    pop %rdi\n"
        "    mov %r8, 0(%rdi)\n"
        "    mov %r9, 8(%rdi)\n"
        "    mov %r10, 16(%rdi)\n"
        "    mov %r11, 24(%rdi)\n"
        "    mov %r12, 32(%rdi)\n"
        "    mov %r13, 40(%rdi)\n"
        "    mov %r14, 48(%rdi)\n"
        "    mov %r15, 56(%rdi)\n"
        "    pop %r15\n"
        "    pop %r14\n"
        "    pop %r13\n"
        "    pop %r12\n"
        "    pop %rbp\n"
        "    pop %rbx\n"
        "    ret\n");

static uint64_t r8_block[8];
static volatile uint64_t r8_seen[8], r8_faults;
static uint64_t r8_reply_mtd;

static uint64_t before(unsigned i) { return 0x0800000000000000ull + i * 0x1111; }
static uint64_t after(unsigned i) { return 0x0f00000000000000ull + i * 0x2222; }

static void r8_handler(uint64_t pid, struct ectx *c)
{
    (void)pid;
    struct nova_utcb_arch *a = &c->utcb->data.arch;
    uint64_t got[8] = { a->r8, a->r9, a->r10, a->r11, a->r12, a->r13, a->r14, a->r15 };
    r8_faults++;
    for (unsigned i = 0; i < 8; i++)
        r8_seen[i] = got[i];
    a->r8 = after(0), a->r9 = after(1), a->r10 = after(2), a->r11 = after(3);
    a->r12 = after(4), a->r13 = after(5), a->r14 = after(6), a->r15 = after(7);
    a->rip = (uintptr_t)r8_probe_after;
    a->mtd = r8_reply_mtd;
}

static void r8_victim(struct ectx *c)
{
    (void)c;
    r8_probe(r8_block);
}

static void r8_round(uint64_t reply_mtd)
{
    for (unsigned i = 0; i < 8; i++)
        r8_block[i] = before(i), r8_seen[i] = 0;
    r8_faults = 0;
    r8_reply_mtd = reply_mtd;
    struct ectx *h, *v;
    REQUIRE_OK(local_ec(&h, r8_handler, SEL_EMPTY_EVT));
    REQUIRE_OK(global_ec(&v, r8_victim, true));
    REQUIRE_OK(portal_at(v->evt + NOVA_EXC_UD, h, NOVA_MTD_EIP | NOVA_MTD_R8_R15, 0));
    REQUIRE_OK(ectx_start(v, 2, 10000));   /* above the root: all of it happens now */
    REQUIRE_EQ(r8_faults, 1);
    REQUIRE_EQ(v->done, 1);
    for (unsigned i = 0; i < 8; i++) {
        CHECK_EQ(r8_seen[i], before(i));   /* the portal's MTD delivered them */
        CHECK_EQ(r8_block[i], reply_mtd & NOVA_MTD_R8_R15 ? after(i) : before(i));
    }
}

NOVA_TEST(strength_exception_reply_sets_r8_to_r15)
{
    r8_round(NOVA_MTD_EIP | NOVA_MTD_R8_R15);
}

NOVA_TEST(strength_exception_reply_without_r8_r15_leaves_them)
{
    r8_round(NOVA_MTD_EIP);
}

/* ---- an aborted caller runs at once ----
 * A caller waiting at a busy callee lends it its SC (helping); when the
 * callee cannot run, the SC waits parked on the EC where the chain of calls
 * is stuck. An abort takes the caller out of that chain: it is ready, with
 * COM_ABT, and must run at once (priority 3 over the root's 1), not only
 * when the stuck callee moves. */

NOVA_TEST(strength_a_caller_aborted_at_a_stuck_callee_runs_at_once)
{
    uint64_t sm = new_sm(0);
    REQUIRE(sm);
    struct ectx *a;
    REQUIRE_OK(local_server(&a, slow_fn));
    a->a[0] = sm;
    a->a[1] = 1;
    uint64_t p2;
    REQUIRE_OK(ectx_pt(a, 0, &p2));
    nserved = 0;
    struct ectx *g1 = caller(a->pt, 1, 2), *g2 = caller(p2, 2, 3);
    REQUIRE(g1 && g2);
    REQUIRE_EQ(nserved, 1);   /* a is stuck at the semaphore, g2 queued */
    REQUIRE_OK(nova_revoke(nova_crd_obj(p2, 0, NOVA_PERM_PT_ALL), NOVA_FLAG_REVOKE_SR));
    let_higher_run();
    CHECK_EQ(g2->done, 1);
    CHECK_EQ(g2->a[2], NOVA_COM_ABT);
    REQUIRE_OK(nova_sm_ctrl(sm, 0));
    served_by(g1, 1);
    CHECK_EQ(g2->a[2], NOVA_COM_ABT);
}

/* relays the call to the portal a[0] and records its status in a[2] */
static void relay_fn(uint64_t pid, struct ectx *c)
{
    (void)pid;
    c->utcb->data.words[0] = 7;
    c->utcb->head.items = nova_utcb_items(1, 0);
    c->a[2] = nova_call(c->a[0], 0);
    c->utcb->head.items = nova_utcb_items(1, 0);
}

NOVA_TEST(strength_a_donor_whose_callee_is_aborted_at_a_stuck_callee_runs_at_once)
{
    /* g2 -> w (donated) -> a (busy, stuck): g2's SC waits parked on a. The
     * portal w called through goes: w gets COM_ABT and replies to g2 on g2's
     * SC, at once. */
    uint64_t sm = new_sm(0);
    REQUIRE(sm);
    struct ectx *a, *w;
    REQUIRE_OK(local_server(&a, slow_fn));
    a->a[0] = sm;
    a->a[1] = 1;
    uint64_t p2;
    REQUIRE_OK(ectx_pt(a, 0, &p2));
    REQUIRE_OK(local_server(&w, relay_fn));
    w->a[0] = p2;
    nserved = 0;
    struct ectx *g1 = caller(a->pt, 1, 2), *g2 = caller(w->pt, 2, 3);
    REQUIRE(g1 && g2);
    REQUIRE_EQ(nserved, 1);
    REQUIRE_EQ(w->calls, 1);   /* w waits at a for g2 */
    REQUIRE_OK(nova_revoke(nova_crd_obj(p2, 0, NOVA_PERM_PT_ALL), NOVA_FLAG_REVOKE_SR));
    let_higher_run();
    CHECK_EQ(w->a[2], NOVA_COM_ABT);
    CHECK_EQ(g2->done, 1);
    CHECK_EQ(g2->a[2], NOVA_SUCCESS);
    REQUIRE_OK(nova_sm_ctrl(sm, 0));
    served_by(g1, 1);
}

NOVA_TEST(strength_a_donor_whose_callee_dies_at_a_stuck_callee_runs_at_once)
{
    /* g2 -> w (donated) -> a (busy, stuck), then w is destroyed: g2 gets
     * COM_ABT at once */
    uint64_t sm = new_sm(0);
    REQUIRE(sm);
    struct ectx *a, *w;
    REQUIRE_OK(local_server(&a, slow_fn));
    a->a[0] = sm;
    a->a[1] = 1;
    REQUIRE_OK(local_server(&w, relay_fn));
    w->a[0] = a->pt;
    nserved = 0;
    struct ectx *g1 = caller(a->pt, 1, 2), *g2 = caller(w->pt, 2, 3);
    REQUIRE(g1 && g2);
    REQUIRE_EQ(nserved, 1);
    REQUIRE_EQ(w->calls, 1);
    REQUIRE_OK(nova_revoke(nova_crd_obj(w->pt, 0, NOVA_PERM_PT_ALL), NOVA_FLAG_REVOKE_SR));
    REQUIRE_OK(nova_revoke(nova_crd_obj(w->ec, 0, NOVA_PERM_EC_ALL), NOVA_FLAG_REVOKE_SR));
    let_higher_run();
    CHECK_EQ(g2->done, 1);
    CHECK_EQ(g2->a[2], NOVA_COM_ABT);
    REQUIRE_OK(nova_sm_ctrl(sm, 0));
    served_by(g1, 1);
    CHECK_EQ(nserved, 1);   /* w's queued call went with w */
}
