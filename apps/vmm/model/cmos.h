/* The CMOS RTC (ports 0x70/0x71), as far as Linux reads it at boot: a
 * clock that is never in an update (register A's UIP bit clear, else Linux
 * polls for up to a second), BCD, 24 hours, with a fixed date the VMM sets.
 * Everything else reads 0 and writes to the index and RAM are kept. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

struct cmos {
    uint8_t index;
    uint8_t ram[128];
};

/* Power-on state showing the given date and time (binary values). */
void cmos_init(struct cmos *c, unsigned year, unsigned month, unsigned day, unsigned hour, unsigned min,
               unsigned sec);
/* IN/OUT exits of ports 0x70 and 0x71. False: not a CMOS port or size. */
bool cmos_pio_read(struct cmos *c, uint16_t port, unsigned size, uint32_t *val);
bool cmos_pio_write(struct cmos *c, uint16_t port, unsigned size, uint32_t val);
