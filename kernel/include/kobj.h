/* Common header of every kernel object a capability can refer to. */
#pragma once
#include <stdint.h>

enum kobj_type { KOBJ_PD = 1, KOBJ_EC, KOBJ_SC, KOBJ_PT, KOBJ_SM };

struct pd;

struct kobj {
    enum kobj_type type;
    uint32_t refs;        /* capabilities naming it */
    struct pd *owner;     /* pays for its memory */
};

/* A capability to the object went away; the last one destroys the objects
 * whose destruction is implemented (portals, semaphores). */
void kobj_put(struct kobj *obj);
