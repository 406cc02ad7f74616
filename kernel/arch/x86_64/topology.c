/* Package, core and thread of a local APIC ID, from the boot CPU's CPUID
 * (leaf 0xb where present, else leaves 1 and 4). */
#include <arch/cpu.h>
#include "config.h"
#include "topology.h"

static bool online[NOVUM_MAX_CPUS];

bool cpu_online(unsigned cpu)
{
    return cpu < NOVUM_MAX_CPUS && __atomic_load_n(&online[cpu], __ATOMIC_ACQUIRE);
}

void cpu_mark_online(unsigned cpu) { __atomic_store_n(&online[cpu], true, __ATOMIC_RELEASE); }

static unsigned bits_for(unsigned n)
{
    unsigned b = 0;
    while ((1u << b) < n)
        b++;
    return b;
}

struct topology topology_of(uint32_t apic_id)
{
    unsigned smt_bits, core_bits;
    unsigned max = cpuid(0, 0).eax;
    if (max >= 0xb && cpuid(0xb, 0).ebx) {
        smt_bits = cpuid(0xb, 0).eax & 0x1f;
        core_bits = (cpuid(0xb, 1).eax & 0x1f) - smt_bits;
    } else {
        unsigned logical = (cpuid(1, 0).edx & (1u << 28)) ? (cpuid(1, 0).ebx >> 16) & 0xff : 1;
        unsigned cores = max >= 4 ? (cpuid(4, 0).eax >> 26) + 1 : 1;
        core_bits = bits_for(cores);
        smt_bits = bits_for(logical ? logical : 1) > core_bits ? bits_for(logical) - core_bits : 0;
    }
    return (struct topology){ apic_id >> (smt_bits + core_bits), (apic_id >> smt_bits) & ((1u << core_bits) - 1),
                              apic_id & ((1u << smt_bits) - 1) };
}
