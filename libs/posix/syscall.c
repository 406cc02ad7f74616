/* musl's system calls (arch/x86_64/syscall_arch.h of libs/musl/overlay call
 * __novum_syscall): the ones components need are answered here, through IPC
 * to services or locally; every other one answers -ENOSYS. */
#include <errno.h>
#include <sys/syscall.h>
#include "posix.h"

long __novum_syscall(long n, long a1, long a2, long a3, long a4, long a5, long a6);

long __novum_syscall(long n, long a1, long a2, long a3, long a4, long a5, long a6)
{
    switch (n) {
    case SYS_read:            return sys_read(a1, a2, a3);
    case SYS_readv:           return sys_readv(a1, a2, a3);
    case SYS_write:           return sys_write(a1, a2, a3);
    case SYS_writev:          return sys_writev(a1, a2, a3);
    case SYS_ioctl:           return sys_ioctl(a1, a2, a3);
    case SYS_lseek:           return sys_lseek(a1, a2, a3);
    case SYS_close:           return sys_close(a1);
    case SYS_mmap:            return sys_mmap(a1, a2, a3, a4, a5, a6);
    case SYS_munmap:          return sys_munmap(a1, a2);
    case SYS_madvise:         return sys_madvise(a1, a2, a3);
    case SYS_brk:             return sys_brk(a1);
    case SYS_clock_gettime:   return sys_clock_gettime(a1, a2);
    case SYS_clock_getres:    return sys_clock_getres(a1, a2);
    case SYS_nanosleep:       return sys_nanosleep(a1, a2);
    case SYS_clock_nanosleep: return sys_clock_nanosleep(a1, a2, a3, a4);
    case SYS_arch_prctl:      return sys_arch_prctl(a1, a2);
    case SYS_set_tid_address: return sys_set_tid_address(a1);
    case SYS_getpid:          return sys_getpid();
    case SYS_gettid:          return sys_gettid();
    case SYS_exit:
    case SYS_exit_group:      sys_exit(a1);
    default:                  return -ENOSYS;
    }
}
