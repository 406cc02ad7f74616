/* Bring up the other CPUs the ACPI tables list: INIT, then two start-up IPIs
 * pointing at the trampoline; each AP sets itself up and enters the
 * scheduler, where it idles until an SC of its CPU is ready. */
#include <arch/cpu.h>
#include <arch/cpu_setup.h>
#include <arch/acpi.h>
#include <arch/lapic.h>
#include <arch/memlayout.h>
#include <arch/paging.h>
#include <arch/smp.h>
#include "console.h"
#include "lock.h"
#include "sc.h"
#include "string.h"
#include "topology.h"

extern const char trampoline_start[], trampoline_end[], trampoline_params[];

/* Offsets between these linker symbols are taken as addresses: C defines
 * pointer subtraction only within one object, and to the compiler they are
 * three separate arrays. */
static size_t trampoline_offset(const char *sym) { return (uintptr_t)sym - (uintptr_t)trampoline_start; }
extern uint64_t boot_pml4[];

static void delay_us(uint64_t us)
{
    uint64_t end = rdtsc() + us * tsc_khz / 1000;
    while (rdtsc() < end)
        cpu_pause();
}

_Noreturn void ap_entry(unsigned cpu);
_Noreturn void ap_entry(unsigned cpu)
{
    write_cr3(kernel_pml4);
    cpu_setup(cpu, platform.cpu_apic_id[cpu]);
    lapic_enable();
    big_lock();
    cpu_mark_online(cpu);
    schedule();
}

static void start_one(unsigned cpu)
{
    struct trampoline_params *p =
        phys_to_virt(TRAMPOLINE_PHYS + trampoline_offset(trampoline_params));
    p->cr3 = (uint32_t)virt_to_phys(boot_pml4);
    p->efer = (uint32_t)(rdmsr(MSR_EFER) & EFER_NXE) | (1u << 8);
    p->stack = percpu_kstack_top(cpu);
    p->cpu = cpu;
    uint32_t apic = platform.cpu_apic_id[cpu];
    lapic_send_ipi(apic, 0x4500);                                  /* INIT */
    delay_us(10000);
    for (int i = 0; i < 2 && !cpu_online(cpu); i++) {
        lapic_send_ipi(apic, 0x4600 | (TRAMPOLINE_PHYS >> 12));    /* start-up */
        delay_us(200);
    }
    big_unlock();   /* the AP takes the lock to announce itself */
    for (int ms = 0; ms < 1000 && !cpu_online(cpu); ms++)
        delay_us(1000);
    big_lock();
    if (!cpu_online(cpu))
        kprintf("novum: CPU %u (APIC ID %u) did not start\n", cpu, apic);
}

void smp_start_aps(unsigned boot_cpu)
{
    memcpy(phys_to_virt(TRAMPOLINE_PHYS), trampoline_start, trampoline_offset(trampoline_end));
    for (unsigned cpu = 0; cpu < platform.cpu_count; cpu++)
        if (cpu != boot_cpu)
            start_one(cpu);
}
