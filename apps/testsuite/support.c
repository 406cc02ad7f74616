/* Test helpers; see support.h. */
#include "support.h"

/* ---- allocators ---- */

static uint64_t next_sel = SEL_EMPTY_EVT + NOVA_EVT_COUNT;   /* the empty block stays empty */

uint64_t sel_alloc(uint64_t n)
{
    next_sel = (next_sel + n - 1) & ~(n - 1);
    uint64_t s = next_sel;
    next_sel += n;
    return s;
}

static uintptr_t next_utcb = 0x0000100000000000ull;

uintptr_t utcb_alloc(void)
{
    uintptr_t u = next_utcb;
    next_utcb += NOVA_UTCB_SIZE;
    return u;
}

#define ECTX_POOL 256
static uint8_t stacks[ECTX_POOL][ECTX_STACK_SIZE] __attribute__((aligned(4096)));
static unsigned next_stack;

struct ectx *ectx_alloc(void)
{
    if (next_stack >= ECTX_POOL) {
        nova_printf("# support: out of EC stacks\n");
        return 0;
    }
    uint8_t *s = stacks[next_stack++];
    struct ectx *c = (struct ectx *)(s + ECTX_STACK_SIZE - sizeof(struct ectx));
    uint8_t *b = (uint8_t *)c;
    for (unsigned i = 0; i < sizeof *c; i++)
        b[i] = 0;
    c->stack_lo = (uintptr_t)s;
    return c;
}

static bool is_ectx(uintptr_t p)
{
    uintptr_t lo = (uintptr_t)stacks, hi = (uintptr_t)stacks + sizeof stacks;
    return p >= lo && p < hi && (p - lo) % ECTX_STACK_SIZE == ECTX_STACK_SIZE - sizeof(struct ectx);
}

/* ---- entry trampolines ----
 * lec_entry: RDI = PID, RSP = ctx (16-byte aligned).
 * gec_entry: RSP = ctx, reached through the STARTUP reply. */
void lec_main(uint64_t pid, struct ectx *c);
void gec_main(struct ectx *c);

__asm__(".text\n"
        ".globl lec_entry\n"
        "lec_entry:\n"
        "    mov %rsp, %rsi\n"
        "    call lec_main\n"
        "    mov $1, %edi\n"     /* reply, RSP = ctx again */
        "    syscall\n"
        "    ud2\n"
        ".globl gec_entry\n"
        "gec_entry:\n"
        "    mov %rsp, %rdi\n"
        "    call gec_main\n"
        "    ud2\n");

void lec_main(uint64_t pid, struct ectx *c)
{
    c->calls++;
    c->last_pid = pid;
    if (c->fn)
        c->fn(pid, c);
}

static uint64_t never_sel;

uint64_t never_sm(void)
{
    if (!never_sel) {
        uint64_t s = sel_alloc(1);
        if (nova_create_sm(s, SEL_ROOT_PD, 0) == NOVA_SUCCESS)
            never_sel = s;
    }
    return never_sel;
}

void gec_main(struct ectx *c)
{
    c->started = 1;
    if (c->gfn)
        c->gfn(c);
    c->done = 1;
    for (;;)
        if (nova_sm_ctrl(never_sel, NOVA_FLAG_SM_CTRL_DN) != NOVA_SUCCESS)
            __builtin_trap();   /* no #UD portal: the EC is shut down */
}

void gec_serve(struct ectx *c) { nova_reply(ectx_sp(c)); }

/* ---- ECs and portals ---- */

enum nova_status local_ec(struct ectx **out, void (*fn)(uint64_t, struct ectx *), uint64_t evt)
{
    struct ectx *c = ectx_alloc();
    *out = c;
    if (!c)
        return NOVA_BAD_PAR;
    c->fn = fn;
    c->ec = sel_alloc(1);
    c->evt = evt;
    c->utcb = (struct nova_utcb *)utcb_alloc();
    return nova_create_ec(c->ec, SEL_ROOT_PD, nova_boot_cpu, (uintptr_t)c->utcb, ectx_sp(c), evt, 0);
}

enum nova_status portal_at(uint64_t sel, struct ectx *c, uint64_t mtd, uint64_t pid)
{
    enum nova_status st = nova_create_pt(sel, SEL_ROOT_PD, c->ec, mtd, (uintptr_t)lec_entry);
    if (st == NOVA_SUCCESS && pid)
        st = nova_pt_ctrl(sel, pid);
    return st;
}

enum nova_status ectx_pt(struct ectx *c, uint64_t mtd, uint64_t *sel_pt)
{
    *sel_pt = sel_alloc(1);
    return nova_create_pt(*sel_pt, SEL_ROOT_PD, c->ec, mtd, (uintptr_t)lec_entry);
}

enum nova_status local_server(struct ectx **out, void (*fn)(uint64_t, struct ectx *))
{
    enum nova_status st = local_ec(out, fn, SEL_EMPTY_EVT);
    if (st != NOVA_SUCCESS)
        return st;
    uint64_t pt;
    st = ectx_pt(*out, 0, &pt);
    (*out)->pt = pt;
    return st;
}

/* The shared STARTUP handler: the message's RSP is the initial SP, which is
 * the ctx of the starting EC; start it at gec_entry with that stack. */
static void startup_fn(uint64_t pid, struct ectx *h)
{
    (void)pid;
    struct nova_utcb *u = h->utcb;
    uintptr_t sp = u->data.arch.rsp;
    if (!is_ectx(sp)) {
        nova_printf("# support: STARTUP with unexpected RSP 0x%lx\n", (unsigned long)sp);
        u->data.arch.mtd = 0;
        return;
    }
    struct ectx *g = (struct ectx *)sp;
    g->startups++;
    g->startup_mtd = u->data.arch.mtd;
    u->data.arch.rip = (uintptr_t)gec_entry;
    u->data.arch.rsp = sp;
    u->data.arch.mtd = NOVA_MTD_EIP | NOVA_MTD_ESP;
}

static struct ectx *startup_handler;

static enum nova_status startup_ready(void)
{
    if (startup_handler)
        return NOVA_SUCCESS;
    struct ectx *h;
    enum nova_status st = local_ec(&h, startup_fn, SEL_EMPTY_EVT);
    if (st == NOVA_SUCCESS)
        startup_handler = h;
    return st;
}

enum nova_status global_ec(struct ectx **out, void (*gfn)(struct ectx *), bool with_startup)
{
    enum nova_status st;
    *out = 0;
    if (!never_sm())
        return NOVA_BAD_CAP;
    if (with_startup && (st = startup_ready()) != NOVA_SUCCESS)
        return st;
    struct ectx *c = ectx_alloc();
    *out = c;
    if (!c)
        return NOVA_BAD_PAR;
    c->gfn = gfn;
    c->ec = sel_alloc(1);
    c->evt = sel_alloc(NOVA_EVT_COUNT);
    c->utcb = (struct nova_utcb *)utcb_alloc();
    st = nova_create_ec(c->ec, SEL_ROOT_PD, nova_boot_cpu, (uintptr_t)c->utcb, ectx_sp(c), c->evt,
                        NOVA_FLAG_CREATE_EC_G);
    if (st == NOVA_SUCCESS && with_startup)
        st = portal_at(c->evt + NOVA_EVT_STARTUP, startup_handler, NOVA_MTD_EIP | NOVA_MTD_ESP, 0);
    return st;
}

enum nova_status ectx_start(struct ectx *c, uint64_t prio, uint64_t quantum_us)
{
    c->sc = sel_alloc(1);
    return nova_create_sc(c->sc, SEL_ROOT_PD, c->ec, nova_qpd(quantum_us, prio));
}

struct ectx *spawn(void (*gfn)(struct ectx *), uint64_t prio)
{
    struct ectx *c;
    enum nova_status st = global_ec(&c, gfn, true);
    CHECK_EQ(st, NOVA_SUCCESS);
    if (st != NOVA_SUCCESS)
        return 0;
    st = ectx_start(c, prio, 10000);
    CHECK_EQ(st, NOVA_SUCCESS);
    return st == NOVA_SUCCESS ? c : 0;
}

uint64_t new_sm(uint64_t cnt)
{
    uint64_t s = sel_alloc(1);
    enum nova_status st = nova_create_sm(s, SEL_ROOT_PD, cnt);
    CHECK_EQ(st, NOVA_SUCCESS);
    return st == NOVA_SUCCESS ? s : 0;
}

/* ---- spinning ---- */

#define SPIN_LIMIT 400000000ull

bool spin_until(volatile uint64_t *p, uint64_t v)
{
    for (uint64_t i = 0; i < SPIN_LIMIT; i++) {
        if (*p == v)
            return true;
        __asm__ volatile("pause");
    }
    return *p == v;
}

bool spin_until_ge(volatile uint64_t *p, uint64_t v)
{
    for (uint64_t i = 0; i < SPIN_LIMIT; i++) {
        if (*p >= v)
            return true;
        __asm__ volatile("pause");
    }
    return *p >= v;
}

void busy(uint64_t n)
{
    for (volatile uint64_t i = 0; i < n; i++)
        ;
}

uint64_t lookup_sel(uint64_t sel)
{
    uint64_t crd = nova_crd_obj(sel, 0, 0);
    if (nova_lookup(&crd) != NOVA_SUCCESS)
        return ~0ull;
    return crd;
}

void id_caller(struct ectx *c)
{
    c->utcb->data.words[0] = c->a[1];
    c->utcb->head.items = nova_utcb_items(1, 0);
    c->a[2] = nova_call(c->a[0], 0);
    c->a[3] = c->utcb->data.words[0];
}
