/* Interrupts: the LAPIC timer ends quanta. Device interrupts (GSI
 * semaphores, spec 3.4) are not routed yet. */
#include <arch/lapic.h>
#include "console.h"
#include "irq.h"
#include "sc.h"

void irq_handle(unsigned vector, bool from_user)
{
    (void)from_user;
    if (vector == VEC_SPURIOUS)
        return;
    lapic_eoi();
    if (vector == VEC_TIMER)
        sched_timer();
    if (vector == VEC_TIMER || vector == VEC_RESCHED)
        schedule();
    kprintf("novum: unexpected interrupt vector %u\n", vector);
}
