/* Looking up a capability of the current PD by type and permission. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "kobj.h"

struct pd;

/* The object at `sel` of `pd` if it has type `type` and every bit of
 * `perms`; 0 otherwise. */
struct kobj *cap_get(const struct pd *pd, uint64_t sel, enum kobj_type type, uint32_t perms);
/* true if `sel` of `pd` holds the null capability */
bool cap_is_null(const struct pd *pd, uint64_t sel);
