/*
 * Entry of the foreign root task.  Written against the NOVA interface spec
 * only; nothing here is shared with the Novum project.
 *
 * Spec 8.1 (Initial State, x86-64): RSP = address of the HIP,
 * RDI = bootstrap CPU number, RFLAGS = 0x202, other GPRs undefined.
 */

    .section .text.entry, "ax"
    .globl _start
_start:
    /* No instruction before pushfq may change RFLAGS: mov and lea do not.
     * RSP points at the HIP page, which we must not write, so switch to our
     * own stack (in .bss) before the first push. */
    mov     %rsp, %r12                  /* HIP address            */
    mov     %rdi, %r13                  /* boot CPU number        */
    lea     stack_top(%rip), %rsp
    pushfq
    pop     %r14                        /* RFLAGS on entry        */
    mov     %r12, %rdi
    mov     %r13, %rsi
    mov     %r14, %rdx
    xor     %ebp, %ebp
    call    main                        /* main(hip, cpu, rflags); never returns */
    mov     $0xbad00, %eax
    xor     %ebx, %ebx
    ud2
1:  jmp     1b

/*
 * void report(uint64_t rax_value, uint64_t checks_done)  -- noreturn
 * Executes ud2 with RAX/RBX set; with no #UD portal the kernel shuts the EC
 * down and prints a register dump, which the harness reads.
 */
    .text
    .globl report
report:
    mov     %rdi, %rax
    mov     %rsi, %rbx
    ud2
1:  jmp     1b

/*
 * uint64_t preserve_probe(uint64_t crd, uint64_t out[2])
 *
 * Issues lookup (hypercall 0x8, spec 5.3.7 / 8.5) with CRD in RSI and
 * known patterns in every other general-purpose register except RCX and
 * R11 (clobbered by syscall, 8.5).  Returns a bitmask of registers whose
 * value changed (bit numbers below); out[0] = RDI after (status),
 * out[1] = RSI after (CRD).
 *   bit 0 RDX   bit 1 RAX   bit 2 R8    bit 3 RSP     (8.5: "≡")
 *   bit 4 RBX   bit 5 RBP   bit 6 R9    bit 7 R10
 *   bit 8 R12   bit 9 R13   bit 10 R14  bit 11 R15    (not named by 8.5;
 *   a C program cannot work unless they survive)
 */
    .globl preserve_probe
preserve_probe:
    push    %rbx
    push    %rbp
    push    %r12
    push    %r13
    push    %r14
    push    %r15
    push    %rsi                        /* out pointer */
    mov     %rsp, saved_rsp(%rip)

    mov     %rdi, %rsi                  /* CRD                    */
    mov     $0x8, %edi                  /* hypercall number 0x8: lookup (5.1) */
    movabs  $0xd0d0d0d0d0d0d0d1, %rdx
    movabs  $0xa0a0a0a0a0a0a0a1, %rax
    movabs  $0x8080808080808081, %r8
    movabs  $0x9090909090909091, %r9
    movabs  $0x1010101010101011, %r10
    movabs  $0xb0b0b0b0b0b0b0b1, %rbx
    movabs  $0xb1b1b1b1b1b1b1b2, %rbp
    movabs  $0x1212121212121213, %r12
    movabs  $0x1313131313131314, %r13
    movabs  $0x1414141414141415, %r14
    movabs  $0x1515151515151516, %r15
    syscall

    xor     %ecx, %ecx
.macro CHECK reg, pattern, bit
    movabs  $\pattern, %r11
    cmp     %r11, \reg
    je      1f
    or      $(1 << \bit), %rcx
1:
.endm
    CHECK   %rdx, 0xd0d0d0d0d0d0d0d1, 0
    CHECK   %rax, 0xa0a0a0a0a0a0a0a1, 1
    CHECK   %r8,  0x8080808080808081, 2
    mov     saved_rsp(%rip), %r11
    cmp     %r11, %rsp
    je      1f
    or      $(1 << 3), %rcx
1:
    CHECK   %rbx, 0xb0b0b0b0b0b0b0b1, 4
    CHECK   %rbp, 0xb1b1b1b1b1b1b1b2, 5
    CHECK   %r9,  0x9090909090909091, 6
    CHECK   %r10, 0x1010101010101011, 7
    CHECK   %r12, 0x1212121212121213, 8
    CHECK   %r13, 0x1313131313131314, 9
    CHECK   %r14, 0x1414141414141415, 10
    CHECK   %r15, 0x1515151515151516, 11

    mov     saved_rsp(%rip), %rsp       /* in case RSP was not preserved */
    pop     %r11                        /* out pointer */
    mov     %rdi, 0(%r11)
    mov     %rsi, 8(%r11)
    mov     %rcx, %rax
    pop     %r15
    pop     %r14
    pop     %r13
    pop     %r12
    pop     %rbp
    pop     %rbx
    ret

/*
 * Entry of the local ECs (checks 13, 14): a portal call arrives with the
 * portal ID in RDI (5.2.2) and RSP as at creation or the last reply. The
 * EC with PID n owns the stack local_stack_top - n * 0x2000.
 */
    .text
    .globl local_entry
local_entry:
    mov     %rdi, %rbx                  /* PID, callee-saved */
    call    local_handler               /* local_handler(pid) fills the UTCB */
    mov     %rbx, %rax
    shl     $13, %rax
    lea     local_stack_top(%rip), %rsp
    sub     %rax, %rsp                  /* this EC's stack for the next call */
    mov     $0x1, %edi                  /* reply (5.1): does not return */
    syscall
    ud2

/*
 * Entry of the VM exit handler (check 15): a portal call for exit n arrives
 * with PID n in RDI; vm_handler(n) fills the reply in the UTCB (or never
 * returns), then we reply on a fresh stack.
 */
    .text
    .globl vm_entry
vm_entry:
    lea     vm_stack_top(%rip), %rsp
    call    vm_handler
    lea     vm_stack_top(%rip), %rsp
    mov     $0x1, %edi                  /* reply (5.1) */
    syscall
    ud2

/*
 * The guest of check 15, real mode at 0:0x1000 (copied to the guest page):
 * stores AX at 0x1800, VMMCALL (the handler sets AX = 0x4321 and skips
 * it), stores AX at 0x1802, HLT.  Offsets: vmmcall at +9, hlt at +0xf.
 */
    .section .rodata
    .globl guest_code, guest_code_end
guest_code:
    .code16
    mov     $0x1234, %ax
    mov     $0x5678, %bx
    mov     %ax, 0x1800
    vmmcall
    mov     %ax, 0x1802
    hlt
    jmp     .-1
    .code64
guest_code_end:

    .section .stack, "aw", @nobits
    .balign 16
saved_rsp:
    .skip   16
stack_bottom:
    .skip   16384
stack_top:
    .balign 16
    .skip   0x6000                      /* three local ECs, 8 KiB each */
    .globl local_stack_top
local_stack_top:
    .skip   0x2000                      /* the VM exit handler */
    .globl vm_stack_top
vm_stack_top:

    .section .note.GNU-stack, "", @progbits
