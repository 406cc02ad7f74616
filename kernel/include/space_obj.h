/* The object space of a PD: capability selectors to kernel objects, as
 * nodes of the mapping database. Selectors wrap at NOVA_SEL_COUNT (HIP
 * field SEL), so S and S + SEL name the same slot. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "crd.h"   /* sel_wrap */
#include "kobj.h"

struct pd;

struct cap {
    struct kobj *obj;     /* 0: null capability */
    uint32_t perms;
};

/* Levels of the object space's radix tree: the fewest that cover SEL
 * (space_obj.c checks it), a constant so that lookups unroll. */
#define SPACE_OBJ_LEVELS 3u

struct cap space_obj_lookup(const struct pd *pd, uint64_t sel);
/* A new capability made by the kernel (no parent); false if the selector is
 * taken or memory ran out. */
bool space_obj_insert(struct pd *pd, uint64_t sel, struct kobj *obj, uint32_t perms);
