/* Common header of every kernel object a capability can refer to. */
#pragma once
#include <stdint.h>
#include <spec_objects.h>   /* enum kobj_type: the object capability types */

struct pd;

/* An object lives while anything refers to it: capabilities, and the
 * kernel's own references (a portal or SC to its EC, an EC to its PD,
 * every object to its owner PD). */
struct kobj {
    enum kobj_type type;
    uint32_t refs;
    struct pd *owner;     /* pays for its memory; 0 for the kernel's own */
    struct kobj *dead_next;   /* waiting to be destroyed (kobj.c) */
};

static inline struct kobj *kobj_get(struct kobj *obj)
{
    obj->refs++;
    return obj;
}

/* Drop a reference; the last one destroys the object and refunds its owner
 * (kobj.c). Inside kobj_hold()/kobj_release() destruction waits for the
 * release: a revocation walking the mapping database must not have nodes
 * freed under its feet by a PD that dies along the way. */
void kobj_put(struct kobj *obj);
void kobj_hold(void);
void kobj_release(void);
/* Free ECs that were destroyed while a CPU still ran them (schedule()). */
void kobj_reap(void);
