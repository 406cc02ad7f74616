#include "cap.h"
#include "pd.h"

struct kobj *cap_get(const struct pd *pd, uint64_t sel, enum kobj_type type, uint32_t perms)
{
    struct cap c = space_obj_lookup(pd, sel);
    if (!c.obj || c.obj->type != type || (c.perms & perms) != perms)
        return 0;
    return c.obj;
}

bool cap_is_null(const struct pd *pd, uint64_t sel) { return !space_obj_lookup(pd, sel).obj; }
