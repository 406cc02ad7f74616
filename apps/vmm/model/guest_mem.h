/* Guest-physical memory as the VMM sees it: one block mapped in the VMM at
 * `base`, guest-physical 0 to `size`. Every guest-supplied address goes
 * through gm_ptr, so a guest can never make the VMM touch anything else. */
#pragma once
#include <stdint.h>

struct guest_mem {
    uint8_t *base;
    uint64_t size;
};

/* The VMM's pointer to [gpa, gpa + len), or 0 if any of it is outside
 * guest memory (or len is 0). */
void *gm_ptr(const struct guest_mem *g, uint64_t gpa, uint64_t len);
