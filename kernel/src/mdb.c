#include "account.h"
#include "mdb.h"

struct mdb_node *mdb_lookup(const struct pd *pd, unsigned space, uint64_t sel)
{
    const struct radix *r = cap_space_of((struct pd *)pd, space);
    return r->levels * RADIX_BITS < 64 && sel >> (r->levels * RADIX_BITS) ? 0 : radix_get(r, sel, r->levels);
}

static struct mdb_node *insert(struct pd *pd, unsigned space, uint64_t sel, uint64_t res, uint32_t perms,
                               struct mdb_node *parent, unsigned gd)
{
    struct account *charge = cap_account_of(pd);
    void **slot = radix_slot(cap_space_of(pd, space), sel, charge, true);
    if (!slot || *slot)
        return 0;
    struct mdb_node *n = account_alloc(charge, sizeof *n);
    if (!n)
        return 0;
    *n = (struct mdb_node){ .pd = pd, .sel = sel, .res = res, .perms = perms, .space = (uint8_t)space,
                            .guest = (gd & MDB_G) != 0, .dma = (gd & MDB_D) != 0 };
    if (!cap_hw_grant(n)) {
        account_free(charge, n, sizeof *n);
        return 0;
    }
    *slot = n;
    if (parent) {
        n->parent = parent;
        n->next = parent->child;
        if (parent->child)
            parent->child->prev = n;
        parent->child = n;
    }
    return n;
}

struct mdb_node *mdb_insert(struct pd *pd, unsigned space, uint64_t sel, uint64_t res, uint32_t perms,
                            struct mdb_node *parent)
{
    return insert(pd, space, sel, res, perms, parent, 0);
}

struct mdb_node *mdb_insert_guest(struct pd *pd, unsigned space, uint64_t sel, uint64_t res, uint32_t perms,
                                  struct mdb_node *parent)
{
    return insert(pd, space, sel, res, perms, parent, MDB_G);
}

struct mdb_node *mdb_insert_gd(struct pd *pd, unsigned space, uint64_t sel, uint64_t res, uint32_t perms,
                               struct mdb_node *parent, unsigned gd)
{
    return insert(pd, space, sel, res, perms, parent, gd);
}

static void unlink_and_free(struct mdb_node *n)
{
    cap_hw_remove(n);
    if (n->parent && n->parent->child == n)
        n->parent->child = n->next;
    if (n->prev)
        n->prev->next = n->next;
    if (n->next)
        n->next->prev = n->prev;
    *radix_slot(cap_space_of(n->pd, n->space), n->sel, 0, false) = 0;
    account_free(cap_account_of(n->pd), n, sizeof *n);
}

/* Does the node still owe work to a revocation of `mask`? Descendants never
 * hold more than their ancestors, so a node that needs none heads a subtree
 * that needs none. */
static bool needs(const struct mdb_node *n, uint32_t mask)
{
    return !n->pinned && ((n->perms & mask) || !n->perms);
}

static void reduce(struct mdb_node *n, uint32_t mask)
{
    uint32_t old = n->perms;
    n->perms &= ~mask;
    if (n->perms)
        cap_hw_reduce(n, old);
}

/* Post-order: children first, so an interrupted pass leaves every node it
 * skips on the next pass complete down to its leaves. */
bool mdb_revoke(struct mdb_node *start, uint32_t mask, bool self, unsigned *budget)
{
    struct mdb_node *node = start, *from = start->child;
    for (;;) {
        struct mdb_node *c = from;
        while (c && !needs(c, mask))
            c = c->next;
        if (c) {
            node = c;
            from = c->child;
            continue;
        }
        if (node == start && !self)
            return true;
        if (!*budget)
            return false;
        (*budget)--;
        struct mdb_node *parent = node->parent, *next = node->next;
        bool last = node == start;
        if (!node->pinned) {
            reduce(node, mask);
            if (!node->perms)
                unlink_and_free(node);
        }
        if (last)
            return true;
        node = parent;
        from = next;
    }
}

void mdb_clear_space(struct pd *pd, unsigned space)
{
    struct radix *r = cap_space_of(pd, space);
    for (uint64_t sel = radix_next(r, 0, ~0ull); sel != ~0ull; sel = radix_next(r, sel + 1, ~0ull)) {
        struct mdb_node *n = mdb_lookup(pd, space, sel);
        unsigned unlimited = ~0u;
        if (n) {
            n->pinned = false;
            mdb_revoke(n, ~0u, true, &unlimited);
        }
    }
    radix_destroy(r, cap_account_of(pd));
}
