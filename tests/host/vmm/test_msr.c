/* The MSR policy for what is neither APIC, kvmclock nor the core's. */
#include "msr.h"
#include "unit.h"

static uint64_t rd(const struct msr_vcpu *m, uint32_t msr)
{
    uint64_t v = 0xdead;
    EXPECT(msr_read(m, msr, 777, &v));
    return v;
}

UNIT_TEST(msr_apic_base_is_x2apic_fixed)
{
    struct msr_vcpu bsp, ap;
    msr_init(&bsp, 0);
    msr_init(&ap, 1);
    EXPECT(rd(&bsp, 0x1b) == 0xfee00d00u);
    EXPECT(rd(&ap, 0x1b) == 0xfee00c00u);
    EXPECT(msr_write(&bsp, 0x1b, 0xfee00d00u));
    EXPECT(msr_write(&ap, 0x1b, 0xfee00c00u));
    EXPECT(!msr_write(&bsp, 0x1b, 0xfee00900u));      /* leave x2APIC mode */
    EXPECT(!msr_write(&bsp, 0x1b, 0));                /* disable */
    EXPECT(!msr_write(&bsp, 0x1b, 0xfec00d00u));      /* move */
    EXPECT(rd(&bsp, 0x1b) == 0xfee00d00u);
}

UNIT_TEST(msr_mtrrs_default_write_back_and_store)
{
    struct msr_vcpu m;
    msr_init(&m, 0);
    EXPECT(rd(&m, 0xfe) == 0x508);
    EXPECT(rd(&m, 0x2ff) == 0xc06);
    EXPECT(rd(&m, 0x250) == 0x0606060606060606ull);
    EXPECT(rd(&m, 0x26f) == 0x0606060606060606ull);
    EXPECT(rd(&m, 0x200) == 0 && rd(&m, 0x20f) == 0);
    EXPECT(msr_write(&m, 0x20f, 0xfff000800ull));
    EXPECT(msr_write(&m, 0x2ff, 0));
    EXPECT(rd(&m, 0x20f) == 0xfff000800ull && rd(&m, 0x2ff) == 0);
    EXPECT(!msr_write(&m, 0xfe, 0));                  /* MTRRcap read-only */
    uint64_t v;
    EXPECT(!msr_read(&m, 0x210, 777, &v));            /* beyond 8 pairs */
    EXPECT(!msr_read(&m, 0x251, 777, &v));            /* not a fixed MTRR */
}

UNIT_TEST(msr_answers_and_refusals)
{
    struct msr_vcpu m;
    msr_init(&m, 0);
    EXPECT(rd(&m, 0x10) == 777);                      /* TSC is `now` */
    EXPECT(!msr_write(&m, 0x10, 0));
    EXPECT(rd(&m, 0x17) == 0 && rd(&m, 0x8b) == 0 && rd(&m, 0x3a) == 1);
    EXPECT(msr_write(&m, 0x8b, 0));
    EXPECT(rd(&m, 0x1a0) == 0x1801);
    EXPECT(msr_write(&m, 0x1a0, 0x1));
    EXPECT(rd(&m, 0x1a0) == 0x1);
    EXPECT(rd(&m, 0x179) == 0 && rd(&m, 0x17a) == 0);
    EXPECT(rd(&m, 0xc0010015) == (1ull << 24));
    EXPECT(rd(&m, 0xc0011029) == 2 && msr_write(&m, 0xc0011029, 2));
    EXPECT(rd(&m, 0x1d9) == 0 && msr_write(&m, 0x1d9, 0) && !msr_write(&m, 0x1d9, 1));
    uint64_t v;
    static const uint32_t refused[] = { 0x48, 0x49, 0x10a, 0x3b, 0xc0000103, 0xc0010140,
                                        0xc0010114, 0xe7, 0x12345678 };
    for (unsigned i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        EXPECT(!msr_read(&m, refused[i], 0, &v));
        EXPECT(!msr_write(&m, refused[i], 0));
    }
}
