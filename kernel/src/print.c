/* Kernel console printing through the shared formatter. The big lock keeps
 * lines of different CPUs apart: every caller holds it or runs at boot
 * before the other CPUs start; panic and kernel faults print without it. */
#include "console.h"
#include "format.h"

void console_write(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        console_putc(s[i]);
}

static void out(char c, void *ctx)
{
    (void)ctx;
    console_putc(c);
}

void kvprintf(const char *fmt, va_list ap) { format(out, 0, fmt, ap); }

void kprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    kvprintf(fmt, ap);
    va_end(ap);
}
