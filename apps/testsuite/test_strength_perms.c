/* Every permission bit of the object capabilities (spec 4.1.4): each
 * hypercall that needs a bit answers BAD_CAP when the capability has every
 * permission but that one, and succeeds when the capability has that one
 * alone. The copies with reduced permissions are derived from the root's
 * own capabilities inside the root PD (self_delegate.c). A bit of a type's
 * NOVA_PERM_<type>_ALL that no case below knows fails the test, so a bit
 * the spec gains is not left untested. */
#include "self_delegate.h"
#include "support.h"

/* a stack for ECs that never run */
static uint8_t idle_stack[256] __attribute__((aligned(16)));
static uint64_t idle_sp(void) { return (uintptr_t)&idle_stack[sizeof idle_stack]; }

/* A copy of the object capability at src with exactly `perms`, at a fresh selector. */
static uint64_t copy_with(uint64_t src, uint64_t perms)
{
    uint64_t dst = sel_alloc(1);
    CHECK_EQ(delegate_to_self(nova_crd_obj(src, 0, perms), dst, false, nova_crd_obj(dst, 0, PERM_ANY)),
             NOVA_SUCCESS);
    CHECK_EQ(lookup_sel(dst), nova_crd_obj(dst, 0, perms));
    return dst;
}

/* A global EC that has not started yet (no SC), for create_sc. */
static uint64_t fresh_global_ec(void)
{
    struct ectx *g;
    CHECK_EQ(global_ec(&g, 0, true), NOVA_SUCCESS);
    return g ? g->ec : 0;
}

/* A local EC that never runs (no ectx: those are few), for create_pt and ec_ctrl. */
static uint64_t idle_local_ec(void)
{
    uint64_t s = sel_alloc(1);
    CHECK_EQ(nova_create_ec(s, SEL_ROOT_PD, nova_boot_cpu, utcb_alloc(), idle_sp(), SEL_EMPTY_EVT, 0), NOVA_SUCCESS);
    return s;
}

#define QPD nova_qpd(10000, 2)   /* above the root: a started EC runs to its end at once */

/* The hypercall that needs PD permission `bit`, with `pd` as the owner. */
static enum nova_status use_pd(uint64_t bit, uint64_t pd, bool *known)
{
    uint64_t s = sel_alloc(1);
    *known = true;
    switch (bit) {
    case NOVA_PERM_PD_PD:
        return nova_create_pd(s, pd, nova_crd_null());
    case NOVA_PERM_PD_EC:
        return nova_create_ec(s, pd, nova_boot_cpu, utcb_alloc(), idle_sp(), SEL_EMPTY_EVT, 0);
    case NOVA_PERM_PD_SC:
        return nova_create_sc(s, pd, fresh_global_ec(), QPD);
    case NOVA_PERM_PD_PT:
        return nova_create_pt(s, pd, idle_local_ec(), 0, (uintptr_t)lec_entry);
    case NOVA_PERM_PD_SM:
        return nova_create_sm(s, pd, 0);
    }
    *known = false;
    return NOVA_BAD_PAR;
}

/* A fresh EC of the kind the hypercall needing EC permission `bit` takes. */
static uint64_t ec_for(uint64_t bit)
{
    return bit == NOVA_PERM_EC_SC ? fresh_global_ec() : idle_local_ec();
}

static enum nova_status use_ec(uint64_t bit, uint64_t ec, bool *known)
{
    uint64_t s = sel_alloc(1);
    *known = true;
    switch (bit) {
    case NOVA_PERM_EC_CT:
        return nova_ec_ctrl(ec);   /* a recall pended on an EC that never runs */
    case NOVA_PERM_EC_SC:
        return nova_create_sc(s, SEL_ROOT_PD, ec, QPD);
    case NOVA_PERM_EC_PT:
        return nova_create_pt(s, SEL_ROOT_PD, ec, 0, (uintptr_t)lec_entry);
    }
    *known = false;
    return NOVA_BAD_PAR;
}

/* For each bit of `all`: a copy of the object `make_obj(bit)` made without
 * that bit is refused, one with only that bit is accepted. */
#define FOR_EACH_BIT(all, bit) for (uint64_t bit = 1; bit <= (all); bit <<= 1) if ((all) & bit)

NOVA_TEST(strength_every_pd_permission_is_checked)
{
    unsigned tested = 0;
    FOR_EACH_BIT(NOVA_PERM_PD_ALL, bit) {
        bool known;
        uint64_t without = copy_with(SEL_ROOT_PD, NOVA_PERM_PD_ALL & ~bit), only = copy_with(SEL_ROOT_PD, bit);
        enum nova_status refused = use_pd(bit, without, &known);
        CHECK(known);
        CHECK_EQ(refused, NOVA_BAD_CAP);
        CHECK_EQ(use_pd(bit, only, &known), NOVA_SUCCESS);
        if (refused != NOVA_BAD_CAP)
            nova_printf("# PD permission 0x%lx is not checked\n", (unsigned long)bit);
        tested++;
    }
    CHECK_EQ(tested, __builtin_popcount(NOVA_PERM_PD_ALL));
}

NOVA_TEST(strength_every_ec_permission_is_checked)
{
    FOR_EACH_BIT(NOVA_PERM_EC_ALL, bit) {
        bool known;
        uint64_t ec = ec_for(bit);
        uint64_t without = copy_with(ec, NOVA_PERM_EC_ALL & ~bit);
        enum nova_status refused = use_ec(bit, without, &known);
        CHECK(known);
        CHECK_EQ(refused, NOVA_BAD_CAP);
        if (refused != NOVA_BAD_CAP)
            nova_printf("# EC permission 0x%lx is not checked\n", (unsigned long)bit);
        uint64_t only = copy_with(ec_for(bit), bit);
        CHECK_EQ(use_ec(bit, only, &known), NOVA_SUCCESS);
    }
}

NOVA_TEST(strength_every_sc_permission_is_checked)
{
    struct ectx *g;
    REQUIRE_OK(global_ec(&g, 0, true));
    REQUIRE_OK(ectx_start(g, 2, 10000));
    /* ct is an SC capability's one bit: without it a capability has no
     * permission left and does not exist (delegation makes nothing), so only
     * the side with the bit alone can be shown */
    CHECK_EQ(NOVA_PERM_SC_ALL, NOVA_PERM_SC_CT);
    uint64_t t = 0;
    CHECK_EQ(nova_sc_ctrl(copy_with(g->sc, NOVA_PERM_SC_CT), &t), NOVA_SUCCESS);
    CHECK(t > 0);   /* it ran: the copy names the SC */
}

static void count_fn(uint64_t pid, struct ectx *c)
{
    (void)pid;
    c->a[0]++;
    c->utcb->head.items = 0;
}

NOVA_TEST(strength_every_pt_permission_is_checked)
{
    FOR_EACH_BIT(NOVA_PERM_PT_ALL, bit) {
        struct ectx *l;
        REQUIRE_OK(local_server(&l, count_fn));
        uint64_t without = copy_with(l->pt, NOVA_PERM_PT_ALL & ~bit), only = copy_with(l->pt, bit);
        struct nova_utcb *u = nova_root_utcb();
        switch (bit) {
        case NOVA_PERM_PT_CT:
            CHECK_EQ(nova_pt_ctrl(without, 0x77), NOVA_BAD_CAP);
            CHECK_EQ(nova_pt_ctrl(only, 0x55), NOVA_SUCCESS);
            u->head.items = 0;
            CHECK_EQ(nova_call(l->pt, 0), NOVA_SUCCESS);
            CHECK_EQ(l->last_pid, 0x55);   /* the accepted pt_ctrl set the PID, the refused one nothing */
            break;
        case NOVA_PERM_PT_CALL:
            /* the IPC fast path (untyped words only) and the general path (a typed item) */
            u->head.items = nova_utcb_items(1, 0);
            CHECK_EQ(nova_call(without, 0), NOVA_BAD_CAP);
            u->head.items = nova_utcb_items(0, 1);
            u->data.words[NOVA_UTCB_TYPED_ITEM_WORD(0)] = nova_item_translate();
            u->data.words[NOVA_UTCB_TYPED_CRD_WORD(0)] = nova_crd_null();
            CHECK_EQ(nova_call(without, NOVA_FLAG_CALL_DD), NOVA_BAD_CAP);
            CHECK_EQ(l->a[0], 0);
            u->head.items = nova_utcb_items(1, 0);
            CHECK_EQ(nova_call(only, 0), NOVA_SUCCESS);
            u->head.items = nova_utcb_items(0, 1);
            CHECK_EQ(nova_call(only, 0), NOVA_SUCCESS);
            CHECK_EQ(l->a[0], 2);
            break;
        default:
            CHECK(!"a portal permission bit without a test");
        }
    }
}

NOVA_TEST(strength_every_sm_permission_is_checked)
{
    FOR_EACH_BIT(NOVA_PERM_SM_ALL, bit) {
        uint64_t sm = new_sm(2);   /* two downs, even a wrongly accepted one, never block */
        REQUIRE(sm);
        uint64_t without = copy_with(sm, NOVA_PERM_SM_ALL & ~bit), only = copy_with(sm, bit);
        unsigned flags;
        switch (bit) {
        case NOVA_PERM_SM_UP:
            flags = 0;
            break;
        case NOVA_PERM_SM_DN:
            flags = NOVA_FLAG_SM_CTRL_DN;
            break;
        default:
            CHECK(!"a semaphore permission bit without a test");
            continue;
        }
        CHECK_EQ(nova_sm_ctrl(without, flags), NOVA_BAD_CAP);
        CHECK_EQ(nova_sm_ctrl(only, flags), NOVA_SUCCESS);
    }
}
