/* Interrupts (spec 3.4, 5.5) and the kernel objects of the H bit (6.1.1):
 * idle SCs at kernel selectors 0..n-1, GSI semaphores at n..n+GSI-1. */
#include "self_delegate.h"
#include "test.h"

#define IRQ_SEL 0x7600
#define RTC_INDEX 0x70
#define RTC_DATA  0x71
#define RTC_GSI   8

static inline void outb(uint16_t port, uint8_t v) { __asm__ volatile("outb %0, %1" ::"a"(v), "Nd"(port)); }
static inline uint8_t inb(uint16_t port)
{
    uint8_t v;
    __asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"(port));
    return v;
}

static unsigned hip_cpus(void) { return (nova_boot_hip->mem_offs - nova_boot_hip->cpu_offs) / nova_boot_hip->cpu_size; }

/* Take kernel object selector `ksel` into root selector `sel`. */
static enum nova_status take_kernel_object(uint64_t ksel, uint64_t sel)
{
    return delegate_to_self(nova_crd_obj(ksel, 0, PERM_ANY), sel, true, nova_crd_obj(sel, 0, PERM_ANY));
}

static uint64_t lookup_obj(uint64_t sel)
{
    uint64_t crd = nova_crd_obj(sel, 0, 0);
    CHECK_EQ(nova_lookup(&crd), NOVA_SUCCESS);
    return crd;
}

NOVA_TEST(idle_sc_of_a_cpu_reports_idle_time)
{
    REQUIRE_OTHER_CPU(other);
    uint64_t sel = IRQ_SEL;
    REQUIRE_EQ(take_kernel_object(other, sel), NOVA_SUCCESS);
    CHECK_EQ(lookup_obj(sel), nova_crd_obj(sel, 0, NOVA_PERM_SC_CT));
    uint64_t t0 = 0, t1 = 0;
    REQUIRE_EQ(nova_sc_ctrl(sel, &t0), NOVA_SUCCESS);
    for (volatile unsigned i = 0; i < 2000000; i++)
        ;
    REQUIRE_EQ(nova_sc_ctrl(sel, &t1), NOVA_SUCCESS);
    CHECK(t0 > 0);
    CHECK(t1 > t0);   /* the other CPU idles all the while */
}

NOVA_TEST(kernel_objects_beyond_the_gsis_do_not_exist)
{
    uint64_t sel = IRQ_SEL + 1;
    REQUIRE_EQ(take_kernel_object(hip_cpus() + nova_boot_hip->gsi, sel), NOVA_SUCCESS);
    CHECK_EQ(lookup_obj(sel), nova_crd_null());
}

NOVA_TEST(rtc_interrupt_ups_its_gsi_semaphore)
{
    uint64_t sm = IRQ_SEL + 2;
    REQUIRE_EQ(take_kernel_object(hip_cpus() + RTC_GSI, sm), NOVA_SUCCESS);
    REQUIRE_EQ(lookup_obj(sm), nova_crd_obj(sm, 0, NOVA_PERM_SM_UP | NOVA_PERM_SM_DN));
    REQUIRE_EQ(delegate_to_self(nova_crd_pio(RTC_INDEX, 1, 1), RTC_INDEX, true, nova_crd_pio(RTC_INDEX, 1, 1)),
               NOVA_SUCCESS);
    uint64_t msi_addr = 1, msi_data = 1;
    REQUIRE_EQ(nova_assign_gsi(sm, 0, nova_boot_cpu, &msi_addr, &msi_data), NOVA_SUCCESS);
    CHECK_EQ(msi_addr, 0);   /* an I/O APIC pin: no MSI values */
    /* periodic interrupts on (register B, PIE), then wait for one */
    outb(RTC_INDEX, 0x8b);
    uint8_t b = inb(RTC_DATA);
    outb(RTC_INDEX, 0x8b);
    outb(RTC_DATA, (uint8_t)(b | 0x40));
    /* Only the periodic interrupt is on, and nothing else ups this
     * semaphore. Each round reads register C, which lets the next interrupt
     * through: two downs need two interrupts. (Register C's flag is no
     * proof: an interrupt between enabling it and reading C is read away.) */
    for (unsigned round = 0; round < 2; round++) {
        outb(RTC_INDEX, 0x0c);
        (void)inb(RTC_DATA);
        CHECK_EQ(nova_sm_ctrl(sm, NOVA_FLAG_SM_CTRL_DN | NOVA_FLAG_SM_CTRL_ZC), NOVA_SUCCESS);
    }
    outb(RTC_INDEX, 0x8b);
    outb(RTC_DATA, (uint8_t)(b & ~0x40));
}

NOVA_TEST(assign_gsi_refuses_other_semaphores_objects_and_cpus)
{
    uint64_t sm = IRQ_SEL + 3, gsi_sm = IRQ_SEL + 4, ma = 0, md = 0;
    REQUIRE_EQ(nova_create_sm(sm, SEL_ROOT_PD, 0), NOVA_SUCCESS);
    CHECK_EQ(nova_assign_gsi(sm, 0, nova_boot_cpu, &ma, &md), NOVA_BAD_CAP);
    CHECK_EQ(nova_assign_gsi(SEL_ROOT_PD, 0, nova_boot_cpu, &ma, &md), NOVA_BAD_CAP);
    CHECK_EQ(nova_assign_gsi(IRQ_SEL + 0x80, 0, nova_boot_cpu, &ma, &md), NOVA_BAD_CAP);
    REQUIRE_EQ(take_kernel_object(hip_cpus() + 5, gsi_sm), NOVA_SUCCESS);
    CHECK_EQ(nova_assign_gsi(gsi_sm, 0, 4095, &ma, &md), NOVA_BAD_CPU);
}

/* page 0 of the root's memory space is no configuration page, with an IOMMU
 * or without (test_vtd.c has the rest of assign_pci) */
NOVA_TEST(assign_pci_of_page_zero)
{
    CHECK_EQ(nova_assign_pci(SEL_ROOT_EC, 0, 0), NOVA_BAD_CAP);
    CHECK_EQ(nova_assign_pci(SEL_ROOT_PD, 0, 0), NOVA_BAD_DEV);
}
