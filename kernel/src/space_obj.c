#include <nova/spec.h>
#include "mdb.h"
#include "pd.h"
#include "radix.h"
#include "space_obj.h"

_Static_assert((NOVA_SEL_COUNT & (NOVA_SEL_COUNT - 1)) == 0, "SEL is a power of two");
_Static_assert(NOVA_SEL_COUNT <= 1ull << (RADIX_BITS * SPACE_OBJ_LEVELS) &&
               NOVA_SEL_COUNT > 1ull << (RADIX_BITS * (SPACE_OBJ_LEVELS - 1)),
               "SPACE_OBJ_LEVELS is what radix_levels_for(NOVA_SEL_COUNT) answers");

struct cap space_obj_lookup(const struct pd *pd, uint64_t sel)
{
    const struct mdb_node *n = radix_get(&pd->space[SPACE_OBJ], sel_wrap(sel), SPACE_OBJ_LEVELS);
    return n ? (struct cap){ (struct kobj *)(uintptr_t)n->res, n->perms } : (struct cap){ 0, 0 };
}

bool space_obj_insert(struct pd *pd, uint64_t sel, struct kobj *obj, uint32_t perms)
{
    return mdb_insert(pd, SPACE_OBJ, sel_wrap(sel), (uint64_t)(uintptr_t)obj, perms, 0) != 0;
}
