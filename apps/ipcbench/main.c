/*
 * ipcbench: the cost of portal IPC, hypercalls and object operations, in
 * TSC cycles.
 *
 * The root PD is the client. The server is a local EC in a second PD; its
 * code and stack are part of this ELF and run at the same virtual addresses
 * there. That PD starts with no memory: its only capability is a page-fault
 * portal (selector 0xe) bound to a pager EC in the root PD, which answers
 * each fault by delegating the root PD's page at the faulting address
 * (demand paging, spec 3.3 and 4.6.2.2). A few warm-up calls map everything
 * the server touches before measuring.
 *
 * Figures (each over ITERATIONS samples, fewer for the costly ones:
 * HEAVY_ITERATIONS, BIG_ITERATIONS; rdtsc around the operation):
 *   a null hypercall (lookup of a null CRD);
 *   call+reply cross-PD (the server above) and same-PD (a local EC in the
 *   root PD), donating and non-donating (DD), with U = 0, 8 and the most
 *   untyped words a UTCB holds (the client sends U words, the server echoes
 *   U words back);
 *   semaphore up then down (no waiter, so nothing blocks);
 *   an exception (#UD) round trip to a handler portal (a local EC that
 *   advances RIP past the ud2 and replies);
 *   delegate one page and 512 pages to the child PD (a call carrying one
 *   delegate item to a receiver EC there, whose window takes them) and
 *   revoke them again (revoke without SR);
 *   create and destroy of each object kind: PD, EC, SC, PT, SM (destroy =
 *   revoke with SR of the only capability, which destroys the object);
 *   every call+reply figure again once the root PD holds an I/O port
 *   (H-bit delegation from the kernel), so that switching between the PDs
 *   switches port permissions;
 *   and, when the HIP reports SVM, one VM exit handled by a VMM portal and
 *   resumed (see bench_vm_exit).
 * Minimum and median are printed, as a line for people ("ipcbench: NAME:
 * min N median N cycles (N iterations)") and as one JSON object per line
 * for tools ({"name": ..., "min": ..., "median": ..., "iterations": ...}).
 * Under QEMU with -icount shift=0,align=off,sleep=off one TSC tick is one
 * retired instruction, so the figures are exact and repeatable.
 *
 * This is a component, not a test: it judges no numbers, but any failing
 * hypercall is printed with its status and the component exits with 1.
 */
#define NOVA_WANT_NAMES
#include <nova/nova.h>

/* Root object space (spec 6.1.2.3: PD, EC, SC at EXC + 0, 1, 2). */
#define SEL_ROOT_PD     32u
#define SEL_CHILD_EVT   0x40u                      /* 32 selectors: the child's event portals */
#define SEL_PF_PT       (SEL_CHILD_EVT + NOVA_EXC_PF)
#define SEL_PAGER_EC    0x60u
#define SEL_CHILD_PD    0x61u
#define SEL_SERVER_EC   0x62u
#define SEL_SERVER_PT0  0x63u                      /* portal id 0: reply with U = 0 */
#define SEL_SERVER_PT8  0x64u                      /* portal id 8: reply with U = 8 */
#define SEL_SERVER_PTM  0x67u                      /* portal id UMAX: reply with U = UMAX */
#define SEL_SINK_EC     0x68u                      /* in the child PD: receives delegations */
#define SEL_SINK_PT     0x69u
#define SEL_LOCAL_EC    0x6au                      /* same-PD server: a local EC in the root PD */
#define SEL_LOCAL_PT0   0x6bu
#define SEL_LOCAL_PT8   0x6cu
#define SEL_LOCAL_PTM   0x6du
#define SEL_EXC_EC      0x6eu                      /* the root EC's #UD handler */
#define SEL_EXC_PT      (0u + NOVA_EXC_UD)         /* the root EC's event selectors start at 0 */
#define SEL_BENCH_SM    0x80u
#define SEL_STARTUP_EC  0x81u                      /* STARTUP handler of the SC figure's global EC */
#define SEL_GEC         0x82u                      /* the global EC the created SCs are bound to */
#define SEL_PARK_SM     0x83u                      /* never upped: the global EC parks on it */
#define SEL_NEW         0x90u                      /* where create_* puts the object it makes */
#define SEL_GEC_EVT     0xa0u                      /* 32 selectors: the global EC's event portals */
#define SEL_GRANT_EC    0x65u                      /* gives the root PD a port from the kernel */
#define SEL_GRANT_PT    0x66u
#define SEL_VMM_EC      0x70u                      /* the VM exit handler, a local EC */
#define SEL_VM_PD       0x71u
#define SEL_VCPU        0x72u
#define SEL_VCPU_SC     0x73u
#define SEL_VM_DONE     0x74u                      /* upped after the last sample */
#define SEL_VM_NEVER    0x75u                      /* never upped: the handler parks on it */
#define SEL_VM_EVT      0x100u                     /* 256 exit portals (the VM PD's 0-255) */

/* Fresh UTCB addresses: the pager's in the root PD, the server's in the child. */
#define PAGER_UTCB      UINT64_C(0x0000200000000000)
#define SERVER_UTCB     UINT64_C(0x0000300000000000)
#define VMM_UTCB        UINT64_C(0x0000200000001000)
#define GRANT_UTCB      UINT64_C(0x0000200000002000)
#define LOCAL_UTCB      UINT64_C(0x0000200000003000)
#define EXC_UTCB        UINT64_C(0x0000200000004000)
#define STARTUP_UTCB    UINT64_C(0x0000200000005000)
#define GEC_UTCB        UINT64_C(0x0000200000006000)
#define NEW_UTCB        UINT64_C(0x0000200000007000)   /* of the ECs the create figure makes */
#define SINK_UTCB       UINT64_C(0x0000300000001000)
#define WINDOW_PAGE     UINT64_C(0x0000000100000000)   /* the sink's receive window: 2 MiB here */
#define WINDOW_ORDER    9u
#define BIG_PAGES       (1u << WINDOW_ORDER)
#define UMAX            NOVA_UTCB_DATA_WORDS           /* the most untyped words a message has */
#define BENCH_PORT      0x80u                      /* the POST code port: writing it does nothing */
#define GUEST_GPA       0x1000u                    /* where the guest code page appears */

#define PAGE_SIZE       4096u
#ifdef IPCBENCH_TRACE
/* ipcbench_trace, for tools/trace-ipc: one sample per figure, each between
 * the markers trace_begin and trace_end, so that an instruction trace of the
 * whole boot stays small and the script finds the round trips in it. */
#define ITERATIONS      1u
#define HEAVY_ITERATIONS 1u
#define BIG_ITERATIONS  1u
#else
#define ITERATIONS      10000u
#define HEAVY_ITERATIONS 1000u                     /* object creation and destruction */
#define BIG_ITERATIONS  100u                       /* 512-page delegation and revoke: 10^5 to 10^6 each */
#endif
#define WARMUP          16u
#define MAX_PAGER_FAULTS 64u                       /* more means the fault is never resolved */

static uint64_t samples[ITERATIONS + 1];   /* one spare: GCC cannot see that vmm_entry stops in time */
static uint64_t samples2[ITERATIONS];      /* the second figure of a loop that measures two */

/* Each stack fills whole pages of its own. Handlers are entered like a C
 * function that was just called: RSP = 16-byte aligned top - 8. */
static uint8_t pager_stack[2 * PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static uint8_t server_stack[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static uint8_t vmm_stack[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static uint8_t grant_stack[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static uint8_t local_stack[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static uint8_t exc_stack[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static uint8_t startup_stack[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static uint8_t gec_stack[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static uint8_t sink_stack[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
/* what the root PD delegates to the child: one page, and 512 in one CRD */
static uint8_t one_page[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
#ifndef IPCBENCH_TRACE
static uint8_t big_pages[BIG_PAGES * PAGE_SIZE] __attribute__((aligned(BIG_PAGES * PAGE_SIZE)));
#endif
#define GRANT_SP  ((uintptr_t)grant_stack + sizeof grant_stack - 8)
#define LOCAL_SP  ((uintptr_t)local_stack + sizeof local_stack - 8)
#define EXC_SP    ((uintptr_t)exc_stack + sizeof exc_stack - 8)
#define STARTUP_SP ((uintptr_t)startup_stack + sizeof startup_stack - 8)
#define GEC_SP    ((uintptr_t)gec_stack + sizeof gec_stack - 8)
#define SINK_SP   ((uintptr_t)sink_stack + sizeof sink_stack - 8)
#define VMM_SP    ((uintptr_t)vmm_stack + sizeof vmm_stack - 8)
#define PAGER_SP  ((uintptr_t)pager_stack + sizeof pager_stack - 8)
#define SERVER_SP ((uintptr_t)server_stack + sizeof server_stack - 8)

static volatile unsigned pager_faults;

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
    return (uint64_t)hi << 32 | lo;
}

#ifdef IPCBENCH_TRACE
/* Found by symbol in the trace; `used` and the asm keep them apart and alive. */
__attribute__((noinline, used)) void trace_begin(void) { __asm__ volatile("" ::: "memory"); }
__attribute__((noinline, used)) void trace_end(void) { __asm__ volatile("" ::: "memory"); }
#else
static inline void trace_begin(void) {}
static inline void trace_end(void) {}
#endif

static const char *status_name(enum nova_status s)
{
    return (unsigned)s < NOVA_STATUS_COUNT ? nova_status_name[s] : "?";
}

static void check(enum nova_status s, const char *what)
{
    if (s == NOVA_SUCCESS)
        return;
    nova_printf("ipcbench: %s failed: status %u (%s)\n", what, (unsigned)s, status_name(s));
    nova_exit(1);
}

/*
 * Server, in the child PD: entered through a server portal with RDI = the
 * portal id = the number of untyped words to reply with. It touches only its
 * code page, its UTCB and (perhaps) its stack page.
 */
__attribute__((noinline, noreturn, used, flatten, aligned(PAGE_SIZE)))
static void server_entry(uint64_t pid)
{
    struct nova_utcb *u = (struct nova_utcb *)SERVER_UTCB;
    u->head.items = nova_utcb_items(pid, 0);
    nova_reply(SERVER_SP);
}

/* The same server as a local EC of the root PD, for the same-PD figures. */
__attribute__((noinline, noreturn))
static void local_entry(uint64_t pid)
{
    struct nova_utcb *u = (struct nova_utcb *)LOCAL_UTCB;
    u->head.items = nova_utcb_items(pid, 0);
    nova_reply(LOCAL_SP);
}

/*
 * Receiver of delegations, in the child PD: its receive window, set before
 * each reply, takes memory at WINDOW_PAGE (2 MiB), so the next call's
 * delegate item lands there. With sink_probe set it looks up the first and
 * the last page of the window and leaves the answers in sink_seen (its
 * pages are the root PD's, given by the pager, so the root reads them).
 */
static volatile bool sink_probe;
static volatile uint64_t sink_seen[2];

__attribute__((noinline, noreturn, used, aligned(PAGE_SIZE)))
static void sink_entry(uint64_t pid)
{
    (void)pid;
    struct nova_utcb *u = (struct nova_utcb *)SINK_UTCB;
    if (sink_probe) {
        for (unsigned i = 0; i < 2; i++) {
            uint64_t crd = nova_crd_mem(WINDOW_PAGE + i * (BIG_PAGES - 1), 0, 0);
            sink_seen[i] = nova_lookup(&crd) == NOVA_SUCCESS ? crd : ~UINT64_C(0);
        }
    }
    u->head.del = nova_crd_mem(WINDOW_PAGE, WINDOW_ORDER, NOVA_PERM_MEM_R | NOVA_PERM_MEM_W);
    u->head.items = nova_utcb_items(0, 0);
    nova_reply(SINK_SP);
}

/* The root EC's #UD handler: steps over the two bytes of ud2. */
__attribute__((noinline, noreturn))
static void exc_entry(uint64_t pid)
{
    (void)pid;
    struct nova_utcb *u = (struct nova_utcb *)EXC_UTCB;
    u->data.arch.rip += 2;
    u->data.arch.mtd = NOVA_MTD_EIP;
    u->head.items = nova_utcb_items(0, 0);
    nova_reply(EXC_SP);
}

/* The global EC of the SC figure: should one of the SCs made for it ever
 * run (the root's quantum ran out), it starts here and blocks for good, so
 * that the next SC finds it as before. */
__attribute__((noinline, noreturn))
static void gec_park(void)
{
    for (;;)
        nova_sm_ctrl(SEL_PARK_SM, NOVA_FLAG_SM_CTRL_DN);
}

__attribute__((noinline, noreturn))
static void startup_entry(uint64_t pid)
{
    (void)pid;
    struct nova_utcb *u = (struct nova_utcb *)STARTUP_UTCB;
    u->data.arch.rip = (uintptr_t)gec_park;
    u->data.arch.rsp = GEC_SP;
    u->data.arch.mtd = NOVA_MTD_EIP | NOVA_MTD_ESP;
    u->head.items = nova_utcb_items(0, 0);
    nova_reply(STARTUP_SP);
}

/*
 * Pager, a local EC in the root PD: entered through the child's page-fault
 * portal with the fault address in qual[1]. It replies with one delegate
 * item for the root PD's page at that address, placed by the hotspot at the
 * same address in the child, and MTD 0 so the faulting EC retries.
 */
__attribute__((noinline, noreturn))
static void pager_entry(uint64_t pid)
{
    (void)pid;
    struct nova_utcb *u = (struct nova_utcb *)PAGER_UTCB;
    uint64_t addr = u->data.arch.qual[1], page = addr / PAGE_SIZE;
    uint64_t crd = nova_crd_mem(page, 0, 0);
    enum nova_status s = nova_lookup(&crd);
    if (s != NOVA_SUCCESS || nova_crd_type(crd) != NOVA_CRD_TYPE_MEM) {
        nova_printf("ipcbench: pager: fault at 0x%lx (ip 0x%lx, error 0x%lx) not backed in the root PD "
                    "(lookup status %u)\n", addr, u->data.arch.rip, u->data.arch.qual[0], (unsigned)s);
        nova_exit(1);
    }
    if (++pager_faults > MAX_PAGER_FAULTS) {
        nova_printf("ipcbench: pager: %u faults, the last at 0x%lx (ip 0x%lx): delegation does not resolve "
                    "them\n", pager_faults, addr, u->data.arch.rip);
        nova_exit(1);
    }
    u->data.words[NOVA_UTCB_TYPED_CRD_WORD(0)] =
        nova_crd_mem(page, 0, NOVA_PERM_MEM_R | NOVA_PERM_MEM_W | NOVA_PERM_MEM_X);
    u->data.words[NOVA_UTCB_TYPED_ITEM_WORD(0)] = nova_item_delegate(page, 0, 0, 0);
    u->data.arch.mtd = 0;
    u->head.items = nova_utcb_items(0, 1);
    nova_reply(PAGER_SP);
}

/* Replies with one delegate item from the kernel (H bit): BENCH_PORT. */
__attribute__((noinline, noreturn))
static void grant_entry(uint64_t pid)
{
    (void)pid;
    struct nova_utcb *u = (struct nova_utcb *)GRANT_UTCB;
    u->data.words[NOVA_UTCB_TYPED_ITEM_WORD(0)] = nova_item_delegate(BENCH_PORT, 1, 0, 0);
    u->data.words[NOVA_UTCB_TYPED_CRD_WORD(0)] = nova_crd_pio(BENCH_PORT, 0, NOVA_PERM_PIO_A);
    u->head.items = nova_utcb_items(0, 1);
    nova_reply(GRANT_SP);
}

/* The root PD takes BENCH_PORT and uses it once: from now on a switch to
 * or from it changes port permissions. */
static void take_port(unsigned cpu)
{
    check(nova_create_ec(SEL_GRANT_EC, SEL_ROOT_PD, cpu, GRANT_UTCB, GRANT_SP, 0, 0), "create_ec (grant)");
    check(nova_create_pt(SEL_GRANT_PT, SEL_ROOT_PD, SEL_GRANT_EC, 0, (uintptr_t)grant_entry), "create_pt (grant)");
    struct nova_utcb *u = nova_root_utcb();
    u->head.del = nova_crd_pio(0, 16, NOVA_PERM_PIO_A);   /* accept ports anywhere */
    u->head.items = 0;
    check(nova_call(SEL_GRANT_PT, 0), "call (grant a port)");
    u->head.del = nova_crd_null();
    uint64_t crd = nova_crd_pio(BENCH_PORT, 0, 0);
    check(nova_lookup(&crd), "lookup (port)");
    if (crd != nova_crd_pio(BENCH_PORT, 0, NOVA_PERM_PIO_A)) {
        nova_printf("ipcbench: port 0x%x not granted\n", BENCH_PORT);
        nova_exit(1);
    }
    __asm__ volatile("outb %0, %1" : : "a"((uint8_t)0), "Nd"((uint16_t)BENCH_PORT));   /* #GP if not */
}

static void setup(unsigned cpu)
{
    check(nova_create_ec(SEL_PAGER_EC, SEL_ROOT_PD, cpu, PAGER_UTCB, PAGER_SP, 0, 0), "create_ec (pager)");
    check(nova_create_pt(SEL_PF_PT, SEL_ROOT_PD, SEL_PAGER_EC, NOVA_MTD_QUAL | NOVA_MTD_EIP,
                         (uintptr_t)pager_entry), "create_pt (page-fault portal)");
    /* the whole mask: the event selectors hold portals and whatever else lands there */
    check(nova_create_pd(SEL_CHILD_PD, SEL_ROOT_PD, nova_crd_obj(SEL_CHILD_EVT, 5, NOVA_CRD_MASK_MAX)),
          "create_pd (server PD)");
    check(nova_create_ec(SEL_SERVER_EC, SEL_CHILD_PD, cpu, SERVER_UTCB, SERVER_SP, 0, 0), "create_ec (server)");
    check(nova_create_pt(SEL_SERVER_PT0, SEL_ROOT_PD, SEL_SERVER_EC, 0, (uintptr_t)server_entry),
          "create_pt (server, U=0)");
    check(nova_pt_ctrl(SEL_SERVER_PT0, 0), "pt_ctrl (server, U=0)");
    check(nova_create_pt(SEL_SERVER_PT8, SEL_ROOT_PD, SEL_SERVER_EC, 0, (uintptr_t)server_entry),
          "create_pt (server, U=8)");
    check(nova_pt_ctrl(SEL_SERVER_PT8, 8), "pt_ctrl (server, U=8)");
    check(nova_create_pt(SEL_SERVER_PTM, SEL_ROOT_PD, SEL_SERVER_EC, 0, (uintptr_t)server_entry),
          "create_pt (server, U=max)");
    check(nova_pt_ctrl(SEL_SERVER_PTM, UMAX), "pt_ctrl (server, U=max)");
    check(nova_create_ec(SEL_SINK_EC, SEL_CHILD_PD, cpu, SINK_UTCB, SINK_SP, 0, 0), "create_ec (sink)");
    check(nova_create_pt(SEL_SINK_PT, SEL_ROOT_PD, SEL_SINK_EC, 0, (uintptr_t)sink_entry), "create_pt (sink)");
    check(nova_create_ec(SEL_LOCAL_EC, SEL_ROOT_PD, cpu, LOCAL_UTCB, LOCAL_SP, 0, 0), "create_ec (local server)");
    static const struct { uint64_t sel, words; } local_pts[] = {
        { SEL_LOCAL_PT0, 0 }, { SEL_LOCAL_PT8, 8 }, { SEL_LOCAL_PTM, UMAX } };
    for (unsigned i = 0; i < 3; i++) {
        check(nova_create_pt(local_pts[i].sel, SEL_ROOT_PD, SEL_LOCAL_EC, 0, (uintptr_t)local_entry),
              "create_pt (local server)");
        check(nova_pt_ctrl(local_pts[i].sel, local_pts[i].words), "pt_ctrl (local server)");
    }
}

/* Shell sort (Ciura's gaps): in place, no recursion. */
static void sort(uint64_t *a, unsigned n)
{
    static const unsigned gaps[] = { 1750, 701, 301, 132, 57, 23, 10, 4, 1 };
    for (unsigned g = 0; g < sizeof gaps / sizeof gaps[0]; g++) {
        unsigned gap = gaps[g];
        for (unsigned i = gap; i < n; i++) {
            uint64_t v = a[i];
            unsigned j = i;
            for (; j >= gap && a[j - gap] > v; j -= gap)
                a[j] = a[j - gap];
            a[j] = v;
        }
    }
}

static void report(const char *what, unsigned n);

/*
 * VM exit round trip. The guest is a real-mode loop of CPUID on a page of
 * this ELF's text (page-aligned, executable here, so executable for the
 * guest: a delegation keeps the source's rights), given with the G bit at
 * guest-physical GUEST_GPA in the reply to STARTUP, which also turns the
 * CPUID intercept on (MTD CTRL, primary control bit 18 = exit 0x72). The
 * VMM handler is a local EC in the root PD with a portal for every exit
 * number; for CPUID it reads the TSC, advances RIP by the instruction length
 * and replies. A sample is the TSC difference between two consecutive
 * handler entries: exit, portal, handler, reply, VMRUN and the guest's
 * CPUID and jump, once each.
 */
__asm__(".pushsection .text.vmguest, \"ax\"\n"
        ".balign 4096\n"
        "vm_guest:\n"
        ".code16\n"
        "1: cpuid\n"
        "   jmp 1b\n"
        ".code64\n"
        ".balign 4096\n"
        ".popsection\n");
extern const uint8_t vm_guest[];

static volatile unsigned vm_exits;
static uint64_t vm_last_tsc;

static struct nova_utcb_seg real_seg(bool code)
{
    return (struct nova_utcb_seg){ .sel = 0, .ar = code ? 0x9b : 0x93, .limit = 0xffff, .base = 0 };
}

__attribute__((noinline, noreturn))
static void vmm_entry(uint64_t pid)
{
    uint64_t now = rdtsc();
    struct nova_utcb *u = (struct nova_utcb *)VMM_UTCB;
    struct nova_utcb_arch *a = &u->data.arch;
    unsigned exit = (unsigned)(pid & 0xff);
    u->head.items = nova_utcb_items(0, 0);
    if (exit == NOVA_SVM_EXIT_CPUID) {
        unsigned n = vm_exits++;
        if (n == WARMUP + 1)
            trace_end();   /* the traced sample: from one handler entry to the next */
        else if (n == WARMUP)
            trace_begin();
        if (n > WARMUP)
            samples[n - WARMUP - 1] = now - vm_last_tsc;
        vm_last_tsc = now;
        if (n == WARMUP + ITERATIONS) {
            nova_sm_ctrl(SEL_VM_DONE, 0);
            for (;;)
                nova_sm_ctrl(SEL_VM_NEVER, NOVA_FLAG_SM_CTRL_DN);
        }
        a->rip += a->inst_len;
        a->mtd = NOVA_MTD_EIP;
        nova_reply(VMM_SP);
    }
    if (exit != NOVA_SVM_EXIT_STARTUP) {
        nova_printf("ipcbench: unexpected VM exit 0x%x at rip 0x%lx\n", exit, a->rip);
        nova_exit(1);
    }
    a->mtd = NOVA_MTD_EIP | NOVA_MTD_EFL | NOVA_MTD_CS_SS | NOVA_MTD_DS_ES | NOVA_MTD_CTRL;
    a->rip = GUEST_GPA;
    a->rflags = 2;
    a->cs = real_seg(true);
    a->ss = a->ds = a->es = real_seg(false);
    a->ctrl[0] = 1u << 18;   /* CPUID */
    a->ctrl[1] = 0;
    a->ptmr = 0;
    u->data.words[NOVA_UTCB_TYPED_ITEM_WORD(0)] = nova_item_delegate(GUEST_GPA / PAGE_SIZE, 0, 1, 0);
    u->data.words[NOVA_UTCB_TYPED_CRD_WORD(0)] =
        nova_crd_mem((uintptr_t)vm_guest / PAGE_SIZE, 0, NOVA_PERM_MEM_R | NOVA_PERM_MEM_X);
    u->head.items = nova_utcb_items(0, 1);
    nova_reply(VMM_SP);
}

static void bench_vm_exit(const struct nova_hip *hip, unsigned cpu)
{
    const char *what = "VM exit (CPUID) handled by a VMM portal and resumed";
    if (!(hip->flags & NOVA_HIP_FEATURES_SVM)) {
        nova_printf("ipcbench: %s: skipped, no SVM\n", what);
        return;
    }
    check(nova_create_ec(SEL_VMM_EC, SEL_ROOT_PD, cpu, VMM_UTCB, VMM_SP, 0, 0), "create_ec (VMM handler)");
    for (unsigned e = 0; e < 256; e++) {
        check(nova_create_pt(SEL_VM_EVT + e, SEL_ROOT_PD, SEL_VMM_EC, NOVA_MTD_EIP, (uintptr_t)vmm_entry),
              "create_pt (VM exit)");
        check(nova_pt_ctrl(SEL_VM_EVT + e, e), "pt_ctrl (VM exit)");
    }
    check(nova_create_sm(SEL_VM_DONE, SEL_ROOT_PD, 0), "create_sm");
    check(nova_create_sm(SEL_VM_NEVER, SEL_ROOT_PD, 0), "create_sm");
    check(nova_create_pd(SEL_VM_PD, SEL_ROOT_PD, nova_crd_obj(SEL_VM_EVT, 8, 0x1f)), "create_pd (VM)");
    check(nova_create_ec(SEL_VCPU, SEL_VM_PD, cpu, 0, 0, 0, 0), "create_ec (vCPU)");
    check(nova_create_sc(SEL_VCPU_SC, SEL_ROOT_PD, SEL_VCPU, nova_qpd(10000, 1)), "create_sc (vCPU)");
    check(nova_sm_ctrl(SEL_VM_DONE, NOVA_FLAG_SM_CTRL_DN), "sm_ctrl (wait for the VM)");
    report(what, ITERATIONS);
}

/* A figure, as a line for people and as a JSON object on a line of its own
 * (names hold no quote or backslash, so they need no escaping). */
static void report_of(const char *what, uint64_t *s, unsigned n)
{
    sort(s, n);
    uint64_t median = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    nova_printf("ipcbench: %s: min %lu median %lu cycles (%u iterations)\n", what, s[0], median, n);
    nova_printf("{\"name\": \"%s\", \"min\": %lu, \"median\": %lu, \"iterations\": %u}\n", what, s[0], median,
                n);
}

static void report(const char *what, unsigned n) { report_of(what, samples, n); }

static void call_checked(uint64_t pt, unsigned flags, unsigned words, const char *what)
{
    enum nova_status s = nova_call(pt, flags);
    if (s != NOVA_SUCCESS) {
        nova_printf("ipcbench: call (%s) failed: status %u (%s)\n", what, (unsigned)s, status_name(s));
        nova_exit(1);
    }
    unsigned got = (unsigned)nova_utcb_items_u(nova_root_utcb()->head.items);
    if (got != words) {
        nova_printf("ipcbench: call (%s): reply has %u untyped words, expected %u\n", what, got, words);
        nova_exit(1);
    }
}

static void bench_call(const char *what, bool same_pd, unsigned flags, unsigned words)
{
    struct nova_utcb *u = nova_root_utcb();
    uint64_t pt = words == 0 ? SEL_SERVER_PT0 : words == 8 ? SEL_SERVER_PT8 : SEL_SERVER_PTM;
    if (same_pd)
        pt = words == 0 ? SEL_LOCAL_PT0 : words == 8 ? SEL_LOCAL_PT8 : SEL_LOCAL_PTM;
    for (unsigned i = 0; i < words; i++)
        u->data.words[i] = 0x1000 + i;
    for (unsigned i = 0; i < WARMUP; i++) {
        u->head.items = nova_utcb_items(words, 0);
        call_checked(pt, flags, words, what);
    }
    for (unsigned i = 0; i < ITERATIONS; i++) {
        u->head.items = nova_utcb_items(words, 0);
        trace_begin();
        uint64_t t0 = rdtsc();
        enum nova_status s = nova_call(pt, flags);
        uint64_t t1 = rdtsc();
        trace_end();
        if (s != NOVA_SUCCESS) {
            nova_printf("ipcbench: call (%s) failed in iteration %u: status %u (%s)\n", what, i, (unsigned)s,
                        status_name(s));
            nova_exit(1);
        }
        samples[i] = t1 - t0;
    }
    report(what, ITERATIONS);
}

static void bench_null(void)
{
    const char *what = "null hypercall (lookup of a null CRD)";
    for (unsigned i = 0; i < WARMUP + ITERATIONS; i++) {
        uint64_t crd = nova_crd_null();
        bool traced = i == WARMUP;
        if (traced)
            trace_begin();
        uint64_t t0 = rdtsc();
        enum nova_status s = nova_lookup(&crd);
        uint64_t t1 = rdtsc();
        if (traced)
            trace_end();
        check(s, "lookup (null CRD)");
        if (i >= WARMUP)
            samples[i - WARMUP] = t1 - t0;
    }
    report(what, ITERATIONS);
}

/* Every call+reply figure: same-PD and cross-PD, donating or not, U = 0, 8
 * and UMAX; the names of the cross-PD ones with U = 0 and 8 are those
 * ipcbench always had (tests/bench/budgets.toml keys on them). */
#define CALL_NAMES(pd, suffix)                                                                    \
    { "call+reply " pd " donating U=0" suffix, "call+reply " pd " donating U=8" suffix,            \
      "call+reply " pd " donating U=508" suffix, "call+reply " pd " non-donating U=0" suffix,      \
      "call+reply " pd " non-donating U=8" suffix, "call+reply " pd " non-donating U=508" suffix }
_Static_assert(UMAX == 508, "the figure names say U=508");
static const char *const call_names[2][2][6] = {
    { CALL_NAMES("cross-PD", ""), CALL_NAMES("same-PD", "") },
    { CALL_NAMES("cross-PD", ", caller holds a port"), CALL_NAMES("same-PD", ", caller holds a port") },
};

/* The cross-PD figures first, in the order ipcbench always printed them. */
static void bench_calls(bool port)
{
    static const unsigned words[3] = { 0, 8, UMAX };
    for (unsigned same = 0; same < 2; same++)
        for (unsigned dd = 0; dd < 2; dd++)
            for (unsigned w = 0; w < 3; w++)
                bench_call(call_names[port][same][dd * 3 + w], same, dd ? NOVA_FLAG_CALL_DD : 0, words[w]);
}

static void bench_sm(void)
{
    check(nova_create_sm(SEL_BENCH_SM, SEL_ROOT_PD, 0), "create_sm (bench)");
    for (unsigned i = 0; i < WARMUP + ITERATIONS; i++) {
        bool measured = i >= WARMUP;
        if (measured)
            trace_begin();
        uint64_t t0 = rdtsc();
        enum nova_status up = nova_sm_ctrl(SEL_BENCH_SM, 0);
        enum nova_status dn = nova_sm_ctrl(SEL_BENCH_SM, NOVA_FLAG_SM_CTRL_DN);
        uint64_t t1 = rdtsc();
        if (measured)
            trace_end();
        check(up, "sm_ctrl up");
        check(dn, "sm_ctrl down");
        if (measured)
            samples[i - WARMUP] = t1 - t0;
    }
    report("semaphore up+down", ITERATIONS);
}

static void bench_exception(unsigned cpu)
{
    check(nova_create_ec(SEL_EXC_EC, SEL_ROOT_PD, cpu, EXC_UTCB, EXC_SP, 0, 0), "create_ec (#UD handler)");
    check(nova_create_pt(SEL_EXC_PT, SEL_ROOT_PD, SEL_EXC_EC, NOVA_MTD_EIP, (uintptr_t)exc_entry),
          "create_pt (#UD portal)");
    for (unsigned i = 0; i < WARMUP + ITERATIONS; i++) {
        bool measured = i >= WARMUP;
        if (measured)
            trace_begin();
        uint64_t t0 = rdtsc();
        __asm__ volatile("ud2" ::: "memory");
        uint64_t t1 = rdtsc();
        if (measured) {
            trace_end();
            samples[i - WARMUP] = t1 - t0;
        }
    }
    report("exception (#UD) round trip to a handler portal", ITERATIONS);
}

/* Delegate `pages` pages (1 or BIG_PAGES) from `base` to the sink in the
 * child PD, in a call with one delegate item, then revoke them from there. */
static void bench_delegate(const char *what_delegate, const char *what_revoke, const uint8_t *base, unsigned order)
{
    struct nova_utcb *u = nova_root_utcb();
    uint64_t crd = nova_crd_mem((uintptr_t)base / PAGE_SIZE, order, NOVA_PERM_MEM_R | NOVA_PERM_MEM_W);
    unsigned n = order ? BIG_ITERATIONS : ITERATIONS;
    for (unsigned i = 0; i < WARMUP + n; i++) {
        bool measured = i >= WARMUP;
        u->data.words[NOVA_UTCB_TYPED_CRD_WORD(0)] = crd;
        u->data.words[NOVA_UTCB_TYPED_ITEM_WORD(0)] = nova_item_delegate(0, 0, 0, 0);
        u->head.items = nova_utcb_items(0, 1);
        sink_probe = i == WARMUP - 1;
        if (measured)
            trace_begin();
        uint64_t t0 = rdtsc();
        enum nova_status s = nova_call(SEL_SINK_PT, 0);
        uint64_t t1 = rdtsc();
        if (measured)
            trace_end();
        check(s, "call (delegate)");
        if (sink_probe) {
            /* the last warm-up call: what arrived, the window was set by the calls before */
            uint64_t last_type = order ? NOVA_CRD_TYPE_MEM : NOVA_CRD_TYPE_NULL;
            if (nova_crd_base(sink_seen[0]) != WINDOW_PAGE || nova_crd_type(sink_seen[0]) != NOVA_CRD_TYPE_MEM ||
                nova_crd_type(sink_seen[1]) != last_type) {
                nova_printf("ipcbench: %s: the child holds 0x%lx and 0x%lx in its window\n", what_delegate,
                            sink_seen[0], sink_seen[1]);
                nova_exit(1);
            }
        }
        if (measured)
            trace_begin();
        uint64_t t2 = rdtsc();
        s = nova_revoke(crd, 0);
        uint64_t t3 = rdtsc();
        if (measured)
            trace_end();
        check(s, "revoke (delegated pages)");
        if (measured) {
            samples[i - WARMUP] = t1 - t0;
            samples2[i - WARMUP] = t3 - t2;
        }
    }
    report_of(what_delegate, samples, n);
    report_of(what_revoke, samples2, n);
}

/* Create an object at SEL_NEW, then destroy it by revoking its only capability. */
enum kind { KIND_PD, KIND_EC, KIND_SC, KIND_PT, KIND_SM };

static enum nova_status create(enum kind k, unsigned cpu)
{
    switch (k) {
    case KIND_PD: return nova_create_pd(SEL_NEW, SEL_ROOT_PD, nova_crd_null());
    case KIND_EC: return nova_create_ec(SEL_NEW, SEL_ROOT_PD, cpu, NEW_UTCB, LOCAL_SP, 0, 0);
    case KIND_SC: return nova_create_sc(SEL_NEW, SEL_ROOT_PD, SEL_GEC, nova_qpd(1000, 1));
    case KIND_PT: return nova_create_pt(SEL_NEW, SEL_ROOT_PD, SEL_LOCAL_EC, 0, (uintptr_t)local_entry);
    case KIND_SM: return nova_create_sm(SEL_NEW, SEL_ROOT_PD, 0);
    }
    return NOVA_BAD_PAR;
}

static void bench_objects(unsigned cpu)
{
    static const struct { const char *create, *destroy; uint64_t perms; } kinds[] = {
        [KIND_PD] = { "create PD", "destroy PD", NOVA_PERM_PD_ALL },
        [KIND_EC] = { "create EC (local)", "destroy EC (local)", NOVA_PERM_EC_ALL },
        [KIND_SC] = { "create SC", "destroy SC", NOVA_PERM_SC_ALL },
        [KIND_PT] = { "create PT", "destroy PT", NOVA_PERM_PT_ALL },
        [KIND_SM] = { "create SM", "destroy SM", NOVA_PERM_SM_ALL },
    };
    /* the SCs' EC: global, with a STARTUP portal that parks it should it run */
    check(nova_create_sm(SEL_PARK_SM, SEL_ROOT_PD, 0), "create_sm (park)");
    check(nova_create_ec(SEL_STARTUP_EC, SEL_ROOT_PD, cpu, STARTUP_UTCB, STARTUP_SP, 0, 0),
          "create_ec (STARTUP handler)");
    check(nova_create_pt(SEL_GEC_EVT + NOVA_EVT_STARTUP, SEL_ROOT_PD, SEL_STARTUP_EC, 0, (uintptr_t)startup_entry),
          "create_pt (STARTUP)");
    check(nova_create_ec(SEL_GEC, SEL_ROOT_PD, cpu, GEC_UTCB, GEC_SP, SEL_GEC_EVT, NOVA_FLAG_CREATE_EC_G),
          "create_ec (global)");
    for (unsigned k = KIND_PD; k <= KIND_SM; k++) {
        uint64_t crd = nova_crd_obj(SEL_NEW, 0, kinds[k].perms);
        for (unsigned i = 0; i < WARMUP + HEAVY_ITERATIONS; i++) {
            bool measured = i >= WARMUP;
            if (measured)
                trace_begin();
            uint64_t t0 = rdtsc();
            enum nova_status s = create((enum kind)k, cpu);
            uint64_t t1 = rdtsc();
            if (measured)
                trace_end();
            check(s, kinds[k].create);
            if (measured)
                trace_begin();
            uint64_t t2 = rdtsc();
            s = nova_revoke(crd, NOVA_FLAG_REVOKE_SR);
            uint64_t t3 = rdtsc();
            if (measured)
                trace_end();
            check(s, kinds[k].destroy);
            if (measured) {
                samples[i - WARMUP] = t1 - t0;
                samples2[i - WARMUP] = t3 - t2;
            }
        }
        uint64_t look = nova_crd_obj(SEL_NEW, 0, 0);
        check(nova_lookup(&look), "lookup (destroyed object)");
        if (look != nova_crd_null()) {
            nova_printf("ipcbench: %s: selector 0x%x still holds 0x%lx\n", kinds[k].destroy, SEL_NEW, look);
            nova_exit(1);
        }
        report_of(kinds[k].create, samples, HEAVY_ITERATIONS);
        report_of(kinds[k].destroy, samples2, HEAVY_ITERATIONS);
    }
}

int main(const struct nova_hip *hip, unsigned cpu)
{
    nova_printf("ipcbench: CPU %u, TSC %u kHz, %u iterations per figure (fewer for the costly ones)\n", cpu,
                hip->tsc_freq_khz, ITERATIONS);
    setup(cpu);
    /* First call: the server's pages arrive through the pager. */
    nova_root_utcb()->head.items = nova_utcb_items(0, 0);
    call_checked(SEL_SERVER_PT0, 0, 0, "first call");
    nova_printf("ipcbench: server PD running after %u page faults\n", pager_faults);

    bench_calls(false);
    bench_null();
    bench_sm();
    bench_exception(cpu);
    bench_delegate("delegate 1 page to another PD (call with one item)", "revoke 1 page from another PD", one_page, 0);
#ifndef IPCBENCH_TRACE   /* with the warm-up, millions of instructions: too many to log */
    bench_delegate("delegate 512 pages to another PD (call with one item)", "revoke 512 pages from another PD",
                   big_pages, WINDOW_ORDER);
#endif
    bench_objects(cpu);
    take_port(cpu);
    bench_calls(true);
    bench_vm_exit(hip, cpu);
    if (pager_faults > 8)
        nova_printf("ipcbench: note: %u page faults in all\n", pager_faults);
    nova_printf("ipcbench: done\n");
    nova_exit(0);
}
