/* Capability checks the other tests leave unchecked, found by mutation
 * testing (docs/mutation.md): each test names the mutant it kills. */
#include "self_delegate.h"
#include "support.h"

static void started_body(struct ectx *c) { c->flag = 1; }

/* ec.c, ec_raise_event: the event portal is looked up with no permission
 * required; the mutant `cap_get(..., KOBJ_PT, 0)` -> `1` would demand the
 * portal's CT permission. A STARTUP portal whose capability keeps only CALL
 * still starts the EC. */
NOVA_TEST(mut_caps_event_portal_without_ct_permission_is_used)
{
    struct ectx *g;
    REQUIRE_OK(global_ec(&g, started_body, true));
    uint64_t pt = g->evt + NOVA_EVT_STARTUP;
    REQUIRE_OK(nova_revoke(nova_crd_obj(pt, 0, NOVA_PERM_PT_CT), NOVA_FLAG_REVOKE_SR));
    CHECK_EQ(lookup_sel(pt), nova_crd_obj(pt, 0, NOVA_PERM_PT_CALL));
    REQUIRE_OK(ectx_start(g, 2, 10000));
    CHECK_EQ(g->started, 1);
    CHECK_EQ(g->flag, 1);
    CHECK_EQ(g->done, 1);
}

#define MUT_PAGE 0x3600000ull   /* an unused page number of the root's */

static uint64_t take_h(uint64_t page)
{
    uint64_t crd = nova_crd_mem(MUT_PAGE, 0, 0);
    if (delegate_to_self(nova_crd_mem(page, 0, NOVA_PERM_MEM_ALL), MUT_PAGE, true,
                         nova_crd_mem(MUT_PAGE, 0, NOVA_PERM_MEM_ALL)) != NOVA_SUCCESS ||
        nova_lookup(&crd) != NOVA_SUCCESS)
        return ~0ull;
    if (crd != nova_crd_null())
        CHECK_EQ(nova_revoke(nova_crd_mem(MUT_PAGE, 0, NOVA_PERM_MEM_ALL), NOVA_FLAG_REVOKE_SR), NOVA_SUCCESS);
    return crd;
}

/* acpi.c, phys_is_kernel_device: the local APIC's page compared with
 * `==` forced false (or the I/O APIC's) would let the root map the
 * interrupt controllers the kernel drives. QEMU's are at the standard
 * addresses; the HPET page next to them is an ordinary device page. */
NOVA_TEST(mut_caps_h_bit_gives_no_interrupt_controller_page)
{
    CHECK_EQ(take_h(0xfee00), nova_crd_null());   /* local APIC */
    CHECK_EQ(take_h(0xfec00), nova_crd_null());   /* I/O APIC */
    CHECK_EQ(take_h(0xfed00), nova_crd_mem(MUT_PAGE, 0, NOVA_PERM_MEM_ALL));   /* HPET: given */
}

/* assign.c, sys_assign_pci: the PD is looked up with no permission
 * required; the mutant `cap_get(..., KOBJ_PD, 0)` -> `1` would demand the
 * PD capability's PD permission and answer BAD_CAP instead of BAD_DEV (no
 * IOMMU: no device can be assigned). */
NOVA_TEST(mut_caps_assign_pci_needs_no_pd_permission)
{
    uint64_t pd = sel_alloc(1);
    REQUIRE_OK(nova_create_pd(pd, SEL_ROOT_PD, nova_crd_null()));
    REQUIRE_OK(nova_revoke(nova_crd_obj(pd, 0, NOVA_PERM_PD_ALL & ~(uint64_t)NOVA_PERM_PD_EC), NOVA_FLAG_REVOKE_SR));
    CHECK_EQ(lookup_sel(pd), nova_crd_obj(pd, 0, NOVA_PERM_PD_EC));
    CHECK_EQ(nova_assign_pci(pd, 0, 0), NOVA_BAD_DEV);
}
