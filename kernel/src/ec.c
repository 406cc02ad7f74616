/* Execution contexts: creation, return to user mode, exceptions. */
#include <arch/cpu.h>
#include <arch/cpu_setup.h>
#include <arch/memlayout.h>
#include <arch/paging.h>
#include <arch/percpu.h>
#include <arch/trap.h>
#include "console.h"
#include "ec.h"
#include "frame.h"
#include "kmem.h"
#include "pd.h"
#include "sc.h"

_Noreturn void ret_user_iret(struct sys_regs *r);
_Noreturn void ret_user_sysret(struct sys_regs *r);

static unsigned ec_count;

struct ec *ec_create(struct pd *pd, unsigned cpu, uint64_t utcb_va, uint64_t sp, uint64_t sel_evt)
{
    struct ec *ec = kmem_alloc(sizeof *ec);
    uint64_t utcb_pa = frame_alloc();
    if (!ec || !utcb_pa || !pd_map_frame(pd, utcb_va, utcb_pa, MAP_R | MAP_W)) {
        if (utcb_pa)
            frame_free(utcb_pa);
        kmem_free(ec, sizeof *ec);
        return 0;
    }
    ec->obj.type = KOBJ_EC;
    ec->id = ++ec_count;
    ec->pd = pd;
    ec->cpu = cpu;
    ec->utcb = phys_to_virt(utcb_pa);
    ec->utcb_va = utcb_va;
    ec->sel_evt = sel_evt;
    ec->state = EC_READY;
    ec->regs = (struct sys_regs){ .cs = SEL_UCODE, .ss = SEL_UDATA, .rflags = RFLAGS_USER_INIT,
                                  .rsp = sp, .vector = ENTRY_NEW };
    return ec;
}

_Noreturn void ec_resume(struct ec *ec)
{
    struct percpu *cpu = this_cpu();
    cpu->current = ec;
    cpu->cur_regs = &ec->regs;
    tss_set_kernel_entry((uint64_t)(uintptr_t)(&ec->regs + 1));
    pt_activate(ec->pd->pml4);
    if (ec->regs.vector == ENTRY_SYSCALL && user_canonical(ec->regs.rip))
        ret_user_sysret(&ec->regs);
    ret_user_iret(&ec->regs);
}

_Noreturn void ec_shutdown(struct ec *ec, const char *why, unsigned vector)
{
    kprintf("novum: EC shut down: #%s at rip=0x%016lx (%s 0x%lx), ec %u\n", exception_name(vector), ec->regs.rip,
            why, ec->sel_evt + vector, ec->id);
    dump_regs(&ec->regs);
    ec->state = EC_DEAD;
    if (ec->sc)
        sched_dequeue(ec->sc);
    schedule();
}

_Noreturn void ec_handle_exception(struct ec *ec, unsigned vector)
{
    struct cap c = space_obj_lookup(&ec->pd->objs, ec->sel_evt + vector);
    if (!c.obj || c.obj->type != KOBJ_PT)
        ec_shutdown(ec, "no portal at selector", vector);
    /* Portal traversal for exceptions comes with portals (kernel core). */
    ec_shutdown(ec, "exception portals not supported yet, selector", vector);
}
