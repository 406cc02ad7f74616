/* elf_check: every malformation is refused with its reason. */
#include <string.h>
#include "elf_check.h"
#include "unit.h"

#define LIMIT 0x00007fffffffd000ull

struct image {
    uint8_t ident[16];
    uint16_t type, machine;
    uint32_t version;
    uint64_t entry, phoff, shoff;
    uint32_t flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
    struct elf64_phdr ph[2];
    uint8_t payload[64];
};

static struct image good(void)
{
    struct image im;
    memset(&im, 0, sizeof im);
    memcpy(im.ident, "\177ELF\2\1\1", 7);
    im.type = 2;
    im.machine = 62;
    im.entry = 0x400000;
    im.phoff = offsetof(struct image, ph);
    im.phentsize = sizeof(struct elf64_phdr);
    im.phnum = 2;
    im.ph[0] = (struct elf64_phdr){ PT_LOAD, PF_R | PF_X, offsetof(struct image, payload), 0x400000, 0, 64, 64, 4096 };
    im.ph[1] = (struct elf64_phdr){ PT_LOAD, PF_R | PF_W, 0, 0x600000, 0, 0, 0x10000, 4096 };
    return im;
}

static const char *check(const struct image *im, uint64_t size)
{
    struct elf_image out;
    return elf_check(im, size, LIMIT, &out);
}

UNIT_TEST(elf_accepts_a_good_image)
{
    struct image im = good();
    struct elf_image out;
    EXPECT(elf_check(&im, sizeof im, LIMIT, &out) == NULL);
    EXPECT(out.entry == 0x400000 && out.phnum == 2);
}

UNIT_TEST(elf_refuses_short_or_non_elf)
{
    struct image im = good();
    EXPECT(!strcmp(check(&im, 10), "not an ELF file"));
    im.ident[1] = 'X';
    EXPECT(!strcmp(check(&im, sizeof im), "not an ELF file"));
}

UNIT_TEST(elf_refuses_other_machines_and_classes)
{
    struct image im = good();
    im.machine = 183;
    EXPECT(!strcmp(check(&im, sizeof im), "not an x86-64 ELF64 executable"));
    im = good();
    im.ident[4] = 1;
    EXPECT(!strcmp(check(&im, sizeof im), "not an x86-64 ELF64 executable"));
    im = good();
    im.type = 3;   /* ET_DYN */
    EXPECT(!strcmp(check(&im, sizeof im), "not an x86-64 ELF64 executable"));
}

UNIT_TEST(elf_refuses_headers_outside_the_module)
{
    struct image im = good();
    im.phoff = sizeof im - 8;
    EXPECT(!strcmp(check(&im, sizeof im), "program headers outside the module"));
    im = good();
    im.phoff = UINT64_MAX - 8;
    EXPECT(!strcmp(check(&im, sizeof im), "program headers outside the module"));
    im = good();
    im.phnum = 0xffff;
    EXPECT(!strcmp(check(&im, sizeof im), "program headers outside the module"));
}

UNIT_TEST(elf_refuses_bad_segments)
{
    struct image im = good();
    im.ph[0].vaddr = 0xffff800000000000ull;
    EXPECT(!strcmp(check(&im, sizeof im), "segment outside user space"));
    im = good();
    im.ph[1].vaddr = LIMIT - 0x1000;   /* memsz runs past the limit */
    EXPECT(!strcmp(check(&im, sizeof im), "segment outside user space"));
    im = good();
    im.ph[1].memsz = UINT64_MAX;       /* wraps */
    EXPECT(!strcmp(check(&im, sizeof im), "segment outside user space"));
    im = good();
    im.ph[0].filesz = 4096;
    im.ph[0].memsz = 4096;
    EXPECT(!strcmp(check(&im, sizeof im), "segment data outside the module"));
    im = good();
    im.ph[0].memsz = 8;
    EXPECT(!strcmp(check(&im, sizeof im), "segment file size exceeds its memory size"));
    im = good();
    im.ph[0].type = im.ph[1].type = 4;
    EXPECT(!strcmp(check(&im, sizeof im), "no loadable segment"));
    im = good();
    im.entry = LIMIT;
    EXPECT(!strcmp(check(&im, sizeof im), "entry point outside user space"));
}
