/* Device control (spec 5.5): assign_gsi routes an I/O APIC pin to a CPU,
 * where its interrupts up the GSI's semaphore. Message-signalled
 * interrupts and assign_pci need an IOMMU and PCI configuration space and
 * are not supported yet (BAD_DEV). */
#include <arch/cpu_setup.h>
#include <arch/ioapic.h>
#include <arch/percpu.h>
#include <hypercall_decode.h>
#include "cap.h"
#include "ec.h"
#include "hyp_objects.h"
#include "pd.h"
#include "sm.h"
#include "syscall.h"
#include "topology.h"

_Noreturn void sys_assign_gsi(struct sys_regs *r)
{
    struct hc_assign_gsi a = hc_assign_gsi_decode(r);
    struct sm *sm = (struct sm *)cap_get(this_cpu()->current->pd, a.sel_sm, KOBJ_SM, 0);
    unsigned gsi;
    if (!sm || !sm_gsi(sm, &gsi))
        sys_finish(NOVA_BAD_CAP);
    if (!cpu_online(a.cpu))
        sys_finish(NOVA_BAD_CPU);
    ioapic_route(gsi, percpu[a.cpu].apic_id);
    hc_assign_gsi_return(r, 0, 0);   /* an I/O APIC pin needs no MSI values */
    sys_finish(NOVA_SUCCESS);
}

_Noreturn void sys_assign_pci(struct sys_regs *r)
{
    struct hc_assign_pci a = hc_assign_pci_decode(r);
    if (!cap_get(this_cpu()->current->pd, a.sel_pd, KOBJ_PD, 0))
        sys_finish(NOVA_BAD_CAP);
    sys_finish(NOVA_BAD_DEV);   /* no IOMMU: no device can be assigned */
}
