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

PENDING(assign_pci)
PENDING(assign_gsi)
