/* TLB shootdown. The CPU that changed a page table holds the big kernel
 * lock. Every other CPU either runs user code or idles, and then takes the
 * IPI at once (answered without the lock: reload CR3, user mappings are
 * not global), or it has just entered the kernel and spins for the lock
 * with interrupts off, and cannot take the IPI: waiting for it would
 * deadlock, so it is not waited for and catches up by generation as soon
 * as it holds the lock. */
#include <arch/cpu.h>
#include <arch/cpu_setup.h>
#include <arch/lapic.h>
#include <arch/percpu.h>
#include <arch/tlb.h>
#include "config.h"
#include "irq.h"
#include "topology.h"

static uint64_t generation;

static void flush(struct percpu *p)
{
    write_cr3(read_cr3());
    __atomic_store_n(&p->tlb_flushed, __atomic_load_n(&generation, __ATOMIC_ACQUIRE), __ATOMIC_RELEASE);
}

void tlb_shootdown(void)
{
    unsigned self = this_cpu()->cpu;
    uint64_t gen = __atomic_add_fetch(&generation, 1, __ATOMIC_ACQ_REL);
    for (unsigned c = 0; c < NOVUM_MAX_CPUS; c++)
        if (c != self && cpu_online(c))
            lapic_send_ipi(percpu[c].apic_id, VEC_TLB);
    for (unsigned c = 0; c < NOVUM_MAX_CPUS; c++)
        if (c != self && cpu_online(c))
            while (__atomic_load_n(&percpu[c].tlb_flushed, __ATOMIC_ACQUIRE) < gen &&
                   !__atomic_load_n(&percpu[c].lock_waiting, __ATOMIC_ACQUIRE))
                cpu_pause();
}

void tlb_shootdown_ack(void)
{
    flush(this_cpu());
    lapic_eoi();
}

void tlb_catch_up(void)
{
    struct percpu *p = this_cpu();
    if (__atomic_load_n(&p->tlb_flushed, __ATOMIC_ACQUIRE) < __atomic_load_n(&generation, __ATOMIC_ACQUIRE))
        flush(p);
}

void tlb_lock_waiting(bool waiting)
{
    __atomic_store_n(&this_cpu()->lock_waiting, waiting, __ATOMIC_RELEASE);
}
