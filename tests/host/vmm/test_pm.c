/* ACPI PM1 ports, power-off, the reset paths Linux uses, port 0x61. */
#include "pm.h"
#include "unit.h"

static uint32_t in(struct pm *p, uint16_t port, unsigned size, uint64_t now)
{
    uint32_t v = 0xdeadbeef;
    EXPECT(pm_pio_read(p, port, size, now, &v));
    return v;
}

static void out(struct pm *p, uint16_t port, unsigned size, uint32_t v)
{
    EXPECT(pm_pio_write(p, port, size, v));
}

UNIT_TEST(pm_power_off_via_slp_typ_5)
{
    struct pm p;
    pm_init(&p, 1000000);
    EXPECT(in(&p, 0x604, 2, 0) == 1);                  /* SCI_EN: ACPI mode */
    out(&p, 0x604, 2, (1u << 10) | (1u << 13));         /* S1: ignored */
    EXPECT(pm_take_event(&p) == PM_EVENT_NONE);
    out(&p, 0x604, 2, (5u << 10) | (1u << 13));         /* S5 */
    EXPECT(pm_take_event(&p) == PM_EVENT_POWER_OFF);
    EXPECT(pm_take_event(&p) == PM_EVENT_NONE);         /* taken once */
    EXPECT(!(in(&p, 0x604, 2, 0) & (1u << 13)));        /* SLP_EN reads 0 */
    out(&p, 0x605, 1, (5u << 2) | (1u << 5));            /* a byte write works */
    EXPECT(pm_take_event(&p) == PM_EVENT_POWER_OFF);
}

UNIT_TEST(pm_status_enable_and_sci)
{
    struct pm p;
    pm_init(&p, 1000000);
    EXPECT(in(&p, 0x600, 4, 0) == 0);
    pm_power_button(&p);
    EXPECT(in(&p, 0x600, 2, 0) == 0x100);
    EXPECT(!pm_sci(&p));                                /* not enabled */
    out(&p, 0x602, 2, 0xffff);
    EXPECT(in(&p, 0x602, 2, 0) == 0x0521);
    EXPECT(pm_sci(&p));
    out(&p, 0x600, 2, 0x0001);                          /* other bit: no effect */
    EXPECT(pm_sci(&p));
    out(&p, 0x601, 1, 0x01);                            /* clear PWRBTN_STS */
    EXPECT(!pm_sci(&p) && in(&p, 0x600, 2, 0) == 0);
}

UNIT_TEST(pm_reset_ports)
{
    struct pm p;
    pm_init(&p, 1000000);
    out(&p, 0xcf9, 1, 0x02);                            /* Linux: SYS_RST first */
    EXPECT(pm_take_event(&p) == PM_EVENT_NONE);
    EXPECT(in(&p, 0xcf9, 1, 0) == 0x02);
    out(&p, 0xcf9, 1, 0x06);
    EXPECT(pm_take_event(&p) == PM_EVENT_RESET);
    EXPECT(in(&p, 0x64, 1, 0) == 0);                    /* ready at once */
    out(&p, 0x64, 1, 0xaa);
    EXPECT(pm_take_event(&p) == PM_EVENT_NONE);
    out(&p, 0x64, 1, 0xfe);
    EXPECT(pm_take_event(&p) == PM_EVENT_RESET);
}

UNIT_TEST(pm_port61_and_post)
{
    struct pm p;
    pm_init(&p, 1000000);
    uint32_t a = in(&p, 0x61, 1, 0), b = in(&p, 0x61, 1, 0);
    EXPECT((a & 0x20) && (b & 0x20) && ((a ^ b) == 0x10));
    out(&p, 0x61, 1, 0xff);
    EXPECT((in(&p, 0x61, 1, 0) & 0x0f) == 0x0f);
    out(&p, 0x80, 1, 0x55);
    EXPECT(in(&p, 0x80, 1, 0) == 0);
    uint32_t v;
    EXPECT(!pm_pio_read(&p, 0x81, 1, 0, &v) && !pm_pio_write(&p, 0x60c, 1, 0));
    EXPECT(!pm_pio_write(&p, 0xcf8, 4, 0));             /* PCI config: not ours */
}

UNIT_TEST(pm_timer_counts_at_3_58_mhz)
{
    struct pm p;
    pm_init(&p, 2600000);
    EXPECT(in(&p, 0x608, 4, 0) == 0);
    EXPECT(in(&p, 0x608, 4, 2600000000ull) == (PM_TMR_HZ & 0xffffff));
    uint64_t hour = 2600000000ull * 3600;               /* no overflow, wraps at 24 bits */
    EXPECT(in(&p, 0x608, 4, hour) == ((PM_TMR_HZ * 3600ull) & 0xffffff));
    EXPECT(in(&p, 0x608, 4, 1300000000ull) == PM_TMR_HZ / 2);
}
