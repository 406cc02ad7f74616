/* The MSRs a vCPU reaches that are neither the local APIC's
 * (lapic_owns_msr), kvmclock's (kvmclock_owns_msr) nor the VMM core's
 * (EFER), nor switched by the kernel (FS/GS/KernelGS base, STAR, LSTAR,
 * CSTAR, SFMASK, SYSENTER, PAT).
 *
 * The rule for everything else: #GP (false), as KVM does without
 * ignore_msrs. Linux 6.1 probes optional MSRs with rdmsr_safe/wrmsr_safe,
 * and an unguarded access it did not expect costs a one-line "unchecked MSR
 * access error" warning, not a crash; answering 0 instead could make it
 * believe a feature (a mitigation control, say) is there when it is not.
 * The MSRs Linux reads unconditionally on the CPUID we offer are answered:
 *
 *   0x10 TSC            read: the guest TSC (`now`); write: #GP
 *   0x17 PLATFORM_ID    read 0
 *   0x1b APIC_BASE      0xfee00000 | EN | EXTD | BSP(vCPU 0); writing the
 *                       same value is accepted, any change (leaving x2APIC
 *                       mode, moving it) is #GP: x2APIC mode is all we have
 *   0x3a FEATURE_CONTROL read 1 (locked, VMX off)
 *   0x8b BIOS_SIGN_ID / AMD PATCH_LEVEL  read 0, writes ignored
 *   0xfe MTRRcap, 0x200-0x20f variable, 0x250/0x258/0x259/0x268-0x26f
 *        fixed, 0x2ff MTRRdefType: stored per vCPU; defaults say "all
 *        write-back" (defType 0xc06, fixed 0x06..06, no variable ranges)
 *   0x179 MCG_CAP, 0x17a MCG_STATUS  read 0 (no banks)
 *   0x1a0 MISC_ENABLE   fast strings | BTS and PEBS unavailable; stored
 *   0x1d9 DEBUGCTL      read 0, write 0 only
 *   0xc0010010 SYSCFG   read 0 (no SME, no TOM2)
 *   0xc0010015 HWCR     bit 24 (TSC counts at P0 frequency); stored
 *   0xc0011029 DE_CFG   bit 1 (LFENCE serialising); writes ignored
 *   0x48 SPEC_CTRL, 0x49 PRED_CMD, 0x10a ARCH_CAPABILITIES: #GP — the
 *        kernel does not switch them and CPUID does not offer them. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

struct msr_vcpu {
    unsigned vcpu;
    uint64_t misc_enable, hwcr;
    uint64_t mtrr[28];          /* defType, 11 fixed, 16 variable (base/mask) */
};

void msr_init(struct msr_vcpu *m, unsigned vcpu);

/* RDMSR/WRMSR exits for the MSRs above; false: inject #GP. */
bool msr_read(const struct msr_vcpu *m, uint32_t msr, uint64_t now, uint64_t *val);
bool msr_write(struct msr_vcpu *m, uint32_t msr, uint64_t val);
