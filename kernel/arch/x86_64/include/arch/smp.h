/* Starting the application processors. */
#pragma once

#define TRAMPOLINE_PHYS 0x7000

#ifndef __ASSEMBLER__
#include <stdint.h>

struct trampoline_params {
    uint32_t cr3, efer;
    uint64_t stack;
    uint32_t cpu;
};

void smp_start_aps(unsigned boot_cpu);
#endif
