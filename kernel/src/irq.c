/* Interrupts. So far only the LAPIC's own vectors exist; device interrupts
 * (GSI semaphores, spec 3.4) come with the kernel core. */
#include <arch/lapic.h>
#include "console.h"
#include "irq.h"

void irq_handle(unsigned vector, bool from_user)
{
    (void)from_user;
    if (vector == VEC_SPURIOUS)
        return;
    lapic_eoi();
    if (vector != VEC_TIMER)
        kprintf("novum: unexpected interrupt vector %u\n", vector);
}
