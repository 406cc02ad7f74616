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

static char lines[8][300];
static size_t line_count;

static void collect(const char *s, size_t n)
{
    if (line_count < 8) {
        memcpy(lines[line_count], s, n);
        lines[line_count][n] = 0;
    }
    line_count++;
}

static void lines_of(const char *f, ...)
{
    va_list ap;
    line_count = 0;
    va_start(ap, f);
    format_lines(collect, f, ap);
    va_end(ap);
}

UNIT_TEST(format_lines_writes_line_by_line)
{
    lines_of("a %d\nb\nc", 1);
    EXPECT(line_count == 3);
    EXPECT(!strcmp(lines[0], "a 1\n") && !strcmp(lines[1], "b\n") && !strcmp(lines[2], "c"));
    char long_line[600];
    memset(long_line, 'x', 599);
    long_line[599] = 0;
    lines_of("%s", long_line);
    EXPECT(line_count == 3 && strlen(lines[0]) == 256 && strlen(lines[2]) == 599 - 512);
    lines_of("");
    EXPECT(line_count == 0);
}
