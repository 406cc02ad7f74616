/* Scheduling context (spec 2.3) and the per-CPU scheduler (spec 3.1). */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "kobj.h"

struct ec;
struct pd;

struct sc {
    struct kobj obj;
    struct ec *ec;              /* the EC it is bound to */
    unsigned cpu;
    unsigned prio;
    uint64_t quantum_tsc, left_tsc, consumed_tsc;
    struct sc *next, *prev;     /* runqueue of its priority */
    bool queued;
    struct sc *home_next;       /* other SCs bound to the same EC */
    struct sc *park_next;       /* other SCs parked on the same EC */
    struct ec *parked_on;
};

/* An SC owned by `owner` for the global EC `ec`, on its CPU, with priority
 * `prio` and a quantum of `quantum_us` microseconds; not yet runnable
 * (sched_enqueue). The capability to it lands at selector `sel` of
 * `creator`. 0 when kernel memory ran out; then nothing is left behind. The
 * caller has checked that `sel` is free. */
struct sc *sc_create(struct pd *owner, struct ec *ec, unsigned prio, uint64_t quantum_us, struct pd *creator,
                     uint64_t sel);
void sched_enqueue(struct sc *sc);
/* `ec` changed state: SCs that could not run because of it try again. */
void sched_unpark(struct ec *ec);
/* An EC that waited in a chain of calls through `ec` (its callee) leaves it
 * (an abort): the SCs whose chains went through that EC wait parked where
 * the chain from `ec` ends, and try again. */
void sched_unpark_chain(struct ec *ec);
void sched_timer(void);
void sched_kick(unsigned cpu);
/* The last reference is gone (kobj.c): out of every queue and list. */
void sc_destroy(struct sc *sc);
_Noreturn void schedule(void);
