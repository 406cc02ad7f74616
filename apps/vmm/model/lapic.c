#include "lapic.h"
#include <string.h>

enum {  /* x2APIC MSR numbers */
    R_ID = 0x802, R_VER = 0x803, R_TPR = 0x808, R_PPR = 0x80a, R_EOI = 0x80b,
    R_LDR = 0x80d, R_SVR = 0x80f, R_ISR = 0x810, R_TMR = 0x818, R_IRR = 0x820,
    R_ESR = 0x828, R_ICR = 0x830, R_LVT_TIMER = 0x832, R_LVT_ERROR = 0x837,
    R_TMICT = 0x838, R_TMCCT = 0x839, R_TDCR = 0x83e, R_SELF_IPI = 0x83f,
    MSR_TSC_DEADLINE = 0x6e0,
};
enum { LVT_TIMER, LVT_THERMAL, LVT_PERF, LVT_LINT0, LVT_LINT1, LVT_ERROR };

#define VERSION 0x50014u        /* integrated APIC, max LVT index 5 */
#define SVR_ENABLE 0x100u
#define LVT_MASKED 0x10000u
#define TIMER_MODE(l) (((l)->lvt[LVT_TIMER] >> 17) & 3)
#define MODE_ONESHOT 0u
#define MODE_PERIODIC 1u
#define MODE_DEADLINE 2u
#define ESR_SEND_ILLEGAL 0x20u
#define ESR_RECV_ILLEGAL 0x40u
#define DM_EXTINT 7u
#define DM_LOWEST 1u

/* Writable bits per LVT: vector, delivery mode, polarity, trigger, mask,
 * timer mode; status bits and remote IRR are read-only. */
static const uint32_t lvt_writable[6] = {
    0x700ff, 0x107ff, 0x107ff, 0x1a7ff, 0x1a7ff, 0x100ff,
};

bool lapic_owns_msr(uint32_t msr)
{
    return (msr >= 0x800 && msr <= 0x8ff) || msr == MSR_TSC_DEADLINE;
}

void lapic_reset(struct lapic *l)
{
    struct lapic keep = *l;
    memset(l, 0, sizeof *l);
    l->id = keep.id;
    l->vcpus = keep.vcpus;
    l->tsc_khz = keep.tsc_khz;
    l->bus_khz = keep.bus_khz;
    l->ipi = keep.ipi;
    l->ipi_ctx = keep.ipi_ctx;
    for (unsigned i = 0; i < 6; i++)
        l->lvt[i] = LVT_MASKED;
    l->svr = 0xff;
}

void lapic_init(struct lapic *l, uint32_t id, uint32_t vcpus, uint32_t tsc_khz,
                uint32_t bus_khz, lapic_ipi_fn ipi, void *ipi_ctx)
{
    memset(l, 0, sizeof *l);
    l->id = id;
    l->vcpus = vcpus;
    l->tsc_khz = tsc_khz ? tsc_khz : 1;
    l->bus_khz = bus_khz ? bus_khz : l->tsc_khz;
    l->ipi = ipi;
    l->ipi_ctx = ipi_ctx;
    lapic_reset(l);
}

/* Highest vector set in a 256-bit register, or -1. */
static int highest(const uint32_t r[8])
{
    for (int i = 7; i >= 0; i--)
        for (int b = 31; b >= 0; b--)
            if (r[i] & (1u << b))
                return i * 32 + b;
    return -1;
}

static uint32_t ppr(const struct lapic *l)
{
    int isrv = highest(l->isr);
    uint32_t cls = isrv < 0 ? 0 : (uint32_t)isrv & 0xf0;
    return (l->tpr & 0xf0) >= cls ? l->tpr : cls;
}

static void set_irr(struct lapic *l, unsigned v)
{
    l->irr[v >> 5] |= 1u << (v & 31);
}

/* Record an error; LVT error raises an interrupt for it when unmasked. */
static void apic_error(struct lapic *l, uint32_t bit)
{
    l->esr_pending |= bit;
    uint32_t lvt = l->lvt[LVT_ERROR];
    if (!(lvt & LVT_MASKED) && (lvt & 0xff) >= 16)
        set_irr(l, lvt & 0xff);
}

void lapic_accept(struct lapic *l, unsigned vector)
{
    if (!(l->svr & SVR_ENABLE) || vector > 255)
        return;
    if (vector < 16)
        apic_error(l, ESR_RECV_ILLEGAL);
    else
        set_irr(l, vector);
}

int lapic_pending_vector(const struct lapic *l)
{
    if (!(l->svr & SVR_ENABLE))
        return -1;
    int v = highest(l->irr);
    if (v < 0 || ((uint32_t)v & 0xf0) <= (ppr(l) & 0xf0))
        return -1;
    return v;
}

void lapic_ack(struct lapic *l, unsigned vector)
{
    if (vector > 255)
        return;
    l->irr[vector >> 5] &= ~(1u << (vector & 31));
    l->isr[vector >> 5] |= 1u << (vector & 31);
}

static void eoi(struct lapic *l)
{
    int v = highest(l->isr);
    if (v >= 0)
        l->isr[v >> 5] &= ~(1u << (v & 31));
}

bool lapic_extint_enabled(const struct lapic *l)
{
    uint32_t lint0 = l->lvt[LVT_LINT0];
    return (l->svr & SVR_ENABLE) && !(lint0 & LVT_MASKED) && ((lint0 >> 8) & 7) == DM_EXTINT;
}

/* ---- timer ---- */

static uint32_t divisor(uint32_t dcr)
{
    uint32_t v = (dcr & 3) | ((dcr & 8) >> 1);
    return v == 7 ? 1 : 2u << v;
}

/* count * divisor < 2^39 and tsc_khz < 2^24: the product fits. */
static uint64_t count_to_tsc(const struct lapic *l, uint32_t count)
{
    return (uint64_t)count * divisor(l->dcr) * l->tsc_khz / l->bus_khz;
}

static void timer_stop(struct lapic *l)
{
    l->armed = false;
    l->period = 0;
}

static void timer_start(struct lapic *l, uint64_t now)
{
    timer_stop(l);
    if (!l->initial_count)
        return;
    l->period = count_to_tsc(l, l->initial_count);
    uint64_t min = TIMER_MODE(l) == MODE_PERIODIC ? l->tsc_khz / 10 : 1;  /* 100 us */
    if (l->period < min)
        l->period = min;
    l->timer_div = divisor(l->dcr);
    l->deadline = now + l->period;
    l->armed = true;
}

void lapic_tick(struct lapic *l, uint64_t now)
{
    if (!l->armed || now < l->deadline)
        return;
    if (!(l->lvt[LVT_TIMER] & LVT_MASKED))
        lapic_accept(l, l->lvt[LVT_TIMER] & 0xff);
    if (TIMER_MODE(l) == MODE_PERIODIC) {
        /* Missed periods coalesce into this one interrupt. */
        l->deadline += l->period * ((now - l->deadline) / l->period + 1);
    } else {
        l->armed = false;
        l->tsc_deadline = 0;  /* the SDM clears the MSR when it fires */
    }
}

uint64_t lapic_next_event(const struct lapic *l)
{
    if (!l->armed || (l->lvt[LVT_TIMER] & LVT_MASKED))
        return UINT64_MAX;
    return l->deadline;
}

static uint32_t current_count(const struct lapic *l, uint64_t now)
{
    if (!l->armed || TIMER_MODE(l) == MODE_DEADLINE || now >= l->deadline)
        return 0;
    uint64_t left = l->deadline - now;  /* <= period */
    uint64_t count = left * l->bus_khz /
                     ((uint64_t)l->tsc_khz * l->timer_div);
    return count > l->initial_count ? l->initial_count : (uint32_t)count;
}

/* Changing the timer mode stops the timer and forgets both the initial
 * count and the deadline (as KVM does). */
static void write_lvt_timer(struct lapic *l, uint32_t v)
{
    uint32_t old_mode = TIMER_MODE(l);
    l->lvt[LVT_TIMER] = v;
    if (TIMER_MODE(l) != old_mode) {
        timer_stop(l);
        l->initial_count = 0;
        l->tsc_deadline = 0;
    }
}

static bool write_tsc_deadline(struct lapic *l, uint64_t v)
{
    if (TIMER_MODE(l) != MODE_DEADLINE)
        return true;  /* ignored outside TSC-deadline mode (SDM) */
    l->tsc_deadline = v;
    l->armed = v != 0;
    l->deadline = v;
    return true;
}

/* ---- IPIs ---- */

static bool ipi_targets(const struct lapic *l, uint32_t id, uint64_t icr)
{
    uint32_t dest = (uint32_t)(icr >> 32);
    switch ((icr >> 18) & 3) {
    case 1: return id == l->id;
    case 2: return true;
    case 3: return id != l->id;
    default: break;
    }
    if (dest == 0xffffffffu)
        return true;
    if (!(icr & (1u << 11)))
        return dest == id;
    return (dest >> 16) == (id >> 4) && (dest & (1u << (id & 15)));  /* cluster */
}

static void deliver(struct lapic *l, uint32_t id, unsigned mode, unsigned vector)
{
    if (id == l->id && mode == LAPIC_DM_FIXED)
        lapic_accept(l, vector);
    else if (l->ipi)
        l->ipi(l->ipi_ctx, id, mode, vector);
}

static void send_ipi(struct lapic *l, uint64_t icr)
{
    unsigned vector = icr & 0xff, mode = (icr >> 8) & 7;
    bool lowest = mode == DM_LOWEST;
    if (mode == LAPIC_DM_INIT && !(icr & (1u << 14)) && (icr & (1u << 15)))
        return;  /* INIT level de-assert: nothing to do */
    if (lowest)
        mode = LAPIC_DM_FIXED;  /* lowest priority: the first target */
    if (mode != LAPIC_DM_FIXED && mode != LAPIC_DM_NMI && mode != LAPIC_DM_INIT &&
        mode != LAPIC_DM_SIPI)
        return;  /* SMI, ExtINT and reserved modes: not for a guest */
    if (mode == LAPIC_DM_FIXED && vector < 16) {
        apic_error(l, ESR_SEND_ILLEGAL);
        return;
    }
    for (uint32_t id = 0; id < l->vcpus; id++) {
        if (!ipi_targets(l, id, icr))
            continue;
        deliver(l, id, mode, vector);
        if (lowest)
            return;
    }
}

/* ---- MSR access ---- */

static bool read_array(const struct lapic *l, uint32_t msr, uint64_t *val)
{
    unsigned i = msr & 7;
    if (msr >= R_ISR && msr < R_ISR + 8)
        *val = l->isr[i];
    else if (msr >= R_TMR && msr < R_TMR + 8)
        *val = 0;  /* every interrupt here is edge-triggered */
    else if (msr >= R_IRR && msr < R_IRR + 8)
        *val = l->irr[i];
    else if (msr >= R_LVT_TIMER && msr <= R_LVT_ERROR)
        *val = l->lvt[msr - R_LVT_TIMER];
    else
        return false;
    return true;
}

static bool read_reg(struct lapic *l, uint32_t msr, uint64_t *val, uint64_t now)
{
    switch (msr) {
    case R_ID: *val = l->id; return true;
    case R_VER: *val = VERSION; return true;
    case R_TPR: *val = l->tpr; return true;
    case R_PPR: *val = ppr(l); return true;
    case R_LDR: *val = ((l->id >> 4) << 16) | (1u << (l->id & 15)); return true;
    case R_SVR: *val = l->svr; return true;
    case R_ESR: *val = l->esr; return true;
    case R_ICR: *val = l->icr; return true;
    case R_TMICT: *val = l->initial_count; return true;
    case R_TMCCT: *val = current_count(l, now); return true;
    case R_TDCR: *val = l->dcr; return true;
    case MSR_TSC_DEADLINE:
        *val = TIMER_MODE(l) == MODE_DEADLINE ? l->tsc_deadline : 0;
        return true;
    default: return read_array(l, msr, val);  /* EOI, SELF_IPI: write-only */
    }
}

bool lapic_msr_read(struct lapic *l, uint32_t msr, uint64_t *val, uint64_t now)
{
    lapic_tick(l, now);
    return read_reg(l, msr, val, now);
}

static void write_svr(struct lapic *l, uint32_t v)
{
    l->svr = v & 0x1ff;  /* no EOI-broadcast suppression, no focus bit */
    if (!(l->svr & SVR_ENABLE))
        for (unsigned i = 0; i < 6; i++)
            l->lvt[i] |= LVT_MASKED;
}

static bool write_lvt(struct lapic *l, uint32_t msr, uint32_t v)
{
    unsigned i = msr - R_LVT_TIMER;
    v &= lvt_writable[i];
    if (!(l->svr & SVR_ENABLE))
        v |= LVT_MASKED;  /* a software-disabled APIC keeps LVTs masked */
    if (i == LVT_TIMER) {
        if (((v >> 17) & 3) == 3)
            return false;  /* reserved timer mode */
        write_lvt_timer(l, v);
    } else {
        l->lvt[i] = v;
    }
    return true;
}

static bool write_reg(struct lapic *l, uint32_t msr, uint32_t v, uint64_t now)
{
    switch (msr) {
    case R_TPR: l->tpr = v & 0xff; return true;
    case R_EOI: eoi(l); return true;
    case R_SVR: write_svr(l, v); return true;
    case R_ESR:
        l->esr = l->esr_pending;
        l->esr_pending = 0;
        return true;
    case R_TMICT:
        if (TIMER_MODE(l) != MODE_DEADLINE) {
            l->initial_count = v;
            timer_start(l, now);
        }
        return true;
    case R_TDCR: l->dcr = v & 0xb; return true;
    case R_SELF_IPI: lapic_accept(l, v & 0xff); return true;
    default: break;
    }
    if (msr >= R_LVT_TIMER && msr <= R_LVT_ERROR)
        return write_lvt(l, msr, v);
    return false;  /* ID, VER, PPR, LDR, ISR/TMR/IRR, TMCCT: read-only */
}

bool lapic_msr_write(struct lapic *l, uint32_t msr, uint64_t val, uint64_t now)
{
    bool ok;
    lapic_tick(l, now);
    if (msr == R_ICR) {
        l->icr = val & ~(1ull << 12);  /* delivery status: always idle */
        send_ipi(l, l->icr);
        ok = true;
    } else if (msr == MSR_TSC_DEADLINE) {
        ok = write_tsc_deadline(l, val);
    } else {
        ok = !(val >> 32) && write_reg(l, msr, (uint32_t)val, now);  /* high half reserved */
    }
    lapic_tick(l, now);  /* a deadline already past fires at once */
    return ok;
}
