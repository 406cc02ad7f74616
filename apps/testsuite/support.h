/* Helpers for the on-target tests: selector, UTCB and stack allocators, local
 * ECs that serve portals, global ECs that start through a STARTUP portal.
 * Everything uses the NOVA interface only.
 *
 * Conventions
 * - Every EC made here has a `struct ectx` at the top of its own stack; the
 *   EC's stack pointer (create_ec SP, and the SP it replies with) is the
 *   address of that struct, so an EC entered through a portal finds its
 *   context at RSP.
 * - A portal made by these helpers enters `lec_entry`, which calls
 *   ctx->fn(pid, ctx) and then replies with RSP = ctx. A handler therefore
 *   just returns; whatever it left in its UTCB is the reply. If it does not
 *   set head.items, the reply carries the same U the request had.
 * - A global EC gets a fresh block of 32 event selectors (ctx->evt) with a
 *   STARTUP portal at evt + 0x1e bound to a shared startup handler, which
 *   starts it at `gec_entry` with RSP = ctx: ctx->started is set, ctx->gfn(ctx)
 *   runs, ctx->done is set, and then the EC blocks forever on a semaphore
 *   that is never signalled.
 */
#pragma once
#include "test.h"

#define ECTX_STACK_SIZE 16384u

struct ectx {
    void (*fn)(uint64_t pid, struct ectx *c); /* portal handler: must stay at offset 0 */
    void (*gfn)(struct ectx *c);              /* body of a global EC */
    uint64_t ec, sc, pt, evt;                 /* selectors (sc, pt: 0 if none) */
    struct nova_utcb *utcb;
    uintptr_t stack_lo;                       /* lowest stack address */
    volatile uint64_t calls;                  /* portal entries */
    volatile uint64_t last_pid;
    volatile uint64_t startups;               /* STARTUP events handled */
    volatile uint64_t startup_mtd;            /* MTD the STARTUP message carried */
    volatile uint64_t started, done;          /* global EC body began / finished */
    volatile uint64_t flag, count, status;
    volatile uint64_t a[16];                  /* scratch for the test */
    void *arg;
} __attribute__((aligned(16)));

/* selectors that never hold anything: an event block without portals */
#define SEL_EMPTY_EVT 0x40000u   /* these helpers' selectors start here (0x7000-0x7fff and 0x10000-0x1ffff are other files') */

/* n consecutive fresh selectors, aligned to n (n a power of two) */
uint64_t sel_alloc(uint64_t n);
/* a fresh page-aligned, unmapped user address for a UTCB */
uintptr_t utcb_alloc(void);
/* a fresh stack with a zeroed context at its top */
struct ectx *ectx_alloc(void);
/* the initial stack pointer of an EC using c */
static inline uintptr_t ectx_sp(struct ectx *c) { return (uintptr_t)c; }

/* portal entry trampoline and global EC entry (asm) */
void lec_entry(void);
void gec_entry(void);

/* A local EC in the root PD running fn on portal calls; evt is its event
 * selector base (SEL_EMPTY_EVT if it should have no exception portals). */
enum nova_status local_ec(struct ectx **out, void (*fn)(uint64_t, struct ectx *), uint64_t evt);
/* A portal at a fresh selector bound to c's EC, entering lec_entry. */
enum nova_status ectx_pt(struct ectx *c, uint64_t mtd, uint64_t *sel_pt);
/* local_ec + one portal (c->pt), MTD 0. */
enum nova_status local_server(struct ectx **out, void (*fn)(uint64_t, struct ectx *));
/* A portal at sel bound to handler c's EC with the given MTD and PID. */
enum nova_status portal_at(uint64_t sel, struct ectx *c, uint64_t mtd, uint64_t pid);

/* A global EC (no SC yet) in the root PD with body gfn and a fresh event
 * block; with_startup installs the STARTUP portal. */
enum nova_status global_ec(struct ectx **out, void (*gfn)(struct ectx *), bool with_startup);
/* Bind a new SC (c->sc) to c's EC. */
enum nova_status ectx_start(struct ectx *c, uint64_t prio, uint64_t quantum_us);
/* global_ec + ectx_start; returns NULL (and records a failure) on error */
struct ectx *spawn(void (*gfn)(struct ectx *), uint64_t prio);

/* body for a global EC that serves portals on its own stack: it replies
 * without a caller and so waits for calls, which run ctx->fn */
void gec_serve(struct ectx *c);

/* a semaphore nobody ever signals */
uint64_t never_sm(void);
/* a fresh semaphore with counter cnt; 0 on failure (records it) */
uint64_t new_sm(uint64_t cnt);

/* Spin until *p == v, at most a bounded number of iterations (some seconds
 * under TCG, many quanta). Returns whether *p reached v. For progress that
 * needs other ECs of the same priority to run (quantum expiry). */
bool spin_until(volatile uint64_t *p, uint64_t v);
bool spin_until_ge(volatile uint64_t *p, uint64_t v);
/* burn CPU for n iterations */
void busy(uint64_t n);

/* a hypercall that must succeed */
#define REQUIRE_OK(x) REQUIRE_EQ((x), NOVA_SUCCESS)

/* object capability lookup: returns the CRD at sel */
uint64_t lookup_sel(uint64_t sel);
/* Body of a global EC: calls portal a[0] with the id a[1] as its one word;
 * the status lands in a[2], the reply's first word in a[3]. */
void id_caller(struct ectx *c);
