#include "uart16550.h"
#include "pio.h"
#include <string.h>

enum { RBR_THR = 0, IER = 1, IIR_FCR = 2, LCR = 3, MCR = 4, LSR = 5, MSR = 6, SCR = 7 };

#define IER_RDA 0x01u   /* received data available */
#define IER_THRE 0x02u
#define IER_MASK 0x0fu  /* the 8250 probe reads back the four defined bits */
#define IIR_NONE 0x01u
#define IIR_THRE 0x02u
#define IIR_RDA 0x04u
#define IIR_FIFO 0xc0u  /* "FIFOs enabled": Linux detects a 16550A by it */
#define FCR_ENABLE 0x01u
#define FCR_CLEAR_RX 0x02u
#define LCR_DLAB 0x80u
#define LSR_DR 0x01u
#define LSR_THRE 0x20u
#define LSR_TEMT 0x40u
#define MCR_LOOP 0x10u
#define MSR_CONNECTED 0xb0u   /* DCD|DSR|CTS: a terminal is attached */

void uart_init(struct uart *u, uint16_t base, uart_sink sink, void *sink_ctx)
{
    memset(u, 0, sizeof *u);
    u->base = base;
    u->sink = sink;
    u->sink_ctx = sink_ctx;
    u->dll = 12;  /* 9600 baud, as firmware would leave it; only stored */
}

void uart_flush(struct uart *u)
{
    if (u->tx_len && u->sink)
        u->sink(u->sink_ctx, u->tx, u->tx_len);
    u->tx_len = 0;
}

static void rx_push(struct uart *u, uint8_t b)
{
    u->rx[(u->rx_head + u->rx_count) % UART_RX_FIFO] = b;
    u->rx_count++;
}

size_t uart_input(struct uart *u, const uint8_t *bytes, size_t n)
{
    size_t i = 0;
    for (; i < n && u->rx_count < UART_RX_FIFO; i++)
        rx_push(u, bytes[i]);
    return i;
}

static uint8_t rx_pop(struct uart *u)
{
    if (!u->rx_count)
        return 0;
    uint8_t b = u->rx[u->rx_head];
    u->rx_head = (u->rx_head + 1) % UART_RX_FIFO;
    u->rx_count--;
    return b;
}

/* The highest-priority pending source, as IIR reports it (no line-status
 * errors or modem-status changes ever occur here). */
static uint8_t iir_source(const struct uart *u)
{
    if ((u->ier & IER_RDA) && u->rx_count)
        return IIR_RDA;
    if ((u->ier & IER_THRE) && u->thre_pending)
        return IIR_THRE;
    return IIR_NONE;
}

bool uart_irq(const struct uart *u)
{
    return iir_source(u) != IIR_NONE;
}

static void transmit(struct uart *u, uint8_t b)
{
    if (u->mcr & MCR_LOOP) {  /* loopback: the byte comes back as input */
        if (u->rx_count < UART_RX_FIFO)
            rx_push(u, b);
    } else {
        u->tx[u->tx_len++] = b;
        if (b == '\n' || u->tx_len == UART_TX_BATCH)
            uart_flush(u);
    }
    /* The byte left at once, so THR is empty again: re-raise THRE. */
    u->thre_pending = true;
}

/* In loopback the modem inputs follow the modem outputs (RTS->CTS,
 * DTR->DSR, OUT1->RI, OUT2->DCD), as the 8250 loopback test expects. */
static uint8_t modem_status(const struct uart *u)
{
    if (!(u->mcr & MCR_LOOP))
        return MSR_CONNECTED;
    uint8_t m = u->mcr;
    return (uint8_t)(((m & 0x02) << 3) | ((m & 0x01) << 5) | ((m & 0x04) << 4) |
                     ((m & 0x08) << 4));
}

static uint8_t read_iir(struct uart *u)
{
    uint8_t src = iir_source(u);
    if (src == IIR_THRE)  /* reading IIR acknowledges a THRE interrupt */
        u->thre_pending = false;
    return (uint8_t)(src | ((u->fcr & FCR_ENABLE) ? IIR_FIFO : 0));
}

static bool uart_rd8(void *dev, uint16_t port, uint64_t now, uint8_t *v)
{
    struct uart *u = dev;
    (void)now;
    if (port < u->base || port > u->base + SCR)
        return false;
    bool dlab = u->lcr & LCR_DLAB;
    switch (port - u->base) {
    case RBR_THR: *v = dlab ? u->dll : rx_pop(u); break;
    case IER: *v = dlab ? u->dlm : u->ier; break;
    case IIR_FCR: *v = read_iir(u); break;
    case LCR: *v = u->lcr; break;
    case MCR: *v = u->mcr; break;
    case LSR: *v = (uint8_t)(LSR_THRE | LSR_TEMT | (u->rx_count ? LSR_DR : 0)); break;
    case MSR: *v = modem_status(u); break;
    default: *v = u->scr; break;
    }
    return true;
}

static void write_ier(struct uart *u, uint8_t v)
{
    uint8_t old = u->ier;
    u->ier = v & IER_MASK;
    /* Enabling THRE while THR is empty raises it at once (always, here):
     * Linux's start_tx and its THRE self-test rely on this. */
    if ((u->ier & IER_THRE) && !(old & IER_THRE))
        u->thre_pending = true;
}

static void write_fcr(struct uart *u, uint8_t v)
{
    if (v & FCR_CLEAR_RX)
        u->rx_head = u->rx_count = 0;
    u->fcr = v & (uint8_t)~0x06u;  /* the clear bits are self-clearing */
}

static bool uart_wr8(void *dev, uint16_t port, uint8_t v)
{
    struct uart *u = dev;
    if (port < u->base || port > u->base + SCR)
        return false;
    bool dlab = u->lcr & LCR_DLAB;
    switch (port - u->base) {
    case RBR_THR:
        if (dlab)
            u->dll = v;
        else
            transmit(u, v);
        break;
    case IER:
        if (dlab)
            u->dlm = v;
        else
            write_ier(u, v);
        break;
    case IIR_FCR: write_fcr(u, v); break;
    case LCR: u->lcr = v; break;
    case MCR: u->mcr = v & 0x1f; break;
    case LSR: case MSR: break;  /* read-only; writes are factory-test only */
    default: u->scr = v; break;
    }
    return true;
}

bool uart_pio_read(struct uart *u, uint16_t port, unsigned size, uint32_t *val)
{
    return pio_split_read(u, uart_rd8, port, size, 0, val);
}

bool uart_pio_write(struct uart *u, uint16_t port, unsigned size, uint32_t val)
{
    return pio_split_write(u, uart_wr8, port, size, val);
}
