/* What the boot loader told the kernel, in a loader-independent form. */
#pragma once
#include <stdint.h>

#define BOOT_MAX_MEM      64
#define BOOT_MAX_MODULES  32
#define BOOT_MAX_RESERVED (BOOT_MAX_MODULES + 8)

/* firmware memory types, as in the HIP (spec 6.2) */
#define MEM_AVAILABLE 1
#define MEM_RESERVED  2

struct mem_region { uint64_t addr, size; uint32_t type; };
struct boot_module { uint64_t start, end, cmdline; };   /* physical */

struct boot_info {
    struct mem_region mem[BOOT_MAX_MEM];
    unsigned mem_count;
    struct boot_module module[BOOT_MAX_MODULES];
    unsigned module_count;
    struct mem_region reserved[BOOT_MAX_RESERVED];   /* in use by loader data */
    unsigned reserved_count;
};

extern struct boot_info boot_info;
void multiboot_parse(uint32_t magic, uint64_t info_phys);
