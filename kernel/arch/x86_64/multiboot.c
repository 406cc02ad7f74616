/* Multiboot v1 information (memory map, modules) into struct boot_info.
 * Runs on the boot page tables, which identity-map the low 4 GiB where a
 * multiboot v1 loader puts everything. */
#include <stdint.h>
#include "bootinfo.h"
#include "console.h"
#include "string.h"

#define MULTIBOOT_LOADER_MAGIC 0x2badb002u
#define MBI_FLAG_MEM      (1u << 0)
#define MBI_FLAG_CMDLINE  (1u << 2)
#define MBI_FLAG_MODS     (1u << 3)
#define MBI_FLAG_MMAP     (1u << 6)

struct mbi {
    uint32_t flags, mem_lower, mem_upper, boot_device, cmdline;
    uint32_t mods_count, mods_addr;
    uint32_t syms[4];
    uint32_t mmap_length, mmap_addr;
} __attribute__((packed));

struct mbi_module { uint32_t start, end, cmdline, reserved; } __attribute__((packed));
struct mbi_mmap { uint32_t size; uint64_t addr, len; uint32_t type; } __attribute__((packed));

struct boot_info boot_info;

static void reserve(uint64_t addr, uint64_t size)
{
    if (boot_info.reserved_count < BOOT_MAX_RESERVED)
        boot_info.reserved[boot_info.reserved_count++] = (struct mem_region){ addr, size, 0 };
}

static void parse_mmap(const struct mbi *mbi)
{
    uintptr_t p = mbi->mmap_addr, end = p + mbi->mmap_length;
    while (p < end && boot_info.mem_count < BOOT_MAX_MEM) {
        const struct mbi_mmap *e = (const void *)p;
        if (e->len)
            boot_info.mem[boot_info.mem_count++] = (struct mem_region){ e->addr, e->len, e->type };
        p += e->size + 4;
    }
}

static void parse_modules(const struct mbi *mbi)
{
    const struct mbi_module *m = (const void *)(uintptr_t)mbi->mods_addr;
    reserve(mbi->mods_addr, mbi->mods_count * sizeof *m);
    for (uint32_t i = 0; i < mbi->mods_count && i < BOOT_MAX_MODULES; i++) {
        boot_info.module[boot_info.module_count++] = (struct boot_module){ m[i].start, m[i].end, m[i].cmdline };
        reserve(m[i].start, m[i].end - m[i].start);
        if (m[i].cmdline)
            reserve(m[i].cmdline, strlen((const char *)(uintptr_t)m[i].cmdline) + 1);
    }
    if (mbi->mods_count > BOOT_MAX_MODULES)
        kprintf("novum: %u boot modules, only the first %u are used\n", mbi->mods_count, BOOT_MAX_MODULES);
}

void multiboot_parse(uint32_t magic, uint64_t info_phys)
{
    if (magic != MULTIBOOT_LOADER_MAGIC)
        panic("not started by a multiboot loader (magic 0x%x)", magic);
    const struct mbi *mbi = (const void *)(uintptr_t)info_phys;
    reserve(info_phys, sizeof *mbi);
    if (mbi->flags & MBI_FLAG_MMAP) {
        reserve(mbi->mmap_addr, mbi->mmap_length);
        parse_mmap(mbi);
    } else if (mbi->flags & MBI_FLAG_MEM) {
        boot_info.mem[boot_info.mem_count++] = (struct mem_region){ 0, (uint64_t)mbi->mem_lower << 10, MEM_AVAILABLE };
        boot_info.mem[boot_info.mem_count++] = (struct mem_region){ 1ull << 20, (uint64_t)mbi->mem_upper << 10, MEM_AVAILABLE };
    } else {
        panic("the boot loader gave no memory map");
    }
    if (mbi->flags & MBI_FLAG_MODS)
        parse_modules(mbi);
}
