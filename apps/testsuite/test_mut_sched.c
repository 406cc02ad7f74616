/* Scheduling figures the other tests leave unchecked, found by mutation
 * testing (docs/mutation.md): each test names the mutant it kills. */
#include "support.h"

static uint64_t tsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

static uint64_t tsc_to_us(uint64_t t) { return t * 1000 / nova_boot_hip->tsc_freq_khz; }

static void short_body(struct ectx *c) { c->flag = 1; }

/* sc.c, account(): `used = now - cpu->tsc_at_dispatch` made `+` (each
 * dispatch charged the time since reset twice over): an SC's time can
 * never exceed the time that has passed. */
NOVA_TEST(mut_sched_sc_time_is_at_most_the_time_that_passed)
{
    REQUIRE(nova_boot_hip->tsc_freq_khz);
    uint64_t t0 = tsc(), t = 0;
    struct ectx *g = spawn(short_body, 2);
    REQUIRE(g);
    REQUIRE_EQ(g->done, 1);
    REQUIRE_OK(nova_sc_ctrl(g->sc, &t));
    uint64_t passed = tsc_to_us(tsc() - t0);
    CHECK(t <= passed + 1);
    /* the root's SC has run at most since the TSC started (reset) */
    REQUIRE_OK(nova_sc_ctrl(SEL_ROOT_SC, &t));
    CHECK(t <= tsc_to_us(tsc()) + 1);
}
