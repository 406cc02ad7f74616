#include "cmos.h"

#define REG_SEC   0x00
#define REG_MIN   0x02
#define REG_HOUR  0x04
#define REG_DAY   0x07
#define REG_MONTH 0x08
#define REG_YEAR  0x09
#define REG_A     0x0a
#define REG_B     0x0b
#define REG_C     0x0c
#define REG_D     0x0d
#define REG_CENTURY 0x32

static uint8_t bcd(unsigned v) { return (uint8_t)(((v / 10) % 10) << 4 | (v % 10)); }

void cmos_init(struct cmos *c, unsigned year, unsigned month, unsigned day, unsigned hour, unsigned min,
               unsigned sec)
{
    *c = (struct cmos){ 0 };
    c->ram[REG_SEC] = bcd(sec);
    c->ram[REG_MIN] = bcd(min);
    c->ram[REG_HOUR] = bcd(hour);
    c->ram[REG_DAY] = bcd(day);
    c->ram[REG_MONTH] = bcd(month);
    c->ram[REG_YEAR] = bcd(year % 100);
    c->ram[REG_CENTURY] = bcd(year / 100);
    c->ram[REG_A] = 0x26;   /* 32.768 kHz time base, 1024 Hz, UIP clear */
    c->ram[REG_B] = 0x02;   /* 24 hours, BCD, no interrupts */
    c->ram[REG_D] = 0x80;   /* the battery is good */
}

bool cmos_pio_read(struct cmos *c, uint16_t port, unsigned size, uint32_t *val)
{
    if (size != 1 || (port != 0x70 && port != 0x71))
        return false;
    *val = port == 0x70 ? c->index : c->ram[c->index & 0x7f];
    if (port == 0x71 && (c->index & 0x7f) == REG_C)
        c->ram[REG_C] = 0;   /* reading C acknowledges its flags */
    return true;
}

bool cmos_pio_write(struct cmos *c, uint16_t port, unsigned size, uint32_t val)
{
    if (size != 1 || (port != 0x70 && port != 0x71))
        return false;
    if (port == 0x70) {
        c->index = (uint8_t)(val & 0x7f);   /* bit 7 is the NMI mask */
        return true;
    }
    unsigned r = c->index & 0x7f;
    if (r != REG_A && r != REG_C && r != REG_D)   /* the status bits stay as the clock keeps them */
        c->ram[r] = (uint8_t)val;
    return true;
}
