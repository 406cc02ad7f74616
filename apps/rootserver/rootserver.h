/* The root server: it builds the system the boot plan describes. Every
 * component gets a PD of its own, a main EC started through STARTUP, an SC
 * with its priority and quantum, the capabilities the plan names and
 * nothing else; its memory arrives on demand from the root server's pager,
 * which also reports crashes. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <nova/component.h>
#include <nova/nova.h>
#include "boot_plan.h"
#include "elf_check.h"

#define ROOT_PD (NOVA_EXC_SELECTORS + 0)   /* where the kernel put the root PD (spec 6.1) */
#define MAX_COMPONENTS 32
#define MAX_VMS        8

/* --- what the root takes from the kernel (kernel_grants.c) ------------- */
bool kernel_grant(uint64_t crd, uint64_t hotspot, uint64_t window);

/* --- physical memory (phys.c): a window where VA = PHYS_WINDOW + PA ---- */
#define PHYS_WINDOW 0x0000100000000000ull
bool phys_map(uint64_t pa, uint64_t size, bool for_components);
static inline void *phys_ptr(uint64_t pa) { return (void *)(uintptr_t)(PHYS_WINDOW + pa); }
bool frames_init(const struct nova_hip *hip);
uint64_t frame_alloc(void);   /* a zeroed page's physical address; 0 if none */
/* Guest memory: the highest naturally aligned block of `size` bytes (a
 * power of two) of available RAM that nothing else uses, taken from the
 * kernel, mapped rwx in the window and zeroed; call before frames_init,
 * which keeps the pool out of it. Returns its physical address, 0 if none. */
uint64_t phys_block_take(const struct nova_hip *hip, uint64_t size);

/* --- boot modules -------------------------------------------------------- */
struct module { uint64_t pa, size; };
unsigned modules_find(const struct nova_hip *hip, struct module *out, unsigned max);
#define MAX_MODULES (MAX_COMPONENTS + 2 + 2 * MAX_VMS)
extern struct module boot_modules[MAX_MODULES];
extern unsigned boot_module_count;

/* --- components (component.c) ------------------------------------------- */
#define COMPONENT_STACK  0x00007ffff0000000ull   /* top of the main stack */
#define COMPONENT_HEAP   0x0000000040000000ull

struct component {
    const struct nvpl_component *plan;
    const uint8_t *elf;
    uint64_t elf_size, entry, portal_entry;
    uint64_t ec_entry;          /* nova_ec_entry: where its own ECs start, 0 if it has none */
    struct elf_image img;       /* checked: segments inside user space */
    uint64_t sel_base;          /* its block of selectors in the root */
    const struct nvpl_vm *vm;   /* the VM it runs, or 0 */
    uint64_t vm_desc_pa;        /* its VM description page (nova/vm_desc.h) */
    uint64_t guest_pa;          /* its guest memory block */
    bool created, running;
    bool started;               /* its main EC has had its STARTUP: later ones are its own ECs' */
};

extern const struct nvpl_header *plan;
extern struct component components[MAX_COMPONENTS];
extern unsigned component_count;
extern uint64_t region_pa[];

bool component_create(unsigned index, const struct module *m);
/* Take component i's guest memory (before frames_init); false if there is
 * no block of its size, reported. */
bool component_vm_memory(unsigned index);
void component_start(unsigned index);
/* The typed items and registers of its STARTUP reply: the main EC's the
 * first time, then those of an EC the component created itself. */
void component_startup_reply(unsigned index, struct nova_utcb *u);
/* The page that backs `addr` in the component: its physical address and
 * permissions, allocated and filled on first use; false if none does. */
bool component_page(unsigned index, uint64_t addr, uint64_t *pa, unsigned *perms);

/* --- the pager and crash reporter (faults.c) ----------------------------- */
bool faults_init(void);
uint64_t faults_portal_block(unsigned index);   /* creates 32 event portals */
