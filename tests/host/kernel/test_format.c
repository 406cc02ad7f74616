/* The shared formatter behind kprintf and nova_printf. */
#include <stdarg.h>
#include <string.h>
#include "format.h"
#include "unit.h"

struct buf { char s[128]; size_t n; };

static void put(char c, void *ctx)
{
    struct buf *b = ctx;
    if (b->n + 1 < sizeof b->s)
        b->s[b->n++] = c;
    b->s[b->n] = 0;
}

static const char *fmt(struct buf *b, const char *f, ...)
{
    va_list ap;
    b->n = 0;
    b->s[0] = 0;
    va_start(ap, f);
    format(put, b, f, ap);
    va_end(ap);
    return b->s;
}

UNIT_TEST(format_numbers)
{
    struct buf b;
    EXPECT(!strcmp(fmt(&b, "%d %i %u", -42, 7, 4000000000u), "-42 7 4000000000"));
    EXPECT(!strcmp(fmt(&b, "%x %lx", 0xbeefu, 0x123456789abcdefull), "beef 123456789abcdef"));
    EXPECT(!strcmp(fmt(&b, "%016lx", 0x600dull), "000000000000600d"));
    EXPECT(!strcmp(fmt(&b, "%5d|%-3d", -12, 5), "  -12|?3d"));
    EXPECT(!strcmp(fmt(&b, "%05d", -12), "-0012"));
    EXPECT(!strcmp(fmt(&b, "%ld", (long)INT64_MIN), "-9223372036854775808"));
}

UNIT_TEST(format_strings_and_pointers)
{
    struct buf b;
    EXPECT(!strcmp(fmt(&b, "[%s] [%4s] %c%%", "ab", "x", 'z'), "[ab] [   x] z%"));
    EXPECT(!strcmp(fmt(&b, "%s", (char *)0), "(null)"));
    EXPECT(!strcmp(fmt(&b, "%p", (void *)0x1000), "0x0000000000001000"));
    EXPECT(!strcmp(fmt(&b, "trailing %"), "trailing "));
}
