/* The hypercall ABI itself (spec 8.5). */
#include "test.h"

/* A raw hypercall with every register the ABI preserves carrying a pattern. */
struct raw { uint64_t rdi, rsi, rdx, rax, r8, r9, r10, r12, r13, r14, r15, rbx; };

static struct raw raw_hypercall(uint64_t id, uint64_t rsi)
{
    struct raw r = { id, rsi, 0xd0d0d0d0d0d0d0d0ull, 0xa0a0a0a0a0a0a0a0ull, 0x8888888888888888ull,
                     0x9999999999999999ull, 0x1010101010101010ull, 0x1212121212121212ull, 0x1313131313131313ull,
                     0x1414141414141414ull, 0x1515151515151515ull, 0xb0b0b0b0b0b0b0b0ull };
    register uint64_t r8 __asm__("r8") = r.r8, r9 __asm__("r9") = r.r9, r10 __asm__("r10") = r.r10,
                      r12 __asm__("r12") = r.r12, r13 __asm__("r13") = r.r13, r14 __asm__("r14") = r.r14,
                      r15 __asm__("r15") = r.r15;
    __asm__ volatile("syscall"
                     : "+D"(r.rdi), "+S"(r.rsi), "+d"(r.rdx), "+a"(r.rax), "+r"(r8), "+r"(r9), "+r"(r10),
                       "+r"(r12), "+r"(r13), "+r"(r14), "+r"(r15), "+b"(r.rbx)
                     :
                     : "rcx", "r11", "memory");
    r.r8 = r8, r.r9 = r9, r.r10 = r10, r.r12 = r12, r.r13 = r13, r.r14 = r14, r.r15 = r15;
    return r;
}

NOVA_TEST(undefined_hypercall_answers_bad_hyp)
{
    /* 0xf is no spec hypercall; as the extensions' shared number it takes a
     * sub-operation in RSI, and an undefined one is an undefined hypercall */
    struct raw r = raw_hypercall(0xf, 0x5a5a5a5a);
    CHECK_EQ(r.rdi & 0xff, NOVA_BAD_HYP);
}

NOVA_TEST(hypercall_0xf_sub_operation_0_answers_bad_hyp)
{
    /* how a spec-only caller probes an undefined number (spec 5.1): no
     * extension owns sub-operation 0, whichever are built in */
    struct raw r = raw_hypercall(0xf, 0);
    CHECK_EQ(r.rdi, NOVA_BAD_HYP);
}

NOVA_TEST(bad_hyp_clears_the_identifier_bits)
{
    struct raw r = raw_hypercall(nova_hc_id(0xf, 0xf, 0x123456), 0x5a5a5a5a);
    CHECK_EQ(r.rdi, NOVA_BAD_HYP);
}

NOVA_TEST(hypercall_preserves_registers)
{
    struct raw r = raw_hypercall(NOVA_HC_LOOKUP, nova_crd_null());
    CHECK_EQ(r.rdi & 0xff, NOVA_SUCCESS);
    CHECK_EQ(r.rdx, 0xd0d0d0d0d0d0d0d0ull);
    CHECK_EQ(r.rax, 0xa0a0a0a0a0a0a0a0ull);
    CHECK_EQ(r.r8, 0x8888888888888888ull);
    CHECK_EQ(r.r9, 0x9999999999999999ull);
    CHECK_EQ(r.r10, 0x1010101010101010ull);
    CHECK_EQ(r.r12, 0x1212121212121212ull);
    CHECK_EQ(r.r13, 0x1313131313131313ull);
    CHECK_EQ(r.r14, 0x1414141414141414ull);
    CHECK_EQ(r.r15, 0x1515151515151515ull);
    CHECK_EQ(r.rbx, 0xb0b0b0b0b0b0b0b0ull);
}

NOVA_TEST(debug_console_write_refuses_unmapped_buffers)
{
    CHECK_EQ(nova_debug_console_write((const void *)0x1000, 16), NOVA_BAD_PAR);
    CHECK_EQ(nova_debug_console_write("x", 4097), NOVA_BAD_PAR);
    CHECK_EQ(nova_debug_console_write((const void *)0x00007ffffffffff0ull, 64), NOVA_BAD_PAR);
}
