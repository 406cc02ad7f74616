/* printf-style formatting without a C library, shared by the kernel and
 * user components: %s %c %d %i %u %x %p %%, the l/ll/z modifiers, a field
 * width and 0 padding. Output goes character by character to `out`. */
#pragma once
#include <stdarg.h>

typedef void (*format_out_fn)(char c, void *ctx);

#include <stddef.h>

void format(format_out_fn out, void *ctx, const char *fmt, va_list ap);

/* Format into lines and hand each (at most 256 bytes, ending in '\n' unless
 * it is the last or was cut) to `sink`: output for consoles that want whole
 * writes. */
typedef void (*format_sink_fn)(const char *s, size_t n);
void format_lines(format_sink_fn sink, const char *fmt, va_list ap);
