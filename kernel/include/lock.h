/* The big kernel lock: the kernel runs on one CPU at a time. Taken on every
 * entry from user mode or idle, dropped on the way back to user mode and
 * before idling; with the kernel's continuation style there are no other
 * exits. Simple and enough for a kernel that never blocks inside. Taking a
 * free lock and dropping it are inline: every hypercall does both. */
#pragma once
#include <stdbool.h>

extern volatile int kernel_lock;   /* test-and-set; the kernel runs with interrupts off */

void big_lock_contended(void);

static inline void big_lock(void)
{
    if (__builtin_expect(__atomic_exchange_n(&kernel_lock, 1, __ATOMIC_ACQUIRE), 0))
        big_lock_contended();
}

static inline void big_unlock(void) { __atomic_store_n(&kernel_lock, 0, __ATOMIC_RELEASE); }
