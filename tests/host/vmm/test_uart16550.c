/* The 16550 as Linux's 8250 driver uses it: probe, polled console output,
 * THRE and receive interrupts, divisor latch, batching into the sink. */
#include "uart16550.h"
#include "unit.h"
#include <string.h>

#define COM1 0x3f8

struct sink { uint8_t buf[1024]; size_t len; unsigned calls; };

static void collect(void *ctx, const uint8_t *b, size_t n)
{
    struct sink *s = ctx;
    memcpy(s->buf + s->len, b, n);
    s->len += n;
    s->calls++;
}

static uint8_t in8(struct uart *u, unsigned reg)
{
    uint32_t v = 0xdead;
    EXPECT(uart_pio_read(u, (uint16_t)(COM1 + reg), 1, &v));
    return (uint8_t)v;
}

static void out8(struct uart *u, unsigned reg, uint8_t v)
{
    EXPECT(uart_pio_write(u, (uint16_t)(COM1 + reg), 1, v));
}

UNIT_TEST(uart_idle_registers)
{
    struct uart u;
    uart_init(&u, COM1, 0, 0);
    EXPECT(in8(&u, 5) == 0x60);          /* LSR: THRE|TEMT, no data */
    EXPECT(in8(&u, 2) == 0x01);          /* IIR: nothing pending, no FIFO */
    EXPECT(in8(&u, 6) == 0xb0);          /* MSR: DCD|DSR|CTS */
    EXPECT(!uart_irq(&u));
    uint32_t v;
    EXPECT(!uart_pio_read(&u, COM1 + 8, 1, &v));
    EXPECT(!uart_pio_write(&u, COM1 - 1, 1, 0));
}

UNIT_TEST(uart_probe_like_8250)
{
    struct uart u;
    uart_init(&u, COM1, 0, 0);
    out8(&u, 1, 0);
    EXPECT(in8(&u, 1) == 0);
    out8(&u, 1, 0xff);
    EXPECT(in8(&u, 1) == 0x0f);          /* only the defined IER bits stick */
    out8(&u, 1, 0);
    out8(&u, 7, 0xa5);
    EXPECT(in8(&u, 7) == 0xa5);          /* scratch */
    out8(&u, 2, 0x07);                   /* FIFO enable + clear */
    EXPECT((in8(&u, 2) & 0xc0) == 0xc0); /* 16550A with working FIFOs */
    out8(&u, 3, 0xbf);                   /* EFR probe with LCR=0xbf */
    EXPECT(in8(&u, 2) != 0);             /* no EFR: IIR shows through */
    out8(&u, 3, 0x03);
}

UNIT_TEST(uart_loopback_test)
{
    struct uart u;
    uart_init(&u, COM1, 0, 0);
    out8(&u, 4, 0x10 | 0x0a);            /* loop, RTS, OUT2 */
    EXPECT((in8(&u, 6) & 0xf0) == 0x90); /* CTS|DCD, what 8250 checks */
    out8(&u, 0, 'x');
    EXPECT(in8(&u, 5) & 0x01);
    EXPECT(in8(&u, 0) == 'x');
    out8(&u, 4, 0);
}

UNIT_TEST(uart_divisor_latch)
{
    struct uart u;
    uart_init(&u, COM1, 0, 0);
    out8(&u, 1, 0x05);
    out8(&u, 3, 0x83);                   /* DLAB, 8N1 */
    out8(&u, 0, 0x01);
    out8(&u, 1, 0x00);
    EXPECT(in8(&u, 0) == 0x01 && in8(&u, 1) == 0x00);
    out8(&u, 3, 0x03);
    EXPECT(in8(&u, 3) == 0x03);
    EXPECT(in8(&u, 1) == 0x05);          /* IER untouched by latch writes */
    EXPECT(u.dll == 1 && u.dlm == 0);
}

UNIT_TEST(uart_output_batched_until_newline_or_flush)
{
    struct uart u;
    struct sink s = { .len = 0 };
    uart_init(&u, COM1, collect, &s);
    const char *msg = "hi\n# ";
    for (const char *p = msg; *p; p++) {
        EXPECT(in8(&u, 5) & 0x20);       /* the polled console waits on THRE */
        out8(&u, 0, (uint8_t)*p);
    }
    EXPECT(s.len == 3 && s.calls == 1 && !memcmp(s.buf, "hi\n", 3));
    uart_flush(&u);
    EXPECT(s.len == 5 && !memcmp(s.buf, "hi\n# ", 5));
    uart_flush(&u);
    EXPECT(s.calls == 2);                /* nothing left: no empty call */
}

UNIT_TEST(uart_full_batch_is_flushed)
{
    struct uart u;
    struct sink s = { .len = 0 };
    uart_init(&u, COM1, collect, &s);
    for (unsigned i = 0; i < UART_TX_BATCH + 1; i++)
        out8(&u, 0, 'a');
    EXPECT(s.len == UART_TX_BATCH && s.calls == 1);
}

UNIT_TEST(uart_thre_interrupt)
{
    struct uart u;
    uart_init(&u, COM1, 0, 0);
    out8(&u, 1, 0x02);                   /* enabling THRE raises it at once */
    EXPECT(uart_irq(&u));
    EXPECT(in8(&u, 2) == 0x02);
    EXPECT(!uart_irq(&u));               /* the IIR read acknowledged it */
    EXPECT(in8(&u, 2) == 0x01);
    out8(&u, 0, 'a');                    /* sent at once: THRE again */
    EXPECT(uart_irq(&u));
    out8(&u, 1, 0);
    EXPECT(!uart_irq(&u));
    out8(&u, 1, 0x02);                   /* the 8250 THRE re-assert test */
    EXPECT(in8(&u, 2) == 0x02);
}

UNIT_TEST(uart_receive_interrupt_and_priority)
{
    struct uart u;
    uart_init(&u, COM1, 0, 0);
    EXPECT(uart_input(&u, (const uint8_t *)"ab", 2) == 2);
    EXPECT(!uart_irq(&u));               /* data, but RDA not enabled */
    EXPECT(in8(&u, 5) == 0x61);
    out8(&u, 1, 0x03);
    EXPECT(uart_irq(&u));
    EXPECT(in8(&u, 2) == 0x04);          /* RDA outranks THRE */
    EXPECT(in8(&u, 0) == 'a');
    EXPECT(in8(&u, 2) == 0x04);
    EXPECT(in8(&u, 0) == 'b');
    EXPECT(in8(&u, 5) == 0x60);
    EXPECT(in8(&u, 2) == 0x02);          /* then THRE, still pending */
    EXPECT(!uart_irq(&u));
}

UNIT_TEST(uart_fifo_limits_and_clear)
{
    struct uart u;
    uart_init(&u, COM1, 0, 0);
    uint8_t many[UART_RX_FIFO + 10];
    for (unsigned i = 0; i < sizeof many; i++)
        many[i] = (uint8_t)i;
    EXPECT(uart_input(&u, many, sizeof many) == UART_RX_FIFO);
    EXPECT(uart_input(&u, many, 1) == 0);
    EXPECT(in8(&u, 0) == 0 && in8(&u, 0) == 1);
    EXPECT(uart_input(&u, many, 3) == 2); /* wraps around the ring */
    out8(&u, 2, 0x03);                    /* clear RX FIFO */
    EXPECT(!(in8(&u, 5) & 0x01));
    EXPECT(in8(&u, 0) == 0);
}

UNIT_TEST(uart_wide_access_splits_into_bytes)
{
    struct uart u;
    uart_init(&u, COM1, 0, 0);
    uint32_t v;
    EXPECT(uart_pio_read(&u, COM1 + 5, 2, &v));
    EXPECT(v == 0xb060);                  /* LSR, then MSR */
    EXPECT(uart_pio_read(&u, COM1 + 7, 2, &v));
    EXPECT(v == 0xff00);                  /* SCR, then a port not ours */
    EXPECT(!uart_pio_read(&u, COM1, 3, &v));
}
