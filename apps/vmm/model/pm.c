#include "pm.h"
#include "pio.h"
#include <string.h>

#define STS_PWRBTN (1u << 8)
#define STS_WRITABLE 0x8d31u   /* TMR GBL PWRBTN SLPBTN RTC WAK: W1C bits */
#define EN_WRITABLE 0x0521u    /* TMR GBL PWRBTN RTC */
#define CNT_SCI_EN 1u
#define CNT_SLP_EN (1u << 13)
#define CNT_SLP_TYP(v) (((v) >> 10) & 7u)
#define SLP_TYP_OFF 5u
#define CF9_RST_CPU 0x04u
#define KBC_PULSE_RESET 0xfeu

void pm_init(struct pm *p, uint32_t tsc_khz)
{
    memset(p, 0, sizeof *p);
    p->tsc_khz = tsc_khz ? tsc_khz : 1;
    p->pm1_cnt = CNT_SCI_EN;
}

enum pm_event pm_take_event(struct pm *p)
{
    enum pm_event e = p->event;
    p->event = PM_EVENT_NONE;
    return e;
}

void pm_power_button(struct pm *p)
{
    p->pm1_sts |= STS_PWRBTN;
}

bool pm_sci(const struct pm *p)
{
    return (p->pm1_cnt & CNT_SCI_EN) && (p->pm1_sts & p->pm1_en);
}

/* PM timer ticks at `now`, split so that nothing overflows: tsc_hz < 2^35
 * and the remainder times 3579545 < 2^57. */
static uint32_t pm_timer(const struct pm *p, uint64_t now)
{
    uint64_t hz = (uint64_t)p->tsc_khz * 1000;
    uint64_t t = (now / hz) * PM_TMR_HZ + (now % hz) * PM_TMR_HZ / hz;
    return (uint32_t)(t & 0xffffff);
}

static uint8_t byte_of(uint32_t reg, unsigned i) { return (uint8_t)(reg >> (8 * i)); }

static bool pm_rd8(void *dev, uint16_t port, uint64_t now, uint8_t *v)
{
    struct pm *p = dev;
    if (port >= PM1_EVT_PORT && port < PM1_EVT_PORT + 12) {
        unsigned off = port - PM1_EVT_PORT;
        switch (off >> 1) {
        case 0: *v = byte_of(p->pm1_sts, off & 1); break;
        case 1: *v = byte_of(p->pm1_en, off & 1); break;
        case 2: *v = byte_of(p->pm1_cnt, off & 1); break;
        case 3: *v = 0xff; break;  /* 0x606/0x607: nothing */
        default: *v = byte_of(pm_timer(p, now), off - 8); break;
        }
        return true;
    }
    switch (port) {
    case 0xcf9: *v = p->cf9; return true;
    case 0x64: *v = 0; return true;
    case 0x80: *v = 0; return true;
    case 0x61:
        p->refresh = !p->refresh;  /* some delay loops wait for it to flip */
        *v = (uint8_t)((p->port61 & 0x0f) | (p->refresh ? 0x10 : 0) | 0x20);
        return true;
    default: return false;
    }
}

static uint16_t set_byte(uint16_t reg, unsigned i, uint8_t v)
{
    unsigned shift = 8 * (i & 1);
    return (uint16_t)((reg & ~(0xffu << shift)) | ((unsigned)v << shift));
}

/* PM1 control: SLP_EN acts in the byte that holds it (the high one), with
 * the SLP_TYP written alongside; it is never stored. */
static void write_pm1_cnt(struct pm *p, unsigned i, uint8_t v)
{
    uint16_t cnt = set_byte(p->pm1_cnt, i, v) | CNT_SCI_EN;
    if ((cnt & CNT_SLP_EN) && CNT_SLP_TYP(cnt) == SLP_TYP_OFF)
        p->event = PM_EVENT_POWER_OFF;
    p->pm1_cnt = cnt & (uint16_t)~CNT_SLP_EN;
}

static void write_pm1(struct pm *p, unsigned off, uint8_t v)
{
    unsigned i = off & 1;
    switch (off >> 1) {
    case 0: p->pm1_sts &= (uint16_t)~(((unsigned)v << (8 * i)) & STS_WRITABLE); break;
    case 1: p->pm1_en = set_byte(p->pm1_en, i, v) & EN_WRITABLE; break;
    case 2: write_pm1_cnt(p, i, v); break;
    default: break;  /* the PM timer is read-only */
    }
}

static bool pm_wr8(void *dev, uint16_t port, uint8_t v)
{
    struct pm *p = dev;
    if (port >= PM1_EVT_PORT && port < PM1_EVT_PORT + 12) {
        write_pm1(p, port - PM1_EVT_PORT, v);
        return true;
    }
    switch (port) {
    case 0xcf9:
        if (v & CF9_RST_CPU)
            p->event = PM_EVENT_RESET;
        p->cf9 = v & (uint8_t)~CF9_RST_CPU;
        return true;
    case 0x64:
        if (v == KBC_PULSE_RESET)
            p->event = PM_EVENT_RESET;
        return true;
    case 0x61: p->port61 = v & 0x0f; return true;
    case 0x80: return true;
    default: return false;
    }
}

bool pm_pio_read(struct pm *p, uint16_t port, unsigned size, uint64_t now, uint32_t *val)
{
    return pio_split_read(p, pm_rd8, port, size, now, val);
}

bool pm_pio_write(struct pm *p, uint16_t port, unsigned size, uint32_t val)
{
    return pio_split_write(p, pm_wr8, port, size, val);
}
