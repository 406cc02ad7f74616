/* Clocks from the TSC, whose frequency the root server passes at start
 * (nova_component.tsc_khz, from the HIP). Every clock counts from boot:
 * no wall-clock service exists, so CLOCK_REALTIME starts at the epoch when
 * the machine starts. Sleeping spins on the TSC: the NOVA interface has no
 * timed wait, and a timer service would be needed to block instead. */
#include <errno.h>
#include <stdbool.h>
#include <time.h>
#include <nova/component.h>
#include "posix.h"

#define NS_PER_S 1000000000ull
#define NS_PER_MS 1000000ull

static uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

static bool known_clock(long clock)
{
    switch (clock) {
    case CLOCK_REALTIME: case CLOCK_MONOTONIC: case CLOCK_MONOTONIC_RAW: case CLOCK_REALTIME_COARSE:
    case CLOCK_MONOTONIC_COARSE: case CLOCK_BOOTTIME:
        return true;
    default:
        return false;
    }
}

static uint64_t tsc_to_ns(uint64_t tsc) { return (uint64_t)((unsigned __int128)tsc * NS_PER_MS / nova_component.tsc_khz); }
static uint64_t ns_to_tsc(uint64_t ns)
{
    unsigned __int128 tsc = (unsigned __int128)ns * nova_component.tsc_khz / NS_PER_MS;
    return tsc > UINT64_MAX ? UINT64_MAX : (uint64_t)tsc;
}

static struct timespec from_ns(uint64_t ns)
{
    return (struct timespec){ .tv_sec = (time_t)(ns / NS_PER_S), .tv_nsec = (long)(ns % NS_PER_S) };
}

static bool valid_timespec(const struct timespec *t)
{
    return t->tv_sec >= 0 && t->tv_nsec >= 0 && (uint64_t)t->tv_nsec < NS_PER_S;
}

static uint64_t to_ns(const struct timespec *t)
{
    uint64_t limit = (UINT64_MAX - NS_PER_S) / NS_PER_S;   /* saturate: centuries */
    uint64_t s = (uint64_t)t->tv_sec < limit ? (uint64_t)t->tv_sec : limit;
    return s * NS_PER_S + (uint64_t)t->tv_nsec;
}

long sys_clock_gettime(long clock, long ts)
{
    if (!known_clock(clock))
        return -EINVAL;
    if (!nova_component.tsc_khz)
        return -ENOSYS;
    *(struct timespec *)ts = from_ns(tsc_to_ns(rdtsc()));
    return 0;
}

long sys_clock_getres(long clock, long ts)
{
    if (!known_clock(clock))
        return -EINVAL;
    if (!nova_component.tsc_khz)
        return -ENOSYS;
    if (ts) {
        uint64_t ns = NS_PER_MS / nova_component.tsc_khz;
        *(struct timespec *)ts = from_ns(ns ? ns : 1);
    }
    return 0;
}

static void spin_until_tsc(uint64_t deadline)
{
    while (rdtsc() < deadline)
        __asm__ volatile("pause");
}

void posix_spin_ns(uint64_t ns)
{
    if (!nova_component.tsc_khz) {   /* no clock: a rough stand-in, ~40 cycles a pause */
        for (uint64_t i = 0; i < ns / 16; i++)
            __asm__ volatile("pause");
        return;
    }
    uint64_t now = rdtsc(), delta = ns_to_tsc(ns);
    spin_until_tsc(now + delta < now ? UINT64_MAX : now + delta);
}

long sys_clock_nanosleep(long clock, long flags, long req, long rem)
{
    (void)rem;   /* never interrupted: no signals */
    const struct timespec *t = (const struct timespec *)req;
    if (!known_clock(clock) || !valid_timespec(t))
        return -EINVAL;
    if (!nova_component.tsc_khz)
        return -ENOSYS;
    uint64_t now = rdtsc();
    uint64_t ns = to_ns(t);
    if (flags & TIMER_ABSTIME)
        spin_until_tsc(ns_to_tsc(ns));
    else
        spin_until_tsc(now + ns_to_tsc(ns) < now ? UINT64_MAX : now + ns_to_tsc(ns));
    return 0;
}

long sys_nanosleep(long req, long rem)
{
    return sys_clock_nanosleep(CLOCK_MONOTONIC, 0, req, rem);
}
