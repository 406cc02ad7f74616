/* Ticket-free test-and-set spinlock; the kernel runs with interrupts off. */
#pragma once
#include <stdbool.h>

struct spinlock { volatile int locked; };

static inline void spin_lock(struct spinlock *l)
{
    while (__atomic_exchange_n(&l->locked, 1, __ATOMIC_ACQUIRE))
        while (l->locked)
            __builtin_ia32_pause();
}
static inline void spin_unlock(struct spinlock *l) { __atomic_store_n(&l->locked, 0, __ATOMIC_RELEASE); }
