/* Semaphore (spec 2.5, 5.4.4). Waiters are woken in FIFO order. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "kobj.h"
#include "queue.h"

struct ec;
struct pd;

struct sm {
    struct kobj obj;
    uint64_t count;
    struct queue waiters;   /* ECs blocked in down, oldest first (ec->sm_link) */
};

void sm_up(struct sm *sm);
void sm_remove_waiter(struct sm *sm, struct ec *ec);
/* A semaphore owned by `owner` with the counter `count`. The capability to
 * it lands at selector `sel` of `creator`. 0 when kernel memory ran out;
 * then nothing is left behind. The caller has checked that `sel` is free. */
struct sm *sm_create(struct pd *owner, uint64_t count, struct pd *creator, uint64_t sel);
/* The last reference is gone (kobj.c). */
void sm_destroy(struct sm *sm);
