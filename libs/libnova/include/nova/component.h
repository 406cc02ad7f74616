/*
 * The component runtime: what a program started by the root server (from a
 * system.toml [[component]]) links against, besides musl and its
 * system-call layer (libs/posix), instead of libnova's root-task entry.
 *
 * Start (libs/posix/crt0.S): the root server starts the component's main EC
 * with RIP = _start, RSP = top of its stack, RDI = component index, RSI =
 * heap base, RDX = heap size, R8 = TSC frequency in kHz, R9 = selector of
 * the "console" portal if the component uses one (else 0). The start code
 * records these in `nova_component` (console output goes to that portal
 * from then on) and runs musl's start-up, which calls main(); exit() or
 * main's return ends in nova_component_exit.
 *
 * Serving (servers only): for each portal the component offers, the root
 * server creates a portal bound to the main EC with IP = nova_portal_entry
 * and PID = k (the portal's index in `offers`). component_serve(handler)
 * waits for calls; each call runs handler(pid, utcb) on the main EC, then
 * replies with the untyped words the handler returned.
 *
 * Console: console_init(sel) names the "console" portal (selector
 * NOVA_COMPONENT_SEL_USE(k), k = the index of "console" in `uses`; the
 * start code calls it with R9's selector);
 * console_write sends text through it (protocol below), and so does
 * musl's stdout through libs/posix. The console driver itself routes it to
 * its own port output with console_set_sink.
 *
 * Everything here runs on the main EC and uses its UTCB: an EC a component
 * creates for itself has a UTCB of its own and must not call these.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <nova/spec.h>
#include <nova/hypercalls.h>

/* --- the component's object space (fixed by the root server) ------------ */
/* event portals at 0..EXC-1; PD, EC and SC where a root task finds its own */
#define NOVA_COMPONENT_SEL_PD      (NOVA_EXC_SELECTORS + 0u)   /* own PD: may own new PD, EC, SC, PT, SM */
#define NOVA_COMPONENT_SEL_EC      (NOVA_EXC_SELECTORS + 1u)   /* main EC */
#define NOVA_COMPONENT_SEL_SC      (NOVA_EXC_SELECTORS + 2u)   /* main SC */
#define NOVA_COMPONENT_SEL_EXIT_SM 0x30u   /* created by nova_component_exit */
#define NOVA_COMPONENT_SEL_USE(k)  (0x40u + (unsigned)(k))  /* k-th entry of `uses` */
#define NOVA_COMPONENT_SEL_GSI(k)  (0x60u + (unsigned)(k))  /* semaphore of the k-th entry of `gsis` */

/* --- the main EC's UTCB ---------------------------------------------------- */
#define NOVA_COMPONENT_UTCB UINT64_C(0x00007fffffffd000)

static inline struct nova_utcb *nova_component_utcb(void)
{
    return (struct nova_utcb *)(uintptr_t)NOVA_COMPONENT_UTCB;
}

/* --- start-up values -------------------------------------------------------- */
struct nova_component_info {
    unsigned index;        /* component index in the boot plan (RDI at start) */
    uintptr_t heap_base;   /* RSI at start; pages arrive zeroed on first touch */
    size_t heap_size;      /* RDX at start; 0 if system.toml gives no heap */
    uint64_t tsc_khz;      /* R8 at start: the HIP's TSC frequency */
};
extern struct nova_component_info nova_component;

/* Record the start-up values and connect the console to the portal at
 * console_sel (R9 at start, 0 if none); the start code calls this before
 * anything else. */
void nova_component_init(uint64_t index, uint64_t heap_base, uint64_t heap_size, uint64_t tsc_khz,
                         uint64_t console_sel);

/* Stop for good: the main EC blocks forever (a down on a fresh semaphore at
 * NOVA_COMPONENT_SEL_EXIT_SM that nobody can up). The code is kept in
 * nova_component_exit_code for a debugger; nothing is printed and the
 * machine keeps running (components do not own the debug exit). Called
 * from inside a portal handler, the caller stays blocked. */
_Noreturn void nova_component_exit(int code);
extern volatile int nova_component_exit_code;

/* --- serving portals ---------------------------------------------------------
 * handler(pid, utcb) runs for each call, on the main EC, with the caller's
 * message in utcb: U = nova_utcb_items_u(utcb->head.items) untyped words in
 * utcb->data.words[0..U-1]. It writes the reply's untyped words into
 * utcb->data.words and returns their number U (clamped to the data area);
 * the reply carries no typed items. A handler that calls a portal itself
 * (console output, say) overwrites the UTCB: read the request first and
 * write the reply words last.
 * The handler runs on the main stack, below component_serve's frame. */
typedef uint64_t (*component_handler_fn)(uint64_t pid, struct nova_utcb *utcb);
_Noreturn void component_serve(component_handler_fn handler);

/* The ELF symbol the root server makes every offered portal's IP
 * (portal_entry.S). Not to be called. */
void nova_portal_entry(void);

/* --- console ------------------------------------------------------------------
 * "console" portal protocol: the caller sends w0 = n (byte count, at most
 * CONSOLE_MAX_BYTES) and the bytes packed little-endian in w1, w2, ... (byte
 * i in bits 8*(i%8) of word 1 + i/8), U = 1 + ceil(n / 8). The driver
 * writes them ("\n" as "\r\n") and replies with U = 0. */
#define CONSOLE_MAX_WORDS 500u
#define CONSOLE_MAX_BYTES (8u * CONSOLE_MAX_WORDS)

typedef void (*console_sink_fn)(const char *s, size_t n);

/* Send console output through the portal at selector `sel`. */
void console_init(uint64_t sel);
/* Whether output goes anywhere (a portal or a sink). */
bool console_connected(void);
/* Send console output to `sink` instead (the console driver's own output).
 * NULL goes back to the portal. */
void console_set_sink(console_sink_fn sink);
/* Write n bytes (split into calls of at most CONSOLE_MAX_BYTES). Output is
 * dropped if neither console_init nor console_set_sink was called. Returns
 * the status of the last portal call (NOVA_SUCCESS for a sink or nothing). */
enum nova_status console_write(const char *s, size_t n);
