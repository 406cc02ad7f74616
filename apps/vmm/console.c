#include <stdarg.h>
#include <stdio.h>
#include "console.h"
#include "vmm.h"

static char pending[16384];
static size_t pending_len;
static unsigned long dropped;

void vmm_console_flush(void)
{
    if (pending_len)
        console_write(pending, pending_len);
    pending_len = 0;
    if (dropped) {
        char note[80];
        int n = snprintf(note, sizeof note, "\nvmm: %lu bytes of guest output dropped\n", dropped);
        console_write(note, (size_t)n);
        dropped = 0;
    }
}

void vmm_console(const char *s, size_t n)
{
    if (vmm.current == 0) {
        vmm_console_flush();
        console_write(s, n);
        return;
    }
    size_t room = sizeof pending - pending_len, take = n < room ? n : room;
    for (size_t i = 0; i < take; i++)
        pending[pending_len + i] = s[i];
    pending_len += take;
    dropped += n - take;
}

void vmm_printf(const char *fmt, ...)
{
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n > 0)
        vmm_console(line, (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

bool vmm_console_pending(void) { return pending_len != 0; }
