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
/* Device memory (MMIO), mapped read-write (not executable) in the window. */
bool phys_map_device(uint64_t pa, uint64_t size);
/* Whether [lo, hi) overlaps RAM in the HIP's memory map (available, the
 * kernel's or a module). */
bool phys_is_ram(const struct nova_hip *hip, uint64_t lo, uint64_t hi);
/* The HIP's memory descriptors: how many, and the i-th. */
unsigned hip_mem_count(const struct nova_hip *hip);
const struct nova_hip_mem *hip_mem_at(const struct nova_hip *hip, unsigned i);
bool frames_init(const struct nova_hip *hip);
uint64_t frame_alloc(void);   /* a zeroed page's physical address; 0 if none */
/* The same, for component i's memory: frames_release(i) revokes every
 * delegation of the pages allocated so and takes them back. Returns how
 * many. */
uint64_t frame_alloc_for(unsigned component);
unsigned frames_release(unsigned component);
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
/* Each component's block of the root's object space (sel_base): its event
 * portals at 0..EXC-1 (faults.c), its PD, EC and SC where the component
 * finds them (nova/component.h), the portal of its object service, the
 * portals it offers, and the ECs and SCs the service made for it. */
#define BLK_PD        NOVA_COMPONENT_SEL_PD
#define BLK_EC        NOVA_COMPONENT_SEL_EC
#define BLK_SC        NOVA_COMPONENT_SEL_SC
#define BLK_ROOT_PT   NOVA_COMPONENT_SEL_ROOT
#define BLK_OFFERS    0x40
#define BLK_OWN_EC(s) (0x80u + 2u * (s))   /* slot s < NOVA_COMPONENT_EC_SLOTS */
#define BLK_OWN_SC(s) (0x81u + 2u * (s))
#define SERVICE_EVENT 0x80u                 /* its PID: index << 8 | SERVICE_EVENT */
#define COMPONENT_STACK  0x00007ffff0000000ull   /* top of the main stack */
#define COMPONENT_HEAP   0x0000000040000000ull

struct component {
    const struct nvpl_component *plan;
    const uint8_t *elf;
    uint64_t elf_size, entry, portal_entry;
    uint64_t ec_entry;          /* nova_ec_entry: where its own ECs start, 0 if it has none */
    uint64_t exit_trap;         /* nova_component_exit_trap: its #UD there is an exit, 0 if none */
    struct elf_image img;       /* checked: segments inside user space */
    uint64_t sel_base;          /* its block of selectors in the root */
    const struct nvpl_vm *vm;   /* the VM it runs, or 0 */
    uint64_t vm_desc_pa;        /* its VM description page (nova/vm_desc.h) */
    uint64_t guest_pa;          /* its guest memory block */
    bool created, running;
    bool started;               /* its main EC has had its STARTUP: later ones are its own ECs' */
    unsigned restarts;          /* how often it was restarted (restart.c) */
    bool restart_due;           /* crashed, to be restarted */
    uint64_t torn_down_charge;  /* the root's kernel memory after its last teardown */
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
/* The reply to a RECALL of its EC: the portals of its `uses` again, at
 * their selectors (after a restart of the component offering one), and its
 * registers unchanged. */
void component_recall_reply(unsigned index, struct nova_utcb *u);
/* A call of its object service (objects.c, nova/component.h): the reply. */
void component_service(unsigned index, struct nova_utcb *u);
/* The page that backs `addr` in the component: its physical address and
 * permissions, allocated and filled on first use; false if none does. */
bool component_page(unsigned index, uint64_t addr, uint64_t *pa, unsigned *perms);

/* --- the typed items of a STARTUP reply (items.c) ----------------------- */
struct items { struct nova_utcb *u; unsigned n; bool full; };
void add_item(struct items *it, uint64_t item, uint64_t crd);
void grant_ports(struct items *it, uint32_t base, uint32_t count);
/* Memory the root holds in its window at PHYS_WINDOW + [pa, pa + size),
 * delegated to [va, va + size) with `perms`; with the D bit for DMA. */
void grant_memory(struct items *it, uint64_t pa, uint64_t size, uint64_t va, unsigned perms);
void grant_dma_memory(struct items *it, uint64_t pa, uint64_t size, uint64_t va, unsigned perms);

/* --- ACPI (acpi.c): segment 0's ECAM and the buses it covers ------------ */
bool acpi_mcfg(uint64_t *ecam, unsigned *bus_first, unsigned *bus_last);

/* --- PCI (pci.c): the functions ECAM lists ------------------------------- */
#define PCI_MAX_FNS 128
struct pci_bar { uint64_t pa, size; uint32_t kind, flags; };   /* kind, flags: nova/component.h */
struct pci_fn {
    uint8_t bus, dev, fn, header_type;
    uint16_t vendor, device;
    uint32_t class_code;
    uint64_t config_pa;         /* its configuration page */
    bool msi;                   /* has an MSI or MSI-X capability */
    bool sized;                 /* bar[] is filled */
    int owner;                  /* the component granted it, -1 if none */
    struct pci_bar bar[NOVA_DEVICES_BARS];   /* a 64-bit BAR at its first register */
};
struct pci { uint64_t ecam; unsigned bus_first, bus_last, dropped; };
extern struct pci pci;                       /* ecam 0: none found (yet) */
bool pci_init(void);                         /* find, map and list ECAM once; false without */
unsigned pci_count(void);
struct pci_fn *pci_fn_at(unsigned k);
struct pci_fn *pci_by_address(unsigned bus, unsigned dev, unsigned fn);
struct pci_fn *pci_by_id(uint16_t vendor, uint16_t device, unsigned index);   /* the index-th match */
volatile uint32_t *pci_config(const struct pci_fn *f);
void pci_size_bars(struct pci_fn *f);

/* --- devices (devices.c; PCI in pci.c, ACPI in acpi.c) ------------------- */
/* The devices system.toml grants component i (docs/system-toml.md,
 * "Devices"): found, mapped in the root, assigned to its PD, its DMA memory
 * and device page made; false, reported, if any of it fails. */
bool devices_prepare(unsigned index);
/* Their typed items for its STARTUP reply. */
void devices_grant(struct items *it, unsigned index);

/* --- restarting crashed components (restart.c) ----------------------------- */
/* Component i crashed (reported up to the rip): finish the report and, if
 * its plan allows another restart, have it restarted. */
void restart_crashed(unsigned index);
bool restart_init(void);        /* before any component starts */
_Noreturn void restart_loop(void);   /* the main EC: restarts what crashed */
void restart_run(void);         /* on the fault EC: restart every component due */
#define RESTART_PID 0xffffu     /* the fault EC's portal that restart_loop calls */

/* --- the pager and crash reporter (faults.c) ----------------------------- */
bool faults_init(void);
uint64_t faults_portal_block(unsigned index);   /* creates 32 event portals */
bool faults_restart_portal(uint64_t sel);       /* a portal to restart_run */
