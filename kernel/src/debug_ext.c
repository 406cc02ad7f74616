/* Novum extension hypercall `debug` (built with NOVUM_EXT_DEBUG): console
 * output for user code that holds no I/O ports, and leaving QEMU through its
 * isa-debug-exit device. An undefined sub-operation is an undefined
 * hypercall (BAD_HYP). */
#include <arch/cpu.h>
#include <arch/percpu.h>
#include <hypercall_decode.h>
#include "console.h"
#include "ec.h"
#include "pd.h"

#define DEBUG_EXIT_PORT 0xf4
#define CONSOLE_WRITE_MAX 4096

static enum nova_status console_write_user(uint64_t va, uint64_t len)
{
    static char buf[CONSOLE_WRITE_MAX];
    if (len > CONSOLE_WRITE_MAX || !pd_copy_from_user(this_cpu()->current->pd, buf, va, len))
        return NOVA_BAD_PAR;
    console_write(buf, len);
    return NOVA_SUCCESS;
}

static _Noreturn void debug_exit(uint64_t code)
{
    kprintf("novum: exit requested with code %lu\n", code);
    outl(DEBUG_EXIT_PORT, (uint32_t)code);
    for (;;)   /* not under QEMU: stop here */
        cpu_halt();
}

void sys_debug(struct sys_regs *r)
{
    switch (hc_debug_decode(r).op) {
    case NOVA_DEBUG_OP_CONSOLE_WRITE: {
        struct hc_debug_console_write a = hc_debug_console_write_decode(r);
        hc_return_status(r, console_write_user(a.buf, a.len));
        break;
    }
    case NOVA_DEBUG_OP_EXIT:
        debug_exit(hc_debug_exit_decode(r).code);
    default:
        hc_return_status(r, NOVA_BAD_HYP);
        break;
    }
}
