/* TLB shootdown: the CPU that changed a page table holds the big kernel
 * lock, so the other CPUs answer the IPI without taking it: they reload CR3
 * (user mappings are not global) and count themselves done. */
#include <arch/cpu.h>
#include <arch/cpu_setup.h>
#include <arch/lapic.h>
#include <arch/percpu.h>
#include <arch/tlb.h>
#include "config.h"
#include "irq.h"
#include "topology.h"

static volatile unsigned acks;

void tlb_shootdown(void)
{
    unsigned self = this_cpu()->cpu, sent = 0;
    acks = 0;
    for (unsigned c = 0; c < NOVUM_MAX_CPUS; c++)
        if (c != self && cpu_online(c)) {
            lapic_send_ipi(percpu[c].apic_id, VEC_TLB);
            sent++;
        }
    while (__atomic_load_n(&acks, __ATOMIC_ACQUIRE) < sent)
        cpu_pause();
}

void tlb_shootdown_ack(void)
{
    write_cr3(read_cr3());
    __atomic_add_fetch(&acks, 1, __ATOMIC_RELEASE);
    lapic_eoi();
}
