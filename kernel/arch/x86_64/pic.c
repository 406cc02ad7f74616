/* The legacy 8259 PICs: the BIOS leaves IRQ 0-7 on vectors 8-15, where they
 * would look like CPU exceptions. Move them to 0x20-0x2f and mask them all;
 * interrupts come through the I/O APIC. */
#include <arch/cpu.h>
#include <arch/pic.h>

void pic_disable(void)
{
    outb(0x20, 0x11);   /* ICW1: init, ICW4 follows */
    outb(0xa0, 0x11);
    outb(0x21, 0x20);   /* ICW2: vector base */
    outb(0xa1, 0x28);
    outb(0x21, 0x04);   /* ICW3: slave on IRQ 2 */
    outb(0xa1, 0x02);
    outb(0x21, 0x01);   /* ICW4: 8086 mode */
    outb(0xa1, 0x01);
    outb(0x21, 0xff);   /* mask everything */
    outb(0xa1, 0xff);
}
