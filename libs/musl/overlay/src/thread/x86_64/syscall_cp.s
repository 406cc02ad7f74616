/* Novum replacement for musl's syscall_cp.s: a cancellation point that
 * calls the system-call layer instead of executing `syscall`.
 *
 * long __syscall_cp_asm(volatile int *cancel, long nr,
 *                       long u, long v, long w, long x, long y, long z)
 * becomes __novum_syscall(nr, u, v, w, x, y, z), a tail call: y moves from
 * the stack to r9 and z into y's stack slot, which the callee owns. */
	.text
	.global __cp_begin
	.hidden __cp_begin
	.global __cp_end
	.hidden __cp_end
	.global __cp_cancel
	.hidden __cp_cancel
	.hidden __cancel
	.hidden __novum_syscall
	.global __syscall_cp_asm
	.hidden __syscall_cp_asm
	.type   __syscall_cp_asm,@function
__syscall_cp_asm:
__cp_begin:
	mov (%rdi),%eax
	test %eax,%eax
	jnz __cp_cancel
	mov %rsi,%rdi
	mov %rdx,%rsi
	mov %rcx,%rdx
	mov %r8,%rcx
	mov %r9,%r8
	mov 8(%rsp),%r9
	mov 16(%rsp),%rax
	mov %rax,8(%rsp)
	jmp __novum_syscall
__cp_end:
__cp_cancel:
	jmp __cancel
