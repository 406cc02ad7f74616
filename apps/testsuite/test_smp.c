/* Work across CPUs: ECs bound to the second CPU, calls that would cross
 * CPUs (BAD_CPU), and a semaphore signalled from the other CPU. The suite
 * runs with two CPUs (NOVUM_QEMU_SMP) or more; with one these tests skip. */
#include "support.h"
#include "test.h"

#define SMP_SEL   0x7100
#define UTCB_BASE 0x0000210000000000ull

static uint8_t handler_stack[8192] __attribute__((aligned(16)));
static uint8_t worker_stack[8192] __attribute__((aligned(16)));
static volatile uint64_t worker_cpu_seen;

static uintptr_t top(uint8_t *stack, size_t size) { return (uintptr_t)&stack[size] - 8; }

static void never_entered(uint64_t pid)
{
    (void)pid;
    nova_reply(top(handler_stack, sizeof handler_stack));
}

NOVA_TEST(smp_second_cpu_is_online)
{
    REQUIRE_OTHER_CPU(cpu);
    CHECK(cpu < nova_hip_cpu_count(nova_boot_hip));
}

NOVA_TEST(smp_call_to_another_cpu_answers_bad_cpu)
{
    REQUIRE_OTHER_CPU(cpu);
    REQUIRE_EQ(nova_create_ec(SMP_SEL, SEL_ROOT_PD, cpu, UTCB_BASE, top(handler_stack, sizeof handler_stack), 0, 0),
               NOVA_SUCCESS);
    REQUIRE_EQ(nova_create_pt(SMP_SEL + 1, SEL_ROOT_PD, SMP_SEL, 0, (uintptr_t)never_entered), NOVA_SUCCESS);
    CHECK_EQ(nova_call(SMP_SEL + 1, 0), NOVA_BAD_CPU);
    CHECK_EQ(nova_call(SMP_SEL + 1, NOVA_FLAG_CALL_DD | NOVA_FLAG_CALL_DB), NOVA_BAD_CPU);
}

/* STARTUP handler on the other CPU: start the worker at its function. */
#define STARTUP_UTCB (UTCB_BASE + 0x1000)
static void startup_handler(uint64_t pid)
{
    (void)pid;
    struct nova_utcb *u = (struct nova_utcb *)STARTUP_UTCB;
    u->data.arch.mtd = NOVA_MTD_EIP | NOVA_MTD_ESP | NOVA_MTD_BSD;
    extern void smp_worker(void);
    u->data.arch.rip = (uintptr_t)smp_worker;
    u->data.arch.rsp = top(worker_stack, sizeof worker_stack);
    nova_reply(top(handler_stack, sizeof handler_stack));
}

#define SEL_EVT   (SMP_SEL + 0x20)   /* 32 event selectors, aligned */
#define SEL_DONE  (SMP_SEL + 0x40)
#define SEL_PARK  (SMP_SEL + 0x41)

void smp_worker(void);
void smp_worker(void)
{
    worker_cpu_seen = 1;
    nova_sm_ctrl(SEL_DONE, 0);                   /* wake the root on the boot CPU */
    nova_sm_ctrl(SEL_PARK, NOVA_FLAG_SM_CTRL_DN);  /* and stay blocked */
    for (;;)
        __asm__ volatile("ud2");
}

NOVA_TEST(smp_global_ec_on_other_cpu_wakes_root_through_semaphore)
{
    REQUIRE_OTHER_CPU(cpu);
    uint64_t handler = SMP_SEL + 2, worker = SMP_SEL + 3, sc = SMP_SEL + 4;
    REQUIRE_EQ(nova_create_sm(SEL_DONE, SEL_ROOT_PD, 0), NOVA_SUCCESS);
    REQUIRE_EQ(nova_create_sm(SEL_PARK, SEL_ROOT_PD, 0), NOVA_SUCCESS);
    REQUIRE_EQ(nova_create_ec(handler, SEL_ROOT_PD, cpu, STARTUP_UTCB, top(handler_stack, sizeof handler_stack), 0, 0),
               NOVA_SUCCESS);
    REQUIRE_EQ(nova_create_pt(SEL_EVT + NOVA_EVT_STARTUP, SEL_ROOT_PD, handler, NOVA_MTD_EIP | NOVA_MTD_ESP,
                              (uintptr_t)startup_handler), NOVA_SUCCESS);
    REQUIRE_EQ(nova_create_ec(worker, SEL_ROOT_PD, cpu, UTCB_BASE + 0x2000, top(worker_stack, sizeof worker_stack),
                              SEL_EVT, NOVA_FLAG_CREATE_EC_G), NOVA_SUCCESS);
    REQUIRE_EQ(nova_create_sc(sc, SEL_ROOT_PD, worker, nova_qpd(1000, 1)), NOVA_SUCCESS);
    REQUIRE_EQ(nova_sm_ctrl(SEL_DONE, NOVA_FLAG_SM_CTRL_DN), NOVA_SUCCESS);
    CHECK_EQ(worker_cpu_seen, 1);
    uint64_t us = 0;
    CHECK_EQ(nova_sc_ctrl(sc, &us), NOVA_SUCCESS);
}

/* TLB shootdowns while the other CPU keeps entering the kernel: a revoke
 * that unmaps memory must not wait for a CPU that spins for the kernel
 * lock with interrupts off (it would deadlock). */
#include "self_delegate.h"

#define BUSY_SEL   (SMP_SEL + 0x50)
#define BUSY_EVT   (SMP_SEL + 0x60)
#define ALIAS_PAGE 0x3800000ull
static uint8_t busy_stack[8192] __attribute__((aligned(16)));
static uint8_t busy_handler_stack[8192] __attribute__((aligned(16)));
static volatile uint64_t busy_calls;
static volatile int busy_stop;
static volatile uint64_t shoot_page[512] __attribute__((aligned(4096)));

void smp_busy(void);
void smp_busy(void)
{
    while (!busy_stop) {
        uint64_t crd = nova_crd_null();
        nova_lookup(&crd);
        busy_calls++;
    }
    nova_sm_ctrl(BUSY_SEL + 3, NOVA_FLAG_SM_CTRL_DN);   /* park for good */
    for (;;)
        __asm__ volatile("ud2");
}

#define BUSY_UTCB (UTCB_BASE + 0x10000)
static void busy_startup(uint64_t pid)
{
    (void)pid;
    struct nova_utcb *u = (struct nova_utcb *)BUSY_UTCB;
    u->data.arch.mtd = NOVA_MTD_EIP | NOVA_MTD_ESP;
    u->data.arch.rip = (uintptr_t)smp_busy;
    u->data.arch.rsp = top(busy_stack, sizeof busy_stack);
    nova_reply(top(busy_handler_stack, sizeof busy_handler_stack));
}

NOVA_TEST(smp_shootdowns_while_the_other_cpu_enters_the_kernel)
{
    REQUIRE_OTHER_CPU(cpu);
    REQUIRE_EQ(nova_create_sm(BUSY_SEL + 3, SEL_ROOT_PD, 0), NOVA_SUCCESS);
    REQUIRE_EQ(nova_create_ec(BUSY_SEL, SEL_ROOT_PD, cpu, BUSY_UTCB, top(busy_handler_stack, sizeof busy_handler_stack),
                              0, 0), NOVA_SUCCESS);
    REQUIRE_EQ(nova_create_pt(BUSY_EVT + NOVA_EVT_STARTUP, SEL_ROOT_PD, BUSY_SEL, NOVA_MTD_EIP | NOVA_MTD_ESP,
                              (uintptr_t)busy_startup), NOVA_SUCCESS);
    REQUIRE_EQ(nova_create_ec(BUSY_SEL + 1, SEL_ROOT_PD, cpu, BUSY_UTCB + 0x1000, top(busy_stack, sizeof busy_stack),
                              BUSY_EVT, NOVA_FLAG_CREATE_EC_G), NOVA_SUCCESS);
    REQUIRE_EQ(nova_create_sc(BUSY_SEL + 2, SEL_ROOT_PD, BUSY_SEL + 1, nova_qpd(1000, 1)), NOVA_SUCCESS);
    REQUIRE(spin_until_ge(&busy_calls, 100));   /* the other CPU is in its loop */
    uint64_t src = (uintptr_t)shoot_page >> 12;
    for (unsigned i = 0; i < 300; i++) {
        REQUIRE_EQ(delegate_to_self(nova_crd_mem(src, 0, 0x3), ALIAS_PAGE, false, nova_crd_mem(ALIAS_PAGE, 0, 0x7)),
                   NOVA_SUCCESS);
        REQUIRE_EQ(nova_revoke(nova_crd_mem(src, 0, 0x7), 0), NOVA_SUCCESS);   /* unmaps: a shootdown */
    }
    uint64_t before = busy_calls;
    CHECK(spin_until_ge(&busy_calls, before + 1));   /* the other CPU kept going */
    busy_stop = 1;
}

/* A revoke's shootdown reaches the TLB of the other CPU before revoke
 * returns (tlb.c; a mutant whose shootdown IPI only acknowledged, without
 * reloading CR3, survived the suite): a reader there that has the page in
 * its TLB faults (and, having no #PF portal, dies) at its next read. */
#define READ_SEL   (SMP_SEL + 0x70)
#define READ_EVT   (SMP_SEL + 0x80)
#define READ_UTCB  (UTCB_BASE + 0x20000)
#define READ_ALIAS 0x3a00000ull
static uint8_t reader_stack[8192] __attribute__((aligned(16)));
static uint8_t reader_handler_stack[8192] __attribute__((aligned(16)));
static volatile uint64_t reader_reads;
static volatile uint64_t read_page[512] __attribute__((aligned(4096)));

void smp_reader(void);
void smp_reader(void)
{
    for (;;) {
        (void)*(volatile uint64_t *)(uintptr_t)(READ_ALIAS << 12);
        reader_reads++;
    }
}

static void reader_startup(uint64_t pid)
{
    (void)pid;
    struct nova_utcb *u = (struct nova_utcb *)READ_UTCB;
    u->data.arch.mtd = NOVA_MTD_EIP | NOVA_MTD_ESP;
    u->data.arch.rip = (uintptr_t)smp_reader;
    u->data.arch.rsp = top(reader_stack, sizeof reader_stack);
    nova_reply(top(reader_handler_stack, sizeof reader_handler_stack));
}

NOVA_TEST(smp_revoked_page_is_gone_from_the_other_cpus_tlb_when_revoke_returns)
{
    REQUIRE_OTHER_CPU(cpu);
    uint64_t src = (uintptr_t)read_page >> 12;
    REQUIRE_EQ(delegate_to_self(nova_crd_mem(src, 0, 0x3), READ_ALIAS, false, nova_crd_mem(READ_ALIAS, 0, 0x7)),
               NOVA_SUCCESS);
    REQUIRE_EQ(nova_create_ec(READ_SEL, SEL_ROOT_PD, cpu, READ_UTCB,
                              top(reader_handler_stack, sizeof reader_handler_stack), 0, 0), NOVA_SUCCESS);
    REQUIRE_EQ(nova_create_pt(READ_EVT + NOVA_EVT_STARTUP, SEL_ROOT_PD, READ_SEL, NOVA_MTD_EIP | NOVA_MTD_ESP,
                              (uintptr_t)reader_startup), NOVA_SUCCESS);
    REQUIRE_EQ(nova_create_ec(READ_SEL + 1, SEL_ROOT_PD, cpu, READ_UTCB + 0x1000, top(reader_stack, sizeof reader_stack),
                              READ_EVT, NOVA_FLAG_CREATE_EC_G), NOVA_SUCCESS);
    REQUIRE_EQ(nova_create_sc(READ_SEL + 2, SEL_ROOT_PD, READ_SEL + 1, nova_qpd(1000, 1)), NOVA_SUCCESS);
    REQUIRE(spin_until_ge(&reader_reads, 1000));   /* the page is in the other CPU's TLB */
    REQUIRE_EQ(nova_revoke(nova_crd_mem(READ_ALIAS, 0, 0x7), NOVA_FLAG_REVOKE_SR), NOVA_SUCCESS);
    uint64_t after = reader_reads;
    uint64_t t0 = __builtin_ia32_rdtsc(), wait = 50ull * nova_boot_hip->tsc_freq_khz;   /* 50 ms */
    while (__builtin_ia32_rdtsc() - t0 < wait && reader_reads < after + 2)
        __asm__ volatile("pause");
    CHECK(reader_reads < after + 2);   /* one read may have been under way */
}
