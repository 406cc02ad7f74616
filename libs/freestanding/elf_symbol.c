/* Finding a symbol in an ELF64 file: the root server looks up each
 * component's portal entry (nova_portal_entry) this way. Every offset is
 * checked against the file's size before it is followed. */
#include <stdbool.h>
#include "elf_check.h"

static bool inside(uint64_t offset, uint64_t length, uint64_t size)
{
    return offset <= size && length <= size - offset;
}

/* The section headers, or 0 if they do not lie whole and aligned in the file. */
static const struct elf64_shdr *section_headers(const struct elf64_ehdr *eh, uint64_t size)
{
    if (size < sizeof *eh || eh->shentsize != sizeof(struct elf64_shdr) || eh->shoff % 8 ||
        !inside(eh->shoff, (uint64_t)eh->shnum * sizeof(struct elf64_shdr), size))
        return 0;
    return (const struct elf64_shdr *)((const uint8_t *)eh + eh->shoff);
}

/* Is the string at `offset` of a string table of `length` bytes `name`? */
static bool name_is(const char *strtab, uint64_t length, uint64_t offset, const char *name)
{
    for (; offset < length; offset++, name++) {
        if (strtab[offset] != *name)
            return false;
        if (!*name)
            return true;
    }
    return false;   /* runs off the table's end */
}

static uint64_t symbol_in(const uint8_t *elf, uint64_t size, const struct elf64_shdr *symtab,
                          const struct elf64_shdr *strtab, const char *name)
{
    if (symtab->offset % 8 || !inside(symtab->offset, symtab->size, size) ||
        !inside(strtab->offset, strtab->size, size))
        return 0;
    const struct elf64_sym *sym = (const struct elf64_sym *)(elf + symtab->offset);
    const char *str = (const char *)elf + strtab->offset;
    for (uint64_t i = 0; i < symtab->size / sizeof *sym; i++)
        if (name_is(str, strtab->size, sym[i].name, name))
            return sym[i].value;
    return 0;
}

uint64_t elf_symbol(const void *elf, uint64_t size, const char *name)
{
    const struct elf64_ehdr *eh = elf;
    const struct elf64_shdr *sh = section_headers(eh, size);
    for (unsigned i = 0; sh && i < eh->shnum; i++) {
        if (sh[i].type != SHT_SYMTAB || sh[i].link >= eh->shnum)
            continue;
        uint64_t value = symbol_in(elf, size, &sh[i], &sh[sh[i].link], name);
        if (value)
            return value;
    }
    return 0;
}
