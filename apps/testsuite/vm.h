/* Helpers for the vCPU tests: a VM is a PD of its own with one vCPU, whose
 * 256 intercept selectors (VMI, 0x00-0xff of the SVM table) hold portals to
 * one local handler EC in the root PD. Each exit calls vm->on_exit with the
 * message (MTD vm->mtd); what the callback leaves in the UTCB is the reply.
 * Guest memory is a page-aligned block of the root's memory, delegated with
 * the G bit in the reply to STARTUP (hotspot = guest-physical address).
 * Everything uses the NOVA interface only. */
#pragma once
#include "support.h"

#define VM_MEM_PAGES 4
#define VM_GPA 0x0u              /* guest-physical address of the VM's memory */
#define VM_CODE 0x1000u           /* where the guest code is copied */
#define VM_DATA 0x2000u           /* scratch page the guests store their results to */

/* Whether vCPUs exist (HIP feature SVM). Without them every vCPU test checks
 * that create_ec with UTCB 0 answers BAD_FTR, and passes. */
static inline bool vm_has_svm(void) { return (nova_boot_hip->flags & NOVA_HIP_FEATURES_SVM) != 0; }
#define VM_SKIP_WITHOUT_SVM()                                                                   \
    do {                                                                                        \
        if (!vm_has_svm()) {                                                                    \
            uint64_t s_ = sel_alloc(1);                                                         \
            CHECK_EQ(nova_create_ec(s_, SEL_ROOT_PD, nova_boot_cpu, 0, 0, 0, 0), NOVA_BAD_FTR);  \
            return;                                                                             \
        }                                                                                       \
    } while (0)

struct vm;
/* Return true to reply (the guest goes on), false to stop: the handler then
 * never replies and the test goes on. The reply's MTD starts at 0 (STARTUP:
 * real mode at 0:VM_CODE with the memory delegated, see vm.c). */
typedef bool (*vm_exit_fn)(struct vm *vm, unsigned exit, struct nova_utcb *u);

struct vm {
    uint64_t pd, vcpu, sc, evt;   /* selectors in the root PD; evt: the portal block */
    struct ectx *handler;
    vm_exit_fn on_exit;
    uint64_t mtd;                 /* MTD of every portal */
    uint8_t *mem;                 /* the guest memory, as the root sees it */
    bool delegate_memory;         /* give the memory in the STARTUP reply */
    volatile uint64_t exits, stopped;
    volatile uint64_t count[256];    /* exits by number */
    volatile uint64_t a[16];         /* scratch for the test */
    struct nova_utcb_arch in;        /* the last message as it came in */
    unsigned cpu;                    /* the vCPU's and its handler's CPU */
    unsigned slot;                   /* vm.c's */
    volatile uint64_t last_exit;
    volatile uint8_t trace[64];      /* the first 64 exits in order */
    void *arg;                       /* for the test */
    struct nova_utcb_arch msg[8];    /* the first 8 messages (msg[0]: STARTUP) */
    /* for vm_std */
    uint32_t ctrl0, ctrl1, exc;      /* intercepts the STARTUP reply enables (default: VMMCALL) */
    int (*hook)(struct vm *vm, unsigned exit, struct nova_utcb *u);   /* VM_GO, VM_STOP or VM_DEFAULT */
};

enum { VM_STOP = 0, VM_GO = 1, VM_DEFAULT = -1 };
/* The usual exit handler: STARTUP's reply enables vm->ctrl0/ctrl1/exc; every
 * exit goes to vm->hook first (if any); unless it decides, VMMCALL, CPUID,
 * RDTSC, I/O and MSR exits are skipped (RIP + inst_len, I/O IN reads 0) and
 * every other exit (HLT included) stops the VM. */
bool vm_std(struct vm *vm, unsigned exit, struct nova_utcb *u);

/* A VM in a new PD running `code` (16-bit real mode, copied to VM_CODE) from
 * CS:IP = 0:VM_CODE. No SC yet. NULL (and a failure recorded) on error. */
struct vm *vm_create(const void *code, uint64_t code_len, vm_exit_fn on_exit, uint64_t mtd);
/* The same with the vCPU (and its handler EC) on CPU `cpu`. */
struct vm *vm_create_on(unsigned cpu, const void *code, uint64_t code_len, vm_exit_fn on_exit, uint64_t mtd);
/* Bind an SC of priority prio (above the root's 1: it runs until it stops). */
enum nova_status vm_start(struct vm *vm, uint64_t prio);
/* Start at priority 2 and wait until the callback stopped the VM. */
bool vm_run(struct vm *vm);
/* Revoke everything the VM holds; its slot (memory, handler stack) is reused. */
void vm_destroy(struct vm *vm);

/* A fresh zeroed page of the root's (rwx, not in any VM) to hand to a guest;
 * the page number (root virtual) for nova_crd_mem. NULL when exhausted. */
uint8_t *vm_page(void);
static inline uint64_t vm_pageno(const void *p) { return (uintptr_t)p >> 12; }
/* Append a typed item delegating `crd` with the G bit at `hotspot` to the
 * reply in u (after those already there). */
void vm_reply_delegate(struct nova_utcb *u, uint64_t crd, uint64_t hotspot);
/* Reply: continue after the intercepted instruction (RIP + inst_len). */
void vm_skip(struct vm *vm, struct nova_utcb *u);
/* Guest memory as the root sees it. */
static inline volatile uint32_t *vm_u32(struct vm *vm, uint64_t gpa) { return (volatile uint32_t *)(vm->mem + gpa - VM_GPA); }
static inline volatile uint16_t *vm_u16(struct vm *vm, uint64_t gpa) { return (volatile uint16_t *)(vm->mem + gpa - VM_GPA); }

/* A real-mode segment for the MTD CS/SS/DS... groups */
struct nova_utcb_seg vm_real_seg(uint16_t sel, bool code);

/* guest code blocks: GUEST(name) declares name and name_end */
#define GUEST_DECL(name) extern const uint8_t name[], name##_end[]
#define GUEST_LEN(name) ((uint64_t)(name##_end - name))
/* guest-physical address of a label inside guest code `name` */
#define GUEST_AT(name, label) (VM_CODE + (uint64_t)((label) - (name)))
/* the MTD CTRL part of a reply: intercepts 0x60+n (ctrl0), 0x80+n (ctrl1), exceptions */
static inline void vm_ctrl(struct nova_utcb *u, uint32_t ctrl0, uint32_t ctrl1, uint32_t exc)
{
    u->data.arch.mtd |= NOVA_MTD_CTRL;
    u->data.arch.ctrl[0] = ctrl0;
    u->data.arch.ctrl[1] = ctrl1;
    u->data.arch.ptmr = exc;
}
#define VM_CTRL0(exit) (1u << ((exit) - 0x60))
#define VM_CTRL1(exit) (1u << ((exit) - 0x80))
