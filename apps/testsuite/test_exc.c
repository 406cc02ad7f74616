/* Exceptions (spec 3.3, 8.2, 8.3 with the MTD of 4.4), STARTUP and RECALL
 * (ec_ctrl, 5.4.1). The faulting code runs in a global victim EC of
 * priority 2; its event selectors hold portals to a local handler EC that
 * records the message and edits the reply. The root never faults. */
#include "support.h"

/* register block a probe loads before and stores after its instruction */
struct regs {
    uint64_t rax, rcx, rdx, rbx, rbp, rsi, rdi, rflags, rsp;
};

#define PROBE(name, insn)                                   \
    ".globl probe_" #name "\n"                              \
    ".globl probe_" #name "_insn\n"                         \
    ".globl probe_" #name "_after\n"                        \
    "probe_" #name ":\n"                                    \
    "    push %rbx\n"                                       \
    "    push %rbp\n"                                       \
    "    push %r12\n"                                       \
    "    mov %rdi, %r12\n"                                  \
    "    mov 0(%rdi), %rax\n"                               \
    "    mov 8(%rdi), %rcx\n"                               \
    "    mov 16(%rdi), %rdx\n"                              \
    "    mov 24(%rdi), %rbx\n"                              \
    "    mov 32(%rdi), %rbp\n"                              \
    "    mov 40(%rdi), %rsi\n"                              \
    "probe_" #name "_insn:\n"                               \
    "    " insn "\n"                                        \
    "probe_" #name "_after:\n"                              \
    "    pushfq\n"                                          \
    "    popq 56(%r12)\n"                                   \
    "    mov %rax, 0(%r12)\n"                               \
    "    mov %rcx, 8(%r12)\n"                               \
    "    mov %rdx, 16(%r12)\n"                              \
    "    mov %rbx, 24(%r12)\n"                              \
    "    mov %rbp, 32(%r12)\n"                              \
    "    mov %rsi, 40(%r12)\n"                              \
    "    mov %rdi, 48(%r12)\n"                              \
    "    mov %rsp, 64(%r12)\n"                              \
    "    pop %r12\n"                                        \
    "    pop %rbp\n"                                        \
    "    pop %rbx\n"                                        \
    "    ret\n"

__asm__(".text\n"
        PROBE(ud, "ud2")
        PROBE(bp, "int3")
        PROBE(gp, "hlt")
        PROBE(pf, "mov (%rcx), %rax")
        PROBE(de, "div %rcx"));

#define DECL_PROBE(name)                   \
    void probe_##name(struct regs *r);     \
    extern const char probe_##name##_insn[], probe_##name##_after[]
DECL_PROBE(ud);
DECL_PROBE(bp);
DECL_PROBE(gp);
DECL_PROBE(pf);
DECL_PROBE(de);

/* spins with RAX = 0x5a5a5a5a until *flag != 0 (bounded) */
/* spins until *flag; sets *spinning right before the loop, so a recall
 * after that finds RIP inside [spin_probe_loop, spin_probe_end] */
void spin_probe(volatile uint64_t *flag, volatile uint64_t *spinning);
extern const char spin_probe_loop[], spin_probe_end[];
__asm__(".text\n"
        ".globl spin_probe\n"
        ".globl spin_probe_loop\n"
        ".globl spin_probe_end\n"
        "spin_probe:\n"
        "    mov $0x5a5a5a5a, %eax\n"
        "    mov $200000000, %ecx\n"
        "    movq $1, (%rsi)\n"
        "spin_probe_loop:\n"
        "    cmpq $0, (%rdi)\n"
        "    jne 1f\n"
        "    pause\n"
        "    dec %rcx\n"
        "    jnz spin_probe_loop\n"
        "1:\n"
        "spin_probe_end:\n"
        "    ret\n");

/* ---- the handler ---- */

static struct rec {
    volatile uint64_t count, pid, mtd, rip, rsp, rflags, rax, rcx, rdx, rbx, rbp, rsi, rdi, qual0, qual1;
} rec;
static void (*edit)(struct nova_utcb *u);

static void exc_fn(uint64_t pid, struct ectx *c)
{
    struct nova_utcb_arch *a = &c->utcb->data.arch;
    rec.pid = pid;
    rec.mtd = a->mtd;
    rec.rip = a->rip;
    rec.rsp = a->rsp;
    rec.rflags = a->rflags;
    rec.rax = a->rax;
    rec.rcx = a->rcx;
    rec.rdx = a->rdx;
    rec.rbx = a->rbx;
    rec.rbp = a->rbp;
    rec.rsi = a->rsi;
    rec.rdi = a->rdi;
    rec.qual0 = a->qual[0];
    rec.qual1 = a->qual[1];
    rec.count++;
    if (edit)
        edit(c->utcb);
}

#define MTD_ALL (NOVA_MTD_ACDB | NOVA_MTD_BSD | NOVA_MTD_ESP | NOVA_MTD_EIP | NOVA_MTD_EFL | NOVA_MTD_QUAL)

static struct regs regs;
static struct ectx *handler;

static void victim(struct ectx *c)
{
    void (*probe)(struct regs *) = (void (*)(struct regs *))c->a[0];
    probe(&regs);
}

static void reset(void (*e)(struct nova_utcb *))
{
    uint8_t *p = (uint8_t *)&rec;
    for (unsigned i = 0; i < sizeof rec; i++)
        p[i] = 0;
    edit = e;
    regs = (struct regs){ 0x1111, 0x2222, 0x3333, 0x4444, 0x5555, 0x6666, 0, 0, 0 };
}

/* A fresh handler EC and a victim with a portal for vec (MTD mtd, PID
 * 0x100 + vec) that runs probe; started at priority 2, so all of it has
 * happened when this returns. */
static struct ectx *run_victim(void (*probe)(struct regs *), unsigned vec, uint64_t mtd)
{
    struct ectx *v;
    enum nova_status st = local_ec(&handler, exc_fn, SEL_EMPTY_EVT);
    CHECK_EQ(st, NOVA_SUCCESS);
    if (st != NOVA_SUCCESS)
        return 0;
    st = global_ec(&v, victim, true);
    CHECK_EQ(st, NOVA_SUCCESS);
    if (st != NOVA_SUCCESS)
        return 0;
    v->a[0] = (uintptr_t)probe;
    st = portal_at(v->evt + vec, handler, mtd, 0x100 + vec);
    CHECK_EQ(st, NOVA_SUCCESS);
    if (st != NOVA_SUCCESS)
        return 0;
    st = ectx_start(v, 2, 10000);
    CHECK_EQ(st, NOVA_SUCCESS);
    return st == NOVA_SUCCESS ? v : 0;
}

/* ---- #UD ---- */

static void ud_edit(struct nova_utcb *u)
{
    u->data.arch.rip = (uintptr_t)probe_ud_after;
    u->data.arch.rax = 0xabcd;
    u->data.arch.mtd = NOVA_MTD_EIP | NOVA_MTD_ACDB;
}

NOVA_TEST(exc_ud_round_trip)
{
    reset(ud_edit);
    struct ectx *v = run_victim(probe_ud, NOVA_EXC_UD, MTD_ALL);
    REQUIRE(v);
    CHECK_EQ(rec.count, 1);
    CHECK_EQ(rec.pid, 0x100 + NOVA_EXC_UD);
    CHECK_EQ(rec.mtd, MTD_ALL);
    CHECK_EQ(rec.rip, (uintptr_t)probe_ud_insn);
    CHECK_EQ(rec.rax, 0x1111);
    CHECK_EQ(rec.rcx, 0x2222);
    CHECK_EQ(rec.rdx, 0x3333);
    CHECK_EQ(rec.rbx, 0x4444);
    CHECK_EQ(rec.rbp, 0x5555);
    CHECK_EQ(rec.rsi, 0x6666);
    CHECK_EQ(rec.rdi, (uintptr_t)&regs);
    CHECK(rec.rsp > v->stack_lo && rec.rsp < (uintptr_t)v);
    CHECK(rec.rflags & 0x200);   /* interrupts are on in user mode */
    CHECK_EQ(rec.qual0, 0);
    CHECK_EQ(v->done, 1);
    CHECK_EQ(regs.rax, 0xabcd);
    CHECK_EQ(regs.rcx, 0x2222);
    CHECK_EQ(regs.rbx, 0x4444);
    CHECK_EQ(regs.rsi, 0x6666);
    CHECK_EQ(regs.rsp, rec.rsp);
}

static void none_edit(struct nova_utcb *u) { u->data.arch.mtd = 0; }

NOVA_TEST(exc_without_portal_shuts_the_ec_down)
{
    reset(none_edit);
    /* the portal is for #GP; the victim raises #UD */
    struct ectx *v = run_victim(probe_ud, NOVA_EXC_GP, MTD_ALL);
    REQUIRE(v);
    CHECK_EQ(v->started, 1);
    CHECK_EQ(v->done, 0);
    CHECK_EQ(rec.count, 0);
}

NOVA_TEST(exc_mtd_selects_the_delivered_state)
{
    reset(ud_edit);
    struct ectx *v;
    REQUIRE_OK(local_ec(&handler, exc_fn, SEL_EMPTY_EVT));
    REQUIRE_OK(global_ec(&v, victim, true));
    v->a[0] = (uintptr_t)probe_ud;
    REQUIRE_OK(portal_at(v->evt + NOVA_EXC_UD, handler, NOVA_MTD_EIP, 0));
    handler->utcb->data.arch.rax = 0x5eed;
    handler->utcb->data.arch.rsp = 0x5eed;
    handler->utcb->data.arch.rbp = 0x5eed;
    handler->utcb->data.arch.rflags = 0x5eed;
    REQUIRE_OK(ectx_start(v, 2, 10000));
    CHECK_EQ(rec.count, 1);
    CHECK_EQ(rec.mtd, NOVA_MTD_EIP);
    CHECK_EQ(rec.rip, (uintptr_t)probe_ud_insn);
    CHECK_EQ(rec.rax, 0x5eed);
    CHECK_EQ(rec.rsp, 0x5eed);
    CHECK_EQ(rec.rbp, 0x5eed);
    CHECK_EQ(rec.rflags, 0x5eed);
    CHECK_EQ(rec.pid, 0);
    CHECK_EQ(v->done, 1);
    CHECK_EQ(regs.rax, 0xabcd);   /* the reply MTD (EIP|ACDB) decides what is written back */
}

static void eip_only_edit(struct nova_utcb *u)
{
    u->data.arch.rip = (uintptr_t)probe_ud_after;
    u->data.arch.rax = 0x4242;
    u->data.arch.rbx = 0x4242;
    u->data.arch.mtd = NOVA_MTD_EIP;
}

NOVA_TEST(exc_reply_writes_back_only_what_its_mtd_selects)
{
    reset(eip_only_edit);
    struct ectx *v = run_victim(probe_ud, NOVA_EXC_UD, NOVA_MTD_ACDB | NOVA_MTD_EIP);
    REQUIRE(v);
    CHECK_EQ(rec.count, 1);
    CHECK_EQ(v->done, 1);
    CHECK_EQ(regs.rax, 0x1111);
    CHECK_EQ(regs.rbx, 0x4444);
}

static void bsd_edit(struct nova_utcb *u)
{
    u->data.arch.rip = (uintptr_t)probe_ud_after;
    u->data.arch.rsi = 0x999;
    u->data.arch.rbp = 0x888;
    u->data.arch.mtd = NOVA_MTD_EIP | NOVA_MTD_BSD;
}

NOVA_TEST(exc_reply_changes_rbp_rsi)
{
    reset(bsd_edit);
    struct ectx *v = run_victim(probe_ud, NOVA_EXC_UD, NOVA_MTD_BSD | NOVA_MTD_EIP);
    REQUIRE(v);
    CHECK_EQ(rec.count, 1);
    CHECK_EQ(v->done, 1);
    CHECK_EQ(regs.rsi, 0x999);
    CHECK_EQ(regs.rbp, 0x888);
    CHECK_EQ(regs.rdi, (uintptr_t)&regs);
    CHECK_EQ(regs.rax, 0x1111);
}

static void efl_edit(struct nova_utcb *u)
{
    u->data.arch.rip = (uintptr_t)probe_ud_after;
    /* set CF and IOPL 3, clear IF: only CF may stick */
    u->data.arch.rflags = (u->data.arch.rflags | 0x1 | 0x3000) & ~0x200ull;
    u->data.arch.mtd = NOVA_MTD_EIP | NOVA_MTD_EFL;
}

NOVA_TEST(exc_reply_writes_only_arithmetic_flags)
{
    reset(efl_edit);
    struct ectx *v = run_victim(probe_ud, NOVA_EXC_UD, NOVA_MTD_EFL | NOVA_MTD_EIP);
    REQUIRE(v);
    CHECK_EQ(rec.count, 1);
    REQUIRE_EQ(v->done, 1);
    CHECK_EQ(regs.rflags & 0x1, 0x1);
    CHECK_EQ(regs.rflags & 0x3000, 0);
    CHECK_EQ(regs.rflags & 0x200, 0x200);
}

static void noncanon_edit(struct nova_utcb *u)
{
    u->data.arch.rip = 0x0000800000000000ull;
    u->data.arch.mtd = NOVA_MTD_EIP;
}

NOVA_TEST(exc_reply_with_non_canonical_rip_kills_the_ec)
{
    reset(noncanon_edit);
    struct ectx *v = run_victim(probe_ud, NOVA_EXC_UD, NOVA_MTD_EIP);
    REQUIRE(v);
    CHECK_EQ(rec.count, 1);
    CHECK_EQ(v->done, 0);
    /* the handler survives and serves the next victim */
    reset(ud_edit);
    struct ectx *w;
    REQUIRE_OK(global_ec(&w, victim, true));
    w->a[0] = (uintptr_t)probe_ud;
    REQUIRE_OK(portal_at(w->evt + NOVA_EXC_UD, handler, NOVA_MTD_EIP, 0));
    REQUIRE_OK(ectx_start(w, 2, 10000));
    CHECK_EQ(rec.count, 1);
    CHECK_EQ(w->done, 1);
}

/* ---- #BP, #GP, #PF, #DE ---- */

NOVA_TEST(exc_bp_reports_the_next_instruction)
{
    reset(none_edit);
    struct ectx *v = run_victim(probe_bp, NOVA_EXC_BP, MTD_ALL);
    REQUIRE(v);
    CHECK_EQ(rec.count, 1);
    CHECK_EQ(rec.pid, 0x100 + NOVA_EXC_BP);
    CHECK_EQ(rec.rip, (uintptr_t)probe_bp_after);
    CHECK_EQ(rec.rax, 0x1111);
    CHECK_EQ(v->done, 1);   /* resumed after int3 with nothing written back */
    CHECK_EQ(regs.rax, 0x1111);
}

static void gp_edit(struct nova_utcb *u)
{
    u->data.arch.rip = (uintptr_t)probe_gp_after;
    u->data.arch.rdx = 0x7007;
    u->data.arch.mtd = NOVA_MTD_EIP | NOVA_MTD_ACDB;
}

NOVA_TEST(exc_gp_round_trip)
{
    reset(gp_edit);
    struct ectx *v = run_victim(probe_gp, NOVA_EXC_GP, MTD_ALL);
    REQUIRE(v);
    CHECK_EQ(rec.count, 1);
    CHECK_EQ(rec.pid, 0x100 + NOVA_EXC_GP);
    CHECK_EQ(rec.rip, (uintptr_t)probe_gp_insn);
    CHECK_EQ(rec.qual0, 0);
    CHECK_EQ(v->done, 1);
    CHECK_EQ(regs.rdx, 0x7007);
    CHECK_EQ(regs.rax, 0x1111);
}

static void pf_edit(struct nova_utcb *u)
{
    u->data.arch.rip = (uintptr_t)probe_pf_after;
    u->data.arch.rax = 0x77;
    u->data.arch.mtd = NOVA_MTD_EIP | NOVA_MTD_ACDB;
}

NOVA_TEST(exc_pf_reports_address_and_error_code)
{
    reset(pf_edit);
    regs.rcx = 0x1000;
    struct ectx *v = run_victim(probe_pf, NOVA_EXC_PF, MTD_ALL);
    REQUIRE(v);
    CHECK_EQ(rec.count, 1);
    CHECK_EQ(rec.pid, 0x100 + NOVA_EXC_PF);
    CHECK_EQ(rec.rip, (uintptr_t)probe_pf_insn);
    CHECK_EQ(rec.qual1, 0x1000);
    CHECK_EQ(rec.qual0, 0x4);   /* user-mode read of a non-present page */
    CHECK_EQ(rec.rcx, 0x1000);
    CHECK_EQ(v->done, 1);
    CHECK_EQ(regs.rax, 0x77);
    CHECK_EQ(regs.rcx, 0x1000);
}

static void pf_write_edit(struct nova_utcb *u)
{
    u->data.arch.rip = (uintptr_t)probe_pf_after;
    u->data.arch.mtd = NOVA_MTD_EIP;
}

NOVA_TEST(exc_pf_on_a_kernel_address)
{
    reset(pf_write_edit);
    regs.rcx = 0xffffffff80001000ull;
    struct ectx *v = run_victim(probe_pf, NOVA_EXC_PF, NOVA_MTD_EIP | NOVA_MTD_QUAL);
    REQUIRE(v);
    CHECK_EQ(rec.count, 1);
    CHECK_EQ(rec.qual1, 0xffffffff80001000ull);
    CHECK_EQ(rec.qual0 & 0x4, 0x4);   /* user mode */
    CHECK_EQ(v->done, 1);
}

static void de_edit(struct nova_utcb *u)
{
    u->data.arch.rip = (uintptr_t)probe_de_after;
    u->data.arch.rax = 0x99;
    u->data.arch.rdx = 0x11;
    u->data.arch.mtd = NOVA_MTD_EIP | NOVA_MTD_ACDB;
}

NOVA_TEST(exc_de_round_trip)
{
    reset(de_edit);
    regs.rcx = 0;
    struct ectx *v = run_victim(probe_de, NOVA_EXC_DE, MTD_ALL);
    REQUIRE(v);
    CHECK_EQ(rec.count, 1);
    CHECK_EQ(rec.pid, 0x100 + NOVA_EXC_DE);
    CHECK_EQ(rec.rip, (uintptr_t)probe_de_insn);
    CHECK_EQ(rec.rcx, 0);
    CHECK_EQ(v->done, 1);
    CHECK_EQ(regs.rax, 0x99);
    CHECK_EQ(regs.rdx, 0x11);
}

static void de_fix_edit(struct nova_utcb *u)
{
    /* leave RIP alone: the division runs again with a divisor of 2 */
    u->data.arch.rcx = 2;
    u->data.arch.mtd = NOVA_MTD_ACDB;
}

NOVA_TEST(exc_de_retries_the_instruction_after_a_fix)
{
    reset(de_fix_edit);
    regs.rax = 10;
    regs.rcx = 0;
    regs.rdx = 0;
    struct ectx *v = run_victim(probe_de, NOVA_EXC_DE, NOVA_MTD_ACDB | NOVA_MTD_EIP);
    REQUIRE(v);
    CHECK_EQ(rec.count, 1);
    CHECK_EQ(v->done, 1);
    CHECK_EQ(regs.rax, 5);
    CHECK_EQ(regs.rdx, 0);
    CHECK_EQ(regs.rcx, 2);
}

/* ---- exception in a local EC while it handles a call ---- */

static void local_fault_fn(uint64_t pid, struct ectx *c)
{
    (void)pid;
    probe_ud(&regs);
    c->a[0] = 1;
    c->utcb->data.words[0] = regs.rax;
    c->utcb->head.items = nova_utcb_items(1, 0);
}

NOVA_TEST(exc_in_a_local_ec_during_a_call)
{
    reset(ud_edit);
    REQUIRE_OK(local_ec(&handler, exc_fn, SEL_EMPTY_EVT));
    uint64_t evt = sel_alloc(NOVA_EVT_COUNT);
    REQUIRE_OK(portal_at(evt + NOVA_EXC_UD, handler, NOVA_MTD_EIP | NOVA_MTD_ACDB, 0x55));
    struct ectx *l;
    REQUIRE_OK(local_ec(&l, local_fault_fn, evt));
    uint64_t pt;
    REQUIRE_OK(ectx_pt(l, 0, &pt));
    nova_root_utcb()->head.items = 0;
    REQUIRE_OK(nova_call(pt, 0));
    CHECK_EQ(rec.count, 1);
    CHECK_EQ(rec.pid, 0x55);
    CHECK_EQ(l->a[0], 1);
    CHECK_EQ(nova_root_utcb()->data.words[0], 0xabcd);
}

/* ---- STARTUP ---- */

static void mark(struct ectx *c) { c->flag = 1; }

NOVA_TEST(startup_without_portal_shuts_the_ec_down)
{
    struct ectx *g;
    REQUIRE_OK(global_ec(&g, mark, false));
    REQUIRE_OK(ectx_start(g, 2, 10000));
    CHECK_EQ(g->started, 0);
    CHECK_EQ(g->flag, 0);
}

/* ---- RECALL ---- */

static void waiter(struct ectx *c)
{
    c->a[1] = nova_sm_ctrl(c->a[0], NOVA_FLAG_SM_CTRL_DN);
    c->a[2] = rec.count;   /* the recall came before the return to user mode */
}

NOVA_TEST(recall_of_a_blocked_ec_is_raised_when_it_resumes)
{
    reset(none_edit);
    uint64_t sm = new_sm(0);
    REQUIRE(sm);
    struct ectx *v;
    REQUIRE_OK(local_ec(&handler, exc_fn, SEL_EMPTY_EVT));
    REQUIRE_OK(global_ec(&v, waiter, true));
    v->a[0] = sm;
    REQUIRE_OK(portal_at(v->evt + NOVA_EVT_RECALL, handler, NOVA_MTD_EIP | NOVA_MTD_ACDB, 0x1f));
    REQUIRE_OK(ectx_start(v, 2, 10000));
    REQUIRE_EQ(v->started, 1);
    CHECK_EQ(v->done, 0);
    REQUIRE_OK(nova_ec_ctrl(v->ec));
    CHECK_EQ(rec.count, 0);   /* still blocked */
    REQUIRE_OK(nova_sm_ctrl(sm, 0));
    CHECK_EQ(rec.count, 1);
    CHECK_EQ(rec.pid, 0x1f);
    CHECK_EQ(rec.mtd, NOVA_MTD_EIP | NOVA_MTD_ACDB);
    CHECK(rec.rip >= 0x400000 && rec.rip < 0x00007ffffffff000ull);
    CHECK_EQ(v->done, 1);
    CHECK_EQ(v->a[1], NOVA_SUCCESS);
    CHECK_EQ(v->a[2], 1);
}

static volatile uint64_t recalled;

static void recall_edit(struct nova_utcb *u)
{
    recalled = 1;
    u->data.arch.mtd = 0;
}

static void spinner(struct ectx *c)
{
    spin_probe(&recalled, &c->flag);
}

NOVA_TEST(recall_of_a_spinning_ec)
{
    reset(recall_edit);
    recalled = 0;
    struct ectx *v;
    REQUIRE_OK(local_ec(&handler, exc_fn, SEL_EMPTY_EVT));
    REQUIRE_OK(global_ec(&v, spinner, true));
    REQUIRE_OK(portal_at(v->evt + NOVA_EVT_RECALL, handler, NOVA_MTD_EIP | NOVA_MTD_ACDB, 0x1f));
    /* same priority as the root: the two alternate by quantum */
    REQUIRE_OK(ectx_start(v, 1, 1000));
    REQUIRE(spin_until(&v->flag, 1));   /* in the loop: not just started */
    REQUIRE_OK(nova_ec_ctrl(v->ec));
    CHECK(spin_until(&rec.count, 1));
    CHECK(spin_until(&v->done, 1));
    CHECK_EQ(rec.count, 1);
    CHECK_EQ(rec.pid, 0x1f);
    CHECK_EQ(rec.rax, 0x5a5a5a5a);
    CHECK(rec.rip >= (uintptr_t)spin_probe_loop && rec.rip <= (uintptr_t)spin_probe_end);
}

NOVA_TEST(recall_without_portal_shuts_the_ec_down)
{
    uint64_t sm = new_sm(0);
    REQUIRE(sm);
    struct ectx *v;
    REQUIRE_OK(global_ec(&v, waiter, true));
    v->a[0] = sm;
    v->a[1] = 0xff;
    REQUIRE_OK(ectx_start(v, 2, 10000));
    REQUIRE_EQ(v->started, 1);
    REQUIRE_OK(nova_ec_ctrl(v->ec));
    REQUIRE_OK(nova_sm_ctrl(sm, 0));
    CHECK_EQ(v->done, 0);
    CHECK_EQ(v->a[1], 0xff);   /* never returned from its down */
}

NOVA_TEST(ec_ctrl_on_non_ec_is_bad_cap)
{
    struct ectx *s;
    REQUIRE_OK(local_server(&s, 0));
    uint64_t sm = new_sm(0);
    CHECK_EQ(nova_ec_ctrl(sel_alloc(1)), NOVA_BAD_CAP);
    CHECK_EQ(nova_ec_ctrl(SEL_ROOT_PD), NOVA_BAD_CAP);
    CHECK_EQ(nova_ec_ctrl(SEL_ROOT_SC), NOVA_BAD_CAP);
    CHECK_EQ(nova_ec_ctrl(s->pt), NOVA_BAD_CAP);
    CHECK_EQ(nova_ec_ctrl(sm), NOVA_BAD_CAP);
    CHECK_EQ(nova_ec_ctrl(0), NOVA_BAD_CAP);
}
