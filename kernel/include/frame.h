/* Physical page frames of the kernel memory pool.
 *
 * At boot the kernel sets aside a pool of RAM for its own objects and page
 * tables (reported as type -1 in the HIP); all other RAM is left to the root
 * PD. Frames are 4 KiB and come zeroed. */
#pragma once
#include <stdint.h>
#include <stdbool.h>
#include "bootinfo.h"

#define KPOOL_MAX_RANGES 16

struct phys_range { uint64_t start, end; };

void frame_init(const struct boot_info *bi, uint64_t pool_bytes);
uint64_t frame_alloc(void);           /* 0 when the pool is exhausted */
void frame_free(uint64_t pa);
uint64_t frame_free_count(void);
unsigned kpool_ranges(const struct phys_range **ranges);
bool phys_is_kernel(uint64_t pa);     /* kernel image or pool */
bool phys_is_kernel_device(uint64_t pa);   /* interrupt controllers the kernel drives */
uint64_t phys_ram_top(const struct boot_info *bi);
