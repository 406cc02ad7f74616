/* Protection domain (spec 2.1): an object space and a memory space, and the
 * account that pays for the kernel objects it owns. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include "account.h"
#include "guest_space.h"
#include "kobj.h"
#include "radix.h"
#include "space_obj.h"
#include "space_pio.h"

struct pd {
    struct kobj obj;
    struct radix space[CAP_SPACE_SLOTS];   /* indexed by enum cap_space */
    struct space_pio pio;
    uint64_t pml4;        /* memory space: the page table, physical */
    struct guest_space guest;   /* what its vCPUs see (G bit, guest_space.h) */
    struct { uint64_t table; uint16_t did; } dma;   /* what its devices see (D bit): the IOMMU's page table, physical, and domain id; 0 until needed (arch/vtd.h) */
    bool is_root;         /* may use the H bit (spec 6.1.1) */
    struct account kmem;  /* what it pays for (account.h); Debug builds check it is 0 when it dies */
};

/* A PD owned by `owner` (which pays for it), made by `creator`: it gets the
 * creator's object capabilities in `crd` from selector 0 on, and the
 * capability to it lands at selector `sel` of the creator. Without a creator
 * it is the root PD (spec 6.1), may use the H bit and holds its own
 * capability at `sel`. 0 when kernel memory ran out; then nothing is left
 * behind. The caller has checked that `sel` is free. */
struct pd *pd_create(struct pd *owner, struct pd *creator, uint64_t sel, uint64_t crd);
/* The last reference is gone (kobj.c): it dies only when nothing it owns
 * is left. */
void pd_destroy(struct pd *pd);
/* Kernel memory for an object owned by `owner` (0: the kernel), charged to
 * its account: zeroed, or 0 when the pool is exhausted. */
void *pd_alloc(struct pd *owner, size_t size);
void pd_free(struct pd *owner, void *p, size_t size);
struct mdb_node;
/* A memory capability made by the kernel: map one frame (rights MAP_R/W/X)
 * into the PD, or add rights if it is mapped there already. */
struct mdb_node *pd_map_frame(struct pd *pd, uint64_t va, uint64_t pa, unsigned rights);
bool pd_is_mapped(const struct pd *pd, uint64_t va);
/* Copy from a user virtual address of `pd`; false if not all mapped readable. */
bool pd_copy_from_user(const struct pd *pd, void *dst, uint64_t va, uint64_t len);
