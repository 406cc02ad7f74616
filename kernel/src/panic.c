#include <arch/cpu.h>
#include "console.h"

_Noreturn void panic(const char *fmt, ...)
{
    va_list ap;
    irq_disable();
    va_start(ap, fmt);
    console_write("\nNOVUM PANIC: ", 14);
    kvprintf(fmt, ap);
    va_end(ap);
    console_putc('\n');
    for (;;)
        cpu_halt();
}
