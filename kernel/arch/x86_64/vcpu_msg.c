/* Intercept messages of vCPUs (spec 8.3, 8.4): the MTD of the portal selects
 * which guest state goes from the VMCB and the vCPU's frame into the
 * handler's UTCB, and the MTD of the reply which state comes back. The
 * control area stays the kernel's: a reply chooses intercepts only above
 * the forced ones, injects events, and moves the TSC offset. Whatever guest
 * state a reply writes, VMRUN checks it; a state it refuses comes back as
 * an invalid-guest-state exit, never as a fault of the kernel. */
#include <arch/cpu.h>
#include <arch/svm.h>
#include <arch/vmcb.h>
#include "ec.h"
#include "vcpu.h"

#define SEG_AR_HW_MASK 0xfffu   /* the AR bits that exist in SVM's attribute field */

static void seg_store(struct nova_utcb_seg *s, const struct vmcb_seg *v)
{
    *s = (struct nova_utcb_seg){ .sel = v->sel, .ar = v->attrib, .limit = v->limit, .base = v->base };
}

static void seg_load(struct vmcb_seg *v, const struct nova_utcb_seg *s)
{
    /* An unusable segment (U) is a not-present one on SVM. */
    uint16_t ar = (uint16_t)(s->ar & SEG_AR_HW_MASK);
    if (s->ar & NOVA_SEG_AR_U)
        ar &= (uint16_t)~NOVA_SEG_AR_P;
    *v = (struct vmcb_seg){ .sel = s->sel, .attrib = ar, .limit = s->limit, .base = s->base };
}

static void desc_store(struct nova_utcb_desc *d, const struct vmcb_seg *v)
{
    d->limit = v->limit;
    d->base = v->base;
}

static void desc_load(struct vmcb_seg *v, const struct nova_utcb_desc *d)
{
    v->limit = d->limit;
    v->base = d->base;
}

/* Length of the intercepted instruction: from the next RIP where the CPU
 * saves it, else what is known of the exit (EXITINFO2 holds the next RIP of
 * an I/O instruction) or fixed by the instruction's encoding; 0 otherwise. */
static uint64_t instruction_length(const struct vmcb *v, unsigned event)
{
    if (svm_has_nrips() && v->next_rip > v->rip && v->next_rip - v->rip <= 15)
        return v->next_rip - v->rip;
    switch (event) {
    case NOVA_SVM_EXIT_IO_ACCESS:
        return v->exitinfo2 > v->rip && v->exitinfo2 - v->rip <= 15 ? v->exitinfo2 - v->rip : 0;
    case NOVA_SVM_EXIT_HLT:
    case NOVA_SVM_EXIT_ICEBP:
        return 1;
    case NOVA_SVM_EXIT_CPUID:
    case NOVA_SVM_EXIT_MSR_ACCESS:
    case NOVA_SVM_EXIT_RDTSC:
    case NOVA_SVM_EXIT_RDPMC:
    case NOVA_SVM_EXIT_INVD:
    case NOVA_SVM_EXIT_WBINVD:
    case NOVA_SVM_EXIT_PAUSE:
        return 2;
    case NOVA_SVM_EXIT_VMMCALL:
    case NOVA_SVM_EXIT_RDTSCP:
    case NOVA_SVM_EXIT_MONITOR:
    case NOVA_SVM_EXIT_MWAIT:
    case NOVA_SVM_EXIT_MWAIT_COND:
    case NOVA_SVM_EXIT_INVLPGA:
    case NOVA_SVM_EXIT_VMRUN:
    case NOVA_SVM_EXIT_VMLOAD:
    case NOVA_SVM_EXIT_VMSAVE:
    case NOVA_SVM_EXIT_STGI:
    case NOVA_SVM_EXIT_CLGI:
    case NOVA_SVM_EXIT_SKINIT:
        return 3;
    default:
        return 0;
    }
}

static bool is_exit(unsigned event) { return event != NOVA_SVM_EXIT_STARTUP && event != NOVA_SVM_EXIT_RECALL; }

static void store_gprs(const struct ec *ec, const struct vmcb *v, uint64_t mtd, struct nova_utcb_arch *a)
{
    const struct sys_regs *r = &ec->regs;
    if (mtd & NOVA_MTD_ACDB)
        a->rax = v->rax, a->rcx = r->rcx, a->rdx = r->rdx, a->rbx = r->rbx;
    if (mtd & NOVA_MTD_BSD)
        a->rbp = r->rbp, a->rsi = r->rsi, a->rdi = r->rdi;
    if (mtd & NOVA_MTD_R8_R15) {
        a->r8 = r->r8, a->r9 = r->r9, a->r10 = r->r10, a->r11 = r->r11;
        a->r12 = r->r12, a->r13 = r->r13, a->r14 = r->r14, a->r15 = r->r15;
    }
    if (mtd & NOVA_MTD_ESP)
        a->rsp = v->rsp;
    if (mtd & NOVA_MTD_EFL)
        a->rflags = v->rflags;
}

static void store_segments(const struct vmcb *v, uint64_t mtd, struct nova_utcb_arch *a)
{
    if (mtd & NOVA_MTD_DS_ES)
        seg_store(&a->ds, &v->ds), seg_store(&a->es, &v->es);
    if (mtd & NOVA_MTD_FS_GS)
        seg_store(&a->fs, &v->fs), seg_store(&a->gs, &v->gs);
    if (mtd & NOVA_MTD_CS_SS)
        seg_store(&a->cs, &v->cs), seg_store(&a->ss, &v->ss);
    if (mtd & NOVA_MTD_TR)
        seg_store(&a->tr, &v->tr);
    if (mtd & NOVA_MTD_LDTR)
        seg_store(&a->ldtr, &v->ldtr);
    if (mtd & NOVA_MTD_GDTR)
        desc_store(&a->gdtr, &v->gdtr);
    if (mtd & NOVA_MTD_IDTR)
        desc_store(&a->idtr, &v->idtr);
}

static void store_system(const struct vmcb *v, bool halted, unsigned event, uint64_t mtd, struct nova_utcb_arch *a)
{
    if (mtd & NOVA_MTD_CR)
        a->cr0 = v->cr0, a->cr2 = v->cr2, a->cr3 = v->cr3, a->cr4 = v->cr4, a->cr8 = v->vintr & VINTR_TPR_MASK;
    if (mtd & NOVA_MTD_DR)
        a->dr7 = v->dr7;
    if (mtd & NOVA_MTD_SYS)
        a->sysenter_cs = v->sysenter_cs, a->sysenter_rsp = v->sysenter_esp, a->sysenter_rip = v->sysenter_eip;
    if (mtd & NOVA_MTD_EFER)
        a->efer = v->efer;
    if (mtd & NOVA_MTD_QUAL) {
        a->qual[0] = is_exit(event) ? v->exitinfo1 : 0;
        a->qual[1] = is_exit(event) ? v->exitinfo2 : 0;
    }
    if (mtd & NOVA_MTD_INJ) {
        /* An event the exit interrupted (EXITINTINFO), or, at STARTUP and
         * RECALL, which come before the guest ran again, the injection
         * still waiting in EVENTINJ: either way the VMM delivers it again,
         * as its reply replaces what waits. */
        uint64_t pending = is_exit(event) ? v->exitintinfo : v->eventinj;
        a->inj_info = (uint32_t)pending | ((v->intercept_ctrl1 & SVM_CTRL1_VINTR) ? NOVA_INJ_INFO_I : 0);
        a->inj_error = (uint32_t)(pending >> 32);
    }
    if (mtd & NOVA_MTD_STA) {
        a->intr_state = (uint32_t)(v->int_state & 1);   /* blocking by STI or MOV SS */
        a->actv_state = halted ? NOVA_ACTV_STATE_HLT : NOVA_ACTV_STATE_ACTIVE;
    }
    if (mtd & NOVA_MTD_TSC)
        a->tsc_val = rdtsc() + v->tsc_offset, a->tsc_off = v->tsc_offset;
}

void vcpu_msg_store(struct ec *ec, unsigned event, uint64_t mtd, struct nova_utcb *u)
{
    const struct vmcb *v = ec->vcpu->vmcb;
    struct nova_utcb_arch *a = &u->data.arch;
    a->mtd = mtd;
    a->inst_len = is_exit(event) ? instruction_length(v, event) : 0;
    if (mtd & NOVA_MTD_EIP)
        a->rip = v->rip;
    store_gprs(ec, v, mtd, a);
    store_segments(v, mtd, a);
    store_system(v, ec->vcpu->halted, event, mtd, a);
}

static void load_gprs(struct ec *ec, struct vmcb *v, uint64_t mtd, const struct nova_utcb_arch *a)
{
    struct sys_regs *r = &ec->regs;
    if (mtd & NOVA_MTD_ACDB)
        v->rax = a->rax, r->rcx = a->rcx, r->rdx = a->rdx, r->rbx = a->rbx;
    if (mtd & NOVA_MTD_BSD)
        r->rbp = a->rbp, r->rsi = a->rsi, r->rdi = a->rdi;
    if (mtd & NOVA_MTD_R8_R15) {
        r->r8 = a->r8, r->r9 = a->r9, r->r10 = a->r10, r->r11 = a->r11;
        r->r12 = a->r12, r->r13 = a->r13, r->r14 = a->r14, r->r15 = a->r15;
    }
    if (mtd & NOVA_MTD_ESP)
        v->rsp = a->rsp;
    if (mtd & NOVA_MTD_EIP)
        v->rip = a->rip;
    if (mtd & NOVA_MTD_EFL)
        v->rflags = a->rflags;
}

static void load_segments(struct vmcb *v, uint64_t mtd, const struct nova_utcb_arch *a)
{
    if (mtd & NOVA_MTD_DS_ES)
        seg_load(&v->ds, &a->ds), seg_load(&v->es, &a->es);
    if (mtd & NOVA_MTD_FS_GS)
        seg_load(&v->fs, &a->fs), seg_load(&v->gs, &a->gs);
    if (mtd & NOVA_MTD_CS_SS) {
        seg_load(&v->cs, &a->cs), seg_load(&v->ss, &a->ss);
        v->cpl = (uint8_t)nova_seg_ar_dpl(v->ss.attrib);   /* SVM takes the CPL from here, not from SS */
    }
    if (mtd & NOVA_MTD_TR)
        seg_load(&v->tr, &a->tr);
    if (mtd & NOVA_MTD_LDTR)
        seg_load(&v->ldtr, &a->ldtr);
    if (mtd & NOVA_MTD_GDTR)
        desc_load(&v->gdtr, &a->gdtr);
    if (mtd & NOVA_MTD_IDTR)
        desc_load(&v->idtr, &a->idtr);
}

/* NOVA's injection format (VMX's) to SVM's EVENTINJ; an interrupt window
 * is a virtual interrupt the guest cannot take yet, intercepted (exit 0x64)
 * at the moment it could. The NMI window (N) has no SVM counterpart. */
static void load_injection(struct vmcb *v, uint32_t info, uint32_t error)
{
    v->eventinj = 0;
    if (info & NOVA_INJ_INFO_V) {
        uint64_t type = nova_inj_info_type(info);
        uint64_t svm_type = type == NOVA_INJ_INFO_TYPE_EXT_INT ? EVENTINJ_TYPE_INTR
                            : type == NOVA_INJ_INFO_TYPE_NMI   ? EVENTINJ_TYPE_NMI
                            : type == NOVA_INJ_INFO_TYPE_SW_INT ? EVENTINJ_TYPE_SOFT
                                                                : EVENTINJ_TYPE_EXC;
        v->eventinj = EVENTINJ_VALID | svm_type << EVENTINJ_TYPE_SHIFT | nova_inj_info_vector(info) |
                      ((info & NOVA_INJ_INFO_E) ? EVENTINJ_ERR_VALID | (uint64_t)error << 32 : 0);
    }
    if (info & NOVA_INJ_INFO_I) {
        v->vintr |= VINTR_IRQ | VINTR_IGN_TPR | (0xfull << VINTR_PRIO_SHIFT);
        v->intercept_ctrl1 |= SVM_CTRL1_VINTR;
    } else {
        v->vintr &= ~VINTR_IRQ;
        v->intercept_ctrl1 &= ~SVM_CTRL1_VINTR;
    }
}

static void load_system(struct vcpu *vc, uint64_t mtd, const struct nova_utcb_arch *a)
{
    struct vmcb *v = vc->vmcb;
    if (mtd & NOVA_MTD_CR) {
        v->cr0 = a->cr0, v->cr2 = a->cr2, v->cr3 = a->cr3, v->cr4 = a->cr4;
        v->vintr = (v->vintr & ~VINTR_TPR_MASK) | (a->cr8 & 0xf);
    }
    if (mtd & NOVA_MTD_DR)
        v->dr7 = a->dr7;
    if (mtd & NOVA_MTD_SYS)
        v->sysenter_cs = a->sysenter_cs, v->sysenter_esp = a->sysenter_rsp, v->sysenter_eip = a->sysenter_rip;
    if (mtd & NOVA_MTD_EFER)
        v->efer = a->efer | EFER_SVME;
    if (mtd & NOVA_MTD_CTRL)
        vcpu_set_intercepts(v, a->ctrl[0], a->ctrl[1], (uint32_t)a->ptmr);
    if (mtd & NOVA_MTD_INJ)
        load_injection(v, a->inj_info, a->inj_error);
    if (mtd & NOVA_MTD_STA) {
        v->int_state = (a->intr_state & 3) ? 1 : 0;
        vc->halted = a->actv_state == NOVA_ACTV_STATE_HLT;   /* other states: active */
    }
    if (mtd & NOVA_MTD_TSC)
        v->tsc_offset += a->tsc_off;
}

void vcpu_msg_load(struct ec *ec, const struct nova_utcb *u)
{
    struct vmcb *v = ec->vcpu->vmcb;
    const struct nova_utcb_arch *a = &u->data.arch;
    uint64_t mtd = a->mtd;
    load_gprs(ec, v, mtd, a);
    load_segments(v, mtd, a);
    load_system(ec->vcpu, mtd, a);
}
