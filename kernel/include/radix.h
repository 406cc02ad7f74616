/* A radix tree of pointers keyed by an integer, 9 bits per level, tables
 * allocated on demand (charged to an account). Backs the three capability
 * spaces. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

struct account;

struct radix {
    void **root;
    unsigned levels;    /* keys have 9 * levels bits */
};

#define RADIX_BITS 9u

/* The entry at `key` of a tree of `levels` levels, 0 if absent; `key` must
 * be within the tree. For hot paths: with a constant `levels` the walk
 * compiles to one load per level. */
static inline void *radix_get(const struct radix *r, uint64_t key, unsigned levels)
{
    void **t = r->root;
    for (unsigned level = levels; level-- > 0 && t;)
        t = t[(key >> (RADIX_BITS * level)) & ((1u << RADIX_BITS) - 1)];
    return t;
}

/* The fewest levels whose keys cover 0 .. keys - 1 (at least one). */
unsigned radix_levels_for(uint64_t keys);
/* The slot for `key`; 0 if absent and !create, or out of memory. */
void **radix_slot(struct radix *r, uint64_t key, struct account *charge, bool create);
/* The first key >= from and < end whose slot is non-empty, or end. */
uint64_t radix_next(const struct radix *r, uint64_t from, uint64_t end);
void radix_destroy(struct radix *r, struct account *charge);
