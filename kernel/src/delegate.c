/* Delegation of memory and object capabilities carried by typed items.
 * Memory: the sender's mappings (or, with the H bit from the root PD,
 * physical memory that is not the kernel's) are mapped into the receiver
 * with the permissions ANDed from source, send mask and receive mask (4.3).
 * Occupied destinations are left alone, so a UTCB can never be replaced.
 * Ports: the sender's allowed ports, or with H any port but the PICs' and
 * the PIT's, become allowed in the receiver's I/O bitmap. Objects: with H
 * the idle SCs and GSI semaphores (hyp_objects.h). */
#include <arch/memlayout.h>
#include <arch/paging.h>
#include <nova/spec.h>
#include "crd.h"
#include "delegate.h"
#include "ec.h"
#include "frame.h"
#include "hip.h"
#include "hyp_objects.h"
#include "mdb.h"
#include "pd.h"

/* Physical memory the root PD may take with the H bit, and how. */
static uint32_t hyp_mem_perms(uint64_t page)
{
    uint64_t pa = page << PAGE_SHIFT;
    if (pa == hip_phys)
        return NOVA_PERM_MEM_R;   /* the HIP is never writable */
    if (page >= (1ull << (52 - PAGE_SHIFT)) || phys_is_kernel(pa) || phys_is_kernel_device(pa))
        return 0;
    return NOVA_PERM_MEM_R | NOVA_PERM_MEM_W | NOVA_PERM_MEM_X;
}

/* Ports the kernel drives itself: the PICs and the PIT. */
static bool port_is_kernel(uint64_t port)
{
    return port == 0x20 || port == 0x21 || port == 0xa0 || port == 0xa1 || (port >= 0x40 && port <= 0x43) ||
           port == 0x61;
}

/* What the kernel gives with the H bit at `sel`: permissions and resource. */
static uint32_t hyp_source(unsigned space, uint64_t sel, uint64_t *res)
{
    *res = sel;
    if (space == SPACE_MEM)
        return hyp_mem_perms(sel);
    if (space == SPACE_PIO)
        return sel < PIO_PORTS && !port_is_kernel(sel) ? NOVA_PERM_PIO_A : 0;
    uint32_t perms = 0;
    struct kobj *obj = hyp_object(sel, &perms);
    *res = (uint64_t)(uintptr_t)obj;
    return obj ? perms : 0;
}

static uint64_t range_limit(unsigned space)
{
    return space == SPACE_MEM ? USER_LIMIT >> PAGE_SHIFT : space == SPACE_PIO ? PIO_PORTS : NOVA_SEL_COUNT;
}

/* Delegate every capability of the sender's range to the receiver's: each
 * becomes a child of its source in the mapping database. With the H bit
 * the source is the kernel (memory and ports only) and the new capability
 * a root. Occupied destinations keep what they hold; ports keep their
 * numbers (an I/O bitmap cannot rename a port). */
static void delegate_range(struct pd *from, struct pd *to, unsigned space, bool hyp, unsigned gd,
                           struct crd_range snd, struct crd_range rcv, uint32_t snd_mask, uint32_t rcv_mask)
{
    uint64_t n = snd.order >= 40 ? 1ull << 40 : 1ull << snd.order, limit = range_limit(space);
    struct radix *r = cap_space_of(from, space);
    uint64_t end = snd.base + n < limit ? snd.base + n : limit;
    for (uint64_t s = hyp ? snd.base : radix_next(r, snd.base, end); s < end;
         s = hyp ? s + 1 : radix_next(r, s + 1, end)) {
        uint64_t d = rcv.base + (s - snd.base);
        if (d >= range_limit(space) || (space == SPACE_PIO && d != s))
            continue;
        struct mdb_node *src = hyp ? 0 : mdb_lookup(from, space, s);
        if (!hyp && (!src || src->pinned))
            continue;
        uint64_t res = src ? src->res : 0;
        uint32_t perms = crd_perms(hyp ? hyp_source(space, s, &res) : src->perms, snd_mask, rcv_mask);
        if (perms)
            mdb_insert_gd(to, space, d, res, perms, src, gd);
    }
}

/* The receive side of an item: the window's range and mask. */
struct window { unsigned type; struct crd_range range; uint32_t mask; };

static struct window window_of(uint64_t crd)
{
    return (struct window){ (unsigned)nova_crd_type(crd), crd_range_of(nova_crd_base(crd), nova_crd_order(crd)),
                            (uint32_t)nova_crd_mask(crd) };
}

/* One delegate item; returns the CRD the receiver sees (null if nothing). */
static uint64_t delegate_one(struct ec *from, struct ec *to, uint64_t item, uint64_t crd, struct window w)
{
    unsigned type = (unsigned)nova_crd_type(crd);
    if (type == NOVA_CRD_TYPE_NULL || type != w.type)
        return nova_crd_null();
    bool hyp = nova_item_h(item) && from->pd->is_root;   /* other PDs: H is treated as clear */
    unsigned gd = (nova_item_g(item) && type != NOVA_CRD_TYPE_OBJ ? MDB_G : 0)   /* G: memory and ports only */
                | (nova_item_d(item) && type == NOVA_CRD_TYPE_MEM ? MDB_D : 0);   /* D: memory only */
    struct crd_range s, r;
    crd_fit(crd_range_of(nova_crd_base(crd), nova_crd_order(crd)), w.range, nova_item_hotspot(item), &s, &r);
    uint32_t snd_mask = (uint32_t)nova_crd_mask(crd);
    delegate_range(from->pd, to->pd, type, hyp, gd, s, r, snd_mask, w.mask);
    return nova_crd(type, snd_mask & w.mask, r.order, r.base);
}

/* A translate item: find the capability of the receiver's PD from which the
 * sender's capability at the CRD's base was derived; the receiver learns
 * its selector there (if inside its CRDWINT window) and the sender's
 * permissions. */
static uint64_t translate_one(const struct ec *from, const struct ec *to, uint64_t crd, struct window w)
{
    unsigned type = (unsigned)nova_crd_type(crd);
    if (type == NOVA_CRD_TYPE_NULL || type != w.type)
        return nova_crd_null();
    uint64_t base = nova_crd_base(crd);
    if (type == NOVA_CRD_TYPE_OBJ)
        base = sel_wrap(base);
    const struct mdb_node *n = mdb_lookup(from->pd, type, base), *a = n ? n->parent : 0;
    while (a && a->pd != to->pd)
        a = a->parent;
    if (!a || !crd_contains(w.range, a->sel))
        return nova_crd_null();
    return nova_crd(type, n->perms, 0, a->sel);
}

void delegate_items(struct ec *from, struct ec *to, bool exception_reply)
{
    const struct nova_utcb *src = from->utcb;
    unsigned u = (unsigned)nova_utcb_items_u(src->head.items), t = (unsigned)nova_utcb_items_t(src->head.items);
    if (u > NOVA_UTCB_DATA_WORDS)
        u = NOVA_UTCB_DATA_WORDS;
    if (t > (NOVA_UTCB_DATA_WORDS - u) / 2)
        t = (NOVA_UTCB_DATA_WORDS - u) / 2;
    for (unsigned i = 0; i < t; i++) {
        uint64_t item = src->data.words[NOVA_UTCB_TYPED_ITEM_WORD(i)];
        uint64_t crd = src->data.words[NOVA_UTCB_TYPED_CRD_WORD(i)];
        /* a reply to an exception has no window: the whole space, placed by hotspot */
        struct window w = exception_reply ? (struct window){ (unsigned)nova_crd_type(crd), { 0, 64 }, NOVA_CRD_MASK_MAX }
                                          : window_of(to->utcb->head.del);
        uint64_t result = nova_item_kind(item) == NOVA_ITEM_KIND_DELEGATE
                              ? delegate_one(from, to, item, crd, w)
                              : translate_one(from, to, crd, exception_reply ? w : window_of(to->utcb->head.xlt));
        if (!exception_reply) {
            to->utcb->data.words[NOVA_UTCB_TYPED_ITEM_WORD(i)] = item;
            to->utcb->data.words[NOVA_UTCB_TYPED_CRD_WORD(i)] = result;
        }
    }
    if (!exception_reply)
        to->utcb->head.items = nova_utcb_items(nova_utcb_items_u(to->utcb->head.items), t);
}
