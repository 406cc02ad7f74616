/* A local APIC in x2APIC mode only (MSRs 0x800-0x8ff, plus the TSC-deadline
 * MSR 0x6e0), one per vCPU.
 *
 * Time: every call that takes `now` gets the guest's TSC. The timer counts
 * at bus_khz (given at creation; use the TSC frequency, so that an initial
 * count with divide-by-1 lasts exactly that many TSC ticks, and report it in
 * CPUID 0x40000010 EBX). tsc_khz must be below 2^24 (16 GHz) so that no
 * conversion overflows. A change of the divide configuration applies from
 * the next initial-count write. Periodic periods are at least 100 us (as
 * KVM clamps them), so a guest cannot make the VMM spin.
 *
 * Interrupts: every delivered interrupt is edge-triggered (TMR stays 0).
 * lapic_pending_vector/lapic_ack are what the VMM uses to inject; PIC
 * interrupts do not pass through here but are gated by lapic_extint_enabled.
 *
 * IPIs: an ICR or SELF_IPI write delivers fixed interrupts to this vCPU
 * itself; everything for another vCPU (fixed, lowest-priority as fixed,
 * NMI, INIT, SIPI) goes to the ipi callback once per destination x2APIC ID
 * (logical cluster and broadcast destinations already expanded over the
 * `vcpus` IDs 0..vcpus-1). The VMM then calls lapic_accept on the target
 * for fixed ones and kicks it. INIT level de-assert is dropped (as KVM). */
#pragma once
#include <stdbool.h>
#include <stdint.h>

enum lapic_dm {   /* ICR delivery modes as passed to the ipi callback */
    LAPIC_DM_FIXED = 0, LAPIC_DM_NMI = 4, LAPIC_DM_INIT = 5, LAPIC_DM_SIPI = 6,
};

typedef void (*lapic_ipi_fn)(void *ctx, unsigned dest, unsigned mode, unsigned vector);

struct lapic {
    uint32_t id, vcpus, tsc_khz, bus_khz;
    uint32_t tpr, svr, esr, esr_pending, dcr;
    uint32_t lvt[6];             /* timer, thermal, perf, LINT0, LINT1, error */
    uint64_t icr;
    uint32_t irr[8], isr[8];
    uint32_t initial_count;
    uint32_t timer_div;          /* divisor the running count started with */
    uint64_t period;             /* TSC ticks per count-down (0: stopped) */
    uint64_t deadline;           /* next expiry in TSC; valid while armed */
    uint64_t tsc_deadline;       /* MSR 0x6e0 as the guest wrote it */
    bool armed;
    lapic_ipi_fn ipi;
    void *ipi_ctx;
};

/* The power-on state of vCPU `id` of `vcpus` (all LVTs masked, software
 * disabled). */
void lapic_init(struct lapic *l, uint32_t id, uint32_t vcpus, uint32_t tsc_khz,
                uint32_t bus_khz, lapic_ipi_fn ipi, void *ipi_ctx);

/* An INIT signal: back to the power-on state, keeping ID and callback. */
void lapic_reset(struct lapic *l);

/* Does the MSR belong to the local APIC? (0x800-0x8ff and 0x6e0) */
bool lapic_owns_msr(uint32_t msr);

/* RDMSR/WRMSR exits. False: inject #GP (unknown register, write to a
 * read-only one, read of a write-only one, reserved bits). Both first let
 * due timers fire, so the guest sees the state at `now`. */
bool lapic_msr_read(struct lapic *l, uint32_t msr, uint64_t *val, uint64_t now);
bool lapic_msr_write(struct lapic *l, uint32_t msr, uint64_t val, uint64_t now);

/* Fire timers due at `now` into IRR. */
void lapic_tick(struct lapic *l, uint64_t now);

/* TSC of the next timer interrupt, or UINT64_MAX. */
uint64_t lapic_next_event(const struct lapic *l);

/* Highest requested vector whose priority class beats PPR, or -1. */
int lapic_pending_vector(const struct lapic *l);

/* The vector is being injected: IRR -> ISR. */
void lapic_ack(struct lapic *l, unsigned vector);

/* A fixed interrupt from elsewhere (an IPI, a PV send-IPI). Vectors below
 * 16 are refused with ESR's receive-illegal-vector bit; a software-disabled
 * APIC drops them. */
void lapic_accept(struct lapic *l, unsigned vector);

/* May the PIC's INTR reach this CPU? LINT0 unmasked in ExtINT mode. */
bool lapic_extint_enabled(const struct lapic *l);
