#include <arch/tlb.h>
#include "lock.h"
#include "spinlock.h"

static struct spinlock kernel_lock;

/* While a CPU spins here it cannot take a shootdown IPI; it says so, and
 * catches up on shootdowns once it holds the lock (tlb.c). */
void big_lock(void)
{
    tlb_lock_waiting(true);
    spin_lock(&kernel_lock);
    tlb_lock_waiting(false);
    tlb_catch_up();
}
void big_unlock(void) { spin_unlock(&kernel_lock); }
