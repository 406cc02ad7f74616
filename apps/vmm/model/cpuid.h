/* The CPUID a guest sees: the host's values filtered through allow-lists,
 * plus what this VMM provides (x2APIC, TSC-deadline, topology, the KVM
 * leaves).
 *
 * Hidden because the kernel does not switch the state or the VMM does not
 * offer it: SVM/VMX, MONITOR/MWAIT, XSAVE/OSXSAVE and everything using AVX
 * state (only FPU/SSE state is switched per vCPU; XCR0 is the host's),
 * LA57, PCID/INVPCID, PKU, RDTSCP/RDPID (TSC_AUX is not switched), MCE/MCA,
 * speculation controls (SPEC_CTRL/PRED_CMD/ARCH_CAPABILITIES are not
 * switched either, so claiming them would fake mitigations), performance
 * counters, APERF/MPERF, OSVW, IBS, TOPOEXT, SEV/SME (leaf 0x8000001f),
 * TSC_ADJUST. Leaves not listed read as zero; the basic range ends at 0x1f,
 * the extended one at 0x80000008, the hypervisor range at 0x40000010.
 *
 * Topology: `vcpus` cores of one thread in one package, x2APIC ID = vcpu
 * index (leaf 1, 0xb, 0x1f, 0x80000008 ECX agree). */
#pragma once
#include <stdint.h>

struct cpuid_host {
    /* Reads the host's CPUID leaf/subleaf into out[EAX, EBX, ECX, EDX]. */
    void (*query)(void *ctx, uint32_t leaf, uint32_t sub, uint32_t out[4]);
    void *ctx;
    uint32_t tsc_khz;   /* leaf 0x40000010 EAX */
    uint32_t bus_khz;   /* leaf 0x40000010 EBX: the local APIC timer's clock */
};

/* KVM feature bits offered in 0x40000001 EAX: exactly what is implemented. */
#define KVM_FEATURE_CLOCKSOURCE (1u << 0)
#define KVM_FEATURE_NOP_IO_DELAY (1u << 1)
#define KVM_FEATURE_CLOCKSOURCE2 (1u << 3)
#define KVM_FEATURE_CLOCKSOURCE_STABLE_BIT (1u << 24)

void cpuid_guest(const struct cpuid_host *host, unsigned vcpu, unsigned vcpus, uint32_t leaf,
                 uint32_t sub, uint32_t out[4]);
