/* Interrupts: the LAPIC timer ends quanta, IPIs make a CPU reschedule, and
 * a device interrupt ups its GSI's semaphore (spec 3.4). A level-triggered
 * pin stays masked until the driver's next down on that semaphore. */
#include <arch/acpi.h>
#include <arch/ioapic.h>
#include <arch/lapic.h>
#include <arch/vtd.h>
#include "console.h"
#include "irq.h"
#include "hyp_objects.h"
#include "invariants.h"
#include "sc.h"
#include "sm.h"

/* The interrupt's work is done: the invariant checker may look (Debug
 * builds, sampled as after hypercalls), then the highest priority runs. */
static _Noreturn void reschedule(void)
{
    invariants_after_event("after an interrupt");
    schedule();
}

void irq_handle(unsigned vector, bool from_user)
{
    (void)from_user;
    if (vector == VEC_SPURIOUS)
        return;
    if (vector >= VEC_GSI_BASE && vector < VEC_GSI_BASE + platform.gsi_count) {
        unsigned gsi = vector - VEC_GSI_BASE;
        if (gsi_mode_of(gsi).level)
            ioapic_mask(gsi, true);   /* until the driver's next down; before the EOI, which lets a line still
                                         asserted interrupt again */
        lapic_eoi();
        sm_up(gsi_sm_of(gsi));
        reschedule();
    }
    lapic_eoi();
    if (vector == VEC_TIMER) {
        vtd_poll_faults();   /* DMA faults reach the console within a quantum */
        sched_timer();
    }
    if (vector == VEC_TIMER || vector == VEC_RESCHED)
        reschedule();
    kprintf("novum: unexpected interrupt vector %u\n", vector);
}
