/*
 * The entry of every portal a component offers (include/nova/component.h),
 * shared by the freestanding runtime and the musl one (libs/posix).
 */
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
