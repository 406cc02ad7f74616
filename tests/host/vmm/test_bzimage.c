/* The boot-protocol loader on synthetic bzImages built here (a boot sector,
 * the setup header fields the loader reads, and a patterned payload), and
 * on a real kernel if NOVUM_TEST_BZIMAGE names one. */
#include <stdlib.h>
#include <string.h>
#include "bzimage.h"
#include "unit.h"

#define MIB (1024u * 1024u)
#define FAKE_SETUP_SECTS 2
#define FAKE_SETUP_LEN ((FAKE_SETUP_SECTS + 1) * 512u)
#define FAKE_PAYLOAD 8192u
#define FAKE_LEN (FAKE_SETUP_LEN + FAKE_PAYLOAD)
#define RAM_SIZE (24 * MIB)

static void put(uint8_t *p, uint64_t v, unsigned bytes)
{
    for (unsigned i = 0; i < bytes; i++, v >>= 8)
        p[i] = (uint8_t)v;
}

static uint64_t get(const uint8_t *p, unsigned bytes)
{
    uint64_t v = 0;
    for (unsigned i = bytes; i-- > 0;)
        v = v << 8 | p[i];
    return v;
}

/* A bzImage as far as the loader can tell: what Debian's 6.1 kernel has,
 * with a small payload and init_size. */
static uint8_t *fake_image(void)
{
    uint8_t *img = calloc(1, FAKE_LEN + 16);
    img[HDR_SETUP_SECTS] = FAKE_SETUP_SECTS;
    put(img + HDR_SYSSIZE, FAKE_PAYLOAD / 16, 4);
    put(img + HDR_BOOT_FLAG, 0xaa55, 2);
    img[HDR_JUMP] = 0xeb;
    img[HDR_JUMP + 1] = 0x6a; /* header ends at 0x26c */
    memcpy(img + HDR_MAGIC, "HdrS", 4);
    put(img + HDR_VERSION, 0x020f, 2);
    img[HDR_LOADFLAGS] = LOADFLAG_LOADED_HIGH;
    put(img + HDR_CODE32_START, 0x100000, 4);
    put(img + HDR_INITRD_ADDR_MAX, 0x7fffffff, 4);
    put(img + HDR_KERNEL_ALIGNMENT, 0x200000, 4);
    img[HDR_RELOCATABLE] = 1;
    put(img + HDR_CMDLINE_SIZE, 2047, 4);
    put(img + HDR_PREF_ADDRESS, 0x1000000, 8);
    put(img + HDR_INIT_SIZE, 2 * MIB, 4);
    put(img + 0x268, 0x12345678, 4); /* kernel_info_offset: copied, last header field */
    for (unsigned i = 0; i < FAKE_PAYLOAD; i++)
        img[FAKE_SETUP_LEN + i] = (uint8_t)(i * 7 + 3);
    return img;
}

static struct guest_mem new_ram(uint64_t size)
{
    return (struct guest_mem){ calloc(1, size), size };
}

static bool all_zero(const struct guest_mem *g)
{
    for (uint64_t i = 0; i < g->size; i++)
        if (g->base[i])
            return false;
    return true;
}

static uint8_t initrd_bytes[3 * 4096 + 123];

static const uint8_t *initrd_data(void)
{
    for (unsigned i = 0; i < sizeof initrd_bytes; i++)
        initrd_bytes[i] = (uint8_t)(i ^ 0x5a);
    return initrd_bytes;
}

/* Load `img` of `len` bytes and expect a refusal whose message contains
 * `why`, with guest memory left all zero. */
static void expect_refused(const uint8_t *img, size_t len, uint64_t ram, size_t initrd_len,
                           const char *cmdline, const char *why)
{
    struct guest_mem g = new_ram(ram);
    struct boot_entry e;
    const char *err = 0;
    EXPECT(!bzimage_load(&g, img, len, initrd_data(), initrd_len, cmdline, &e, &err));
    EXPECT(err && strstr(err, why));
    if (err && !strstr(err, why))
        printf("#   got \"%s\", wanted \"%s\"\n", err, why);
    EXPECT(all_zero(&g));
    free(g.base);
}

UNIT_TEST(bzimage_loads_kernel_cmdline_and_initrd)
{
    uint8_t *img = fake_image();
    struct guest_mem g = new_ram(RAM_SIZE);
    struct boot_entry e;
    const char *err = 0;
    const uint8_t *rd = initrd_data();
    EXPECT(bzimage_load(&g, img, FAKE_LEN, rd, sizeof initrd_bytes, "console=ttyS0 quiet", &e, &err));
    EXPECT(err == 0);
    EXPECT(memcmp(g.base + 0x1000000, img + FAKE_SETUP_LEN, FAKE_PAYLOAD) == 0);
    EXPECT(strcmp((char *)g.base + BZ_CMDLINE_GPA, "console=ttyS0 quiet") == 0);
    /* initrd: page-aligned, as high as RAM allows */
    uint64_t rd_gpa = RAM_SIZE - 4 * 4096;
    EXPECT(e.initrd_gpa == rd_gpa && e.initrd_size == sizeof initrd_bytes);
    EXPECT(memcmp(g.base + rd_gpa, rd, sizeof initrd_bytes) == 0);
    free(g.base);
    free(img);
}

UNIT_TEST(bzimage_zero_page_fields)
{
    uint8_t *img = fake_image();
    struct guest_mem g = new_ram(RAM_SIZE);
    struct boot_entry e;
    const char *err = 0;
    EXPECT(bzimage_load(&g, img, FAKE_LEN, initrd_data(), sizeof initrd_bytes, "x", &e, &err));
    const uint8_t *bp = g.base + BZ_ZERO_PAGE_GPA;
    EXPECT(memcmp(bp + HDR_MAGIC, "HdrS", 4) == 0);
    EXPECT(get(bp + HDR_VERSION, 2) == 0x020f);
    EXPECT(get(bp + 0x268, 4) == 0x12345678); /* the whole header was copied */
    EXPECT(bp[0x1ef] == 0);                    /* sentinel: not a broken loader */
    EXPECT(bp[HDR_TYPE_OF_LOADER] == 0xff);
    EXPECT(bp[HDR_LOADFLAGS] == (LOADFLAG_LOADED_HIGH | LOADFLAG_CAN_USE_HEAP));
    EXPECT(get(bp + HDR_HEAP_END_PTR, 2) == 0xde00);
    EXPECT(get(bp + HDR_CMD_LINE_PTR, 4) == BZ_CMDLINE_GPA);
    EXPECT(get(bp + HDR_CODE32_START, 4) == 0x1000000);
    EXPECT(get(bp + HDR_RAMDISK_IMAGE, 4) == RAM_SIZE - 4 * 4096);
    EXPECT(get(bp + HDR_RAMDISK_SIZE, 4) == sizeof initrd_bytes);
    EXPECT(get(bp + BP_EXT_RAMDISK_IMAGE, 4) == 0 && get(bp + BP_EXT_CMD_LINE_PTR, 4) == 0);
    free(g.base);
    free(img);
}

UNIT_TEST(bzimage_e820_map)
{
    uint8_t *img = fake_image();
    struct guest_mem g = new_ram(RAM_SIZE);
    struct boot_entry e;
    const char *err = 0;
    EXPECT(bzimage_load(&g, img, FAKE_LEN, 0, 0, 0, &e, &err));
    const uint8_t *bp = g.base + BZ_ZERO_PAGE_GPA;
    static const uint64_t want[3][3] = {
        { 0, 0x9fc00, E820_RAM },
        { 0x9fc00, 0x100000 - 0x9fc00, E820_RESERVED },
        { 0x100000, RAM_SIZE - 0x100000, E820_RAM },
    };
    EXPECT(bp[BP_E820_ENTRIES] == 3);
    for (unsigned i = 0; i < 3; i++) {
        const uint8_t *ent = bp + BP_E820_TABLE + i * BP_E820_ENTRY_SIZE;
        EXPECT(get(ent, 8) == want[i][0] && get(ent + 8, 8) == want[i][1] && get(ent + 16, 4) == want[i][2]);
    }
    /* no initrd, empty command line */
    EXPECT(get(bp + HDR_RAMDISK_IMAGE, 4) == 0 && get(bp + HDR_RAMDISK_SIZE, 4) == 0);
    EXPECT(g.base[BZ_CMDLINE_GPA] == 0);
    free(g.base);
    free(img);
}

UNIT_TEST(bzimage_entry_state_and_gdt)
{
    uint8_t *img = fake_image();
    struct guest_mem g = new_ram(RAM_SIZE);
    struct boot_entry e;
    const char *err = 0;
    EXPECT(bzimage_load(&g, img, FAKE_LEN, 0, 0, "", &e, &err));
    EXPECT(e.rip == 0x1000000 && e.rsi == BZ_ZERO_PAGE_GPA && e.kernel_gpa == 0x1000000);
    EXPECT(e.cr0 & 1);
    EXPECT(!(e.cr0 & 0x80000000u) && e.cr4 == 0 && e.efer == 0); /* paging off */
    EXPECT(!(e.rflags & 0x200));                                  /* IF clear */
    EXPECT(e.cs.selector == 0x10 && e.cs.ar == 0xc9b && e.cs.base == 0 && e.cs.limit == 0xffffffffu);
    EXPECT(e.ds.selector == 0x18 && e.ds.ar == 0xc93 && e.ss.selector == 0x18 && e.es.ar == 0xc93);
    EXPECT(e.gdtr_base == BZ_GDT_GPA && e.gdtr_limit == 31);
    EXPECT(get(g.base + BZ_GDT_GPA + 0x10, 8) == 0x00cf9b000000ffffull);
    EXPECT(get(g.base + BZ_GDT_GPA + 0x18, 8) == 0x00cf93000000ffffull);
    free(g.base);
    free(img);
}

UNIT_TEST(bzimage_initrd_stays_below_initrd_addr_max)
{
    uint8_t *img = fake_image();
    put(img + HDR_INITRD_ADDR_MAX, 0x17fffff, 4); /* last byte below 24 MiB - 8 MiB */
    struct guest_mem g = new_ram(32 * MIB);
    struct boot_entry e;
    const char *err = 0;
    EXPECT(bzimage_load(&g, img, FAKE_LEN, initrd_data(), sizeof initrd_bytes, 0, &e, &err));
    EXPECT(e.initrd_gpa + e.initrd_size <= 0x1800000 && (e.initrd_gpa & 0xfff) == 0);
    EXPECT(e.initrd_gpa >= 0x1000000 + 2 * MIB); /* clear of the kernel's init_size */
    free(g.base);
    free(img);
}

UNIT_TEST(bzimage_relocates_when_pref_address_does_not_fit)
{
    uint8_t *img = fake_image();
    struct guest_mem g = new_ram(16 * MIB);
    struct boot_entry e;
    const char *err = 0;
    EXPECT(bzimage_load(&g, img, FAKE_LEN, 0, 0, 0, &e, &err));
    EXPECT(e.rip == 0x200000); /* 1 MiB rounded up to kernel_alignment */
    EXPECT(memcmp(g.base + 0x200000, img + FAKE_SETUP_LEN, FAKE_PAYLOAD) == 0);
    free(g.base);
    free(img);
}

UNIT_TEST(bzimage_signed_trailer_is_ignored)
{
    uint8_t *img = fake_image(); /* has 16 spare bytes after the payload */
    memset(img + FAKE_LEN, 0xee, 16);
    struct guest_mem g = new_ram(RAM_SIZE);
    struct boot_entry e;
    const char *err = 0;
    EXPECT(bzimage_load(&g, img, FAKE_LEN + 16, 0, 0, 0, &e, &err));
    EXPECT(g.base[0x1000000 + FAKE_PAYLOAD] == 0);
    free(g.base);
    free(img);
}

UNIT_TEST(bzimage_refuses_malformed_images)
{
    uint8_t *img = fake_image();
    expect_refused(img, 0x100, RAM_SIZE, 0, 0, "shorter than a boot sector");
    img[HDR_MAGIC] = 'X';
    expect_refused(img, FAKE_LEN, RAM_SIZE, 0, 0, "HdrS");
    free(img);
    img = fake_image();
    put(img + HDR_BOOT_FLAG, 0, 2);
    expect_refused(img, FAKE_LEN, RAM_SIZE, 0, 0, "0xAA55");
    free(img);
    img = fake_image();
    put(img + HDR_VERSION, 0x020b, 2);
    expect_refused(img, FAKE_LEN, RAM_SIZE, 0, 0, "older than 2.12");
    free(img);
    img = fake_image();
    img[HDR_LOADFLAGS] = 0;
    expect_refused(img, FAKE_LEN, RAM_SIZE, 0, 0, "LOADED_HIGH");
    free(img);
    img = fake_image();
    put(img + HDR_KERNEL_ALIGNMENT, 0x300000, 4);
    expect_refused(img, FAKE_LEN, RAM_SIZE, 0, 0, "kernel_alignment");
    free(img);
    img = fake_image();
    put(img + HDR_SYSSIZE, 0, 4);
    expect_refused(img, FAKE_LEN, RAM_SIZE, 0, 0, "syssize is 0");
    free(img);
}

UNIT_TEST(bzimage_refuses_truncated_images)
{
    uint8_t *img = fake_image();
    expect_refused(img, FAKE_LEN - 1, RAM_SIZE, 0, 0, "truncated");
    expect_refused(img, FAKE_SETUP_LEN, RAM_SIZE, 0, 0, "truncated");
    img[HDR_SETUP_SECTS] = 200; /* setup alone longer than the file */
    expect_refused(img, FAKE_LEN, RAM_SIZE, 0, 0, "truncated");
    free(img);
}

UNIT_TEST(bzimage_refuses_what_does_not_fit)
{
    uint8_t *img = fake_image();
    put(img + HDR_INIT_SIZE, 64 * MIB, 4);
    expect_refused(img, FAKE_LEN, RAM_SIZE, 0, 0, "does not fit in guest RAM");
    free(img);
    img = fake_image();
    expect_refused(img, FAKE_LEN, RAM_SIZE, 7 * MIB, 0, "initrd does not fit"); /* 24 - 18 MiB free */
    expect_refused(img, FAKE_LEN, 1 * MIB, 0, 0, "smaller than 1 MiB");
    /* RAM that would cover the MMIO hole; never touched, so a small buffer will do */
    uint8_t small[16] = { 0 };
    struct guest_mem huge = { small, 4096ull * MIB };
    struct boot_entry e;
    const char *err = 0;
    EXPECT(!bzimage_load(&huge, img, FAKE_LEN, 0, 0, 0, &e, &err) && strstr(err, "above 3 GiB"));
    free(img);
}

UNIT_TEST(bzimage_initrd_fits_exactly)
{
    uint8_t *img = fake_image(); /* kernel ends at 18 MiB: 6 MiB left */
    struct guest_mem g = new_ram(RAM_SIZE);
    uint8_t *rd = calloc(1, 6 * MIB);
    struct boot_entry e;
    const char *err = 0;
    EXPECT(bzimage_load(&g, img, FAKE_LEN, rd, 6 * MIB, 0, &e, &err));
    EXPECT(e.initrd_gpa == 18 * MIB);
    free(rd);
    free(g.base);
    free(img);
}

UNIT_TEST(bzimage_command_line_limit)
{
    uint8_t *img = fake_image();
    put(img + HDR_CMDLINE_SIZE, 8, 4);
    expect_refused(img, FAKE_LEN, RAM_SIZE, 0, "123456789", "cmdline_size");
    struct guest_mem g = new_ram(RAM_SIZE);
    struct boot_entry e;
    const char *err = 0;
    EXPECT(bzimage_load(&g, img, FAKE_LEN, 0, 0, "12345678", &e, &err)); /* exactly cmdline_size */
    EXPECT(strcmp((char *)g.base + BZ_CMDLINE_GPA, "12345678") == 0);
    free(g.base);
    free(img);
}

UNIT_TEST(bzimage_refuses_missing_initrd_data)
{
    uint8_t *img = fake_image();
    struct guest_mem g = new_ram(RAM_SIZE);
    struct boot_entry e;
    const char *err = 0;
    EXPECT(!bzimage_load(&g, img, FAKE_LEN, 0, 100, 0, &e, &err) && strstr(err, "initrd"));
    EXPECT(all_zero(&g));
    free(g.base);
    free(img);
}

static uint8_t *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = n > 0 ? malloc((size_t)n) : 0;
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = 0;
    }
    fclose(f);
    *len = buf ? (size_t)n : 0;
    return buf;
}

/* A real kernel (e.g. Debian's 6.1 vmlinuz) if the environment names one. */
UNIT_TEST(bzimage_loads_real_kernel_if_given)
{
    const char *path = getenv("NOVUM_TEST_BZIMAGE");
    if (!path || !*path)
        return;
    size_t len;
    uint8_t *img = read_file(path, &len);
    EXPECT(img != 0);
    if (!img)
        return;
    struct guest_mem g = new_ram(256 * MIB);
    struct boot_entry e;
    const char *err = 0;
    EXPECT(bzimage_load(&g, img, len, initrd_data(), sizeof initrd_bytes, "console=ttyS0", &e, &err));
    if (err)
        printf("#   %s: %s\n", path, err);
    unsigned sects = img[HDR_SETUP_SECTS] ? img[HDR_SETUP_SECTS] : 4;
    uint64_t setup = (sects + 1) * 512ull, kernel = get(img + HDR_SYSSIZE, 4) * 16;
    EXPECT(e.rip == get(img + HDR_PREF_ADDRESS, 8));
    EXPECT(e.rip + e.kernel_size <= e.initrd_gpa);
    EXPECT(memcmp(g.base + e.rip, img + setup, kernel) == 0);
    EXPECT(get(g.base + BZ_ZERO_PAGE_GPA + HDR_VERSION, 2) >= BZ_MIN_PROTOCOL);
    /* and its truncation is refused */
    const char *terr = 0;
    struct guest_mem g2 = new_ram(256 * MIB);
    EXPECT(!bzimage_load(&g2, img, setup + kernel / 2, 0, 0, 0, &e, &terr) && strstr(terr, "truncated"));
    free(g2.base);
    free(g.base);
    free(img);
}
