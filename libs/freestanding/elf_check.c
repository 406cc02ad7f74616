/* ELF64 validation, shared by the kernel (root task) and the root server
 * (components): everything a loader relies on is checked here, so a
 * malformed module is refused with a reason and nothing is half-loaded. */
#include "elf_check.h"
#include "string.h"

static const char *check_segment(const struct elf64_phdr *p, uint64_t size, uint64_t user_limit)
{
    if (p->filesz > p->memsz)
        return "segment file size exceeds its memory size";
    if (p->offset > size || p->filesz > size - p->offset)
        return "segment data outside the module";
    if (p->vaddr >= user_limit || p->memsz > user_limit - p->vaddr)
        return "segment outside user space";
    return 0;
}

const char *elf_check(const void *data, uint64_t size, uint64_t user_limit, struct elf_image *img)
{
    const struct elf64_ehdr *eh = data;
    if (size < sizeof *eh || memcmp(eh->ident, "\177ELF", 4) != 0)
        return "not an ELF file";
    if (eh->ident[4] != 2 || eh->ident[5] != 1 || eh->machine != EM_X86_64 || eh->type != ET_EXEC)
        return "not an x86-64 ELF64 executable";
    if (eh->phentsize != sizeof(struct elf64_phdr) || eh->phoff > size ||
        (uint64_t)eh->phnum * sizeof(struct elf64_phdr) > size - eh->phoff)
        return "program headers outside the module";
    if (eh->phoff % 8)
        return "misaligned program headers";
    const struct elf64_phdr *ph = (const void *)((const uint8_t *)data + eh->phoff);
    unsigned loads = 0;
    for (unsigned i = 0; i < eh->phnum; i++) {
        if (ph[i].type != PT_LOAD)
            continue;
        const char *why = check_segment(&ph[i], size, user_limit);
        if (why)
            return why;
        loads++;
    }
    if (!loads)
        return "no loadable segment";
    if (eh->entry >= user_limit)
        return "entry point outside user space";
    *img = (struct elf_image){ data, size, eh->entry, ph, eh->phnum };
    return 0;
}
