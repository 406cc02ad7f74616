/* The mapping database: delegation trees, revocation, the object space,
 * and a randomized run against a reference model of spec 3.6. */
#include <stdlib.h>
#include <nova/spec.h>
#include "host_pd.h"
#include "space_obj.h"
#include "unit.h"

/* Hardware effects asked for since `since` was taken. */
struct hw_counts { unsigned granted, reduced, removed; };

static struct hw_counts hw_since(struct hw_counts since)
{
    return (struct hw_counts){ hw_granted - since.granted, hw_reduced - since.reduced, hw_removed - since.removed };
}

static struct hw_counts hw_now(void) { return (struct hw_counts){ hw_granted, hw_reduced, hw_removed }; }

UNIT_TEST(radix_levels_cover_the_key_count)
{
    EXPECT(radix_levels_for(0) == 1 && radix_levels_for(512) == 1);
    EXPECT(radix_levels_for(513) == 2 && radix_levels_for(1u << 16) == 2);   /* ports */
    EXPECT(radix_levels_for(NOVA_SEL_COUNT) == 3);                           /* 2^20 selectors */
    EXPECT(radix_levels_for(1ull << 35) == 4);                               /* 47-bit user pages */
    EXPECT(radix_levels_for(UINT64_MAX) == 8);                               /* 72 bits cover 64 */
}

/* radix_next finds each filled slot in order from any starting key, across
 * table boundaries at every level, and stops at `end`. */
UNIT_TEST(radix_next_walks_filled_slots_in_order)
{
    struct account acct = { 0 };
    struct radix r = { 0, radix_levels_for(1ull << 35) };
    static const uint64_t keys[] = { 0, 1, 511, 512, 513, 1023, 262143, 262144, 262145,
                                     (1ull << 27) + 5, (1ull << 35) - 1 };
    static int marker;
    const unsigned n = sizeof keys / sizeof keys[0];
    EXPECT(radix_next(&r, 0, ~0ull) == ~0ull);   /* empty */
    for (unsigned i = 0; i < n; i++) {
        void **slot = radix_slot(&r, keys[i], &acct, true);
        EXPECT(slot != NULL);
        if (slot)
            *slot = &marker;
    }
    unsigned seen = 0;
    for (uint64_t k = radix_next(&r, 0, ~0ull); k != ~0ull; k = radix_next(&r, k + 1, ~0ull)) {
        EXPECT(seen < n && k == keys[seen]);
        seen++;
    }
    EXPECT(seen == n);
    /* from every key and its neighbours: the first filled one at or above */
    for (unsigned i = 0; i < n; i++) {
        EXPECT(radix_next(&r, keys[i], ~0ull) == keys[i]);
        uint64_t after = i + 1 < n ? keys[i + 1] : ~0ull;
        EXPECT(radix_next(&r, keys[i] + 1, ~0ull) == after);
        EXPECT(radix_next(&r, keys[i] + 1, keys[i] + 1) == keys[i] + 1);   /* empty range: end */
    }
    EXPECT(radix_next(&r, 514, 1023) == 1023);      /* nothing in [514, 1023): end */
    EXPECT(radix_next(&r, 514, 1024) == 1023);
    EXPECT(radix_next(&r, 1024, 262143) == 262143);
    radix_destroy(&r, &acct);
    EXPECT(acct.used == 0);
}

UNIT_TEST(space_obj_insert_lookup_and_wrap)
{
    struct pd pd;
    host_pd_init(&pd);
    struct hw_counts start = hw_now();
    struct kobj a = { .type = KOBJ_SM };
    EXPECT(space_obj_lookup(&pd, 5).obj == NULL);
    EXPECT(space_obj_insert(&pd, 5, &a, 0x3));
    EXPECT(!space_obj_insert(&pd, 5 + NOVA_SEL_COUNT, &a, 0x3));   /* the same slot */
    EXPECT(space_obj_lookup(&pd, 5 + 3 * (uint64_t)NOVA_SEL_COUNT).obj == &a);
    EXPECT(space_obj_lookup(&pd, 5).perms == 0x3);
    EXPECT(space_obj_insert(&pd, NOVA_SEL_COUNT - 1, &a, 1));
    EXPECT(hw_since(start).granted == 2);   /* the refused alias asked for nothing */
    host_pd_fini(&pd);
    EXPECT(pd.kmem.used == 0);   /* every node and table went back */
    EXPECT(hw_since(start).removed == 2 && hw_since(start).reduced == 0);
}

UNIT_TEST(mdb_three_level_chain_revoke)
{
    struct pd a, b, c;
    host_pd_init(&a), host_pd_init(&b), host_pd_init(&c);
    struct hw_counts start = hw_now();
    struct mdb_node *ra = mdb_insert(&a, SPACE_MEM, 0x100, 0x5000, 7, 0);
    struct mdb_node *rb = mdb_insert(&b, SPACE_MEM, 0x200, 0x5000, 7, ra);
    struct mdb_node *rc = mdb_insert(&c, SPACE_MEM, 0x300, 0x5000, 3, rb);
    EXPECT(ra && rb && rc && rc->parent == rb && rb->parent == ra);
    EXPECT(hw_since(start).granted == 3);
    EXPECT(a.kmem.used && a.kmem.used == b.kmem.used && b.kmem.used == c.kmem.used);   /* each pays for its own */
    unsigned budget = ~0u;
    EXPECT(mdb_revoke(ra, NOVA_PERM_MEM_W, false, &budget));   /* only the children */
    EXPECT(ra->perms == 7 && rb->perms == 5 && rc->perms == 1);
    EXPECT(hw_since(start).reduced == 2 && hw_since(start).removed == 0);   /* b and c lose W */
    EXPECT(mdb_revoke(rb, 7, false, &budget));                  /* c loses everything */
    EXPECT(mdb_lookup(&c, SPACE_MEM, 0x300) == NULL && rb->child == NULL);
    EXPECT(c.kmem.used == a.kmem.used - sizeof(struct mdb_node));   /* the node is refunded, its tables stay */
    EXPECT(hw_since(start).reduced == 2 && hw_since(start).removed == 1);   /* c is unmapped, not reduced */
    EXPECT(mdb_revoke(ra, 7, true, &budget));                   /* self: a and b go */
    EXPECT(mdb_lookup(&a, SPACE_MEM, 0x100) == NULL && mdb_lookup(&b, SPACE_MEM, 0x200) == NULL);
    EXPECT(hw_since(start).reduced == 2 && hw_since(start).removed == 3);
    host_pd_fini(&a), host_pd_fini(&b), host_pd_fini(&c);
    EXPECT(a.kmem.used == 0 && b.kmem.used == 0 && c.kmem.used == 0);
}

UNIT_TEST(mdb_pinned_nodes_survive_revoke)
{
    struct pd a;
    host_pd_init(&a);
    struct mdb_node *u = mdb_insert(&a, SPACE_MEM, 0x10, 0x10, 3, 0);
    u->pinned = true;
    unsigned budget = ~0u;
    struct hw_counts start = hw_now();
    EXPECT(mdb_revoke(u, 7, true, &budget));
    EXPECT(mdb_lookup(&a, SPACE_MEM, 0x10) == u && u->perms == 3);
    EXPECT(hw_since(start).reduced == 0 && hw_since(start).removed == 0);   /* the mapping stays */
    host_pd_fini(&a);
    EXPECT(hw_since(start).removed == 1);   /* a dying PD takes even its UTCB */
}

UNIT_TEST(mdb_occupied_selector_is_refused)
{
    struct pd a;
    host_pd_init(&a);
    struct hw_counts start = hw_now();
    EXPECT(mdb_insert(&a, SPACE_PIO, 0x3f8, 0x3f8, 1, 0) != NULL);
    EXPECT(mdb_insert(&a, SPACE_PIO, 0x3f8, 0x3f8, 1, 0) == NULL);
    EXPECT(mdb_insert(&a, SPACE_PIO, 1u << 18, 0, 1, 0) == NULL);   /* beyond the key width */
    EXPECT(hw_since(start).granted == 1);   /* refused inserts touch no hardware */
    host_pd_fini(&a);
}

/* Reference model: caps with a parent index and permissions; revoke walks
 * the derivation tree by brute force. */
#define PDS 4
#define SELS 16
#define MAXCAPS (PDS * SELS)
struct model_cap { int live, parent; uint32_t perms; };
static struct model_cap model[MAXCAPS];   /* index = pd * SELS + sel */

static int derived_from(int c, int anc)
{
    for (int p = model[c].parent; p >= 0; p = model[p].parent)
        if (p == anc)
            return 1;
    return 0;
}

static void model_revoke(int top, uint32_t mask, int self)
{
    for (int c = 0; c < MAXCAPS; c++)
        if (model[c].live && (derived_from(c, top) || (self && c == top)))
            model[c].perms &= ~mask;
    int changed = 1;
    while (changed) {   /* delete permissionless caps; their children had none either */
        changed = 0;
        for (int c = 0; c < MAXCAPS; c++)
            if (model[c].live && !model[c].perms) {
                model[c].live = 0;
                changed = 1;
            }
    }
}

UNIT_TEST(mdb_random_operations_match_the_model)
{
    struct pd pds[PDS];
    for (int i = 0; i < PDS; i++)
        host_pd_init(&pds[i]);
    for (int c = 0; c < MAXCAPS; c++)
        model[c] = (struct model_cap){ 0, -1, 0 };
    struct hw_counts start = hw_now();
    srand(7);
    for (int step = 0; step < 20000; step++) {
        int op = rand() % 10, pd = rand() % PDS, sel = rand() % SELS, c = pd * SELS + sel;
        uint32_t mask = (uint32_t)(rand() % 31 + 1);
        if (op < 3 && !model[c].live) {   /* a root capability */
            EXPECT(mdb_insert(&pds[pd], SPACE_OBJ, sel, 0xd0000000 + (uint64_t)c, mask, 0) != NULL);
            model[c] = (struct model_cap){ 1, -1, mask };
        } else if (op < 7) {              /* delegate an existing one somewhere */
            int from = rand() % MAXCAPS;
            if (!model[from].live || model[c].live || !(model[from].perms & mask))
                continue;
            struct mdb_node *src = mdb_lookup(&pds[from / SELS], SPACE_OBJ, from % SELS);
            EXPECT(mdb_insert(&pds[pd], SPACE_OBJ, sel, src->res, src->perms & mask, src) != NULL);
            model[c] = (struct model_cap){ 1, from, model[from].perms & mask };
        } else if (model[c].live) {       /* revoke, sometimes in small chunks */
            int self = rand() % 2;
            struct mdb_node *n = mdb_lookup(&pds[pd], SPACE_OBJ, sel);
            unsigned chunk = (unsigned)(rand() % 3 + 1);
            for (int rounds = 0;; rounds++) {
                unsigned budget = chunk;
                /* a restart looks the node up again: it may be gone */
                n = mdb_lookup(&pds[pd], SPACE_OBJ, sel);
                if (!n || mdb_revoke(n, mask, self, &budget))
                    break;
                if (rounds > 10000) {
                    EXPECT(!"revoke makes no progress");
                    break;
                }
            }
            model_revoke(c, mask, self);
        }
        unsigned live = 0;
        for (int k = 0; k < MAXCAPS; k++) {
            struct mdb_node *n = mdb_lookup(&pds[k / SELS], SPACE_OBJ, k % SELS);
            int ok = model[k].live ? n && n->perms == model[k].perms : n == NULL;
            live += (unsigned)model[k].live;
            if (!ok) {
                printf("#   step %d: cap %d differs from the model\n", step, k);
                EXPECT(ok);
                goto done;
            }
        }
        struct hw_counts hw = hw_since(start);
        if (hw.granted - hw.removed != live) {   /* every live capability is granted exactly once */
            printf("#   step %d: %u granted, %u removed, %u live\n", step, hw.granted, hw.removed, live);
            EXPECT(hw.granted - hw.removed == live);
            goto done;
        }
    }
done:
    for (int i = 0; i < PDS; i++)
        host_pd_fini(&pds[i]);
    for (int i = 0; i < PDS; i++)
        EXPECT(pds[i].kmem.used == 0);
    EXPECT(hw_since(start).granted == hw_since(start).removed);
}
