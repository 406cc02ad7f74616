/* Kernel memory charged to a PD: the objects it owns, the nodes and radix
 * tables of its capability spaces, its page-table root, its port bitmap and
 * the UTCBs of its ECs. The radix trees and the mapping database allocate
 * through an account, not a PD, so they need nothing of struct pd. */
#pragma once
#include <stddef.h>
#include <stdint.h>

struct account {
    uint64_t used;   /* bytes charged and not yet refunded */
};

/* Zeroed kernel memory charged to `a` (0: the kernel's own, charged to
 * nobody); 0 when the pool is exhausted. */
void *account_alloc(struct account *a, size_t size);
void account_free(struct account *a, void *p, size_t size);
/* Bytes the kernel allocated for itself (a = 0) and has not freed: with
 * every PD's `used` they add up to what kmem.c has handed out. */
uint64_t account_unowned(void);
