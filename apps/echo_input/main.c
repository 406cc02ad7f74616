/*
 * echo_input: reads lines from the keyboard (stdin: the console driver's
 * "console_input" portal, system.toml: uses = ["console", "console_input"])
 * and prints each back in upper case. The console is a raw terminal, so
 * this does what a terminal's line discipline would: it echoes what is
 * typed, takes "\r" or "\n" as the end of a line (a "\r\n" pair as one),
 * and lets backspace erase. Input goes through musl's stdio (getchar, so
 * readv) as an ordinary program's would.
 */
#include <ctype.h>
#include <stdbool.h>
#include <stdio.h>

#define LINE_MAX_CHARS 256
#define BACKSPACE 0x08
#define DELETE    0x7f

/* One line, without its end; false at the end of input or on an error. */
static bool read_line(char *line, size_t size)
{
    static bool after_cr;   /* a "\n" right after "\r" ends no second line */
    size_t n = 0;
    for (;;) {
        int c = getchar();
        if (c == EOF) {
            perror("echo_input: reading stdin");
            return false;
        }
        bool skip = after_cr && c == '\n';
        after_cr = c == '\r';
        if (skip)
            continue;
        if (c == '\r' || c == '\n') {
            line[n] = '\0';
            printf("\n");
            return true;
        }
        if ((c == BACKSPACE || c == DELETE) && n > 0) {
            n--;
            printf("\b \b");
        } else if (isprint(c) && n + 1 < size) {
            line[n++] = (char)c;
            putchar(c);
        }
        fflush(stdout);
    }
}

int main(void)
{
    char line[LINE_MAX_CHARS];
    for (;;) {
        printf("echo_input: type a line> ");
        fflush(stdout);
        if (!read_line(line, sizeof line))
            return 1;
        for (char *p = line; *p; p++)
            *p = (char)toupper((unsigned char)*p);
        printf("echo_input: %s\n", line);
    }
}
