/* Start-up of vCPUs, IPIs between them, power management and reports. */
#include <stdarg.h>
#include <stdio.h>
#include "board.h"
#include "console.h"
#include "boot.h"
#include "exits.h"
#include "platform.h"


static struct nova_utcb_seg seg(const struct boot_segment *s)
{
    return (struct nova_utcb_seg){ .sel = s->selector, .ar = s->ar, .limit = s->limit, .base = s->base };
}

/* Intercepts the VMM wants on top of the kernel's forced ones. */
static void want_intercepts(struct exit *e)
{
    e->out.ctrl[0] = 1u << (NOVA_SVM_EXIT_CPUID - 0x60);
    e->out.ctrl[1] = 1u << (NOVA_SVM_EXIT_VMMCALL - 0x80);
    e->out.ptmr = 0;   /* no exception intercepts */
    e->out.mtd |= NOVA_MTD_CTRL;
}

static void set_entry_state(struct exit *e, const struct boot_entry *b)
{
    struct nova_utcb_arch *o = &e->out;
    o->rip = b->rip, o->rsp = b->rsp, o->rsi = b->rsi, o->rflags = b->rflags;
    o->rax = o->rbx = o->rcx = o->rdx = o->rdi = o->rbp = 0;
    o->r8 = o->r9 = o->r10 = o->r11 = o->r12 = o->r13 = o->r14 = o->r15 = 0;
    o->cs = seg(&b->cs), o->ss = seg(&b->ss), o->ds = seg(&b->ds), o->es = seg(&b->es);
    o->fs = seg(&b->fs), o->gs = seg(&b->gs), o->tr = seg(&b->tr), o->ldtr = seg(&b->ldtr);
    o->gdtr = (struct nova_utcb_desc){ .limit = b->gdtr_limit, .base = b->gdtr_base };
    o->idtr = (struct nova_utcb_desc){ .limit = b->idtr_limit, .base = b->idtr_base };
    o->cr0 = b->cr0, o->cr2 = 0, o->cr3 = b->cr3, o->cr4 = b->cr4, o->cr8 = 0;
    o->efer = b->efer;
    o->dr7 = 0x400;
    o->sysenter_cs = o->sysenter_rsp = o->sysenter_rip = 0;
    o->mtd |= NOVA_MTD_ACDB | NOVA_MTD_BSD | NOVA_MTD_R8_R15 | NOVA_MTD_ESP | NOVA_MTD_EIP | NOVA_MTD_EFL |
              NOVA_MTD_DS_ES | NOVA_MTD_FS_GS | NOVA_MTD_CS_SS | NOVA_MTD_TR | NOVA_MTD_LDTR | NOVA_MTD_GDTR |
              NOVA_MTD_IDTR | NOVA_MTD_CR | NOVA_MTD_DR | NOVA_MTD_SYS | NOVA_MTD_EFER;
}

/* All guest RAM in one delegate item with the G bit, guest-physical 0 up. */
static void give_memory(struct exit *e)
{
    unsigned order = 0;
    while ((4096ull << order) < vmm.mem.size)
        order++;
    uint64_t rwx = NOVA_PERM_MEM_R | NOVA_PERM_MEM_W | NOVA_PERM_MEM_X;
    e->items[0] = nova_item_delegate(0, 0, 1, 0);
    e->items[1] = nova_crd_mem(vmm.mem_va >> 12, order, rwx);
    e->typed = 1;
}

bool vmm_startup(struct vcpu *v, struct exit *e)
{
    want_intercepts(e);
    if (v->index == 0) {
        give_memory(e);
        set_entry_state(e, &vmm_boot_entry);
        v->started = true;
        vmm.started_tsc = vmm_now();
        return true;
    }
    v->wait_sipi = true;   /* an AP sleeps until its start-up IPI */
    v->halted = true;
    e->out.actv_state = NOVA_ACTV_STATE_HLT;
    e->out.mtd |= NOVA_MTD_STA;
    return true;
}

void vmm_start_ap(struct vcpu *v, struct exit *e)
{
    struct nova_utcb_arch *o = &e->out;
    uint16_t sel = (uint16_t)(v->sipi_vector << 8);
    struct nova_utcb_seg data = { .sel = 0, .ar = 0x93, .limit = 0xffff, .base = 0 };
    o->cs = (struct nova_utcb_seg){ .sel = sel, .ar = 0x9b, .limit = 0xffff, .base = (uint64_t)sel << 4 };
    o->ss = o->ds = o->es = o->fs = o->gs = data;
    o->tr = (struct nova_utcb_seg){ .ar = 0x8b, .limit = 0xffff };
    o->ldtr = (struct nova_utcb_seg){ .ar = 0x82, .limit = 0xffff };
    o->gdtr = o->idtr = (struct nova_utcb_desc){ .limit = 0xffff };
    o->rip = 0, o->rsp = 0, o->rflags = 2;
    o->rax = o->rbx = o->rcx = o->rdx = o->rsi = o->rdi = o->rbp = 0;
    o->r8 = o->r9 = o->r10 = o->r11 = o->r12 = o->r13 = o->r14 = o->r15 = 0;
    o->cr0 = 0x10, o->cr2 = o->cr3 = o->cr4 = o->cr8 = 0, o->efer = 0, o->dr7 = 0x400;
    o->actv_state = NOVA_ACTV_STATE_ACTIVE;
    o->mtd |= NOVA_MTD_ACDB | NOVA_MTD_BSD | NOVA_MTD_R8_R15 | NOVA_MTD_ESP | NOVA_MTD_EIP | NOVA_MTD_EFL |
              NOVA_MTD_DS_ES | NOVA_MTD_FS_GS | NOVA_MTD_CS_SS | NOVA_MTD_TR | NOVA_MTD_LDTR | NOVA_MTD_GDTR |
              NOVA_MTD_IDTR | NOVA_MTD_CR | NOVA_MTD_DR | NOVA_MTD_EFER | NOVA_MTD_STA;
    v->wait_sipi = false;
    v->halted = false;
    v->started = true;
}

/* INIT-SIPI: an AP starts in real mode at vector << 12 (the RECALL that
 * vmm_kick causes finds sipi_vector set, see vmm_start_ap). */
void vmm_ipi(unsigned dest, unsigned mode, unsigned vector)
{
    struct vcpu *t = &vmm.vcpu[dest];
    if (mode == LAPIC_DM_INIT) {
        t->wait_sipi = true;   /* its next RECALL leaves it halted until the SIPI */
        t->sipi_vector = -1;
        lapic_reset(&board.lapic[dest]);
        return;
    }
    if (mode == LAPIC_DM_SIPI && t->wait_sipi && t->sipi_vector < 0)
        t->sipi_vector = (int)vector;
    vmm_kick(t);
}

void vmm_kick(struct vcpu *v)
{
    if (v->recall_pending || v->stopped)
        return;
    v->recall_pending = true;
    nova_ec_ctrl(v->sel_ec);
}

/* After an OUT: the guest asked to power off or to reset (no reset is
 * modelled: the VM ends either way, and says so). */
void vmm_pm_event(enum pm_event ev)
{
    if (ev == PM_EVENT_NONE || vmm.powered_off)
        return;
    vmm.powered_off = true;
    uart_flush(&board.com1);
    vmm_printf(ev == PM_EVENT_POWER_OFF ? "vmm: the guest powered off\n"
                                    : "vmm: the guest asked for a reset; the VM stops (no reset is modelled)\n");
    vmm_print_figures();
}

void vmm_report(const struct vcpu *v, const char *fmt, ...)
{
    char line[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    uart_flush(&board.com1);
    vmm_printf("vmm: vCPU %u: %s\n", v->index, line);
}

void vmm_stop(struct vcpu *v)
{
    v->stopped = true;
    if (!vmm.powered_off) {
        vmm.powered_off = true;
        vmm_print_figures();
    }
}
