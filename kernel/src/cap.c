#include "cap.h"
#include "mdb.h"
#include "pd.h"
#include "radix.h"
#include "space_obj.h"

/* On every hypercall's path: the object space walk is inlined. */
struct kobj *cap_get(const struct pd *pd, uint64_t sel, enum kobj_type type, uint32_t perms)
{
    const struct mdb_node *n = radix_get(&pd->space[SPACE_OBJ], sel_wrap(sel), SPACE_OBJ_LEVELS);
    struct kobj *obj = n ? (struct kobj *)(uintptr_t)n->res : 0;
    if (!obj || obj->type != type || (n->perms & perms) != perms)
        return 0;
    return obj;
}

bool cap_is_null(const struct pd *pd, uint64_t sel) { return !space_obj_lookup(pd, sel).obj; }
