/* The kernel invariant checker of Debug builds (docs/assurance.md): after
 * hypercalls it walks the mapping database, the run queues, the IPC links
 * and the PDs' accounts, and panics naming the first invariant that does
 * not hold. Release builds compile none of it. */
#pragma once
#include <stdbool.h>

struct kobj;
struct queue;
struct sc;

#ifdef NOVUM_DEBUG
/* Every PD, EC and SC the checker walks: made known once constructed,
 * forgotten when its destruction starts (kobj.c). */
void invariants_track(struct kobj *obj);
void invariants_forget(struct kobj *obj);
/* A hypercall (syscall.c) or an interrupt (irq.c) is done: check every
 * invariant, sampled by their cost (see invariants.c); `when` names it. */
void invariants_after_event(const char *when);
/* Check every invariant now; `when` names the moment in a violation. */
void invariants_check(const char *when);
/* sc.c's run queues, as the checker reads them. */
struct sc *sched_queue_head(unsigned cpu, unsigned prio);
bool sched_queue_marked(unsigned cpu, unsigned prio);
#else
static inline void invariants_check(const char *when) { (void)when; }
static inline void invariants_after_event(const char *when) { (void)when; }
static inline void invariants_track(struct kobj *obj) { (void)obj; }
static inline void invariants_forget(struct kobj *obj) { (void)obj; }
#endif
