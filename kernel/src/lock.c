#include <arch/tlb.h>
#include "lock.h"

volatile int kernel_lock;

/* While a CPU spins here it cannot take a shootdown IPI; it says so, and
 * catches up on shootdowns once it holds the lock (tlb.c). Taken at once
 * (lock.h), the lock was free: no shootdown was under way, and every one
 * before reached this CPU or saw it waiting in an earlier spin that caught
 * up, so there is nothing to catch up on. */
void big_lock_contended(void)
{
    tlb_lock_waiting(true);
    while (__atomic_exchange_n(&kernel_lock, 1, __ATOMIC_ACQUIRE))
        while (kernel_lock)
            __builtin_ia32_pause();
    tlb_lock_waiting(false);
    tlb_catch_up();
}
