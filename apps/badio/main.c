/* badio: a component that holds no I/O ports and writes to COM1 anyway.
 * The out faults (#GP); the root server reports the crash and the other
 * components keep running (projects/crashtest). */
#include <stdint.h>

int main(void)
{
    __asm__ volatile("outb %0, %1" : : "a"((uint8_t)'!'), "Nd"((uint16_t)0x3f8));
    return 0;   /* never reached */
}
