/* The system-call layer under musl (syscall.c dispatches by Linux system-call
 * number). Each handler takes the raw arguments and returns what the Linux
 * system call returns: a value >= 0, or -errno. */
#pragma once
#include <stddef.h>
#include <stdint.h>

/* console.c: file descriptors 0, 1 and 2 are the console (output, and input
 * if the component uses a "console_input" portal). */
long sys_write(long fd, long buf, long len);
long sys_writev(long fd, long iov, long count);
long sys_read(long fd, long buf, long len);
long sys_readv(long fd, long iov, long count);
long sys_ioctl(long fd, long request, long arg);
long sys_lseek(long fd, long offset, long whence);
long sys_close(long fd);

/* memory.c: anonymous memory from the component's heap region. */
void posix_memory_init(uintptr_t heap_base, size_t heap_size);
long sys_mmap(long addr, long len, long prot, long flags, long fd, long offset);
long sys_munmap(long addr, long len);
long sys_madvise(long addr, long len, long advice);
long sys_brk(long addr);

/* time.c: clocks from the TSC. */
long sys_clock_gettime(long clock, long ts);
long sys_clock_getres(long clock, long ts);
long sys_nanosleep(long req, long rem);
long sys_clock_nanosleep(long clock, long flags, long req, long rem);
/* Spin on the TSC for about ns nanoseconds (there is no timed wait). */
void posix_spin_ns(uint64_t ns);

/* process.c: thread pointer, identity, exit. */
long sys_arch_prctl(long code, long addr);
long sys_set_tid_address(long addr);
long sys_getpid(void);
long sys_gettid(void);
_Noreturn void sys_exit(long code);
