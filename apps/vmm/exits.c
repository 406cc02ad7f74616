/* What the VMM does with each exit (spec 8.2, SVM table), and the
 * interrupts it delivers before every reply. */
#include <stdio.h>
#include "board.h"
#include "exits.h"
#include "platform.h"
#include "vmm.h"

#define RFLAGS_IF (1u << 9)

/* Go on after the intercepted instruction. */
static void skip(struct exit *e)
{
    e->out.rip = e->in.rip + e->in.inst_len;
    e->out.mtd |= NOVA_MTD_EIP;
}

void exit_set_rax(struct exit *e, uint64_t v)
{
    e->out.rax = v;
    e->out.mtd |= NOVA_MTD_ACDB;
}

/* Inject an event now (VMX format, spec 8.3). */
void exit_inject(struct exit *e, unsigned vector, unsigned type, bool error, uint32_t code)
{
    e->out.inj_info = NOVA_INJ_INFO_V | (type << NOVA_INJ_INFO_TYPE_SHIFT) | vector | (error ? NOVA_INJ_INFO_E : 0);
    e->out.inj_error = code;
    e->out.mtd |= NOVA_MTD_INJ;
}

void exit_inject_gp(struct exit *e) { exit_inject(e, 13, NOVA_INJ_INFO_TYPE_HW_EXC, true, 0); }

static void on_io(struct vcpu *v, struct exit *e)
{
    uint64_t q = e->in.qual[0];
    uint16_t port = (uint16_t)(q >> 16);
    unsigned size = (q >> 4) & 1 ? 1 : (q >> 5) & 1 ? 2 : 4;
    bool in = q & 1;
    if (q & (1u << 2)) {   /* INS/OUTS: no device here needs them */
        vmm_report(v, "string I/O at port 0x%x is not emulated; injecting #GP", port);
        exit_inject_gp(e);
        return;
    }
    uint64_t mask = size == 4 ? 0xffffffffull : (1ull << (8 * size)) - 1;
    uint32_t val = (uint32_t)(e->in.rax & mask);
    board_pio(port, size, in, &val);
    if (in)
        exit_set_rax(e, (e->in.rax & ~mask) | (val & mask));
    skip(e);
}

/* A vCPU halted with interrupts off is stopped (Linux stops its other CPUs
 * so when it powers off or panics); when all are, the guest cannot go on. */
static void halt_for_good(struct vcpu *v, struct exit *e)
{
    v->halted = v->halted_for_good = true;
    e->out.actv_state = NOVA_ACTV_STATE_HLT;
    e->out.mtd |= NOVA_MTD_STA;
    for (unsigned i = 0; i < vmm.vcpus; i++)
        if (!vmm.vcpu[i].halted_for_good)
            return;
    vmm_report(v, "every vCPU halted with interrupts off (the last at rip 0x%lx): the guest has stopped",
               (unsigned long)e->in.rip);
    vmm_stop(v);
}

static void on_hlt(struct vcpu *v, struct exit *e)
{
    skip(e);
    uart_flush(&board.com1);
    if (!(e->in.rflags & RFLAGS_IF)) {
        halt_for_good(v, e);   /* only an NMI, which the VMM never sends, would wake it */
        return;
    }
    if (board_pending_vector(v->index, vmm_now()) >= 0)
        return;   /* deliver_interrupts injects it: no need to halt */
    e->out.actv_state = NOVA_ACTV_STATE_HLT;   /* until the timer EC recalls it */
    e->out.mtd |= NOVA_MTD_STA;
    v->halted = true;
}

static void on_recall(struct vcpu *v, struct exit *e)
{
    v->recall_pending = false;
    if (v->halted_for_good) {
        e->out.actv_state = NOVA_ACTV_STATE_HLT;   /* stays stopped */
        e->out.mtd |= NOVA_MTD_STA;
        return;
    }
    if (v->wait_sipi) {
        if (v->sipi_vector >= 0) {
            vmm_start_ap(v, e);
        } else {   /* INIT, no start-up IPI yet: it waits halted */
            v->halted = true;
            e->out.actv_state = NOVA_ACTV_STATE_HLT;
            e->out.mtd |= NOVA_MTD_STA;
        }
        return;
    }
    if (v->halted) {
        v->halted = false;
        e->out.actv_state = NOVA_ACTV_STATE_ACTIVE;
        e->out.mtd |= NOVA_MTD_STA;
    }
}

/* An event cut short by the exit comes first; then the highest pending
 * interrupt if the guest takes interrupts now, else an interrupt window. */
static void deliver_interrupts(struct vcpu *v, struct exit *e)
{
    if (e->out.mtd & NOVA_MTD_INJ)
        return;   /* the handler injected something itself */
    if (e->in.inj_info & NOVA_INJ_INFO_V) {
        exit_inject(e, e->in.inj_info & 0xff, (unsigned)nova_inj_info_type(e->in.inj_info),
                    (e->in.inj_info & NOVA_INJ_INFO_E) != 0, e->in.inj_error);
        return;
    }
    int vector = board_pending_vector(v->index, vmm_now());
    if (vector < 0)
        return;
    bool shadow = e->in.intr_state & 3;
    bool halting = (e->out.mtd & NOVA_MTD_STA) && e->out.actv_state == NOVA_ACTV_STATE_HLT;
    if (!(e->in.rflags & RFLAGS_IF) || shadow || halting) {
        e->out.inj_info = NOVA_INJ_INFO_I;   /* exit 0x64 once it can */
        e->out.mtd |= NOVA_MTD_INJ;
        return;
    }
    board_ack(v->index, vector);
    exit_inject(e, (unsigned)vector, NOVA_INJ_INFO_TYPE_EXT_INT, false, 0);
}

static bool fatal(struct vcpu *v, struct exit *e)
{
    switch (e->number) {
    case NOVA_SVM_EXIT_NPT_FAULT:
        vmm_report(v, "the guest touched guest-physical 0x%lx, outside its memory (rip 0x%lx)",
                   (unsigned long)e->in.qual[1], (unsigned long)e->in.rip);
        return true;
    case NOVA_SVM_EXIT_TRIPLE_FAULT:
        vmm_report(v, "triple fault at rip 0x%lx", (unsigned long)e->in.rip);
        return true;
    case NOVA_SVM_EXIT_INVALID_GUEST_STATE:
        vmm_report(v, "invalid guest state (rip 0x%lx, cr0 0x%lx, efer 0x%lx)", (unsigned long)e->in.rip,
                   (unsigned long)e->in.cr0, (unsigned long)e->in.efer);
        return true;
    default:
        return false;
    }
}

bool vmm_handle_exit(struct vcpu *v, struct exit *e)
{
    if (fatal(v, e)) {
        vmm_stop(v);
        return false;
    }
    switch (e->number) {
    case NOVA_SVM_EXIT_STARTUP:
        if (!vmm_startup(v, e))
            return false;
        break;
    case NOVA_SVM_EXIT_RECALL:
        on_recall(v, e);
        break;
    case NOVA_SVM_EXIT_IO_ACCESS:
        on_io(v, e);
        break;
    case NOVA_SVM_EXIT_HLT:
        on_hlt(v, e);
        break;
    case NOVA_SVM_EXIT_CPUID:
        vmm_cpuid(v, e);
        skip(e);
        break;
    case NOVA_SVM_EXIT_MSR_ACCESS:
        if (vmm_msr(v, e))
            skip(e);
        else
            exit_inject_gp(e);
        break;
    case NOVA_SVM_EXIT_VMMCALL:
        vmm_hypercall(v, e);
        skip(e);
        break;
    case NOVA_SVM_EXIT_INTR_WINDOW:
        break;
    default:
        vmm_report(v, "unexpected exit 0x%x at rip 0x%lx", e->number, (unsigned long)e->in.rip);
        vmm_stop(v);
        return false;
    }
    if (vmm.powered_off)
        return false;
    deliver_interrupts(v, e);
    return true;
}
