/*
 * uart: the console driver. It owns COM1 (I/O ports 0x3f8-0x3ff, granted
 * from the start by system.toml's io_ports), sets it to 115200 8N1 with
 * FIFOs, and serves the "console" portal: w0 = byte count n, the bytes
 * packed little-endian in w1, w2, ... (U = 1 + ceil(n / 8)); it writes them
 * by polling the line status register, "\n" as "\r\n", and replies U = 0.
 * Its own messages (stdout) go straight to the port.
 */
#include <stdio.h>
#include <nova/component.h>

#define COM1        0x3f8u
#define UART_DATA   0u      /* THR (write), divisor low with DLAB */
#define UART_IER    1u      /* interrupt enable, divisor high with DLAB */
#define UART_FCR    2u      /* FIFO control */
#define UART_LCR    3u      /* line control */
#define UART_MCR    4u      /* modem control */
#define UART_LSR    5u      /* line status */
#define LCR_DLAB    0x80u
#define LCR_8N1     0x03u
#define FCR_ENABLE  0xc7u   /* enable, clear both FIFOs, 14-byte threshold */
#define MCR_DTR_RTS 0x03u   /* no OUT2: we poll, no interrupts */
#define LSR_THRE    0x20u   /* transmit holding register empty */
#define DIVISOR     1u      /* 115200 baud from the 1.8432 MHz clock */
#define SPIN_LIMIT  1000000u

static inline void outb(uint16_t port, uint8_t v)
{
    __asm__ volatile("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static void uart_init(void)
{
    outb(COM1 + UART_IER, 0x00);
    outb(COM1 + UART_LCR, LCR_DLAB);
    outb(COM1 + UART_DATA, DIVISOR & 0xff);
    outb(COM1 + UART_IER, DIVISOR >> 8);
    outb(COM1 + UART_LCR, LCR_8N1);
    outb(COM1 + UART_FCR, FCR_ENABLE);
    outb(COM1 + UART_MCR, MCR_DTR_RTS);
}

static void uart_putc(char c)
{
    /* Bounded, so a missing or stuck UART cannot hang the driver forever. */
    for (unsigned spin = 0; spin < SPIN_LIMIT && !(inb(COM1 + UART_LSR) & LSR_THRE); spin++)
        __asm__ volatile("pause");
    outb(COM1 + UART_DATA, (uint8_t)c);
}

static void uart_write(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n')
            uart_putc('\r');
        uart_putc(s[i]);
    }
}

/* The "console" portal (the only one offered, PID 0). */
static uint64_t console_call(uint64_t pid, struct nova_utcb *u)
{
    (void)pid;
    uint64_t words = nova_utcb_items_u(u->head.items);
    if (words > NOVA_UTCB_DATA_WORDS)
        words = NOVA_UTCB_DATA_WORDS;
    if (words >= 1) {
        uint64_t n = u->data.words[0];
        uint64_t sent = 8 * (words - 1);   /* bytes the message actually holds */
        if (n > sent)
            n = sent;
        if (n > CONSOLE_MAX_BYTES)
            n = CONSOLE_MAX_BYTES;
        for (uint64_t i = 0; i < n; i++) {
            char c = (char)(u->data.words[1 + i / 8] >> (8 * (i % 8)));
            if (c == '\n')
                uart_putc('\r');
            uart_putc(c);
        }
    }
    return 0;
}

int main(void)
{
    uart_init();
    console_set_sink(uart_write);
    printf("uart: console driver ready\n");
    component_serve(console_call);
}
