/* A 16550A UART (COM1: base 0x3f8, IRQ 4), enough for Linux's 8250 driver in
 * polled and interrupt mode.
 *
 * Transmission is instant: THR is always empty again right after a write, so
 * LSR reads THRE|TEMT whenever the guest looks, and a THRE interrupt is raised
 * (when enabled) after every byte. Output bytes are batched and handed to the
 * sink on '\n', when the batch is full, or on uart_flush; the VMM should call
 * uart_flush when the guest idles (HLT), or a prompt without a newline would
 * stay in the batch. Received bytes wait in a 256-byte FIFO (in FIFO and
 * non-FIFO mode alike, so no input is ever overrun).
 *
 * The IRQ line is not gated by MCR.OUT2 (as in QEMU): the VMM forwards
 * uart_irq() to the PIC after every access and every uart_input. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define UART_RX_FIFO 256u
#define UART_TX_BATCH 128u

typedef void (*uart_sink)(void *ctx, const uint8_t *bytes, size_t n);

struct uart {
    uint16_t base;
    uint8_t ier, lcr, mcr, scr, fcr, dll, dlm;
    bool thre_pending;              /* THRE interrupt raised, not yet cleared */
    uint8_t rx[UART_RX_FIFO];
    unsigned rx_head, rx_count;
    uint8_t tx[UART_TX_BATCH];
    unsigned tx_len;
    uart_sink sink;
    void *sink_ctx;
};

/* Reset state at I/O base `base` (8 ports); sink receives transmitted bytes. */
void uart_init(struct uart *u, uint16_t base, uart_sink sink, void *sink_ctx);

/* IN/OUT exits. False: the port is not this UART's (first port decides). */
bool uart_pio_read(struct uart *u, uint16_t port, unsigned size, uint32_t *val);
bool uart_pio_write(struct uart *u, uint16_t port, unsigned size, uint32_t val);

/* Queue received bytes; returns how many fit in the FIFO. */
size_t uart_input(struct uart *u, const uint8_t *bytes, size_t n);

/* Hand the batched output to the sink now. */
void uart_flush(struct uart *u);

/* The level of the UART's interrupt line. */
bool uart_irq(const struct uart *u);
