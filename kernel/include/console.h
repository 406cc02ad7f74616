/* Kernel console output. */
#pragma once
#include <stdarg.h>
#include <stddef.h>

void serial_init(void);
void console_putc(char c);
void console_write(const char *s, size_t n);
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void kvprintf(const char *fmt, va_list ap);
_Noreturn void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
