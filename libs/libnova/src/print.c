/* Console output for components through the debug hypercall extension,
 * buffered per line. */
#include <nova/nova.h>
#include "format.h"

struct line { char buf[256]; unsigned len; };

static void flush(struct line *l)
{
    if (l->len)
        nova_debug_console_write(l->buf, l->len);
    l->len = 0;
}

static void put(char c, void *ctx)
{
    struct line *l = ctx;
    l->buf[l->len++] = c;
    if (c == '\n' || l->len == sizeof l->buf)
        flush(l);
}

void nova_vprintf(const char *fmt, va_list ap)
{
    struct line l = { .len = 0 };
    format(put, &l, fmt, ap);
    flush(&l);
}

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
