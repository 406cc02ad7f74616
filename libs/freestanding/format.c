#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "format.h"

struct sink { format_out_fn out; void *ctx; };

static void put_padded(struct sink *s, const char *text, int len, int width, char pad, bool neg)
{
    if (neg && pad == '0')
        s->out('-', s->ctx);
    for (int i = len + neg; i < width; i++)
        s->out(pad, s->ctx);
    if (neg && pad != '0')
        s->out('-', s->ctx);
    for (int i = 0; i < len; i++)
        s->out(text[i], s->ctx);
}

static void put_number(struct sink *s, uint64_t v, unsigned base, int width, char pad, bool neg)
{
    char buf[24];
    int n = 0;
    do {
        buf[sizeof buf - 1 - n++] = "0123456789abcdef"[v % base];
        v /= base;
    } while (v);
    put_padded(s, &buf[sizeof buf - n], n, width, pad, neg);
}

static void put_signed(struct sink *s, int64_t v, int width, char pad)
{
    put_number(s, v < 0 ? -(uint64_t)v : (uint64_t)v, 10, width, pad, v < 0);
}

void format(format_out_fn out, void *ctx, const char *fmt, va_list ap)
{
    struct sink s = { out, ctx };
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            out(*fmt, ctx);
            continue;
        }
        fmt++;
        char pad = ' ';
        int width = 0, longs = 0;
        if (*fmt == '0')
            pad = '0', fmt++;
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        while (*fmt == 'l' || *fmt == 'z')
            longs++, fmt++;
        switch (*fmt) {
        case 'd':
        case 'i':
            put_signed(&s, longs ? va_arg(ap, int64_t) : va_arg(ap, int), width, pad);
            break;
        case 'u':
        case 'x':
            put_number(&s, longs ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), *fmt == 'u' ? 10 : 16, width, pad,
                       false);
            break;
        case 'p':
            out('0', ctx), out('x', ctx);
            put_number(&s, (uint64_t)(uintptr_t)va_arg(ap, void *), 16, 16, '0', false);
            break;
        case 's': {
            const char *str = va_arg(ap, const char *);
            int len = 0;
            if (!str)
                str = "(null)";
            while (str[len])
                len++;
            put_padded(&s, str, len, width, ' ', false);
            break;
        }
        case 'c':
            out((char)va_arg(ap, int), ctx);
            break;
        case '%':
            out('%', ctx);
            break;
        case '\0':
            return;
        default:
            out('?', ctx);
            break;
        }
    }
}

struct line { format_sink_fn sink; size_t len; char buf[256]; };

static void line_flush(struct line *l)
{
    if (l->len)
        l->sink(l->buf, l->len);
    l->len = 0;
}

static void line_put(char c, void *ctx)
{
    struct line *l = ctx;
    l->buf[l->len++] = c;
    if (c == '\n' || l->len == sizeof l->buf)
        line_flush(l);
}

void format_lines(format_sink_fn sink, const char *fmt, va_list ap)
{
    struct line l = { sink, 0, { 0 } };
    format(line_put, &l, fmt, ap);
    line_flush(&l);
}
