/* Semaphore (spec 2.5, 5.4.4). Waiters are woken in FIFO order. */
#pragma once
#include <stdint.h>
#include "kobj.h"

struct ec;

struct sm {
    struct kobj obj;
    uint64_t count;
    struct ec *head, *tail;
};

void sm_up(struct sm *sm);
void sm_remove_waiter(struct sm *sm, struct ec *ec);
/* The last reference is gone (kobj.c). */
void sm_destroy(struct sm *sm);
