/* Per-CPU processor setup: descriptor tables, syscall MSRs, FPU. */
#pragma once
#include <stdint.h>
#include <stdbool.h>
#include <arch/percpu.h>

struct tss {
    uint32_t reserved0;
    uint64_t rsp0, rsp1, rsp2;
    uint64_t reserved1;
    uint64_t ist[7];
    uint64_t reserved2;
    uint16_t reserved3, iomap_base;
} __attribute__((packed));

struct cpu_ident {
    uint32_t family, model, stepping, platform, microcode;
    char brand[49];
    uint32_t max_leaf;
    bool has_xsave, has_svm, has_pdpe1gb;
};

extern struct cpu_ident boot_cpu_ident;
extern struct percpu percpu[];

void cpu_identify(struct cpu_ident *id);
void cpu_setup(unsigned cpu, uint32_t apic_id);     /* GDT, TSS, IDT, MSRs, FPU, GS base */
/* Where the CPU puts the frame of the next entry from user mode. */
static inline void tss_set_kernel_entry(struct percpu *cpu, uint64_t rsp0) { cpu->tss->rsp0 = rsp0; }
/* Switch to the empty kernel stack of this CPU and call fn there. */
_Noreturn void continue_on_kstack(void (*fn)(void), uint64_t stack_top);
uint64_t percpu_kstack_top(unsigned cpu);
