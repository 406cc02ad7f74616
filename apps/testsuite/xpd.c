/* Cross-PD test infrastructure; see xpd.h. */
#include "xpd.h"

#define XPD_CHILD_SEL   0x18000u   /* 64 selectors per child */
#define XPD_MAX_CHILD   192u
#define XPD_SCRATCH_SEL 0x1c000u   /* .. 0x1ffff: xpd_sel() */
#define XPD_SEL_END     0x20000u
#define XPD_HANDLER_SEL 0x1fff0u   /* handler EC, echo EC + portal */
#define XPD_ECHO_EC     0x1fff1u
#define XPD_ECHO_PT     0x1fff2u
#define XPD_UTCB        0x0000400000000000ull   /* 0: handler, 1: echo, 2 + i: agent i */
#define XPD_ROOT_WIN    0x0000480000000000ull
#define XPD_STACK       8192u
#define XPD_KILL_RIP    0x8000000000000000ull   /* non-canonical: an exception reply with it kills the EC */

static struct xpd_child children[XPD_MAX_CHILD];
static unsigned nchildren;
static uint8_t agent_stacks[XPD_MAX_CHILD][XPD_STACK] __attribute__((aligned(4096)));
static uint8_t handler_stack[XPD_STACK] __attribute__((aligned(4096)));
static uint8_t echo_stack[XPD_STACK] __attribute__((aligned(4096)));
static uint8_t pages[96][4096] __attribute__((aligned(32768)));
static unsigned npages;
static uint64_t next_sel = XPD_SCRATCH_SEL;
static uint64_t next_root_page = XPD_ROOT_WIN >> 12;
static bool ready;

static inline uintptr_t utcb_of(unsigned n) { return XPD_UTCB + (uint64_t)n * 0x1000; }
#define TOP(s) ((uintptr_t)(s) + sizeof(s) - 8)

/* ---- probe instructions: a fault there is recorded and skipped (RCX = 1) ---- */
uint64_t xpd_probe_read(uint64_t addr, uint64_t *faulted);
uint64_t xpd_probe_write(uint64_t addr, uint64_t val);
uint64_t xpd_probe_in(uint64_t port, uint64_t *faulted);
uint64_t xpd_probe_out(uint64_t port, uint64_t val);
extern const char xpd_read_insn[], xpd_read_end[], xpd_write_insn[], xpd_write_end[];
extern const char xpd_in_insn[], xpd_in_end[], xpd_out_insn[], xpd_out_end[];
__asm__(".text\n"
        ".globl xpd_probe_read\n"
        "xpd_probe_read:\n"
        "  xor %ecx, %ecx\n"
        "  xor %eax, %eax\n"
        ".globl xpd_read_insn\n"
        "xpd_read_insn:\n"
        "  mov (%rdi), %rax\n"
        ".globl xpd_read_end\n"
        "xpd_read_end:\n"
        "  mov %rcx, (%rsi)\n"
        "  ret\n"
        ".globl xpd_probe_write\n"
        "xpd_probe_write:\n"
        "  xor %ecx, %ecx\n"
        ".globl xpd_write_insn\n"
        "xpd_write_insn:\n"
        "  mov %rsi, (%rdi)\n"
        ".globl xpd_write_end\n"
        "xpd_write_end:\n"
        "  mov %rcx, %rax\n"
        "  ret\n"
        ".globl xpd_probe_in\n"
        "xpd_probe_in:\n"
        "  mov %edi, %edx\n"
        "  xor %eax, %eax\n"
        "  xor %ecx, %ecx\n"
        ".globl xpd_in_insn\n"
        "xpd_in_insn:\n"
        "  inb %dx, %al\n"
        ".globl xpd_in_end\n"
        "xpd_in_end:\n"
        "  mov %rcx, (%rsi)\n"
        "  ret\n"
        ".globl xpd_probe_out\n"
        "xpd_probe_out:\n"
        "  mov %edi, %edx\n"
        "  mov %esi, %eax\n"
        "  xor %ecx, %ecx\n"
        ".globl xpd_out_insn\n"
        "xpd_out_insn:\n"
        "  outb %al, %dx\n"
        ".globl xpd_out_end\n"
        "xpd_out_end:\n"
        "  mov %rcx, %rax\n"
        "  ret\n");

/* ---- the handler EC in the root: #PF (pager) and #GP of the children ---- */
__attribute__((noreturn)) static void handler_entry(uint64_t pid)
{
    struct nova_utcb *u = (struct nova_utcb *)utcb_of(0);
    struct xpd_child *c = &children[(pid >> 1) % XPD_MAX_CHILD];
    uint64_t rip = u->data.arch.rip, addr = u->data.arch.qual[1];
    u->head.items = nova_utcb_items(0, 0);
    u->data.arch.mtd = NOVA_MTD_EIP | NOVA_MTD_ACDB;
    const char *resume = 0;
    if (pid & 1) {   /* #GP */
        if (rip == (uintptr_t)xpd_in_insn)
            resume = xpd_in_end;
        else if (rip == (uintptr_t)xpd_out_insn)
            resume = xpd_out_end;
        if (resume)
            c->gp_probe++;
    } else {         /* #PF */
        if (rip == (uintptr_t)xpd_read_insn)
            resume = xpd_read_end;
        else if (rip == (uintptr_t)xpd_write_insn)
            resume = xpd_write_end;
        if (resume) {
            c->pf_probe++;
            c->pf_addr = addr;
            c->pf_err = u->data.arch.qual[0];
        } else {
            uint64_t page = addr >> 12, crd = nova_crd_mem(page, 0, 0);
            c->repeat = c->last_addr == addr ? c->repeat + 1 : 0;
            c->last_addr = addr;
            if (nova_lookup(&crd) == NOVA_SUCCESS && nova_crd_type(crd) == NOVA_CRD_TYPE_MEM && c->repeat < 8) {
                c->demand++;
                u->data.words[NOVA_UTCB_TYPED_CRD_WORD(0)] = nova_crd_mem(page, 0, 0x7);
                u->data.words[NOVA_UTCB_TYPED_ITEM_WORD(0)] = nova_item_delegate(page, 0, 0, 0);
                u->head.items = nova_utcb_items(0, 1);
                u->data.arch.mtd = 0;
                nova_reply(TOP(handler_stack));
            }
        }
    }
    if (resume) {
        u->data.arch.rip = (uintptr_t)resume;
        u->data.arch.rcx = 1;
    } else {
        c->unresolved++;
        c->last_addr = addr;
        u->data.arch.rip = XPD_KILL_RIP;
        u->data.arch.mtd = NOVA_MTD_EIP;
    }
    nova_reply(TOP(handler_stack));
}

/* ---- a root EC replying with the one typed item in w0, w1 ---- */
__attribute__((noreturn)) static void echo_entry(uint64_t pid)
{
    (void)pid;
    struct nova_utcb *u = (struct nova_utcb *)utcb_of(1);
    uint64_t item = u->data.words[0], crd = u->data.words[1];
    u->data.words[NOVA_UTCB_TYPED_ITEM_WORD(0)] = item;
    u->data.words[NOVA_UTCB_TYPED_CRD_WORD(0)] = crd;
    u->head.items = nova_utcb_items(0, 1);
    nova_reply(TOP(echo_stack));
}

/* ---- the agent, in a child PD ---- */
static void copy_items(const struct nova_utcb *u, unsigned nt, uint64_t *it)
{
    for (unsigned i = 0; i < nt && i < 4; i++) {
        it[2 * i] = u->data.words[NOVA_UTCB_TYPED_ITEM_WORD(i)];
        it[2 * i + 1] = u->data.words[NOVA_UTCB_TYPED_CRD_WORD(i)];
    }
}

__attribute__((noreturn)) static void agent_entry(uint64_t pid)
{
    unsigned idx = (unsigned)pid % XPD_MAX_CHILD;
    struct nova_utcb *u = (struct nova_utcb *)utcb_of(2 + idx);
    uint64_t a[12], it[8] = { 0 }, r0 = 0, r1 = 0, crd, t = 0;
    unsigned nu = (unsigned)nova_utcb_items_u(u->head.items), nt = (unsigned)nova_utcb_items_t(u->head.items);
    unsigned send = 0;
    for (unsigned i = 0; i < 12; i++)
        a[i] = i < nu ? u->data.words[i] : 0;
    copy_items(u, nt, it);
    switch (a[0]) {
    case XPD_LOOKUP:
        crd = a[1];
        r0 = nova_lookup(&crd);
        r1 = crd;
        break;
    case XPD_SETWIN:
        u->head.del = a[1];
        u->head.xlt = a[2];
        break;
    case XPD_SEND:
        send = a[1] > 4 ? 4 : (unsigned)a[1];
        break;
    case XPD_READ:
        r1 = xpd_probe_read(a[1], &r0);
        break;
    case XPD_WRITE:
        r0 = xpd_probe_write(a[1], a[2]);
        break;
    case XPD_IN:
        r1 = xpd_probe_in(a[1], &r0);
        break;
    case XPD_OUT:
        r0 = xpd_probe_out(a[1], a[2]);
        break;
    case XPD_REVOKE:
        r0 = nova_revoke(a[1], (unsigned)a[2]);
        break;
    case XPD_SM_CTRL:
        r0 = nova_sm_ctrl(a[1], (unsigned)a[2]);
        break;
    case XPD_SC_CTRL:
        r0 = nova_sc_ctrl(a[1], &t);
        r1 = t;
        break;
    case XPD_EC_CTRL:
        r0 = nova_ec_ctrl(a[1]);
        break;
    case XPD_PT_CTRL:
        r0 = nova_pt_ctrl(a[1], a[2]);
        break;
    case XPD_CREATE_SM:
        r0 = nova_create_sm(a[1], a[2], a[3]);
        break;
    case XPD_CALL: {
        uint64_t del = u->head.del, xlt = u->head.xlt;
        u->head.del = a[2];
        u->head.xlt = a[3];
        for (unsigned i = 0; i < 8; i++)
            u->data.words[i] = a[4 + i];
        u->head.items = nova_utcb_items(8, 0);
        r0 = nova_call(a[1], 0);
        r1 = u->data.words[0];
        nt = r0 == NOVA_SUCCESS ? (unsigned)nova_utcb_items_t(u->head.items) : 0;
        copy_items(u, nt, it);
        u->head.del = del;
        u->head.xlt = xlt;
        break;
    }
    default:
        break;
    }
    u->data.words[0] = r0;
    u->data.words[1] = r1;
    u->data.words[2] = nt;
    for (unsigned i = 0; i < 8; i++)
        u->data.words[3 + i] = it[i];
    for (unsigned i = 0; i < send; i++) {
        u->data.words[NOVA_UTCB_TYPED_ITEM_WORD(i)] = a[2 + 2 * i];
        u->data.words[NOVA_UTCB_TYPED_CRD_WORD(i)] = a[3 + 2 * i];
    }
    u->head.items = nova_utcb_items(11, send);
    nova_reply(TOP(agent_stacks[idx]));
}

/* ---- allocators ---- */
uint64_t xpd_sel(uint64_t n)
{
    next_sel = (next_sel + n - 1) & ~(n - 1);
    uint64_t s = next_sel;
    next_sel += n;
    if (next_sel > XPD_HANDLER_SEL)
        nova_printf("# xpd: out of selectors\n");
    return s;
}

uint64_t xpd_root_pages(unsigned order)
{
    uint64_t n = 1ull << order;
    next_root_page = (next_root_page + n - 1) & ~(n - 1);
    uint64_t p = next_root_page;
    next_root_page += n;
    return p;
}

volatile uint64_t *xpd_page(unsigned order)
{
    unsigned n = 1u << order;
    npages = (npages + n - 1) & ~(n - 1);
    if (npages + n > sizeof pages / sizeof pages[0]) {
        nova_printf("# xpd: out of pages\n");
        return 0;
    }
    volatile uint64_t *p = (volatile uint64_t *)pages[npages];
    npages += n;
    return p;
}

/* ---- setup ---- */
static bool setup(void)
{
    if (ready)
        return true;
    if (nova_create_ec(XPD_HANDLER_SEL, SEL_ROOT_PD, nova_boot_cpu, utcb_of(0), TOP(handler_stack), 0, 0) !=
            NOVA_SUCCESS ||
        nova_create_ec(XPD_ECHO_EC, SEL_ROOT_PD, nova_boot_cpu, utcb_of(1), TOP(echo_stack), 0, 0) !=
            NOVA_SUCCESS ||
        nova_create_pt(XPD_ECHO_PT, SEL_ROOT_PD, XPD_ECHO_EC, 0, (uintptr_t)echo_entry) != NOVA_SUCCESS)
        return false;
    ready = true;
    return true;
}

struct xpd_child *xpd_child(void) { return xpd_child_masked(PERM_ANY); }

struct xpd_child *xpd_child_masked(uint64_t evt_mask)
{
    if (!setup()) {
        CHECK(!"xpd setup");
        return 0;
    }
    if (nchildren == XPD_MAX_CHILD) {
        CHECK(!"xpd: out of children");
        return 0;
    }
    unsigned i = nchildren++;
    struct xpd_child *c = &children[i];
    uint64_t base = XPD_CHILD_SEL + 64ull * i;
    c->idx = i;
    c->evt = base;
    c->pd = base + 32;
    c->ec = base + 33;
    c->pt = base + 34;
    uint64_t mtd = NOVA_MTD_QUAL | NOVA_MTD_EIP | NOVA_MTD_ACDB;
    enum nova_status s;
    if ((s = nova_create_pt(c->evt + NOVA_EXC_PF, SEL_ROOT_PD, XPD_HANDLER_SEL, mtd, (uintptr_t)handler_entry)) ||
        (s = nova_pt_ctrl(c->evt + NOVA_EXC_PF, 2ull * i)) ||
        (s = nova_create_pt(c->evt + NOVA_EXC_GP, SEL_ROOT_PD, XPD_HANDLER_SEL, mtd, (uintptr_t)handler_entry)) ||
        (s = nova_pt_ctrl(c->evt + NOVA_EXC_GP, 2ull * i + 1)) ||
        (s = nova_create_pd(c->pd, SEL_ROOT_PD, nova_crd_obj(c->evt, 5, evt_mask))) ||
        (s = nova_create_ec(c->ec, c->pd, nova_boot_cpu, utcb_of(2 + i), TOP(agent_stacks[i]), 0, 0)) ||
        (s = nova_create_pt(c->pt, SEL_ROOT_PD, c->ec, 0, (uintptr_t)agent_entry)) || (s = nova_pt_ctrl(c->pt, i))) {
        CHECK_EQ(s, NOVA_SUCCESS);
        return 0;
    }
    return c;
}

/* ---- commands ---- */
enum nova_status xpd_rpc(struct xpd_child *c, const uint64_t *w, unsigned nw, const uint64_t *items, unsigned nt,
                         uint64_t root_del, uint64_t root_xlt, struct xpd_reply *r)
{
    struct nova_utcb *u = nova_root_utcb();
    for (unsigned i = 0; i < nw; i++)
        u->data.words[i] = w[i];
    for (unsigned i = 0; i < nt; i++) {
        u->data.words[NOVA_UTCB_TYPED_ITEM_WORD(i)] = items[2 * i];
        u->data.words[NOVA_UTCB_TYPED_CRD_WORD(i)] = items[2 * i + 1];
    }
    u->head.items = nova_utcb_items(nw, nt);
    u->head.del = root_del;
    u->head.xlt = root_xlt;
    enum nova_status s = nova_call(c->pt, 0);
    u->head.del = nova_crd_null();
    u->head.xlt = nova_crd_null();
    struct xpd_reply dummy;
    if (!r)
        r = &dummy;
    *r = (struct xpd_reply){ .status = s };
    if (s != NOVA_SUCCESS)
        return s;
    r->r0 = u->data.words[0];
    r->r1 = u->data.words[1];
    r->nt = (unsigned)u->data.words[2];
    for (unsigned i = 0; i < 4; i++) {
        r->item[i] = u->data.words[3 + 2 * i];
        r->crd[i] = u->data.words[4 + 2 * i];
    }
    r->root_t = (unsigned)nova_utcb_items_t(u->head.items);
    for (unsigned i = 0; i < r->root_t && i < 4; i++) {
        r->root_item[i] = u->data.words[NOVA_UTCB_TYPED_ITEM_WORD(i)];
        r->root_crd[i] = u->data.words[NOVA_UTCB_TYPED_CRD_WORD(i)];
    }
    return s;
}

static struct xpd_reply cmd(struct xpd_child *c, uint64_t op, uint64_t a1, uint64_t a2, uint64_t a3)
{
    uint64_t w[4] = { op, a1, a2, a3 };
    struct xpd_reply r;
    CHECK_EQ(xpd_rpc(c, w, 4, 0, 0, nova_crd_null(), nova_crd_null(), &r), NOVA_SUCCESS);
    return r;
}

uint64_t xpd_op(struct xpd_child *c, uint64_t op, uint64_t a1, uint64_t a2, uint64_t a3)
{
    struct xpd_reply r = cmd(c, op, a1, a2, a3);
    return r.status == NOVA_SUCCESS ? r.r0 : XPD_NONE;
}

uint64_t xpd_lookup(struct xpd_child *c, uint64_t crd)
{
    struct xpd_reply r = cmd(c, XPD_LOOKUP, crd, 0, 0);
    CHECK_EQ(r.r0, NOVA_SUCCESS);
    return r.status == NOVA_SUCCESS ? r.r1 : XPD_NONE;
}

void xpd_setwin(struct xpd_child *c, uint64_t del, uint64_t xlt) { cmd(c, XPD_SETWIN, del, xlt, 0); }

uint64_t xpd_give(struct xpd_child *c, uint64_t item, uint64_t crd)
{
    uint64_t w[1] = { XPD_NOP }, it[2] = { item, crd };
    struct xpd_reply r;
    CHECK_EQ(xpd_rpc(c, w, 1, it, 1, nova_crd_null(), nova_crd_null(), &r), NOVA_SUCCESS);
    return r.status == NOVA_SUCCESS && r.nt == 1 ? r.crd[0] : XPD_NONE;
}

uint64_t xpd_take(struct xpd_child *c, uint64_t item, uint64_t crd, uint64_t root_del, uint64_t root_xlt)
{
    uint64_t w[4] = { XPD_SEND, 1, item, crd };
    struct xpd_reply r;
    CHECK_EQ(xpd_rpc(c, w, 4, 0, 0, root_del, root_xlt, &r), NOVA_SUCCESS);
    return r.status == NOVA_SUCCESS && r.root_t == 1 ? r.root_crd[0] : XPD_NONE;
}

bool xpd_read(struct xpd_child *c, uint64_t addr, uint64_t *val)
{
    struct xpd_reply r = cmd(c, XPD_READ, addr, 0, 0);
    if (val)
        *val = r.r1;
    return r.status != NOVA_SUCCESS || r.r0;
}

bool xpd_write(struct xpd_child *c, uint64_t addr, uint64_t val)
{
    struct xpd_reply r = cmd(c, XPD_WRITE, addr, val, 0);
    return r.status != NOVA_SUCCESS || r.r0;
}

bool xpd_in(struct xpd_child *c, uint64_t port, uint64_t *val)
{
    struct xpd_reply r = cmd(c, XPD_IN, port, 0, 0);
    if (val)
        *val = r.r1;
    return r.status != NOVA_SUCCESS || r.r0;
}

bool xpd_out(struct xpd_child *c, uint64_t port, uint64_t val)
{
    struct xpd_reply r = cmd(c, XPD_OUT, port, val, 0);
    return r.status != NOVA_SUCCESS || r.r0;
}

enum nova_status xpd_relay(struct xpd_child *via, uint64_t pt, uint64_t del, uint64_t xlt, const uint64_t *w,
                           unsigned nw, struct xpd_reply *r)
{
    uint64_t m[12] = { XPD_CALL, pt, del, xlt };
    for (unsigned i = 0; i < nw && i < 8; i++)
        m[4 + i] = w[i];
    enum nova_status s = xpd_rpc(via, m, 12, 0, 0, nova_crd_null(), nova_crd_null(), r);
    CHECK_EQ(s, NOVA_SUCCESS);
    return s;
}

bool xpd_link(struct xpd_child *from, struct xpd_child *to, uint64_t sel)
{
    xpd_setwin(to, nova_crd_obj(sel, 0, PERM_ANY), nova_crd_null());
    uint64_t got = xpd_give(to, nova_item_delegate(sel, 0, 0, 0), nova_crd_obj(from->pt, 0, PERM_ANY));
    xpd_setwin(to, nova_crd_null(), nova_crd_null());
    return got != XPD_NONE && nova_crd_type(xpd_lookup(to, nova_crd_obj(sel, 0, 0))) == NOVA_CRD_TYPE_OBJ;
}

uint64_t xpd_self(uint64_t item, uint64_t crd, uint64_t root_del, uint64_t root_xlt)
{
    if (!setup())
        return XPD_NONE;
    struct nova_utcb *u = nova_root_utcb();
    u->data.words[0] = item;
    u->data.words[1] = crd;
    u->head.items = nova_utcb_items(2, 0);
    u->head.del = root_del;
    u->head.xlt = root_xlt;
    enum nova_status s = nova_call(XPD_ECHO_PT, 0);
    u->head.del = nova_crd_null();
    u->head.xlt = nova_crd_null();
    CHECK_EQ(s, NOVA_SUCCESS);
    if (s != NOVA_SUCCESS || nova_utcb_items_t(u->head.items) != 1)
        return XPD_NONE;
    return u->data.words[NOVA_UTCB_TYPED_CRD_WORD(0)];
}

bool xpd_take_ports(uint64_t base, unsigned order)
{
    uint64_t crd = nova_crd_pio(base, order, NOVA_PERM_PIO_A);
    return xpd_self(nova_item_delegate(base, 1, 0, 0), crd, crd, nova_crd_null()) != XPD_NONE;
}

static uintptr_t next_utcb = 0x0000440000000000ull;
uintptr_t xpd_utcb(void)
{
    uintptr_t u = next_utcb;
    next_utcb += 0x1000;
    return u;
}

uint64_t xpd_grant(struct xpd_child *c, uint64_t src, uint64_t hotspot, uint64_t win)
{
    xpd_setwin(c, win, nova_crd_null());
    uint64_t got = xpd_give(c, nova_item_delegate(hotspot, 0, 0, 0), src);
    xpd_setwin(c, nova_crd_null(), nova_crd_null());
    return got;
}

uint64_t xpd_pass(struct xpd_child *from, struct xpd_child *to, uint64_t link, uint64_t item, uint64_t src,
                  uint64_t win, uint64_t xlt)
{
    (void)from;
    uint64_t w[4] = { XPD_SEND, 1, item, src };
    struct xpd_reply r;
    if (xpd_relay(to, link, win, xlt, w, 4, &r) != NOVA_SUCCESS)
        return XPD_NONE;
    CHECK_EQ(r.r0, NOVA_SUCCESS);
    return r.r0 == NOVA_SUCCESS && r.nt == 1 ? r.crd[0] : XPD_NONE;
}

uintptr_t xpd_agent_code(void) { return (uintptr_t)agent_entry; }
