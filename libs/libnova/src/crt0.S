/* Entry of a root task (spec 8.1): RSP = HIP, RDI = boot CPU. Switch to a
 * stack of our own, then main(hip, cpu); when main returns, exit. */
    .section .text.start, "ax"
    .globl _start
_start:
    mov     %rsp, %rsi
    lea     nova_stack_top(%rip), %rsp
    xchg    %rdi, %rsi              /* main(hip, cpu) */
    call    nova_start
1:  ud2
    jmp     1b

    .bss
    .align 16
    .skip 65536
nova_stack_top:

    .section .note.GNU-stack, "", @progbits
