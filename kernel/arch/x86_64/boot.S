/* Multiboot v1 entry: 32-bit protected mode, paging off, no stack.
 * Build the boot page tables, enter long mode, jump to the higher half. */
#include <arch/memlayout.h>

#define MB_MAGIC   0x1badb002
#define MB_FLAGS   0x3            /* modules page aligned, memory map wanted */
#define PHYS(x)    ((x) - KERNEL_VBASE)

    .section .multiboot, "a"
    .align 4
    .long MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)

    .section .boot, "ax"
    .code32
    .globl _start
_start:
    cli
    cld
    mov     %eax, %edi                  /* multiboot magic */
    mov     %ebx, %esi                  /* multiboot info, physical */

    mov     $0x80000000, %eax
    cpuid
    cmp     $0x80000001, %eax
    jb      .Lno_long_mode
    mov     $0x80000001, %eax
    cpuid
    bt      $29, %edx
    jnc     .Lno_long_mode
    mov     %edx, %ebp                  /* bit 20: NX */

    /* zero the boot tables: PML4, two PDPTs, four PDs */
    push    %edi
    mov     $PHYS(boot_pml4), %edi
    mov     $(7 * 4096 / 4), %ecx
    xor     %eax, %eax
    rep stosl
    pop     %edi

    /* PD entries: 2 MiB pages, identity for 0..4 GiB */
    mov     $PHYS(boot_pd), %ebx
    xor     %ecx, %ecx
1:  mov     %ecx, %eax
    shl     $21, %eax
    or      $0x83, %eax                 /* present, writable, large */
    mov     %eax, (%ebx,%ecx,8)
    mov     %ecx, %eax
    shr     $11, %eax                   /* upper bits of 2M * ecx */
    mov     %eax, 4(%ebx,%ecx,8)
    inc     %ecx
    cmp     $2048, %ecx
    jne     1b

    /* low PDPT: four PDs cover 0..4 GiB; high PDPT slot 510: first GiB at -2 GiB */
    mov     $PHYS(boot_pdpt_low), %ebx
    mov     $PHYS(boot_pd), %eax
    or      $3, %eax
    mov     %eax, 0(%ebx)
    add     $4096, %eax
    mov     %eax, 8(%ebx)
    add     $4096, %eax
    mov     %eax, 16(%ebx)
    add     $4096, %eax
    mov     %eax, 24(%ebx)
    mov     $PHYS(boot_pdpt_high), %ebx
    mov     $PHYS(boot_pd), %eax
    or      $3, %eax
    mov     %eax, (510 * 8)(%ebx)

    mov     $PHYS(boot_pml4), %ebx
    mov     $PHYS(boot_pdpt_low), %eax
    or      $3, %eax
    mov     %eax, 0(%ebx)
    mov     $PHYS(boot_pdpt_high), %eax
    or      $3, %eax
    mov     %eax, (511 * 8)(%ebx)

    mov     %cr4, %eax
    or      $(1 << 5), %eax             /* PAE */
    mov     %eax, %cr4
    mov     %ebx, %cr3

    mov     $0xc0000080, %ecx           /* EFER */
    rdmsr
    or      $(1 << 8), %eax             /* LME */
    bt      $20, %ebp
    jnc     2f
    or      $(1 << 11), %eax            /* NXE */
2:  wrmsr

    mov     %cr0, %eax
    or      $0x80010001, %eax           /* PG, WP, PE */
    mov     %eax, %cr0

    lgdt    boot_gdt_ptr
    ljmp    $0x08, $.Llong_mode_low

.Lno_long_mode:
    mov     $0x3f8, %dx
    mov     $no_long_mode_msg, %esi
3:  lodsb
    test    %al, %al
    jz      4f
    out     %al, %dx
    jmp     3b
4:  hlt
    jmp     4b

    .code64
.Llong_mode_low:
    movabs  $long_mode_high, %rax
    jmp     *%rax

    .section .boot.data, "a"
    .align 8
boot_gdt:
    .quad 0
    .quad 0x00af9a000000ffff            /* 64-bit code */
    .quad 0x00cf92000000ffff            /* data */
boot_gdt_ptr:
    .word boot_gdt_ptr - boot_gdt - 1
    .long boot_gdt
no_long_mode_msg:
    .asciz "novum: this CPU has no long mode (x86-64); cannot boot\r\n"

    .text
long_mode_high:
    mov     $0x10, %ax
    mov     %ax, %ds
    mov     %ax, %es
    mov     %ax, %ss
    xor     %ax, %ax
    mov     %ax, %fs
    mov     %ax, %gs
    lea     boot_stack_top(%rip), %rsp
    mov     %edi, %edi                  /* zero-extend magic and info pointer */
    mov     %esi, %esi
    xor     %ebp, %ebp
    call    kernel_main
1:  hlt
    jmp     1b

    .bss
    .align 4096
    .globl boot_pml4
boot_pml4:      .skip 4096
boot_pdpt_low:  .skip 4096
boot_pdpt_high: .skip 4096
boot_pd:        .skip 4 * 4096
boot_stack:     .skip 16384
    .globl boot_stack_top
boot_stack_top:

    .section .note.GNU-stack, "", @progbits
