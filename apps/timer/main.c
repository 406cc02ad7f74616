/*
 * timer: the timer service. It offers "timer" (include/nova/timer.h has the
 * protocol and the client library): a client delegates a semaphore with a
 * TSC deadline, and the service ups it once the deadline has passed.
 *
 * The time source is the TSC at the HIP's frequency. NOVA has no timed
 * wait and no timer interrupt reaches components (the kernel keeps the
 * PIT's ports and the local APIC; device memory such as the HPET's cannot
 * be granted by system.toml yet), so a clock EC of its own watches the
 * TSC: while no alarm is pending it blocks on the semaphore KICK_SM; while
 * one is, it polls the TSC at CLOCK_PRIORITY, the lowest, so it takes only
 * idle time and its round-robin share. When the earliest deadline has
 * passed it calls the service's own TICK portal, bound to the main EC like
 * "timer": every change of the alarm table happens in the main EC, one
 * call at a time, so nothing needs a lock.
 *
 * Object space: alarm k's semaphore at SLOT_SEL(k); the delegation window
 * of the main EC's UTCB names a free slot before every wait for a call.
 * system.toml: offers = ["timer"] (PID 0), uses = ["console"].
 */
#include <stdbool.h>
#include <stdio.h>
#include <nova/component.h>
#include <nova/timer.h>

#define PID_TIMER       0u
#define PID_TICK        0x7469636bu   /* "tick": the clock EC's portal, not in offers */
#define SEL_TICK_PT     0x80u
#define SEL_KICK_SM     0x81u
#define SEL_CLOCK_EC    0x82u
#define SEL_CLOCK_SC    0x83u
#define SLOT_SEL(k)     (0x100u + (unsigned)(k))

#define CLOCK_PRIORITY  1u
#define CLOCK_QUANTUM   1000u         /* microseconds */
#define CLOCK_SLOT      0u            /* its UTCB: NOVA_COMPONENT_EC_UTCB(0) */

struct alarm {
    bool pending;
    uint64_t id;
    uint64_t deadline;
};

static struct alarm alarms[TIMER_MAX_ALARMS];
static uint64_t last_id;
static unsigned window_slot = TIMER_MAX_ALARMS;   /* the slot the delegation window names */
/* The earliest pending deadline, UINT64_MAX if none: written by the main
 * EC, read by the clock EC. */
static volatile uint64_t next_deadline = UINT64_MAX;

static uint8_t clock_stack[8192] __attribute__((aligned(16)));

/* Drop the service's capability in a slot (its own only: SR). */
static void slot_clear(unsigned k)
{
    nova_revoke(nova_crd_obj(SLOT_SEL(k), 0, NOVA_PERM_SM_ALL), NOVA_FLAG_REVOKE_SR);
}

/* Whether slot k holds a capability with the up permission. */
static bool slot_has_sm(unsigned k)
{
    uint64_t crd = nova_crd_obj(SLOT_SEL(k), 0, 0);
    if (nova_lookup(&crd) != NOVA_SUCCESS || nova_crd_type(crd) != NOVA_CRD_TYPE_OBJ)
        return false;
    return (nova_crd_mask(crd) & NOVA_PERM_SM_UP) != 0;
}

/* Point the delegation window at a free slot (a null window when the
 * table is full), and empty that slot of whatever a call left there. */
static void window_reset(void)
{
    unsigned k = 0;
    while (k < TIMER_MAX_ALARMS && alarms[k].pending)
        k++;
    window_slot = k;
    if (k < TIMER_MAX_ALARMS)
        slot_clear(k);
    nova_component_utcb()->head.del =
        k < TIMER_MAX_ALARMS ? nova_crd_obj(SLOT_SEL(k), 0, NOVA_PERM_SM_UP) : nova_crd_null();
}

static void fire(unsigned k)
{
    nova_sm_ctrl(SLOT_SEL(k), 0);   /* up; a capability of another kind answers BAD_CAP: nothing happens */
    alarms[k].pending = false;
    slot_clear(k);
}

/* Fire every due alarm, earliest deadline first (ties: lower id first),
 * and publish the next deadline. */
static void run_due(void)
{
    for (;;) {
        unsigned best = TIMER_MAX_ALARMS;
        for (unsigned k = 0; k < TIMER_MAX_ALARMS; k++)
            if (alarms[k].pending &&
                (best == TIMER_MAX_ALARMS || alarms[k].deadline < alarms[best].deadline ||
                 (alarms[k].deadline == alarms[best].deadline && alarms[k].id < alarms[best].id)))
                best = k;
        if (best == TIMER_MAX_ALARMS) {
            next_deadline = UINT64_MAX;
            return;
        }
        if (alarms[best].deadline > timer_tsc()) {
            next_deadline = alarms[best].deadline;
            return;
        }
        fire(best);
    }
}

static uint64_t op_alarm(struct nova_utcb *u, unsigned nu)
{
    if (nu < 2) {
        u->data.words[0] = TIMER_ERR_ARG;
        return 1;
    }
    if (window_slot >= TIMER_MAX_ALARMS) {
        u->data.words[0] = TIMER_ERR_FULL;
        return 1;
    }
    unsigned k = window_slot;
    if (!slot_has_sm(k)) {
        u->data.words[0] = TIMER_ERR_NOSM;
        return 1;
    }
    alarms[k] = (struct alarm){ .pending = true, .id = ++last_id, .deadline = u->data.words[1] };
    uint64_t before = next_deadline;
    run_due();   /* a deadline that has passed fires now */
    if (next_deadline != UINT64_MAX && before == UINT64_MAX)
        nova_sm_ctrl(SEL_KICK_SM, 0);   /* the clock EC blocks while nothing is pending */
    u->data.words[0] = TIMER_OK;
    u->data.words[1] = last_id;
    return 2;
}

static uint64_t op_cancel(struct nova_utcb *u, unsigned nu)
{
    if (nu < 2) {
        u->data.words[0] = TIMER_ERR_ARG;
        return 1;
    }
    uint64_t id = u->data.words[1];
    u->data.words[0] = TIMER_ERR_NOENT;
    for (unsigned k = 0; k < TIMER_MAX_ALARMS; k++)
        if (alarms[k].pending && alarms[k].id == id) {
            alarms[k].pending = false;
            slot_clear(k);
            u->data.words[0] = TIMER_OK;
        }
    run_due();
    return 1;
}

static uint64_t timer_call(uint64_t pid, struct nova_utcb *u)
{
    unsigned nu = (unsigned)nova_utcb_items_u(u->head.items);
    uint64_t words;
    if (pid == PID_TICK) {
        run_due();
        words = 0;
    } else if (pid != PID_TIMER || nu < 1) {
        u->data.words[0] = TIMER_ERR_OP;
        words = 1;
    } else if (u->data.words[0] == TIMER_OP_ALARM) {
        words = op_alarm(u, nu);
    } else if (u->data.words[0] == TIMER_OP_CANCEL) {
        words = op_cancel(u, nu);
    } else {
        u->data.words[0] = TIMER_ERR_OP;
        words = 1;
    }
    window_reset();   /* a capability sent with anything but a taken alarm is dropped */
    return words;
}

/* The clock EC: no TLS, no stdio; its own UTCB for the TICK calls. */
static void clock_loop(void *arg)
{
    (void)arg;
    struct nova_utcb *u = (struct nova_utcb *)(uintptr_t)NOVA_COMPONENT_EC_UTCB(CLOCK_SLOT);
    for (;;) {
        uint64_t next = next_deadline;
        if (next == UINT64_MAX) {
            nova_sm_ctrl(SEL_KICK_SM, NOVA_FLAG_SM_CTRL_DN);
            continue;
        }
        if (timer_tsc() < next) {
            __asm__ volatile("pause");
            continue;
        }
        u->head.items = nova_utcb_items(0, 0);
        u->head.del = nova_crd_null();
        nova_call(SEL_TICK_PT, 0);
    }
}

int main(void)
{
    if (!nova_component.tsc_khz) {
        printf("timer: the HIP gives no TSC frequency; no service\n");
        return 1;
    }
    enum nova_status st = nova_create_sm(SEL_KICK_SM, NOVA_COMPONENT_SEL_PD, 0);
    if (st == NOVA_SUCCESS)
        st = nova_create_pt(SEL_TICK_PT, NOVA_COMPONENT_SEL_PD, NOVA_COMPONENT_SEL_EC, 0,
                            (uintptr_t)nova_portal_entry);
    if (st == NOVA_SUCCESS)
        st = nova_pt_ctrl(SEL_TICK_PT, PID_TICK);
    if (st == NOVA_SUCCESS)
        st = component_ec_create(SEL_CLOCK_EC, SEL_CLOCK_SC, CLOCK_SLOT, clock_stack, sizeof clock_stack,
                                 clock_loop, 0, nova_qpd(CLOCK_QUANTUM, CLOCK_PRIORITY));
    if (st != NOVA_SUCCESS) {
        printf("timer: setting up the clock failed (status %d)\n", (int)st);
        return 1;
    }
    window_reset();
    printf("timer: ready (TSC at %llu kHz, %u alarms at most)\n", (unsigned long long)nova_component.tsc_khz,
           TIMER_MAX_ALARMS);
    fflush(stdout);
    component_serve(timer_call);
}
