/* Building the VM: its PD, the portals of each vCPU's exits, the handler
 * ECs, the vCPUs and their SCs; and the round trip of one exit. */
#include <stdlib.h>
#include <string.h>
#include "board.h"
#include "console.h"
#include "platform.h"
#include "timer.h"
#include "vmm.h"

struct vmm vmm;

#define SEL_FIRST      0x1000u   /* the VMM's own selectors start here (docs/components.md) */
#define HANDLER_UTCBS  UINT64_C(0x00007f0000000000)   /* UTCBs of the handler ECs */
#define HANDLER_STACK  (64u * 1024)
#define VCPU_QUANTUM_US 2000u

/* Everything the kernel can transfer: a handler sees the whole guest. */
#define EXIT_MTD (NOVA_MTD_ACDB | NOVA_MTD_BSD | NOVA_MTD_ESP | NOVA_MTD_EIP | NOVA_MTD_EFL | NOVA_MTD_DS_ES |   \
                  NOVA_MTD_FS_GS | NOVA_MTD_CS_SS | NOVA_MTD_TR | NOVA_MTD_LDTR | NOVA_MTD_GDTR | NOVA_MTD_IDTR | \
                  NOVA_MTD_CR | NOVA_MTD_DR | NOVA_MTD_SYS | NOVA_MTD_QUAL | NOVA_MTD_INJ | NOVA_MTD_STA |          \
                  NOVA_MTD_TSC | NOVA_MTD_EFER | NOVA_MTD_R8_R15)

void vmm_exit_entry(void);
_Noreturn void vmm_exit(uint64_t pid);

static uint64_t next_sel = SEL_FIRST;

/* n fresh selectors, aligned to n (a power of two) */
uint64_t vmm_sel_alloc(uint64_t n)
{
    next_sel = (next_sel + n - 1) & ~(n - 1);
    uint64_t s = next_sel;
    next_sel += n;
    return s;
}

static unsigned order_of(uint64_t n)
{
    unsigned o = 0;
    while ((1ull << o) < n)
        o++;
    return o;
}

/* vCPU 0's exits go to the main EC; the others' to a local EC on their
 * host CPU, with a stack touched now (no page fault may reach the pager
 * from another CPU). */
static bool make_handler(struct vcpu *v)
{
    if (v->index == 0) {
        v->sel_handler = NOVA_COMPONENT_SEL_EC;
        v->utcb = nova_component_utcb();
        return true;
    }
    uint8_t *stack = malloc(HANDLER_STACK);
    if (!stack)
        return false;
    memset(stack, 0, HANDLER_STACK);
    v->reply_sp = ((uintptr_t)stack + HANDLER_STACK) & ~(uintptr_t)15;
    v->utcb = (struct nova_utcb *)(uintptr_t)(HANDLER_UTCBS + 4096u * v->index);
    v->sel_handler = vmm_sel_alloc(1);
    return nova_create_ec(v->sel_handler, NOVA_COMPONENT_SEL_PD, v->host_cpu, (uintptr_t)v->utcb, v->reply_sp, 0, 0) ==
           NOVA_SUCCESS;
}

static bool make_portals(struct vcpu *v)
{
    for (unsigned e = 0; e < 256; e++) {
        uint64_t sel = vmm.sel_evt + 256u * v->index + e;
        if (nova_create_pt(sel, NOVA_COMPONENT_SEL_PD, v->sel_handler, EXIT_MTD, (uintptr_t)vmm_exit_entry) !=
                NOVA_SUCCESS ||
            nova_pt_ctrl(sel, (uint64_t)v->index << 8 | e) != NOVA_SUCCESS)
            return false;
    }
    return true;
}

enum nova_status vmm_create_vm(unsigned host_cpu[], unsigned vcpus, unsigned priority)
{
    if (!vcpus || vcpus > VMM_MAX_VCPUS)
        return NOVA_BAD_PAR;
    vmm.vcpus = vcpus;
    unsigned order = order_of(256u * vcpus);
    vmm.sel_evt = vmm_sel_alloc(1ull << order);
    for (unsigned i = 0; i < vcpus; i++) {
        struct vcpu *v = &vmm.vcpu[i];
        v->index = i;
        v->host_cpu = host_cpu[i];
        v->sipi_vector = -1;
        if (!make_handler(v) || !make_portals(v))
            return NOVA_BAD_CAP;
    }
    /* the portal block becomes the VM PD's selectors 0.. (create_pd moves it there) */
    vmm.sel_pd = vmm_sel_alloc(1);
    enum nova_status st = nova_create_pd(vmm.sel_pd, NOVA_COMPONENT_SEL_PD,
                                         nova_crd_obj(vmm.sel_evt, order, NOVA_PERM_PT_CT | NOVA_PERM_PT_CALL));
    for (unsigned i = 0; i < vcpus && st == NOVA_SUCCESS; i++) {
        struct vcpu *v = &vmm.vcpu[i];
        v->sel_ec = vmm_sel_alloc(1);
        v->sel_sc = vmm_sel_alloc(1);
        st = nova_create_ec(v->sel_ec, vmm.sel_pd, v->host_cpu, 0, 0, 256u * i, 0);
    }
    /* SCs last: no vCPU runs before all exist (an AP's SIPI finds its vCPU) */
    for (unsigned i = 0; i < vcpus && st == NOVA_SUCCESS; i++)
        st = nova_create_sc(vmm.vcpu[i].sel_sc, NOVA_COMPONENT_SEL_PD, vmm.vcpu[i].sel_ec,
                            nova_qpd(VCPU_QUANTUM_US, priority));
    return st;
}

_Noreturn void vmm_exit_wait(void)
{
    vmm.vcpu[0].reply_sp = ((uintptr_t)__builtin_frame_address(0) - 256) & ~(uintptr_t)15;
    nova_reply(vmm.vcpu[0].reply_sp);
}

/* A vCPU the VMM stops never gets a reply: its handler waits here. */
static _Noreturn void stop_forever(void)
{
    uint64_t sm = vmm_sel_alloc(1);
    if (nova_create_sm(sm, NOVA_COMPONENT_SEL_PD, 0) == NOVA_SUCCESS)
        for (;;)
            nova_sm_ctrl(sm, NOVA_FLAG_SM_CTRL_DN);
    for (;;)
        ;
}

static void write_reply(struct vcpu *v, const struct exit *e)
{
    v->utcb->data.arch = e->out;
    if (e->typed) {
        v->utcb->data.words[NOVA_UTCB_TYPED_ITEM_WORD(0)] = e->items[0];
        v->utcb->data.words[NOVA_UTCB_TYPED_CRD_WORD(0)] = e->items[1];
    }
    v->utcb->head.items = nova_utcb_items(0, e->typed);
}

/* The PICs and the console output belong to vCPU 0: when another vCPU's
 * guest raised a PIC interrupt (the UART's, say) or left output, vCPU 0 must
 * look at it even if it is halted. */
static void wake_vcpu0_if_needed(void)
{
    if (pic_pending_vector(&board.pic) >= 0 || vmm_console_pending())
        vmm_kick(&vmm.vcpu[0]);
}

_Noreturn void vmm_exit(uint64_t pid)
{
    unsigned index = (unsigned)(pid >> 8);
    if (index == TIMER_INDEX) {
        vmm_timer_startup(vmm.vcpu[0].utcb);   /* the main EC serves it */
        nova_reply(vmm.vcpu[0].reply_sp);
    }
    if (index >= vmm.vcpus)
        stop_forever();
    struct vcpu *v = &vmm.vcpu[index];
    if (index && !v->tls_ready) {
        nova_tls_set(vmm.main_tls);   /* musl's locale and errno: the main thread's */
        v->tls_ready = true;
    }
    static struct exit exits[VMM_MAX_VCPUS];   /* off the handler's small stack */
    struct exit *e = &exits[index];
    e->number = (unsigned)(pid & 0xff);
    e->in = v->utcb->data.arch;
    e->out = e->in;
    e->out.mtd = 0;
    e->typed = 0;
    v->exits[e->number]++;
    vmm_lock(index);
    if (index == 0) {
        vmm_console_flush();
        vmm_input_drain();
    }
    bool go_on = vmm_handle_exit(v, e);
    if (index)
        wake_vcpu0_if_needed();
    vmm_unlock();
    if (!go_on)
        stop_forever();
    write_reply(v, e);
    nova_reply(v->reply_sp);
}

/* One handler at a time works on the board: vCPUs' handlers run on
 * different CPUs. The holder's vCPU index tells where console output may
 * go (only vCPU 0's handler is the main EC). */
static volatile int vmm_lock_word;

void vmm_lock(unsigned index)
{
    while (__atomic_exchange_n(&vmm_lock_word, 1, __ATOMIC_ACQUIRE))
        __asm__ volatile("pause");
    vmm.current = index;
}

void vmm_unlock(void) { __atomic_store_n(&vmm_lock_word, 0, __ATOMIC_RELEASE); }
