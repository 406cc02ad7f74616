/* ACPI tables for a Linux guest: just enough for Linux to find its CPUs,
 * route legacy interrupts through the 8259 PICs, reset and power off.
 *
 * Written in the BIOS area [0xe0000, 0x100000), where Linux scans for the
 * RSDP when the zero page names none (the e820 map of bzimage.h reserves it).
 * From `gpa` (16-byte aligned) on:
 *
 *   RSDP  revision 2, 36 bytes; XSDT only (RsdtAddress 0)
 *   FACS  64-byte aligned, 64 bytes (the FADT of a non-reduced platform
 *         names one; ACPICA looks for the global lock in it)
 *   XSDT  -> FADT, MADT
 *   FADT  revision 5 (ACPI 5.1): SCI on IRQ 9, PM1a event block at 0x600
 *         (status, enable), PM1a control at 0x604, no PM timer, reset
 *         register I/O 0xcf9 <- 0x06, -> FACS, DSDT
 *   MADT  local APIC at 0xfee00000, PCAT_COMPAT, one enabled Processor
 *         Local APIC entry (type 0) per CPU with APIC ID = UID = 0..cpus-1;
 *         no I/O APIC entry: the VMM models the PICs only, so Linux runs the
 *         local APIC in virtual-wire mode (PIC output on LINT0 as ExtINT)
 *   DSDT  \_S5_ = Package() {5, 5, 0, 0}
 *
 * What the VMM's power-management model sees from Linux: at power-off it
 * writes SLP_TYP=5 | SLP_EN (0x3400) to PM1a_CNT (16 bits at 0x604), after
 * clearing PM1 status (writes of 1s to 0x600). Reset writes 0x06 to 0xcf9. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "guest_mem.h"

#define ACPI_AREA_START   0xe0000u
#define ACPI_AREA_END     0x100000u
#define ACPI_PM1A_EVT_PORT 0x600u /* PM1 status (2 bytes) then enable (2 bytes) */
#define ACPI_PM1A_CNT_PORT 0x604u
#define ACPI_SCI_IRQ      9u
#define ACPI_RESET_PORT   0xcf9u
#define ACPI_RESET_VALUE  0x06u
#define ACPI_S5_SLP_TYP   5u
#define ACPI_SLP_EN       0x2000u /* PM1_CNT bit 13 */
#define ACPI_LAPIC_BASE   0xfee00000u
#define ACPI_MAX_CPUS     255u /* APIC IDs 0..254: 0xff is the broadcast ID */

/* Table sizes, for the VMM and tests that walk what was written. */
#define ACPI_HDR_LEN  36u
#define ACPI_RSDP_LEN 36u
#define ACPI_FACS_LEN 64u
#define ACPI_FADT_LEN 268u
#define ACPI_MADT_LEN(cpus) (44u + 8u * (cpus))

/* Write the tables for `cpus` CPUs starting at `gpa` (the RSDP; 16-byte
 * aligned, inside [ACPI_AREA_START, ACPI_AREA_END)). Returns false with
 * *error set (a constant string) and guest memory untouched if cpus is 0
 * or above ACPI_MAX_CPUS or the tables would not fit. */
bool acpi_build(const struct guest_mem *g, uint64_t gpa, unsigned cpus, const char **error);
