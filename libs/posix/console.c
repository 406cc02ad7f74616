/* File descriptors 0, 1 and 2: the console, reached through the "console"
 * portal (include/nova/component.h) or, in the console driver, its own
 * sink. They are open while the console is connected and until closed. The
 * console is a terminal (so stdout is line-buffered); reading it takes
 * bytes from the "console_input" portal if the component uses one, like a
 * terminal in raw mode: no echo, no line editing, "\r" for Enter. */
#include <errno.h>
#include <stdbool.h>
#include <limits.h>
#include <sys/ioctl.h>
#include <sys/uio.h>
#include <nova/component.h>
#include "posix.h"

#define CONSOLE_FDS 3
#define CONSOLE_ROWS 25
#define CONSOLE_COLS 80

static bool closed[CONSOLE_FDS];

static bool console_fd(long fd)
{
    return fd >= 0 && fd < CONSOLE_FDS && !closed[fd] && console_connected();
}

static long console_out(const void *buf, size_t len)
{
    return console_write(buf, len) == NOVA_SUCCESS ? (long)len : -EIO;
}

long sys_write(long fd, long buf, long len)
{
    if (!console_fd(fd))
        return -EBADF;
    if (len < 0)
        return -EINVAL;
    return console_out((const void *)buf, (size_t)len);
}

/* readv and writev: at most IOV_MAX buffers whose lengths add up to no
 * more than LONG_MAX, checked before any byte moves, as Linux does. */
static bool iov_valid(const struct iovec *v, long count)
{
    if (count < 0 || count > IOV_MAX)
        return false;
    size_t total = 0;
    for (long i = 0; i < count; i++) {
        if (v[i].iov_len > (size_t)LONG_MAX - total)
            return false;
        total += v[i].iov_len;
    }
    return true;
}

long sys_writev(long fd, long iov, long count)
{
    if (!console_fd(fd))
        return -EBADF;
    const struct iovec *v = (const struct iovec *)iov;
    if (!iov_valid(v, count))
        return -EINVAL;
    long total = 0;
    for (long i = 0; i < count; i++) {
        long done = console_out(v[i].iov_base, v[i].iov_len);
        if (done < 0)
            return total ? total : done;
        total += done;
    }
    return total;
}

/* Between two polls of an empty console: short enough that typing feels
 * immediate, long enough that the driver is not called without pause. */
#define INPUT_POLL_NS 1000000u

/* What is there now, up to len bytes: >= 0, or -EIO if the portal call
 * failed (the driver gone, or on another CPU). */
static long input_take(char *buf, size_t len)
{
    enum nova_status st;
    size_t n = console_read(nova_component.console_input_sel, buf, len, &st);
    return st == NOVA_SUCCESS ? (long)n : -EIO;
}

/* Blocks, by polling, until at least one byte is there. */
static long input_wait(char *buf, size_t len)
{
    for (;;) {
        long n = input_take(buf, len);
        if (n != 0)
            return n;
        posix_spin_ns(INPUT_POLL_NS);
    }
}

static long input_check(long fd)
{
    if (!console_fd(fd))
        return -EBADF;
    return nova_component.console_input_sel ? 0 : -ENOSYS;   /* ENOSYS: it uses no console_input portal */
}

/* Returns what is there (up to len) once at least one byte is, as read()
 * on a raw terminal does. */
long sys_read(long fd, long buf, long len)
{
    long bad = input_check(fd);
    if (bad)
        return bad;
    if (len < 0)
        return -EINVAL;
    return len ? input_wait((char *)buf, (size_t)len) : 0;
}

/* The first non-empty buffer waits for a byte; the rest take what is
 * there already (musl's stdio reads through readv). */
long sys_readv(long fd, long iov, long count)
{
    long bad = input_check(fd);
    if (bad)
        return bad;
    const struct iovec *v = (const struct iovec *)iov;
    if (!iov_valid(v, count))
        return -EINVAL;
    long total = 0;
    for (long i = 0; i < count; i++) {
        if (!v[i].iov_len)
            continue;
        long n = total ? input_take(v[i].iov_base, v[i].iov_len) : input_wait(v[i].iov_base, v[i].iov_len);
        if (n < 0)
            return total ? total : n;
        total += n;
        if ((size_t)n < v[i].iov_len)
            break;   /* nothing more is there */
    }
    return total;
}

long sys_ioctl(long fd, long request, long arg)
{
    if (!console_fd(fd))
        return -EBADF;
    if ((unsigned long)request != TIOCGWINSZ)
        return -ENOTTY;
    struct winsize *w = (struct winsize *)arg;
    *w = (struct winsize){ .ws_row = CONSOLE_ROWS, .ws_col = CONSOLE_COLS };
    return 0;
}

long sys_lseek(long fd, long offset, long whence)
{
    (void)offset;
    (void)whence;
    return console_fd(fd) ? -ESPIPE : -EBADF;
}

long sys_close(long fd)
{
    if (!console_fd(fd))
        return -EBADF;
    closed[fd] = true;
    return 0;
}
