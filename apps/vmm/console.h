/* The VMM's console output. Only the main EC (vCPU 0's handler) may call
 * the console portal, which is on its CPU; output of other handlers waits
 * in a buffer until vCPU 0's next exit. Call with the VMM lock held. */
#pragma once
#include <stdbool.h>
#include <stddef.h>

void vmm_console(const char *s, size_t n);
void vmm_printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* vCPU 0's handler: write what others left. */
void vmm_console_flush(void);
/* Output of other handlers waits for vCPU 0. */
bool vmm_console_pending(void);
