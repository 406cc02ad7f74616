/* The timer service's client library (include/nova/timer.h). */
#include <nova/timer.h>

uint64_t timer_ns_to_tsc(uint64_t ns)
{
    /* ticks = ns * kHz / 10^6, in 128 bits so that no deadline overflows */
    unsigned __int128 t = (unsigned __int128)ns * nova_component.tsc_khz + 999999u;
    t /= 1000000u;
    return t > UINT64_MAX ? UINT64_MAX : (uint64_t)t;
}

enum nova_status timer_client_init(struct timer_client *c, uint64_t portal_sel, uint64_t sm_sel)
{
    c->portal = portal_sel;
    c->sleep_sm = sm_sel;
    return nova_create_sm(sm_sel, NOVA_COMPONENT_SEL_PD, 0);
}

int timer_call_raw(uint64_t portal, uint64_t *w, unsigned n, unsigned max, uint64_t sm_sel)
{
    uint64_t crd = sm_sel ? nova_crd_obj(sm_sel, 0, NOVA_PERM_SM_UP) : nova_crd_null();
    return component_call_words(portal, w, n, max, nova_item_delegate(0, 0, 0, 0), crd);
}

enum timer_status timer_alarm(const struct timer_client *c, uint64_t sm_sel, uint64_t deadline, uint64_t *id)
{
    uint64_t w[2] = { TIMER_OP_ALARM, deadline };
    int got = timer_call_raw(c->portal, w, 2, 2, sm_sel);
    if (got < 1)
        return TIMER_ERR_IPC;
    if (w[0] == TIMER_OK && got < 2)
        return TIMER_ERR_IPC;
    if (w[0] == TIMER_OK && id)
        *id = w[1];
    return (enum timer_status)w[0];
}

enum timer_status timer_cancel(const struct timer_client *c, uint64_t id)
{
    uint64_t w[2] = { TIMER_OP_CANCEL, id };
    int got = timer_call_raw(c->portal, w, 2, 1, 0);
    return got < 1 ? TIMER_ERR_IPC : (enum timer_status)w[0];
}

enum timer_status timer_sleep_ns(const struct timer_client *c, uint64_t ns)
{
    uint64_t now = timer_tsc(), ticks = timer_ns_to_tsc(ns);
    uint64_t deadline = now + ticks < now ? UINT64_MAX : now + ticks;
    enum timer_status st = timer_alarm(c, c->sleep_sm, deadline, 0);
    if (st != TIMER_OK)
        return st;
    /* exactly one up per alarm: this down takes it */
    return nova_sm_ctrl(c->sleep_sm, NOVA_FLAG_SM_CTRL_DN) == NOVA_SUCCESS ? TIMER_OK : TIMER_ERR_IPC;
}
