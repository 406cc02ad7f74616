/* Hypercalls whose kernel objects do not exist yet. They answer BAD_FTR
 * ("invalid feature") and leave a trace, so that no caller mistakes them for
 * done; each moves to its own file as it is implemented. */
#include <hypercall_decode.h>
#include "console.h"

#define PENDING(name)                                                             \
    void sys_##name(struct sys_regs *r)                                           \
    {                                                                             \
        kprintf("novum: hypercall " #name " is not available in this build\n");   \
        hc_return_status(r, NOVA_BAD_FTR);                                        \
    }

PENDING(call)
PENDING(reply)
PENDING(create_pd)
PENDING(create_ec)
PENDING(create_sc)
PENDING(create_pt)
PENDING(create_sm)
PENDING(revoke)
PENDING(ec_ctrl)
PENDING(sc_ctrl)
PENDING(pt_ctrl)
PENDING(sm_ctrl)
PENDING(assign_pci)
PENDING(assign_gsi)
