/* Common header of every kernel object a capability can refer to. */
#pragma once
#include <stdint.h>

enum kobj_type { KOBJ_PD = 1, KOBJ_EC, KOBJ_SC, KOBJ_PT, KOBJ_SM };

struct kobj {
    enum kobj_type type;
    uint32_t refs;        /* capabilities and kernel references */
};
