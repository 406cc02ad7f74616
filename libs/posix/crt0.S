/*
 * _start of every component (include/nova/component.h): the root server's
 * STARTUP reply set RSP = top of the main stack and the start-up values in
 * RDI, RSI, RDX, R8 and R9 (RCX is 0): exactly the arguments of
 * posix_start(index, heap base, heap size, 0, TSC kHz, console selector),
 * which runs musl's start-up and does not return.
 */
    .section .text.start, "ax"
    .globl  _start
    .type   _start, @function
_start:
    xor     %ebp, %ebp              /* outermost frame */
    and     $-16, %rsp              /* the ABI's alignment before a call */
    cld
    call    posix_start
1:  ud2
    jmp     1b
    .size   _start, . - _start

    .section .note.GNU-stack, "", @progbits
