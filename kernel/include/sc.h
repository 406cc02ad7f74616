/* Scheduling context (spec 2.3) and the per-CPU scheduler (spec 3.1). */
#pragma once
#include <stdint.h>
#include "kobj.h"

struct ec;

struct sc {
    struct kobj obj;
    struct ec *ec;
    unsigned cpu;
    unsigned prio;
    uint64_t quantum_us;
    uint64_t consumed_tsc;
    struct sc *next, *prev;     /* runqueue */
    bool queued;
};

struct sc *sc_create(struct ec *ec, unsigned cpu, unsigned prio, uint64_t quantum_us);
void sched_enqueue(struct sc *sc);
void sched_dequeue(struct sc *sc);
_Noreturn void schedule(void);
