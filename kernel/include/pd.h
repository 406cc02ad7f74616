/* Protection domain (spec 2.1): an object space and a memory space. */
#pragma once
#include <stdbool.h>
#include "kobj.h"
#include "space_obj.h"

struct pd {
    struct kobj obj;
    struct space_obj objs;
    uint64_t pml4;        /* memory space: the page table, physical */
    bool is_root;         /* may use the H bit (spec 6.1.1) */
};

struct pd *pd_create(bool is_root);
/* Map one 4 KiB kernel-pool frame into the PD's memory space. */
bool pd_map_frame(struct pd *pd, uint64_t va, uint64_t pa, unsigned rights);
/* Copy from a user virtual address of `pd`; false if not all mapped readable. */
bool pd_copy_from_user(const struct pd *pd, void *dst, uint64_t va, uint64_t len);
