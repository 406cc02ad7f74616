/* call and reply (spec 3.2, 5.2): message transfer, PIDs, status codes,
 * donation, helping, busy callees and aborted calls. */
#include "support.h"

static struct nova_utcb *me(void) { return nova_root_utcb(); }

/* ---- message transfer ---- */

/* records the request, replies U = a[0] words: words[i] = request words[i] + 100 */
static void echo_fn(uint64_t pid, struct ectx *c)
{
    (void)pid;
    struct nova_utcb *u = c->utcb;
    uint64_t n = nova_utcb_items_u(u->head.items);
    c->a[1] = u->head.items;
    c->a[2] = n ? u->data.words[0] : ~0ull;
    uint64_t ok = 1;
    for (uint64_t i = 0; i < n && i < NOVA_UTCB_DATA_WORDS; i++)
        if (u->data.words[i] != i * 3 + 1)
            ok = 0;
    c->a[3] = ok;
    uint64_t r = c->a[0];
    for (uint64_t i = 0; i < r; i++)
        u->data.words[i] = i * 3 + 1 + 100;
    u->head.items = nova_utcb_items(r, 0);
}

static void fill(uint64_t n)
{
    for (uint64_t i = 0; i < n; i++)
        me()->data.words[i] = i * 3 + 1;
    me()->head.items = nova_utcb_items(n, 0);
}

NOVA_TEST(call_with_zero_words)
{
    struct ectx *s;
    REQUIRE_OK(local_server(&s, echo_fn));
    s->a[0] = 0;
    fill(0);
    me()->data.words[0] = 0x55;
    REQUIRE_OK(nova_call(s->pt, 0));
    CHECK_EQ(s->calls, 1);
    CHECK_EQ(s->a[1], nova_utcb_items(0, 0));
    CHECK_EQ(nova_utcb_items_u(me()->head.items), 0);
    CHECK_EQ(me()->data.words[0], 0x55);   /* nothing was copied back */
}

NOVA_TEST(call_with_one_word)
{
    struct ectx *s;
    REQUIRE_OK(local_server(&s, echo_fn));
    s->a[0] = 1;
    fill(1);
    me()->data.words[1] = 0x77;
    REQUIRE_OK(nova_call(s->pt, 0));
    CHECK_EQ(s->a[1], nova_utcb_items(1, 0));
    CHECK_EQ(s->a[2], 1);
    CHECK_EQ(me()->head.items, nova_utcb_items(1, 0));
    CHECK_EQ(me()->data.words[0], 101);
    CHECK_EQ(me()->data.words[1], 0x77);   /* beyond U: untouched */
}

NOVA_TEST(call_with_508_words_both_ways)
{
    struct ectx *s;
    REQUIRE_OK(local_server(&s, echo_fn));
    s->a[0] = NOVA_UTCB_DATA_WORDS;
    fill(NOVA_UTCB_DATA_WORDS);
    REQUIRE_OK(nova_call(s->pt, 0));
    CHECK_EQ(nova_utcb_items_u(s->a[1]), NOVA_UTCB_DATA_WORDS);
    CHECK_EQ(s->a[3], 1);
    CHECK_EQ(nova_utcb_items_u(me()->head.items), NOVA_UTCB_DATA_WORDS);
    uint64_t bad = 0;
    for (uint64_t i = 0; i < NOVA_UTCB_DATA_WORDS; i++)
        if (me()->data.words[i] != i * 3 + 101)
            bad++;
    CHECK_EQ(bad, 0);
}

NOVA_TEST(call_clamps_untyped_count_to_the_data_area)
{
    struct ectx *s;
    REQUIRE_OK(local_server(&s, echo_fn));
    s->a[0] = 0;
    fill(NOVA_UTCB_DATA_WORDS);
    me()->head.items = nova_utcb_items(0xffff, 0);
    REQUIRE_OK(nova_call(s->pt, 0));
    CHECK_EQ(nova_utcb_items_u(s->a[1]), NOVA_UTCB_DATA_WORDS);
    CHECK_EQ(s->a[3], 1);
}

NOVA_TEST(reply_copies_only_the_callee_words)
{
    struct ectx *s;
    REQUIRE_OK(local_server(&s, echo_fn));
    s->a[0] = 3;
    fill(10);
    REQUIRE_OK(nova_call(s->pt, 0));
    CHECK_EQ(me()->head.items, nova_utcb_items(3, 0));
    CHECK_EQ(me()->data.words[2], 2 * 3 + 101);
    CHECK_EQ(me()->data.words[3], 3 * 3 + 1);
    CHECK_EQ(me()->data.words[9], 9 * 3 + 1);
}

NOVA_TEST(repeated_calls_reach_the_same_local_ec)
{
    struct ectx *s;
    REQUIRE_OK(local_server(&s, echo_fn));
    s->a[0] = 1;
    for (unsigned i = 0; i < 20; i++) {
        fill(1);
        REQUIRE_OK(nova_call(s->pt, 0));
        CHECK_EQ(me()->data.words[0], 101);
    }
    CHECK_EQ(s->calls, 20);
}

/* ---- portal identifiers ---- */

NOVA_TEST(portal_id_starts_at_zero_and_pt_ctrl_sets_it)
{
    struct ectx *s;
    REQUIRE_OK(local_server(&s, 0));
    fill(0);
    REQUIRE_OK(nova_call(s->pt, 0));
    CHECK_EQ(s->last_pid, 0);
    REQUIRE_OK(nova_pt_ctrl(s->pt, 0xfeedface12345678ull));
    REQUIRE_OK(nova_call(s->pt, 0));
    CHECK_EQ(s->last_pid, 0xfeedface12345678ull);
    REQUIRE_OK(nova_pt_ctrl(s->pt, 3));
    REQUIRE_OK(nova_call(s->pt, 0));
    CHECK_EQ(s->last_pid, 3);
}

NOVA_TEST(portals_of_one_ec_have_their_own_ids)
{
    struct ectx *s;
    REQUIRE_OK(local_server(&s, 0));
    uint64_t p2, p3;
    REQUIRE_OK(ectx_pt(s, 0, &p2));
    REQUIRE_OK(ectx_pt(s, 0, &p3));
    REQUIRE_OK(nova_pt_ctrl(s->pt, 11));
    REQUIRE_OK(nova_pt_ctrl(p2, 22));
    REQUIRE_OK(nova_pt_ctrl(p3, 33));
    fill(0);
    REQUIRE_OK(nova_call(p2, 0));
    CHECK_EQ(s->last_pid, 22);
    REQUIRE_OK(nova_call(s->pt, 0));
    CHECK_EQ(s->last_pid, 11);
    REQUIRE_OK(nova_call(p3, 0));
    CHECK_EQ(s->last_pid, 33);
    CHECK_EQ(s->calls, 3);
}

/* ---- status codes ---- */

NOVA_TEST(call_succeeds_with_every_flag_combination)
{
    struct ectx *s;
    REQUIRE_OK(local_server(&s, echo_fn));
    s->a[0] = 1;
    for (unsigned f = 0; f < 4; f++) {
        fill(1);
        /* nova_call returns the whole status byte: the flags must not leak */
        CHECK_EQ(nova_call(s->pt, f), NOVA_SUCCESS);
        CHECK_EQ(me()->data.words[0], 101);
    }
    CHECK_EQ(s->calls, 4);
}

NOVA_TEST(call_on_non_portal_is_bad_cap)
{
    uint64_t sm = new_sm(1);
    struct ectx *l;
    REQUIRE_OK(local_ec(&l, 0, SEL_EMPTY_EVT));
    fill(0);
    CHECK_EQ(nova_call(sel_alloc(1), 0), NOVA_BAD_CAP);
    CHECK_EQ(nova_call(SEL_ROOT_PD, 0), NOVA_BAD_CAP);
    CHECK_EQ(nova_call(SEL_ROOT_EC, 0), NOVA_BAD_CAP);
    CHECK_EQ(nova_call(SEL_ROOT_SC, 0), NOVA_BAD_CAP);
    CHECK_EQ(nova_call(sm, 0), NOVA_BAD_CAP);
    CHECK_EQ(nova_call(l->ec, NOVA_FLAG_CALL_DD), NOVA_BAD_CAP);
    CHECK_EQ(nova_call(0, NOVA_FLAG_CALL_DB), NOVA_BAD_CAP);   /* root event selectors are empty */
    CHECK_EQ(l->calls, 0);
    /* the semaphore was not touched: its count is still 1 */
    CHECK_EQ(nova_sm_ctrl(sm, NOVA_FLAG_SM_CTRL_DN), NOVA_SUCCESS);
}

/* Portal entry that overwrites every general register, then replies. */
void trash_entry(void);
__asm__(".text\n"
        ".globl trash_entry\n"
        "trash_entry:\n"
        "    mov $0xdeaddeaddeaddead, %rax\n"
        "    mov %rax, %rbx\n"
        "    mov %rax, %rcx\n"
        "    mov %rax, %rdx\n"
        "    mov %rax, %rsi\n"
        "    mov %rax, %rbp\n"
        "    mov %rax, %r8\n"
        "    mov %rax, %r9\n"
        "    mov %rax, %r10\n"
        "    mov %rax, %r11\n"
        "    mov %rax, %r12\n"
        "    mov %rax, %r13\n"
        "    mov %rax, %r14\n"
        "    mov %rax, %r15\n"
        "    mov $1, %edi\n"
        "    syscall\n"
        "    ud2\n");

NOVA_TEST(call_preserves_the_caller_registers)
{
    struct ectx *l;
    REQUIRE_OK(local_ec(&l, 0, SEL_EMPTY_EVT));
    uint64_t pt = sel_alloc(1);
    REQUIRE_OK(nova_create_pt(pt, SEL_ROOT_PD, l->ec, 0, (uintptr_t)trash_entry));
    fill(0);
    uint64_t rdi = nova_hc_id(NOVA_HC_CALL, 0, pt), rsi = 0x5151515151515151ull, rdx = 0xd0d0d0d0d0d0d0d0ull,
             rax = 0xa0a0a0a0a0a0a0a0ull, rbx = 0xb0b0b0b0b0b0b0b0ull;
    register uint64_t r8 __asm__("r8") = 0x8888888888888888ull, r9 __asm__("r9") = 0x9999999999999999ull,
                      r10 __asm__("r10") = 0x1010101010101010ull, r12 __asm__("r12") = 0x1212121212121212ull,
                      r13 __asm__("r13") = 0x1313131313131313ull, r14 __asm__("r14") = 0x1414141414141414ull,
                      r15 __asm__("r15") = 0x1515151515151515ull;
    __asm__ volatile("syscall"
                     : "+D"(rdi), "+S"(rsi), "+d"(rdx), "+a"(rax), "+b"(rbx), "+r"(r8), "+r"(r9), "+r"(r10),
                       "+r"(r12), "+r"(r13), "+r"(r14), "+r"(r15)
                     :
                     : "rcx", "r11", "memory");
    CHECK_EQ(rdi & 0xff, NOVA_SUCCESS);
    CHECK_EQ(rsi, 0x5151515151515151ull);
    CHECK_EQ(rdx, 0xd0d0d0d0d0d0d0d0ull);
    CHECK_EQ(rax, 0xa0a0a0a0a0a0a0a0ull);
    CHECK_EQ(rbx, 0xb0b0b0b0b0b0b0b0ull);
    CHECK_EQ(r8, 0x8888888888888888ull);
    CHECK_EQ(r9, 0x9999999999999999ull);
    CHECK_EQ(r10, 0x1010101010101010ull);
    CHECK_EQ(r12, 0x1212121212121212ull);
    CHECK_EQ(r13, 0x1313131313131313ull);
    CHECK_EQ(r14, 0x1414141414141414ull);
    CHECK_EQ(r15, 0x1515151515151515ull);
}

/* ---- nesting and busy callees ---- */

/* calls the portal in a[0] with flags a[1], records the status in a[2] and
 * the reply word in a[3]; replies word0 + 1 */
static void relay_fn(uint64_t pid, struct ectx *c)
{
    (void)pid;
    struct nova_utcb *u = c->utcb;
    uint64_t w = u->data.words[0];
    u->data.words[0] = w * 10;
    u->head.items = nova_utcb_items(1, 0);
    c->a[2] = nova_call(c->a[0], (unsigned)c->a[1]);
    c->a[3] = u->data.words[0];
    u->data.words[0] = c->a[3] + 1;
    u->head.items = nova_utcb_items(1, 0);
}

NOVA_TEST(nested_calls_through_two_local_ecs)
{
    struct ectx *a, *b;
    REQUIRE_OK(local_server(&b, echo_fn));
    REQUIRE_OK(local_server(&a, relay_fn));
    b->a[0] = 1;
    a->a[0] = b->pt;
    a->a[1] = 0;
    me()->data.words[0] = 0;   /* a sends 0 * 10 = 0 = 0 * 3 + 1 - 1: not the pattern, only check values */
    me()->head.items = nova_utcb_items(1, 0);
    REQUIRE_OK(nova_call(a->pt, 0));
    CHECK_EQ(a->a[2], NOVA_SUCCESS);
    CHECK_EQ(b->calls, 1);
    CHECK_EQ(a->a[3], 101);
    CHECK_EQ(me()->data.words[0], 102);
}

NOVA_TEST(call_to_busy_ec_with_db_is_com_tim)
{
    /* root -> a -> b -> a (DB): a is busy handling root's call */
    struct ectx *a, *b;
    REQUIRE_OK(local_server(&a, relay_fn));
    REQUIRE_OK(local_server(&b, relay_fn));
    a->a[0] = b->pt;
    a->a[1] = 0;
    b->a[0] = a->pt;
    b->a[1] = NOVA_FLAG_CALL_DB;
    fill(1);
    REQUIRE_OK(nova_call(a->pt, 0));
    CHECK_EQ(a->a[2], NOVA_SUCCESS);
    CHECK_EQ(b->a[2], NOVA_COM_TIM);
    CHECK_EQ(a->calls, 1);
    CHECK_EQ(b->calls, 1);
}

NOVA_TEST(call_to_own_ec_with_db_is_com_tim)
{
    struct ectx *a;
    REQUIRE_OK(local_server(&a, relay_fn));
    uint64_t p2;
    REQUIRE_OK(ectx_pt(a, 0, &p2));
    a->a[0] = p2;
    a->a[1] = NOVA_FLAG_CALL_DB | NOVA_FLAG_CALL_DD;
    fill(1);
    REQUIRE_OK(nova_call(a->pt, 0));
    CHECK_EQ(a->a[2], NOVA_COM_TIM);
    CHECK_EQ(a->calls, 1);
    /* a is free again afterwards */
    a->a[1] = NOVA_FLAG_CALL_DB;
    a->a[0] = sel_alloc(1);   /* null: the nested call fails with BAD_CAP */
    REQUIRE_OK(nova_call(a->pt, NOVA_FLAG_CALL_DB));
    CHECK_EQ(a->a[2], NOVA_BAD_CAP);
}

/* ---- donation ---- */

NOVA_TEST(non_donating_call_to_local_ec_is_helped)
{
    struct ectx *s;
    REQUIRE_OK(local_server(&s, echo_fn));
    s->a[0] = 1;
    fill(1);
    REQUIRE_OK(nova_call(s->pt, NOVA_FLAG_CALL_DD));
    CHECK_EQ(me()->data.words[0], 101);
    CHECK_EQ(s->calls, 1);
}

static void spin_fn(uint64_t pid, struct ectx *c)
{
    (void)pid;
    busy(c->a[0]);
    c->a[1]++;
}

static struct ectx *global_server(void (*fn)(uint64_t, struct ectx *), uint64_t prio)
{
    struct ectx *g;
    enum nova_status st = global_ec(&g, gec_serve, true);
    CHECK_EQ(st, NOVA_SUCCESS);
    if (st != NOVA_SUCCESS)
        return 0;
    g->fn = fn;
    uint64_t pt;
    st = ectx_pt(g, 0, &pt);
    CHECK_EQ(st, NOVA_SUCCESS);
    g->pt = pt;
    st = ectx_start(g, prio, 10000);
    CHECK_EQ(st, NOVA_SUCCESS);
    return st == NOVA_SUCCESS ? g : 0;
}

NOVA_TEST(global_ec_waits_for_calls_after_reply_without_caller)
{
    struct ectx *g = global_server(echo_fn, 3);
    REQUIRE(g);
    CHECK_EQ(g->startups, 1);
    CHECK_EQ(g->calls, 0);
    g->a[0] = 1;
    for (unsigned i = 0; i < 3; i++) {
        fill(1);
        REQUIRE_OK(nova_call(g->pt, i & 1 ? NOVA_FLAG_CALL_DD : 0));
        CHECK_EQ(me()->data.words[0], 101);
    }
    CHECK_EQ(g->calls, 3);
    CHECK_EQ(g->done, 0);
}

NOVA_TEST(donating_call_runs_the_callee_on_the_caller_sc)
{
    struct ectx *g = global_server(spin_fn, 3);
    REQUIRE(g);
    g->a[0] = 3000000;
    uint64_t t0, t1;
    REQUIRE_OK(nova_sc_ctrl(g->sc, &t0));
    fill(0);
    REQUIRE_OK(nova_call(g->pt, 0));
    REQUIRE_OK(nova_sc_ctrl(g->sc, &t1));
    CHECK_EQ(g->a[1], 1);
    CHECK_EQ(t1, t0);   /* the server's own SC did not run */
}

NOVA_TEST(non_donating_call_runs_the_callee_on_its_own_sc)
{
    struct ectx *g = global_server(spin_fn, 3);
    REQUIRE(g);
    g->a[0] = 3000000;
    uint64_t t0, t1;
    REQUIRE_OK(nova_sc_ctrl(g->sc, &t0));
    fill(0);
    REQUIRE_OK(nova_call(g->pt, NOVA_FLAG_CALL_DD));
    REQUIRE_OK(nova_sc_ctrl(g->sc, &t1));
    CHECK_EQ(g->a[1], 1);
    CHECK(t1 > t0);
}

/* ---- aborted calls ---- */

static void crash_fn(uint64_t pid, struct ectx *c)
{
    (void)pid;
    c->a[0] = 1;
    __asm__ volatile("ud2");
    c->a[1] = 1;   /* never reached */
}

NOVA_TEST(callee_shut_down_during_call_is_com_abt)
{
    struct ectx *s;
    REQUIRE_OK(local_server(&s, crash_fn));   /* no #UD portal at its event base */
    fill(1);
    CHECK_EQ(nova_call(s->pt, 0), NOVA_COM_ABT);
    CHECK_EQ(s->a[0], 1);
    CHECK_EQ(s->a[1], 0);
    /* the EC is dead: later calls abort at once */
    CHECK_EQ(nova_call(s->pt, 0), NOVA_COM_ABT);
    CHECK_EQ(nova_call(s->pt, NOVA_FLAG_CALL_DD | NOVA_FLAG_CALL_DB), NOVA_COM_ABT);
    CHECK_EQ(s->calls, 1);
}

NOVA_TEST(global_callee_shut_down_during_non_donating_call_is_com_abt)
{
    struct ectx *g = global_server(crash_fn, 3);
    REQUIRE(g);
    fill(0);
    CHECK_EQ(nova_call(g->pt, NOVA_FLAG_CALL_DD), NOVA_COM_ABT);
    CHECK_EQ(g->a[0], 1);
    CHECK_EQ(g->a[1], 0);
    CHECK_EQ(nova_call(g->pt, 0), NOVA_COM_ABT);
}

NOVA_TEST(abort_in_a_nested_call_reaches_only_the_inner_caller)
{
    struct ectx *a, *b;
    REQUIRE_OK(local_server(&b, crash_fn));
    REQUIRE_OK(local_server(&a, relay_fn));
    a->a[0] = b->pt;
    a->a[1] = 0;
    fill(1);
    REQUIRE_OK(nova_call(a->pt, 0));
    CHECK_EQ(a->a[2], NOVA_COM_ABT);
    CHECK_EQ(b->a[0], 1);
}

/* ---- priority of the callee: donated SC versus its own ---- */

/* W: blocks on a[0], then sets flag */
static void sm_waiter(struct ectx *c)
{
    c->a[1] = nova_sm_ctrl(c->a[0], NOVA_FLAG_SM_CTRL_DN);
    c->flag = 1;
}

/* server handler: wakes W (arg) and records whether W ran at once */
static void wake_fn(uint64_t pid, struct ectx *c)
{
    (void)pid;
    struct ectx *w = c->arg;
    c->a[0] = nova_sm_ctrl(w->a[0], 0);
    c->a[1] = w->flag;
}

/* H: calls the portal a[0] with flags a[1]; status in a[2] */
static void caller_body(struct ectx *c)
{
    c->utcb->head.items = 0;
    c->a[2] = nova_call(c->a[0], (unsigned)c->a[1]);
}

static void donation_priority(unsigned flags, uint64_t expect_flag)
{
    uint64_t sm = new_sm(0);
    REQUIRE(sm);
    struct ectx *w, *s, *h;
    REQUIRE_OK(global_ec(&w, sm_waiter, true));
    w->a[0] = sm;
    REQUIRE_OK(ectx_start(w, 2, 10000));
    REQUIRE_EQ(w->started, 1);
    /* server with its own SC of priority 1 (the root's) */
    REQUIRE_OK(global_ec(&s, gec_serve, true));
    s->fn = wake_fn;
    s->arg = w;
    uint64_t pt;
    REQUIRE_OK(ectx_pt(s, 0, &pt));
    REQUIRE_OK(ectx_start(s, 1, 1000));
    REQUIRE(spin_until(&s->started, 1));
    busy(2000000);   /* let it reach its reply */
    /* caller of priority 3 */
    REQUIRE_OK(global_ec(&h, caller_body, true));
    h->a[0] = pt;
    h->a[1] = flags;
    REQUIRE_OK(ectx_start(h, 3, 10000));
    REQUIRE(spin_until(&h->done, 1));
    CHECK_EQ(h->a[2], NOVA_SUCCESS);
    CHECK_EQ(s->calls, 1);
    CHECK_EQ(s->a[0], NOVA_SUCCESS);
    /* donated: the server ran at 3 and W (2) waited; own SC: it ran at 1
     * and W preempted it at the up */
    CHECK_EQ(s->a[1], expect_flag);
    CHECK(spin_until(&w->flag, 1));
}

NOVA_TEST(donating_call_lends_the_caller_priority)
{
    donation_priority(0, 0);
}

NOVA_TEST(non_donating_call_keeps_the_callee_priority)
{
    donation_priority(NOVA_FLAG_CALL_DD, 1);
}

/* ---- blocking on a busy callee ---- */

static volatile uint64_t busy_log[4], busy_n;

/* records the caller id (word 0); caller 1 blocks on the semaphore a[0] */
static void slow_fn(uint64_t pid, struct ectx *c)
{
    (void)pid;
    uint64_t id = c->utcb->data.words[0];
    if (busy_n < 4)
        busy_log[busy_n++] = id;
    if (id == 1)
        c->a[1] = nova_sm_ctrl(c->a[0], NOVA_FLAG_SM_CTRL_DN);
    c->utcb->data.words[0] = id + 100;
    c->utcb->head.items = nova_utcb_items(1, 0);
}


NOVA_TEST(blocking_call_waits_for_a_busy_callee)
{
    busy_n = 0;
    uint64_t sm = new_sm(0);
    REQUIRE(sm);
    struct ectx *a, *g1, *g2;
    REQUIRE_OK(local_server(&a, slow_fn));
    a->a[0] = sm;
    REQUIRE_OK(global_ec(&g1, id_caller, true));
    g1->a[0] = a->pt;
    g1->a[1] = 1;
    REQUIRE_OK(ectx_start(g1, 2, 10000));
    /* g1's request is in progress and blocked on the semaphore */
    REQUIRE_EQ(a->calls, 1);
    CHECK_EQ(g1->done, 0);
    REQUIRE_OK(global_ec(&g2, id_caller, true));
    g2->a[0] = a->pt;
    g2->a[1] = 2;
    REQUIRE_OK(ectx_start(g2, 3, 10000));
    /* a is busy: g2 waits, although it has the higher priority */
    CHECK_EQ(a->calls, 1);
    CHECK_EQ(g2->done, 0);
    REQUIRE_OK(nova_sm_ctrl(sm, 0));
    /* everything above the root's priority has run to its end */
    CHECK_EQ(g1->done, 1);
    CHECK_EQ(g2->done, 1);
    CHECK_EQ(a->calls, 2);
    CHECK_EQ(g1->a[2], NOVA_SUCCESS);
    CHECK_EQ(g2->a[2], NOVA_SUCCESS);
    CHECK_EQ(g1->a[3], 101);
    CHECK_EQ(g2->a[3], 102);
    CHECK_EQ(busy_n, 2);
    CHECK_EQ(busy_log[0], 1);
    CHECK_EQ(busy_log[1], 2);
}
