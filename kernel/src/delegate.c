/* Delegation of memory and object capabilities carried by typed items.
 * Memory: the sender's mappings (or, with the H bit from the root PD,
 * physical memory that is not the kernel's) are mapped into the receiver
 * with the permissions ANDed from source, send mask and receive mask (4.3).
 * Occupied destinations are left alone, so a UTCB can never be replaced.
 * Ports: the sender's allowed ports, or with H any port but the PICs' and
 * the PIT's, become allowed in the receiver's I/O bitmap. */
#include <arch/memlayout.h>
#include <arch/paging.h>
#include <nova/spec.h>
#include "crd.h"
#include "delegate.h"
#include "ec.h"
#include "frame.h"
#include "hip.h"
#include "pd.h"

#define MAX_ORDER_PAGES 36   /* 2^36 pages: the whole 48-bit user space */

static uint32_t perms_of(unsigned rights)
{
    return ((rights & MAP_R) ? NOVA_PERM_MEM_R : 0) | ((rights & MAP_W) ? NOVA_PERM_MEM_W : 0) |
           ((rights & MAP_X) ? NOVA_PERM_MEM_X : 0);
}

/* The source of one page: the sender's mapping, or physical memory (H). */
static bool source_page(const struct pd *from, bool hyp, uint64_t page, uint64_t *pa, uint32_t *perms)
{
    if (!hyp) {
        unsigned rights;
        if (page >= (USER_LIMIT >> PAGE_SHIFT) || !pt_translate(from->pml4, page << PAGE_SHIFT, pa, &rights))
            return false;
        *pa &= ~(PAGE_SIZE - 1);
        *perms = perms_of(rights);
        return true;
    }
    *pa = page << PAGE_SHIFT;
    if (*pa == hip_phys) {
        *perms = NOVA_PERM_MEM_R;   /* the HIP is never writable */
        return true;
    }
    if (page >= (1ull << (52 - PAGE_SHIFT)) || phys_is_kernel(*pa) || phys_is_kernel_device(*pa))
        return false;
    *perms = NOVA_PERM_MEM_R | NOVA_PERM_MEM_W | NOVA_PERM_MEM_X;
    return true;
}

static void delegate_mem(const struct pd *from, struct pd *to, bool hyp, struct crd_range snd,
                         struct crd_range rcv, uint32_t mask)
{
    if (snd.order > MAX_ORDER_PAGES)
        return;
    for (uint64_t i = 0; i < (1ull << snd.order); i++) {
        uint64_t pa, va = (rcv.base + i) << PAGE_SHIFT;
        uint32_t perms;
        if (!user_range_ok(va, PAGE_SIZE) || !source_page(from, hyp, snd.base + i, &pa, &perms))
            continue;
        perms &= mask;
        if ((perms & NOVA_PERM_MEM_R) && !pd_is_mapped(to, va))
            pd_map_frame(to, va, pa, perms);   /* MAP_R/W/X share the permission bits */
    }
}

/* Ports the kernel drives itself: the PICs and the PIT. */
static bool port_is_kernel(uint64_t port)
{
    return port == 0x20 || port == 0x21 || port == 0xa0 || port == 0xa1 || (port >= 0x40 && port <= 0x43) ||
           port == 0x61;
}

static void delegate_pio(const struct pd *from, struct pd *to, bool hyp, struct crd_range snd,
                         struct crd_range rcv, uint32_t mask)
{
    if (!(mask & NOVA_PERM_PIO_A) || snd.order > 16)
        return;
    for (uint64_t i = 0; i < (1ull << snd.order); i++) {
        uint64_t port = snd.base + i, dst = rcv.base + i;
        bool have = hyp ? port < PIO_PORTS && !port_is_kernel(port) : space_pio_allowed(&from->pio, port);
        if (have && dst < PIO_PORTS)
            space_pio_set(to, (uint32_t)dst, true);
    }
}

static void delegate_obj(const struct pd *from, struct pd *to, struct crd_range snd, struct crd_range rcv,
                         uint32_t mask)
{
    uint64_t n = snd.order >= 20 ? NOVA_SEL_COUNT : 1ull << snd.order;
    for (uint64_t i = 0; i < n; i++) {
        struct cap c = space_obj_lookup(&from->objs, snd.base + i);
        uint32_t perms = c.perms & mask;
        if (c.obj && perms)
            space_obj_insert(&to->objs, rcv.base + i, c.obj, perms);
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
    struct crd_range s, r;
    crd_fit(crd_range_of(nova_crd_base(crd), nova_crd_order(crd)), w.range, nova_item_hotspot(item), &s, &r);
    uint32_t mask = (uint32_t)nova_crd_mask(crd) & w.mask;
    if (type == NOVA_CRD_TYPE_MEM)
        delegate_mem(from->pd, to->pd, hyp, s, r, mask);
    else if (type == NOVA_CRD_TYPE_PIO)
        delegate_pio(from->pd, to->pd, hyp, s, r, mask);
    else if (type == NOVA_CRD_TYPE_OBJ && !hyp)
        delegate_obj(from->pd, to->pd, s, r, mask);
    else
        return nova_crd_null();   /* kernel objects (idle SCs, GSI semaphores): see docs/api.md */
    return nova_crd(type, mask, r.order, r.base);
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
        struct window w = exception_reply ? (struct window){ (unsigned)nova_crd_type(crd), { 0, 64 }, 0x1f }
                                          : window_of(to->utcb->head.del);
        uint64_t result = nova_item_kind(item) == NOVA_ITEM_KIND_DELEGATE ? delegate_one(from, to, item, crd, w)
                                                                          : nova_crd_null();
        if (!exception_reply) {
            to->utcb->data.words[NOVA_UTCB_TYPED_ITEM_WORD(i)] = item;
            to->utcb->data.words[NOVA_UTCB_TYPED_CRD_WORD(i)] = result;
        }
    }
    if (!exception_reply)
        to->utcb->head.items = nova_utcb_items(nova_utcb_items_u(to->utcb->head.items), t);
}
