/* Novum extension hypercall `debug` (built with NOVUM_EXT_DEBUG): console
 * output for user code that holds no I/O ports, leaving QEMU through its
 * isa-debug-exit device, and the kernel memory charged to a PD (for leak
 * tests). An undefined sub-operation is an undefined hypercall (BAD_HYP). */
#include <arch/cpu.h>
#include <arch/percpu.h>
#include <hypercall_decode.h>
#include "console.h"
#include "cap.h"
#include "ec.h"
#include "invariants.h"
#include "pd.h"
#include "syscall.h"

#define DEBUG_EXIT_PORT 0xf4
#define CONSOLE_WRITE_MAX 4096

static _Noreturn void console_write_user(const struct sys_regs *r)
{
    struct hc_debug_console_write a = hc_debug_console_write_decode(r);
    static char buf[CONSOLE_WRITE_MAX];
    if (a.len > CONSOLE_WRITE_MAX || !pd_copy_from_user(this_cpu()->current->pd, buf, a.buf, a.len))
        sys_finish(NOVA_BAD_PAR);
    console_write(buf, a.len);
    sys_finish(NOVA_SUCCESS);
}

static _Noreturn void debug_exit(const struct sys_regs *r)
{
    uint64_t code = hc_debug_exit_decode(r).code;
    kprintf("novum: exit requested with code %lu\n", code);
    outl(DEBUG_EXIT_PORT, (uint32_t)code);
    for (;;)   /* not under QEMU: stop here */
        cpu_halt();
}

/* Any capability to the PD will do: reading a charge changes nothing. */
static _Noreturn void pd_charge(struct sys_regs *r)
{
    struct hc_debug_pd_charge a = hc_debug_pd_charge_decode(r);
    struct pd *pd = (struct pd *)cap_get(this_cpu()->current->pd, a.sel_pd, KOBJ_PD, 0);
    if (!pd)
        sys_finish(NOVA_BAD_CAP);
    hc_debug_pd_charge_return(r, pd->kmem.used);
    sys_finish(NOVA_SUCCESS);
}

_Noreturn void sys_debug(struct sys_regs *r)
{
    /* The on-target suites report each test, and end, through this
     * hypercall: whatever the sampling after hypercalls skipped, every
     * invariant is checked once per test (invariants.c). */
    invariants_check("at a debug hypercall");
    switch (hc_debug_decode(r).op) {
    case NOVA_DEBUG_OP_CONSOLE_WRITE:
        console_write_user(r);
    case NOVA_DEBUG_OP_EXIT:
        debug_exit(r);
    case NOVA_DEBUG_OP_PD_CHARGE:
        pd_charge(r);
    default:
        sys_finish(NOVA_BAD_HYP);
    }
}
