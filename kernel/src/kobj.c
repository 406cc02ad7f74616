/* Object lifetime (spec 3.6): when the last reference to an object goes,
 * it is destroyed and its memory returns to its owner PD's account. The
 * destructors stand next to the constructors in each object's file
 * (pd.c, ec.c, sc.c, pt.c, sm.c); this file counts references and defers
 * destruction while a revocation walk runs. */
#include "ec.h"
#include "invariants.h"
#include "kobj.h"
#include "pd.h"
#include "pt.h"
#include "sc.h"
#include "sm.h"

void kobj_free(struct kobj *obj, size_t size)
{
    struct pd *owner = obj->owner;
    pd_free(owner, obj, size);
    if (owner)
        kobj_put(&owner->obj);
}

static struct kobj *dead;   /* last reference gone, not yet destroyed */
static unsigned held;

static void destroy(struct kobj *obj);

void kobj_hold(void) { held++; }

void kobj_release(void)
{
    if (--held)
        return;
    held++;   /* what the destructions below drop waits in the same list */
    while (dead) {
        struct kobj *obj = dead;
        dead = obj->dead_next;
        destroy(obj);
    }
    held--;
}

void kobj_put(struct kobj *obj)
{
    if (--obj->refs)
        return;
    obj->dead_next = dead;
    dead = obj;
    kobj_hold();
    kobj_release();
}

static void destroy(struct kobj *obj)
{
    invariants_forget(obj);   /* from here on it is coming apart */
    switch (obj->type) {
    case KOBJ_PT:
        pt_destroy((struct pt *)obj);
        break;
    case KOBJ_SM:
        sm_destroy((struct sm *)obj);
        break;
    case KOBJ_EC:
        ec_destroy((struct ec *)obj);
        break;
    case KOBJ_SC:
        sc_destroy((struct sc *)obj);
        break;
    case KOBJ_PD:
        pd_destroy((struct pd *)obj);
        break;
    }
}
