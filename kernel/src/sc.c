/* Scheduling contexts and the scheduler: one runqueue per CPU and priority,
 * round robin within a priority, the highest priority first (spec 3.1). */
#include <arch/percpu.h>
#include <arch/cpu.h>
#include "config.h"
#include "console.h"
#include "ec.h"
#include "kmem.h"
#include "sc.h"

#define PRIORITIES 256

static struct sc *runqueue[NOVUM_MAX_CPUS][PRIORITIES];

struct sc *sc_create(struct ec *ec, unsigned cpu, unsigned prio, uint64_t quantum_us)
{
    struct sc *sc = kmem_alloc(sizeof *sc);
    if (!sc)
        return 0;
    sc->obj.type = KOBJ_SC;
    sc->ec = ec;
    sc->cpu = cpu;
    sc->prio = prio;
    sc->quantum_us = quantum_us;
    ec->sc = sc;
    return sc;
}

void sched_enqueue(struct sc *sc)
{
    if (sc->queued)
        return;
    struct sc **head = &runqueue[sc->cpu][sc->prio];
    if (*head) {
        sc->next = *head;
        sc->prev = (*head)->prev;
        sc->prev->next = sc;
        (*head)->prev = sc;
    } else {
        *head = sc->next = sc->prev = sc;
    }
    sc->queued = true;
}

void sched_dequeue(struct sc *sc)
{
    if (!sc->queued)
        return;
    struct sc **head = &runqueue[sc->cpu][sc->prio];
    if (sc->next == sc) {
        *head = 0;
    } else {
        sc->prev->next = sc->next;
        sc->next->prev = sc->prev;
        if (*head == sc)
            *head = sc->next;
    }
    sc->queued = false;
}

static struct sc *pick(unsigned cpu)
{
    for (int p = PRIORITIES - 1; p >= 0; p--)
        if (runqueue[cpu][p])
            return runqueue[cpu][p];
    return 0;
}

static _Noreturn void idle(void)
{
    for (;;) {
        __asm__ volatile("sti; hlt; cli" ::: "memory");
    }
}

void continue_on_kstack(void (*fn)(void), uint64_t stack_top) __attribute__((noreturn));

_Noreturn void schedule(void)
{
    struct percpu *cpu = this_cpu();
    struct sc *sc = pick(cpu->cpu);
    cpu->current_sc = sc;
    if (!sc) {
        cpu->current = 0;
        continue_on_kstack(idle, cpu->kstack_top);
    }
    ec_resume(sc->ec);
}
