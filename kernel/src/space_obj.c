/* Object space as a radix tree: selector bits 0-7 index a leaf of 256
 * capabilities (one page), bits 8-16 a middle table and the rest the root. */
#include <nova/spec.h>
#include "kmem.h"
#include "space_obj.h"

#define SEL_BITS  __builtin_ctzll(NOVA_SEL_COUNT)
#define LEAF_BITS 8
#define MID_BITS  9
#define ROOT_BITS (SEL_BITS - LEAF_BITS - MID_BITS)
_Static_assert((NOVA_SEL_COUNT & (NOVA_SEL_COUNT - 1)) == 0, "SEL is a power of two");
_Static_assert(ROOT_BITS > 0 && ROOT_BITS <= 9, "selector width fits three levels");
_Static_assert(sizeof(struct cap) << LEAF_BITS == 4096, "a leaf is one page");

#define LEAF(s) ((s) & ((1u << LEAF_BITS) - 1))
#define MID(s)  (((s) >> LEAF_BITS) & ((1u << MID_BITS) - 1))
#define ROOT(s) ((s) >> (LEAF_BITS + MID_BITS))

uint64_t sel_wrap(uint64_t sel) { return sel & (NOVA_SEL_COUNT - 1); }

static struct cap *slot(const struct space_obj *s, uint64_t sel, bool create)
{
    sel = sel_wrap(sel);
    if (!s->root) {
        if (!create)
            return 0;
        ((struct space_obj *)s)->root = kmem_alloc(sizeof(void *) << ROOT_BITS);
        if (!s->root)
            return 0;
    }
    struct cap ***mid = &s->root[ROOT(sel)];
    if (!*mid && (!create || !(*mid = kmem_alloc(sizeof(void *) << MID_BITS))))
        return 0;
    struct cap **leaf = &(*mid)[MID(sel)];
    if (!*leaf && (!create || !(*leaf = kmem_alloc(sizeof(struct cap) << LEAF_BITS))))
        return 0;
    return &(*leaf)[LEAF(sel)];
}

struct cap space_obj_lookup(const struct space_obj *s, uint64_t sel)
{
    struct cap *c = slot(s, sel, false);
    return c ? *c : (struct cap){ 0, 0, 0 };
}

bool space_obj_insert(struct space_obj *s, uint64_t sel, struct kobj *obj, uint32_t perms)
{
    struct cap *c = slot(s, sel, true);
    if (!c || c->obj)
        return false;
    *c = (struct cap){ obj, perms, 0 };
    obj->refs++;
    return true;
}

void space_obj_destroy(struct space_obj *s)
{
    if (!s->root)
        return;
    for (unsigned r = 0; r < (1u << ROOT_BITS); r++) {
        if (!s->root[r])
            continue;
        for (unsigned m = 0; m < (1u << MID_BITS); m++)
            kmem_free(s->root[r][m], sizeof(struct cap) << LEAF_BITS);
        kmem_free(s->root[r], sizeof(void *) << MID_BITS);
    }
    kmem_free(s->root, sizeof(void *) << ROOT_BITS);
    s->root = 0;
}
