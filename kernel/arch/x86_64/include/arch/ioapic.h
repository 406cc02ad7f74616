/* I/O APICs: route a GSI to a vector on one CPU, mask and unmask it. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

#define VEC_GSI_BASE 0x30
#define MAX_GSIS     (0xf0 - VEC_GSI_BASE)   /* vectors up to the kernel's own */
#define MSI_GSIS     32                      /* GSIs after the pins, for message-signalled interrupts */

struct gsi_mode { bool level, active_low; };

void ioapic_init(void);                        /* map them, mask every pin, count the GSIs */
struct gsi_mode gsi_mode_of(unsigned gsi);     /* ISA defaults, MADT overrides, PCI; MSI: edge */
void ioapic_route(unsigned gsi, uint32_t apic_id);
void ioapic_mask(unsigned gsi, bool masked);
