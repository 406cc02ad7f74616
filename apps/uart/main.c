/*
 * uart: the console driver. It owns COM1 (I/O ports 0x3f8-0x3ff, granted
 * from the start by system.toml's io_ports) and its interrupt (gsis = [4],
 * the semaphore at NOVA_COMPONENT_SEL_GSI(0)), sets it to 115200 8N1 with
 * FIFOs, and serves two portals, in this order in `offers`:
 *
 *   PID 0, "console": w0 = byte count n, the bytes packed little-endian in
 *   w1, w2, ... (U = 1 + ceil(n / 8)); it writes them by polling the line
 *   status register, "\n" as "\r\n", and replies U = 0.
 *   PID 1, "console_input": the bytes received so far, never blocking
 *   (protocol in nova/component.h).
 *
 * Transmit is polled. Receive is interrupt-driven: a receive EC of the
 * driver's own waits on the GSI semaphore, drains the receiver while it has
 * data into a ring of CONSOLE_INPUT_RING bytes, and waits again; the input
 * portal (on the main EC) takes bytes out of the ring. Without a GSI the
 * driver says so and serves output only. Its own messages (stdout) go
 * straight to the port.
 */
#include <stdatomic.h>
#include <stdio.h>
#include <nova/component.h>

#define COM1        0x3f8u
#define UART_DATA   0u      /* THR (write), RBR (read), divisor low with DLAB */
#define UART_IER    1u      /* interrupt enable, divisor high with DLAB */
#define UART_FCR    2u      /* FIFO control */
#define UART_LCR    3u      /* line control */
#define UART_MCR    4u      /* modem control */
#define UART_LSR    5u      /* line status */
#define LCR_DLAB    0x80u
#define LCR_8N1     0x03u
#define FCR_ENABLE  0xc7u   /* enable, clear both FIFOs, 14-byte threshold */
#define MCR_DTR_RTS 0x03u
#define MCR_OUT2    0x08u   /* on a PC, OUT2 gates the UART's interrupt line */
#define IER_RDA     0x01u   /* interrupt when data arrives (or sits in the FIFO) */
#define LSR_DR      0x01u   /* data ready */
#define LSR_OE      0x02u   /* overrun: the UART lost a byte */
#define LSR_THRE    0x20u   /* transmit holding register empty */
#define DIVISOR     1u      /* 115200 baud from the 1.8432 MHz clock */
#define SPIN_LIMIT  1000000u

#define PID_CONSOLE 0u
#define PID_INPUT   1u
/* The receive EC: free selectors of the component's object space
 * (nova/component.h), UTCB slot 0, and a priority above any client's so
 * that it empties the UART's FIFO before it overflows. */
#define RX_SEL_EC    0x80u
#define RX_SEL_SC    0x81u
#define RX_SLOT      0u
#define RX_PRIORITY  250u
#define RX_QUANTUM   1000u   /* microseconds; it needs far less per interrupt */
#define RX_STACK     8192u

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

/* --- receive: the ring and the receive EC ---------------------------------
 * One producer (the receive EC) and one consumer (the main EC, in the
 * input portal): each index is written by one side only, and the
 * release/acquire pairs make the bytes visible before the index that
 * covers them. The indices run freely; their difference is the fill. */
static char ring[CONSOLE_INPUT_RING];
static _Atomic uint32_t ring_head;         /* next byte to write (receive EC) */
static _Atomic uint32_t ring_tail;         /* next byte to read (main EC) */
static _Atomic uint64_t dropped;           /* bytes that found the ring full */
static _Atomic uint64_t overruns;          /* bytes the UART lost (LSR.OE) */
static _Atomic int rx_failure;             /* the status that stopped the receive EC */
static uint8_t rx_stack[RX_STACK] __attribute__((aligned(16)));

static void ring_put(char c)
{
    uint32_t head = atomic_load_explicit(&ring_head, memory_order_relaxed);
    if (head - atomic_load_explicit(&ring_tail, memory_order_acquire) >= CONSOLE_INPUT_RING) {
        atomic_fetch_add_explicit(&dropped, 1, memory_order_relaxed);
        return;
    }
    ring[head % CONSOLE_INPUT_RING] = c;
    atomic_store_explicit(&ring_head, head + 1, memory_order_release);
}

static size_t ring_take(char *buf, size_t max)
{
    uint32_t tail = atomic_load_explicit(&ring_tail, memory_order_relaxed);
    uint32_t fill = atomic_load_explicit(&ring_head, memory_order_acquire) - tail;
    size_t n = fill < max ? fill : max;
    for (size_t i = 0; i < n; i++)
        buf[i] = ring[(tail + i) % CONSOLE_INPUT_RING];
    atomic_store_explicit(&ring_tail, tail + (uint32_t)n, memory_order_release);
    return n;
}

/* Read the receiver until it is empty: that also ends the UART's interrupt
 * request, so the next byte raises a new edge on the (edge-triggered) ISA
 * line. */
static void uart_drain(void)
{
    uint8_t lsr;
    while ((lsr = inb(COM1 + UART_LSR)) & LSR_DR) {
        if (lsr & LSR_OE)
            atomic_fetch_add_explicit(&overruns, 1, memory_order_relaxed);
        ring_put((char)inb(COM1 + UART_DATA));
    }
}

/* The receive EC. It runs without a thread pointer: no stdio, no errno.
 * A failed down (the semaphore revoked, say) ends it; the main EC reports
 * the status at the next input call. */
static void receive_loop(void *arg)
{
    (void)arg;
    for (;;) {
        uart_drain();
        enum nova_status st = nova_sm_ctrl(NOVA_COMPONENT_SEL_GSI(0), NOVA_FLAG_SM_CTRL_DN);
        if (st != NOVA_SUCCESS) {
            atomic_store(&rx_failure, (int)st);
            return;
        }
    }
}

/* Route the interrupt to this CPU, start the receive EC, then let the UART
 * interrupt. Returns why not, or NULL. */
static const char *input_start(void)
{
    uint64_t msi_addr, msi_data;
    enum nova_status st = nova_assign_gsi(NOVA_COMPONENT_SEL_GSI(0), 0, nova_component.cpu, &msi_addr, &msi_data);
    if (st == NOVA_BAD_CAP)
        return "no interrupt granted (system.toml: gsis = [4])";
    if (st != NOVA_SUCCESS)
        return "assign_gsi failed";
    st = component_ec_create(RX_SEL_EC, RX_SEL_SC, RX_SLOT, rx_stack, sizeof rx_stack, receive_loop, 0,
                             nova_qpd(RX_QUANTUM, RX_PRIORITY));
    if (st != NOVA_SUCCESS)
        return "cannot create the receive EC and its SC";
    outb(COM1 + UART_MCR, MCR_DTR_RTS | MCR_OUT2);
    outb(COM1 + UART_IER, IER_RDA);
    return 0;
}

/* --- the portals ----------------------------------------------------------- */

static uint64_t console_call(struct nova_utcb *u)
{
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

/* Say once what input was lost since the last report, and whether the
 * receive EC stopped. Only the main EC prints: it alone has stdio. */
static void report_input_losses(void)
{
    static uint64_t dropped_told, overruns_told;
    static bool failure_told;
    uint64_t d = atomic_load(&dropped), o = atomic_load(&overruns);
    if (d != dropped_told || o != overruns_told)
        printf("uart: console input lost %llu bytes (ring of %u full) and %llu in the UART (overrun)\n",
               (unsigned long long)(d - dropped_told), CONSOLE_INPUT_RING,
               (unsigned long long)(o - overruns_told));
    dropped_told = d;
    overruns_told = o;
    int f = atomic_load(&rx_failure);
    if (f && !failure_told)
        printf("uart: console input stopped: waiting for the interrupt failed (status %d)\n", f);
    failure_told = failure_told || f;
}

static uint64_t input_call(struct nova_utcb *u)
{
    static char bytes[CONSOLE_MAX_BYTES];
    uint64_t max = nova_utcb_items_u(u->head.items) >= 1 ? u->data.words[0] : 0;
    if (max == 0 || max > CONSOLE_MAX_BYTES)
        max = CONSOLE_MAX_BYTES;
    report_input_losses();   /* prints through the sink: the UTCB stays intact */
    size_t n = ring_take(bytes, (size_t)max);
    u->data.words[0] = n;
    for (size_t w = 0; w < (n + 7) / 8; w++) {
        uint64_t v = 0;
        for (size_t b = 0; b < 8 && 8 * w + b < n; b++)
            v |= (uint64_t)(unsigned char)bytes[8 * w + b] << (8 * b);
        u->data.words[1 + w] = v;
    }
    return 1 + (n + 7) / 8;
}

static uint64_t serve(uint64_t pid, struct nova_utcb *u)
{
    switch (pid) {
    case PID_CONSOLE: return console_call(u);
    case PID_INPUT:   return input_call(u);
    default:          return 0;   /* system.toml offers more than this driver serves */
    }
}

int main(void)
{
    uart_init();
    console_set_sink(uart_write);
    const char *why = input_start();
    if (why)
        printf("uart: console driver ready, output only: %s\n", why);
    else
        printf("uart: console driver ready, input by interrupt\n");
    component_serve(serve);
}
