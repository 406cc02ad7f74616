/* Kernel entry and exit: syscall, exceptions and interrupts, return to user.
 *
 * The kernel runs on one stack per CPU and never blocks on it: an entry from
 * user mode saves the user state into the current EC's frame (struct sys_regs)
 * and calls C, which leaves through ret_user_* or by scheduling, never by
 * returning. TSS.RSP0 points just past the current EC's frame, so the CPU
 * pushes its interrupt frame right into it. */
#include <arch/percpu.h>
#include <arch/selectors.h>
#include <sys_regs.h>

.macro PUSH_GPRS
    push    %rdi
    push    %rsi
    push    %rdx
    push    %rcx
    push    %rax
    push    %r8
    push    %r9
    push    %r10
    push    %r11
    push    %rbx
    push    %rbp
    push    %r12
    push    %r13
    push    %r14
    push    %r15
.endm

.macro POP_GPRS
    pop     %r15
    pop     %r14
    pop     %r13
    pop     %r12
    pop     %rbp
    pop     %rbx
    pop     %r11
    pop     %r10
    pop     %r9
    pop     %r8
    pop     %rax
    pop     %rcx
    pop     %rdx
    pop     %rsi
    pop     %rdi
.endm

    .text
/* The frame's cs, ss and error code of a syscall entry are left as they
 * are: cs and ss are the user selectors every entry from user mode writes
 * (ec.c sets them in a new EC), and a syscall has no error code. Nor are
 * rcx and r11 saved: syscall put rip and rflags there, which are saved, and
 * the spec leaves both undefined after a hypercall (8.5, ~). */
    .globl syscall_entry
syscall_entry:
    swapgs
    mov     %rsp, %gs:PERCPU_USER_RSP
    mov     %gs:PERCPU_CUR_REGS, %rsp
    mov     %rcx, SR_RIP(%rsp)
    mov     %r11, SR_RFLAGS(%rsp)
    movq    $ENTRY_SYSCALL, SR_VECTOR(%rsp)
    mov     %rdi, SR_RDI(%rsp)
    mov     %rsi, SR_RSI(%rsp)
    mov     %rdx, SR_RDX(%rsp)
    mov     %rax, SR_RAX(%rsp)
    mov     %r8, SR_R8(%rsp)
    mov     %r9, SR_R9(%rsp)
    mov     %r10, SR_R10(%rsp)
    mov     %rbx, SR_RBX(%rsp)
    mov     %rbp, SR_RBP(%rsp)
    mov     %r12, SR_R12(%rsp)
    mov     %r13, SR_R13(%rsp)
    mov     %r14, SR_R14(%rsp)
    mov     %r15, SR_R15(%rsp)
    mov     %gs:PERCPU_USER_RSP, %rcx
    mov     %rcx, SR_RSP(%rsp)
    mov     %rdi, %rax                         /* the hypercall id */
    mov     %rsp, %rdi
    mov     %gs:PERCPU_KSTACK_TOP, %rsp
#ifdef NOVUM_DEBUG
    call    syscall_handler
#else
    /* big_lock (lock.h) and the dispatch of syscall_handler, inline */
    lock btsl $0, kernel_lock(%rip)
    jc      2f
1:  and     $ENTRY_HC_NUMBER_MASK, %eax
    call    *hypercall_table(, %rax, 8)
2:  push    %rdi
    push    %rax
    call    big_lock_contended
    pop     %rax
    pop     %rdi
    jmp     1b
#endif
    ud2

/* Exception and interrupt entries: make every vector look like one with an
 * error code, then share one path. */
.macro TRAP_ENTRY vec, has_err
    .align 16
trap_\vec:
    .if \has_err == 0
    push    $0
    .endif
    push    $\vec
    jmp     trap_common
.endm

    .align 16
trap_common:
    PUSH_GPRS
    testb   $3, (SYS_REGS_SIZE - 32)(%rsp)   /* cs of the interrupted context */
    jz      1f
    swapgs
    mov     %rsp, %rdi
    mov     %gs:PERCPU_KSTACK_TOP, %rsp
    call    trap_handler
    ud2
1:  mov     %rsp, %rdi                        /* from the kernel: stay on its stack */
    call    trap_handler
    POP_GPRS
    add     $16, %rsp
    iretq

/* vectors with an error code: 8, 10-14, 17, 21, 29, 30 */
.altmacro
.macro ENTRY_FOR vec
    .if vec == 8 || (vec >= 10 && vec <= 14) || vec == 17 || vec == 21 || vec == 29 || vec == 30
    TRAP_ENTRY %vec, 1
    .else
    TRAP_ENTRY %vec, 0
    .endif
.endm
.macro ENTRY_REF vec
    .quad trap_\vec
.endm
.set vec, 0
.rept 256
    ENTRY_FOR %vec
    .set vec, vec + 1
.endr

    .section .rodata
    .align 8
    .globl trap_entries
trap_entries:
.set vec, 0
.rept 256
    ENTRY_REF %vec
    .set vec, vec + 1
.endr
.noaltmacro

    .text
/* _Noreturn void ret_user_iret(struct sys_regs *frame) */
    .globl ret_user_iret
ret_user_iret:
    mov     %rdi, %rsp
    POP_GPRS
    add     $16, %rsp
    swapgs
    iretq

/* _Noreturn void ret_user_sysret(struct sys_regs *frame): rcx and r11 are
 * lost (spec 8.5 marks them ~); the caller checked rip is canonical. */
    .globl ret_user_sysret
ret_user_sysret:
    mov     SR_R15(%rdi), %r15
    mov     SR_R14(%rdi), %r14
    mov     SR_R13(%rdi), %r13
    mov     SR_R12(%rdi), %r12
    mov     SR_RBP(%rdi), %rbp
    mov     SR_RBX(%rdi), %rbx
    mov     SR_R10(%rdi), %r10
    mov     SR_R9(%rdi), %r9
    mov     SR_R8(%rdi), %r8
    mov     SR_RAX(%rdi), %rax
    mov     SR_RDX(%rdi), %rdx
    mov     SR_RSI(%rdi), %rsi
    mov     SR_RIP(%rdi), %rcx
    mov     SR_RFLAGS(%rdi), %r11
    mov     SR_RSP(%rdi), %rsp
    mov     SR_RDI(%rdi), %rdi
    swapgs
    sysretq

/* _Noreturn void continue_on_kstack(void (*fn)(void), uint64_t stack_top) */
    .globl continue_on_kstack
continue_on_kstack:
    mov     %rsi, %rsp
    xor     %ebp, %ebp
    call    *%rdi
    ud2

    .section .note.GNU-stack, "", @progbits
