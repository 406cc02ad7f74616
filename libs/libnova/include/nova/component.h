/*
 * The component runtime: what a program started by the root server (from a
 * system.toml [[component]]) links against, besides musl and its
 * system-call layer (libs/posix), instead of libnova's root-task entry.
 *
 * Start (libs/posix/crt0.S): the root server starts the component's main EC
 * with RIP = _start, RSP = top of its stack, RDI = component index, RSI =
 * heap base, RDX = heap size, RCX = its CPU, R8 = TSC frequency in kHz, R9 =
 * selector of the "console" portal if the component uses one (else 0), R10
 * = selector of the "console_input" portal if it uses one (else 0). The
 * start code records these in `nova_component` (console output goes to
 * that portal from then on) and runs musl's start-up, which calls main();
 * exit() or main's return ends in nova_component_exit.
 *
 * Serving (servers only): for each portal the component offers, the root
 * server creates a portal bound to the main EC with IP = nova_portal_entry
 * and PID = k (the portal's index in `offers`). component_serve(handler)
 * waits for calls; each call runs handler(pid, utcb) on the main EC, then
 * replies with the untyped words the handler returned.
 *
 * Console: console_init(sel) names the "console" portal (selector
 * NOVA_COMPONENT_SEL_USE(k), k = the index of "console" in `uses`; the
 * start code calls it with R9's selector);
 * console_write sends text through it (protocol below), and so does
 * musl's stdout through libs/posix. The console driver itself routes it to
 * its own port output with console_set_sink.
 *
 * Console input: console_read_with(utcb, sel, ...) asks the
 * "console_input" portal for the bytes received so far (protocol below);
 * it works from any EC, with that EC's UTCB. NOVA IPC is CPU-local: the
 * caller must run on the console driver's CPU (BAD_CPU otherwise).
 *
 * ECs of its own: component_ec_create starts a global EC of the component
 * with a UTCB, stack and SC of its own, running fn(arg).
 *
 * Everything else here runs on the main EC and uses its UTCB: an EC a
 * component creates for itself has a UTCB of its own and must not call
 * those.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <nova/spec.h>
#include <nova/hypercalls.h>

/* --- the component's object space (fixed by the root server) ------------ */
/* event portals at 0..EXC-1; PD, EC and SC where a root task finds its own */
#define NOVA_COMPONENT_SEL_PD      (NOVA_EXC_SELECTORS + 0u)   /* own PD: may own new PD, EC, SC, PT, SM */
#define NOVA_COMPONENT_SEL_EC      (NOVA_EXC_SELECTORS + 1u)   /* main EC */
#define NOVA_COMPONENT_SEL_SC      (NOVA_EXC_SELECTORS + 2u)   /* main SC */
#define NOVA_COMPONENT_SEL_ROOT    (NOVA_EXC_SELECTORS + 3u)   /* the root server's object service */
#define NOVA_COMPONENT_SEL_EXIT_SM 0x30u   /* created by nova_component_exit */
#define NOVA_COMPONENT_SEL_USE(k)  (0x40u + (unsigned)(k))  /* k-th entry of `uses` */
#define NOVA_COMPONENT_SEL_GSI(k)  (0x60u + (unsigned)(k))  /* semaphore of the k-th entry of `gsis` */

/* --- the main EC's UTCB ---------------------------------------------------- */
#define NOVA_COMPONENT_UTCB UINT64_C(0x00007fffffffd000)

static inline struct nova_utcb *nova_component_utcb(void)
{
    return (struct nova_utcb *)(uintptr_t)NOVA_COMPONENT_UTCB;
}

/* --- start-up values -------------------------------------------------------- */
struct nova_component_info {
    unsigned index;        /* component index in the boot plan (RDI at start) */
    uintptr_t heap_base;   /* RSI at start; pages arrive zeroed on first touch */
    size_t heap_size;      /* RDX at start; 0 if system.toml gives no heap */
    uint64_t tsc_khz;      /* R8 at start: the HIP's TSC frequency */
    unsigned cpu;          /* RCX at start: the CPU its main EC runs on */
    uint64_t console_input_sel;   /* R10 at start: the "console_input" portal, 0 if none */
};
extern struct nova_component_info nova_component;

/* The start-up registers, as the root server sets them. */
struct nova_component_start {
    uint64_t index, heap_base, heap_size, cpu, tsc_khz, console_sel, console_input_sel;
};

/* Record the start-up values and connect the console to the portal at
 * console_sel (R9 at start, 0 if none); the start code calls this before
 * anything else. */
void nova_component_init(const struct nova_component_start *start);

/* Stop for good: the main EC executes the instruction at the ELF symbol
 * nova_component_exit_trap (ud2) with the code in RDI, and the root server
 * reports "component NAME exited with code N". A component that offers
 * portals, or is restartable, is then handled as crashed: its EC is shut
 * down, so calls to its portals answer COM_ABT (a caller in the middle of
 * one too, when called from a handler) instead of waiting, and it is
 * restarted if its plan says so. Any other component's EC goes back here
 * and blocks forever (a down on a fresh semaphore at
 * NOVA_COMPONENT_SEL_EXIT_SM that nobody can up). The code is also kept
 * in nova_component_exit_code for a debugger; the machine keeps running
 * (components do not own the debug exit), and its other ECs run on. */
_Noreturn void nova_component_exit(int code);
extern volatile int nova_component_exit_code;

/* --- serving portals ---------------------------------------------------------
 * handler(pid, utcb) runs for each call, on the main EC, with the caller's
 * message in utcb: U = nova_utcb_items_u(utcb->head.items) untyped words in
 * utcb->data.words[0..U-1]. It writes the reply's untyped words into
 * utcb->data.words and returns their number U (clamped to the data area);
 * the reply carries no typed items. A handler that calls a portal itself
 * (console output, say) overwrites the UTCB: read the request first and
 * write the reply words last.
 * The handler runs on the main stack, below component_serve's frame. */
typedef uint64_t (*component_handler_fn)(uint64_t pid, struct nova_utcb *utcb);
_Noreturn void component_serve(component_handler_fn handler);

/* The ELF symbol the root server makes every offered portal's IP
 * (portal_entry.S). Not to be called. */
void nova_portal_entry(void);

/* --- console ------------------------------------------------------------------
 * "console" portal protocol: the caller sends w0 = n (byte count, at most
 * CONSOLE_MAX_BYTES) and the bytes packed little-endian in w1, w2, ... (byte
 * i in bits 8*(i%8) of word 1 + i/8), U = 1 + ceil(n / 8). The driver
 * writes them ("\n" as "\r\n") and replies with U = 0. */
#define CONSOLE_MAX_WORDS 500u
#define CONSOLE_MAX_BYTES (8u * CONSOLE_MAX_WORDS)

typedef void (*console_sink_fn)(const char *s, size_t n);

/* Send console output through the portal at selector `sel`. */
void console_init(uint64_t sel);
/* Whether output goes anywhere (a portal or a sink). */
bool console_connected(void);
/* Send console output to `sink` instead (the console driver's own output).
 * NULL goes back to the portal. */
void console_set_sink(console_sink_fn sink);
/* Write n bytes (split into calls of at most CONSOLE_MAX_BYTES). Output is
 * dropped if neither console_init nor console_set_sink was called. Returns
 * NOVA_SUCCESS (also for a sink or nothing), or the status of the first
 * portal call that failed, after which nothing more is sent: COM_ABT when
 * the driver died in the call, BAD_CAP while a restarted driver's portal
 * has not reached this component yet. Never waits for a driver to return. */
enum nova_status console_write(const char *s, size_t n);

/* --- console input -------------------------------------------------------------
 * "console_input" portal protocol (offered by the console driver next to
 * "console"): the caller sends w0 = max, the most bytes it takes (U = 1;
 * max 0, or U = 0, means CONSOLE_MAX_BYTES); larger values are clamped to
 * CONSOLE_MAX_BYTES. The driver replies at once, never blocking: w0 = n,
 * the number of received bytes it hands over (n <= max, 0 when none are
 * waiting), and the bytes packed like the output protocol's, in w1, w2, ...,
 * U = 1 + ceil(n / 8). Bytes come as the UART received them (a terminal's
 * Enter is "\r"); each is handed out once, to whichever client asks first.
 * The driver keeps what arrives between calls in a ring of
 * CONSOLE_INPUT_RING bytes; bytes that find it full are dropped and
 * counted, and it reports the count on its console. */
#define CONSOLE_INPUT_RING 4096u

/* Take up to `max` received bytes from the "console_input" portal at `sel`
 * into buf, using the calling EC's UTCB `u`; returns how many (0 if none
 * are waiting or the call failed). *status (if not NULL) receives the
 * portal call's status: BAD_CAP for no portal at sel, BAD_CPU for a caller
 * on another CPU than the driver's. */
size_t console_read_with(struct nova_utcb *u, uint64_t sel, char *buf, size_t max, enum nova_status *status);
/* The same from the main EC (its UTCB). */
size_t console_read(uint64_t sel, char *buf, size_t max, enum nova_status *status);

/* --- the root server's object service ---------------------------------------------
 * The portal at NOVA_COMPONENT_SEL_ROOT: the root server creates kernel
 * objects for the component that it owns itself, so that it can take them
 * away again when it restarts the component (an object the component owns
 * holds its PD, and its capability lives in the component's own space
 * only, beyond the root's reach). A call: w0 = operation, U = 3, and a
 * receive window (utcb->head.del) of one object selector where the new
 * capability lands; the reply's w0 is a nova_status.
 *   NOVA_ROOT_OP_EC:  w1 = slot (< NOVA_COMPONENT_EC_SLOTS), w2 = stack
 *                     pointer: a global EC in the component's PD on its
 *                     CPU, UTCB NOVA_COMPONENT_EC_UTCB(slot), events at its
 *                     selectors 0..31 (the root's)
 *   NOVA_ROOT_OP_SC:  w1 = slot, w2 = QPD: an SC for that slot's EC
 * BAD_PAR for a bad slot or operation, BAD_CAP if the slot is taken (or
 * for the SC: has no EC), else the kernel's status. */
#define NOVA_ROOT_OP_EC 1u
#define NOVA_ROOT_OP_SC 2u

/* --- calling a service --------------------------------------------------------------
 * component_call_words calls `portal` from the main EC with the untyped
 * words w[0..n-1] and, unless crd is the null CRD, one typed item (item,
 * crd); the reply's untyped words come back in w[0..max-1]. It returns how
 * many the reply had (at most the data area), -1 if the call failed or n
 * leaves no room for the item. The client libraries of the services use
 * it. */
int component_call_words(uint64_t portal, uint64_t *w, unsigned n, unsigned max, uint64_t item, uint64_t crd);

/* --- ECs of its own --------------------------------------------------------------
 * component_ec_create makes a global EC in the component on its CPU
 * (nova_component.cpu), with the UTCB at NOVA_COMPONENT_EC_UTCB(slot)
 * (slot < NOVA_COMPONENT_EC_SLOTS: pages below the main EC's, which nothing
 * else uses), the stack [stack, stack + stack_size) and an SC with `qpd` at
 * sel_sc. The root server's object service makes both (it owns them, so a
 * restart of the component takes them along); without that portal (a root
 * task that offers none) the component makes them itself, in its own PD.
 * Call it from the main EC. Its events go to the root server like the main EC's: page faults
 * are served, crashes reported; its STARTUP starts it at nova_ec_entry
 * (ec_entry.S), which calls fn(arg) on that stack. If fn returns, the EC
 * waits for calls that never come: it stops for good.
 * The EC runs without a thread pointer (FS base 0): it must not call musl
 * functions that use thread-local storage (errno, stdio, malloc) or other
 * functions of this header that use the main EC's UTCB. Returns the first
 * failing hypercall's status (BAD_PAR for a bad slot or a stack smaller
 * than 256 bytes). */
#define NOVA_COMPONENT_EC_SLOTS 12u
#define NOVA_COMPONENT_EC_UTCB(slot) (NOVA_COMPONENT_UTCB - 0x1000u * (1u + (unsigned)(slot)))
typedef void (*component_ec_fn)(void *arg);
enum nova_status component_ec_create(uint64_t sel_ec, uint64_t sel_sc, unsigned slot, void *stack,
                                     size_t stack_size, component_ec_fn fn, void *arg, uint64_t qpd);

/* The ELF symbol where the root server starts a component's own ECs
 * (ec_entry.S). Not to be called. */
void nova_ec_entry(void);

/* --- devices: what system.toml grants (docs/system-toml.md, "Devices") ------
 * Every component finds a read-only device page at NOVA_COMPONENT_DEVICES
 * (struct nova_devices): the PCI functions the root server granted it
 * (`pci`), the MMIO ranges (`mmio`), its DMA memory (`dma_memory`), the
 * GSIs (`gsis`, in order: gsi[k]'s semaphore is at NOVA_COMPONENT_SEL_GSI(k))
 * and, for the PCI service (`pci_config = true`), the whole ECAM. A component with
 * no device grant finds the page with every count 0.
 *
 * Device memory (configuration pages, memory BARs, mmio ranges, ECAM)
 * appears read-write at NOVA_COMPONENT_MMIO + its physical address; BARs and
 * ranges smaller than a page are mapped as the whole pages that hold them.
 * The kernel's delegation has no caching attribute: these pages are mapped
 * like memory, and the firmware's MTRRs make PCI windows uncached. An I/O
 * BAR arrives as port capabilities (its ports, `address` = the first).
 * The root server has assigned each function to the component's PD
 * (assign_pci): its DMA reaches exactly the memory delegated to the PD with
 * the D bit, which is the DMA memory at NOVA_COMPONENT_DMA. Devices use
 * `dma_device` as the window's address: equal to NOVA_COMPONENT_DMA behind an
 * IOMMU, the physical address without one (only with iommu = "optional").
 * A function with an MSI or MSI-X capability comes with the semaphore of
 * an MSI GSI of its own at `msi_sm` (NOVA_COMPONENT_SEL_MSI(k) for
 * function k): assign_gsi(msi_sm, config page number, cpu, ...) gives the
 * address and data to program; each message ups the semaphore. */
#define NOVA_COMPONENT_DEVICES    UINT64_C(0x00001ff000000000)   /* the device page */
#define NOVA_COMPONENT_MMIO       UINT64_C(0x0000200000000000)   /* + physical address */
#define NOVA_COMPONENT_MMIO_PHYS_MAX UINT64_C(0x0000200000000000)  /* device memory from here up is refused */
#define NOVA_COMPONENT_DMA        UINT64_C(0x000000000c000000)   /* the DMA memory, below 256 MiB */
#define NOVA_COMPONENT_DMA_MAX    (UINT64_C(64) << 20)
#define NOVA_COMPONENT_SEL_MSI(k) (0x78u + (unsigned)(k))   /* MSI GSI semaphore of function k */

#define NOVA_DEVICES_MAGIC   0x5643564eu   /* "NVDV" */
#define NOVA_DEVICES_VERSION 2u
#define NOVA_DEVICES_MAX_FNS  8u
#define NOVA_DEVICES_MAX_MMIO 8u
#define NOVA_DEVICES_BARS     6u
#define NOVA_DEVICES_MAX_GSIS 24u   /* system.toml's `gsis`: selectors 0x60..0x77 */

enum nova_bar_kind {
    NOVA_BAR_NONE  = 0,   /* the function has no BAR there, or it is the upper half of a 64-bit BAR */
    NOVA_BAR_MEM32 = 1,
    NOVA_BAR_MEM64 = 2,
    NOVA_BAR_IO    = 3,
};
#define NOVA_BAR_PREFETCHABLE 1u   /* flags */

struct nova_device_bar {
    uint64_t address;   /* memory: where it is mapped here; I/O: its first port */
    uint64_t phys;      /* the address the firmware programmed (bus address) */
    uint64_t size;      /* bytes (ports for I/O), a power of two; 0 for NOVA_BAR_NONE */
    uint32_t kind;      /* enum nova_bar_kind */
    uint32_t flags;     /* NOVA_BAR_PREFETCHABLE */
};

struct nova_device_fn {
    uint8_t  bus, dev, fn, header_type;
    uint16_t vendor, device;
    uint32_t class_code;   /* class << 16 | subclass << 8 | programming interface */
    uint32_t msi_gsi;      /* its MSI GSI, or ~0u if it has no MSI/MSI-X capability */
    uint32_t reserved;
    uint64_t msi_sm;       /* selector of that GSI's semaphore, 0 if none */
    uint64_t config;       /* where its 4 KiB configuration page is mapped here (read-write) */
    uint64_t config_phys;  /* the page's physical (ECAM) address */
    struct nova_device_bar bar[NOVA_DEVICES_BARS];
};

struct nova_device_mmio {
    uint64_t address;      /* where it is mapped here */
    uint64_t phys;
    uint64_t size;         /* bytes, a multiple of 4096 */
};

struct nova_devices {
    uint32_t magic;        /* NOVA_DEVICES_MAGIC */
    uint32_t version;      /* NOVA_DEVICES_VERSION */
    uint32_t fn_count, mmio_count;
    uint32_t iommu;        /* 1: its functions' DMA is confined by the IOMMU */
    uint32_t reserved;
    uint64_t dma;          /* NOVA_COMPONENT_DMA if it has DMA memory, else 0 */
    uint64_t dma_device;   /* the window's address for its devices (above) */
    uint64_t dma_size;     /* bytes, zeroed at start */
    uint64_t ecam;         /* pci_config: where the ECAM is mapped here, else 0 */
    uint64_t ecam_phys;
    uint32_t ecam_bus_first, ecam_bus_last;   /* buses it covers (segment 0) */
    struct nova_device_fn fn[NOVA_DEVICES_MAX_FNS];
    struct nova_device_mmio mmio[NOVA_DEVICES_MAX_MMIO];
    uint32_t gsi_count;    /* entries of `gsis` */
    uint32_t gsi[NOVA_DEVICES_MAX_GSIS];   /* gsi[k]: the GSI whose semaphore is at NOVA_COMPONENT_SEL_GSI(k) */
};
_Static_assert(sizeof(struct nova_devices) <= 4096, "the device page is one page");

static inline const struct nova_devices *nova_devices(void)
{
    return (const struct nova_devices *)(uintptr_t)NOVA_COMPONENT_DEVICES;
}
