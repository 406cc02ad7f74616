#include <arch/tlb.h>
#include "lock.h"

/* Test-and-set; the kernel runs with interrupts off. The only lock in the
 * kernel, so it needs no type of its own. */
static volatile int kernel_lock;

/* While a CPU spins here it cannot take a shootdown IPI; it says so, and
 * catches up on shootdowns once it holds the lock (tlb.c). */
void big_lock(void)
{
    tlb_lock_waiting(true);
    while (__atomic_exchange_n(&kernel_lock, 1, __ATOMIC_ACQUIRE))
        while (kernel_lock)
            __builtin_ia32_pause();
    tlb_lock_waiting(false);
    tlb_catch_up();
}
void big_unlock(void) { __atomic_store_n(&kernel_lock, 0, __ATOMIC_RELEASE); }
