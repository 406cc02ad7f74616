/* kvmclock: the scale against a reference, and the structures in memory. */
#include "kvmclock.h"
#include "unit.h"
#include <string.h>

/* Reference: ticks * 1e9 / hz, exactly, in 128-bit arithmetic. */
static uint64_t ref_ns(uint64_t ticks, uint64_t hz)
{
    return (uint64_t)((unsigned __int128)ticks * 1000000000u / hz);
}

static uint64_t diff(uint64_t a, uint64_t b) { return a > b ? a - b : b - a; }

UNIT_TEST(kvmclock_scale_one_second_exact_within_1ns)
{
    static const uint32_t khz[] = { 1000000, 2600000, 3300000, 2893301, 3999999, 100000, 5000000 };
    for (unsigned i = 0; i < sizeof khz / sizeof khz[0]; i++) {
        uint32_t mul;
        int8_t shift;
        pvclock_time_scale(khz[i], &mul, &shift);
        uint64_t hz = (uint64_t)khz[i] * 1000;
        EXPECT(diff(pvclock_scale(hz, mul, shift), 1000000000u) <= 1);
        /* and over an hour the error stays within the 32-bit mul's precision */
        uint64_t hour = hz * 3600;
        EXPECT(diff(pvclock_scale(hour, mul, shift), ref_ns(hour, hz)) <= 3600);
    }
}

UNIT_TEST(kvmclock_scale_matches_kvm_for_known_frequencies)
{
    uint32_t mul;
    int8_t shift;
    pvclock_time_scale(1000000, &mul, &shift);   /* 1 GHz: 2e9 >> 1 * 2^31 */
    EXPECT(shift == 1 && mul == 0x80000000u);
    pvclock_time_scale(2600000, &mul, &shift);   /* 2.6 GHz: 1.3e9 after >> 1 */
    EXPECT(shift == -1 && mul == (uint32_t)((1000000000ull << 32) / 1300000000u));
    pvclock_time_scale(3300000, &mul, &shift);
    EXPECT(shift == -1 && mul == (uint32_t)((1000000000ull << 32) / 1650000000u));
}

UNIT_TEST(kvmclock_registers_system_time_structure)
{
    static uint8_t ram[8192];
    struct guest_mem gm = { ram, sizeof ram };
    struct kvmclock k;
    struct kvmclock_vcpu v = { 0 };
    kvmclock_init(&k, &gm, 2600000, 5000, 0);
    EXPECT(kvmclock_owns_msr(0x4b564d01) && kvmclock_owns_msr(0x12) && !kvmclock_owns_msr(0x10));
    memset(ram, 0, sizeof ram);
    EXPECT(kvmclock_msr_write(&k, &v, MSR_KVM_SYSTEM_TIME_NEW, 0x1040 | 1));
    uint32_t ver, mul;
    uint64_t ts, st;
    memcpy(&ver, ram + 0x1040, 4);
    memcpy(&ts, ram + 0x1048, 8);
    memcpy(&st, ram + 0x1050, 8);
    memcpy(&mul, ram + 0x1058, 4);
    EXPECT(ver == 2 && ts == 5000 && st == 0 && mul == k.mul);
    EXPECT((int8_t)ram[0x105c] == k.shift && ram[0x105d] == PVCLOCK_TSC_STABLE_BIT);
    EXPECT(kvmclock_msr_write(&k, &v, MSR_KVM_SYSTEM_TIME_NEW, 0x1040 | 1));
    memcpy(&ver, ram + 0x1040, 4);
    EXPECT(ver == 4);                           /* even again, and newer */
    uint64_t val;
    EXPECT(kvmclock_msr_read(&k, &v, MSR_KVM_SYSTEM_TIME_NEW, &val) && val == 0x1041);
    /* guest time from the structure, as Linux computes it */
    uint64_t now = 5000 + 2600000000ull;
    EXPECT(diff(st + pvclock_scale(now - ts, mul, (int8_t)ram[0x105c]), 1000000000u) <= 1);
    EXPECT(kvmclock_ns(&k, now) == pvclock_scale(now - ts, mul, (int8_t)ram[0x105c]));
}

UNIT_TEST(kvmclock_refuses_bad_addresses)
{
    static uint8_t ram[4096];
    struct guest_mem gm = { ram, sizeof ram };
    struct kvmclock k;
    struct kvmclock_vcpu v = { 0 };
    kvmclock_init(&k, &gm, 1000000, 0, 0);
    memset(ram, 0, sizeof ram);
    EXPECT(!kvmclock_msr_write(&k, &v, MSR_KVM_SYSTEM_TIME_NEW, 0x102 | 1)); /* misaligned */
    EXPECT(!kvmclock_msr_write(&k, &v, MSR_KVM_SYSTEM_TIME_NEW, (4096 - 16) | 1));
    EXPECT(!kvmclock_msr_write(&k, &v, MSR_KVM_SYSTEM_TIME, 0xfffffffffffffff1ull));
    EXPECT(!kvmclock_msr_write(&k, &v, MSR_KVM_WALL_CLOCK_NEW, 4096 - 8));
    EXPECT(!kvmclock_msr_write(&k, &v, 0x4b564d02, 0));
    for (unsigned i = 0; i < sizeof ram; i++)
        EXPECT(ram[i] == 0);
    EXPECT(kvmclock_msr_write(&k, &v, MSR_KVM_SYSTEM_TIME_NEW, 0x102 & ~3ull)); /* disable only */
}

UNIT_TEST(kvmclock_wall_clock)
{
    static uint8_t ram[4096];
    struct guest_mem gm = { ram, sizeof ram };
    struct kvmclock k;
    struct kvmclock_vcpu v = { 0 };
    kvmclock_init(&k, &gm, 1000000, 0, 1700000000);
    memset(ram, 0, sizeof ram);
    ram[0x200] = 7;                              /* a stale odd version */
    EXPECT(kvmclock_msr_write(&k, &v, MSR_KVM_WALL_CLOCK, 0x200));
    uint32_t ver, sec, nsec;
    memcpy(&ver, ram + 0x200, 4);
    memcpy(&sec, ram + 0x204, 4);
    memcpy(&nsec, ram + 0x208, 4);
    EXPECT(ver == 10 && sec == 1700000000u && nsec == 0);
    uint64_t val;
    EXPECT(kvmclock_msr_read(&k, &v, MSR_KVM_WALL_CLOCK_NEW, &val) && val == 0x200);
}
