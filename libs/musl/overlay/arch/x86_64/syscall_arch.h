/* Novum replacement for musl's arch/x86_64/syscall_arch.h (tools/musl/build.sh
 * copies it over the original). On Novum the `syscall` instruction enters
 * the hypervisor with the NOVA hypercall ABI, so musl's Linux system calls
 * become calls of the component's system-call layer instead
 * (libs/posix/syscall.c), which answers them through IPC to services or
 * with -ENOSYS. No vDSO exists: clock_gettime goes to the layer too. */
#define __SYSCALL_LL_E(x) (x)
#define __SYSCALL_LL_O(x) (x)

hidden long __novum_syscall(long n, long a1, long a2, long a3, long a4, long a5, long a6);

static __inline long __syscall0(long n)
{
	return __novum_syscall(n, 0, 0, 0, 0, 0, 0);
}

static __inline long __syscall1(long n, long a1)
{
	return __novum_syscall(n, a1, 0, 0, 0, 0, 0);
}

static __inline long __syscall2(long n, long a1, long a2)
{
	return __novum_syscall(n, a1, a2, 0, 0, 0, 0);
}

static __inline long __syscall3(long n, long a1, long a2, long a3)
{
	return __novum_syscall(n, a1, a2, a3, 0, 0, 0);
}

static __inline long __syscall4(long n, long a1, long a2, long a3, long a4)
{
	return __novum_syscall(n, a1, a2, a3, a4, 0, 0);
}

static __inline long __syscall5(long n, long a1, long a2, long a3, long a4, long a5)
{
	return __novum_syscall(n, a1, a2, a3, a4, a5, 0);
}

static __inline long __syscall6(long n, long a1, long a2, long a3, long a4, long a5, long a6)
{
	return __novum_syscall(n, a1, a2, a3, a4, a5, a6);
}

#define IPC_64 0
