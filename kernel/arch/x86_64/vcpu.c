/* Virtual CPUs on AMD SVM (spec 5.3.2 with UTCB 0).
 *
 * A vCPU is an EC whose frame holds the guest's general registers (RAX, RSP,
 * RIP and RFLAGS live in its VMCB). ec_resume enters the guest instead of
 * returning to user mode; a #VMEXIT comes back here on the CPU's kernel
 * stack. Host interrupts end the guest (INTR intercept) and are taken by the
 * host right after, so a timer preempts a vCPU like any EC and a recall IPI
 * gets it out of the guest; every other exit is an implicit call through the
 * portal at SELEVT + its number in the spec's SVM table. */
#include <arch/cpu.h>
#include <arch/cpu_setup.h>
#include <arch/fpu.h>
#include <arch/memlayout.h>
#include <arch/percpu.h>
#include <arch/svm.h>
#include <arch/vmcb.h>
#include "console.h"
#include "ec.h"
#include "guest_space.h"
#include "lock.h"
#include "pd.h"
#include "sc.h"
#include "vcpu.h"

_Static_assert(__builtin_offsetof(struct sys_regs, rbx) == 40, "svm_run.S");
_Static_assert(__builtin_offsetof(struct sys_regs, r8) == 72, "svm_run.S");
_Static_assert(__builtin_offsetof(struct sys_regs, rcx) == 88, "svm_run.S");
_Static_assert(__builtin_offsetof(struct sys_regs, rdi) == 112, "svm_run.S");

/* Intercepts no VMM can turn off: what would reach host state (SVM
 * instructions, XSETBV, MSRs, ports, INVD), what the host needs (its
 * interrupts), and what the spec's table marks as force-enabled. */
#define FORCED_CTRL1 (SVM_CTRL1_INTR | SVM_CTRL1_NMI | SVM_CTRL1_SMI | SVM_CTRL1_INIT | SVM_CTRL1_INVD | \
                      SVM_CTRL1_HLT | SVM_CTRL1_IOIO | SVM_CTRL1_MSR | SVM_CTRL1_SHUTDOWN)
#define FORCED_CTRL2 (SVM_CTRL2_VMRUN | SVM_CTRL2_VMLOAD | SVM_CTRL2_VMSAVE | SVM_CTRL2_STGI | \
                      SVM_CTRL2_CLGI | SVM_CTRL2_SKINIT | SVM_CTRL2_XSETBV)

#define EXC_UD 6u

bool vcpu_supported(void) { return svm_cpu_usable(); }

void vcpu_set_intercepts(struct vmcb *v, uint32_t ctrl1, uint32_t ctrl2, uint32_t exceptions)
{
    v->intercept_ctrl1 = ctrl1 | FORCED_CTRL1;
    v->intercept_ctrl2 = ctrl2 | FORCED_CTRL2;
    v->intercept_exc = exceptions;
}

/* The state of a processor after RESET (real mode at 0xffff:fff0); the
 * VMM usually replaces it in its reply to STARTUP. */
static void reset_state(struct vmcb *v)
{
    struct vmcb_seg data = { .sel = 0, .attrib = 0x93, .limit = 0xffff, .base = 0 };
    v->es = v->ss = v->ds = v->fs = v->gs = data;
    v->cs = (struct vmcb_seg){ .sel = 0xf000, .attrib = 0x9b, .limit = 0xffff, .base = 0xffff0000u };
    v->gdtr = v->idtr = (struct vmcb_seg){ .limit = 0xffff };
    v->ldtr = (struct vmcb_seg){ .attrib = 0x82, .limit = 0xffff };
    v->tr = (struct vmcb_seg){ .attrib = 0x8b, .limit = 0xffff };
    v->rip = 0xfff0;
    v->rflags = 2;
    v->cr0 = 0x60000010u;   /* CD, NW, ET */
    v->dr6 = 0xffff0ff0u;
    v->dr7 = 0x400;
    v->efer = EFER_SVME;    /* VMRUN requires it; the guest cannot see or clear it (MSR intercept) */
    v->g_pat = 0x0007040600070406ull;
}

bool vcpu_create(struct ec *ec, struct pd *owner)
{
    struct pd *pd = ec->pd;
    struct vcpu *v = pd_alloc(owner, sizeof *v);
    struct vmcb *vmcb = v ? pd_alloc(owner, sizeof *vmcb) : 0;
    if (!vmcb || !guest_space_ready(pd)) {
        pd_free(owner, vmcb, vmcb ? sizeof *vmcb : 0);
        pd_free(owner, v, sizeof *v);
        return false;
    }
    v->vmcb = vmcb;
    vcpu_set_intercepts(vmcb, 0, 0, 0);
    vmcb->msrpm_pa = svm_msrpm_pa();
    vmcb->asid = 1;   /* one ASID for every guest: a CPU flushes when it switches vCPUs */
    vmcb->vintr = VINTR_MASKING;
    vmcb->np_enable = 1;
    reset_state(vmcb);
    ec->vcpu = v;
    return true;
}

void vcpu_destroy(struct ec *ec, struct pd *owner)
{
    pd_free(owner, ec->vcpu->vmcb, sizeof *ec->vcpu->vmcb);
    pd_free(owner, ec->vcpu, sizeof *ec->vcpu);
    ec->vcpu = 0;
}

static void load_debug(const uint64_t dr[4])
{
    __asm__ volatile("mov %0, %%db0\n mov %1, %%db1\n mov %2, %%db2\n mov %3, %%db3"
                     : : "r"(dr[0]), "r"(dr[1]), "r"(dr[2]), "r"(dr[3]));
}

static void save_debug(uint64_t dr[4])
{
    __asm__ volatile("mov %%db0, %0\n mov %%db1, %1\n mov %%db2, %2\n mov %%db3, %3"
                     : "=r"(dr[0]), "=r"(dr[1]), "=r"(dr[2]), "=r"(dr[3]));
}

static void inject_exception(struct vmcb *v, unsigned vector)
{
    v->eventinj = EVENTINJ_VALID | (EVENTINJ_TYPE_EXC << EVENTINJ_TYPE_SHIFT) | vector;
}

/* The spec's number of an exit; one the table does not know is reported
 * as invalid guest state, never used as an index. */
static unsigned event_of_exit(uint32_t code)
{
    if (code == SVM_EXIT_INVALID)
        return NOVA_SVM_EXIT_INVALID_GUEST_STATE;
    if (code == SVM_EXIT_NPF)
        return NOVA_SVM_EXIT_NPT_FAULT;
    return code <= 0x8f ? code : NOVA_SVM_EXIT_INVALID_GUEST_STATE;
}

static _Noreturn void handle_exit(struct ec *ec)
{
    struct vmcb *v = ec->vcpu->vmcb;
    uint32_t code = (uint32_t)v->exitcode;
    if (code == SVM_EXIT_INTR || code == SVM_EXIT_NMI)
        __asm__ volatile("sti; nop; cli" ::: "memory");   /* the host's interrupt, taken here */
    big_lock();
    if (ec->state != EC_READY || !this_cpu()->current_sc)
        schedule();   /* stopped, or lost its SC, while in the guest */
    switch (code) {
    case SVM_EXIT_INTR:
    case SVM_EXIT_NMI:
        ec_resume(ec);
    case SVM_EXIT_XSETBV:
        inject_exception(v, EXC_UD);   /* XCR0 is the host's */
        ec_resume(ec);
    case SVM_EXIT_VINTR:
        v->vintr &= ~VINTR_IRQ;   /* the window is open: the VMM injects */
        v->intercept_ctrl1 &= ~SVM_CTRL1_VINTR;
        break;
    }
    ec_raise_event(ec, event_of_exit(code));
}

/* The guest state save area of the VMCB. */
#define SAVE_AREA_START __builtin_offsetof(struct vmcb, es)
#define SAVE_AREA_END   (__builtin_offsetof(struct vmcb, g_pat) + sizeof(uint64_t))

static _Noreturn void enter_current(void)
{
    struct percpu *cpu = this_cpu();
    struct ec *ec = cpu->current;
    struct vmcb *v = ec->vcpu->vmcb;
    /* A VMRUN that refuses the guest state (VMEXIT_INVALID) may write back
     * whatever it had loaded so far, host state included (QEMU stores the
     * host's RIP): the VMM gets the state it gave instead. */
    uint8_t given[SAVE_AREA_END - SAVE_AREA_START];
    __builtin_memcpy(given, (uint8_t *)v + SAVE_AREA_START, sizeof given);
    load_debug(ec->vcpu->dr);
    svm_run(&ec->regs, virt_to_phys(v), svm_host_state_pa(cpu->cpu));
    save_debug(ec->vcpu->dr);
    if ((uint32_t)v->exitcode == SVM_EXIT_INVALID)
        __builtin_memcpy((uint8_t *)v + SAVE_AREA_START, given, sizeof given);
    handle_exit(ec);
}

_Noreturn void vcpu_resume(struct ec *ec)
{
    struct percpu *cpu = this_cpu();
    struct vcpu *vc = ec->vcpu;
    if (vc->halted) {
        ec_set_state(ec, EC_HALTED);   /* until ec_ctrl recalls it */
        schedule();
    }
    struct vmcb *v = vc->vmcb;
    struct guest_space *g = &ec->pd->guest;
    cpu->current = ec;
    fpu_load(ec);
    v->iopm_pa = g->iopm ? virt_to_phys(g->iopm) : svm_iopm_deny_all_pa();
    v->n_cr3 = g->npt;
    bool flush = cpu->vcpu_last != ec->id || vc->flushed_generation != g->generation;
    v->tlb_control = flush ? TLB_CONTROL_FLUSH_ALL : TLB_CONTROL_NONE;
    cpu->vcpu_last = ec->id;
    vc->flushed_generation = g->generation;
    big_unlock();
    continue_on_kstack(enter_current, cpu->kstack_top);   /* each entry starts on an empty stack */
}

void vcpu_dump(const struct ec *ec)
{
    const struct vmcb *v = ec->vcpu->vmcb;
    kprintf("  guest rip=0x%016lx rsp=0x%016lx rflags=0x%lx cr0=0x%lx cr3=0x%lx efer=0x%lx\n", v->rip, v->rsp,
            v->rflags, v->cr0, v->cr3, v->efer);
    kprintf("  last exit 0x%lx info1=0x%lx info2=0x%lx\n", v->exitcode, v->exitinfo1, v->exitinfo2);
}
