/* Common header of every kernel object a capability can refer to. */
#pragma once
#include <stddef.h>
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

/* Drop a reference; the last one destroys the object (the destructor in its
 * object's file) and refunds its owner. Inside kobj_hold()/kobj_release() destruction waits for the
 * release: a revocation walking the mapping database must not have nodes
 * freed under its feet by a PD that dies along the way. */
void kobj_put(struct kobj *obj);
void kobj_hold(void);
void kobj_release(void);
/* A destructor's last step: the object's memory (`size` bytes) goes back
 * to its owner's account, and the object's reference to the owner goes. */
void kobj_free(struct kobj *obj, size_t size);
