/* World switch to an SVM guest and back.
 *
 * VMRUN saves and restores only part of the host state: the host's FS, GS,
 * TR, LDTR, KernelGSBase and system-call MSRs are kept with VMSAVE before and
 * VMLOAD after, the guest's with VMLOAD before and VMSAVE after, and general
 * registers other than RAX and RSP are the kernel's to switch. Physical
 * interrupts stay blocked by GIF until VMRUN sets it; with RFLAGS.IF set and
 * the INTR intercept on, one arriving in the guest ends it with a #VMEXIT,
 * after which GIF is clear again: the kernel takes the interrupt later. */
#include <sys_regs.h>

#define R15  0
#define R14  8
#define R13  16
#define R12  24
#define RBP  32
#define RBX  40
#define R11  48
#define R10  56
#define R9   64
#define R8   72
#define RCX  88
#define RDX  96
#define RSI  104
#define RDI  112

    .text
/* void svm_run(void *gprs, uint64_t vmcb_pa, uint64_t host_state_pa) */
    .globl svm_run
svm_run:
    push    %rbx
    push    %rbp
    push    %r12
    push    %r13
    push    %r14
    push    %r15
    push    %rdx                /* host state area */
    push    %rdi                /* guest registers */
    mov     %rdx, %rax
    vmsave  %rax
    mov     %rsi, %rax
    vmload  %rax
    mov     RBX(%rdi), %rbx
    mov     RCX(%rdi), %rcx
    mov     RDX(%rdi), %rdx
    mov     RSI(%rdi), %rsi
    mov     RBP(%rdi), %rbp
    mov     R8(%rdi), %r8
    mov     R9(%rdi), %r9
    mov     R10(%rdi), %r10
    mov     R11(%rdi), %r11
    mov     R12(%rdi), %r12
    mov     R13(%rdi), %r13
    mov     R14(%rdi), %r14
    mov     R15(%rdi), %r15
    mov     RDI(%rdi), %rdi
    clgi
    sti
    nop                 /* STI's interrupt shadow ends here, not in the guest (GIF still blocks) */
    vmrun   %rax
    vmsave  %rax
    push    %rdi
    mov     8(%rsp), %rdi
    mov     %rbx, RBX(%rdi)
    mov     %rcx, RCX(%rdi)
    mov     %rdx, RDX(%rdi)
    mov     %rsi, RSI(%rdi)
    mov     %rbp, RBP(%rdi)
    mov     %r8, R8(%rdi)
    mov     %r9, R9(%rdi)
    mov     %r10, R10(%rdi)
    mov     %r11, R11(%rdi)
    mov     %r12, R12(%rdi)
    mov     %r13, R13(%rdi)
    mov     %r14, R14(%rdi)
    mov     %r15, R15(%rdi)
    pop     RDI(%rdi)
    pop     %rdi
    pop     %rax
    vmload  %rax
    cli
    stgi
    pop     %r15
    pop     %r14
    pop     %r13
    pop     %r12
    pop     %rbp
    pop     %rbx
    ret

    .section .note.GNU-stack, "", @progbits
