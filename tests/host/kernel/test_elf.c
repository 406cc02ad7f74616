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

/* elf_symbol: an image with a section header table of a null section, a
 * symbol table and its string table. */
struct sym_image {
    struct elf64_ehdr eh;
    struct elf64_shdr sh[3];
    struct elf64_sym sym[3];
    char str[40];
};

static struct sym_image sym_good(void)
{
    static const char names[] = "\0nova_portal_entry\0main\0nova_portal";
    struct sym_image im;
    memset(&im, 0, sizeof im);
    memcpy(im.eh.ident, "\177ELF\2\1\1", 7);
    im.eh.shoff = offsetof(struct sym_image, sh);
    im.eh.shentsize = sizeof(struct elf64_shdr);
    im.eh.shnum = 3;
    im.sh[1] = (struct elf64_shdr){ .type = SHT_SYMTAB, .offset = offsetof(struct sym_image, sym),
                                    .size = sizeof im.sym, .link = 2, .entsize = sizeof(struct elf64_sym) };
    im.sh[2] = (struct elf64_shdr){ .type = 3, .offset = offsetof(struct sym_image, str), .size = sizeof names };
    im.sym[1] = (struct elf64_sym){ .name = 1, .value = 0x401000 };    /* nova_portal_entry */
    im.sym[2] = (struct elf64_sym){ .name = 19, .value = 0x402000 };   /* main */
    memcpy(im.str, names, sizeof names);
    return im;
}

UNIT_TEST(elf_symbol_finds_exact_names_only)
{
    struct sym_image im = sym_good();
    EXPECT(elf_symbol(&im, sizeof im, "nova_portal_entry") == 0x401000);
    EXPECT(elf_symbol(&im, sizeof im, "main") == 0x402000);
    EXPECT(elf_symbol(&im, sizeof im, "nova_portal") == 0);      /* only in the string table */
    EXPECT(elf_symbol(&im, sizeof im, "nova_portal_entryx") == 0);
    EXPECT(elf_symbol(&im, sizeof im, "ma") == 0);
}

UNIT_TEST(elf_symbol_refuses_tables_outside_the_file)
{
    struct sym_image im = sym_good();
    EXPECT(elf_symbol(&im, offsetof(struct sym_image, str) + 4, "main") == 0);   /* string table cut */
    im.eh.shoff = UINT64_MAX - 8;
    EXPECT(elf_symbol(&im, sizeof im, "main") == 0);
    im = sym_good();
    im.eh.shoff += 4;   /* misaligned headers */
    EXPECT(elf_symbol(&im, sizeof im, "main") == 0);
    im = sym_good();
    im.sh[1].size = UINT64_MAX - 16;
    EXPECT(elf_symbol(&im, sizeof im, "main") == 0);
    im = sym_good();
    im.sh[1].link = 3;   /* no such section */
    EXPECT(elf_symbol(&im, sizeof im, "main") == 0);
    im = sym_good();
    im.sym[2].name = sizeof im.str - 2;   /* runs off the string table's end */
    im.str[sizeof im.str - 2] = 'm', im.str[sizeof im.str - 1] = 'a';
    im.sh[2].size = sizeof im.str;
    EXPECT(elf_symbol(&im, sizeof im, "ma") == 0);
}
