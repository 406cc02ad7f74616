/* Port I/O helpers shared by the byte-register device models.
 *
 * The legacy devices (16550, 8259, PM ports) have byte-wide registers. A
 * 16- or 32-bit IN/OUT reaches consecutive ports on real hardware, so a
 * wide access is split into byte accesses at port, port + 1, ...; bytes on
 * ports the device does not decode read as 0xff (a floating ISA bus) and are
 * dropped on writes. Only the first port decides whether the access is the
 * device's at all. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

typedef bool (*pio_rd8)(void *dev, uint16_t port, uint64_t now, uint8_t *v);
typedef bool (*pio_wr8)(void *dev, uint16_t port, uint8_t v);

static inline bool pio_size_ok(unsigned size)
{
    return size == 1 || size == 2 || size == 4;
}

static inline bool pio_split_read(void *dev, pio_rd8 rd, uint16_t port, unsigned size,
                                  uint64_t now, uint32_t *val)
{
    uint8_t b;
    if (!pio_size_ok(size) || !rd(dev, port, now, &b))
        return false;
    uint32_t v = b;
    for (unsigned i = 1; i < size; i++) {
        if (!rd(dev, (uint16_t)(port + i), now, &b))
            b = 0xff;
        v |= (uint32_t)b << (8 * i);
    }
    *val = v;
    return true;
}

static inline bool pio_split_write(void *dev, pio_wr8 wr, uint16_t port, unsigned size,
                                   uint32_t val)
{
    if (!pio_size_ok(size) || !wr(dev, port, (uint8_t)val))
        return false;
    for (unsigned i = 1; i < size; i++)
        (void)wr(dev, (uint16_t)(port + i), (uint8_t)(val >> (8 * i)));
    return true;
}
