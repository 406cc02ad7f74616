#include "account.h"
#include "radix.h"

#define BITS  RADIX_BITS
#define WIDTH (1u << BITS)
#define TABLE_SIZE (WIDTH * sizeof(void *))

static unsigned index_at(uint64_t key, unsigned level) { return (key >> (BITS * level)) & (WIDTH - 1); }

unsigned radix_levels_for(uint64_t keys)
{
    unsigned levels = 1;
    while (levels * BITS < 64 && keys > 1ull << (levels * BITS))
        levels++;
    return levels;
}

void **radix_slot(struct radix *r, uint64_t key, struct account *charge, bool create)
{
    if (r->levels * BITS < 64 && key >> (r->levels * BITS))
        return 0;
    void ***table = (void ***)&r->root;
    for (unsigned level = r->levels; level-- > 0;) {
        if (!*table) {
            if (!create || !(*table = account_alloc(charge, TABLE_SIZE)))
                return 0;
        }
        void **slot = &(*table)[index_at(key, level)];
        if (!level)
            return slot;
        table = (void ***)slot;
    }
    return 0;
}

/* Search the subtree `t` at `level` covering keys from `base` on. The
 * search starts at the entry that holds `from`, not at entry 0: a walk that
 * calls radix_next once per key would otherwise rescan each table from its
 * start, WIDTH / 2 entries per key. */
static bool next_in(void **t, unsigned level, uint64_t base, uint64_t from, uint64_t end, uint64_t *found)
{
    uint64_t span = 1ull << (BITS * level);
    uint64_t first = from > base ? (from - base) >> (BITS * level) : 0;
    for (uint64_t i = first; i < WIDTH; i++) {
        uint64_t lo = base + i * span;
        if (lo >= end)
            return false;
        if (!t[i])
            continue;
        if (!level) {
            *found = lo;
            return true;
        }
        if (next_in(t[i], level - 1, lo, from, end, found))
            return true;
    }
    return false;
}

uint64_t radix_next(const struct radix *r, uint64_t from, uint64_t end)
{
    uint64_t found;
    if (!r->root || !r->levels || from >= end)
        return end;
    return next_in(r->root, r->levels - 1, 0, from, end, &found) ? found : end;
}

static void destroy_level(void **t, unsigned level, struct account *charge)
{
    for (unsigned i = 0; level && i < WIDTH; i++)
        if (t[i])
            destroy_level(t[i], level - 1, charge);
    account_free(charge, t, TABLE_SIZE);
}

void radix_destroy(struct radix *r, struct account *charge)
{
    if (r->root)
        destroy_level(r->root, r->levels - 1, charge);
    r->root = 0;
}
