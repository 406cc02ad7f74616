/* Kernel heap for objects: power-of-two size classes carved from frames. */
#pragma once
#include <stddef.h>

void *kmem_alloc(size_t size);     /* zeroed, aligned to its size class (>= 32); 0 when out of memory */
void kmem_free(void *p, size_t size);
