/* HIP contents the other HIP tests leave unchecked, found by mutation
 * testing (docs/mutation.md): each test names the mutant it kills. */
#include "test.h"

/* topology.c: the core mask `(1u << core_bits) - 1` made `- 0` (or any
 * other error in splitting the APIC ID): two logical CPUs would share a
 * package, core and thread. QEMU's -smp 2 gives two cores of one package. */
NOVA_TEST(mut_hip_enabled_cpus_have_distinct_topology)
{
    const struct nova_hip *hip = nova_boot_hip;
    unsigned n = nova_hip_cpu_count(hip), enabled = 0;
    for (unsigned i = 0; i < n; i++) {
        const struct nova_hip_cpu *a = nova_hip_cpu_desc(hip, i);
        if (!(a->flags & NOVA_HIP_CPU_FLAGS_ENABLED))
            continue;
        enabled++;
        for (unsigned j = i + 1; j < n; j++) {
            const struct nova_hip_cpu *b = nova_hip_cpu_desc(hip, j);
            if (b->flags & NOVA_HIP_CPU_FLAGS_ENABLED)
                CHECK(a->package != b->package || a->core != b->core || a->thread != b->thread);
        }
    }
    CHECK(enabled >= 1);
}

/* ioapic.c: the pin count read from bits 16-23 of the version register,
 * `>> 16` made `>> 15` (or the `+ 1` changed): the HIP would announce GSIs
 * the I/O APIC does not have. QEMU's q35 has one I/O APIC of 24 pins; the
 * HIP's count adds the 32 MSI GSIs after them (MSI_GSIS, arch/ioapic.h). */
NOVA_TEST(mut_hip_gsi_count_is_the_io_apic_s_24_pins)
{
    CHECK_EQ(nova_boot_hip->gsi, 24 + 32);
}

/* hip.c, fill_mem: the firmware's memory map, every entry (a mutant that
 * started at the second survived): on a PC its first entry is the
 * conventional memory from physical address 0, available. */
NOVA_TEST(mut_hip_memory_map_holds_the_firmwares_first_entry)
{
    const struct nova_hip *hip = nova_boot_hip;
    bool low = false;
    for (unsigned i = 0; i < nova_hip_mem_count(hip); i++) {
        const struct nova_hip_mem *m = nova_hip_mem_desc(hip, i);
        low = low || (m->address == 0 && m->size >= 0x80000 && m->type == NOVA_HIP_MEM_AVAILABLE);
    }
    CHECK(low);
}

/* lapic.c: the APIC timer's divider written 0xc (divide by 32) instead of
 * 0xb (by 1), or not written at all (divide by 2 after reset): the kernel
 * calibrates whatever it gets, but the HIP's bus frequency (the timer's
 * input) would read too low. QEMU's APIC timer counts at 1 GHz and the
 * calibration reads 1.0 to 1.3 GHz (a loaded host only makes it read more),
 * so the bound is from below. */
NOVA_TEST(mut_hip_bus_frequency_is_the_apic_timers_input)
{
    CHECK(nova_boot_hip->bus_freq_khz >= 750000);
}
