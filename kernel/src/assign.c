/* Device control (spec 5.5): assign_gsi routes a GSI to a CPU, where its
 * interrupts up the GSI's semaphore: an I/O APIC pin through its
 * redirection entry, an MSI GSI (those after the pins, arch/ioapic.h) by
 * the MSI address and data it returns for the PCI function to send;
 * assign_pci puts a PCI function behind the IOMMU into a PD's DMA space
 * (arch/vtd.h). */
#include <arch/acpi.h>
#include <arch/cpu_setup.h>
#include <arch/ioapic.h>
#include <arch/memlayout.h>
#include <arch/paging.h>
#include <arch/percpu.h>
#include <arch/vtd.h>
#include <hypercall_decode.h>
#include "cap.h"
#include "ec.h"
#include "hyp_objects.h"
#include "mdb.h"
#include "pd.h"
#include "sm.h"
#include "syscall.h"
#include "topology.h"

/* The PCI function whose configuration page (ECAM, segment 0) is at
 * physical `pa`, as bus << 8 | device << 3 | function; -1 if `pa` is no
 * such page or no function answers there. */
static int pci_function_at(uint64_t pa)
{
    uint64_t lo = platform.mcfg_phys + ((uint64_t)platform.mcfg_bus_start << 20);
    uint64_t hi = platform.mcfg_phys + ((uint64_t)(platform.mcfg_bus_end + 1) << 20);
    if (!platform.mcfg_phys || pa < lo || pa >= hi)
        return -1;
    if (*(volatile uint16_t *)mmio_window(pa) == 0xffff)   /* vendor ID: nothing there */
        return -1;
    return (int)((pa - platform.mcfg_phys) >> PAGE_SHIFT);
}

/* The MSI address of xAPIC physical destination mode: the fixed window,
 * the destination's APIC ID in bits 12-19 (redirection hint 0). */
#define MSI_ADDR_BASE 0xfee00000u

_Noreturn void sys_assign_gsi(struct sys_regs *r)
{
    struct hc_assign_gsi a = hc_assign_gsi_decode(r);
    struct pd *cur = this_cpu()->current->pd;
    struct sm *sm = (struct sm *)cap_get(cur, a.sel_sm, KOBJ_SM, 0);
    unsigned gsi;
    if (!sm || !sm_gsi(sm, &gsi))
        sys_finish(NOVA_BAD_CAP);
    if (!cpu_online(a.cpu))
        sys_finish(NOVA_BAD_CPU);
    uint32_t apic_id = percpu[a.cpu].apic_id;
    if (gsi < platform.gsi_pins) {
        ioapic_route(gsi, apic_id);
        hc_assign_gsi_return(r, 0, 0);   /* an I/O APIC pin needs no MSI values */
        sys_finish(NOVA_SUCCESS);
    }
    /* An MSI GSI: the device is a PCI function, named by its configuration
     * page (HPETs are not supported). Its vector is the GSI's, the same on
     * every CPU; the address picks the CPU, the data the vector (fixed
     * delivery, edge: bits 8-15 zero). */
    const struct mdb_node *dev = mdb_lookup(cur, SPACE_MEM, a.sel_dev);
    if (!dev || pci_function_at(dev->res << PAGE_SHIFT) < 0)
        sys_finish(NOVA_BAD_DEV);
    hc_assign_gsi_return(r, MSI_ADDR_BASE | (uint64_t)(apic_id & 0xff) << 12, VEC_GSI_BASE + gsi);
    sys_finish(NOVA_SUCCESS);
}

_Noreturn void sys_assign_pci(struct sys_regs *r)
{
    struct hc_assign_pci a = hc_assign_pci_decode(r);
    struct pd *cur = this_cpu()->current->pd;
    struct pd *pd = (struct pd *)cap_get(cur, a.sel_pd, KOBJ_PD, 0);
    if (!pd)
        sys_finish(NOVA_BAD_CAP);
    const struct mdb_node *dev = mdb_lookup(cur, SPACE_MEM, a.sel_dev);
    int bdf = dev ? pci_function_at(dev->res << PAGE_SHIFT) : -1;
    if (bdf < 0)
        sys_finish(NOVA_BAD_DEV);   /* no configuration page of a PCI function */
    int e = vtd_assign(pd, 0, (uint16_t)bdf);   /* the routing hint is not needed: ECAM names the function */
    if (e == -1)
        sys_finish(NOVA_BAD_DEV);   /* no IOMMU remaps it (none at all without a DMAR table) */
    if (e)
        sys_finish(NOVA_BAD_CAP);   /* out of kernel memory or domain ids */
    sys_finish(NOVA_SUCCESS);
}
