/* CPUID, MSRs and the KVM hypercalls (reference 001: number in RAX,
 * arguments in RBX, RCX, RDX, RSI, result in RAX). */
#include "board.h"
#include "exits.h"
#include "model/cpuid.h"
#include "model/kvmclock.h"
#include "model/msr.h"
#include "platform.h"

#define MSR_EFER 0xc0000080u
#define EFER_SVME (1u << 12)

#define KVM_HC_VAPIC_POLL_IRQ 1
#define KVM_HC_KICK_CPU 5
#define KVM_HC_CLOCK_PAIRING 9
#define KVM_HC_SEND_IPI 10
#define KVM_HC_SCHED_YIELD 11
#define KVM_ENOSYS 1000
#define KVM_EPERM 1
#define KVM_EOPNOTSUPP 95
#define KVM_CLOCK_PAIRING_WALLCLOCK 0

static struct kvmclock clock;
static struct kvmclock_vcpu clock_vcpu[VMM_MAX_VCPUS];
static struct msr_vcpu msrs[VMM_MAX_VCPUS];

static void host_cpuid(void *ctx, uint32_t leaf, uint32_t sub, uint32_t out[4])
{
    (void)ctx;
    __asm__ volatile("cpuid" : "=a"(out[0]), "=b"(out[1]), "=c"(out[2]), "=d"(out[3]) : "a"(leaf), "c"(sub));
}

void vmm_intercepts_init(void)
{
    kvmclock_init(&clock, &vmm.mem, vmm.tsc_khz, vmm_now(), 0);
    for (unsigned i = 0; i < vmm.vcpus; i++)
        msr_init(&msrs[i], i);
}

void vmm_cpuid(struct vcpu *v, struct exit *e)
{
    struct cpuid_host host = { host_cpuid, 0, vmm.tsc_khz, vmm.tsc_khz };
    uint32_t out[4];
    cpuid_guest(&host, v->index, vmm.vcpus, (uint32_t)e->in.rax, (uint32_t)e->in.rcx, out);
    e->out.rax = out[0], e->out.rbx = out[1], e->out.rcx = out[2], e->out.rdx = out[3];
    e->out.mtd |= NOVA_MTD_ACDB;
}

static bool msr_read_any(struct vcpu *v, struct exit *e, uint32_t msr, uint64_t *val)
{
    uint64_t now = vmm_now();
    if (msr == MSR_EFER) {
        *val = e->in.efer & ~(uint64_t)EFER_SVME;   /* the kernel's bit, not the guest's */
        return true;
    }
    if (lapic_owns_msr(msr))
        return lapic_msr_read(&board.lapic[v->index], msr, val, now);
    if (kvmclock_owns_msr(msr))
        return kvmclock_msr_read(&clock, &clock_vcpu[v->index], msr, val);
    return msr_read(&msrs[v->index], msr, now, val);
}

static bool msr_write_any(struct vcpu *v, struct exit *e, uint32_t msr, uint64_t val)
{
    if (msr == MSR_EFER) {
        e->out.efer = val;
        e->out.mtd |= NOVA_MTD_EFER;
        return true;
    }
    if (lapic_owns_msr(msr))
        return lapic_msr_write(&board.lapic[v->index], msr, val, vmm_now());
    if (kvmclock_owns_msr(msr))
        return kvmclock_msr_write(&clock, &clock_vcpu[v->index], msr, val);
    return msr_write(&msrs[v->index], msr, val);
}

bool vmm_msr(struct vcpu *v, struct exit *e)
{
    uint32_t msr = (uint32_t)e->in.rcx;
    if (e->in.qual[0] & 1)
        return msr_write_any(v, e, msr, (e->in.rdx << 32) | (uint32_t)e->in.rax);
    uint64_t val;
    if (!msr_read_any(v, e, msr, &val))
        return false;
    e->out.rax = (uint32_t)val, e->out.rdx = val >> 32;
    e->out.mtd |= NOVA_MTD_ACDB;
    return true;
}

/* struct kvm_clock_pairing of the ABI: the wall clock and the TSC read together. */
struct clock_pairing {
    int64_t sec, nsec;
    uint64_t tsc;
    uint32_t flags, pad[9];
};

static int64_t clock_pairing(uint64_t gpa, uint64_t type)
{
    if (type != KVM_CLOCK_PAIRING_WALLCLOCK)
        return -KVM_EOPNOTSUPP;
    struct clock_pairing *p = gm_ptr(&vmm.mem, gpa, sizeof *p);
    if (!p)
        return -KVM_EOPNOTSUPP;
    uint64_t tsc = vmm_now(), ns = kvmclock_ns(&clock, tsc);
    *p = (struct clock_pairing){ .sec = (int64_t)(ns / 1000000000u), .nsec = (int64_t)(ns % 1000000000u), .tsc = tsc };
    return 0;
}

/* KVM_HC_SEND_IPI: a bitmap of 128 APIC IDs from `min`, one vector. */
static int64_t send_ipi(uint64_t low, uint64_t high, uint64_t min, uint64_t icr)
{
    int64_t count = 0;
    for (unsigned b = 0; b < 128; b++) {
        uint64_t word = b < 64 ? low : high;
        if (!((word >> (b % 64)) & 1) || min + b >= vmm.vcpus)
            continue;
        lapic_accept(&board.lapic[min + b], (unsigned)(icr & 0xff));
        vmm_kick(&vmm.vcpu[min + b]);
        count++;
    }
    return count;
}

/* Only the guest kernel may make hypercalls: SVM intercepts VMMCALL at any
 * CPL, and a user process must not kick vCPUs, send IPIs or have the VMM
 * write guest-physical memory (CLOCK_PAIRING). As KVM does
 * (kvm_emulate_hypercall), CPL > 0 gets -KVM_EPERM whatever the number.
 * SVM keeps the CPL in SS.DPL (the portal's MTD includes CS_SS). */
static int64_t hypercall(struct vcpu *v, const struct nova_utcb_arch *in)
{
    (void)v;
    if (nova_seg_ar_dpl(in->ss.ar) != 0)
        return -KVM_EPERM;
    switch (in->rax) {
    case KVM_HC_VAPIC_POLL_IRQ:
    case KVM_HC_SCHED_YIELD:   /* the host scheduler runs the others anyway */
        return 0;
    case KVM_HC_KICK_CPU:
        if (in->rcx < vmm.vcpus)
            vmm_kick(&vmm.vcpu[in->rcx]);
        return 0;
    case KVM_HC_SEND_IPI:
        return send_ipi(in->rbx, in->rcx, in->rdx, in->rsi);
    case KVM_HC_CLOCK_PAIRING:
        return clock_pairing(in->rbx, in->rcx);
    default:
        return -KVM_ENOSYS;
    }
}

void vmm_hypercall(struct vcpu *v, struct exit *e) { exit_set_rax(e, (uint64_t)hypercall(v, &e->in)); }
