/* The VMM's parts that exits.c calls: start-up of vCPUs (platform.c), CPUID
 * (cpuid.c), MSRs (msr.c), KVM hypercalls (hypercall.c), power management,
 * IPIs between vCPUs, reports. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "model/pm.h"
#include "vmm.h"

/* STARTUP: vCPU 0 starts the loaded kernel with guest memory; the others
 * wait (halted) for an INIT-SIPI. False: stop. */
bool vmm_startup(struct vcpu *v, struct exit *e);
/* RECALL of an AP whose start-up IPI came: real mode at vector << 12. */
void vmm_start_ap(struct vcpu *v, struct exit *e);
void vmm_cpuid(struct vcpu *v, struct exit *e);
/* RDMSR/WRMSR (QUAL[0]: 0 read, 1 write; MSR number in RCX). False: #GP. */
bool vmm_msr(struct vcpu *v, struct exit *e);
void vmm_hypercall(struct vcpu *v, struct exit *e);
/* Power-off or reset asked for through the PM or reset ports: the VM ends. */
void vmm_pm_event(enum pm_event ev);
/* An IPI from a local APIC to vCPU `dest` (fixed ones are in its APIC already). */
void vmm_ipi(unsigned dest, unsigned mode, unsigned vector);
/* A report on the console, naming the vCPU. */
void vmm_report(const struct vcpu *v, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The VM cannot go on: stop every vCPU and print the figures. */
void vmm_stop(struct vcpu *v);
/* Make vCPU v look at its interrupts soon (a recall, unless one is pending). */
void vmm_kick(struct vcpu *v);
