/* The local APIC: timer, end of interrupt, inter-processor interrupts. */
#pragma once
#include <stdint.h>

extern uint32_t tsc_khz;          /* TSC frequency */
extern uint32_t lapic_timer_khz;  /* LAPIC timer input (bus) frequency */

void lapic_init(uint64_t phys);   /* maps it; per CPU: lapic_enable() */
void lapic_enable(void);
void timers_calibrate(void);
void lapic_eoi(void);
uint32_t lapic_id(void);
void lapic_timer_oneshot(uint32_t ticks);
void lapic_send_ipi(uint32_t apic_id, uint32_t icr_low);
