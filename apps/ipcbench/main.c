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
 *   words back); and a null hypercall (lookup of a null CRD).
 * Minimum and median are printed. Under QEMU with
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

/* Fresh UTCB addresses: the pager's in the root PD, the server's in the child. */
#define PAGER_UTCB      UINT64_C(0x0000200000000000)
#define SERVER_UTCB     UINT64_C(0x0000300000000000)

#define PAGE_SIZE       4096u
#define ITERATIONS      10000u
#define WARMUP          16u
#define MAX_PAGER_FAULTS 64u                       /* more means the fault is never resolved */

static uint64_t samples[ITERATIONS];

/* Each stack fills whole pages of its own. Handlers are entered like a C
 * function that was just called: RSP = 16-byte aligned top - 8. */
static uint8_t pager_stack[2 * PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static uint8_t server_stack[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
#define PAGER_SP  ((uintptr_t)pager_stack + sizeof pager_stack - 8)
#define SERVER_SP ((uintptr_t)server_stack + sizeof server_stack - 8)

static volatile unsigned pager_faults;

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
    return (uint64_t)hi << 32 | lo;
}

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
        uint64_t t0 = rdtsc();
        enum nova_status s = nova_call(pt, flags);
        uint64_t t1 = rdtsc();
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
        uint64_t t0 = rdtsc();
        enum nova_status s = nova_lookup(&crd);
        uint64_t t1 = rdtsc();
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
    if (pager_faults > 8)
        nova_printf("ipcbench: note: %u page faults in all\n", pager_faults);
    nova_printf("ipcbench: done\n");
    nova_exit(0);
}
