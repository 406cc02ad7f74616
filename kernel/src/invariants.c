/* The kernel invariant checker (Debug builds; docs/assurance.md). The
 * tests see what hypercalls answer; this sees what they leave behind: after
 * a hypercall or an interrupt every structure below must be consistent again, and the
 * first one that is not panics with the invariant's name, at the hypercall
 * that broke it rather than at a later one that trips over it.
 *
 *   mdb.*      the mapping database (mdb.h)
 *   sched.*    the run queues and parked SCs (sc.c)
 *   ipc.*, sm.*  call/reply links, callers queued at busy callees, and
 *              semaphore waiters (ipc.c, sm.c)
 *   account.*  what each PD is charged covers what it pays for (account.h)
 *
 * Everything runs under the big lock, which every hypercall holds. */
#include <arch/memlayout.h>
#include <nova/spec.h>
#include "console.h"
#include "ec.h"
#include "invariants.h"
#include "mdb.h"
#include "pd.h"
#include "sc.h"
#include "sm.h"

/* Check every invariant after one hypercall or interrupt in
 * INVARIANTS_EVERY, and one more for each NODES_PER_HYPERCALL nodes and
 * tables the last check walked:
 * a check costs about as many capability nodes as it visits, and a walk
 * after each hypercall made the on-target suite 34 times slower, a system
 * whose VMM holds its guest's memory (220,000 nodes) far more
 * (docs/assurance.md has the measurements). The suites report each test
 * through the debug hypercall, which checks everything (debug_ext.c), so
 * every invariant still runs in every test. */
#define INVARIANTS_EVERY 32u
#define NODES_PER_HYPERCALL 64u

#define PRIORITIES (NOVA_QPD_PRIORITY_MAX + 1)

static const char *checking;   /* the moment being checked, for the panic */
static uint64_t nodes_seen;     /* nodes and tables the last check walked: its cost */

#define INVARIANT(cond, name, fmt, ...)                                                               \
    do {                                                                                              \
        if (!(cond))                                                                                  \
            panic("invariant " name " violated (%s): " fmt, checking, __VA_ARGS__);                   \
    } while (0)

/* --- the objects the checker knows ------------------------------------------- */

/* PDs, ECs and SCs, in no order; a few hundred at most in the suites. The
 * kernel's own (idle SCs, GSI semaphores) are never destroyed and never
 * queued, so they are left out. A system with more objects than the table
 * holds is not wrong, only too big to check: the checker turns itself off
 * (an untracked SC would break sched.once) and says so once. */
#define MAX_TRACKED 4096
static struct kobj *tracked[MAX_TRACKED];
static unsigned tracked_count;
static bool overflowed;

void invariants_track(struct kobj *obj)
{
    if (overflowed)
        return;
    if (tracked_count == MAX_TRACKED) {
        overflowed = true;
        kprintf("novum: more than %u PDs, ECs and SCs: the invariant checker is off\n", MAX_TRACKED);
        return;
    }
    tracked[tracked_count++] = obj;
}

void invariants_forget(struct kobj *obj)
{
    for (unsigned i = 0; i < tracked_count; i++)
        if (tracked[i] == obj) {
            tracked[i] = tracked[--tracked_count];
            return;
        }
}

static bool is_tracked(const void *obj, enum kobj_type type)
{
    for (unsigned i = 0; i < tracked_count; i++)
        if ((const void *)tracked[i] == obj)
            return tracked[i]->type == type;
    return false;
}

/* The i-th tracked object if it is of `type`, else 0. */
static void *tracked_as(unsigned i, enum kobj_type type) { return tracked[i]->type == type ? tracked[i] : 0; }

/* --- mapping database ----------------------------------------------------------- */

/* The PD last found alive in this check: most parents are the root PD's,
 * and the search of the tracked objects dominated the walk without it. */
static const struct pd *live_pd;

/* A node is live when its PD is and its PD's space holds it where it says. */
static bool node_live(const struct mdb_node *n)
{
    if (n->pd != live_pd) {
        if (!is_tracked(n->pd, KOBJ_PD))
            return false;
        live_pd = n->pd;
    }
    return mdb_lookup(n->pd, n->space, n->sel) == n;
}

static void check_node(const struct pd *pd, unsigned space, uint64_t sel, const struct mdb_node *n)
{
    INVARIANT(n->pd == pd && n->space == space && n->sel == sel, "mdb.node-place",
              "node %p at PD %p space %u selector 0x%lx says PD %p space %u selector 0x%lx", (const void *)n,
              (const void *)pd, space, sel, (const void *)n->pd, n->space, n->sel);
    const struct mdb_node *p = n->parent;
    if (p) {
        INVARIANT(node_live(p), "mdb.parent-live", "space %u selector 0x%lx of PD %p: parent %p is not in the tree",
                  space, sel, (const void *)pd, (const void *)p);
        INVARIANT(!(n->perms & ~p->perms), "mdb.parent-perms",
                  "space %u selector 0x%lx of PD %p has permissions 0x%x, its parent only 0x%x", space, sel,
                  (const void *)pd, n->perms, p->perms);
        INVARIANT(p->space == space && p->res == n->res, "mdb.parent-names",
                  "space %u selector 0x%lx of PD %p names 0x%lx, its parent (space %u) 0x%lx", space, sel,
                  (const void *)pd, n->res, p->space, p->res);
    }
    if (n->prev)
        INVARIANT(n->prev->next == n && n->prev->parent == p, "mdb.sibling-links",
                  "space %u selector 0x%lx of PD %p: previous sibling %p does not lead back", space, sel,
                  (const void *)pd, (const void *)n->prev);
    else if (p)
        INVARIANT(p->child == n, "mdb.sibling-links",
                  "space %u selector 0x%lx of PD %p: first sibling, but not its parent's first child", space, sel,
                  (const void *)pd);
    if (n->next)
        INVARIANT(n->next->prev == n, "mdb.sibling-links",
                  "space %u selector 0x%lx of PD %p: next sibling %p does not lead back", space, sel,
                  (const void *)pd, (const void *)n->next);
    for (const struct mdb_node *c = n->child; c; c = c->next) {
        INVARIANT(c->parent == n, "mdb.child-links", "space %u selector 0x%lx of PD %p: child %p names parent %p",
                  space, sel, (const void *)pd, (const void *)c, (const void *)c->parent);
        INVARIANT(node_live(c), "mdb.child-live", "space %u selector 0x%lx of PD %p: child %p is not in the tree",
                  space, sel, (const void *)pd, (const void *)c);
    }
}

/* A walk of one capability space's radix tree (radix.c's layout: 9 bits a
 * level, leaves point at nodes), visiting each table once: radix_next
 * starts again from the root, scanning each table from its first slot, for
 * every key. Counts the tables (each a page charged to the PD) and the
 * nodes. */
struct space_walk {
    const struct pd *pd;
    unsigned space;
    uint64_t tables, nodes;
};

static void walk_table(struct space_walk *w, void **t, unsigned level, uint64_t base)
{
    w->tables++;
    uint64_t span = 1ull << (9 * level);
    for (unsigned i = 0; i < 512; i++) {
        if (!t[i])
            continue;
        if (level) {
            walk_table(w, t[i], level - 1, base + i * span);
            continue;
        }
        w->nodes++;
        check_node(w->pd, w->space, base + i, t[i]);
    }
}

static struct space_walk walk_space(const struct pd *pd, unsigned space)
{
    struct space_walk w = { .pd = pd, .space = space };
    const struct radix *r = &pd->space[space];
    if (r->root && r->levels)
        walk_table(&w, r->root, r->levels - 1, 0);
    return w;
}

/* --- scheduler ------------------------------------------------------------------ */

static void check_sched(void)
{
    unsigned scs = 0, queued = 0;
    for (unsigned i = 0; i < tracked_count; i++) {
        struct sc *sc = tracked_as(i, KOBJ_SC);
        if (!sc)
            continue;
        scs++;
        queued += sc->queued;
        INVARIANT(is_tracked(sc->ec, KOBJ_EC), "sched.sc-ec", "SC %p runs EC %p, which is gone", (void *)sc,
                  (void *)sc->ec);
        if (sc->parked_on) {
            INVARIANT(!sc->queued, "sched.parked-not-queued", "SC %p is parked on EC %p and queued", (void *)sc,
                      (void *)sc->parked_on);
            const struct sc *p = sc->parked_on->parked;
            while (p && p != sc)
                p = p->park_next;
            INVARIANT(p, "sched.park-list", "SC %p is parked on EC %u, but not in its list", (void *)sc,
                      sc->parked_on->id);
        }
    }
    unsigned seen = 0;
    for (unsigned cpu = 0; cpu < NOVUM_MAX_CPUS; cpu++)
        for (unsigned prio = 0; prio < PRIORITIES; prio++) {
            struct sc *head = sched_queue_head(cpu, prio);
            INVARIANT(!head == !sched_queue_marked(cpu, prio), "sched.bitmap",
                      "CPU %u priority %u: queue %s, bitmap bit %s", cpu, prio, head ? "non-empty" : "empty",
                      sched_queue_marked(cpu, prio) ? "set" : "clear");
            if (!head)
                continue;
            const struct sc *sc = head;
            do {
                INVARIANT(seen++ < scs, "sched.once", "CPU %u priority %u: more queued SCs than SCs (%u)", cpu,
                          prio, scs);
                INVARIANT(is_tracked(sc, KOBJ_SC), "sched.live", "CPU %u priority %u: SC %p is gone", cpu, prio,
                          (const void *)sc);
                INVARIANT(sc->queued && sc->cpu == cpu && sc->prio == prio, "sched.place",
                          "SC %p (CPU %u, priority %u, queued %d) is in the queue of CPU %u priority %u",
                          (const void *)sc, sc->cpu, sc->prio, sc->queued, cpu, prio);
                INVARIANT(sc->next->prev == sc, "sched.ring", "CPU %u priority %u: SC %p's next does not lead back",
                          cpu, prio, (const void *)sc);
                sc = sc->next;
            } while (sc != head);
        }
    /* every queued SC is in a ring (at its own priority, above), and the
     * rings hold no more than that: each exactly once */
    INVARIANT(seen == queued, "sched.once", "%u SCs say they are queued, the queues hold %u", queued, seen);
    for (unsigned i = 0; i < tracked_count; i++) {
        struct ec *ec = tracked_as(i, KOBJ_EC);
        if (!ec)
            continue;
        for (const struct sc *sc = ec->parked; sc; sc = sc->park_next)
            INVARIANT(sc->parked_on == ec, "sched.park-list", "EC %u's parked list holds SC %p parked on %p",
                      ec->id, (const void *)sc, (void *)sc->parked_on);
        for (const struct sc *sc = ec->home_scs; sc; sc = sc->home_next)
            INVARIANT(sc->ec == ec, "sched.home", "EC %u's home list holds SC %p of EC %p", ec->id,
                      (const void *)sc, (void *)sc->ec);
    }
}

/* --- IPC and semaphores ------------------------------------------------------------ */

static bool in_queue(const struct queue *q, const struct queue_link *l)
{
    for (const struct queue_link *i = q->head; i; i = i->next)
        if (i == l)
            return true;
    return false;
}

static void check_ipc(void)
{
    for (unsigned i = 0; i < tracked_count; i++) {
        struct ec *ec = tracked_as(i, KOBJ_EC);
        if (!ec)
            continue;
        if (ec->state == EC_WAIT_REPLY)
            INVARIANT(ec->callee && ec->callee->caller == ec, "ipc.caller-callee",
                      "EC %u waits for a reply from EC %u, whose caller is EC %u", ec->id,
                      ec->callee ? ec->callee->id : 0, ec->callee && ec->callee->caller ? ec->callee->caller->id : 0);
        if (ec->caller)
            INVARIANT(ec->caller->state == EC_WAIT_REPLY && ec->caller->callee == ec, "ipc.callee-caller",
                      "EC %u serves EC %u, which is in state %u and called EC %u", ec->id, ec->caller->id,
                      ec->caller->state, ec->caller->callee ? ec->caller->callee->id : 0);
        if (ec->state == EC_WAIT_SEND)
            INVARIANT(ec->callee && ec->pending_pt && in_queue(&ec->callee->senders, &ec->send_link),
                      "ipc.sender-queued", "EC %u waits to call EC %u, but is not in its queue", ec->id,
                      ec->callee ? ec->callee->id : 0);
        for (const struct queue_link *l = ec->senders.head; l; l = l->next) {
            const struct ec *s = queue_entry(l, struct ec, send_link);
            INVARIANT(s->state == EC_WAIT_SEND && s->callee == ec, "ipc.sender-state",
                      "EC %u queued at EC %u is in state %u and wants EC %u", s->id, ec->id, s->state,
                      s->callee ? s->callee->id : 0);
            INVARIANT(l->next || ec->senders.tail == l, "ipc.sender-queued",
                      "EC %u's queue of callers ends at EC %u, not at its tail", ec->id, s->id);
        }
        if (ec->state == EC_WAIT_SM)
            INVARIANT(ec->blocked_sm && in_queue(&ec->blocked_sm->waiters, &ec->sm_link), "sm.waiter",
                      "EC %u is blocked in a down of semaphore %p, but not among its waiters", ec->id,
                      (void *)ec->blocked_sm);
    }
}

/* --- accounting ------------------------------------------------------------------ */

/* What a PD is charged is at least what is known to be charged to it: its
 * page-table root, the PDs, ECs (and their UTCB pages) and SCs it owns, and
 * the nodes and radix tables of its capability spaces. Portals, semaphores,
 * page tables and vCPU state are charged too, so this is a lower bound: it
 * catches a charge refunded twice or never made. */

/* Every node of every PD (mdb.*), and the PD's account (account.*). */
static void check_pds(void)
{
    nodes_seen = 0;
    for (unsigned i = 0; i < tracked_count; i++) {
        struct pd *pd = tracked_as(i, KOBJ_PD);
        if (!pd)
            continue;
        uint64_t known = PAGE_SIZE;
        for (unsigned s = SPACE_MEM; s <= SPACE_OBJ; s++) {
            struct space_walk w = walk_space(pd, s);
            known += w.nodes * sizeof(struct mdb_node) + w.tables * 512 * sizeof(void *);
            nodes_seen += w.nodes + w.tables;
        }
        for (unsigned j = 0; j < tracked_count; j++) {
            const struct kobj *o = tracked[j];
            if (o->owner != pd)
                continue;
            if (o->type == KOBJ_PD)
                known += sizeof(struct pd);
            else if (o->type == KOBJ_SC)
                known += sizeof(struct sc);
            else if (o->type == KOBJ_EC)
                known += sizeof(struct ec) + (((const struct ec *)o)->vcpu ? 0 : PAGE_SIZE);
        }
        INVARIANT(pd->kmem.used >= known, "account.covers",
                  "PD %p is charged %lu bytes, less than the %lu it is known to hold", (void *)pd, pd->kmem.used,
                  known);
    }
}

void invariants_check(const char *when)
{
    if (overflowed)
        return;
    checking = when;
    live_pd = 0;
    check_pds();
    check_sched();
    check_ipc();
}

void invariants_after_event(const char *when)
{
    static uint64_t since;
    if (++since < INVARIANTS_EVERY + nodes_seen / NODES_PER_HYPERCALL)
        return;
    since = 0;
    invariants_check(when);
}
