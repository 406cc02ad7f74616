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
};

/* A VM in a new PD running `code` (16-bit real mode, copied to VM_CODE) from
 * CS:IP = 0:VM_CODE. No SC yet. NULL (and a failure recorded) on error. */
struct vm *vm_create(const void *code, uint64_t code_len, vm_exit_fn on_exit, uint64_t mtd);
/* Bind an SC of priority prio (above the root's 1: it runs until it stops). */
enum nova_status vm_start(struct vm *vm, uint64_t prio);
/* Start at priority 2 and wait until the callback stopped the VM. */
bool vm_run(struct vm *vm);
/* Revoke everything the VM holds. */
void vm_destroy(struct vm *vm);

/* A real-mode segment for the MTD CS/SS/DS... groups */
struct nova_utcb_seg vm_real_seg(uint16_t sel, bool code);

/* guest code blocks: GUEST(name) declares name and name_end */
#define GUEST_DECL(name) extern const uint8_t name[], name##_end[]
#define GUEST_LEN(name) ((uint64_t)(name##_end - name))
