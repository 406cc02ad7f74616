/* Exceptions and interrupts: a fault in the kernel is fatal and dumps the
 * registers; a fault in user mode goes to the EC's event portal; interrupts
 * go to the interrupt code. */
#include <arch/cpu.h>
#include <arch/percpu.h>
#include <arch/tlb.h>
#include <arch/trap.h>
#define NOVA_WANT_NAMES
#include <nova/spec.h>
#include "console.h"
#include "ec.h"
#include "irq.h"
#include "lock.h"

_Noreturn void ret_user_iret(struct sys_regs *r);

const char *exception_name(unsigned vector)
{
    if (vector < 32 && nova_exception_name[vector])
        return nova_exception_name[vector];
    return "interrupt";
}

void dump_regs(const struct sys_regs *r)
{
    kprintf("  rax=0x%016lx rbx=0x%016lx rcx=0x%016lx rdx=0x%016lx\n", r->rax, r->rbx, r->rcx, r->rdx);
    kprintf("  rsi=0x%016lx rdi=0x%016lx rbp=0x%016lx rsp=0x%016lx\n", r->rsi, r->rdi, r->rbp, r->rsp);
    kprintf("  r8 =0x%016lx r9 =0x%016lx r10=0x%016lx r11=0x%016lx\n", r->r8, r->r9, r->r10, r->r11);
    kprintf("  r12=0x%016lx r13=0x%016lx r14=0x%016lx r15=0x%016lx\n", r->r12, r->r13, r->r14, r->r15);
    kprintf("  rip=0x%016lx rfl=0x%016lx cs=0x%lx ss=0x%lx err=0x%lx cr2=0x%016lx\n",
            r->rip, r->rflags, r->cs, r->ss, r->err, read_cr2());
}

static _Noreturn void kernel_fault(const struct sys_regs *r)
{
    irq_disable();
    kprintf("\nNOVUM PANIC: #%s (vector %lu) in the kernel at rip=0x%016lx\n", exception_name((unsigned)r->vector),
            r->vector, r->rip);
    dump_regs(r);
    for (;;)
        cpu_halt();
}

void trap_handler(struct sys_regs *r)
{
    bool from_user = (r->cs & 3) != 0;
    if (r->vector == VEC_TLB) {   /* answered without the lock its sender holds */
        tlb_shootdown_ack();
        if (from_user)
            ret_user_iret(r);
        return;
    }
    if (r->vector < 32 && !from_user)
        kernel_fault(r);   /* before the lock: the faulting CPU most likely holds it */
    big_lock();
    if (r->vector >= 32) {
        irq_handle((unsigned)r->vector, from_user);
        if (from_user)
            ec_resume(this_cpu()->current);
        big_unlock();   /* back to the idle loop */
        return;
    }
    ec_handle_exception(this_cpu()->current, (unsigned)r->vector);
}
