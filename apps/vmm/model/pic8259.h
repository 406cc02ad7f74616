/* The PC's cascaded 8259A pair: master at 0x20/0x21, slave at 0xa0/0xa1 on
 * the master's IRQ 2, and the ELCR at 0x4d0/0x4d1.
 *
 * Supported: the ICW1-ICW4 sequence (vector base from ICW2, ICW4 auto-EOI
 * and special fully nested mode), OCW1 masks, OCW2 EOIs (non-specific,
 * specific, rotating, set priority), OCW3 IRR/ISR reads, poll and special
 * mask mode. ICW1's level-triggered bit is ignored; triggering is per IRQ
 * from the ELCR (edge by default), as on PIIX chipsets. Single (uncascaded)
 * mode is not modelled: the pair is always cascaded.
 *
 * The VMM delivers the vector as an external interrupt (ExtINT through the
 * BSP's LINT0): when pic_pending_vector() >= 0 and the vCPU can take it, it
 * calls pic_ack() and injects what that returns. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

struct pic_chip {
    uint8_t irr, isr, imr;
    uint8_t lines;        /* input levels, for edge detection */
    uint8_t elcr;         /* 1 = level-triggered */
    uint8_t elcr_mask;    /* which IRQs may be level-triggered */
    uint8_t base;         /* vector of IRQ 0, from ICW2 */
    uint8_t prio_add;     /* IRQ with the highest priority (rotation) */
    uint8_t init_step;    /* 0 ready; 1, 2, 3: expecting ICW2, ICW3, ICW4 */
    bool icw4_needed, auto_eoi, rotate_auto_eoi, read_isr, poll;
    bool special_mask, fully_nested;
};

struct pic {
    struct pic_chip chip[2];  /* 0 master, 1 slave */
};

/* Power-on state: both chips uninitialised, everything unmasked, vectors at
 * 0x08/0x70 as a BIOS would leave them; Linux re-initialises both. */
void pic_init(struct pic *p);

/* IN/OUT exits. False: not a PIC or ELCR port. */
bool pic_pio_read(struct pic *p, uint16_t port, unsigned size, uint32_t *val);
bool pic_pio_write(struct pic *p, uint16_t port, unsigned size, uint32_t val);

/* Drive legacy IRQ line 0-15 (2 is the cascade; ignored). An edge-triggered
 * IRQ latches on a rising edge; a level-triggered one follows the level. */
void pic_set_irq(struct pic *p, unsigned irq, bool level);

/* The vector the pair would deliver now, or -1. */
int pic_pending_vector(const struct pic *p);

/* The CPU's interrupt acknowledge: moves the IRQ to in-service (unless
 * auto-EOI) and returns its vector, or -1 if nothing is pending. */
int pic_ack(struct pic *p);
