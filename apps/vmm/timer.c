/* NOVA has no timed wait, so the VMM's clock is an EC that polls the TSC:
 * it shares vCPU 0's host CPU at the vCPUs' priority with a short quantum
 * (round robin: the guest keeps most of the time) and recalls a vCPU whose
 * local APIC timer is due, which then takes the interrupt (exits.c). A
 * halted vCPU is off the CPU until then (HLT activity state). */
#include "board.h"
#include "platform.h"
#include "timer.h"

#define TIMER_QUANTUM_US 100u
#define TIMER_UTCB UINT64_C(0x00007f0000100000)
#define TIMER_STACK 16384u

static uint8_t stack[TIMER_STACK] __attribute__((aligned(16)));

/* Keyboard input, from the console driver's input portal to vCPU 0's
 * handler: one producer (this EC), one consumer (vmm_input_drain). */
static char input[4096];
static volatile unsigned input_head, input_tail;   /* free-running */
static uint64_t input_sel;

#define INPUT_POLL_MS 5u

static void poll_input(uint64_t now)
{
    static uint64_t next;
    if (!input_sel || now < next)
        return;
    next = now + (uint64_t)vmm.tsc_khz * INPUT_POLL_MS;
    unsigned head = input_head, tail = __atomic_load_n(&input_tail, __ATOMIC_ACQUIRE);
    unsigned room = sizeof input - (head - tail);
    char buf[256];
    size_t n = console_read_with((struct nova_utcb *)(uintptr_t)TIMER_UTCB, input_sel, buf,
                                 room < sizeof buf ? room : sizeof buf, 0);
    for (size_t i = 0; i < n; i++)
        input[(head + i) % sizeof input] = buf[i];
    __atomic_store_n(&input_head, head + (unsigned)n, __ATOMIC_RELEASE);
    if (n)
        vmm_kick(&vmm.vcpu[0]);
}

void vmm_input_drain(void)
{
    unsigned tail = input_tail, head = __atomic_load_n(&input_head, __ATOMIC_ACQUIRE);
    while (tail != head) {
        uint8_t c = (uint8_t)input[tail % sizeof input];
        if (!uart_input(&board.com1, &c, 1))
            break;   /* the guest's FIFO is full: the rest waits */
        tail++;
    }
    __atomic_store_n(&input_tail, tail, __ATOMIC_RELEASE);
    board_update_irqs();
}

static _Noreturn void timer_loop(void)
{
    for (;;) {
        uint64_t now = vmm_now();
        poll_input(now);
        for (unsigned i = 0; i < vmm.vcpus; i++) {
            struct vcpu *v = &vmm.vcpu[i];
            if (v->started && !v->stopped && board_next_event(i) <= now)
                vmm_kick(v);
        }
        __asm__ volatile("pause");
    }
}

void vmm_timer_startup(struct nova_utcb *u)
{
    u->data.arch.mtd = NOVA_MTD_EIP | NOVA_MTD_ESP;
    u->data.arch.rip = (uintptr_t)timer_loop;
    u->data.arch.rsp = (uintptr_t)(stack + TIMER_STACK) - 8;   /* as after a call */
    u->head.items = 0;
}

void vmm_exit_entry(void);

bool vmm_timer_start(unsigned cpu, unsigned priority, uint64_t console_input_sel)
{
    input_sel = console_input_sel;
    for (unsigned i = 0; i < TIMER_STACK; i += 4096)
        stack[i] = 0;   /* no page fault on the timer EC (its pager may be on another CPU) */
    uint64_t evt = vmm_sel_alloc(NOVA_EVT_COUNT), ec = vmm_sel_alloc(1), sc = vmm_sel_alloc(1);
    uint64_t startup = evt + NOVA_EVT_STARTUP;
    return nova_create_pt(startup, NOVA_COMPONENT_SEL_PD, NOVA_COMPONENT_SEL_EC, NOVA_MTD_EIP | NOVA_MTD_ESP,
                          (uintptr_t)vmm_exit_entry) == NOVA_SUCCESS &&
           nova_pt_ctrl(startup, (uint64_t)TIMER_INDEX << 8 | NOVA_EVT_STARTUP) == NOVA_SUCCESS &&
           nova_create_ec(ec, NOVA_COMPONENT_SEL_PD, cpu, TIMER_UTCB, (uintptr_t)(stack + TIMER_STACK), evt,
                          NOVA_FLAG_CREATE_EC_G) == NOVA_SUCCESS &&
           nova_create_sc(sc, NOVA_COMPONENT_SEL_PD, ec, nova_qpd(TIMER_QUANTUM_US, priority)) == NOVA_SUCCESS;
}
