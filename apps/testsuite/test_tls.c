/* The tls extension (docs/api.md; docs/kernel.md, "FS base"): an EC sets its
 * own FS base, each EC keeps its own across switches, a new EC starts with
 * base 0, and a destroyed EC's base does not pass to a new EC that gets its
 * memory. The tests set the root EC's base back to 0 when done; nothing else
 * in the suite uses FS. */
#include "support.h"

#ifdef NOVA_EXT_TLS

#define TLS_SEL  0x7e00                      /* this file's fixed selectors: 0x7e00-0x7eff */
#define TLS_UTCB 0x0000260000000000ull
#define ROUNDS 1000

/* Bases for the tests: %fs:0 reads the marker a base points at. */
#define MARKER_ROOT 0x7215000000000001ull
#define MARKER_PEER 0x7215000000000002ull
static uint64_t marker_root = MARKER_ROOT, marker_peer = MARKER_PEER;

/* An EC checks its base is 0 by reading %fs:&probe[0], which is probe[0]
 * with base 0. The wrong base a test offers, PROBE_BASE, turns that read
 * into probe[1]: a leak shows as a wrong value, not as a page fault. */
#define PROBE_ZERO  0x7215000000000000ull
#define PROBE_STALE 0x72150000000005a1ull
#define PROBE_BASE  8u
static uint64_t probe[2] = { PROBE_ZERO, PROBE_STALE };

static uint64_t fs_load(uintptr_t offset)
{
    uint64_t v;
    __asm__ volatile("mov %%fs:(%1), %0" : "=r"(v) : "r"(offset) : "memory");
    return v;
}

static uint64_t fs_probe(void) { return fs_load((uintptr_t)&probe[0]); }

/* ---- set, refuse, undefined sub-operations ---- */

NOVA_TEST(tls_set_points_fs_at_the_base)
{
    REQUIRE_OK(nova_tls_set((uintptr_t)&marker_root));
    CHECK_EQ(fs_load(0), MARKER_ROOT);
    REQUIRE_OK(nova_tls_set((uintptr_t)&marker_peer));
    CHECK_EQ(fs_load(0), MARKER_PEER);
    REQUIRE_OK(nova_tls_set((uintptr_t)&probe[0]));
    CHECK_EQ(fs_load(8), PROBE_STALE);
    CHECK_EQ(nova_tls_set(0x00007fffffffffffull), NOVA_SUCCESS);   /* the last user address */
    REQUIRE_OK(nova_tls_set(0));
    CHECK_EQ(fs_probe(), PROBE_ZERO);
}

NOVA_TEST(tls_set_refuses_bases_outside_user_space)
{
    struct ectx *s;
    REQUIRE_OK(local_server(&s, 0));
    REQUIRE_OK(nova_tls_set((uintptr_t)&marker_root));
    CHECK_EQ(nova_tls_set(0x0000800000000000ull), NOVA_BAD_PAR);
    CHECK_EQ(nova_tls_set(0xffff800000000000ull), NOVA_BAD_PAR);
    CHECK_EQ(nova_tls_set(~0ull), NOVA_BAD_PAR);
    CHECK_EQ(fs_load(0), MARKER_ROOT);
    nova_root_utcb()->head.items = 0;
    CHECK_EQ(nova_call(s->pt, 0), NOVA_SUCCESS);   /* a switch reloads the kept base */
    CHECK_EQ(fs_load(0), MARKER_ROOT);
    REQUIRE_OK(nova_tls_set(0));
}

static uint64_t raw_tls_hypercall(uint64_t op)
{
    register uint64_t rdi __asm__("rdi") = nova_hc_id(NOVA_HC_TLS, 0, 0);
    register uint64_t rsi __asm__("rsi") = op;
    register uint64_t rdx __asm__("rdx") = (uintptr_t)&marker_root;
    __asm__ volatile("syscall" : "+r"(rdi) : "r"(rsi), "r"(rdx) : "rcx", "r11", "memory");
    return rdi;
}

NOVA_TEST(tls_neighbouring_sub_operations_are_undefined)
{
    CHECK_EQ(raw_tls_hypercall(NOVA_TLS_OP_SET + 1), NOVA_BAD_HYP);
    CHECK_EQ(raw_tls_hypercall(NOVA_TLS_OP_SET - 1), NOVA_BAD_HYP);
    CHECK_EQ(fs_probe(), PROBE_ZERO);   /* neither set the base */
}

/* ---- each EC keeps its own base ---- */

/* A global EC of higher priority than the root: its own base, then
 * a[2] rounds of down(a[0]), check, up(a[1]); c->count counts wrong bases. */
static void ping_pong_peer(struct ectx *c)
{
    if (nova_tls_set((uintptr_t)&marker_peer) != NOVA_SUCCESS)
        c->count++;
    for (uint64_t i = 0; i < c->a[2]; i++) {
        nova_sm_ctrl(c->a[0], NOVA_FLAG_SM_CTRL_DN);
        if (fs_load(0) != MARKER_PEER)
            c->count++;
        nova_sm_ctrl(c->a[1], 0);
    }
}

NOVA_TEST(tls_each_ec_keeps_its_base_across_semaphore_switches)
{
    uint64_t ping = new_sm(0), pong = new_sm(0);
    REQUIRE(ping && pong);
    struct ectx *peer;
    REQUIRE_OK(global_ec(&peer, ping_pong_peer, true));
    peer->a[0] = ping;
    peer->a[1] = pong;
    peer->a[2] = ROUNDS;
    REQUIRE_OK(nova_tls_set((uintptr_t)&marker_root));
    REQUIRE_OK(ectx_start(peer, 2, 10000));   /* runs until its first down */
    unsigned wrong = 0;
    for (unsigned i = 0; i < ROUNDS; i++) {
        REQUIRE_OK(nova_sm_ctrl(ping, 0));    /* the peer runs at once */
        REQUIRE_OK(nova_sm_ctrl(pong, NOVA_FLAG_SM_CTRL_DN));
        wrong += fs_load(0) != MARKER_ROOT;
    }
    REQUIRE_OK(nova_tls_set(0));
    CHECK_EQ(wrong, 0);
    CHECK_EQ(peer->count, 0);
    CHECK_EQ(peer->done, 1);
}

/* A portal handler on a local EC: its own base on the first call, then a
 * check on every call. */
static void call_peer(uint64_t pid, struct ectx *c)
{
    (void)pid;
    if (c->calls == 1 && nova_tls_set((uintptr_t)&marker_peer) != NOVA_SUCCESS)
        c->count++;
    if (fs_load(0) != MARKER_PEER)
        c->count++;
}

NOVA_TEST(tls_each_ec_keeps_its_base_across_calls)
{
    struct ectx *peer;
    REQUIRE_OK(local_server(&peer, call_peer));
    REQUIRE_OK(nova_tls_set((uintptr_t)&marker_root));
    unsigned wrong = 0;
    for (unsigned i = 0; i < ROUNDS; i++) {
        nova_root_utcb()->head.items = 0;
        REQUIRE_OK(nova_call(peer->pt, 0));
        wrong += fs_load(0) != MARKER_ROOT;
    }
    REQUIRE_OK(nova_tls_set(0));
    CHECK_EQ(wrong, 0);
    CHECK_EQ(peer->count, 0);
    CHECK_EQ(peer->calls, ROUNDS);
}

/* ---- a new EC starts with base 0 ---- */

static void record_probe(uint64_t pid, struct ectx *c)
{
    (void)pid;
    c->a[0] = fs_probe();
}

static void record_probe_global(struct ectx *c) { record_probe(0, c); }

NOVA_TEST(tls_new_ecs_start_with_base_0_whatever_their_creator_has)
{
    struct ectx *local, *global;
    REQUIRE_OK(local_server(&local, record_probe));
    REQUIRE_OK(global_ec(&global, record_probe_global, true));
    REQUIRE_OK(nova_tls_set(PROBE_BASE));
    nova_root_utcb()->head.items = 0;
    REQUIRE_OK(nova_call(local->pt, 0));      /* straight from the root to the new EC */
    REQUIRE_OK(ectx_start(global, 2, 10000)); /* runs at once */
    CHECK_EQ(fs_probe(), PROBE_STALE);        /* the root kept its own */
    REQUIRE_OK(nova_tls_set(0));
    CHECK_EQ(local->a[0], PROBE_ZERO);
    CHECK_EQ(global->done, 1);
    CHECK_EQ(global->a[0], PROBE_ZERO);
}

/* ---- a destroyed EC's base does not pass to a new EC at its address ----
 * On the second CPU, which is otherwise idle: global EC `first` sets base
 * PROBE_BASE and blocks, so it is the EC whose base that CPU has loaded.
 * The root destroys it and at once creates `handler`, a local EC that the
 * kernel's allocator gives first's memory, and a global EC whose STARTUP
 * makes `handler` the next EC that CPU runs. The kernel must not take it
 * for first and skip loading its base. */

#define SEL_FIRST_HANDLER (TLS_SEL + 0)
#define SEL_FIRST         (TLS_SEL + 1)
#define SEL_FIRST_SC      (TLS_SEL + 2)
#define SEL_PARK          (TLS_SEL + 3)
#define SEL_HANDLER       (TLS_SEL + 4)
#define SEL_SECOND        (TLS_SEL + 5)
#define SEL_SECOND_SC     (TLS_SEL + 6)
#define SEL_FIRST_EVT     (TLS_SEL + 0x20)   /* 32 event selectors each, aligned */
#define SEL_SECOND_EVT    (TLS_SEL + 0x40)
#define FIRST_UTCB        TLS_UTCB           /* handler's; the global EC's is the next page */
#define SECOND_UTCB       (TLS_UTCB + 0x10000)

#define STACK_SIZE 4096u
static uint8_t first_handler_stack[STACK_SIZE] __attribute__((aligned(16)));
static uint8_t handler_stack[STACK_SIZE] __attribute__((aligned(16)));
static uint8_t first_stack[STACK_SIZE] __attribute__((aligned(16)));
static uint8_t second_stack[STACK_SIZE] __attribute__((aligned(16)));
static volatile uint64_t first_ready, handler_probe, handler_ran;

static uintptr_t stack_top(uint8_t *stack) { return (uintptr_t)&stack[STACK_SIZE] - 8; }

static _Noreturn void park(void)
{
    for (;;)
        nova_sm_ctrl(SEL_PARK, NOVA_FLAG_SM_CTRL_DN);
}

static _Noreturn void first_body(void)
{
    if (nova_tls_set(PROBE_BASE) == NOVA_SUCCESS)
        first_ready = 1;
    park();
}

/* The STARTUP reply of the handler whose UTCB is at utcb: start at body on stack. */
static void start_at(uint64_t utcb, void (*body)(void), uint8_t *stack)
{
    struct nova_utcb *u = (struct nova_utcb *)(uintptr_t)utcb;
    u->data.arch.mtd = NOVA_MTD_EIP | NOVA_MTD_ESP;
    u->data.arch.rip = (uintptr_t)body;
    u->data.arch.rsp = stack_top(stack);
}

static void first_startup(uint64_t pid)
{
    (void)pid;
    start_at(FIRST_UTCB, first_body, first_stack);
    nova_reply(stack_top(first_handler_stack));
}

static void handler_startup(uint64_t pid)
{
    (void)pid;
    handler_probe = fs_probe();
    handler_ran = 1;
    start_at(SECOND_UTCB, park, second_stack);
    nova_reply(stack_top(handler_stack));
}

/* A handler EC on cpu with a STARTUP portal at evt, and a global EC with an
 * SC that the portal starts (the STARTUP reply sets its RIP and RSP). */
static enum nova_status start_on(unsigned cpu, uint64_t sel_handler, uint64_t utcb, uint8_t *stack,
                                 void (*startup)(uint64_t), uint64_t evt, uint64_t sel_ec, uint64_t sel_sc)
{
    enum nova_status st = nova_create_ec(sel_handler, SEL_ROOT_PD, cpu, utcb, stack_top(stack), 0, 0);
    if (st == NOVA_SUCCESS)
        st = nova_create_pt(evt + NOVA_EVT_STARTUP, SEL_ROOT_PD, sel_handler, NOVA_MTD_EIP | NOVA_MTD_ESP,
                            (uintptr_t)startup);
    if (st == NOVA_SUCCESS)
        st = nova_create_ec(sel_ec, SEL_ROOT_PD, cpu, utcb + 0x1000, 0, evt, NOVA_FLAG_CREATE_EC_G);
    if (st == NOVA_SUCCESS)
        st = nova_create_sc(sel_sc, SEL_ROOT_PD, sel_ec, nova_qpd(1000, 1));
    return st;
}

static enum nova_status destroy(uint64_t sel)
{
    return nova_revoke(nova_crd_obj(sel, 0, PERM_ANY), NOVA_FLAG_REVOKE_SR);
}

NOVA_TEST(tls_a_destroyed_ecs_base_does_not_pass_to_a_new_ec)
{
    REQUIRE_OTHER_CPU(cpu);
    REQUIRE_OK(nova_create_sm(SEL_PARK, SEL_ROOT_PD, 0));
    REQUIRE_OK(start_on(cpu, SEL_FIRST_HANDLER, FIRST_UTCB, first_handler_stack, first_startup,
                        SEL_FIRST_EVT, SEL_FIRST, SEL_FIRST_SC));
    REQUIRE(spin_until(&first_ready, 1));
    busy(1000000);   /* until first is blocked and that CPU idles */
    REQUIRE_OK(destroy(SEL_FIRST_SC));
    REQUIRE_OK(destroy(SEL_FIRST));
    REQUIRE_OK(start_on(cpu, SEL_HANDLER, SECOND_UTCB, handler_stack, handler_startup,
                        SEL_SECOND_EVT, SEL_SECOND, SEL_SECOND_SC));
    REQUIRE(spin_until(&handler_ran, 1));
    CHECK_EQ(handler_probe, PROBE_ZERO);
}

#endif /* NOVA_EXT_TLS */
