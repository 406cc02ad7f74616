#include "kvmclock.h"
#include <string.h>

#define NSEC_PER_SEC 1000000000ull
#define HI32 0xffffffff00000000ull

/* Linux's struct pvclock_vcpu_time_info and pvclock_wall_clock layouts. */
enum { PV_VERSION = 0, PV_TSC_TIMESTAMP = 8, PV_SYSTEM_TIME = 16, PV_MUL = 24,
       PV_SHIFT = 28, PV_FLAGS = 29, PV_SIZE = 32 };
enum { WC_VERSION = 0, WC_SEC = 4, WC_NSEC = 8, WC_SIZE = 12 };

void pvclock_time_scale(uint32_t tsc_khz, uint32_t *mul, int8_t *shift)
{
    uint64_t scaled = NSEC_PER_SEC, tps = (uint64_t)tsc_khz * 1000;
    int s = 0;
    if (!tps)
        tps = 1;
    while (tps > scaled * 2 || (tps & HI32)) {
        tps >>= 1;
        s--;
    }
    uint32_t tps32 = (uint32_t)tps;
    while (tps32 <= scaled || (scaled & HI32)) {
        if ((scaled & HI32) || (tps32 & 0x80000000u))
            scaled >>= 1;
        else
            tps32 <<= 1;
        s++;
    }
    *shift = (int8_t)s;
    *mul = (uint32_t)((scaled << 32) / tps32);  /* scaled < tps32 < 2^32 */
}

uint64_t pvclock_scale(uint64_t delta, uint32_t mul, int8_t shift)
{
    delta = shift < 0 ? delta >> -shift : delta << shift;
    /* 64x32 -> 96-bit product, top 64 bits, without a 128-bit type */
    uint64_t lo = (delta & 0xffffffffu) * mul, hi = (delta >> 32) * mul;
    return hi + (lo >> 32);
}

void kvmclock_init(struct kvmclock *k, const struct guest_mem *gm, uint32_t tsc_khz,
                   uint64_t boot_tsc, uint64_t epoch_sec)
{
    memset(k, 0, sizeof *k);
    k->gm = gm;
    k->boot_tsc = boot_tsc;
    k->epoch_sec = epoch_sec;
    pvclock_time_scale(tsc_khz, &k->mul, &k->shift);
}

uint64_t kvmclock_ns(const struct kvmclock *k, uint64_t now)
{
    return pvclock_scale(now - k->boot_tsc, k->mul, k->shift);
}

bool kvmclock_owns_msr(uint32_t msr)
{
    return msr == MSR_KVM_WALL_CLOCK || msr == MSR_KVM_SYSTEM_TIME ||
           msr == MSR_KVM_WALL_CLOCK_NEW || msr == MSR_KVM_SYSTEM_TIME_NEW;
}

static void put32(uint8_t *p, unsigned off, uint32_t v) { memcpy(p + off, &v, 4); }
static void put64(uint8_t *p, unsigned off, uint64_t v) { memcpy(p + off, &v, 8); }

/* The seqcount protocol: the version is odd while the fields change and
 * even (and larger) after. Fences keep the compiler from reordering the
 * stores; x86 keeps stores in order for the guest's other vCPUs. */
static uint32_t begin_update(uint8_t *p)
{
    uint32_t v;
    memcpy(&v, p, 4);
    v = (v + 1) | 1;
    put32(p, 0, v);
    __atomic_thread_fence(__ATOMIC_RELEASE);
    return v;
}

static void end_update(uint8_t *p, uint32_t v)
{
    __atomic_thread_fence(__ATOMIC_RELEASE);
    put32(p, 0, v + 1);
}

static uint8_t *guest_struct(const struct kvmclock *k, uint64_t gpa, uint64_t len)
{
    if (gpa & 3)
        return 0;
    return gm_ptr(k->gm, gpa, len);
}

static bool write_system_time(struct kvmclock *k, struct kvmclock_vcpu *v, uint64_t val)
{
    if (!(val & 1)) {            /* disabled: the guest stops reading it */
        v->system_time_msr = val;
        return true;
    }
    uint8_t *p = guest_struct(k, val & ~1ull, PV_SIZE);
    if (!p)
        return false;
    uint32_t ver = begin_update(p);
    put64(p, PV_TSC_TIMESTAMP, k->boot_tsc);
    put64(p, PV_SYSTEM_TIME, 0);
    put32(p, PV_MUL, k->mul);
    p[PV_SHIFT] = (uint8_t)k->shift;
    p[PV_FLAGS] = PVCLOCK_TSC_STABLE_BIT;
    end_update(p, ver);
    v->system_time_msr = val;
    return true;
}

static bool write_wall_clock(struct kvmclock *k, uint64_t val)
{
    uint8_t *p = guest_struct(k, val, WC_SIZE);
    if (!p)
        return false;
    uint32_t ver = begin_update(p);
    put32(p, WC_SEC, (uint32_t)k->epoch_sec);
    put32(p, WC_NSEC, 0);
    end_update(p, ver);
    k->wall_msr = val;
    return true;
}

bool kvmclock_msr_write(struct kvmclock *k, struct kvmclock_vcpu *v, uint32_t msr, uint64_t val)
{
    switch (msr) {
    case MSR_KVM_SYSTEM_TIME: case MSR_KVM_SYSTEM_TIME_NEW: return write_system_time(k, v, val);
    case MSR_KVM_WALL_CLOCK: case MSR_KVM_WALL_CLOCK_NEW: return write_wall_clock(k, val);
    default: return false;
    }
}

bool kvmclock_msr_read(const struct kvmclock *k, const struct kvmclock_vcpu *v, uint32_t msr,
                       uint64_t *val)
{
    switch (msr) {
    case MSR_KVM_SYSTEM_TIME: case MSR_KVM_SYSTEM_TIME_NEW: *val = v->system_time_msr; return true;
    case MSR_KVM_WALL_CLOCK: case MSR_KVM_WALL_CLOCK_NEW: *val = k->wall_msr; return true;
    default: return false;
    }
}
