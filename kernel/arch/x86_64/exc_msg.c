/* Exception messages for threads (spec 8.3, 8.4, "Exceptions" column): the
 * general registers, RSP, RIP, RFLAGS and the exit qualifications (error
 * code, fault address). Segment, control and VM state are vCPU-only. */
#include <arch/cpu.h>
#include <arch/memlayout.h>
#include "exc_msg.h"

#define RFLAGS_ARITH 0x8d5u   /* CF PF AF ZF SF OF: the writable flags */

void exc_msg_store(const struct sys_regs *r, unsigned event, uint64_t mtd, struct nova_utcb *u)
{
    struct nova_utcb_arch *a = &u->data.arch;
    a->mtd = mtd;
    a->inst_len = 0;
    if (mtd & NOVA_MTD_ACDB)
        a->rax = r->rax, a->rcx = r->rcx, a->rdx = r->rdx, a->rbx = r->rbx;
    if (mtd & NOVA_MTD_BSD)
        a->rbp = r->rbp, a->rsi = r->rsi, a->rdi = r->rdi;
    if (mtd & NOVA_MTD_ESP)
        a->rsp = r->rsp;
    if (mtd & NOVA_MTD_EIP)
        a->rip = r->rip;
    if (mtd & NOVA_MTD_EFL)
        a->rflags = r->rflags;
    if (mtd & NOVA_MTD_QUAL) {
        a->qual[0] = event < 32 ? r->err : 0;
        a->qual[1] = event == NOVA_EXC_PF ? read_cr2() : 0;
    }
    if (mtd & NOVA_MTD_R8_R15) {
        a->r8 = r->r8, a->r9 = r->r9, a->r10 = r->r10, a->r11 = r->r11;
        a->r12 = r->r12, a->r13 = r->r13, a->r14 = r->r14, a->r15 = r->r15;
    }
}

bool exc_msg_load(struct sys_regs *r, const struct nova_utcb *u)
{
    const struct nova_utcb_arch *a = &u->data.arch;
    uint64_t mtd = a->mtd;
    if (((mtd & NOVA_MTD_EIP) && !user_canonical(a->rip)) || ((mtd & NOVA_MTD_ESP) && !user_canonical(a->rsp)))
        return false;
    if (mtd & NOVA_MTD_ACDB)
        r->rax = a->rax, r->rcx = a->rcx, r->rdx = a->rdx, r->rbx = a->rbx;
    if (mtd & NOVA_MTD_BSD)
        r->rbp = a->rbp, r->rsi = a->rsi, r->rdi = a->rdi;
    if (mtd & NOVA_MTD_ESP)
        r->rsp = a->rsp;
    if (mtd & NOVA_MTD_EIP)
        r->rip = a->rip;
    if (mtd & NOVA_MTD_EFL)
        r->rflags = (r->rflags & ~(uint64_t)RFLAGS_ARITH) | (a->rflags & RFLAGS_ARITH);
    if (mtd & NOVA_MTD_R8_R15) {
        r->r8 = a->r8, r->r9 = a->r9, r->r10 = a->r10, r->r11 = a->r11;
        r->r12 = a->r12, r->r13 = a->r13, r->r14 = a->r14, r->r15 = a->r15;
    }
    r->vector = ENTRY_NEW;   /* every register counts now: return with iret */
    return true;
}
