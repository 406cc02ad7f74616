/* Novum replacement for musl's __set_thread_area.s: the thread pointer is
 * set through the system-call layer's arch_prctl(ARCH_SET_FS), which uses
 * the Novum `tls_set` hypercall. */
#include "syscall.h"

#define ARCH_SET_FS 0x1002

int __set_thread_area(void *p)
{
	return __syscall(SYS_arch_prctl, ARCH_SET_FS, p);
}
