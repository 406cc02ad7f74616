/* The component as a single-threaded process: its thread pointer (musl's
 * TLS, set through the Novum tls_set hypercall), its identity and its end. */
#include <errno.h>
#include <nova/component.h>
#include "posix.h"

#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003

static uint64_t fs_base;

long sys_arch_prctl(long code, long addr)
{
    switch (code) {
    case ARCH_SET_FS:
        if (nova_tls_set((uint64_t)addr) != NOVA_SUCCESS)
            return -EPERM;   /* not a canonical user address */
        fs_base = (uint64_t)addr;
        return 0;
    case ARCH_GET_FS:
        *(uint64_t *)addr = fs_base;
        return 0;
    default:
        return -EINVAL;
    }
}

/* The process id is the component's index plus one (0 is no process); the
 * one thread's id is the same, as for a Linux process's main thread. */
long sys_getpid(void) { return (long)nova_component.index + 1; }
long sys_gettid(void) { return sys_getpid(); }

long sys_set_tid_address(long addr)
{
    (void)addr;   /* cleared and woken at thread exit: one thread never exits alone */
    return sys_gettid();
}

_Noreturn void sys_exit(long code)
{
    nova_component_exit((int)code);
}
