/* The kernel console: a 16550 UART on COM1, polled. */
#include <arch/cpu.h>
#include "console.h"

#define COM1 0x3f8

void serial_init(void)
{
    outb(COM1 + 1, 0x00);   /* no interrupts */
    outb(COM1 + 3, 0x80);   /* DLAB */
    outb(COM1 + 0, 0x01);   /* 115200 baud */
    outb(COM1 + 1, 0x00);
    outb(COM1 + 3, 0x03);   /* 8N1 */
    outb(COM1 + 2, 0xc7);   /* FIFO on, cleared */
    outb(COM1 + 4, 0x03);   /* DTR, RTS */
}

void console_putc(char c)
{
    if (c == '\n')
        console_putc('\r');
    for (unsigned spin = 0; spin < 100000 && !(inb(COM1 + 5) & 0x20); spin++)
        cpu_pause();
    outb(COM1, (uint8_t)c);
}
