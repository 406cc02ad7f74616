/* ACPI fixed-hardware power management and the legacy reset/miscellany
 * ports:
 *
 *   0x600 PM1a_EVT_BLK (4 bytes): PM1 status (write 1 to clear) at 0x600,
 *         PM1 enable at 0x602
 *   0x604 PM1a_CNT_BLK (2 bytes): SCI_EN reads 1 (there is no SMI_CMD, so
 *         the platform is always in ACPI mode); SLP_EN with SLP_TYP 5
 *         requests power-off, so the DSDT's \_S5 must be {5, 5}; other
 *         sleep types are ignored (the guest just carries on)
 *   0x608 PM_TMR_BLK (4 bytes): the 24-bit ACPI PM timer at 3.579545 MHz,
 *         derived from the TSC; offer it in the FADT or not (with kvmclock
 *         Linux needs no PM timer)
 *   0xcf9 reset control: writing a value with RST_CPU (bit 2), e.g. 6,
 *         resets
 *   0x64  8042 status/command: status reads 0 (no controller data, ready
 *         for commands, so Linux's reboot=k does not wait); command 0xfe
 *         (pulse reset line) resets; other commands are ignored
 *   0x61  NMI status and control / speaker gate: bits 0-3 stored, bit 4
 *         (refresh) toggles on every read, bit 5 (PIT channel 2 output)
 *         reads 1
 *   0x80  POST code: writes ignored, reads 0
 *
 * Power-off and reset are not acted on here: they are reported as an event
 * the VMM core takes after the OUT exit (pm_take_event). The SCI (for the
 * FADT's SCI_INT, level-triggered) is raised by PM1 status bits whose
 * enable bit is set: pm_power_button() presses the power button. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

enum pm_event { PM_EVENT_NONE, PM_EVENT_POWER_OFF, PM_EVENT_RESET };

#define PM1_EVT_PORT 0x600u
#define PM1_CNT_PORT 0x604u
#define PM_TMR_PORT 0x608u
#define PM_TMR_HZ 3579545u

struct pm {
    uint32_t tsc_khz;
    uint16_t pm1_sts, pm1_en, pm1_cnt;
    uint8_t port61, cf9;
    bool refresh;
    enum pm_event event;
};

void pm_init(struct pm *p, uint32_t tsc_khz);

/* IN/OUT exits (`now`: the guest TSC, for the PM timer). False: not ours. */
bool pm_pio_read(struct pm *p, uint16_t port, unsigned size, uint64_t now, uint32_t *val);
bool pm_pio_write(struct pm *p, uint16_t port, unsigned size, uint32_t val);

/* The event the guest requested (once), or PM_EVENT_NONE. */
enum pm_event pm_take_event(struct pm *p);

/* A power-button press: the guest's ACPI button driver shuts down. */
void pm_power_button(struct pm *p);

/* The level of the SCI line. */
bool pm_sci(const struct pm *p);
