/*
 * _start of every component (include/nova/component.h): the root server's
 * STARTUP reply set RSP = top of the main stack and the start-up values in
 * RDI, RSI, RDX, RCX, R8, R9 and R10: the arguments of
 * posix_start(index, heap base, heap size, CPU, TSC kHz, console selector,
 * console input selector), the last one on the stack as the ABI passes a
 * seventh. posix_start runs musl's start-up and does not return.
 */
    .section .text.start, "ax"
    .globl  _start
    .type   _start, @function
_start:
    xor     %ebp, %ebp              /* outermost frame */
    and     $-16, %rsp              /* the ABI's alignment before a call */
    sub     $8, %rsp
    push    %r10                    /* the seventh argument */
    cld
    call    posix_start
1:  ud2
    jmp     1b
    .size   _start, . - _start

    .section .note.GNU-stack, "", @progbits
