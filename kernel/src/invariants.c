/* The kernel invariant checker (Debug builds; docs/assurance.md). The
 * tests see what hypercalls answer; this sees what they leave behind: after
 * a hypercall or an interrupt every structure below must be consistent again, and the
 * first one that is not panics with the invariant's name, at the hypercall
 * that broke it rather than at a later one that trips over it.
 *
 *   mdb.*      the mapping database (mdb.h)
 *   space.*    what the capabilities in the spaces name: live objects,
 *              permissions of their type, the page-table entries of pages,
 *              the I/O permission bitmaps' bits of ports
 *   ref.*      every object's reference count against the references that
 *              exist: capabilities and the kernel's links (kobj.h)
 *   sched.*    the run queues and parked SCs (sc.c)
 *   ipc.*, sm.*  call/reply links, callers queued at busy callees, and
 *              semaphore waiters (ipc.c, sm.c)
 *   account.*  what each PD is charged covers what it pays for, and all
 *              charges add up to what kmem.c has handed out (account.h)
 *   dma.*      the IOMMU's context entries against the live PDs (vtd.c)
 *
 * Everything runs under the big lock, which every hypercall holds. */
#include <arch/memlayout.h>
#include <arch/paging.h>
#include <arch/vtd.h>
#include <nova/spec.h>
#include "account.h"
#include "console.h"
#include "ec.h"
#include "guest_space.h"
#include "hyp_objects.h"
#include "invariants.h"
#include "kmem.h"
#include "mdb.h"
#include "pd.h"
#include "pt.h"
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

/* Every object (PDs, ECs, SCs, portals, semaphores), in no order; a few
 * hundred at most in the suites. The kernel's own (idle SCs, GSI
 * semaphores) are never destroyed and never queued, so they are left out
 * here; the table of live objects below adds them. A system with more
 * objects than the table holds is not wrong, only too big to check: the
 * checker turns itself off (an untracked SC would break sched.once) and
 * says so once. */
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
        kprintf("novum: more than %u kernel objects: the invariant checker is off\n", MAX_TRACKED);
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

/* --- the live objects of one check, hashed ------------------------------------------------
 * Each check hashes every tracked object and the kernel's own, then counts
 * into their entries the references it finds (ref.count) and the bytes
 * each PD is known to pay for (account.covers). An entry belongs to the
 * check whose epoch it carries, so nothing is cleared between checks. */
#define LIVE_BITS 13u
#define LIVE_SLOTS (1u << LIVE_BITS)
_Static_assert(LIVE_SLOTS >= (MAX_TRACKED + NOVUM_MAX_CPUS + 256) * 3 / 2, "the table stays two thirds empty");

struct live {
    const struct kobj *obj;
    uint64_t known;      /* a PD: bytes it is known to pay for */
    uint32_t epoch;
    uint32_t refs : 31;  /* references found */
    uint32_t own : 1;    /* the kernel's own: one reference of its own, never destroyed */
};
static struct live live[LIVE_SLOTS];
static uint32_t epoch;

/* The entry of `obj` in this check, made if `make`; 0 if it has none. */
static struct live *live_of(const void *obj, bool make)
{
    uint64_t h = ((uint64_t)(uintptr_t)obj >> 5) * 0x9e3779b97f4a7c15ull;
    for (unsigned i = (unsigned)(h >> (64 - LIVE_BITS));; i = (i + 1) & (LIVE_SLOTS - 1)) {
        struct live *l = &live[i];
        if (l->epoch != epoch) {
            if (!make)
                return 0;
            *l = (struct live){ .obj = obj, .epoch = epoch };
            return l;
        }
        if (l->obj == obj)
            return l;
    }
}

static void hash_live(void)
{
    if (!++epoch)
        epoch++;   /* 0 is what an unused entry carries */
    for (unsigned i = 0; i < tracked_count; i++)
        live_of(tracked[i], true);
    uint32_t perms;
    for (uint64_t sel = 0; hyp_object(sel, &perms); sel++)
        live_of(hyp_object(sel, &perms), true)->own = true;
}

static bool is_tracked(const void *obj, enum kobj_type type)
{
    const struct live *l = live_of(obj, false);
    return l && !l->own && l->obj->type == type;
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

static uint32_t perms_of_type(enum kobj_type type)
{
    switch (type) {
    case KOBJ_PD:
        return NOVA_PERM_PD_ALL;
    case KOBJ_EC:
        return NOVA_PERM_EC_ALL;
    case KOBJ_SC:
        return NOVA_PERM_SC_ALL;
    case KOBJ_PT:
        return NOVA_PERM_PT_ALL;
    case KOBJ_SM:
        return NOVA_PERM_SM_ALL;
    }
    return 0;
}

/* What a capability names: a live object (counted as one reference to it)
 * with permissions of the object's type, or a page or port with
 * permissions of its space. */
static void check_names(const struct pd *pd, unsigned space, uint64_t sel, const struct mdb_node *n)
{
    uint32_t all = space == SPACE_MEM ? NOVA_PERM_MEM_ALL : NOVA_PERM_PIO_ALL;
    if (space == SPACE_OBJ) {
        struct live *l = live_of((const void *)(uintptr_t)n->res, false);
        INVARIANT(l, "space.obj-live", "selector 0x%lx of PD %p names object 0x%lx, which is not alive", sel,
                  (const void *)pd, n->res);
        l->refs++;
        all = perms_of_type(l->obj->type);
    }
    INVARIANT(!(n->perms & ~all), "space.perms",
              "space %u selector 0x%lx of PD %p has permissions 0x%x, beyond its type's 0x%x", space, sel,
              (const void *)pd, n->perms, all);
}

static void check_node(const struct pd *pd, unsigned space, uint64_t sel, const struct mdb_node *n)
{
    INVARIANT(n->pd == pd && n->space == space && n->sel == sel, "mdb.node-place",
              "node %p at PD %p space %u selector 0x%lx says PD %p space %u selector 0x%lx", (const void *)n,
              (const void *)pd, space, sel, (const void *)n->pd, n->space, n->sel);
    check_names(pd, space, sel, n);
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
    uint64_t mapped;   /* memory: readable capabilities, each a page-table entry */
    uint64_t ports, guest_ports;   /* ports with a: open in the bitmap, and in the guest's map if G */
    uint64_t guest_mapped;         /* memory given with G and r: entries of the nested page table */
    uint64_t dma_mapped;           /* memory given with D and r: entries of the DMA page table */
};

/* A memory capability given with G is also the nested page table's entry
 * at the same page number, with the same rights (its guest-physical page). */
static void check_guest_mapping(struct space_walk *w, uint64_t sel, const struct mdb_node *n, unsigned want)
{
    uint64_t pa = 0;
    unsigned rights = 0;
    bool mapped = w->pd->guest.npt && hpt_translate(w->pd->guest.npt, sel << PAGE_SHIFT, &pa, &rights);
    INVARIANT(mapped && pa == n->res << PAGE_SHIFT && rights == want, "space.guest-mapped",
              "page 0x%lx of PD %p, given with G, is frame 0x%lx with permissions 0x%x; its guest-physical page is "
              "mapped %d to 0x%lx with rights 0x%x", sel, (const void *)w->pd, n->res, n->perms, mapped,
              pa >> PAGE_SHIFT, rights);
    w->guest_mapped++;
}

/* One given with D is the DMA page table's entry at the same page number,
 * readable, and writable if it has w (devices know no x). */
static void check_dma_mapping(struct space_walk *w, uint64_t sel, const struct mdb_node *n)
{
    uint64_t pa = 0;
    unsigned rights = 0, want = MAP_R | ((n->perms & NOVA_PERM_MEM_W) ? MAP_W : 0);
    bool mapped = vtd_translate(w->pd, sel << PAGE_SHIFT, &pa, &rights);
    INVARIANT(!vtd_active() || (mapped && pa == n->res << PAGE_SHIFT && rights == want), "space.dma-mapped",
              "page 0x%lx of PD %p, given with D, is frame 0x%lx with permissions 0x%x; its DMA page is mapped %d to "
              "0x%lx with rights 0x%x", sel, (const void *)w->pd, n->res, n->perms, mapped, pa >> PAGE_SHIFT, rights);
    w->dma_mapped += vtd_active();
}

/* A memory capability is the page-table entry at its address: mapped to
 * its frame with its rights if it has r (x86 maps nothing unreadable), not
 * mapped at all otherwise. */
static void check_mapping(struct space_walk *w, uint64_t sel, const struct mdb_node *n)
{
    uint64_t pa = 0;
    unsigned rights = 0;
    bool mapped = hpt_translate(w->pd->pml4, sel << PAGE_SHIFT, &pa, &rights);
    if (!(n->perms & NOVA_PERM_MEM_R)) {
        INVARIANT(!mapped, "space.mem-mapped", "page 0x%lx of PD %p has no r, but is mapped", sel,
                  (const void *)w->pd);
        return;
    }
    unsigned want = MAP_R | ((n->perms & NOVA_PERM_MEM_W) ? MAP_W : 0) |
                    ((n->perms & NOVA_PERM_MEM_X) || !cpu_has_nx ? MAP_X : 0);
    INVARIANT(mapped && pa == n->res << PAGE_SHIFT && rights == want, "space.mem-mapped",
              "page 0x%lx of PD %p is frame 0x%lx with permissions 0x%x; mapped %d to 0x%lx with rights 0x%x", sel,
              (const void *)w->pd, n->res, n->perms, mapped, pa >> PAGE_SHIFT, rights);
    w->mapped++;
    if (n->guest)
        check_guest_mapping(w, sel, n, want);
    if (n->dma)
        check_dma_mapping(w, sel, n);
}

static bool guest_port_open(const struct pd *pd, uint64_t port)
{
    return pd->guest.iopm && !(pd->guest.iopm[port / 8] & (1u << (port % 8)));
}

/* A port capability with a is a clear bit of the PD's I/O permission
 * bitmap (and of its guest's map if given with G); one without a is not. */
static void check_port(struct space_walk *w, uint64_t sel, const struct mdb_node *n)
{
    bool open = (n->perms & NOVA_PERM_PIO_A) != 0;
    INVARIANT(space_pio_allowed(&w->pd->pio, sel) == open, "space.pio-bitmap",
              "port 0x%lx of PD %p has permissions 0x%x, but its bitmap bit says %s", sel, (const void *)w->pd,
              n->perms, open ? "closed" : "open");
    INVARIANT(!n->guest || guest_port_open(w->pd, sel) == open, "space.pio-bitmap",
              "port 0x%lx of PD %p, given with G, has permissions 0x%x, but the guest's map says %s", sel,
              (const void *)w->pd, n->perms, open ? "closed" : "open");
    w->ports += open;
    w->guest_ports += open && n->guest;
}

/* Clear bits of a bitmap of `bytes` bytes, a multiple of 8 (0 if there is
 * none); the kernel has no popcount, and most words are all ones. */
static uint64_t clear_bits(const uint8_t *map, unsigned bytes)
{
    uint64_t n = 0;
    const uint64_t *w = (const uint64_t *)(const void *)map;
    for (unsigned i = 0; map && i < bytes / 8; i++)
        for (uint64_t z = ~w[i]; z; z &= z - 1)
            n++;
    return n;
}

/* The bitmaps open nothing else: their clear bits number the open ports. */
static void check_ports_only(const struct pd *pd, const struct space_walk *w)
{
    uint64_t open = clear_bits(pd->pio.half[0], PIO_PORTS / 16) + clear_bits(pd->pio.half[1], PIO_PORTS / 16);
    INVARIANT(open == w->ports, "space.pio-only", "PD %p's I/O bitmap opens %lu ports, its port capabilities %lu",
              (const void *)pd, open, w->ports);
    uint64_t guest = clear_bits(pd->guest.iopm, PIO_PORTS / 8);
    INVARIANT(guest == w->guest_ports, "space.pio-only",
              "PD %p's guest I/O map opens %lu ports, its port capabilities given with G %lu", (const void *)pd, guest,
              w->guest_ports);
}

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
        if (w->space == SPACE_MEM)
            check_mapping(w, base + i, t[i]);
        else if (w->space == SPACE_PIO)
            check_port(w, base + i, t[i]);
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

/* --- references and accounting --------------------------------------------------------- */

/* The kernel's own references (kobj.h): every object to its owner, an EC
 * to its PD, a portal and an SC to their EC; an EC destroyed while a CPU
 * ran it (a zombie, ec.c) still holds its owner until it is freed. And
 * what each PD is known to pay for of the objects it owns. */
static void count_links(void)
{
    for (unsigned i = 0; i < tracked_count; i++) {
        const struct kobj *o = tracked[i];
        struct live *owner = o->owner ? live_of(o->owner, false) : 0;
        INVARIANT(!o->owner || (owner && !owner->own && owner->obj->type == KOBJ_PD), "ref.owner-live",
                  "object %p (type %u) is owned by %p, which is not a live PD", (const void *)o, o->type,
                  (void *)o->owner);
        const void *link = 0;   /* of type KOBJ_EC, or a PD for an EC */
        uint64_t size = 0;
        switch (o->type) {
        case KOBJ_PD:
            size = sizeof(struct pd);
            break;
        case KOBJ_EC:
            link = ((const struct ec *)o)->pd;
            size = sizeof(struct ec) + (((const struct ec *)o)->vcpu ? 0 : PAGE_SIZE);   /* + its UTCB */
            break;
        case KOBJ_SC:
            link = ((const struct sc *)o)->ec;
            size = sizeof(struct sc);
            break;
        case KOBJ_PT:
            link = ((const struct pt *)o)->ec;
            size = sizeof(struct pt);
            break;
        case KOBJ_SM:
            size = sizeof(struct sm);
            break;
        }
        if (owner) {
            owner->refs++;
            owner->known += size;
        }
        if (link) {
            struct live *l = live_of(link, false);
            enum kobj_type want = o->type == KOBJ_EC ? KOBJ_PD : KOBJ_EC;
            INVARIANT(l && !l->own && l->obj->type == want, "ref.link-live",
                      "object %p (type %u) refers to %p, which is not a live object of type %u", (const void *)o,
                      o->type, link, want);
            l->refs++;
        }
    }
    for (const struct queue_link *z = ec_zombies.head; z; z = z->next) {
        const struct ec *ec = queue_entry(z, struct ec, zombie_link);
        struct live *owner = live_of(ec->obj.owner, false);
        INVARIANT(owner, "ref.owner-live", "destroyed EC %u is owned by %p, which is not alive", ec->id,
                  (void *)ec->obj.owner);
        owner->refs++;
    }
}

/* Every reference an object counts exists, and no other: its capabilities
 * (counted by check_names), the links above, and for the kernel's own
 * objects the one reference that keeps them. A count too high is a leak
 * (the object never dies), one too low a use after free to come. */
static void check_refs_of(const struct kobj *o)
{
    const struct live *l = live_of(o, false);
    uint32_t want = l->refs + l->own;
    INVARIANT(o->refs == want, "ref.count", "object %p (type %u) counts %u references, but %u exist", (const void *)o,
              o->type, o->refs, want);
}

static void check_refs(void)
{
    for (unsigned i = 0; i < tracked_count; i++)
        check_refs_of(tracked[i]);
    uint32_t perms;
    for (uint64_t sel = 0; hyp_object(sel, &perms); sel++)
        check_refs_of(hyp_object(sel, &perms));
}

/* Every node of every PD (mdb.*, space.*), and the PD's account
 * (account.*): what a PD is charged is at least what it is known to pay
 * for: its page-table root, the objects it owns (ECs with their UTCB
 * pages), and the nodes and radix tables of its capability spaces. Its
 * port bitmap and vCPU state are charged too, so this is a lower bound: it
 * catches a charge refunded twice or never made. And the charges of all
 * PDs with the kernel's own allocations are exactly what kmem.c has
 * handed out: a byte freed without a refund, or refunded without being
 * freed, breaks the sum. */
static void check_pds(void)
{
    nodes_seen = 0;
    uint64_t charged = 0;
    for (unsigned i = 0; i < tracked_count; i++) {
        struct pd *pd = tracked_as(i, KOBJ_PD);
        if (!pd)
            continue;
        uint64_t known = PAGE_SIZE + live_of(pd, false)->known;
        for (unsigned s = SPACE_MEM; s <= SPACE_OBJ; s++) {
            struct space_walk w = walk_space(pd, s);
            known += w.nodes * sizeof(struct mdb_node) + w.tables * 512 * sizeof(void *);
            nodes_seen += w.nodes + w.tables + w.mapped;   /* a mapped page is walked twice */
            if (s == SPACE_MEM) {
                uint64_t entries = hpt_count_user(pd->pml4);
                INVARIANT(entries == w.mapped, "space.mem-only",
                          "PD %p's page table maps %lu pages, its readable memory capabilities are %lu", (void *)pd,
                          entries, w.mapped);
                uint64_t guest = pd->guest.npt ? hpt_count_user(pd->guest.npt) : 0;
                INVARIANT(guest == w.guest_mapped, "space.guest-only",
                          "PD %p's nested page table maps %lu pages, its readable memory given with G is %lu pages",
                          (void *)pd, guest, w.guest_mapped);
                nodes_seen += w.guest_mapped;
                uint64_t dma = vtd_count(pd);
                INVARIANT(dma == w.dma_mapped, "space.dma-only",
                          "PD %p's DMA page table maps %lu pages, its readable memory given with D is %lu pages",
                          (void *)pd, dma, w.dma_mapped);
                nodes_seen += w.dma_mapped;
            } else if (s == SPACE_PIO) {
                check_ports_only(pd, &w);
                nodes_seen += 2 * PIO_PORTS / 8 / 64;   /* the bitmaps, counted as 64 bytes a node */
            }
        }
        INVARIANT(pd->kmem.used >= known, "account.covers",
                  "PD %p is charged %lu bytes, less than the %lu it is known to hold", (void *)pd, pd->kmem.used,
                  known);
        charged += pd->kmem.used;
    }
    INVARIANT(charged + account_unowned() == kmem_in_use(), "account.total",
              "the PDs are charged %lu bytes and the kernel's own objects take %lu, but kmem.c has handed out %lu",
              charged, account_unowned(), kmem_in_use());
}

/* --- DMA remapping ------------------------------------------------------------ */

static uint64_t table_of_did(uint16_t did)
{
    for (unsigned i = 0; i < tracked_count; i++) {
        const struct pd *pd = tracked_as(i, KOBJ_PD);
        if (pd && pd->dma.table && pd->dma.did == did)
            return pd->dma.table;
    }
    return 0;
}

/* A device's context entry names a live PD's domain and its table: a PD
 * that died took its devices' entries with it. */
static void check_dma(void)
{
    int stale = vtd_stale_context(table_of_did);
    INVARIANT(stale < 0, "dma.context-live", "device %02x:%02x.%u has a context entry of no live PD's DMA space",
              (unsigned)stale >> 8, ((unsigned)stale >> 3) & 31, (unsigned)stale & 7);
}

void invariants_check(const char *when)
{
    if (overflowed)
        return;
    checking = when;
    live_pd = 0;
    hash_live();
    count_links();
    check_pds();
    check_refs();
    check_sched();
    check_ipc();
    check_dma();
}

void invariants_after_event(const char *when)
{
    static uint64_t since;
    if (++since < INVARIANTS_EVERY + nodes_seen / NODES_PER_HYPERCALL)
        return;
    since = 0;
    invariants_check(when);
}
