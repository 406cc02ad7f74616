/* Kernel heap for objects: power-of-two size classes carved from frames. */
#pragma once
#include <stddef.h>
#include <stdint.h>

void *kmem_alloc(size_t size);     /* zeroed, aligned to its size class (>= 32); 0 when out of memory */
void kmem_free(void *p, size_t size);
/* Bytes allocated and not yet freed, counted by the sizes the callers gave
 * (the invariant checker compares them with the accounts). */
uint64_t kmem_in_use(void);
