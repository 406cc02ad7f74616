/* assign_pci (5.5.1) and the IOMMU. The NOVA HIP has no flag for an IOMMU,
 * so the suite reads ACPI itself, as a PCI service would: the root takes the
 * BIOS area, the RSDP's root table and the tables it lists with the H bit,
 * and finds the MCFG (where configuration pages are) and the DMAR (whether
 * VT-d remaps them). The tests that need a remapping unit skip without a
 * DMAR table (QEMU gets one with -device intel-iommu); the ones that prove
 * assign_pci refuses every device without it skip with one. */
#include <string.h>
#include "acpi.h"
#include "self_delegate.h"
#include "support.h"
#include "xpd.h"

/* A function of bus 0 that answers, and one that does not; ~0u if none */
static unsigned present_fn(void)
{
    for (unsigned devfn = 0; devfn < ECAM_PAGES; devfn++)
        if (cfg_vendor(devfn) != 0xffff)
            return devfn;
    return ~0u;
}
static unsigned absent_fn(void)
{
    for (unsigned devfn = 0; devfn < ECAM_PAGES; devfn += 8)
        if (cfg_vendor(devfn) == 0xffff)
            return devfn;
    return ~0u;
}

#define NEED_ECAM()                                                    \
    do {                                                               \
        acpi_probe();                                                       \
        if (!acpi.ecam_page)                                           \
            SKIP("no ACPI MCFG: no PCI configuration space to name");  \
    } while (0)

NOVA_TEST(assign_pci_needs_a_pd_capability)
{
    NEED_ECAM();
    unsigned f = present_fn();
    REQUIRE(f != ~0u);
    CHECK_EQ(nova_assign_pci(SEL_ROOT_EC, cfg_sel(f), 0), NOVA_BAD_CAP);
    CHECK_EQ(nova_assign_pci(SEL_EMPTY_EVT, cfg_sel(f), 0), NOVA_BAD_CAP);
    CHECK_EQ(nova_assign_pci(SEL_ROOT_SC, cfg_sel(f), 0), NOVA_BAD_CAP);
}

NOVA_TEST(assign_pci_needs_a_configuration_page)
{
    NEED_ECAM();
    static uint8_t ram[4096] __attribute__((aligned(4096)));
    ram[0] = 1;   /* a page of the root's own memory: no configuration space */
    CHECK_EQ(nova_assign_pci(SEL_ROOT_PD, (uintptr_t)ram >> 12, 0), NOVA_BAD_DEV);
    /* a page number the root holds nothing at */
    CHECK_EQ(lookup_mem(unused_page()), nova_crd_null());
    CHECK_EQ(nova_assign_pci(SEL_ROOT_PD, unused_page(), 0), NOVA_BAD_DEV);
    /* beyond the memory space */
    CHECK_EQ(nova_assign_pci(SEL_ROOT_PD, ~0ull, 0), NOVA_BAD_DEV);
    /* a configuration page where no function answers */
    unsigned f = absent_fn();
    REQUIRE(f != ~0u);   /* bus 0 of a PC has free slots */
    CHECK_EQ(nova_assign_pci(SEL_ROOT_PD, cfg_sel(f), 0), NOVA_BAD_DEV);
}

NOVA_TEST(assign_pci_without_a_dmar_table_assigns_nothing)
{
    NEED_ECAM();
    if (acpi.dmar)
        SKIP("the ACPI tables list a VT-d unit");
    for (unsigned f = 0; f < ECAM_PAGES; f++)
        if (cfg_vendor(f) != 0xffff)
            CHECK_EQ(nova_assign_pci(SEL_ROOT_PD, cfg_sel(f), 0), NOVA_BAD_DEV);
}

NOVA_TEST(assign_pci_with_vtd_assigns_and_moves_a_function)
{
    NEED_ECAM();
    if (!acpi.dmar)
        SKIP("no DMAR table: no IOMMU");
    unsigned f = present_fn();
    REQUIRE(f != ~0u);
    uint64_t pd = sel_alloc(1);
    REQUIRE_OK(nova_create_pd(pd, SEL_ROOT_PD, nova_crd_null()));
    CHECK_EQ(nova_assign_pci(pd, cfg_sel(f), 0), NOVA_SUCCESS);
    CHECK_EQ(nova_assign_pci(pd, cfg_sel(f), 0), NOVA_SUCCESS);            /* again: idempotent */
    CHECK_EQ(nova_assign_pci(SEL_ROOT_PD, cfg_sel(f), 0x1234), NOVA_SUCCESS);   /* moved; the hint is ignored */
    CHECK_EQ(nova_assign_pci(pd, cfg_sel(f), 0), NOVA_SUCCESS);
    /* every function that answers on bus 0 is remapped by QEMU's one unit (its scopes or INCLUDE_PCI_ALL) */
    for (unsigned g = 0; g < ECAM_PAGES; g++)
        if (cfg_vendor(g) != 0xffff)
            CHECK_EQ(nova_assign_pci(pd, cfg_sel(g), 0), NOVA_SUCCESS);
    /* the PD dies with its functions assigned: their context entries go */
    CHECK_EQ(nova_revoke(nova_crd_obj(pd, 0, PERM_ANY), NOVA_FLAG_REVOKE_SR), NOVA_SUCCESS);
    CHECK_EQ(lookup_sel(pd), nova_crd_null());
    CHECK_EQ(nova_assign_pci(pd, cfg_sel(f), 0), NOVA_BAD_CAP);
}

NOVA_TEST(assign_pci_needs_a_capability_for_the_page_not_a_mapping)
{
    NEED_ECAM();
    unsigned f = present_fn();
    REQUIRE(f != ~0u);
    /* the same configuration page at another page number of the root's space: it names the same function */
    uint64_t va = take_phys(acpi.ecam_phys + ((uint64_t)f << 12), 0);
    REQUIRE(va);
    CHECK_EQ(nova_assign_pci(SEL_ROOT_PD, va, 0), acpi.dmar ? NOVA_SUCCESS : NOVA_BAD_DEV);
    /* once revoked, the page number names nothing */
    CHECK_EQ(nova_revoke(nova_crd_mem(va, 0, NOVA_PERM_MEM_R), NOVA_FLAG_REVOKE_SR), NOVA_SUCCESS);
    CHECK_EQ(nova_assign_pci(SEL_ROOT_PD, va, 0), NOVA_BAD_DEV);
}

/* ---- DMA by QEMU's edu device (1234:11e8, docs/specs/edu.rst in QEMU):
 * registers in BAR0; 0x80 source, 0x88 destination, 0x90 count, 0x98
 * command (bit 0 start, cleared when done; bit 1 direction: set = from the
 * device's 4 KiB buffer at 0x40000 to RAM). Its DMA addresses are the
 * root's virtual addresses (the IOMMU translates them); edu clamps them to
 * 28 bits, so every address used here lies below 256 MiB. ---- */

#define EDU_BUF     0x40000u
#define EDU_TO_RAM  2u
#define DMA_IOVA    0x0e000000ull          /* where the D-delegated page appears (a free page number) */
#define DMA_LEN     64u

static volatile uint64_t *edu_regs;

/* edu's configuration page and registers mapped into the root (read and
 * write), memory decoding and bus mastering on; false if there is no edu
 * (or, with a failure recorded, if mapping it failed). */
struct edu {
    uint64_t cfg;                  /* page number of its configuration page here */
    volatile uint32_t *c;          /* that page */
    volatile uint64_t *regs;       /* BAR0 */
};

static bool edu_take(struct edu *e)
{
    unsigned f = ~0u;
    for (unsigned g = 0; g < ECAM_PAGES && f == ~0u; g++)
        if (*(volatile uint32_t *)(uintptr_t)(cfg_sel(g) << 12) == 0x11e81234u)
            f = g;
    if (f == ~0u)
        return false;
    uint64_t rw = NOVA_PERM_MEM_R | NOVA_PERM_MEM_W;
    e->cfg = take_phys_perms(acpi.ecam_phys + ((uint64_t)f << 12), 0, rw);
    if (!e->cfg)
        return CHECK(e->cfg), false;
    e->c = (volatile uint32_t *)(uintptr_t)(e->cfg << 12);
    uint64_t bar = e->c[4] & ~0xfull;
    if (!bar)
        return CHECK(bar), false;
    e->c[1] |= 0x6;   /* memory decoding, bus master (DMA and messages are writes) */
    uint64_t regs = take_phys_perms(bar, 0, rw);
    if (!regs)
        return CHECK(regs), false;
    e->regs = (volatile uint64_t *)(uintptr_t)(regs << 12);
    CHECK_EQ(*(volatile uint32_t *)e->regs, 0x010000edu);
    return !test_failed();
}


static bool edu_dma(uint64_t src, uint64_t dst, uint64_t cmd)
{
    edu_regs[0x80 / 8] = src;
    edu_regs[0x88 / 8] = dst;
    edu_regs[0x90 / 8] = DMA_LEN;
    edu_regs[0x98 / 8] = 1 | cmd;
    for (unsigned i = 0; i < 100000000u; i++)
        if (!(edu_regs[0x98 / 8] & 1))
            return true;
    return false;
}

static uint8_t dma_page[4096] __attribute__((aligned(4096)));     /* given to the device with D */
static uint8_t victim_page[4096] __attribute__((aligned(4096)));  /* never given with D */

static bool all_bytes(const volatile uint8_t *p, uint8_t v)
{
    for (unsigned i = 0; i < DMA_LEN; i++)
        if (p[i] != v)
            return false;
    return true;
}

NOVA_TEST(vtd_dma_reaches_only_memory_delegated_with_d)
{
    NEED_ECAM();
    if (!acpi.dmar)
        SKIP("no DMAR table: no IOMMU");
    struct edu e;
    if (!edu_take(&e))
        SKIP("no edu device (QEMU -device edu) to do DMA");
    uint64_t cfg = e.cfg;
    volatile uint32_t *c = e.c;
    edu_regs = e.regs;
    REQUIRE_OK(nova_assign_pci(SEL_ROOT_PD, cfg, 0));

    /* dma_page appears at DMA_IOVA too, with D: there the device reaches it */
    REQUIRE_EQ(lookup_mem(DMA_IOVA >> 12), nova_crd_null());
    volatile uint8_t *d = dma_page, *v = victim_page;
    d[0] = 0;
    v[0] = 0;
    uint64_t perms = NOVA_PERM_MEM_R | NOVA_PERM_MEM_W;
    REQUIRE_OK(delegate_to_self_dma(nova_crd_mem((uintptr_t)dma_page >> 12, 0, perms), 0, false,
                                    nova_crd_mem(DMA_IOVA >> 12, 0, perms)));
    REQUIRE(nova_crd_type(lookup_mem(DMA_IOVA >> 12)) == NOVA_CRD_TYPE_MEM);

    /* RAM -> device from the D page, device -> RAM back into its second half */
    for (unsigned i = 0; i < 4096; i++)
        d[i] = i < DMA_LEN ? 0xa5 : 0;
    REQUIRE(edu_dma(DMA_IOVA, EDU_BUF, 0));
    REQUIRE(edu_dma(EDU_BUF, DMA_IOVA + 2048, EDU_TO_RAM));
    CHECK(all_bytes(d + 2048, 0xa5));

    /* the device moved to another PD sees that PD's DMA space, which has
     * nothing: the root's D page is out of its reach */
    uint64_t pd = sel_alloc(1);
    REQUIRE_OK(nova_create_pd(pd, SEL_ROOT_PD, nova_crd_null()));
    REQUIRE_OK(nova_assign_pci(pd, cfg, 0));
    for (unsigned i = 0; i < DMA_LEN; i++)
        d[2048 + i] = 0x22;
    REQUIRE(edu_dma(EDU_BUF, DMA_IOVA + 2048, EDU_TO_RAM));
    CHECK(all_bytes(d + 2048, 0x22));
    /* that PD dies: the device is nobody's and has no DMA at all */
    CHECK_EQ(nova_revoke(nova_crd_obj(pd, 0, PERM_ANY), NOVA_FLAG_REVOKE_SR), NOVA_SUCCESS);
    REQUIRE(edu_dma(EDU_BUF, DMA_IOVA + 2048, EDU_TO_RAM));
    CHECK(all_bytes(d + 2048, 0x22));
    /* back with the root, it reaches the D page again */
    REQUIRE_OK(nova_assign_pci(SEL_ROOT_PD, cfg, 0));
    REQUIRE(edu_dma(EDU_BUF, DMA_IOVA + 2048, EDU_TO_RAM));
    CHECK(all_bytes(d + 2048, 0xa5));

    /* the victim page, mapped in the root but not given with D: the write is
     * blocked (and reported on the console) and the page stays as it was */
    for (unsigned i = 0; i < DMA_LEN; i++)
        v[i] = 0x5a;
    REQUIRE(edu_dma(EDU_BUF, (uintptr_t)victim_page, EDU_TO_RAM));
    CHECK(all_bytes(v, 0x5a));
    /* nor can it be read: the device does not get the victim's bytes (what
     * it gets instead is QEMU's business: the read failed) */
    REQUIRE(edu_dma((uintptr_t)victim_page, EDU_BUF, 0));
    for (unsigned i = 0; i < DMA_LEN; i++)
        d[2048 + i] = 0;
    REQUIRE(edu_dma(EDU_BUF, DMA_IOVA + 2048, EDU_TO_RAM));
    for (unsigned i = 0; i < DMA_LEN; i++)
        CHECK(d[2048 + i] != 0x5a);

    /* revoked: the next DMA to it is blocked */
    CHECK_EQ(nova_revoke(nova_crd_mem(DMA_IOVA >> 12, 0, PERM_ANY), NOVA_FLAG_REVOKE_SR), NOVA_SUCCESS);
    CHECK_EQ(lookup_mem(DMA_IOVA >> 12), nova_crd_null());
    for (unsigned i = 0; i < DMA_LEN; i++)
        d[2048 + i] = 0x11;
    REQUIRE(edu_dma(EDU_BUF, DMA_IOVA + 2048, EDU_TO_RAM));
    CHECK(all_bytes(d + 2048, 0x11));
    c[1] &= ~0x4u;   /* bus master off again */
}

/* A PD's DMA space dies with it (pd.c's vtd_pd_destroy; a mutant that
 * kept it survived the suite): a child PD given the device and a page with
 * D, which the device then writes, is destroyed; the device, assigned to
 * nobody now, must not reach that page through the dead PD's tables. */
#define CHILD_IOVA 0x0d000000ull   /* the page's address in the child (below edu's 28 bits) */

NOVA_TEST(vtd_a_dead_pds_dma_space_dies_with_it)
{
    NEED_ECAM();
    if (!acpi.dmar)
        SKIP("no DMAR table: no IOMMU");
    struct edu e;
    if (!edu_take(&e))
        SKIP("no edu device (QEMU -device edu) to do DMA");
    edu_regs = e.regs;
    struct xpd_child *x = xpd_child();
    REQUIRE(x);
    uint64_t rw = NOVA_PERM_MEM_R | NOVA_PERM_MEM_W;
    xpd_setwin(x, nova_crd_mem(CHILD_IOVA >> 12, 0, rw), nova_crd_null());
    uint64_t got = xpd_give(x, nova_item_delegate(0, 0, 0, 1), nova_crd_mem((uintptr_t)dma_page >> 12, 0, rw));
    REQUIRE(got != XPD_NONE);
    REQUIRE_OK(nova_assign_pci(x->pd, e.cfg, 0));
    volatile uint8_t *d = dma_page;
    for (unsigned i = 0; i < 4096; i++)
        d[i] = 0x77;
    REQUIRE(edu_dma(CHILD_IOVA, EDU_BUF, 0));   /* the device reads 0x77 from the child's page */
    for (unsigned i = 0; i < DMA_LEN; i++)
        d[1024 + i] = 0;
    REQUIRE(edu_dma(EDU_BUF, CHILD_IOVA + 1024, EDU_TO_RAM));
    REQUIRE(all_bytes(d + 1024, 0x77));   /* and writes it back there: the child's DMA space works */
    /* the child dies: its agent's portal, its EC and its PD go */
    REQUIRE_OK(nova_revoke(nova_crd_obj(x->pt, 0, PERM_ANY), NOVA_FLAG_REVOKE_SR));
    REQUIRE_OK(nova_revoke(nova_crd_obj(x->ec, 0, PERM_ANY), NOVA_FLAG_REVOKE_SR));
    REQUIRE_OK(nova_revoke(nova_crd_obj(x->pd, 0, PERM_ANY), NOVA_FLAG_REVOKE_SR));
    for (unsigned i = 0; i < DMA_LEN; i++)
        d[1024 + i] = 0x11;
    REQUIRE(edu_dma(EDU_BUF, CHILD_IOVA + 1024, EDU_TO_RAM));
    CHECK(all_bytes(d + 1024, 0x11));
    e.c[1] &= ~0x4u;   /* bus master off again */
}

/* Each PD with a DMA space holds one of the 255 domain ids (docs/api.md,
 * assign_pci) until it dies: many more PDs than that, each given a device
 * and destroyed in turn, all get one. */
NOVA_TEST(vtd_domain_ids_return_when_their_pds_die)
{
    NEED_ECAM();
    if (!acpi.dmar)
        SKIP("no DMAR table: no IOMMU");
    unsigned f = present_fn();
    REQUIRE(f != ~0u);
    uint64_t pd = sel_alloc(1);
    for (unsigned i = 0; i < 600; i++) {
        REQUIRE_OK(nova_create_pd(pd, SEL_ROOT_PD, nova_crd_null()));
        REQUIRE_EQ(nova_assign_pci(pd, cfg_sel(f), 0), NOVA_SUCCESS);
        REQUIRE_OK(nova_revoke(nova_crd_obj(pd, 0, PERM_ANY), NOVA_FLAG_REVOKE_SR));
    }
    /* and 200 at once (QEMU's unit supports 256 ids: ND = 2) */
    uint64_t many = sel_alloc(256);
    for (unsigned i = 0; i < 200; i++) {
        REQUIRE_OK(nova_create_pd(many + i, SEL_ROOT_PD, nova_crd_null()));
        REQUIRE_EQ(nova_assign_pci(many + i, cfg_sel(f), 0), NOVA_SUCCESS);
    }
    REQUIRE_OK(nova_revoke(nova_crd_obj(many, 8, PERM_ANY), NOVA_FLAG_REVOKE_SR));
}

/* ---- Message-signalled interrupts (assign_gsi, 5.5.2): the GSIs after the
 * I/O APIC's pins are MSI GSIs (spec/novum.toml); assign_gsi returns the
 * address and data a PCI function, named by its configuration page, sends.
 * edu has an MSI capability (one vector, 64-bit address) and raises an
 * interrupt when 0x60 of BAR0 is written (0x64 acknowledges). QEMU's VT-d
 * unit runs with intremap=off here, so the message reaches the APIC as is. ---- */

static unsigned hip_cpus(void) { return (nova_boot_hip->mem_offs - nova_boot_hip->cpu_offs) / nova_boot_hip->cpu_size; }

/* the last GSI the HIP announces, an MSI GSI: its semaphore to root selector `sel` */
static enum nova_status take_msi_gsi(uint64_t sel)
{
    uint64_t k = hip_cpus() + nova_boot_hip->gsi - 1;
    return delegate_to_self(nova_crd_obj(k, 0, PERM_ANY), sel, true, nova_crd_obj(sel, 0, PERM_ANY));
}

NOVA_TEST(assign_gsi_of_an_msi_gsi_checks_cap_cpu_and_device)
{
    NEED_ECAM();
    uint64_t sm = sel_alloc(1), ma = 1, md = 1;
    REQUIRE_OK(take_msi_gsi(sm));
    CHECK_EQ(lookup_sel(sm), nova_crd_obj(sm, 0, NOVA_PERM_SM_UP | NOVA_PERM_SM_DN));
    unsigned f = present_fn();
    REQUIRE(f != ~0u);
    /* not an interrupt semaphore */
    uint64_t own = sel_alloc(1);
    REQUIRE_OK(nova_create_sm(own, SEL_ROOT_PD, 0));
    CHECK_EQ(nova_assign_gsi(own, cfg_sel(f), nova_boot_cpu, &ma, &md), NOVA_BAD_CAP);
    CHECK_EQ(nova_assign_gsi(SEL_ROOT_PD, cfg_sel(f), nova_boot_cpu, &ma, &md), NOVA_BAD_CAP);
    /* no such CPU */
    CHECK_EQ(nova_assign_gsi(sm, cfg_sel(f), 4095, &ma, &md), NOVA_BAD_CPU);
    CHECK_EQ(nova_assign_gsi(sm, cfg_sel(f), hip_cpus(), &ma, &md), NOVA_BAD_CPU);
    /* no PCI function: a page of RAM, nothing, a configuration page nobody answers */
    static uint8_t ram[4096] __attribute__((aligned(4096)));
    ram[0] = 1;
    CHECK_EQ(nova_assign_gsi(sm, (uintptr_t)ram >> 12, nova_boot_cpu, &ma, &md), NOVA_BAD_DEV);
    CHECK_EQ(lookup_mem(unused_page()), nova_crd_null());
    CHECK_EQ(nova_assign_gsi(sm, unused_page(), nova_boot_cpu, &ma, &md), NOVA_BAD_DEV);
    CHECK_EQ(nova_assign_gsi(sm, ~0ull, nova_boot_cpu, &ma, &md), NOVA_BAD_DEV);
    unsigned g = absent_fn();
    REQUIRE(g != ~0u);
    CHECK_EQ(nova_assign_gsi(sm, cfg_sel(g), nova_boot_cpu, &ma, &md), NOVA_BAD_DEV);
    /* a function: the MSI window with a destination, a vector with fixed delivery, edge */
    ma = md = 0;
    CHECK_EQ(nova_assign_gsi(sm, cfg_sel(f), nova_boot_cpu, &ma, &md), NOVA_SUCCESS);
    CHECK_EQ(ma & ~0xff000ull, 0xfee00000ull);
    CHECK(md >= 0x20 && md <= 0xef);
    unsigned other = test_other_cpu();
    if (other != ~0u) {
        uint64_t ma2 = 0, md2 = 0;
        CHECK_EQ(nova_assign_gsi(sm, cfg_sel(f), other, &ma2, &md2), NOVA_SUCCESS);
        CHECK(ma2 != ma);    /* another destination APIC */
        CHECK_EQ(md2, md);   /* the GSI's vector */
    }
    CHECK_EQ(nova_revoke(nova_crd_obj(own, 0, PERM_ANY), NOVA_FLAG_REVOKE_SR), NOVA_SUCCESS);
}

/* offset of the MSI capability (ID 5) in configuration space `c`, 0 if none */
static unsigned msi_cap(volatile uint32_t *c)
{
    if (!(c[1] >> 16 & 0x10))   /* status: capability list */
        return 0;
    for (unsigned p = *(volatile uint8_t *)((volatile uint8_t *)c + 0x34) & 0xfc, n = 0; p && n < 48; n++) {
        uint32_t h = c[p / 4];
        if ((h & 0xff) == 5)
            return p;
        p = (h >> 8) & 0xfc;
    }
    return 0;
}

/* edu sends the message on `cpu`; the root, on the boot CPU, sees the semaphore go up */
static void edu_msi_round(volatile uint32_t *c, unsigned cap, volatile uint32_t *regs, uint64_t sm, uint64_t cfg,
                          unsigned cpu)
{
    uint64_t ma = 0, md = 0;
    REQUIRE_OK(nova_assign_gsi(sm, cfg, cpu, &ma, &md));
    c[cap / 4 + 1] = (uint32_t)ma;
    c[cap / 4 + 2] = (uint32_t)(ma >> 32);
    c[cap / 4 + 3] = (uint32_t)md;
    c[cap / 4] |= 1u << 16;                    /* MSI enable */
    /* nothing up yet: a down with a zero count would block, so none is tried; one raise, one down */
    regs[0x60 / 4] = 1;                        /* raise */
    CHECK_EQ(nova_sm_ctrl(sm, NOVA_FLAG_SM_CTRL_DN | NOVA_FLAG_SM_CTRL_ZC), NOVA_SUCCESS);
    CHECK_EQ(regs[0x24 / 4] & 1, 1);           /* edu's interrupt status */
    regs[0x64 / 4] = 1;                        /* acknowledge */
    regs[0x60 / 4] = 1;                        /* a second message: a second up */
    CHECK_EQ(nova_sm_ctrl(sm, NOVA_FLAG_SM_CTRL_DN), NOVA_SUCCESS);
    regs[0x64 / 4] = 1;
    c[cap / 4] &= ~(1u << 16);
}

NOVA_TEST(edu_msi_ups_the_msi_gsi_semaphore)
{
    NEED_ECAM();
    struct edu e;
    if (!edu_take(&e))
        SKIP("no edu device (QEMU -device edu) to send a message");
    uint64_t cfg = e.cfg;
    volatile uint32_t *c = e.c;
    unsigned cap = msi_cap(c);
    REQUIRE(cap);
    REQUIRE(c[cap / 4] >> 16 & 0x80);          /* 64-bit address: data at +12 */
    volatile uint32_t *r = (volatile uint32_t *)e.regs;
    uint64_t sm = sel_alloc(1);
    REQUIRE_OK(take_msi_gsi(sm));
    edu_msi_round(c, cap, r, sm, cfg, nova_boot_cpu);
    unsigned other = test_other_cpu();
    if (other != ~0u)
        edu_msi_round(c, cap, r, sm, cfg, other);   /* delivered on the other CPU, still the same semaphore */
    c[1] &= ~0x4u;
}

/* ---- Level-triggered pins (assign_gsi, docs/api.md "Interrupts"): edu's
 * legacy interrupt (INTA, used while its MSI is off) is a PCI pin, level
 * triggered: it stays asserted from a write of 0x60 until its status is
 * acknowledged at 0x64. The kernel masks the pin at each interrupt and
 * unmasks it at the driver's next down, so a driver that acknowledges the
 * device before that down gets one wakeup per interrupt, and one that does
 * not yet is not stormed meanwhile. q35 routes PCI pins to GSIs 16-23; a
 * waiter on each finds edu's. (Found by this test: the kernel sent the EOI
 * before masking, so the line, still asserted, interrupted a second time
 * and every interrupt woke the driver twice.) ---- */

#define INTX_FIRST 16u
#define INTX_PINS  8u

static volatile uint32_t *intx_regs;          /* edu's registers */
static volatile uint64_t intx_wakeups[INTX_PINS];
static volatile bool intx_ack = true;         /* waiters acknowledge edu before their next down */
static uint64_t intx_hold;                    /* a semaphore a waiter that does not acknowledge waits on */

static void intx_waiter(struct ectx *c)
{
    unsigned k = (unsigned)c->a[1];
    for (;;) {
        if (nova_sm_ctrl(c->a[0], NOVA_FLAG_SM_CTRL_DN) != NOVA_SUCCESS)
            return;
        intx_wakeups[k]++;
        if (!intx_ack)
            nova_sm_ctrl(intx_hold, NOVA_FLAG_SM_CTRL_DN);   /* until the root acknowledged it */
        else
            intx_regs[0x64 / 4] = intx_regs[0x24 / 4];
    }
}

static uint64_t intx_total(void)
{
    uint64_t n = 0;
    for (unsigned k = 0; k < INTX_PINS; k++)
        n += intx_wakeups[k];
    return n;
}

NOVA_TEST(level_triggered_pin_is_masked_until_the_drivers_next_down)
{
    NEED_ECAM();
    struct edu e;
    if (!edu_take(&e))
        SKIP("no edu device (QEMU -device edu) to raise a legacy interrupt");
    REQUIRE(nova_boot_hip->gsi >= INTX_FIRST + INTX_PINS);
    unsigned msi = msi_cap(e.c);
    if (msi)
        e.c[msi / 4] &= ~(1u << 16);   /* MSI off: edu raises INTA */
    e.c[1] &= ~(1u << 10);             /* INTx not disabled */
    intx_regs = (volatile uint32_t *)e.regs;
    intx_regs[0x64 / 4] = intx_regs[0x24 / 4];
    intx_hold = new_sm(0);
    REQUIRE(intx_hold);
    for (unsigned k = 0; k < INTX_PINS; k++) {
        intx_wakeups[k] = 0;
        uint64_t sm = sel_alloc(1), ma = 1, md = 1;
        REQUIRE_OK(delegate_to_self(nova_crd_obj(hip_cpus() + INTX_FIRST + k, 0, PERM_ANY), sm, true,
                                    nova_crd_obj(sm, 0, PERM_ANY)));
        REQUIRE_OK(nova_assign_gsi(sm, 0, nova_boot_cpu, &ma, &md));
        struct ectx *w;
        REQUIRE_OK(global_ec(&w, intx_waiter, true));
        w->a[0] = sm;
        w->a[1] = k;
        REQUIRE_OK(ectx_start(w, 3, 10000));   /* above the root: it runs as soon as its pin fires */
    }
    /* one interrupt, one wakeup, on one pin; again: the pin was unmasked */
    for (unsigned round = 1; round <= 3; round++) {
        intx_regs[0x60 / 4] = 1;
        for (unsigned i = 0; i < 1000000 && intx_total() < round; i++)
            __asm__ volatile("pause");
        CHECK_EQ(intx_total(), round);
    }
    unsigned pin = 0;
    while (pin < INTX_PINS && !intx_wakeups[pin])
        pin++;
    REQUIRE(pin < INTX_PINS);
    CHECK_EQ(intx_wakeups[pin], 3);
    nova_printf("# edu's INTA is GSI %u\n", INTX_FIRST + pin);
    /* a waiter that does not acknowledge: the pin stays masked while the
     * line is asserted, so the root runs on and sees one wakeup */
    intx_ack = false;
    intx_regs[0x60 / 4] = 1;
    for (unsigned i = 0; i < 1000000 && intx_total() < 4; i++)
        __asm__ volatile("pause");
    CHECK_EQ(intx_total(), 4);
    for (unsigned i = 0; i < 100000; i++)
        __asm__ volatile("pause");
    CHECK_EQ(intx_total(), 4);   /* no more while it was not acknowledged */
    /* the waiter downs again without acknowledging: the pin is unmasked with
     * the line still asserted, so a level-triggered pin interrupts at once
     * (an edge-triggered one would not) */
    REQUIRE_OK(nova_sm_ctrl(intx_hold, 0));
    for (unsigned i = 0; i < 1000000 && intx_total() < 5; i++)
        __asm__ volatile("pause");
    CHECK_EQ(intx_total(), 5);
    intx_ack = true;
    intx_regs[0x64 / 4] = intx_regs[0x24 / 4];
    REQUIRE_OK(nova_sm_ctrl(intx_hold, 0));   /* the waiter downs again: unmasked, the line is low */
    intx_regs[0x60 / 4] = 1;
    for (unsigned i = 0; i < 1000000 && intx_total() < 6; i++)
        __asm__ volatile("pause");
    CHECK_EQ(intx_total(), 6);
    CHECK_EQ(intx_wakeups[pin], 6);
}
