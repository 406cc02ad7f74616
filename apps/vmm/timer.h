/* The VMM's timer: recalls vCPUs when their local APIC timer is due. */
#pragma once
#include <stdbool.h>
#include "vmm.h"

#define TIMER_INDEX 0xffu   /* vCPU index in the PID of the timer EC's STARTUP portal */

/* A global EC on `cpu` at `priority`; false if it cannot be made. It also
 * polls the console's input portal (0: none), which must be on `cpu`. */
bool vmm_timer_start(unsigned cpu, unsigned priority, uint64_t console_input_sel);
/* vCPU 0's handler: typed input into the guest's UART. */
void vmm_input_drain(void);
/* The reply to the timer EC's STARTUP (handled by the main EC). */
void vmm_timer_startup(struct nova_utcb *u);
