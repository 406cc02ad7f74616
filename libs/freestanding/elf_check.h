/* ELF64 structures, checking an executable before loading it, and finding
 * a symbol in it. */
#pragma once
#include <stdint.h>
#include <stddef.h>

#define ET_EXEC 2
#define EM_X86_64 62
#define PT_LOAD 1
#define PF_X 1
#define PF_W 2
#define PF_R 4
#define SHT_SYMTAB 2

struct elf64_ehdr {
    uint8_t ident[16];
    uint16_t type, machine;
    uint32_t version;
    uint64_t entry, phoff, shoff;
    uint32_t flags;
    uint16_t ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};

struct elf64_phdr {
    uint32_t type, flags;
    uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

struct elf64_shdr {
    uint32_t name, type;
    uint64_t flags, addr, offset, size;
    uint32_t link, info;
    uint64_t addralign, entsize;
};

struct elf64_sym {
    uint32_t name;
    uint8_t info, other;
    uint16_t shndx;
    uint64_t value, size;
};

_Static_assert(sizeof(struct elf64_ehdr) == 64 && sizeof(struct elf64_phdr) == 56 &&
               sizeof(struct elf64_shdr) == 64 && sizeof(struct elf64_sym) == 24, "ELF64 layouts");

struct elf_image {
    const uint8_t *data;
    uint64_t size, entry;
    const struct elf64_phdr *phdr;
    unsigned phnum;
};

/* 0 if `data` is an x86-64 executable whose segments all lie in
 * [0, user_limit); otherwise the reason it is not. */
const char *elf_check(const void *data, uint64_t size, uint64_t user_limit, struct elf_image *img);
/* The value of the symbol `name` in the ELF's symbol table (.symtab); 0 if
 * there is none or the tables lie outside the `size` bytes (elf_symbol.c). */
uint64_t elf_symbol(const void *elf, uint64_t size, const char *name);
