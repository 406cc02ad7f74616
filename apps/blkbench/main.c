/*
 * blkbench: figures of the virtio-blk driver core (libs/virtio) as a root
 * task, which holds everything and so plays the root server's part itself
 * (as apps/testsuite/test_virtio_blk.c does, with whose ACPI and
 * self-delegation helpers it is built). `ninja bench-blk` runs it under
 * -icount shift=0,align=off,sleep=off, where one TSC tick is one retired
 * instruction (tools/bench-blk).
 *
 * The requests run in a global EC of the root PD at BENCH_PRIORITY; the root
 * EC itself, at the root's priority 1, the lowest, spins meanwhile and
 * keeps writing the TSC into `spin_tsc`. So while the driver waits for its
 * MSI the CPU runs the spinner, and the interrupt preempts it:
 *
 *  - interrupt to driver: from the spinner's last TSC reading to the
 *    driver's first instruction after its down on the MSI semaphore returns
 *    (interrupt entry, the kernel's up, the switch to the driver's EC, the
 *    return to user mode). Only requests where the driver blocked count.
 *  - per request, the driver CPU's own instructions: the TSC ticks of the
 *    whole request less the spinner's (it adds up the ticks between its
 *    readings that are no gap; that time depends on how fast the host does
 *    the I/O). What remains is the driver's code, its hypercalls, the
 *    switches to and from the spinner and the interrupt's delivery: the
 *    CPU's cost of the request. From it the throughput: bytes moved per
 *    1000 of those instructions. Under TCG the device sometimes completes
 *    before the driver looks (the vCPU waits for QEMU's I/O thread while
 *    virtual time stands still), so the two cases are separate figures;
 *    requests that waited more than once are left out.
 *  - per request, TSC ticks in all: what the caller waits, device included
 *    (under icount only indicative: the device works in host time).
 *
 * Each figure is printed as a line and as a JSON object on a line of its
 * own ({"name", "min", "median", "iterations"}, as ipcbench's), for
 * tools/bench-table. For throughput, min and median are those of the
 * per-request throughputs. Without a virtio-blk device behind an IOMMU it
 * says so and ends.
 */
#include <string.h>
#include <virtio/blk.h>
#include "../testsuite/acpi.h"
#include "../testsuite/self_delegate.h"
#include "../testsuite/test.h"

#define DMA_VA          UINT64_C(0x0000005000000000)   /* below 512 GiB: a 3-level VT-d unit reaches it */
#define BACKING         (2u << 20)
#define QUEUE           (64u << 10)
#define DATA_VA         (DMA_VA + QUEUE)
#define DATA            (BACKING - QUEUE)

#define BENCH_PRIORITY  10u
#define SEL_SM          0x7000u
#define SEL_BENCH_EC    0x7001u
#define SEL_BENCH_SC    0x7002u
#define SEL_STARTUP_EC  0x7003u
#define SEL_PARK_SM     0x7004u
#define SEL_BENCH_EVT   0x7100u                        /* its event block: the STARTUP portal */
#define BENCH_UTCB      UINT64_C(0x0000200000010000)
#define STARTUP_UTCB    UINT64_C(0x0000200000011000)

#define SPIN_GAP        100u
#define LATENCIES       64u
#define LATENCY_TRIES   512u
#define ITERATIONS      32u
#define WARMUP          4u

static uint8_t backing[BACKING] __attribute__((aligned(4096)));
static uint8_t bench_stack[16384] __attribute__((aligned(16)));
static uint8_t startup_stack[4096] __attribute__((aligned(16)));
static struct virtio_blk blk;
static volatile uint64_t spin_tsc, spin_ticks;   /* the spinner's last reading, and the ticks it ran in all */
static volatile int bench_done;
static bool failed;

/* the suite's helpers report failed checks here */
void test_fail(const char *file, int line, const char *what, uint64_t a, uint64_t b)
{
    failed = true;
    nova_printf("blkbench: %s:%d: %s failed (0x%lx, 0x%lx)\n", file, line, what, a, b);
}
bool test_failed(void) { return failed; }

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi) : : "memory");
    return (uint64_t)hi << 32 | lo;
}

static bool check(enum nova_status s, const char *what)
{
    if (s != NOVA_SUCCESS) {
        nova_printf("blkbench: %s failed (status %d)\n", what, (int)s);
        failed = true;
    }
    return s == NOVA_SUCCESS;
}

/* find the device, assign it, an MSI GSI, D memory, the driver; a reason if not */
static const char *setup(void)
{
    acpi_probe();
    if (!acpi.ecam_page)
        return "no ACPI MCFG";
    unsigned f = ~0u;
    for (unsigned g = 0; g < ECAM_PAGES && f == ~0u; g++)
        if (*(volatile uint32_t *)(uintptr_t)(cfg_sel(g) << 12) ==
            (VIRTIO_PCI_VENDOR | VIRTIO_PCI_MODERN_ID(VIRTIO_ID_BLOCK) << 16))
            f = g;
    if (f == ~0u)
        return "no virtio-blk device";
    if (!acpi.dmar)
        return "no IOMMU";
    uint64_t cfg = take_phys_perms(acpi.ecam_phys + ((uint64_t)f << 12), 0, NOVA_PERM_MEM_R | NOVA_PERM_MEM_W);
    if (!cfg || !check(nova_assign_pci(SEL_ROOT_PD, cfg, 0), "assign_pci"))
        return "the device could not be assigned";
    unsigned cpus = (nova_boot_hip->mem_offs - nova_boot_hip->cpu_offs) / nova_boot_hip->cpu_size;
    uint64_t ma = 0, md = 0;
    if (!check(delegate_to_self(nova_crd_obj(cpus + nova_boot_hip->gsi - 1, 0, PERM_ANY), SEL_SM, true,
                                nova_crd_obj(SEL_SM, 0, PERM_ANY)),
               "taking an MSI GSI") ||
        !check(nova_assign_gsi(SEL_SM, cfg, nova_boot_cpu, &ma, &md), "assign_gsi"))
        return "no interrupt";
    uint64_t perms = NOVA_PERM_MEM_R | NOVA_PERM_MEM_W;
    for (unsigned i = 0; i < BACKING / 4096; i++)
        if (!check(delegate_to_self_dma(nova_crd_mem(((uintptr_t)backing >> 12) + i, 0, perms), 0, false,
                                        nova_crd_mem((DMA_VA >> 12) + i, 0, perms)),
                   "delegating DMA memory"))
            return "no DMA memory";
    struct virtio_hw hw = {
        .cfg = (volatile uint8_t *)(uintptr_t)(cfg << 12),
        .map_bar = root_map_bar,
        .dma_va = DMA_VA,
        .dma_size = QUEUE,
        .irq_sm = SEL_SM,
        .msi_addr = ma,
        .msi_data = md,
    };
    enum virtio_blk_result r = virtio_blk_init(&blk, &hw);
    if (r != VIRTIO_BLK_OK)
        return virtio_blk_strerror(r);
    if (virtio_blk_add_window(&blk, DATA_VA, DATA) != VIRTIO_BLK_OK)
        return "no window";
    return 0;
}

/* ---- the samples, taken by the bench EC ---- */
enum { SIZES = 3 };
static const uint32_t sizes[SIZES] = { 4096, 65536, 1u << 20 };
static uint64_t own_nowait[2][SIZES][ITERATIONS], own_wait[2][SIZES][ITERATIONS], total[2][SIZES][ITERATIONS];
static unsigned nowaits[2][SIZES], waited[2][SIZES];
static uint64_t latency[2 * SIZES * ITERATIONS + LATENCIES];
static unsigned latencies;
static enum virtio_blk_result bench_error;

static void bench_body(void)
{
    for (unsigned write = 0; write < 2; write++)
        for (unsigned s = 0; s < SIZES; s++) {
            uint32_t count = sizes[s] / VIRTIO_BLK_SECTOR;
            uint64_t sector = 0;
            for (unsigned i = 0; i < WARMUP + ITERATIONS; i++) {
                if (sector + count > blk.capacity)
                    sector = 0;
                uint64_t waits = blk.waits, spun0 = spin_ticks;
                uint64_t t0 = rdtsc();
                enum virtio_blk_result r = write ? virtio_blk_write(&blk, sector, (void *)(uintptr_t)DATA_VA, count)
                                                 : virtio_blk_read(&blk, sector, (void *)(uintptr_t)DATA_VA, count);
                uint64_t t1 = rdtsc();
                if (r != VIRTIO_BLK_OK) {
                    bench_error = r;
                    return;
                }
                sector += count;
                if (i < WARMUP)
                    continue;
                total[write][s][i - WARMUP] = t1 - t0;
                /* the driver CPU's own instructions: all but the spinner's */
                uint64_t spun = spin_ticks - spun0, last = spin_tsc;
                if (blk.waits == waits)
                    own_nowait[write][s][nowaits[write][s]++] = t1 - t0;
                else if (blk.waits == waits + 1)
                    own_wait[write][s][waited[write][s]++] = t1 - t0 - spun;
                /* the interrupt that ended the only wait came while the spinner ran */
                if (blk.waits == waits + 1 && last > blk.block_tsc && last < blk.wake_tsc)
                    latency[latencies++] = blk.wake_tsc - last;
            }
        }
}

/* More interrupt latencies: 1 MiB writes (the ones that most often outlast
 * the driver's first look) until LATENCIES samples or LATENCY_TRIES requests */
static void latency_body(void)
{
    uint32_t count = (1u << 20) / VIRTIO_BLK_SECTOR;
    for (unsigned i = 0; i < LATENCY_TRIES && latencies < LATENCIES && !bench_error; i++) {
        uint64_t sector = (uint64_t)(i % 8) * count % (blk.capacity - count + 1);
        uint64_t waits = blk.waits;
        enum virtio_blk_result r = virtio_blk_write(&blk, sector, (void *)(uintptr_t)DATA_VA, count);
        uint64_t last = spin_tsc;
        if (r != VIRTIO_BLK_OK)
            bench_error = r;
        else if (blk.waits == waits + 1 && last > blk.block_tsc && last < blk.wake_tsc)
            latency[latencies++] = blk.wake_tsc - last;
    }
}

__attribute__((noreturn)) static void bench_entry(void)
{
    bench_body();
    if (!bench_error)
        latency_body();
    bench_done = 1;
    for (;;)
        nova_sm_ctrl(SEL_PARK_SM, NOVA_FLAG_SM_CTRL_DN);
}

__attribute__((noreturn)) static void startup_entry(uint64_t pid)
{
    (void)pid;
    struct nova_utcb *u = (struct nova_utcb *)STARTUP_UTCB;
    u->data.arch.rip = (uintptr_t)bench_entry;
    u->data.arch.rsp = (uintptr_t)bench_stack + sizeof bench_stack - 8;
    u->data.arch.mtd = NOVA_MTD_EIP | NOVA_MTD_ESP;
    u->head.items = nova_utcb_items(0, 0);
    nova_reply((uintptr_t)startup_stack + sizeof startup_stack - 8);
}

static void sort(uint64_t *s, unsigned n)
{
    for (unsigned i = 1; i < n; i++)
        for (unsigned j = i; j > 0 && s[j - 1] > s[j]; j--) {
            uint64_t t = s[j];
            s[j] = s[j - 1];
            s[j - 1] = t;
        }
}

/* name = a b c */
static void join(char *name, size_t n, const char *a, const char *b, const char *c)
{
    const char *parts[3] = { a, b, c };
    size_t k = 0;
    for (unsigned i = 0; i < 3; i++)
        for (const char *p = parts[i]; *p && k + 1 < n; p++)
            name[k++] = *p;
    name[k] = 0;
}

static void report(const char *what, const char *unit, uint64_t *s, unsigned n)
{
    sort(s, n);
    uint64_t median = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    nova_printf("blkbench: %s: min %lu median %lu %s (%u iterations)\n", what, s[0], median, unit, n);
    nova_printf("{\"name\": \"%s\", \"min\": %lu, \"median\": %lu, \"iterations\": %u}\n", what, s[0], median, n);
}

int main(const struct nova_hip *hip, unsigned cpu)
{
    (void)hip;
    const char *why = setup();
    if (why) {
        nova_printf("blkbench: no figures: %s\n", why);
        nova_printf("blkbench: done\n");
        return 0;
    }
    nova_printf("blkbench: %lu sectors, %s, requests up to %u sectors\n", (unsigned long)blk.capacity,
                blk.irq ? "MSI-X" : "polling", blk.max_sectors);
    memset(backing + QUEUE, 0x5a, DATA);
    /* the bench EC: global, started through its STARTUP portal, at BENCH_PRIORITY */
    if (!check(nova_create_sm(SEL_PARK_SM, SEL_ROOT_PD, 0), "create_sm") ||
        !check(nova_create_ec(SEL_STARTUP_EC, SEL_ROOT_PD, cpu, STARTUP_UTCB,
                              (uintptr_t)startup_stack + sizeof startup_stack - 8, 0, 0),
               "create_ec (STARTUP handler)") ||
        !check(nova_create_pt(SEL_BENCH_EVT + NOVA_EVT_STARTUP, SEL_ROOT_PD, SEL_STARTUP_EC, NOVA_MTD_EIP | NOVA_MTD_ESP,
                              (uintptr_t)startup_entry),
               "create_pt (STARTUP)") ||
        !check(nova_create_ec(SEL_BENCH_EC, SEL_ROOT_PD, cpu, BENCH_UTCB, 0, SEL_BENCH_EVT, NOVA_FLAG_CREATE_EC_G),
               "create_ec (bench)") ||
        !check(nova_create_sc(SEL_BENCH_SC, SEL_ROOT_PD, SEL_BENCH_EC, nova_qpd(10000, BENCH_PRIORITY)),
               "create_sc (bench)")) {
        nova_printf("blkbench: done\n");
        return 1;
    }
    /* the spinner: whenever the bench EC waits, this runs */
    uint64_t prev = rdtsc();
    while (!bench_done) {
        uint64_t t = rdtsc();
        if (t - prev < SPIN_GAP)   /* the loop takes a few instructions: a gap is another EC's time */
            spin_ticks += t - prev;
        prev = t;
        spin_tsc = t;
    }
    if (bench_error) {
        nova_printf("blkbench: a request failed: %s\n", virtio_blk_strerror(bench_error));
        nova_printf("blkbench: done\n");
        return 1;
    }
    static const char *const size_names[SIZES] = { "4 KiB", "64 KiB", "1 MiB" };
    char name[160];
    for (unsigned write = 0; write < 2; write++)
        for (unsigned s = 0; s < SIZES; s++) {
            const char *op = write ? "block write " : "block read ";
            static const char *const how[2] = { ", done before the driver waited", ", the driver waited for the MSI" };
            for (unsigned w = 0; w < 2; w++) {
                unsigned n = w ? waited[write][s] : nowaits[write][s];
                uint64_t *own = w ? own_wait[write][s] : own_nowait[write][s];
                if (!n)
                    continue;
                uint64_t tput[ITERATIONS];
                for (unsigned i = 0; i < n; i++)
                    tput[i] = own[i] ? (uint64_t)sizes[s] * 1000 / own[i] : 0;
                join(name, sizeof name, op, size_names[s], how[w]);
                join(name, sizeof name, name, ": driver CPU instructions per request", "");
                report(name, "instructions", own, n);
                join(name, sizeof name, op, size_names[s], how[w]);
                join(name, sizeof name, name, ": bytes per 1000 driver CPU instructions", "");
                report(name, "bytes", tput, n);
            }
            join(name, sizeof name, op, size_names[s], ": TSC ticks per request, device included");
            report(name, "ticks", total[write][s], ITERATIONS);
        }
    if (latencies)
        report("MSI to driver: ticks from the interrupted spinner to the driver's wake", "ticks", latency, latencies);
    else
        nova_printf("blkbench: no request blocked: no interrupt latency\n");
    nova_printf("blkbench: done\n");
    return failed ? 1 : 0;
}
