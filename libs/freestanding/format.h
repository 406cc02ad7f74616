/* printf-style formatting without a C library, shared by the kernel and
 * user components: %s %c %d %i %u %x %p %%, the l/ll/z modifiers, a field
 * width and 0 padding. Output goes character by character to `out`. */
#pragma once
#include <stdarg.h>

typedef void (*format_out_fn)(char c, void *ctx);

void format(format_out_fn out, void *ctx, const char *fmt, va_list ap);
