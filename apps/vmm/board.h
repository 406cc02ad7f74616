/* The VM's platform: the devices behind its ports and MSRs, and the
 * interrupt lines between them (docs/vmm.md). One board per VM; the
 * handlers of all vCPUs use it, each holding the board lock. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "model/cmos.h"
#include "model/lapic.h"
#include "model/pic8259.h"
#include "model/pm.h"
#include "model/uart16550.h"
#include "vmm.h"

struct board {
    struct uart com1;
    struct pic pic;
    struct cmos cmos;
    struct pm pm;
    struct lapic lapic[VMM_MAX_VCPUS];
    uint64_t unknown_ports;          /* accesses to ports no device owns */
    uint32_t port_exits[8192];       /* I/O exits by group of 8 ports, for the figures */
};

extern struct board board;

void board_init(unsigned vcpus, uint32_t tsc_khz);
/* An IN or OUT of `size` bytes; IN fills *val (all ones for nobody's port). */
void board_pio(uint16_t port, unsigned size, bool in, uint32_t *val);
/* Interrupt lines after any device access: the UART's IRQ 4 to the PIC. */
void board_update_irqs(void);
/* The highest vector vCPU v should take now, or -1; board_ack takes it. */
int board_pending_vector(unsigned v, uint64_t now);
void board_ack(unsigned v, int vector);
/* When vCPU v next needs attention (a timer), in TSC; UINT64_MAX if never. */
uint64_t board_next_event(unsigned v);
