/* Guest-physical spaces on AMD SVM: nested page tables in the format of the
 * host's long-mode tables (every level needs U: the CPU walks them as user
 * accesses) and a 12 KiB I/O permission map. A mapping that shrinks bumps
 * the space's generation and shoots down every CPU: each vCPU of the PD
 * leaves its guest and flushes its TLB before it enters again (vcpu.c). */
#include <arch/memlayout.h>
#include <arch/paging.h>
#include <arch/svm.h>
#include <arch/tlb.h>
#include "frame.h"
#include "guest_space.h"
#include "pd.h"

bool guest_space_ready(struct pd *pd)
{
    if (!pd->guest.npt)
        pd->guest.npt = frame_alloc();
    return pd->guest.npt != 0;
}

bool guest_map(struct pd *pd, uint64_t gpa, uint64_t pa, unsigned rights)
{
    return guest_space_ready(pd) && hpt_map(pd->guest.npt, gpa, pa, rights) == 0;
}

static void shrunk(struct pd *pd)
{
    pd->guest.generation++;
    tlb_shootdown();
}

void guest_unmap(struct pd *pd, uint64_t gpa)
{
    if (!pd->guest.npt)
        return;
    hpt_unmap(pd->guest.npt, gpa);
    shrunk(pd);
}

bool guest_port_set(struct pd *pd, uint32_t port, bool allow)
{
    if (!pd->guest.iopm && !allow)
        return true;
    if (!pd->guest.iopm && !(pd->guest.iopm = svm_iopm_alloc()))
        return false;
    uint8_t bit = (uint8_t)(1u << (port % 8));
    if (allow)
        pd->guest.iopm[port / 8] &= (uint8_t)~bit;
    else
        pd->guest.iopm[port / 8] |= bit;
    return true;
}

void guest_space_destroy(struct pd *pd)
{
    if (pd->guest.npt)
        hpt_destroy_user(pd->guest.npt);
    if (pd->guest.iopm)
        svm_iopm_free(pd->guest.iopm);
    pd->guest = (struct guest_space){ 0 };
}
