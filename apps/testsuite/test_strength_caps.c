/* Capability ranges and kernel resources the other files left open (issue
 * 14's surviving mutants): revoke of a CRD whose base is not aligned to its
 * order, create_pd's initial delegation under the CRD's permission mask, the
 * ports the H bit must never give, and the kernel's own memory in the HIP. */
#include "self_delegate.h"
#include "support.h"
#include "xpd.h"

static uint64_t lookup(uint64_t crd)
{
    CHECK_EQ(nova_lookup(&crd), NOVA_SUCCESS);
    return crd;
}

/* ---- revoke aligns the CRD's base down to its order ----
 * A CRD covers 2^order selectors from a base that is a multiple of 2^order
 * (4.3); the kernel reads the base aligned down, so an unaligned base names
 * the naturally aligned window that contains it. */

/* 8 semaphores at base..base+7, each with a copy at copies + i */
static bool eight_with_copies(uint64_t base, uint64_t copies)
{
    for (unsigned i = 0; i < 8; i++)
        if (nova_create_sm(base + i, SEL_ROOT_PD, 0) != NOVA_SUCCESS)
            return false;
    return delegate_to_self(nova_crd_obj(base, 3, NOVA_PERM_SM_ALL), copies, false,
                            nova_crd_obj(copies, 3, NOVA_PERM_SM_ALL)) == NOVA_SUCCESS;
}

static bool held(uint64_t sel) { return lookup(nova_crd_obj(sel, 0, 0)) != nova_crd_null(); }

NOVA_TEST(strength_revoke_aligns_an_unaligned_base_down)
{
    uint64_t base = sel_alloc(8), copies = sel_alloc(8);
    REQUIRE(eight_with_copies(base, copies));
    for (unsigned i = 0; i < 8; i++)
        REQUIRE(held(copies + i));
    /* base + 2, order 2: the window base .. base + 3 */
    CHECK_EQ(nova_revoke(nova_crd_obj(base + 2, 2, NOVA_PERM_SM_ALL), 0), NOVA_SUCCESS);
    for (unsigned i = 0; i < 8; i++) {
        CHECK_EQ(held(copies + i), i >= 4);
        CHECK(held(base + i));   /* without SR the sources stay */
    }
    /* base + 7, order 1, with SR: base + 6 and base + 7 go, base + 4 and 5 stay */
    CHECK_EQ(nova_revoke(nova_crd_obj(base + 7, 1, NOVA_PERM_SM_ALL), NOVA_FLAG_REVOKE_SR), NOVA_SUCCESS);
    for (unsigned i = 4; i < 8; i++) {
        CHECK_EQ(held(base + i), i < 6);
        CHECK_EQ(held(copies + i), i < 6);
    }
}

NOVA_TEST(strength_revoke_aligns_an_unaligned_memory_base_down)
{
    /* pages: 4 aliases of one page at ALIAS .. ALIAS + 3 and one more at + 4 */
    static volatile uint64_t page[512] __attribute__((aligned(4096)));
    const uint64_t alias = 0x3800000ull, src = (uintptr_t)page >> 12;
    page[0] = 1;
    for (unsigned i = 0; i < 5; i++)
        REQUIRE_EQ(delegate_to_self(nova_crd_mem(src, 0, NOVA_PERM_MEM_R), alias + i, false,
                                    nova_crd_mem(alias + i, 0, NOVA_PERM_MEM_ALL)),
                   NOVA_SUCCESS);
    /* alias + 3, order 2, SR: alias .. alias + 3 */
    CHECK_EQ(nova_revoke(nova_crd_mem(alias + 3, 2, NOVA_PERM_MEM_ALL), NOVA_FLAG_REVOKE_SR), NOVA_SUCCESS);
    for (unsigned i = 0; i < 5; i++)
        CHECK_EQ(lookup(nova_crd_mem(alias + i, 0, 0)) != nova_crd_null(), i == 4);
    CHECK_EQ(nova_revoke(nova_crd_mem(alias + 4, 0, NOVA_PERM_MEM_ALL), NOVA_FLAG_REVOKE_SR), NOVA_SUCCESS);
}

/* ---- create_pd delegates the initial range under the CRD's mask ---- */

NOVA_TEST(strength_create_pd_masks_the_initial_capabilities)
{
    /* the child's event portals (#PF, #GP) arrive with `call` only; exceptions
     * reach their portal whatever its permissions, so the agent still works */
    struct xpd_child *c = xpd_child_masked(NOVA_PERM_PT_CALL);
    REQUIRE(c);
    CHECK_EQ(xpd_lookup(c, nova_crd_obj(NOVA_EXC_PF, 0, 0)), nova_crd_obj(NOVA_EXC_PF, 0, NOVA_PERM_PT_CALL));
    CHECK_EQ(xpd_lookup(c, nova_crd_obj(NOVA_EXC_GP, 0, 0)), nova_crd_obj(NOVA_EXC_GP, 0, NOVA_PERM_PT_CALL));
    CHECK_EQ(xpd_op(c, XPD_PT_CTRL, NOVA_EXC_PF, 2ull * c->idx, 0), NOVA_BAD_CAP);   /* no ct (the PID it has) */
    /* the root's own portals keep every permission */
    CHECK_EQ(lookup(nova_crd_obj(c->evt + NOVA_EXC_PF, 0, 0)),
             nova_crd_obj(c->evt + NOVA_EXC_PF, 0, NOVA_PERM_PT_ALL));
}

/* ---- the H bit never gives the ports the kernel drives ----
 * docs/api.md, "Kernel resources of the H bit": the PICs (0x20, 0x21, 0xa0,
 * 0xa1) and the PIT (0x40-0x43, 0x61). */

static const uint16_t kernel_ports[] = { 0x20, 0x21, 0xa0, 0xa1, 0x40, 0x41, 0x42, 0x43, 0x61 };

static bool is_kernel_port(uint64_t p)
{
    for (unsigned i = 0; i < sizeof kernel_ports / sizeof kernel_ports[0]; i++)
        if (kernel_ports[i] == p)
            return true;
    return false;
}

static bool holds_port(uint64_t p) { return lookup(nova_crd_pio(p, 0, 0)) != nova_crd_null(); }

NOVA_TEST(strength_h_bit_never_gives_a_kernel_port)
{
    for (unsigned i = 0; i < sizeof kernel_ports / sizeof kernel_ports[0]; i++) {
        uint64_t p = kernel_ports[i];
        REQUIRE(!holds_port(p));
        CHECK_EQ(delegate_to_self(nova_crd_pio(p, 0, NOVA_PERM_PIO_A), p, true, nova_crd_pio(p, 0, NOVA_PERM_PIO_A)),
                 NOVA_SUCCESS);
        CHECK(!holds_port(p));
        if (holds_port(p))
            nova_printf("# the H bit gave the kernel's port 0x%lx\n", (unsigned long)p);
    }
}

NOVA_TEST(strength_h_bit_gives_every_low_port_but_the_kernel_s)
{
    /* ports 0..0xff in one delegation; afterwards only those taken here go */
    static bool before[256];
    for (uint64_t p = 0; p < 256; p++)
        before[p] = holds_port(p);
    REQUIRE_EQ(delegate_to_self(nova_crd_pio(0, 8, NOVA_PERM_PIO_A), 0, true, nova_crd_pio(0, 8, NOVA_PERM_PIO_A)),
               NOVA_SUCCESS);
    unsigned wrong = 0;
    for (uint64_t p = 0; p < 256; p++) {
        bool h = holds_port(p);
        if (h == is_kernel_port(p)) {
            wrong++;
            nova_printf("# port 0x%lx: %s\n", (unsigned long)p, h ? "given" : "not given");
        }
        if (h && !before[p])
            CHECK_EQ(nova_revoke(nova_crd_pio(p, 0, NOVA_PERM_PIO_A), NOVA_FLAG_REVOKE_SR), NOVA_SUCCESS);
    }
    CHECK_EQ(wrong, 0);
}

/* ---- the HIP lists the kernel's own memory ----
 * Memory descriptors of type -1 are the memory the hypervisor took (6.2),
 * and the H bit gives any RAM page but the kernel's (docs/api.md). So a page
 * of available RAM is delegable with H exactly when no -1 descriptor covers
 * it: a -1 region missing from the HIP shows as available RAM the H bit does
 * not give. Probed at the edges of every region and every 1 MiB. */

#define HIP_PROBE_ALIAS 0x3900000ull   /* an unused page number of the root */
#define PROBE_STRIDE    256u           /* pages: 1 MiB */

static bool covered(uint64_t page, int32_t type)
{
    for (unsigned i = 0; i < nova_hip_mem_count(nova_boot_hip); i++) {
        const struct nova_hip_mem *m = nova_hip_mem_desc(nova_boot_hip, i);
        if (m->type == type && page >= m->address >> 12 && page < (m->address + m->size + 0xfff) >> 12)
            return true;
    }
    return false;
}

/* whether the H bit gives the root the physical page */
static bool h_gives(uint64_t page)
{
    CHECK_EQ(delegate_to_self(nova_crd_mem(page, 0, NOVA_PERM_MEM_R), HIP_PROBE_ALIAS, true,
                              nova_crd_mem(HIP_PROBE_ALIAS, 0, NOVA_PERM_MEM_ALL)),
             NOVA_SUCCESS);
    bool got = lookup(nova_crd_mem(HIP_PROBE_ALIAS, 0, 0)) != nova_crd_null();
    CHECK_EQ(nova_revoke(nova_crd_mem(HIP_PROBE_ALIAS, 0, NOVA_PERM_MEM_ALL), NOVA_FLAG_REVOKE_SR), NOVA_SUCCESS);
    return got;
}

static unsigned probes, kernel_pages, wrong_pages;

/* a page wholly inside available RAM: compare the H bit with the HIP */
static void probe(uint64_t page)
{
    if (covered(page, NOVA_HIP_MEM_MODULE))
        return;   /* boot modules: preallocated, but not the kernel's */
    bool kernel = covered(page, NOVA_HIP_MEM_HYPERVISOR), given = h_gives(page);
    probes++;
    kernel_pages += kernel;
    if (given == kernel) {
        wrong_pages++;
        if (wrong_pages <= 8)
            nova_printf("# physical page 0x%lx: %s, but the H bit %s it\n", (unsigned long)page,
                        kernel ? "the kernel's in the HIP" : "available in the HIP", given ? "gives" : "keeps");
    }
}

/* probe [first, end) of available RAM: its edges, every stride, and the
 * pages on both sides of every -1 or -2 region's edges inside it */
static void probe_range(uint64_t first, uint64_t end)
{
    if (first >= end)
        return;
    probe(first);
    probe(end - 1);
    for (uint64_t p = first + PROBE_STRIDE; p < end; p += PROBE_STRIDE)
        probe(p);
    for (unsigned i = 0; i < nova_hip_mem_count(nova_boot_hip); i++) {
        const struct nova_hip_mem *m = nova_hip_mem_desc(nova_boot_hip, i);
        if (m->type >= 0 || !m->size)
            continue;
        uint64_t s = m->address >> 12, e = (m->address + m->size + 0xfff) >> 12;
        uint64_t edge[4] = { s - 1, s, e - 1, e };
        for (unsigned k = 0; k < 4; k++)
            if (edge[k] >= first && edge[k] < end)
                probe(edge[k]);
    }
}

NOVA_TEST(strength_hip_lists_the_kernel_s_memory)
{
    probes = kernel_pages = wrong_pages = 0;
    for (unsigned i = 0; i < nova_hip_mem_count(nova_boot_hip); i++) {
        const struct nova_hip_mem *m = nova_hip_mem_desc(nova_boot_hip, i);
        if (m->type != NOVA_HIP_MEM_AVAILABLE)
            continue;
        uint64_t first = (m->address + 0xfff) >> 12, end = (m->address + m->size) >> 12;   /* whole pages */
        if (end > (1ull << 40))
            end = 1ull << 40;
        probe_range(first, end);
    }
    nova_printf("# %u pages probed, %u of them the kernel's\n", probes, kernel_pages);
    CHECK(probes > 100);
    CHECK(kernel_pages > 0);
    CHECK_EQ(wrong_pages, 0);
}
