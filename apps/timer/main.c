/*
 * timer: the timer service. It offers "timer" (include/nova/timer.h has the
 * protocol and the client library): a client delegates a semaphore with a
 * TSC deadline, and the service ups it once the deadline has passed.
 *
 * The time source is the TSC at the HIP's frequency; a clock EC of its
 * own decides when deadlines have passed. NOVA has no timed wait, so the
 * EC waits for the HPET when system.toml grants it (mmio = [{ base =
 * 0xfed00000, size = 0x1000 }] and, in gsis, an I/O APIC input one of its
 * timers can route to: QEMU's q35 HPET reports 0xff0104, inputs 2, 8 and
 * 16..23, and a period of 10 ns): the service routes that timer to the
 * first such GSI (the device page names the GSI of each semaphore), arms
 * its comparator one-shot for the earliest deadline (TSC ticks converted
 * through the HIP's TSC frequency and the HPET period, rounded up, at most
 * HPET_MAX_AHEAD_NS ahead) and blocks on the GSI's semaphore at
 * CLOCK_PRIORITY_HPET. Every wakeup rechecks the TSC, so an interrupt that
 * comes early, late or for nothing costs only a recheck. After writing the
 * comparator it rereads the counter: if the counter has passed it (the
 * write came too late, or across a 32- or 64-bit wrap) no interrupt will
 * come and it rechecks at once. A timer on a level-triggered pin (16 and
 * up; the ISA pins are edge) is acknowledged in the general interrupt
 * status register before the down that unmasks the pin. The main EC ups
 * the GSI's semaphore when the earliest deadline moves earlier, and
 * nothing is armed while no alarm is pending.
 *
 * Without the grant (or an HPET that does not fit: the reason is logged)
 * the clock EC polls the TSC: while no alarm is pending it blocks on the
 * semaphore KICK_SM; while one is, it polls the TSC at CLOCK_PRIORITY, the
 * lowest, so it takes only idle time and its round-robin share
 * (projects/timer-poll tests this path, projects/timer the HPET's).
 *
 * When the earliest deadline has passed the clock EC calls the service's
 * own TICK portal, bound to the main EC like "timer": every change of the
 * alarm table happens in the main EC, one call at a time, so nothing needs
 * a lock. Every LATE_REPORT wakeups the service logs how late they were
 * (TSC ticks after the deadline, min/median/max; printed, never checked).
 *
 * Object space: alarm k's semaphore at SLOT_SEL(k); the delegation window
 * of the main EC's UTCB names a free slot before every wait for a call.
 * system.toml: offers = ["timer"] (PID 0), uses = ["console"]; for the
 * HPET also mmio (its page) and gsis (one input it can route to).
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

#define CLOCK_PRIORITY  1u            /* polling: idle time only */
#define CLOCK_PRIORITY_HPET 15u       /* blocking on the HPET: it may run before its clients */
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

/* --- the HPET ------------------------------------------------------------------
 * Registers (IA-PC HPET specification), as offsets into its page. */
#define HPET_CAP            0x000u   /* period (fs) in 63:32, COUNT_SIZE_CAP 13, NUM_TIM_CAP 12:8 */
#define HPET_CONFIG         0x010u   /* ENABLE_CNF 0, LEG_RT_CNF 1 */
#define HPET_STATUS         0x020u   /* bit n: timer n's level-triggered interrupt is active (write 1 clears) */
#define HPET_COUNTER        0x0f0u
#define HPET_TN_CONFIG(n)   (0x100u + 0x20u * (unsigned)(n))
#define HPET_TN_CMP(n)      (0x108u + 0x20u * (unsigned)(n))
#define HPET_CAP_COUNT_64   (UINT64_C(1) << 13)
#define HPET_CONFIG_ENABLE  (UINT64_C(1) << 0)
#define HPET_CONFIG_LEGACY  (UINT64_C(1) << 1)
#define HPET_TN_LEVEL       (UINT64_C(1) << 1)
#define HPET_TN_INT_ENB     (UINT64_C(1) << 2)
#define HPET_TN_PERIODIC    (UINT64_C(1) << 3)
#define HPET_TN_SIZE_64     (UINT64_C(1) << 5)
#define HPET_TN_32MODE      (UINT64_C(1) << 8)
#define HPET_TN_ROUTE_SHIFT 9u
#define HPET_TN_ROUTE_MASK  (UINT64_C(0x1f) << HPET_TN_ROUTE_SHIFT)
#define HPET_TN_FSB         (UINT64_C(1) << 14)
#define HPET_PHYS           UINT64_C(0xfed00000)   /* where firmware puts it on a PC (QEMU's q35 too) */
#define HPET_MAX_PERIOD_FS  UINT64_C(100000000)    /* the specification's bound: 100 ns */
#define HPET_MAX_AHEAD_NS   UINT64_C(1000000000)   /* arm at most 1 s ahead; a later deadline rechecks */

static struct {
    bool on;                 /* false: the clock EC polls the TSC */
    volatile uint64_t *regs; /* the register page, as 64-bit words */
    uint64_t period_fs;
    uint64_t mask;           /* the comparator's width: 2^32 - 1 or 2^64 - 1 */
    unsigned timer;          /* the comparator used */
    uint32_t gsi;            /* the I/O APIC input it is routed to */
    uint64_t sel_sm;         /* that GSI's semaphore, NOVA_COMPONENT_SEL_GSI(k) */
    bool level;
} hpet;

static uint64_t hpet_read(unsigned off)
{
    return hpet.regs[off / 8];
}

static void hpet_write(unsigned off, uint64_t v)
{
    hpet.regs[off / 8] = v;
}

/* The semaphore the clock EC blocks on while it has nothing to do but
 * wait: the HPET's GSI, or KICK_SM when it polls. */
static uint64_t clock_sm(void)
{
    return hpet.on ? hpet.sel_sm : SEL_KICK_SM;
}

/* TSC ticks as HPET ticks, rounded up; at most HPET_MAX_AHEAD_NS ahead,
 * so that neither product overflows and the comparator never needs more
 * than 31 bits of headroom. */
static uint64_t tsc_to_hpet(uint64_t tsc)
{
    uint64_t max_tsc = HPET_MAX_AHEAD_NS / 1000000u * nova_component.tsc_khz;
    if (tsc > max_tsc)
        tsc = max_tsc;
    uint64_t ns = (tsc * 1000000u + nova_component.tsc_khz - 1) / nova_component.tsc_khz;
    return (ns * 1000000u + hpet.period_fs - 1) / hpet.period_fs + 1;
}

/* Arm the comparator `ticks` HPET ticks from now (one-shot). Returns false
 * if the counter has already passed it (written too late, across a wrap
 * of the 32- or 64-bit comparison): no interrupt may come, recheck now.
 * Differences modulo the comparator's width tell "passed" from "ahead" as
 * long as ticks stays below half of it (tsc_to_hpet's cap). */
static bool hpet_arm(uint64_t ticks)
{
    uint64_t now = hpet_read(HPET_COUNTER);
    hpet_write(HPET_TN_CMP(hpet.timer), (now + ticks) & hpet.mask);
    uint64_t after = hpet_read(HPET_COUNTER);
    return ((after - now) & hpet.mask) < ticks;
}

/* Wakeup lateness (TSC ticks from a deadline to the clock EC seeing it
 * passed), logged every LATE_REPORT wakeups: print only, never asserted. */
#define LATE_REPORT 16u
static uint64_t late[LATE_REPORT];
static unsigned late_count;
static unsigned late_downs;   /* the clock EC's downs that returned meanwhile (interrupts and kicks) */
static bool late_ready;   /* late[] is full: the main EC reports it (atomics: order against late[]) */

static void late_record(uint64_t ticks)
{
    if (__atomic_load_n(&late_ready, __ATOMIC_ACQUIRE))
        return;
    late[late_count++] = ticks;
    if (late_count == LATE_REPORT)
        __atomic_store_n(&late_ready, true, __ATOMIC_RELEASE);
}

static void late_report(void)
{
    if (!__atomic_load_n(&late_ready, __ATOMIC_ACQUIRE))
        return;
    for (unsigned i = 1; i < LATE_REPORT; i++)   /* insertion sort */
        for (unsigned j = i; j > 0 && late[j - 1] > late[j]; j--) {
            uint64_t t = late[j];
            late[j] = late[j - 1];
            late[j - 1] = t;
        }
    printf("timer: %s wakeups, TSC ticks after the deadline over %u: min %llu, median %llu, max %llu "
           "(%u downs returned)\n",
           hpet.on ? "HPET" : "polled", LATE_REPORT, (unsigned long long)late[0],
           (unsigned long long)late[LATE_REPORT / 2], (unsigned long long)late[LATE_REPORT - 1], late_downs);
    late_count = 0;
    late_downs = 0;
    __atomic_store_n(&late_ready, false, __ATOMIC_RELEASE);
}

/* The clock EC: no TLS, no stdio; its own UTCB for the TICK calls. With
 * the HPET it blocks on the GSI's semaphore (which the main EC also ups
 * when the earliest deadline moves earlier); without, it polls the TSC.
 * Either way the TSC decides: an interrupt early, late or spurious only
 * costs a recheck. */
static void clock_loop(void *arg)
{
    (void)arg;
    struct nova_utcb *u = (struct nova_utcb *)(uintptr_t)NOVA_COMPONENT_EC_UTCB(CLOCK_SLOT);
    for (;;) {
        uint64_t next = next_deadline;
        uint64_t now = timer_tsc();
        if (next != UINT64_MAX && now >= next) {
            late_record(now - next);
            u->head.items = nova_utcb_items(0, 0);
            u->head.del = nova_crd_null();
            nova_call(SEL_TICK_PT, 0);
            continue;
        }
        if (hpet.on) {
            if (hpet.level)   /* acknowledge before the down that unmasks the pin */
                hpet_write(HPET_STATUS, UINT64_C(1) << hpet.timer);
            if (next != UINT64_MAX && !hpet_arm(tsc_to_hpet(next - now)))
                continue;   /* the counter passed the comparator: no interrupt, look again */
            /* ZC: ups that piled up (interrupts, the main EC's kicks) are one wakeup */
            nova_sm_ctrl(hpet.sel_sm, NOVA_FLAG_SM_CTRL_DN | NOVA_FLAG_SM_CTRL_ZC);
            if (!__atomic_load_n(&late_ready, __ATOMIC_ACQUIRE))
                late_downs++;
            continue;
        }
        if (next == UINT64_MAX) {
            nova_sm_ctrl(SEL_KICK_SM, NOVA_FLAG_SM_CTRL_DN);
            if (!__atomic_load_n(&late_ready, __ATOMIC_ACQUIRE))
                late_downs++;
            continue;
        }
        __asm__ volatile("pause");
    }
}

/* Find the HPET among the granted mmio ranges and an I/O APIC input among
 * the granted GSIs that one of its timers can route to; route that timer
 * there, one-shot, and start the counter. false: poll the TSC instead
 * (nothing granted, or nothing fits; the reason is logged). */
static bool hpet_init(void)
{
    const struct nova_devices *d = nova_devices();
    if (d->magic != NOVA_DEVICES_MAGIC || d->version != NOVA_DEVICES_VERSION)
        return false;
    const struct nova_device_mmio *m = 0;
    for (unsigned k = 0; k < d->mmio_count; k++)
        if (d->mmio[k].phys == HPET_PHYS && d->mmio[k].size >= 0x1000)
            m = &d->mmio[k];
    if (!m) {
        printf("timer: no HPET granted (mmio at %#llx); polling the TSC\n", (unsigned long long)HPET_PHYS);
        return false;
    }
    hpet.regs = (volatile uint64_t *)(uintptr_t)m->address;
    uint64_t cap = hpet_read(HPET_CAP);
    hpet.period_fs = cap >> 32;
    unsigned timers = (unsigned)((cap >> 8) & 0x1f) + 1;
    if (hpet.period_fs == 0 || hpet.period_fs > HPET_MAX_PERIOD_FS) {
        printf("timer: no HPET at %#llx (capabilities %#llx); polling the TSC\n",
               (unsigned long long)HPET_PHYS, (unsigned long long)cap);
        return false;
    }
    printf("timer: HPET at %#llx: vendor %#llx, period %llu fs, %u timers, %s-bit counter\n",
           (unsigned long long)HPET_PHYS, (unsigned long long)(cap >> 16 & 0xffff),
           (unsigned long long)hpet.period_fs, timers, (cap & HPET_CAP_COUNT_64) ? "64" : "32");
    bool found = false;
    for (unsigned n = 0; n < timers; n++) {
        uint64_t cfg = hpet_read(HPET_TN_CONFIG(n));
        uint32_t route = (uint32_t)(cfg >> 32);
        printf("timer: HPET timer %u: configuration %#llx, routes to I/O APIC inputs %#x\n", n,
               (unsigned long long)cfg, route);
        for (unsigned k = 0; !found && k < d->gsi_count; k++)
            if (d->gsi[k] < 32 && (route >> d->gsi[k] & 1)) {
                found = true;
                hpet.timer = n;
                hpet.gsi = d->gsi[k];
                hpet.sel_sm = NOVA_COMPONENT_SEL_GSI(k);
                hpet.mask = (cfg & HPET_TN_SIZE_64) && (cap & HPET_CAP_COUNT_64) ? UINT64_MAX : UINT32_MAX;
            }
    }
    if (!found) {
        printf("timer: no HPET timer routes to a granted GSI (%u granted); polling the TSC\n", d->gsi_count);
        return false;
    }
    uint64_t msi_addr, msi_data;
    enum nova_status st = nova_assign_gsi(hpet.sel_sm, 0, nova_component.cpu, &msi_addr, &msi_data);
    if (st != NOVA_SUCCESS) {
        printf("timer: assign_gsi of GSI %u failed (status %d); polling the TSC\n", hpet.gsi, (int)st);
        return false;
    }
    /* The kernel's trigger mode for the pin (docs/api.md, Interrupts): ISA
     * inputs edge, the others level; the timer signals the same way. */
    hpet.level = hpet.gsi >= 16;
    uint64_t conf = hpet_read(HPET_CONFIG);
    hpet_write(HPET_CONFIG, conf & ~(HPET_CONFIG_ENABLE | HPET_CONFIG_LEGACY));
    for (unsigned n = 0; n < timers; n++)   /* the others quiet: nobody else owns them */
        hpet_write(HPET_TN_CONFIG(n), hpet_read(HPET_TN_CONFIG(n)) & ~(HPET_TN_INT_ENB | HPET_TN_FSB));
    uint64_t cfg = hpet_read(HPET_TN_CONFIG(hpet.timer));
    cfg &= ~(HPET_TN_ROUTE_MASK | HPET_TN_PERIODIC | HPET_TN_32MODE | HPET_TN_LEVEL | HPET_TN_FSB);
    cfg |= (uint64_t)hpet.gsi << HPET_TN_ROUTE_SHIFT | HPET_TN_INT_ENB | (hpet.level ? HPET_TN_LEVEL : 0);
    if (hpet.mask == UINT32_MAX && (cfg & HPET_TN_SIZE_64))
        cfg |= HPET_TN_32MODE;   /* a 64-bit timer beside a 32-bit counter */
    hpet_write(HPET_TN_CMP(hpet.timer), hpet.mask);   /* far away until the first arm */
    hpet_write(HPET_TN_CONFIG(hpet.timer), cfg);
    hpet_write(HPET_STATUS, UINT64_C(1) << hpet.timer);
    hpet_write(HPET_CONFIG, (conf & ~HPET_CONFIG_LEGACY) | HPET_CONFIG_ENABLE);
    uint64_t c0 = hpet_read(HPET_COUNTER), c1 = c0;
    for (unsigned i = 0; i < 1000000 && c1 == c0; i++)
        c1 = hpet_read(HPET_COUNTER);
    if (c1 == c0) {
        printf("timer: the HPET's counter does not run; polling the TSC\n");
        return false;
    }
    printf("timer: HPET timer %u, %s-bit comparator, one-shot, %s-triggered, on GSI %u\n", hpet.timer,
           hpet.mask == UINT64_MAX ? "64" : "32", hpet.level ? "level" : "edge", hpet.gsi);
    return true;
}

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
    /* Polling, the clock EC blocks only while nothing is pending; with the
     * HPET it blocks until the armed deadline: wake it for an earlier one. */
    if (hpet.on ? next_deadline < before : next_deadline != UINT64_MAX && before == UINT64_MAX)
        nova_sm_ctrl(clock_sm(), 0);
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
        late_report();
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

int main(void)
{
    if (!nova_component.tsc_khz) {
        printf("timer: the HIP gives no TSC frequency; no service\n");
        return 1;
    }
    hpet.on = hpet_init();   /* before the clock EC, which reads hpet */
    enum nova_status st = nova_create_sm(SEL_KICK_SM, NOVA_COMPONENT_SEL_PD, 0);
    if (st == NOVA_SUCCESS)
        st = nova_create_pt(SEL_TICK_PT, NOVA_COMPONENT_SEL_PD, NOVA_COMPONENT_SEL_EC, 0,
                            (uintptr_t)nova_portal_entry);
    if (st == NOVA_SUCCESS)
        st = nova_pt_ctrl(SEL_TICK_PT, PID_TICK);
    if (st == NOVA_SUCCESS)
        st = component_ec_create(SEL_CLOCK_EC, SEL_CLOCK_SC, CLOCK_SLOT, clock_stack, sizeof clock_stack,
                                 clock_loop, 0,
                                 nova_qpd(CLOCK_QUANTUM, hpet.on ? CLOCK_PRIORITY_HPET : CLOCK_PRIORITY));
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
