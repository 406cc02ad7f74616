/* Novum extension hypercall `tls` (built with NOVUM_EXT_TLS): the calling EC
 * sets its own FS base, the thread pointer of x86-64 TLS, which the NOVA
 * interface offers no way to set. An undefined sub-operation is an
 * undefined hypercall (BAD_HYP). */
#include <arch/fs_base.h>
#include <arch/percpu.h>
#include <hypercall_decode.h>
#include "ec.h"
#include "syscall.h"

/* Any base below the non-canonical hole is harmless: the EC can only reach
 * its own mappings through it. */
#define USER_HALF_END 0x0000800000000000ull

static _Noreturn void tls_set(const struct sys_regs *r)
{
    uint64_t base = hc_tls_set_decode(r).base;
    if (base >= USER_HALF_END)
        sys_finish(NOVA_BAD_PAR);
    fs_base_set(this_cpu()->current, base);
    sys_finish(NOVA_SUCCESS);
}

_Noreturn void sys_tls(struct sys_regs *r)
{
    switch (hc_tls_decode(r).op) {
    case NOVA_TLS_OP_SET:
        tls_set(r);
    default:
        sys_finish(NOVA_BAD_HYP);
    }
}
