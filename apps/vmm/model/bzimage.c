/* Linux x86 boot protocol loader: see bzimage.h for the layout. The work is
 * split in two: bz_parse and bz_plan check everything and resolve every
 * guest pointer, and only then bz_write puts bytes into guest memory, so a
 * refusal never leaves a half-loaded guest. */
#include "bzimage.h"
#include <string.h>

#define PAGE_SIZE 0x1000u

/* The image and the zero page are little-endian byte arrays; reading them
 * bytewise needs no alignment and no type punning. */
static uint32_t get_le(const uint8_t *p, unsigned bytes)
{
    uint32_t v = 0;
    for (unsigned i = bytes; i-- > 0;)
        v = v << 8 | p[i];
    return v;
}

static uint64_t get_le64(const uint8_t *p)
{
    return (uint64_t)get_le(p + 4, 4) << 32 | get_le(p, 4);
}

static void put_le(uint8_t *p, uint64_t v, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i++, v >>= 8)
        p[i] = (uint8_t)v;
}

/* The setup-header fields the loader acts on. */
struct bz_header {
    uint64_t setup_len;   /* boot sector + setup sectors: where the kernel starts */
    uint64_t kernel_len;  /* syssize * 16: the protected-mode kernel in the file */
    uint64_t hdr_end;     /* first byte after the setup header in the image */
    uint64_t pref_address;
    uint64_t init_size;   /* memory the kernel needs from its load address */
    uint32_t initrd_addr_max, kernel_alignment, cmdline_size;
    bool relocatable;
};

/* Where each piece goes, decided before anything is written. */
struct bz_plan {
    uint64_t load, initrd_gpa;
    size_t cmdline_len;
    uint8_t *zero_page, *gdt, *cmdline, *kernel, *initrd;
};

static bool fail(const char **error, const char *why)
{
    *error = why;
    return false;
}

/* The fixed part: boot sector signature, "HdrS", protocol version and the
 * header being long enough to hold the 2.12 fields we read. */
static bool bz_check_magic(const uint8_t *img, size_t len, const char **error)
{
    if (!img || len < HDR_END_2_12)
        return fail(error, "bzImage: shorter than a boot sector with a setup header");
    if (get_le(img + HDR_BOOT_FLAG, 2) != 0xaa55)
        return fail(error, "bzImage: no 0xAA55 boot-sector signature (not a bzImage)");
    if (memcmp(img + HDR_MAGIC, "HdrS", 4) != 0)
        return fail(error, "bzImage: no \"HdrS\" setup-header magic (not a bzImage)");
    if (get_le(img + HDR_VERSION, 2) < BZ_MIN_PROTOCOL)
        return fail(error, "bzImage: boot protocol older than 2.12 (kernel too old)");
    /* The header ends at 0x202 plus the displacement of the short jump at 0x200. */
    if (0x202u + img[HDR_JUMP + 1] < HDR_END_2_12)
        return fail(error, "bzImage: setup header shorter than protocol 2.12 defines");
    if (!(img[HDR_LOADFLAGS] & LOADFLAG_LOADED_HIGH))
        return fail(error, "bzImage: LOADED_HIGH clear (zImage kernels for 0x10000 are not supported)");
    return true;
}

static bool bz_parse(const uint8_t *img, size_t len, struct bz_header *h, const char **error)
{
    if (!bz_check_magic(img, len, error))
        return false;
    unsigned sects = img[HDR_SETUP_SECTS] ? img[HDR_SETUP_SECTS] : 4; /* 0 means 4 */
    h->setup_len = (uint64_t)(sects + 1) * 512;
    h->kernel_len = (uint64_t)get_le(img + HDR_SYSSIZE, 4) * 16;
    h->hdr_end = 0x202u + img[HDR_JUMP + 1];
    h->pref_address = get_le64(img + HDR_PREF_ADDRESS);
    h->init_size = get_le(img + HDR_INIT_SIZE, 4);
    h->initrd_addr_max = get_le(img + HDR_INITRD_ADDR_MAX, 4);
    h->kernel_alignment = get_le(img + HDR_KERNEL_ALIGNMENT, 4);
    h->cmdline_size = get_le(img + HDR_CMDLINE_SIZE, 4);
    h->relocatable = img[HDR_RELOCATABLE] != 0;
    if (h->setup_len > len)
        return fail(error, "bzImage: truncated: setup sectors run past the end of the file");
    if (!h->kernel_len)
        return fail(error, "bzImage: syssize is 0 (no protected-mode kernel)");
    /* A signed kernel carries its signature after the payload, so only a
     * file shorter than setup + syssize is wrong. */
    if (h->kernel_len > len - h->setup_len)
        return fail(error, "bzImage: truncated: file shorter than its setup sectors plus syssize");
    if (h->relocatable && (!h->kernel_alignment || (h->kernel_alignment & (h->kernel_alignment - 1))))
        return fail(error, "bzImage: kernel_alignment is not a power of two");
    if (h->init_size < h->kernel_len) /* the kernel needs at least its own bytes */
        h->init_size = h->kernel_len;
    return true;
}

static bool fits(const struct guest_mem *g, uint64_t at, uint64_t len)
{
    return at >= BZ_HIGH_RAM_START && at <= g->size && len <= g->size - at;
}

/* pref_address when RAM allows (it is where the kernel runs, so loading
 * there saves the decompressor a move); else a relocatable kernel goes to
 * the first kernel_alignment boundary above 1 MiB. */
static bool bz_place_kernel(const struct guest_mem *g, const struct bz_header *h,
                            struct bz_plan *p, const char **error)
{
    bool aligned = !h->relocatable || !(h->pref_address & (h->kernel_alignment - 1));
    if (aligned && fits(g, h->pref_address, h->init_size)) {
        p->load = h->pref_address;
        return true;
    }
    if (h->relocatable) {
        uint64_t low = (BZ_HIGH_RAM_START + h->kernel_alignment - 1) & ~(uint64_t)(h->kernel_alignment - 1);
        if (fits(g, low, h->init_size)) {
            p->load = low;
            return true;
        }
    }
    return fail(error, "bzImage: kernel (init_size bytes from its load address) does not fit in guest RAM");
}

/* As high as possible (the kernel's own advice), page-aligned, clear of the
 * kernel's init_size and below initrd_addr_max. */
static bool bz_place_initrd(const struct guest_mem *g, const struct bz_header *h, size_t len,
                            struct bz_plan *p, const char **error)
{
    p->initrd_gpa = 0;
    if (!len)
        return true;
    uint64_t top = (uint64_t)h->initrd_addr_max + 1;
    if (top > g->size)
        top = g->size;
    uint64_t kernel_end = p->load + h->init_size;
    if (len > top || ((top - len) & ~(uint64_t)(PAGE_SIZE - 1)) < kernel_end)
        return fail(error, "initrd does not fit in guest RAM between the kernel and initrd_addr_max");
    p->initrd_gpa = (top - len) & ~(uint64_t)(PAGE_SIZE - 1);
    return true;
}

/* strlen bounded by what the kernel accepts, so an unterminated or huge
 * command line is refused rather than walked. */
static bool bz_cmdline(const struct bz_header *h, const char *cmdline, struct bz_plan *p,
                       const char **error)
{
    uint64_t max = h->cmdline_size;
    if (max > BZ_LOW_RAM_END - BZ_CMDLINE_GPA - 1)
        max = BZ_LOW_RAM_END - BZ_CMDLINE_GPA - 1;
    size_t n = 0;
    while (cmdline && cmdline[n]) {
        if (++n > max)
            return fail(error, "command line longer than the kernel's cmdline_size");
    }
    p->cmdline_len = n;
    return true;
}

static bool bz_plan(const struct guest_mem *g, const struct bz_header *h, size_t initrd_len,
                    const char *cmdline, struct bz_plan *p, const char **error)
{
    if (!g || g->size < BZ_HIGH_RAM_START + PAGE_SIZE)
        return fail(error, "guest RAM smaller than 1 MiB plus a page");
    if (g->size > BZ_RAM_MAX)
        return fail(error, "guest RAM above 3 GiB would overlap the MMIO range the layout keeps free");
    if (!bz_place_kernel(g, h, p, error) || !bz_place_initrd(g, h, initrd_len, p, error) ||
        !bz_cmdline(h, cmdline, p, error))
        return false;
    p->zero_page = gm_ptr(g, BZ_ZERO_PAGE_GPA, BP_SIZE);
    p->gdt = gm_ptr(g, BZ_GDT_GPA, 4 * 8);
    p->cmdline = gm_ptr(g, BZ_CMDLINE_GPA, p->cmdline_len + 1);
    p->kernel = gm_ptr(g, p->load, h->kernel_len);
    p->initrd = initrd_len ? gm_ptr(g, p->initrd_gpa, initrd_len) : 0;
    if (!p->zero_page || !p->gdt || !p->cmdline || !p->kernel || (initrd_len && !p->initrd))
        return fail(error, "boot layout outside guest memory"); /* not reached: checked above */
    return true;
}

/* The e820 map of bzimage.h. */
static void bz_write_e820(uint8_t *bp, uint64_t ram_size)
{
    static const struct { uint64_t start, end; uint32_t type; } map[3] = {
        { 0, BZ_LOW_RAM_END, E820_RAM },
        { BZ_LOW_RAM_END, BZ_HIGH_RAM_START, E820_RESERVED },
        { BZ_HIGH_RAM_START, 0, E820_RAM }, /* end: the size of RAM */
    };
    for (unsigned i = 0; i < 3; i++) {
        uint8_t *e = bp + BP_E820_TABLE + i * BP_E820_ENTRY_SIZE;
        uint64_t end = map[i].end ? map[i].end : ram_size;
        put_le(e, map[i].start, 8);
        put_le(e + 8, end - map[i].start, 8);
        put_le(e + 16, map[i].type, 4);
    }
    bp[BP_E820_ENTRIES] = 3;
}

/* boot_params: zeroed, the image's own setup header copied in (the kernel
 * reads its own fields back from there), then the loader's fields. */
static void bz_write_zero_page(const uint8_t *img, const struct bz_header *h, const struct bz_plan *p,
                               size_t initrd_len, uint64_t ram_size)
{
    uint8_t *bp = p->zero_page;
    memset(bp, 0, BP_SIZE);
    uint64_t hdr_end = h->hdr_end < BP_HDR_LIMIT ? h->hdr_end : BP_HDR_LIMIT;
    memcpy(bp + BP_HDR, img + BP_HDR, hdr_end - BP_HDR);
    bp[HDR_TYPE_OF_LOADER] = 0xff; /* "undefined" loader: no assigned ID */
    /* The heap fields matter only to the 16-bit setup code, which the
     * 32-bit entry skips; set as a real-mode loader would (heap to 0xe000). */
    bp[HDR_LOADFLAGS] |= LOADFLAG_CAN_USE_HEAP;
    put_le(bp + HDR_HEAP_END_PTR, 0xe000 - 0x200, 2);
    put_le(bp + HDR_CODE32_START, p->load, 4);
    put_le(bp + HDR_CMD_LINE_PTR, BZ_CMDLINE_GPA, 4);
    put_le(bp + HDR_RAMDISK_IMAGE, p->initrd_gpa, 4);
    put_le(bp + HDR_RAMDISK_SIZE, initrd_len, 4);
    /* High halves: zero since RAM ends below BZ_RAM_MAX, written for clarity. */
    put_le(bp + BP_EXT_RAMDISK_IMAGE, p->initrd_gpa >> 32, 4);
    put_le(bp + BP_EXT_RAMDISK_SIZE, (uint64_t)initrd_len >> 32, 4);
    put_le(bp + BP_EXT_CMD_LINE_PTR, 0, 4);
    bz_write_e820(bp, ram_size);
}

/* Descriptor with base 0, limit 4 GiB (G=1), D/B=1 and the given access
 * byte; the protocol asks for a loaded GDT holding __BOOT_CS/__BOOT_DS. */
static void bz_write_gdt(uint8_t *gdt)
{
    memset(gdt, 0, 4 * 8);
    put_le(gdt + BZ_BOOT_CS, 0x00cf9b000000ffffull, 8);
    put_le(gdt + BZ_BOOT_DS, 0x00cf93000000ffffull, 8);
}

static struct boot_segment flat(uint16_t sel, uint16_t ar)
{
    return (struct boot_segment){ .selector = sel, .ar = ar, .limit = 0xffffffffu, .base = 0 };
}

/* 32-bit protected mode, paging off, interrupts off, flat 4 GiB segments,
 * ESI at the zero page, EIP at the start of the loaded kernel (startup_32). */
static void bz_fill_entry(const struct bz_header *h, const struct bz_plan *p, size_t initrd_len,
                          struct boot_entry *e)
{
    memset(e, 0, sizeof *e);
    e->rip = p->load;
    e->rsi = BZ_ZERO_PAGE_GPA;
    e->rflags = 0x2;       /* bit 1 is always set; IF clear */
    e->cr0 = 0x1 | 0x10;   /* PE; ET, which is hard-wired to 1 */
    e->cs = flat(BZ_BOOT_CS, 0xc9b); /* code, execute/read, accessed, 32-bit, 4 KiB granular */
    e->ds = e->es = e->ss = e->fs = e->gs = flat(BZ_BOOT_DS, 0xc93); /* data, read/write, accessed */
    /* Unused until the kernel loads its own, but valid for entry checks:
     * a busy 32-bit TSS and an LDT type. */
    e->tr = (struct boot_segment){ .ar = 0x08b, .limit = 0xffff };
    e->ldtr = (struct boot_segment){ .ar = 0x082, .limit = 0xffff };
    e->gdtr_base = BZ_GDT_GPA;
    e->gdtr_limit = 4 * 8 - 1;
    e->idtr_limit = 0xffff;
    e->kernel_gpa = p->load;
    e->kernel_size = h->init_size;
    e->initrd_gpa = p->initrd_gpa;
    e->initrd_size = initrd_len;
}

static void bz_write(const uint8_t *img, const struct bz_header *h, const struct bz_plan *p,
                     const void *initrd, size_t initrd_len, const char *cmdline, uint64_t ram_size)
{
    bz_write_zero_page(img, h, p, initrd_len, ram_size);
    bz_write_gdt(p->gdt);
    if (p->cmdline_len)
        memcpy(p->cmdline, cmdline, p->cmdline_len);
    p->cmdline[p->cmdline_len] = 0;
    memcpy(p->kernel, img + h->setup_len, h->kernel_len);
    if (initrd_len)
        memcpy(p->initrd, initrd, initrd_len);
}

bool bzimage_load(const struct guest_mem *g, const void *image, size_t image_len,
                  const void *initrd, size_t initrd_len, const char *cmdline,
                  struct boot_entry *entry, const char **error)
{
    struct bz_header h;
    struct bz_plan p;
    if (!bz_parse(image, image_len, &h, error))
        return false;
    if (initrd_len && !initrd)
        return fail(error, "initrd: no data for a non-zero length");
    if (!bz_plan(g, &h, initrd_len, cmdline, &p, error))
        return false;
    bz_write(image, &h, &p, initrd, initrd_len, cmdline, g->size);
    bz_fill_entry(&h, &p, initrd_len, entry);
    return true;
}
