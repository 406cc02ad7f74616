/* Linux x86 boot protocol loader (Documentation/arch/x86/boot.rst): puts a
 * bzImage, its initrd and command line into guest memory, builds the zero
 * page and says how the first vCPU must start (32-bit protected-mode entry).
 *
 * Guest-physical layout it sets up (RAM is one block from 0 to g->size):
 *
 *   0x00000 - 0x06000   left alone (real-mode IVT and BDA: nothing is read)
 *   0x06000 - 0x06020   boot GDT: null, null, 0x10 flat code, 0x18 flat data
 *   0x07000 - 0x08000   zero page (struct boot_params)
 *   0x20000 -           command line, NUL-terminated, at most cmdline_size
 *   0x9fc00 - 0x100000  e820 reserved: EBDA/BIOS hole; ACPI tables at 0xe0000
 *   load    - +init_size  protected-mode kernel: pref_address (0x1000000 for
 *                         Debian) if it fits, else the first kernel_alignment
 *                         boundary at or above 1 MiB (relocatable kernels)
 *   top of RAM          initrd, page-aligned, ending at or below both the
 *                       end of RAM and initrd_addr_max + 1
 *
 * e820 map given to the kernel: RAM [0, 0x9fc00), reserved [0x9fc00,
 * 0x100000), RAM [0x100000, g->size). Guest RAM may not exceed BZ_RAM_MAX:
 * the top GiB of the 32-bit space stays free for MMIO (local APIC at
 * 0xfee00000, I/O APIC, virtio-mmio), so the map needs no hole.
 *
 * Everything is validated before the first byte of guest memory is written:
 * on failure guest memory is untouched and *error names the problem. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "guest_mem.h"

#define BZ_GDT_GPA        0x6000u
#define BZ_ZERO_PAGE_GPA  0x7000u
#define BZ_CMDLINE_GPA    0x20000u
#define BZ_LOW_RAM_END    0x9fc00u    /* end of conventional RAM (EBDA above) */
#define BZ_HIGH_RAM_START 0x100000u   /* 1 MiB: where RAM resumes */
#define BZ_RAM_MAX        0xc0000000u /* most guest RAM the layout supports */
#define BZ_MIN_PROTOCOL   0x020cu     /* 2.12: xloadflags, pref_address, init_size */

/* Boot selectors the 32-bit boot protocol requires (__BOOT_CS, __BOOT_DS). */
#define BZ_BOOT_CS 0x10u
#define BZ_BOOT_DS 0x18u

/* e820 memory types (Linux's E820_TYPE_*). */
#define E820_RAM      1u
#define E820_RESERVED 2u

/* Offsets in struct boot_params (arch/x86/include/uapi/asm/bootparam.h)
 * and its setup header, for the loader and for tests that read them back. */
#define BP_EXT_RAMDISK_IMAGE 0x0c0u
#define BP_EXT_RAMDISK_SIZE  0x0c4u
#define BP_EXT_CMD_LINE_PTR  0x0c8u
#define BP_E820_ENTRIES      0x1e8u
#define BP_HDR               0x1f1u /* setup header: setup_sects first */
#define BP_HDR_LIMIT         0x290u /* first byte after room for the header */
#define BP_E820_TABLE        0x2d0u /* 128 entries of {u64 addr, u64 size, u32 type} */
#define BP_E820_ENTRY_SIZE   20u
#define BP_SIZE              0x1000u

#define HDR_SETUP_SECTS      0x1f1u
#define HDR_SYSSIZE          0x1f4u
#define HDR_BOOT_FLAG        0x1feu
#define HDR_JUMP             0x200u
#define HDR_MAGIC            0x202u
#define HDR_VERSION          0x206u
#define HDR_TYPE_OF_LOADER   0x210u
#define HDR_LOADFLAGS        0x211u
#define HDR_CODE32_START     0x214u
#define HDR_RAMDISK_IMAGE    0x218u
#define HDR_RAMDISK_SIZE     0x21cu
#define HDR_HEAP_END_PTR     0x224u
#define HDR_CMD_LINE_PTR     0x228u
#define HDR_INITRD_ADDR_MAX  0x22cu
#define HDR_KERNEL_ALIGNMENT 0x230u
#define HDR_RELOCATABLE      0x234u
#define HDR_CMDLINE_SIZE     0x238u
#define HDR_PREF_ADDRESS     0x258u
#define HDR_INIT_SIZE        0x260u
#define HDR_END_2_12         0x264u /* a 2.12 header reaches at least here */

#define LOADFLAG_LOADED_HIGH  0x01u
#define LOADFLAG_CAN_USE_HEAP 0x80u

/* One segment register as the VMCB holds it; ar is SVM's 12-bit attribute
 * form (type, S, DPL, P, AVL, L, D/B, G). */
struct boot_segment {
    uint16_t selector;
    uint16_t ar;
    uint32_t limit;
    uint64_t base;
};

/* The state the first vCPU starts in. General registers other than rip,
 * rsp and rsi are 0 (the protocol wants ebp, edi and ebx zero). */
struct boot_entry {
    uint64_t rip, rsp, rsi, rflags;
    uint64_t cr0, cr3, cr4, efer;
    struct boot_segment cs, ds, es, ss, fs, gs, tr, ldtr;
    uint64_t gdtr_base, idtr_base;
    uint32_t gdtr_limit, idtr_limit;
    /* Where things went, for the VMM's log. */
    uint64_t kernel_gpa, kernel_size, initrd_gpa, initrd_size;
};

/* Load `image` (a bzImage of boot protocol >= 2.12) with `initrd` (may be
 * NULL when initrd_len is 0) and `cmdline` (NULL means empty) into guest
 * memory and fill *entry. Returns false with *error set (a constant
 * string) and guest memory untouched if anything does not fit or the image
 * is malformed or truncated. */
bool bzimage_load(const struct guest_mem *g, const void *image, size_t image_len,
                  const void *initrd, size_t initrd_len, const char *cmdline,
                  struct boot_entry *entry, const char **error);
