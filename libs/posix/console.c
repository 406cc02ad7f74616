/* File descriptors 0, 1 and 2: the console, reached through the "console"
 * portal (include/nova/component.h) or, in the console driver, its own
 * sink. They are open while the console is connected and until closed. The
 * console is a terminal (so stdout is line-buffered) without input. */
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

long sys_writev(long fd, long iov, long count)
{
    if (!console_fd(fd))
        return -EBADF;
    if (count < 0 || count > IOV_MAX)
        return -EINVAL;
    const struct iovec *v = (const struct iovec *)iov;
    long total = 0;
    for (long i = 0; i < count; i++) {
        if (v[i].iov_len > (size_t)(LONG_MAX - total))
            return -EINVAL;
        long done = console_out(v[i].iov_base, v[i].iov_len);
        if (done < 0)
            return total ? total : done;
        total += done;
    }
    return total;
}

long sys_read(long fd, long buf, long len)
{
    (void)buf;
    (void)len;
    return console_fd(fd) ? -ENOSYS : -EBADF;   /* no console input service exists */
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
