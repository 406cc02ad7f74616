#include <nova/spec.h>
#include "mdb.h"
#include "space_obj.h"

struct cap space_obj_lookup(const struct pd *pd, uint64_t sel)
{
    const struct mdb_node *n = mdb_lookup(pd, SPACE_OBJ, sel_wrap(sel));
    return n ? (struct cap){ (struct kobj *)(uintptr_t)n->res, n->perms } : (struct cap){ 0, 0 };
}

bool space_obj_insert(struct pd *pd, uint64_t sel, struct kobj *obj, uint32_t perms)
{
    return mdb_insert(pd, SPACE_OBJ, sel_wrap(sel), (uint64_t)(uintptr_t)obj, perms, 0) != 0;
}
