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

static _Noreturn void timer_loop(void)
{
    for (;;) {
        uint64_t now = vmm_now();
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

bool vmm_timer_start(unsigned cpu, unsigned priority)
{
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
