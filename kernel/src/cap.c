#include "cap.h"

bool cap_is_null(const struct pd *pd, uint64_t sel) { return !space_obj_lookup(pd, sel).obj; }
