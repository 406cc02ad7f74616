/*
 * ticker: a console client that prints a line every second for ten
 * minutes, "ticker: <n> s, the system runs on". The vm-bad-* projects run
 * it beside a VMM whose guest goes wrong: a ticker line after the VMM's
 * report shows that the console and the other components run on.
 *
 * NOVA has no timed wait, so it polls the TSC (the HIP's frequency, R8 at
 * start); run it at a low priority, where it only takes idle time and its
 * round-robin share.
 */
#include <stdint.h>
#include <stdio.h>
#include <nova/component.h>

#define TICKS 600u

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

int main(void)
{
    uint64_t per_second = nova_component.tsc_khz * 1000u;
    if (!per_second) {
        printf("ticker: the HIP gives no TSC frequency; no ticks\n");
        return 1;
    }
    uint64_t next = rdtsc();
    for (unsigned n = 1; n <= TICKS; n++) {
        next += per_second;
        while (rdtsc() < next)
            __asm__ volatile("pause");
        printf("ticker: %u s, the system runs on\n", n);
        fflush(stdout);
    }
    return 0;
}
