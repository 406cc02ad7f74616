/* The 8259 pair as Linux's init_8259A programs and uses it. */
#include "pic8259.h"
#include "unit.h"

static void out8(struct pic *p, uint16_t port, uint8_t v)
{
    EXPECT(pic_pio_write(p, port, 1, v));
}

static uint8_t in8(struct pic *p, uint16_t port)
{
    uint32_t v = 0xdead;
    EXPECT(pic_pio_read(p, port, 1, &v));
    return (uint8_t)v;
}

/* Linux 6.1's init_8259A(auto_eoi): vectors 0x30 and 0x38. */
static void linux_init(struct pic *p, bool auto_eoi)
{
    pic_init(p);
    out8(p, 0x21, 0xff);
    out8(p, 0xa1, 0xff);
    out8(p, 0x20, 0x11);
    out8(p, 0x21, 0x30);
    out8(p, 0x21, 0x04);
    out8(p, 0x21, auto_eoi ? 0x03 : 0x01);
    out8(p, 0xa0, 0x11);
    out8(p, 0xa1, 0x38);
    out8(p, 0xa1, 0x02);
    out8(p, 0xa1, 0x01);
    out8(p, 0x21, 0xfb);                 /* all masked but the cascade */
    out8(p, 0xa1, 0xff);
}

UNIT_TEST(pic_probe_reads_back_mask)
{
    struct pic p;
    pic_init(&p);
    out8(&p, 0x21, 0xff);
    EXPECT(in8(&p, 0x21) == 0xff);
    out8(&p, 0x21, 0x5a);
    EXPECT(in8(&p, 0x21) == 0x5a);
    uint32_t v;
    EXPECT(!pic_pio_read(&p, 0x22, 1, &v));
}

UNIT_TEST(pic_masked_irq_is_not_delivered)
{
    struct pic p;
    linux_init(&p, false);
    pic_set_irq(&p, 4, true);
    EXPECT(pic_pending_vector(&p) == -1);
    out8(&p, 0x20, 0x0a);                /* OCW3: read IRR */
    EXPECT(in8(&p, 0x20) == 0x10);
    out8(&p, 0x21, 0xeb);                /* unmask IRQ 4 */
    EXPECT(pic_pending_vector(&p) == 0x34);
}

UNIT_TEST(pic_edge_ack_and_eoi)
{
    struct pic p;
    linux_init(&p, false);
    out8(&p, 0x21, 0xeb);
    pic_set_irq(&p, 4, true);
    EXPECT(pic_ack(&p) == 0x34);
    EXPECT(pic_pending_vector(&p) == -1);
    out8(&p, 0x20, 0x0b);                /* OCW3: read ISR */
    EXPECT(in8(&p, 0x20) == 0x10);
    pic_set_irq(&p, 4, true);            /* no new edge: nothing latched */
    pic_set_irq(&p, 4, false);
    pic_set_irq(&p, 4, true);            /* a new edge while in service */
    EXPECT(pic_pending_vector(&p) == -1); /* blocked by its own ISR bit */
    out8(&p, 0x20, 0x20);                /* non-specific EOI */
    EXPECT(in8(&p, 0x20) == 0x00);
    EXPECT(pic_ack(&p) == 0x34);
    out8(&p, 0x20, 0x64);                /* specific EOI for IRQ 4 */
    EXPECT(in8(&p, 0x20) == 0x00);
    EXPECT(pic_ack(&p) == -1);
}

UNIT_TEST(pic_priority_and_nesting)
{
    struct pic p;
    linux_init(&p, false);
    out8(&p, 0x21, 0x00);
    pic_set_irq(&p, 4, true);
    pic_set_irq(&p, 3, true);
    EXPECT(pic_ack(&p) == 0x33);         /* IRQ 3 outranks IRQ 4 */
    EXPECT(pic_pending_vector(&p) == -1); /* 4 waits for 3's EOI */
    pic_set_irq(&p, 1, true);
    EXPECT(pic_ack(&p) == 0x31);         /* but 1 nests above 3 */
    out8(&p, 0x20, 0x20);                /* EOI ends 1, the highest */
    out8(&p, 0x20, 0x0b);
    EXPECT(in8(&p, 0x20) == 0x08);
    out8(&p, 0x20, 0x20);
    EXPECT(pic_ack(&p) == 0x34);
}

UNIT_TEST(pic_slave_through_cascade)
{
    struct pic p;
    linux_init(&p, false);
    out8(&p, 0xa1, 0xf7);                /* unmask IRQ 11 */
    pic_set_irq(&p, 11, true);
    EXPECT(pic_pending_vector(&p) == 0x3b);
    EXPECT(pic_ack(&p) == 0x3b);
    out8(&p, 0xa0, 0x0b);
    EXPECT(in8(&p, 0xa0) == 0x08);
    out8(&p, 0x20, 0x0b);
    EXPECT(in8(&p, 0x20) == 0x04);       /* the cascade is in service too */
    pic_set_irq(&p, 11, false);
    pic_set_irq(&p, 11, true);
    EXPECT(pic_pending_vector(&p) == -1);
    out8(&p, 0xa0, 0x20);                /* Linux EOIs slave, then master */
    out8(&p, 0x20, 0x20);
    EXPECT(pic_ack(&p) == 0x3b);
}

UNIT_TEST(pic_auto_eoi)
{
    struct pic p;
    linux_init(&p, true);
    out8(&p, 0x21, 0xef);
    pic_set_irq(&p, 4, true);
    EXPECT(pic_ack(&p) == 0x34);
    out8(&p, 0x20, 0x0b);
    EXPECT(in8(&p, 0x20) == 0x00);       /* nothing in service */
    pic_set_irq(&p, 4, false);
    pic_set_irq(&p, 4, true);
    EXPECT(pic_ack(&p) == 0x34);         /* no EOI was needed */
}

UNIT_TEST(pic_elcr_level_mode)
{
    struct pic p;
    linux_init(&p, false);
    out8(&p, 0x4d1, 0xff);
    EXPECT(in8(&p, 0x4d1) == 0xde);      /* IRQ 8 and 13 stay edge */
    out8(&p, 0x4d0, 0x00);
    out8(&p, 0x4d1, 0x02);               /* IRQ 9 level-triggered */
    out8(&p, 0xa1, 0xfd);
    pic_set_irq(&p, 9, true);
    EXPECT(pic_ack(&p) == 0x39);
    out8(&p, 0xa0, 0x20);
    out8(&p, 0x20, 0x20);
    EXPECT(pic_pending_vector(&p) == 0x39); /* still high: again */
    pic_set_irq(&p, 9, false);
    EXPECT(pic_pending_vector(&p) == -1);
}

UNIT_TEST(pic_reinit_and_poll)
{
    struct pic p;
    linux_init(&p, false);
    out8(&p, 0x21, 0x00);
    pic_set_irq(&p, 5, true);
    out8(&p, 0x20, 0x0c);                /* poll */
    EXPECT(in8(&p, 0x20) == 0x85);
    out8(&p, 0x20, 0x0b);
    EXPECT(in8(&p, 0x20) == 0x20);
    out8(&p, 0x20, 0x11);                /* ICW1 resets state */
    out8(&p, 0x21, 0x40);
    out8(&p, 0x21, 0x04);
    out8(&p, 0x21, 0x01);
    EXPECT(in8(&p, 0x21) == 0x00 && in8(&p, 0x20) == 0x00);
    pic_set_irq(&p, 5, false);
    pic_set_irq(&p, 5, true);
    EXPECT(pic_ack(&p) == 0x45);
}

UNIT_TEST(pic_bad_irq_numbers_ignored)
{
    struct pic p;
    linux_init(&p, false);
    out8(&p, 0x21, 0x00);
    pic_set_irq(&p, 16, true);
    pic_set_irq(&p, 2, true);
    EXPECT(pic_pending_vector(&p) == -1);
}
