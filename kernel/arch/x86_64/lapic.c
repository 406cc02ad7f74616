/* Local APIC in xAPIC mode, and calibration of the TSC and the APIC timer
 * against the PIT (channel 2, gate-controlled, 10 ms). */
#include <arch/cpu.h>
#include <arch/lapic.h>
#include <arch/paging.h>
#include "irq.h"

#define LAPIC_ID       0x020
#define LAPIC_EOI      0x0b0
#define LAPIC_SVR      0x0f0
#define LAPIC_ICR_LO   0x300
#define LAPIC_ICR_HI   0x310
#define LAPIC_LVT_TMR  0x320
#define LAPIC_TMR_INIT 0x380
#define LAPIC_TMR_CUR  0x390
#define LAPIC_TMR_DIV  0x3e0

uint32_t tsc_khz, lapic_timer_khz;
static volatile uint8_t *lapic;

static inline uint32_t rd(unsigned reg) { return *(volatile uint32_t *)(lapic + reg); }
static inline void wr(unsigned reg, uint32_t v) { *(volatile uint32_t *)(lapic + reg) = v; }

void lapic_init(uint64_t phys) { lapic = mmio_map(phys, 4096); }

void lapic_enable(void)
{
    wrmsr(MSR_APIC_BASE, rdmsr(MSR_APIC_BASE) | (1u << 11));
    wr(LAPIC_SVR, 0x100 | VEC_SPURIOUS);
    wr(LAPIC_TMR_DIV, 0xb);                     /* divide by 1 */
    wr(LAPIC_LVT_TMR, (1u << 16) | VEC_TIMER);  /* masked until armed */
}

uint32_t lapic_id(void) { return rd(LAPIC_ID) >> 24; }
void lapic_eoi(void) { wr(LAPIC_EOI, 0); }

void lapic_timer_oneshot(uint32_t ticks)
{
    wr(LAPIC_LVT_TMR, VEC_TIMER);
    wr(LAPIC_TMR_INIT, ticks ? ticks : 1);
}

void lapic_send_ipi(uint32_t apic_id, uint32_t icr_low)
{
    wr(LAPIC_ICR_HI, apic_id << 24);
    wr(LAPIC_ICR_LO, icr_low);
    while (rd(LAPIC_ICR_LO) & (1u << 12))
        cpu_pause();
}

#define PIT_HZ 1193182u
#define CALIBRATE_MS 10u

void timers_calibrate(void)
{
    uint16_t count = PIT_HZ * CALIBRATE_MS / 1000;
    outb(0x61, (inb(0x61) & ~0x02) | 0x01);    /* gate on, speaker off */
    outb(0x43, 0xb0);                           /* channel 2, lo/hi, mode 0 */
    outb(0x42, count & 0xff);
    outb(0x42, count >> 8);
    wr(LAPIC_LVT_TMR, (1u << 16) | VEC_TIMER);
    wr(LAPIC_TMR_INIT, 0xffffffffu);
    uint64_t t0 = rdtsc();
    while (!(inb(0x61) & 0x20))
        cpu_pause();
    uint64_t t1 = rdtsc();
    uint32_t apic_ticks = 0xffffffffu - rd(LAPIC_TMR_CUR);
    wr(LAPIC_TMR_INIT, 0);
    tsc_khz = (uint32_t)((t1 - t0) / CALIBRATE_MS);
    lapic_timer_khz = apic_ticks / CALIBRATE_MS;
}
