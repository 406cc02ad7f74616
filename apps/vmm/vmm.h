/* The VMM: one VM of `vcpus` virtual CPUs in a PD of its own. Each vCPU's
 * exits call portals bound to a handler EC on the vCPU's host CPU: vCPU 0's
 * handler is the VMM's main EC (the only EC that may use the console),
 * the others are ECs of their own. A handler works on a copy of the exit
 * message (struct exit) and writes the reply into its UTCB last, so it may
 * call other portals in between. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <nova/component.h>
#include "model/guest_mem.h"

#define VMM_MAX_VCPUS 8

/* One exit being handled: the message as it came, and the reply. */
struct exit {
    unsigned number;                /* SVM table number (spec 8.2) */
    struct nova_utcb_arch in;       /* guest state the portal's MTD selected */
    struct nova_utcb_arch out;      /* reply: out.mtd says what is written */
    uint64_t items[2];              /* at most one typed item (item, CRD) */
    unsigned typed;
};

struct vcpu {
    unsigned index, host_cpu;
    uint64_t sel_ec, sel_sc;        /* the vCPU, its SC (in the VMM's space) */
    uint64_t sel_handler;           /* its handler EC */
    struct nova_utcb *utcb;         /* the handler's UTCB */
    uintptr_t reply_sp;             /* the handler's stack for exits */
    uint64_t exits[256];            /* exits by number, for the figures */
    bool started;                   /* got its start state (STARTUP, SIPI) */
    volatile bool halted;           /* left in the HLT activity state */
    bool halted_for_good;           /* halted with interrupts off */
    volatile bool recall_pending;   /* kicked, RECALL not yet handled */
    volatile bool stopped;
    bool wait_sipi;                 /* an AP before its start-up IPI */
    int sipi_vector;                /* -1: none yet */
    bool tls_ready;                 /* an AP handler has the main thread's TLS */
};

struct vmm {
    struct guest_mem mem;
    uintptr_t mem_va;               /* the guest memory in the VMM */
    unsigned vcpus;
    struct vcpu vcpu[VMM_MAX_VCPUS];
    uint64_t sel_pd;                /* the VM's PD */
    uint64_t sel_evt;               /* portal block: vCPU i's exits at + 256 i */
    volatile bool powered_off;
    uint32_t tsc_khz;
    uint64_t started_tsc;           /* when vCPU 0 started, for the figures */
    uint64_t main_tls;              /* the main EC's thread pointer */
    unsigned current;               /* vCPU whose handler holds the lock */
};

extern struct vmm vmm;

/* The TSC: the guest's TSC as well (the VMM never sets an offset). */
static inline uint64_t vmm_now(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

/* vcpu.c: build the VM and start it */
uint64_t vmm_sel_alloc(uint64_t n);   /* n fresh selectors, aligned to n */
/* The VM's PD, portals, handlers and vCPUs; the first failing call's status. */
enum nova_status vmm_create_vm(unsigned host_cpu[], unsigned vcpus, unsigned priority);
_Noreturn void vmm_exit_wait(void);
void vmm_lock(unsigned index);
void vmm_unlock(void);   /* the main EC waits for vCPU 0's exits */
/* exits.c: handle one exit of vCPU v; false: stop the vCPU (no reply) */
bool vmm_handle_exit(struct vcpu *v, struct exit *e);
