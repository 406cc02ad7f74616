/* The component's start on musl: record the start-up values
 * (include/nova/component.h), lay out the process vector Linux would put on
 * the stack (argc, argv, envp, auxiliary vector) and hand it to musl's
 * __libc_start_main, which sets up TLS and stdio, runs constructors and
 * calls main. */
#include <elf.h>
#include <stdint.h>
#include <nova/component.h>
#include "posix.h"

int main();
int __libc_start_main(int (*main)(), int argc, char **argv, void (*init)(void), void (*fini)(void),
                      void (*ldso)(void));
_Noreturn void posix_start(uint64_t index, uint64_t heap_base, uint64_t heap_size, uint64_t cpu,
                           uint64_t tsc_khz, uint64_t console_sel, uint64_t console_input_sel);

/* The ELF header, when the linker script maps it (libs/libnova/user.ld):
 * musl finds the program headers, and so PT_TLS, through AT_PHDR. */
extern const Elf64_Ehdr __ehdr_start __attribute__((weak));

static char program_name[] = "component";
static uint8_t random_bytes[16];

enum { ARGV0, ARGV_END, ENVP_END, AUXV, AUXV_WORDS = 12, VECTOR_WORDS = AUXV + AUXV_WORDS };
static uintptr_t process_vector[VECTOR_WORDS];

/* Not secret: only the TSC. musl seeds its malloc's pointer checks and the
 * stack protector's canary from these bytes. */
static void fill_random_bytes(void)
{
    for (unsigned i = 0; i < sizeof random_bytes; i++) {
        uint32_t lo, hi;
        __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
        random_bytes[i] = (uint8_t)(lo * 2654435761u >> 24 ^ hi);
    }
}

static void set_auxv(void)
{
    uintptr_t *aux = &process_vector[AUXV];
    unsigned n = 0;
    if (&__ehdr_start) {
        aux[n++] = AT_PHDR;
        aux[n++] = (uintptr_t)&__ehdr_start + __ehdr_start.e_phoff;
        aux[n++] = AT_PHNUM;
        aux[n++] = __ehdr_start.e_phnum;
        aux[n++] = AT_PHENT;
        aux[n++] = __ehdr_start.e_phentsize;
    }
    aux[n++] = AT_PAGESZ;
    aux[n++] = 4096;
    aux[n++] = AT_RANDOM;
    aux[n++] = (uintptr_t)random_bytes;
    aux[n++] = AT_NULL;
    aux[n++] = 0;
}

_Noreturn void posix_start(uint64_t index, uint64_t heap_base, uint64_t heap_size, uint64_t cpu,
                           uint64_t tsc_khz, uint64_t console_sel, uint64_t console_input_sel)
{
    struct nova_component_start start = { index, heap_base, heap_size, cpu, tsc_khz, console_sel,
                                           console_input_sel };
    nova_component_init(&start);
    posix_memory_init((uintptr_t)heap_base, (size_t)heap_size);
    fill_random_bytes();
    process_vector[ARGV0] = (uintptr_t)program_name;   /* argv[1] and envp[0] stay NULL */
    set_auxv();
    __libc_start_main(main, 1, (char **)process_vector, 0, 0, 0);
    __builtin_unreachable();   /* it ends in exit(main's value) */
}
