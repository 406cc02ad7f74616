#include "guest_mem.h"

void *gm_ptr(const struct guest_mem *g, uint64_t gpa, uint64_t len)
{
    if (!len || gpa >= g->size || len > g->size - gpa)
        return 0;
    return g->base + gpa;
}
