/* Looking up a capability of the current PD by type and permission. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "kobj.h"
#include "mdb.h"
#include "pd.h"
#include "radix.h"
#include "space_obj.h"

/* The object at `sel` of `pd` if it has type `type` and every bit of
 * `perms`; 0 otherwise. Inline: every hypercall with a capability starts
 * here, and the walk is one load per level. */
static inline struct kobj *cap_get(const struct pd *pd, uint64_t sel, enum kobj_type type, uint32_t perms)
{
    const struct mdb_node *n = radix_get(&pd->space[SPACE_OBJ], sel_wrap(sel), SPACE_OBJ_LEVELS);
    if (!n)
        return 0;
    struct kobj *obj = (struct kobj *)(uintptr_t)n->res;   /* an object capability always names one */
    return obj->type == type && (n->perms & perms) == perms ? obj : 0;
}

/* true if `sel` of `pd` holds the null capability */
bool cap_is_null(const struct pd *pd, uint64_t sel);
