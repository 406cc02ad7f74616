/* Kernel console printing through the shared formatter. One lock keeps
 * lines of different CPUs apart. */
#include "console.h"
#include "format.h"
#include "spinlock.h"

static struct spinlock console_lock;

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
    spin_lock(&console_lock);
    kvprintf(fmt, ap);
    spin_unlock(&console_lock);
    va_end(ap);
}
