/*
 * vmm_exit_entry: the IP of every portal of a vCPU's exits. The kernel
 * enters here on the vCPU's handler EC with RDI = portal identifier (vCPU
 * index << 8 | exit number) and RSP = the stack pointer of that EC's last
 * reply, which vmm_exit_wait made 16-byte aligned. vmm_exit handles the
 * exit and replies; it does not return.
 */
    .text
    .globl  vmm_exit_entry
    .type   vmm_exit_entry, @function
vmm_exit_entry:
    xor     %ebp, %ebp
    and     $-16, %rsp
    cld
    call    vmm_exit
1:  ud2
    jmp     1b
    .size   vmm_exit_entry, . - vmm_exit_entry

    .section .note.GNU-stack, "", @progbits
