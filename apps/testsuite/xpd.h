/* Cross-PD test infrastructure (test_xpd_*.c): child PDs with an "agent"
 * that performs commands inside the child.
 *
 * - A child PD gets 32 event selectors at its selector 0; 0xd (#GP) and
 *   0xe (#PF) are portals to one handler EC in the root PD. The #PF handler
 *   is a pager: it delegates the root PD's page at the faulting address
 *   (rwx mask) to the same address in the child, so the agent runs the
 *   root's code and reads the root's data on demand. Faults of the probe
 *   instructions (xpd_read/xpd_write/xpd_in/xpd_out below) are never
 *   resolved: the handler records them and skips the instruction.
 * - The agent is a local EC in the child, called by the root through a
 *   portal in the root's object space (c->pt). It receives a command in
 *   untyped words and replies with the result, the typed items it received
 *   and, for XPD_SEND, typed items of its own.
 * Selectors: 0x18000-0x1ffff of the root object space. UTCBs: from
 * 0x0000400000000000 up, never reused. Addresses from 0x0000500000000000 are
 * never mapped by the pager (probes and receive windows in children);
 * addresses from 0x0000480000000000 are receive windows of the root. */
#pragma once
#include "test.h"

#define XPD_PROBE_VA   0x0000500000000000ull   /* child-side windows / probes */
#define XPD_PROBE_PAGE (XPD_PROBE_VA >> 12)

struct xpd_child {
    unsigned idx;
    uint64_t pd, evt, ec, pt;        /* root selectors */
    /* recorded by the #PF / #GP handler */
    volatile uint64_t pf_probe, pf_addr, pf_err;
    volatile uint64_t gp_probe;
    volatile uint64_t demand, unresolved, last_addr, repeat;
};

struct xpd_reply {
    enum nova_status status;     /* of the root's call */
    uint64_t r0, r1;             /* the agent's results */
    unsigned nt;                 /* typed items the agent received */
    uint64_t item[4], crd[4];
    unsigned root_t;             /* typed items the root received in the reply */
    uint64_t root_item[4], root_crd[4];
};

/* agent commands (w0) */
enum {
    XPD_NOP = 0,       /* report received items */
    XPD_LOOKUP,        /* a1 crd -> r0 status, r1 crd */
    XPD_SETWIN,        /* a1 del, a2 xlt: the windows for the next call */
    XPD_SEND,          /* a1 n, then (item, crd) pairs: reply with n typed items */
    XPD_READ,          /* a1 addr -> r0 faulted, r1 value */
    XPD_WRITE,         /* a1 addr, a2 value -> r0 faulted */
    XPD_IN,            /* a1 port -> r0 faulted, r1 value */
    XPD_OUT,           /* a1 port, a2 value -> r0 faulted */
    XPD_REVOKE,        /* a1 crd, a2 flags -> r0 status */
    XPD_SM_CTRL,       /* a1 sel, a2 flags -> r0 status */
    XPD_SC_CTRL,       /* a1 sel -> r0 status, r1 time */
    XPD_EC_CTRL,       /* a1 sel -> r0 status */
    XPD_PT_CTRL,       /* a1 sel, a2 pid -> r0 status */
    XPD_CREATE_SM,     /* a1 sel, a2 pd, a3 cnt -> r0 status */
    XPD_CALL,          /* a1 pt, a2 del, a3 xlt, a4..a11 inner words -> r0 call status, r1 inner r0,
                          items: those received from the inner reply */
};

/* A fresh child PD with its agent; NULL (and a recorded failure) on error. */
struct xpd_child *xpd_child(void);
/* The same, its event portals delegated by create_pd with the permission mask evt_mask (xpd_child: all);
 * exceptions need no permission of their portal, so the agent works with any mask that keeps one. */
struct xpd_child *xpd_child_masked(uint64_t evt_mask);
/* n fresh root selectors aligned to n (a power of two) */
uint64_t xpd_sel(uint64_t n);
/* a fresh naturally aligned range of 2^order root pages in 0x000048..., for receive windows */
uint64_t xpd_root_pages(unsigned order);
/* a fresh page-aligned buffer in the root's .bss of 2^order pages (order <= 3) */
volatile uint64_t *xpd_page(unsigned order);
static inline uint64_t xpd_pageno(const volatile void *p) { return (uintptr_t)p >> 12; }

/* one command: words w[0..nw-1], typed items (item, crd pairs) in the call */
enum nova_status xpd_rpc(struct xpd_child *c, const uint64_t *w, unsigned nw, const uint64_t *items, unsigned nt,
                         uint64_t root_del, uint64_t root_xlt, struct xpd_reply *r);

/* convenience wrappers; each CHECKs that the call itself succeeded */
uint64_t xpd_lookup(struct xpd_child *c, uint64_t crd);                         /* the child's lookup result */
void xpd_setwin(struct xpd_child *c, uint64_t del, uint64_t xlt);
/* the root sends one typed item into the child's window; returns the CRD of the item the child got
 * (all ones if it got none) */
uint64_t xpd_give(struct xpd_child *c, uint64_t item, uint64_t crd);
/* the child replies with one typed item; returns the CRD of the item the root got (all ones if none) */
uint64_t xpd_take(struct xpd_child *c, uint64_t item, uint64_t crd, uint64_t root_del, uint64_t root_xlt);
bool xpd_read(struct xpd_child *c, uint64_t addr, uint64_t *val);             /* true: it faulted */
bool xpd_write(struct xpd_child *c, uint64_t addr, uint64_t val);
bool xpd_in(struct xpd_child *c, uint64_t port, uint64_t *val);
bool xpd_out(struct xpd_child *c, uint64_t port, uint64_t val);
uint64_t xpd_op(struct xpd_child *c, uint64_t cmd, uint64_t a1, uint64_t a2, uint64_t a3); /* r0 */
/* child `via` calls the agent portal `pt` (a selector in via's space) with the command w[0..nw-1]
 * and window del; returns what via got: r.r0 = call status, r.r1 = inner r0, items */
enum nova_status xpd_relay(struct xpd_child *via, uint64_t pt, uint64_t del, uint64_t xlt, const uint64_t *w,
                           unsigned nw, struct xpd_reply *r);
/* give child `to` a portal to the agent of `from` at selector sel of `to` (window set and cleared) */
bool xpd_link(struct xpd_child *from, struct xpd_child *to, uint64_t sel);

/* root to root with one typed item (a root EC replies with it): the CRD the root got (all ones if none) */
uint64_t xpd_self(uint64_t item, uint64_t crd, uint64_t root_del, uint64_t root_xlt);
/* take ports from the kernel (H) into the root's port space */
bool xpd_take_ports(uint64_t base, unsigned order);

#define XPD_NONE (~0ull)

/* a fresh UTCB address (root or child), never reused */
uintptr_t xpd_utcb(void);
/* set c's delegation window to win, send one delegate item (hotspot, CRD src), clear the window;
 * returns the CRD of the item c got (XPD_NONE if none) */
uint64_t xpd_grant(struct xpd_child *c, uint64_t src, uint64_t hotspot, uint64_t win);
/* `to` calls `from`'s agent through the portal at link (see xpd_link) with window win; `from` replies
 * with one typed item (item, src). Returns the CRD of the item `to` got (XPD_NONE if none). */
uint64_t xpd_pass(struct xpd_child *from, struct xpd_child *to, uint64_t link, uint64_t item, uint64_t src,
                  uint64_t win, uint64_t xlt);
#define XPD_LINK 0x40u   /* the selector tests use for xpd_link */

/* the root's own lookup */
static inline uint64_t xpd_rlookup(uint64_t crd)
{
    CHECK_EQ(nova_lookup(&crd), NOVA_SUCCESS);
    return crd;
}
static inline uint64_t xpd_perms(uint64_t crd) { return nova_crd_mask(crd); }
/* a CRD without its permission mask */
static inline uint64_t xpd_nomask(uint64_t crd) { return crd & ~NOVA_CRD_MASK_MASK; }
#ifndef REQUIRE_OK
#define REQUIRE_OK(x) REQUIRE_EQ((x), NOVA_SUCCESS)
#endif
/* the address of the agent's entry point (a code page every agent has touched) */
uintptr_t xpd_agent_code(void);
