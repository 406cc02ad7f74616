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

void nova_component_init(uint64_t index, uint64_t heap_base, uint64_t heap_size, uint64_t tsc_khz,
                         uint64_t console_sel)
{
    nova_component.index = (unsigned)index;
    nova_component.heap_base = (uintptr_t)heap_base;
    nova_component.heap_size = (size_t)heap_size;
    nova_component.tsc_khz = tsc_khz;
    if (console_sel)
        console_init(console_sel);
}

static _Noreturn void wait_for_calls(void);

_Noreturn void nova_component_exit(int code)
{
    nova_component_exit_code = code;
    serve_handler = 0;
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
        for (size_t w = 0; w < words; w++) {
            uint64_t v = 0;
            for (size_t b = 0; b < 8 && 8 * w + b < chunk; b++)
                v |= (uint64_t)(unsigned char)s[8 * w + b] << (8 * b);
            u->data.words[1 + w] = v;
        }
        u->head.items = nova_utcb_items(1 + words, 0);
        st = nova_call(console_sel, 0);
        s += chunk;
        n -= chunk;
    }
    return st;
}
