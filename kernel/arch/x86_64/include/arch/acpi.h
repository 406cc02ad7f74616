/* What the kernel takes from ACPI: CPUs (local APIC IDs), I/O APICs, PCI
 * configuration space; the DMAR table's remapping units are in arch/vtd.h. */
#pragma once
#include <stdint.h>
#include "config.h"

#define MAX_IOAPICS 8

struct platform {
    unsigned cpu_count;
    uint32_t cpu_apic_id[NOVUM_MAX_CPUS];
    unsigned cpus_ignored;           /* beyond NOVUM_MAX_CPUS */
    uint64_t lapic_phys;
    unsigned ioapic_count;
    struct { uint64_t phys; uint32_t gsi_base; uint32_t id; uint32_t pins; } ioapic[MAX_IOAPICS];
    unsigned override_count;
    struct { uint8_t irq; uint32_t gsi; uint16_t flags; } override[16];   /* ISA IRQ -> GSI */
    unsigned gsi_pins;               /* GSIs 0..gsi_pins-1 may be I/O APIC pins */
    unsigned gsi_count;              /* then MSI GSIs up to here (ioapic.c) */
    uint64_t mcfg_phys;              /* PCI ECAM base of segment 0, bus 0 (0 if none) */
    uint8_t mcfg_bus_start, mcfg_bus_end;   /* the buses it decodes */
};

extern struct platform platform;
void acpi_init(void);

/* An ACPI system description table (its layout is private to acpi.c). */
struct sdt_header;
/* Record what one table (MADT, MCFG, DMAR) tells about the platform in
 * `platform` and `dmar`; a table whose bytes do not sum to 0 is ignored.
 * acpi_init calls it for every table the RSDT/XSDT lists; the host unit
 * tests (tests/host/kernel/test_acpi.c) call it on tables they build. */
void acpi_parse_table(const struct sdt_header *h);
