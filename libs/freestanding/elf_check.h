/* Checking an ELF64 executable before loading it. */
#pragma once
#include <stdint.h>
#include <stddef.h>

#define PT_LOAD 1
#define PF_X 1
#define PF_W 2
#define PF_R 4

struct elf64_phdr {
    uint32_t type, flags;
    uint64_t offset, vaddr, paddr, filesz, memsz, align;
};

struct elf_image {
    const uint8_t *data;
    uint64_t size, entry;
    const struct elf64_phdr *phdr;
    unsigned phnum;
};

/* 0 if `data` is an x86-64 executable whose segments all lie in
 * [0, user_limit); otherwise the reason it is not. */
const char *elf_check(const void *data, uint64_t size, uint64_t user_limit, struct elf_image *img);
