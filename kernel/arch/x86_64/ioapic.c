/* I/O APIC redirection entries. ISA interrupts (GSI < 16) are edge
 * triggered and active high unless the MADT overrides them; the others are
 * PCI's level triggered, active low. The GSIs after the I/O APICs' pins
 * are MSI GSIs: no pin, edge triggered (assign.c gives their MSI values). */
#include <arch/acpi.h>
#include <arch/ioapic.h>
#include <arch/paging.h>
#include "console.h"

static volatile uint32_t *regs[MAX_IOAPICS];

static volatile uint32_t *pin_of(unsigned gsi, unsigned *pin)
{
    for (unsigned i = 0; i < platform.ioapic_count; i++)
        if (gsi >= platform.ioapic[i].gsi_base && gsi - platform.ioapic[i].gsi_base < platform.ioapic[i].pins) {
            *pin = gsi - platform.ioapic[i].gsi_base;
            return regs[i];
        }
    return 0;
}

static void write_reg(volatile uint32_t *io, unsigned reg, uint32_t v)
{
    io[0] = reg;
    io[4] = v;
}

static uint32_t read_reg(volatile uint32_t *io, unsigned reg)
{
    io[0] = reg;
    return io[4];
}

void ioapic_init(void)
{
    for (unsigned i = 0; i < platform.ioapic_count; i++) {
        regs[i] = mmio_map(platform.ioapic[i].phys, 0x20);
        platform.ioapic[i].pins = ((read_reg(regs[i], 1) >> 16) & 0xff) + 1;
        for (unsigned p = 0; p < platform.ioapic[i].pins; p++)
            write_reg(regs[i], 0x10 + 2 * p, 1u << 16);
        unsigned end = platform.ioapic[i].gsi_base + platform.ioapic[i].pins;
        if (end > platform.gsi_pins)
            platform.gsi_pins = end;
    }
    if (platform.gsi_pins > MAX_GSIS)
        platform.gsi_pins = MAX_GSIS;
    platform.gsi_count = platform.gsi_pins + MSI_GSIS;
    if (platform.gsi_count > MAX_GSIS)
        platform.gsi_count = MAX_GSIS;
}

struct gsi_mode gsi_mode_of(unsigned gsi)
{
    struct gsi_mode m = { gsi >= 16, gsi >= 16 };
    if (gsi >= platform.gsi_pins)
        return (struct gsi_mode){ false, false };   /* an MSI GSI: a message is an edge */
    for (unsigned i = 0; i < platform.override_count; i++)
        if (platform.override[i].gsi == gsi) {
            unsigned pol = platform.override[i].flags & 3, trig = (platform.override[i].flags >> 2) & 3;
            if (pol)
                m.active_low = pol == 3;
            if (trig)
                m.level = trig == 3;
        }
    return m;
}

void ioapic_route(unsigned gsi, uint32_t apic_id)
{
    unsigned pin;
    volatile uint32_t *io = pin_of(gsi, &pin);
    if (!io)
        return;
    struct gsi_mode m = gsi_mode_of(gsi);
    write_reg(io, 0x11 + 2 * pin, apic_id << 24);
    write_reg(io, 0x10 + 2 * pin, (VEC_GSI_BASE + gsi) | (m.active_low ? 1u << 13 : 0) | (m.level ? 1u << 15 : 0));
}

void ioapic_mask(unsigned gsi, bool masked)
{
    unsigned pin;
    volatile uint32_t *io = pin_of(gsi, &pin);
    if (!io)
        return;
    uint32_t lo = read_reg(io, 0x10 + 2 * pin);
    write_reg(io, 0x10 + 2 * pin, masked ? lo | (1u << 16) : lo & ~(1u << 16));
}
