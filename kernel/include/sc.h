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

struct sc *sc_create(struct pd *owner, struct ec *ec, unsigned prio, uint64_t quantum_us);
void sched_enqueue(struct sc *sc);
/* `ec` changed state: SCs that could not run because of it try again. */
void sched_unpark(struct ec *ec);
void sched_timer(void);
void sched_kick(unsigned cpu);
/* The last reference is gone (kobj.c): out of every queue and list. */
void sc_destroy(struct sc *sc);
_Noreturn void schedule(void);
