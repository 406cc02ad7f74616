/* kvmclock: the KVM paravirtual clock (MSRs 0x4b564d00/01 and the legacy
 * 0x11/0x12), so that Linux needs no timer calibration.
 *
 * One reference point serves every vCPU: each vCPU's pvclock structure says
 * tsc_timestamp = boot_tsc, system_time = 0, so guest time is
 * scale(tsc - boot_tsc) on every CPU alike and never goes backwards between
 * them (the TSC is invariant and synchronised; PVCLOCK_TSC_STABLE_BIT says
 * so). The structure is written once, when the guest registers it. The wall
 * clock is the epoch the caller gives (seconds at guest time 0; 0 is fine).
 *
 * `now` is the guest's TSC. Registration addresses must be 4-byte aligned
 * and the structure inside guest RAM; otherwise the write is refused
 * (false: #GP) and nothing is written. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "guest_mem.h"

#define PVCLOCK_TSC_STABLE_BIT 0x01u

enum {
    MSR_KVM_WALL_CLOCK = 0x11, MSR_KVM_SYSTEM_TIME = 0x12,
    MSR_KVM_WALL_CLOCK_NEW = 0x4b564d00, MSR_KVM_SYSTEM_TIME_NEW = 0x4b564d01,
};

struct kvmclock {
    const struct guest_mem *gm;
    uint64_t boot_tsc;
    uint64_t epoch_sec;
    uint32_t mul;
    int8_t shift;
    uint64_t wall_msr;          /* last value written to either wall MSR */
};

struct kvmclock_vcpu {
    uint64_t system_time_msr;   /* last value written (GPA | enable) */
};

/* The pvclock multiplier and shift for a TSC of tsc_khz, computed as KVM's
 * kvm_get_time_scale does: ns = scale(ticks). */
void pvclock_time_scale(uint32_t tsc_khz, uint32_t *mul, int8_t *shift);

/* What the guest computes: ((delta << shift or >> -shift) * mul) >> 32. */
uint64_t pvclock_scale(uint64_t delta, uint32_t mul, int8_t shift);

void kvmclock_init(struct kvmclock *k, const struct guest_mem *gm, uint32_t tsc_khz,
                   uint64_t boot_tsc, uint64_t epoch_sec);

/* Guest time in ns at `now`, as the guest sees it (for hypercalls). */
uint64_t kvmclock_ns(const struct kvmclock *k, uint64_t now);

bool kvmclock_owns_msr(uint32_t msr);
bool kvmclock_msr_read(const struct kvmclock *k, const struct kvmclock_vcpu *v, uint32_t msr,
                       uint64_t *val);
bool kvmclock_msr_write(struct kvmclock *k, struct kvmclock_vcpu *v, uint32_t msr,
                        uint64_t val);
