/*
 * timer_test: the timer service (apps/timer) checked from a client. Each
 * check prints a TAP line; the last line is "timer_test: N passed, M
 * failed" (projects/timer expects it with 0 failed).
 *
 * Times are checked against the TSC at the HIP's frequency, the service's
 * own clock, and only from below: a sleep or an alarm must not end before
 * its time. Waking at all is checked by the harness's timeout; nothing is
 * timed against the host. Order is checked by what must already have
 * happened when a later alarm fires: every alarm with an earlier deadline.
 * system.toml: uses = ["timer", "console"] (the timer portal at 0x40), on
 * the service's CPU.
 */
#include <stdbool.h>
#include <stdio.h>
#include <nova/component.h>
#include <nova/timer.h>

#define SEL_TIMER   NOVA_COMPONENT_SEL_USE(0)
#define SEL_SLEEP   0x80u
#define SEL_A       0x81u
#define SEL_B       0x82u
#define SEL_C       0x83u
#define SEL_EMPTY   0xf0u   /* never holds a capability */

#define MS          UINT64_C(1000000)   /* nanoseconds */

static unsigned passed, failed, number;
static struct timer_client tc;

static void check(bool ok, const char *what)
{
    printf("%s %u - %s\n", ok ? "ok" : "not ok", ++number, what);
    if (ok)
        passed++;
    else
        failed++;
}

static bool down(uint64_t sel)
{
    return nova_sm_ctrl(sel, NOVA_FLAG_SM_CTRL_DN) == NOVA_SUCCESS;
}

static void test_sleep(void)
{
    static const uint64_t ms[] = { 1, 10, 50 };
    for (unsigned i = 0; i < sizeof ms / sizeof ms[0]; i++) {
        uint64_t t0 = timer_tsc();
        enum timer_status st = timer_sleep_ns(&tc, ms[i] * MS);
        uint64_t t1 = timer_tsc();
        char what[80];
        snprintf(what, sizeof what, "sleep %llu ms: woke after at least %llu ms",
                 (unsigned long long)ms[i], (unsigned long long)ms[i]);
        check(st == TIMER_OK && t1 - t0 >= timer_ns_to_tsc(ms[i] * MS), what);
    }
    check(timer_sleep_ns(&tc, 0) == TIMER_OK, "sleep 0 returns");
}

/* Three alarms on one semaphore, set out of order: the k-th up comes no
 * earlier than the k-th deadline. */
static void test_order_shared(void)
{
    uint64_t t0 = timer_tsc(), ms10 = timer_ns_to_tsc(10 * MS);
    uint64_t d[3] = { t0 + 3 * ms10, t0 + ms10, t0 + 2 * ms10 };
    bool ok = true;
    for (unsigned i = 0; i < 3; i++)
        ok = ok && timer_alarm(&tc, SEL_A, d[i], 0) == TIMER_OK;
    check(ok, "three alarms on one semaphore are set");
    bool early = false;
    for (unsigned k = 1; ok && k <= 3; k++) {
        ok = down(SEL_A);
        early = early || timer_tsc() < t0 + k * ms10;
    }
    check(ok && !early, "the k-th of three alarms comes no earlier than the k-th deadline");
}

/* Alarms on semaphores of their own: when the latest fires, the earlier
 * ones have fired (cancel answers NOENT). */
static void test_order_distinct(void)
{
    uint64_t t0 = timer_tsc(), ms10 = timer_ns_to_tsc(10 * MS), ia = 0, ib = 0, ic = 0;
    bool ok = timer_alarm(&tc, SEL_A, t0 + 3 * ms10, &ia) == TIMER_OK &&
              timer_alarm(&tc, SEL_B, t0 + ms10, &ib) == TIMER_OK &&
              timer_alarm(&tc, SEL_C, t0 + 2 * ms10, &ic) == TIMER_OK;
    check(ok && ia && ib && ic && ia != ib && ib != ic && ia != ic, "alarms get distinct non-zero ids");
    ok = ok && down(SEL_A);
    check(ok && timer_tsc() >= t0 + 3 * ms10, "the latest alarm fires no earlier than its deadline");
    check(ok && timer_cancel(&tc, ib) == TIMER_ERR_NOENT && timer_cancel(&tc, ic) == TIMER_ERR_NOENT,
          "when the latest alarm fires, the earlier ones have fired");
    check(ok && down(SEL_B) && down(SEL_C), "each of them upped its own semaphore");
}

/* An earlier deadline fires before a later one: with a third alarm ten
 * seconds off, the two near ones fire and the far one is still pending
 * (only a stall of seconds between them could make this fail). */
static void test_order_first(void)
{
    uint64_t t0 = timer_tsc(), ms10 = timer_ns_to_tsc(10 * MS), ia = 0, ib = 0, ic = 0;
    bool ok = timer_alarm(&tc, SEL_A, t0 + timer_ns_to_tsc(10000 * MS), &ia) == TIMER_OK &&
              timer_alarm(&tc, SEL_C, t0 + 2 * ms10, &ic) == TIMER_OK &&
              timer_alarm(&tc, SEL_B, t0 + ms10, &ib) == TIMER_OK;
    ok = ok && down(SEL_B) && down(SEL_C);
    check(ok && timer_cancel(&tc, ia) == TIMER_OK,
          "alarms set latest first fire earliest first: the far one is still pending");
}

static void test_cancel(void)
{
    uint64_t t0 = timer_tsc(), ms20 = timer_ns_to_tsc(20 * MS), id_d = 0, id_e = 0;
    bool ok = timer_alarm(&tc, SEL_A, t0 + ms20, &id_d) == TIMER_OK &&
              timer_alarm(&tc, SEL_A, t0 + 2 * ms20, &id_e) == TIMER_OK;
    check(ok && timer_cancel(&tc, id_d) == TIMER_OK, "cancel of a pending alarm answers OK");
    check(ok && timer_cancel(&tc, id_d) == TIMER_ERR_NOENT, "a second cancel of it answers NOENT");
    ok = ok && down(SEL_A);
    check(ok && timer_tsc() >= t0 + 2 * ms20, "a cancelled alarm never ups its semaphore");
    check(ok && timer_cancel(&tc, id_e) == TIMER_ERR_NOENT, "cancel of a fired alarm answers NOENT");
    check(timer_cancel(&tc, 0) == TIMER_ERR_NOENT && timer_cancel(&tc, UINT64_MAX) == TIMER_ERR_NOENT,
          "cancel of an id never given answers NOENT");
}

static void test_past(void)
{
    uint64_t id = 0;
    bool ok = timer_alarm(&tc, SEL_B, timer_tsc() - 1, &id) == TIMER_OK;
    check(ok && timer_cancel(&tc, id) == TIMER_ERR_NOENT && down(SEL_B),
          "a deadline in the past fires before the reply");
    ok = timer_alarm(&tc, SEL_B, 0, &id) == TIMER_OK;
    check(ok && timer_cancel(&tc, id) == TIMER_ERR_NOENT && down(SEL_B), "deadline 0 fires before the reply");
}

static void test_bad_requests(void)
{
    uint64_t w[4];
    int got;
    w[0] = 99;
    got = timer_call_raw(SEL_TIMER, w, 1, 4, 0);
    check(got == 1 && w[0] == TIMER_ERR_OP, "an unknown operation answers ERR_OP");
    got = timer_call_raw(SEL_TIMER, w, 0, 4, 0);
    check(got == 1 && w[0] == TIMER_ERR_OP, "a request without words answers ERR_OP");
    w[0] = TIMER_OP_ALARM;
    got = timer_call_raw(SEL_TIMER, w, 1, 4, SEL_C);
    check(got == 1 && w[0] == TIMER_ERR_ARG, "an alarm without a deadline answers ERR_ARG");
    w[0] = TIMER_OP_ALARM, w[1] = 0;
    got = timer_call_raw(SEL_TIMER, w, 2, 4, 0);
    check(got == 1 && w[0] == TIMER_ERR_NOSM, "an alarm without a semaphore answers ERR_NOSM");
    w[0] = TIMER_OP_ALARM, w[1] = 0;
    got = timer_call_raw(SEL_TIMER, w, 2, 4, SEL_EMPTY);
    check(got == 1 && w[0] == TIMER_ERR_NOSM, "an alarm delegating an empty selector answers ERR_NOSM");
    w[0] = TIMER_OP_CANCEL;
    got = timer_call_raw(SEL_TIMER, w, 1, 4, 0);
    check(got == 1 && w[0] == TIMER_ERR_ARG, "a cancel without an id answers ERR_ARG");
    /* the capability sent with the malformed alarm was dropped: an alarm
     * on another semaphore is unaffected */
    uint64_t id = 0;
    bool ok = timer_alarm(&tc, SEL_B, 0, &id) == TIMER_OK && down(SEL_B);
    check(ok && timer_sleep_ns(&tc, MS) == TIMER_OK, "the service serves on after malformed requests");
}

static void test_full(void)
{
    static uint64_t ids[TIMER_MAX_ALARMS];
    uint64_t far = timer_tsc() + timer_ns_to_tsc(3600000 * MS);   /* an hour */
    bool ok = true;
    for (unsigned i = 0; i < TIMER_MAX_ALARMS; i++)
        ok = ok && timer_alarm(&tc, SEL_C, far, &ids[i]) == TIMER_OK;
    check(ok, "TIMER_MAX_ALARMS alarms can be pending");
    check(timer_alarm(&tc, SEL_C, far, 0) == TIMER_ERR_FULL, "one more answers ERR_FULL");
    for (unsigned i = 0; i < TIMER_MAX_ALARMS; i++)
        ok = ok && timer_cancel(&tc, ids[i]) == TIMER_OK;
    check(ok, "each of them can be cancelled");
    check(timer_sleep_ns(&tc, MS) == TIMER_OK, "after that, sleeping works again");
}

/* How late wakeups are: LATE_ALARMS alarms, one at a time, each 1 to 3 ms
 * ahead; the lateness of each is the TSC after the down minus its
 * deadline. Printed (min/median/max in TSC ticks), never asserted: only
 * that none comes early is checked. */
#define LATE_ALARMS 15u

static void test_lateness(void)
{
    uint64_t late[LATE_ALARMS];
    bool ok = true, early = false;
    for (unsigned i = 0; ok && i < LATE_ALARMS; i++) {
        uint64_t deadline = timer_tsc() + timer_ns_to_tsc((1 + i % 3) * MS) + i * 997u;
        ok = timer_alarm(&tc, SEL_B, deadline, 0) == TIMER_OK && down(SEL_B);
        uint64_t now = timer_tsc();
        early = early || now < deadline;
        late[i] = now - deadline;
    }
    check(ok && !early, "15 alarms one at a time: none comes before its deadline");
    if (!ok || early)
        return;
    for (unsigned i = 1; i < LATE_ALARMS; i++)
        for (unsigned j = i; j > 0 && late[j - 1] > late[j]; j--) {
            uint64_t t = late[j];
            late[j] = late[j - 1];
            late[j - 1] = t;
        }
    printf("timer_test: wakeup lateness over %u alarms, TSC ticks after the deadline: min %llu, median %llu, "
           "max %llu (%llu us at most)\n",
           LATE_ALARMS, (unsigned long long)late[0], (unsigned long long)late[LATE_ALARMS / 2],
           (unsigned long long)late[LATE_ALARMS - 1],
           (unsigned long long)(late[LATE_ALARMS - 1] * 1000u / nova_component.tsc_khz));
}

int main(void)
{
    printf("timer_test: TSC at %llu kHz\n", (unsigned long long)nova_component.tsc_khz);
    bool ok = timer_client_init(&tc, SEL_TIMER, SEL_SLEEP) == NOVA_SUCCESS &&
              nova_create_sm(SEL_A, NOVA_COMPONENT_SEL_PD, 0) == NOVA_SUCCESS &&
              nova_create_sm(SEL_B, NOVA_COMPONENT_SEL_PD, 0) == NOVA_SUCCESS &&
              nova_create_sm(SEL_C, NOVA_COMPONENT_SEL_PD, 0) == NOVA_SUCCESS;
    check(ok, "the client creates its semaphores");
    if (ok) {
        test_sleep();
        test_order_shared();
        test_order_distinct();
        test_order_first();
        test_cancel();
        test_past();
        test_bad_requests();
        test_full();
        test_lateness();
    }
    printf("1..%u\n", number);
    printf("timer_test: %u passed, %u failed\n", passed, failed);
    return failed ? 1 : 0;
}
