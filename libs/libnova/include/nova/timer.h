/*
 * The timer service's protocol and its client library (apps/timer serves
 * it; docs/components.md, "The timer service").
 *
 * Time is the TSC, in ticks since boot, at the HIP's frequency
 * (nova_component.tsc_khz). An alarm is a semaphore of the client's own
 * that the service ups once, at or after a deadline; sleeping is an alarm
 * on a semaphore the library keeps, followed by a down on it.
 *
 * Protocol ("timer" portal; NOVA IPC is CPU-local, so a client runs on the
 * service's CPU): w0 = operation, and the reply's w0 a TIMER_* status.
 *
 *   TIMER_OP_ALARM   w1 = deadline (TSC ticks), one typed item delegating
 *                    a semaphore capability with the `up` permission. The
 *                    service takes the semaphore and replies w0 = TIMER_OK,
 *                    w1 = the alarm's id (never 0). A deadline that has
 *                    passed fires before the reply. Errors: TIMER_ERR_ARG
 *                    (no w1), TIMER_ERR_NOSM (no capability arrived),
 *                    TIMER_ERR_FULL (TIMER_MAX_ALARMS pending).
 *   TIMER_OP_CANCEL  w1 = id. TIMER_OK: the alarm was pending and will
 *                    never fire; TIMER_ERR_NOENT: no pending alarm has that
 *                    id (it fired, was cancelled, or never existed), so a
 *                    client that gets NOENT for its own alarm knows its
 *                    semaphore was upped. TIMER_ERR_ARG without w1.
 *   other w0, or no w0: TIMER_ERR_OP.
 *
 * Every alarm ups its semaphore exactly once, unless cancelled first; the
 * service then drops its capability. Alarms that are due together fire in
 * deadline order (ties: in the order they were set).
 */
#pragma once
#include <stdint.h>
#include <nova/component.h>

enum timer_op {
    TIMER_OP_ALARM = 1,
    TIMER_OP_CANCEL = 2,
};

enum timer_status {
    TIMER_OK = 0,
    TIMER_ERR_OP = 1,      /* unknown operation */
    TIMER_ERR_ARG = 2,     /* a word of the request is missing */
    TIMER_ERR_NOSM = 3,    /* an alarm without a semaphore capability */
    TIMER_ERR_FULL = 4,    /* TIMER_MAX_ALARMS alarms are pending */
    TIMER_ERR_NOENT = 5,   /* cancel: no pending alarm with that id */
    TIMER_ERR_IPC = 6,     /* client side: the portal call failed, or the reply was short */
};

#define TIMER_MAX_ALARMS 64u

/* The TSC. */
static inline uint64_t timer_tsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

/* Nanoseconds as TSC ticks at the HIP's frequency, rounded up. */
uint64_t timer_ns_to_tsc(uint64_t ns);

/* A client's connection: the portal and the semaphore timer_sleep uses.
 * All calls use the main EC's UTCB. */
struct timer_client {
    uint64_t portal;     /* the "timer" portal: NOVA_COMPONENT_SEL_USE(k) */
    uint64_t sleep_sm;   /* a semaphore of the component's own */
};

/* Connect to the portal at portal_sel and create the sleep semaphore at
 * sm_sel (a free selector of the component's object space). Returns the
 * status of create_sm. */
enum nova_status timer_client_init(struct timer_client *c, uint64_t portal_sel, uint64_t sm_sel);

/* Ask for an up of the semaphore at sm_sel (the component's own, with the
 * `up` permission) at TSC `deadline`; *id (if not NULL) receives the
 * alarm's id. Returns a timer_status. */
enum timer_status timer_alarm(const struct timer_client *c, uint64_t sm_sel, uint64_t deadline, uint64_t *id);

/* Cancel a pending alarm (TIMER_OK) or learn that it is not pending
 * (TIMER_ERR_NOENT). */
enum timer_status timer_cancel(const struct timer_client *c, uint64_t id);

/* Block until at least ns nanoseconds have passed: an alarm on the sleep
 * semaphore, then a down on it. */
enum timer_status timer_sleep_ns(const struct timer_client *c, uint64_t ns);

/* The raw call: w[0..n-1] sent, U = n, with one delegate item for the
 * semaphore at sm_sel if sm_sel != 0; the reply's words (at most max) are
 * copied back into w. Returns the number of reply words, or -1 if the call
 * failed. For tests of malformed requests. */
int timer_call_raw(uint64_t portal, uint64_t *w, unsigned n, unsigned max, uint64_t sm_sel);
