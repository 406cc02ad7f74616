/* Novum extension hypercall `tls` (built with NOVUM_EXT_TLS): the calling EC
 * sets its own FS base, the thread pointer of x86-64 TLS, which the NOVA
 * interface offers no way to set. An undefined sub-operation is an
 * undefined hypercall (BAD_HYP). */
#include <arch/fs_base.h>
#include <arch/percpu.h>
#include <hypercall_decode.h>
#include "ec.h"

/* Any base below the non-canonical hole is harmless: the EC can only reach
 * its own mappings through it. */
#define USER_HALF_END 0x0000800000000000ull

static enum nova_status tls_set(uint64_t base)
{
    if (base >= USER_HALF_END)
        return NOVA_BAD_PAR;
    fs_base_set(this_cpu()->current, base);
    return NOVA_SUCCESS;
}

void sys_tls(struct sys_regs *r)
{
    switch (hc_tls_decode(r).op) {
    case NOVA_TLS_OP_SET:
        hc_return_status(r, tls_set(hc_tls_set_decode(r).base));
        break;
    default:
        hc_return_status(r, NOVA_BAD_HYP);
        break;
    }
}
