/*
 * ipcbench: the cost of portal IPC and of a null hypercall, in TSC cycles.
 *
 * The root PD is the client. The server is a local EC in a second PD; its
 * code and stack are part of this ELF and run at the same virtual addresses
 * there. That PD starts with no memory: its only capability is a page-fault
 * portal (selector 0xe) bound to a pager EC in the root PD, which answers
 * each fault by delegating the root PD's page at the faulting address
 * (demand paging, spec 3.3 and 4.6.2.2). A few warm-up calls map everything
 * the server touches before measuring.
 *
 * Figures (each over ITERATIONS samples, rdtsc around one hypercall):
 *   call+reply cross-PD, donating and non-donating (DD), with U = 0 and
 *   U = 8 untyped words (the client sends U words, the server echoes U
 *   words back); a null hypercall (lookup of a null CRD); the first again
 *   once the root PD holds an I/O port (H-bit delegation from the kernel),
 *   so that switching between the PDs switches port permissions; and, when the HIP
 *   reports SVM, one VM exit handled by a VMM portal and resumed (see
 *   bench_vm_exit). Minimum and median are printed. Under QEMU with
 * -icount shift=0,align=off,sleep=off one TSC tick is one retired
 * instruction, so the figures are exact and repeatable.
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
#define BENCH_PORT      0x80u                      /* the POST code port: writing it does nothing */
#define GUEST_GPA       0x1000u                    /* where the guest code page appears */

#define PAGE_SIZE       4096u
#ifdef IPCBENCH_TRACE
/* ipcbench_trace, for tools/trace-ipc: one sample per figure, each between
 * the markers trace_begin and trace_end, so that an instruction trace of the
 * whole boot stays small and the script finds the round trips in it. */
#define ITERATIONS      1u
#else
#define ITERATIONS      10000u
#endif
#define WARMUP          16u
#define MAX_PAGER_FAULTS 64u                       /* more means the fault is never resolved */

static uint64_t samples[ITERATIONS + 1];   /* one spare: GCC cannot see that vmm_entry stops in time */

/* Each stack fills whole pages of its own. Handlers are entered like a C
 * function that was just called: RSP = 16-byte aligned top - 8. */
static uint8_t pager_stack[2 * PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static uint8_t server_stack[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static uint8_t vmm_stack[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static uint8_t grant_stack[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
#define GRANT_SP  ((uintptr_t)grant_stack + sizeof grant_stack - 8)
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
    u->head.items = nova_utcb_items(pid & 0xff, 0);
    nova_reply(SERVER_SP);
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

static void report(const char *what, unsigned n)
{
    sort(samples, n);
    uint64_t median = n % 2 ? samples[n / 2] : (samples[n / 2 - 1] + samples[n / 2]) / 2;
    nova_printf("ipcbench: %s: min %lu median %lu cycles (%u iterations)\n", what, samples[0], median, n);
}

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

static void bench_call(const char *what, unsigned flags, unsigned words)
{
    struct nova_utcb *u = nova_root_utcb();
    uint64_t pt = words ? SEL_SERVER_PT8 : SEL_SERVER_PT0;
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

int main(const struct nova_hip *hip, unsigned cpu)
{
    (void)hip;
    nova_printf("ipcbench: CPU %u, TSC %u kHz, %u iterations per figure\n", cpu, hip->tsc_freq_khz, ITERATIONS);
    setup(cpu);
    /* First call: the server's pages arrive through the pager. */
    nova_root_utcb()->head.items = nova_utcb_items(0, 0);
    call_checked(SEL_SERVER_PT0, 0, 0, "first call");
    nova_printf("ipcbench: server PD running after %u page faults\n", pager_faults);

    bench_call("call+reply cross-PD donating U=0", 0, 0);
    bench_call("call+reply cross-PD donating U=8", 0, 8);
    bench_call("call+reply cross-PD non-donating U=0", NOVA_FLAG_CALL_DD, 0);
    bench_call("call+reply cross-PD non-donating U=8", NOVA_FLAG_CALL_DD, 8);
    bench_null();
    take_port(cpu);
    bench_call("call+reply cross-PD donating U=0, caller holds a port", 0, 0);
    bench_vm_exit(hip, cpu);
    if (pager_faults > 8)
        nova_printf("ipcbench: note: %u page faults in all\n", pager_faults);
    nova_printf("ipcbench: done\n");
    nova_exit(0);
}
