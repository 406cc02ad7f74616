/* The devices of the VM and how their interrupts reach a vCPU: the UART on
 * IRQ 4 of the PICs, which reach vCPU 0 as external interrupts while its
 * local APIC lets ExtINT through (virtual wire, as there is no I/O APIC);
 * each local APIC's own timer and IPIs. */
#include "board.h"
#include "console.h"
#include "platform.h"

struct board board;

static void console_sink(void *ctx, const uint8_t *bytes, size_t n)
{
    (void)ctx;
    vmm_console((const char *)bytes, n);
}

static void ipi(void *ctx, unsigned dest, unsigned mode, unsigned vector)
{
    (void)ctx;
    if (dest >= vmm.vcpus)
        return;
    if (mode == LAPIC_DM_FIXED)
        lapic_accept(&board.lapic[dest], vector);
    vmm_ipi(dest, mode, vector);
}

void board_init(unsigned vcpus, uint32_t tsc_khz)
{
    uart_init(&board.com1, 0x3f8, console_sink, 0);
    pic_init(&board.pic);
    cmos_init(&board.cmos, 2026, 1, 1, 0, 0, 0);
    pm_init(&board.pm, tsc_khz);
    for (unsigned i = 0; i < vcpus; i++)
        lapic_init(&board.lapic[i], i, vcpus, tsc_khz, tsc_khz, ipi, 0);
    /* As firmware leaves it (virtual wire): the PICs reach the boot CPU
     * through LINT0, NMIs through LINT1. Linux keeps LINT0 so when it finds
     * it unmasked and there is no I/O APIC. */
    lapic_msr_write(&board.lapic[0], 0x80f, 0x1ff, 0);   /* software enabled, spurious vector 0xff */
    lapic_msr_write(&board.lapic[0], 0x835, 0x700, 0);
    lapic_msr_write(&board.lapic[0], 0x836, 0x400, 0);
}

static bool dispatch_read(uint16_t port, unsigned size, uint64_t now, uint32_t *val)
{
    return uart_pio_read(&board.com1, port, size, val) || pic_pio_read(&board.pic, port, size, val) ||
           cmos_pio_read(&board.cmos, port, size, val) || pm_pio_read(&board.pm, port, size, now, val);
}

static bool dispatch_write(uint16_t port, unsigned size, uint32_t val)
{
    return uart_pio_write(&board.com1, port, size, val) || pic_pio_write(&board.pic, port, size, val) ||
           cmos_pio_write(&board.cmos, port, size, val) || pm_pio_write(&board.pm, port, size, val);
}

void board_pio(uint16_t port, unsigned size, bool in, uint32_t *val)
{
    board.port_exits[port >> 3]++;
    bool known = in ? dispatch_read(port, size, vmm_now(), val) : dispatch_write(port, size, *val);
    if (!known) {
        board.unknown_ports++;
        if (in)
            *val = size == 4 ? 0xffffffffu : (1u << (8 * size)) - 1;   /* an empty bus */
    }
    board_update_irqs();
    if (!in)
        vmm_pm_event(pm_take_event(&board.pm));
}

void board_update_irqs(void) { pic_set_irq(&board.pic, 4, uart_irq(&board.com1)); }

int board_pending_vector(unsigned v, uint64_t now)
{
    struct lapic *l = &board.lapic[v];
    lapic_tick(l, now);
    int vector = lapic_pending_vector(l);
    if (vector < 0 && v == 0 && lapic_extint_enabled(l))
        vector = pic_pending_vector(&board.pic);
    return vector;
}

void board_ack(unsigned v, int vector)
{
    struct lapic *l = &board.lapic[v];
    if (lapic_pending_vector(l) == vector)
        lapic_ack(l, (unsigned)vector);
    else
        pic_ack(&board.pic);
}

uint64_t board_next_event(unsigned v) { return lapic_next_event(&board.lapic[v]); }

