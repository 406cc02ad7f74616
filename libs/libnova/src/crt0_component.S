/*
 * Entry points of a component started by the root server
 * (include/nova/component.h). Replaces crt0.S/start.c: do not link both.
 */

/*
 * _start: the STARTUP reply set RSP = top of the main stack (16-byte
 * aligned), RDI = component index, RSI = heap base, RDX = heap size, and
 * cleared the other registers. nova_component_start(index, heap, size)
 * records them and runs component_main; it does not return.
 */
    .section .text.start, "ax"
    .globl  _start
    .type   _start, @function
_start:
    xor     %ebp, %ebp              /* outermost frame */
    and     $-16, %rsp              /* the ABI's alignment before a call */
    cld
    call    nova_component_start
1:  ud2
    jmp     1b
    .size   _start, . - _start

    .text

/*
 * nova_portal_entry: the IP of every portal the component offers (the root
 * server looks this symbol up in .symtab). The kernel enters here with
 * RDI = portal identifier and RSP = the SP of the main EC's last reply,
 * which component.c's wait_for_calls made 16-byte aligned; nothing else is
 * defined.
 * nova_component_dispatch(pid) runs the handler and replies; it does not
 * return.
 */
    .globl  nova_portal_entry
    .type   nova_portal_entry, @function
nova_portal_entry:
    xor     %ebp, %ebp
    and     $-16, %rsp
    cld
    call    nova_component_dispatch
1:  ud2
    jmp     1b
    .size   nova_portal_entry, . - nova_portal_entry

    .section .note.GNU-stack, "", @progbits
