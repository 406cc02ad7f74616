/* FPU/SSE state per EC (lazy switching, docs/api.md): two ECs that keep
 * different values in the same SSE register across calls between them
 * each see their own. */
#include "test.h"

#define FPU_SEL  0x7d00
#define FPU_UTCB 0x0000250000000000ull

static uint8_t fpu_stack[8192] __attribute__((aligned(16)));
static volatile uint64_t handler_seen[2];
static volatile unsigned handler_calls;

static inline void set_xmm0(uint64_t v) { __asm__ volatile("movq %0, %%xmm0" : : "r"(v) : "xmm0"); }
static inline uint64_t get_xmm0(void)
{
    uint64_t v;
    __asm__ volatile("movq %%xmm0, %0" : "=r"(v));
    return v;
}

/* First call: put its own value into xmm0; later calls: report what xmm0
 * holds, then clobber it again. */
static void fpu_handler(uint64_t pid)
{
    (void)pid;
    unsigned n = handler_calls++;
    if (n)
        handler_seen[n - 1 < 2 ? n - 1 : 1] = get_xmm0();
    set_xmm0(0xbbbbbbbbbbbbbbbbull);
    ((struct nova_utcb *)FPU_UTCB)->head.items = 0;
    nova_reply((uintptr_t)&fpu_stack[sizeof fpu_stack] - 8);
}

NOVA_TEST(each_ec_keeps_its_own_sse_registers)
{
    REQUIRE_EQ(nova_create_ec(FPU_SEL, SEL_ROOT_PD, nova_boot_cpu, FPU_UTCB,
                              (uintptr_t)&fpu_stack[sizeof fpu_stack] - 8, 0, 0), NOVA_SUCCESS);
    REQUIRE_EQ(nova_create_pt(FPU_SEL + 1, SEL_ROOT_PD, FPU_SEL, 0, (uintptr_t)fpu_handler), NOVA_SUCCESS);
    for (unsigned i = 0; i < 3; i++) {
        set_xmm0(0xaaaaaaaa00000000ull + i);
        nova_root_utcb()->head.items = 0;
        REQUIRE_EQ(nova_call(FPU_SEL + 1, 0), NOVA_SUCCESS);
        CHECK_EQ(get_xmm0(), 0xaaaaaaaa00000000ull + i);   /* ours, not the handler's */
    }
    CHECK_EQ(handler_calls, 3);
    CHECK_EQ(handler_seen[0], 0xbbbbbbbbbbbbbbbbull);      /* and the handler kept its own */
    CHECK_EQ(handler_seen[1], 0xbbbbbbbbbbbbbbbbull);
}
