/* The component runtime's C side: start-up, exit, portal serving and the
 * console client (include/nova/component.h). */
#include <stdbool.h>
#include <nova/component.h>

struct nova_component_info nova_component;
volatile int nova_component_exit_code;

/* Serving state, shared with portal_entry.S. */
uintptr_t nova_component_serve_sp;
static component_handler_fn serve_handler;

_Noreturn void nova_component_dispatch(uint64_t pid);

void nova_component_init(const struct nova_component_start *start)
{
    nova_component.index = (unsigned)start->index;
    nova_component.heap_base = (uintptr_t)start->heap_base;
    nova_component.heap_size = (size_t)start->heap_size;
    nova_component.tsc_khz = start->tsc_khz;
    nova_component.cpu = (unsigned)start->cpu;
    nova_component.console_input_sel = start->console_input_sel;
    if (start->console_sel)
        console_init(start->console_sel);
}

static _Noreturn void wait_for_calls(void);

/* The instruction the root server knows as exit (ELF symbol
 * nova_component_exit_trap): its #UD, with the code in RDI, makes the root
 * report the exit and shut the EC down. */
__asm__(".text\n.global nova_component_exit_trap\n.type nova_component_exit_trap, @function\n"
        "nova_component_exit_trap: ud2\n.size nova_component_exit_trap, 2\n");

_Noreturn void nova_component_exit(int code)
{
    nova_component_exit_code = code;
    serve_handler = 0;
    __asm__ volatile("call nova_component_exit_trap" : : "D"((uint64_t)(int64_t)code) : "memory");
    /* A root task that resumes it (none does): block for good. */
    if (nova_create_sm(NOVA_COMPONENT_SEL_EXIT_SM, NOVA_COMPONENT_SEL_PD, 0) == NOVA_SUCCESS)
        while (nova_sm_ctrl(NOVA_COMPONENT_SEL_EXIT_SM, NOVA_FLAG_SM_CTRL_DN) == NOVA_SUCCESS)
            ;   /* nobody else holds the semaphore: never woken */
    /* No semaphore: wait in reply instead. Calls to portals the component
     * offers are answered with U = 0 (no handler any more). */
    wait_for_calls();
}

/* --- serving portals -------------------------------------------------------- */

/* Wait for calls: reply with no caller. Every call enters nova_portal_entry
 * on a stack just below this frame, which stays intact. */
static _Noreturn void wait_for_calls(void)
{
    nova_component_serve_sp = ((uintptr_t)__builtin_frame_address(0) - 256) & ~(uintptr_t)15;
    nova_reply(nova_component_serve_sp);
}

_Noreturn void component_serve(component_handler_fn handler)
{
    serve_handler = handler;
    wait_for_calls();
}

/* Entered from nova_portal_entry on the stack below component_serve's. */
_Noreturn void nova_component_dispatch(uint64_t pid)
{
    struct nova_utcb *u = nova_component_utcb();
    uint64_t words = serve_handler ? serve_handler(pid, u) : 0;
    if (words > NOVA_UTCB_DATA_WORDS)
        words = NOVA_UTCB_DATA_WORDS;
    u->head.items = nova_utcb_items(words, 0);
    nova_reply(nova_component_serve_sp);
}

/* --- console client ------------------------------------------------------------ */

static uint64_t console_sel;
static bool console_ready;
static console_sink_fn console_sink;

void console_init(uint64_t sel)
{
    console_sel = sel;
    console_ready = true;
}

void console_set_sink(console_sink_fn sink)
{
    console_sink = sink;
}

bool console_connected(void)
{
    return console_sink || console_ready;
}

/* Bytes i.. of a message's packed data (w1 on), little-endian per word. */
static void pack_bytes(uint64_t *words, const char *s, size_t n)
{
    for (size_t w = 0; w < (n + 7) / 8; w++) {
        uint64_t v = 0;
        for (size_t b = 0; b < 8 && 8 * w + b < n; b++)
            v |= (uint64_t)(unsigned char)s[8 * w + b] << (8 * b);
        words[w] = v;
    }
}

static void unpack_bytes(char *s, const uint64_t *words, size_t n)
{
    for (size_t i = 0; i < n; i++)
        s[i] = (char)(words[i / 8] >> (8 * (i % 8)));
}

enum nova_status console_write(const char *s, size_t n)
{
    if (console_sink) {
        console_sink(s, n);
        return NOVA_SUCCESS;
    }
    if (!console_ready)
        return NOVA_SUCCESS;
    enum nova_status st = NOVA_SUCCESS;
    struct nova_utcb *u = nova_component_utcb();
    while (n) {
        size_t chunk = n < CONSOLE_MAX_BYTES ? n : CONSOLE_MAX_BYTES;
        size_t words = (chunk + 7) / 8;
        u->data.words[0] = chunk;
        pack_bytes(&u->data.words[1], s, chunk);
        u->head.items = nova_utcb_items(1 + words, 0);
        st = nova_call(console_sel, 0);
        if (st != NOVA_SUCCESS)
            break;   /* the driver died (COM_ABT) or its portal went (BAD_CAP): tell the caller */
        s += chunk;
        n -= chunk;
    }
    return st;
}

/* --- console input client ------------------------------------------------------ */

size_t console_read_with(struct nova_utcb *u, uint64_t sel, char *buf, size_t max, enum nova_status *status)
{
    if (max > CONSOLE_MAX_BYTES)
        max = CONSOLE_MAX_BYTES;
    enum nova_status st = NOVA_SUCCESS;
    size_t n = 0;
    if (max) {
        u->data.words[0] = max;
        u->head.items = nova_utcb_items(1, 0);
        st = nova_call(sel, 0);
    }
    if (max && st == NOVA_SUCCESS) {
        /* Believe no more than was asked for and the reply holds. */
        uint64_t words = nova_utcb_items_u(u->head.items);
        uint64_t held = words ? 8 * (words - 1) : 0;
        n = words ? (size_t)u->data.words[0] : 0;
        if (n > max)
            n = max;
        if (n > held)
            n = (size_t)held;
        unpack_bytes(buf, &u->data.words[1], n);
    }
    if (status)
        *status = st;
    return n;
}

size_t console_read(uint64_t sel, char *buf, size_t max, enum nova_status *status)
{
    return console_read_with(nova_component_utcb(), sel, buf, max, status);
}

/* --- ECs of its own ---------------------------------------------------------------- */

/* Where nova_ec_entry goes when the EC's function returns: waiting for
 * calls through portals that nobody created, it never runs again. */
_Noreturn void nova_component_ec_end(void);
_Noreturn void nova_component_ec_end(void)
{
    uint64_t sp;
    __asm__ volatile("mov %%rsp, %0" : "=r"(sp));
    nova_reply((uintptr_t)sp);
}

/* A call of the root server's object service: false if there is no such
 * portal (the call failed), else true with its answer in *st. */
static bool root_create(uint64_t op, uint64_t slot, uint64_t arg, uint64_t sel, enum nova_status *st)
{
    struct nova_utcb *u = nova_component_utcb();
    uint64_t window = u->head.del;   /* the caller's own, kept */
    u->data.words[0] = op;
    u->data.words[1] = slot;
    u->data.words[2] = arg;
    u->head.items = nova_utcb_items(3, 0);
    u->head.del = nova_crd_obj(sel, 0, 0x1f);
    enum nova_status call = nova_call(NOVA_COMPONENT_SEL_ROOT, 0);
    u->head.del = window;
    if (call != NOVA_SUCCESS)
        return false;
    *st = nova_utcb_items_u(u->head.items) >= 1 ? (enum nova_status)u->data.words[0] : NOVA_BAD_PAR;
    return true;
}

enum nova_status component_ec_create(uint64_t sel_ec, uint64_t sel_sc, unsigned slot, void *stack,
                                     size_t stack_size, component_ec_fn fn, void *arg, uint64_t qpd)
{
    if (slot >= NOVA_COMPONENT_EC_SLOTS || !stack || stack_size < 256 || !fn)
        return NOVA_BAD_PAR;
    /* nova_ec_entry pops fn and arg from the top of the stack */
    uintptr_t top = ((uintptr_t)stack + stack_size) & ~(uintptr_t)15;
    uintptr_t *sp = (uintptr_t *)top - 2;
    sp[0] = (uintptr_t)fn;
    sp[1] = (uintptr_t)arg;
    enum nova_status st;
    if (root_create(NOVA_ROOT_OP_EC, slot, (uintptr_t)sp, sel_ec, &st)) {
        if (st == NOVA_SUCCESS)
            root_create(NOVA_ROOT_OP_SC, slot, qpd, sel_sc, &st);
        return st;
    }
    st = nova_create_ec(sel_ec, NOVA_COMPONENT_SEL_PD, nova_component.cpu,
                                         NOVA_COMPONENT_EC_UTCB(slot), (uintptr_t)sp, 0, NOVA_FLAG_CREATE_EC_G);
    if (st != NOVA_SUCCESS)
        return st;
    return nova_create_sc(sel_sc, NOVA_COMPONENT_SEL_PD, sel_ec, qpd);
}

int component_call_words(uint64_t portal, uint64_t *w, unsigned n, unsigned max, uint64_t item, uint64_t crd)
{
    struct nova_utcb *u = nova_component_utcb();
    if (n > NOVA_UTCB_DATA_WORDS - 2)
        return -1;
    for (unsigned i = 0; i < n; i++)
        u->data.words[i] = w[i];
    unsigned t = 0;
    if (crd != nova_crd_null()) {
        u->data.words[NOVA_UTCB_TYPED_CRD_WORD(0)] = crd;
        u->data.words[NOVA_UTCB_TYPED_ITEM_WORD(0)] = item;
        t = 1;
    }
    u->head.items = nova_utcb_items(n, t);
    if (nova_call(portal, 0) != NOVA_SUCCESS)
        return -1;
    unsigned got = (unsigned)nova_utcb_items_u(u->head.items);
    if (got > NOVA_UTCB_DATA_WORDS)
        got = NOVA_UTCB_DATA_WORDS;
    for (unsigned i = 0; i < got && i < max; i++)
        w[i] = u->data.words[i];
    return (int)got;
}
