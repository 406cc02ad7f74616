/* Application processor start: the BSP copies this code to TRAMPOLINE_PHYS
 * and sends INIT-SIPI-SIPI; the AP starts in real mode at its first byte,
 * goes through protected mode into long mode on the boot page tables and
 * jumps to ap_entry in the kernel. Addresses inside are offsets from the
 * start, relocated to TRAMPOLINE_PHYS. */
#include <arch/smp.h>

#define REL(x) ((x) - trampoline_start + TRAMPOLINE_PHYS)

    .section .rodata
    .code16
    .globl trampoline_start, trampoline_end
trampoline_start:
    cli
    cld
    xor     %ax, %ax
    mov     %ax, %ds
    lgdtl   REL(tr_gdt_ptr)
    mov     %cr0, %eax
    or      $1, %eax
    mov     %eax, %cr0
    ljmpl   $0x08, $REL(tr_32)

    .code32
tr_32:
    mov     $0x10, %ax
    mov     %ax, %ds
    mov     %ax, %es
    mov     %ax, %ss
    mov     %cr4, %eax
    or      $(1 << 5), %eax                 /* PAE */
    mov     %eax, %cr4
    mov     REL(tr_cr3), %eax
    mov     %eax, %cr3
    mov     $0xc0000080, %ecx               /* EFER: LME, and NXE as on the BSP */
    rdmsr
    or      REL(tr_efer), %eax
    wrmsr
    mov     %cr0, %eax
    or      $0x80010001, %eax               /* PG, WP, PE */
    mov     %eax, %cr0
    ljmpl   $0x18, $REL(tr_64)

    .code64
tr_64:
    mov     REL(tr_stack), %rsp
    mov     REL(tr_cpu), %edi
    movabs  $ap_entry, %rax
    jmp     *%rax

    .align 8
tr_gdt:
    .quad 0
    .quad 0x00cf9a000000ffff                /* 0x08: 32-bit code */
    .quad 0x00cf92000000ffff                /* 0x10: data */
    .quad 0x00af9a000000ffff                /* 0x18: 64-bit code */
tr_gdt_ptr:
    .word tr_gdt_ptr - tr_gdt - 1
    .long REL(tr_gdt)
    .align 8
    .globl trampoline_params
trampoline_params:
tr_cr3:   .long 0
tr_efer:  .long 0
tr_stack: .quad 0
tr_cpu:   .long 0
trampoline_end:

    .section .note.GNU-stack, "", @progbits
