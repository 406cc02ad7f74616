/* Console output for root tasks through the debug hypercall extension,
 * one write per line. */
#include <nova/nova.h>
#include "format.h"

static void debug_console(const char *s, size_t n) { nova_debug_console_write(s, n); }

void nova_vprintf(const char *fmt, va_list ap) { format_lines(debug_console, fmt, ap); }

void nova_printf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    nova_vprintf(fmt, ap);
    va_end(ap);
}

_Noreturn void nova_exit(int code)
{
    nova_debug_exit((uint64_t)code);
    for (;;)
        __asm__ volatile("ud2");
}
