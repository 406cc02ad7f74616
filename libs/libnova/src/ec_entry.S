/*
 * nova_ec_entry: where the root server starts an EC the component created
 * itself (component_ec_create, include/nova/component.h), found by its ELF
 * symbol. RSP is the stack pointer given at create_ec, pointing at the EC's
 * function and its argument; no other register is defined. The function
 * runs with the stack 16-byte aligned as the ABI wants; if it returns, the
 * EC stops for good in nova_component_ec_end.
 */
    .text
    .globl  nova_ec_entry
    .type   nova_ec_entry, @function
nova_ec_entry:
    xor     %ebp, %ebp              /* outermost frame */
    pop     %rax                    /* fn */
    pop     %rdi                    /* arg */
    and     $-16, %rsp
    cld
    call    *%rax
    call    nova_component_ec_end
1:  ud2
    jmp     1b
    .size   nova_ec_entry, . - nova_ec_entry

    .section .note.GNU-stack, "", @progbits
