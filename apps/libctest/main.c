/*
 * libctest: musl in a component, checked from inside one. Each check prints
 * a TAP line; the last line is "libctest: N passed, M failed", and an
 * atexit handler reports that exit() ran it (projects/libctest expects
 * both). Covers stdio formatting, malloc, the string functions, TLS and
 * errno, the console file descriptors, anonymous memory, the clocks and
 * that an unsupported system call answers ENOSYS.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <nova/component.h>

static unsigned passed, failed, number;

static void check(int ok, const char *what)
{
    printf("%s %u - %s\n", ok ? "ok" : "not ok", ++number, what);
    if (ok)
        passed++;
    else
        failed++;
}

/* --- stdio and strings ----------------------------------------------------- */

static void test_formatting(void)
{
    char buf[128];
    snprintf(buf, sizeof buf, "%d|%5.2f|%-4s|%#x|%lld|%zu|%e|%g", -42, 3.14159, "ab", 255, -9000000000ll,
             (size_t)7, 12345.678, 0.0001);
    check(!strcmp(buf, "-42| 3.14|ab  |0xff|-9000000000|7|1.234568e+04|0.0001"), "snprintf formats integers, floats, strings");
    check(snprintf(NULL, 0, "%s-%d", "abc", 12345) == 9, "snprintf(NULL, 0) returns the length it would need");
    long v = strtol("  -0x7fff", NULL, 16);
    double d = strtod("2.5e3", NULL);
    check(v == -0x7fff && d == 2500.0, "strtol and strtod parse");
}

static int compare_ints(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }

static void test_strings(void)
{
    char buf[32] = "hello, world";
    check(strlen(buf) == 12 && strchr(buf, 'w') == buf + 7 && strstr(buf, "lo, w") == buf + 3,
          "strlen, strchr, strstr");
    memmove(buf + 2, buf, 5);
    check(!strcmp(buf, "hehelloworld"), "memmove handles overlap");
    char *copy = strdup("duplicate");
    check(copy && !strcmp(copy, "duplicate") && strcmp("abc", "abd") < 0 && strncmp("abcx", "abcy", 3) == 0,
          "strdup, strcmp, strncmp");
    free(copy);
    int values[] = { 5, -1, 9, 3, 0, 7 };
    qsort(values, 6, sizeof values[0], compare_ints);
    check(values[0] == -1 && values[2] == 3 && values[5] == 9, "qsort sorts");
}

/* --- memory ------------------------------------------------------------------ */

static int fill_and_check(unsigned char *p, size_t n, unsigned char seed)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (unsigned char)(seed + i);
    for (size_t i = 0; i < n; i++)
        if (p[i] != (unsigned char)(seed + i))
            return 0;
    return 1;
}

static void test_malloc(void)
{
    enum { N = 200 };
    unsigned char *blocks[N];
    int ok = 1;
    for (unsigned i = 0; i < N; i++) {
        size_t size = 1 + (i * 37) % 3000;
        blocks[i] = malloc(size);
        ok = ok && blocks[i] && fill_and_check(blocks[i], size, (unsigned char)i);
    }
    for (unsigned i = 0; i < N; i++)   /* no block overlaps a later one */
        ok = ok && blocks[i][0] == (unsigned char)i;
    for (unsigned i = 0; i < N; i++)
        free(blocks[i]);
    check(ok, "malloc: 200 blocks of 1..3000 bytes hold their contents");

    unsigned char *big = malloc(300000);
    check(big && fill_and_check(big, 300000, 1), "malloc: a 300000-byte block");
    unsigned char *grown = realloc(big, 400000);
    int kept = grown != NULL;
    for (size_t i = 0; kept && i < 300000; i++)
        kept = grown[i] == (unsigned char)(1 + i);
    check(kept, "realloc keeps the contents when it grows a block");
    free(grown);

    int *zeroed = calloc(1000, sizeof *zeroed);
    int all_zero = zeroed != NULL;
    for (unsigned i = 0; all_zero && i < 1000; i++)
        all_zero = zeroed[i] == 0;
    check(all_zero, "calloc returns zeroed memory");
    free(zeroed);

    errno = 0;
    void *huge = malloc((size_t)1 << 40);
    check(huge == NULL && errno == ENOMEM, "malloc beyond the heap fails with ENOMEM");
}

static void test_mmap(void)
{
    size_t len = 3 * 4096;
    unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    check(p != MAP_FAILED && p[0] == 0 && p[len - 1] == 0, "mmap: anonymous pages read zero");
    memset(p, 0xaa, len);
    check(munmap(p, len) == 0, "munmap");
    unsigned char *q = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    int zero = q != MAP_FAILED;
    for (size_t i = 0; zero && i < len; i++)
        zero = q[i] == 0;
    check(zero, "mmap: reused pages read zero again");
    memset(q, 0x55, len);
    check(madvise(q, len, MADV_DONTNEED) == 0 && q[0] == 0 && q[len - 1] == 0,
          "madvise(MADV_DONTNEED) leaves pages that read zero");
    errno = 0;
    check(munmap(q + 1, 4096) == -1 && errno == EINVAL, "munmap of an unaligned address answers EINVAL");
    munmap(q, len);
    errno = 0;
    check(mmap(NULL, 4096, PROT_READ, MAP_PRIVATE, 3, 0) == MAP_FAILED && errno == ENOSYS,
          "mmap of a file answers ENOSYS");
    errno = 0;
    check(mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == MAP_FAILED &&
              errno == EACCES, "mmap of executable memory answers EACCES");
}

/* --- TLS, errno, file descriptors, system calls -------------------------------- */

static _Thread_local int tls_initialised = 1234;
static _Thread_local long tls_zeroed[64];

static void test_tls(void)
{
    int ok = tls_initialised == 1234 && tls_zeroed[63] == 0;
    tls_initialised++;
    tls_zeroed[63] = 5;
    check(ok && tls_initialised == 1235 && tls_zeroed[63] == 5, "thread-local variables: initialised, zeroed, writable");
}

static void test_files(void)
{
    check(write(STDOUT_FILENO, "# write to stdout\n", 18) == 18, "write(1) reaches the console");
    errno = 0;
    check(write(7, "x", 1) == -1 && errno == EBADF, "write to an unknown descriptor answers EBADF");
    char c;
    errno = 0;
    check(read(STDIN_FILENO, &c, 1) == -1 && errno == ENOSYS, "read from the console answers ENOSYS");
    check(isatty(STDOUT_FILENO), "stdout is a terminal (line-buffered)");
    errno = 0;
    check(open("/etc/passwd", O_RDONLY) == -1 && errno == ENOSYS, "open answers ENOSYS (no file system)");
    errno = 0;
    check(syscall(SYS_getuid) == -1 && errno == ENOSYS, "an unsupported system call answers ENOSYS");
    check(getpid() == (pid_t)nova_component.index + 1, "getpid is the component index plus one");
}

/* --- time ----------------------------------------------------------------------- */

static long long ns_between(const struct timespec *a, const struct timespec *b)
{
    return (b->tv_sec - a->tv_sec) * 1000000000ll + (b->tv_nsec - a->tv_nsec);
}

static void test_time(void)
{
    struct timespec t0, t1, t2;
    check(clock_gettime(CLOCK_MONOTONIC, &t0) == 0 && (t0.tv_sec > 0 || t0.tv_nsec > 0),
          "clock_gettime(CLOCK_MONOTONIC) counts from boot");
    struct timespec nap = { 0, 5 * 1000 * 1000 };
    check(nanosleep(&nap, NULL) == 0, "nanosleep for 5 ms");
    clock_gettime(CLOCK_MONOTONIC, &t1);
    check(ns_between(&t0, &t1) >= 5 * 1000 * 1000, "at least 5 ms passed during the sleep");
    clock_gettime(CLOCK_MONOTONIC, &t2);
    check(ns_between(&t1, &t2) >= 0, "the monotonic clock does not go back");
    errno = 0;
    check(clock_gettime((clockid_t)99, &t0) == -1 && errno == EINVAL, "an unknown clock answers EINVAL");
    struct timespec bad = { 0, 1000000000 };
    check(nanosleep(&bad, NULL) == -1 && errno == EINVAL, "nanosleep refuses tv_nsec >= 1e9");
    check(time(NULL) >= 0, "time()");
}

static void report_exit(void) { printf("libctest: atexit handler ran\n"); }

int main(void)
{
    test_formatting();
    test_strings();
    test_malloc();
    test_mmap();
    test_tls();
    test_files();
    test_time();
    atexit(report_exit);
    printf("1..%u\n", number);   /* TAP allows the plan last */
    printf("libctest: %u passed, %u failed\n", passed, failed);
    return failed ? 1 : 0;
}
