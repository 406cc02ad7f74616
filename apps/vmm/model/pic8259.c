#include "pic8259.h"
#include "pio.h"
#include <string.h>

enum { MASTER = 0, SLAVE = 1, CASCADE_IRQ = 2 };

static void chip_reset(struct pic_chip *c, uint8_t base, uint8_t elcr_mask)
{
    uint8_t lines = c->lines, elcr = c->elcr;  /* wires and ELCR survive ICW1 */
    memset(c, 0, sizeof *c);
    c->lines = lines;
    c->elcr = elcr;
    c->elcr_mask = elcr_mask;
    c->base = base;
}

void pic_init(struct pic *p)
{
    memset(p, 0, sizeof *p);
    /* IRQs 0, 1, 2, 8 and 13 are edge-only on PIIX-style chipsets. */
    chip_reset(&p->chip[MASTER], 0x08, 0xf8);
    chip_reset(&p->chip[SLAVE], 0x70, 0xde);
}

/* Priority rank of the highest-priority bit in mask (0 best), or 8. */
static unsigned priority(const struct pic_chip *c, uint8_t mask)
{
    for (unsigned r = 0; r < 8; r++)
        if (mask & (1u << ((r + c->prio_add) & 7)))
            return r;
    return 8;
}

/* The IRQ this chip would raise to its CPU (or master), or -1. */
static int chip_irq(const struct pic_chip *c, bool is_master)
{
    unsigned want = priority(c, c->irr & ~c->imr);
    if (want == 8)
        return -1;
    uint8_t in_service = c->isr;
    if (c->special_mask)            /* masked IRQs do not block others */
        in_service &= ~c->imr;
    if (is_master && c->fully_nested)  /* let the slave nest its own */
        in_service &= (uint8_t)~(1u << CASCADE_IRQ);
    if (want >= priority(c, in_service))
        return -1;
    return (int)((want + c->prio_add) & 7);
}

static void chip_set_line(struct pic_chip *c, unsigned irq, bool level)
{
    uint8_t bit = (uint8_t)(1u << irq);
    if (c->elcr & bit) {
        c->irr = level ? (c->irr | bit) : (c->irr & ~bit);
    } else if (level && !(c->lines & bit)) {
        c->irr |= bit;
    }
    c->lines = level ? (c->lines | bit) : (c->lines & ~bit);
}

/* The slave's INT output is the master's IRQ 2 input. It is followed as a
 * level: a slave request that goes away before the acknowledge (a level IRQ
 * dropped, or masked) then withdraws the master's request too, instead of
 * leaving a latched edge that would end in a spurious IRQ 15. */
static void update_cascade(struct pic *p)
{
    struct pic_chip *m = &p->chip[MASTER];
    uint8_t bit = 1u << CASCADE_IRQ;
    if (chip_irq(&p->chip[SLAVE], false) >= 0) {
        m->irr |= bit;
        m->lines |= bit;
    } else {
        m->irr &= (uint8_t)~bit;
        m->lines &= (uint8_t)~bit;
    }
}

void pic_set_irq(struct pic *p, unsigned irq, bool level)
{
    if (irq >= 16 || irq == CASCADE_IRQ)
        return;
    chip_set_line(&p->chip[irq >> 3], irq & 7, level);
    update_cascade(p);
}

int pic_pending_vector(const struct pic *p)
{
    int irq = chip_irq(&p->chip[MASTER], true);
    if (irq < 0)
        return -1;
    if (irq != CASCADE_IRQ)
        return p->chip[MASTER].base + irq;
    int sirq = chip_irq(&p->chip[SLAVE], false);
    return p->chip[SLAVE].base + (sirq < 0 ? 7 : sirq);  /* 7: spurious */
}

static void chip_intack(struct pic_chip *c, int irq)
{
    uint8_t bit = (uint8_t)(1u << irq);
    if (!(c->elcr & bit))        /* a level IRQ stays requested while high */
        c->irr &= ~bit;
    if (!c->auto_eoi)
        c->isr |= bit;
    else if (c->rotate_auto_eoi)
        c->prio_add = (uint8_t)((irq + 1) & 7);
}

int pic_ack(struct pic *p)
{
    struct pic_chip *m = &p->chip[MASTER], *s = &p->chip[SLAVE];
    int irq = chip_irq(m, true);
    if (irq < 0)
        return -1;
    chip_intack(m, irq);
    int vector = m->base + irq;
    if (irq == CASCADE_IRQ) {
        int sirq = chip_irq(s, false);
        if (sirq >= 0)
            chip_intack(s, sirq);
        vector = s->base + (sirq < 0 ? 7 : sirq);  /* 7: spurious */
    }
    update_cascade(p);
    return vector;
}

/* OCW2: the end-of-interrupt and priority commands. */
static void write_ocw2(struct pic_chip *c, uint8_t v)
{
    unsigned cmd = v >> 5, irq = v & 7;
    unsigned rank = priority(c, c->isr);
    switch (cmd) {
    case 0: c->rotate_auto_eoi = false; break;
    case 4: c->rotate_auto_eoi = true; break;
    case 1: case 5:              /* non-specific EOI (and rotate) */
        if (rank == 8)
            break;
        irq = (rank + c->prio_add) & 7;
        c->isr &= (uint8_t)~(1u << irq);
        if (cmd == 5)
            c->prio_add = (uint8_t)((irq + 1) & 7);
        break;
    case 3: case 7:              /* specific EOI (and rotate) */
        c->isr &= (uint8_t)~(1u << irq);
        if (cmd == 7)
            c->prio_add = (uint8_t)((irq + 1) & 7);
        break;
    case 6: c->prio_add = (uint8_t)((irq + 1) & 7); break;
    default: break;              /* 2: no operation */
    }
}

static void write_ocw3(struct pic_chip *c, uint8_t v)
{
    if (v & 0x02)
        c->read_isr = v & 0x01;
    c->poll = v & 0x04;
    if (v & 0x40)
        c->special_mask = v & 0x20;
}

static void write_cmd(struct pic_chip *c, uint8_t v, uint8_t elcr_mask)
{
    if (v & 0x10) {              /* ICW1 starts initialisation */
        chip_reset(c, c->base, elcr_mask);
        c->icw4_needed = v & 0x01;
        c->init_step = 1;
    } else if (v & 0x08) {
        write_ocw3(c, v);
    } else {
        write_ocw2(c, v);
    }
}

static void write_data(struct pic_chip *c, uint8_t v)
{
    switch (c->init_step) {
    case 1: c->base = v & 0xf8; c->init_step = 2; break;
    case 2: c->init_step = c->icw4_needed ? 3 : 0; break;  /* ICW3: cascade wiring fixed */
    case 3:
        c->auto_eoi = v & 0x02;
        c->fully_nested = v & 0x10;
        c->init_step = 0;
        break;
    default: c->imr = v; break;  /* OCW1 */
    }
}

/* Poll command: acknowledge the highest request and report it. */
static uint8_t poll_chip(struct pic *p, unsigned which)
{
    struct pic_chip *c = &p->chip[which];
    c->poll = false;
    int irq = chip_irq(c, which == MASTER);
    if (irq < 0)
        return 0;
    chip_intack(c, irq);
    return (uint8_t)(0x80 | irq);
}

static int pic_port(uint16_t port)
{
    switch (port) {
    case 0x20: case 0x21: return MASTER;
    case 0xa0: case 0xa1: return SLAVE;
    default: return -1;
    }
}

static bool pic_rd8(void *dev, uint16_t port, uint64_t now, uint8_t *v)
{
    struct pic *p = dev;
    (void)now;
    if (port == 0x4d0 || port == 0x4d1) {
        *v = p->chip[port & 1].elcr;
        return true;
    }
    int which = pic_port(port);
    if (which < 0)
        return false;
    struct pic_chip *c = &p->chip[which];
    if (port & 1)
        *v = c->imr;
    else if (c->poll)
        *v = poll_chip(p, (unsigned)which);
    else
        *v = c->read_isr ? c->isr : c->irr;
    update_cascade(p);
    return true;
}

static bool pic_wr8(void *dev, uint16_t port, uint8_t v)
{
    struct pic *p = dev;
    if (port == 0x4d0 || port == 0x4d1) {
        struct pic_chip *c = &p->chip[port & 1];
        c->elcr = v & c->elcr_mask;
        return true;
    }
    int which = pic_port(port);
    if (which < 0)
        return false;
    struct pic_chip *c = &p->chip[which];
    if (port & 1)
        write_data(c, v);
    else
        write_cmd(c, v, c->elcr_mask);
    update_cascade(p);
    return true;
}

bool pic_pio_read(struct pic *p, uint16_t port, unsigned size, uint32_t *val)
{
    return pio_split_read(p, pic_rd8, port, size, 0, val);
}

bool pic_pio_write(struct pic *p, uint16_t port, unsigned size, uint32_t val)
{
    return pio_split_write(p, pic_wr8, port, size, val);
}
