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

/* The fewest levels whose keys cover 0 .. keys - 1 (at least one). */
unsigned radix_levels_for(uint64_t keys);
/* The slot for `key`; 0 if absent and !create, or out of memory. */
void **radix_slot(struct radix *r, uint64_t key, struct account *charge, bool create);
/* The first key >= from and < end whose slot is non-empty, or end. */
uint64_t radix_next(const struct radix *r, uint64_t from, uint64_t end);
void radix_destroy(struct radix *r, struct account *charge);
