/* The CMOS RTC as Linux reads it at boot. */
#include "cmos.h"
#include "unit.h"

static uint32_t rd(struct cmos *c, unsigned reg)
{
    uint32_t v = 0;
    EXPECT(cmos_pio_write(c, 0x70, 1, reg));
    EXPECT(cmos_pio_read(c, 0x71, 1, &v));
    return v;
}

UNIT_TEST(cmos_shows_the_date_in_bcd_and_is_never_updating)
{
    struct cmos c;
    cmos_init(&c, 2026, 12, 4, 20, 38, 59);
    EXPECT(rd(&c, 0x0a) == 0x26);   /* UIP clear */
    EXPECT(rd(&c, 0x00) == 0x59);
    EXPECT(rd(&c, 0x02) == 0x38);
    EXPECT(rd(&c, 0x04) == 0x20);
    EXPECT(rd(&c, 0x07) == 0x04);
    EXPECT(rd(&c, 0x08) == 0x12);
    EXPECT(rd(&c, 0x09) == 0x26);
    EXPECT(rd(&c, 0x32) == 0x20);
    EXPECT(rd(&c, 0x8a) == 0x26);   /* the NMI-mask bit is not part of the index */
}

UNIT_TEST(cmos_keeps_ram_but_not_the_status_registers)
{
    struct cmos c;
    cmos_init(&c, 2026, 1, 1, 0, 0, 0);
    EXPECT(cmos_pio_write(&c, 0x70, 1, 0x40));
    EXPECT(cmos_pio_write(&c, 0x71, 1, 0xab));
    EXPECT(rd(&c, 0x40) == 0xab);
    EXPECT(cmos_pio_write(&c, 0x70, 1, 0x0a));
    EXPECT(cmos_pio_write(&c, 0x71, 1, 0xff));
    EXPECT(rd(&c, 0x0a) == 0x26);
}

UNIT_TEST(cmos_refuses_other_ports_and_sizes)
{
    struct cmos c;
    uint32_t v;
    cmos_init(&c, 2026, 1, 1, 0, 0, 0);
    EXPECT(!cmos_pio_read(&c, 0x72, 1, &v));
    EXPECT(!cmos_pio_read(&c, 0x71, 2, &v));
    EXPECT(!cmos_pio_write(&c, 0x74, 1, 0));
}
