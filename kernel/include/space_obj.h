/* The object space of a PD: capability selectors to kernel objects.
 * A three-level radix tree, filled on demand; selectors wrap at
 * NOVA_SEL_COUNT (HIP field SEL), so S and S + SEL name the same slot. */
#pragma once
#include <stdint.h>
#include <stdbool.h>
#include "kobj.h"

struct cap {
    struct kobj *obj;     /* 0: null capability */
    uint32_t perms;
    uint32_t reserved;
};

struct space_obj {
    struct cap ***root;   /* root -> 512 -> 256 caps */
};

uint64_t sel_wrap(uint64_t sel);
struct cap space_obj_lookup(const struct space_obj *s, uint64_t sel);
/* Install into an empty slot; false if occupied or out of memory. */
bool space_obj_insert(struct space_obj *s, uint64_t sel, struct kobj *obj, uint32_t perms);
void space_obj_destroy(struct space_obj *s);
