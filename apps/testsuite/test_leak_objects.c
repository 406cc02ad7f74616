/* Leak tests: every kind of object is created and destroyed thousands of
 * times, and the kernel memory charged to the PD that pays for it (and to
 * the root PD) returns exactly to where it started. The debug extension's
 * pd_charge reads the charges (test_leak_charge.c). A destructor that
 * forgets to free, to drop a reference or to refund its owner leaves the
 * charge higher with every round.
 *
 * Each test runs its round twice before it reads the starting charge: a
 * radix table made for a selector or a page stays with its space, so the
 * first round may leave tables; every later round must leave nothing. */
#include "support.h"
#include "vm.h"

#define LK_SEL  0x30100u   /* this file's selectors: 0x30100-0x301ff */
#define LK_UTCB 0x0000312000000000ull
#define LK_BLOCK (LK_SEL + 0x40)   /* 4 selectors: objects a new PD gets copies of */

#define ROUNDS 1000u

static uint8_t lk_stack[4096] __attribute__((aligned(16)));
#define LK_SP ((uintptr_t)&lk_stack[sizeof lk_stack] - 16)

static uint64_t charge(uint64_t sel)
{
    uint64_t bytes = 0;
    CHECK_EQ(nova_debug_pd_charge(sel, &bytes), NOVA_SUCCESS);
    return bytes;
}

static enum nova_status drop(uint64_t sel) { return nova_revoke(nova_crd_obj(sel, 0, PERM_ANY), NOVA_FLAG_REVOKE_SR); }

/* Two rounds to warm up, then `n` rounds; the charges of the root PD and
 * of `payer` (0: the root pays) must be back where they were. */
static void leak_check(bool (*round)(void), unsigned n, uint64_t payer)
{
    REQUIRE(round() && round());
    uint64_t root0 = charge(SEL_ROOT_PD), pay0 = payer ? charge(payer) : 0;
    for (unsigned i = 0; i < n; i++)
        REQUIRE(round());
    CHECK_EQ(charge(SEL_ROOT_PD), root0);
    if (payer)
        CHECK_EQ(charge(payer), pay0);
}

#define OK(x) ((x) == NOVA_SUCCESS)

static bool sm_round_at(uint64_t sel) { return OK(nova_create_sm(sel, SEL_ROOT_PD, 3)) && OK(drop(sel)); }

/* ---- protection domains ---- */

static bool pd_round(void) { return OK(nova_create_pd(LK_SEL, SEL_ROOT_PD, nova_crd_null())) && OK(drop(LK_SEL)); }

NOVA_TEST(leak_pd_create_destroy)
{
    leak_check(pd_round, ROUNDS, 0);
}

/* A new PD gets copies of a block of the root's capabilities (a PD, an EC,
 * a portal, a semaphore): its nodes, its radix tables and the references
 * they hold go when it dies. */
static bool pd_initial_round(void)
{
    return OK(nova_create_pd(LK_SEL, SEL_ROOT_PD, nova_crd_obj(LK_BLOCK, 2, PERM_ANY))) && charge(LK_SEL) > 4096 &&
           OK(drop(LK_SEL));
}

NOVA_TEST(leak_pd_with_initial_capabilities)
{
    REQUIRE_OK(nova_create_pd(LK_BLOCK, SEL_ROOT_PD, nova_crd_null()));
    REQUIRE_OK(nova_create_ec(LK_BLOCK + 1, SEL_ROOT_PD, nova_boot_cpu, LK_UTCB, LK_SP, 0, 0));
    REQUIRE_OK(nova_create_pt(LK_BLOCK + 2, SEL_ROOT_PD, LK_BLOCK + 1, 0, 0x1000));
    REQUIRE_OK(nova_create_sm(LK_BLOCK + 3, SEL_ROOT_PD, 0));
    leak_check(pd_initial_round, ROUNDS / 2, 0);
    for (unsigned i = 0; i < 4; i++)
        CHECK_EQ(drop(LK_BLOCK + i), NOVA_SUCCESS);
}

/* A PD that pays for what it makes: a child PD owns PDs, ECs, portals
 * and semaphores in turn; its own charge and the root's return. */
#define PAYER (LK_SEL + 1)

static bool owned_pd_round(void) { return OK(nova_create_pd(LK_SEL, PAYER, nova_crd_null())) && OK(drop(LK_SEL)); }

static bool owned_objects_round(void)
{
    return OK(nova_create_ec(LK_SEL + 2, PAYER, nova_boot_cpu, LK_UTCB + 0x1000, LK_SP, 0, 0)) &&
           OK(nova_create_pt(LK_SEL + 3, PAYER, LK_SEL + 2, 0, 0x1000)) &&
           OK(nova_create_sm(LK_SEL + 4, PAYER, 1)) && OK(drop(LK_SEL + 2)) &&   /* the portal keeps the EC */
           OK(drop(LK_SEL + 3)) && OK(drop(LK_SEL + 4));
}

NOVA_TEST(leak_objects_paid_for_by_a_child_pd)
{
    REQUIRE(sm_round_at(PAYER));   /* the root's radix tables for these selectors */
    uint64_t root0 = charge(SEL_ROOT_PD);
    REQUIRE_OK(nova_create_pd(PAYER, SEL_ROOT_PD, nova_crd_null()));
    uint64_t child0 = charge(PAYER);
    leak_check(owned_pd_round, ROUNDS / 2, PAYER);
    leak_check(owned_objects_round, ROUNDS / 2, PAYER);
    CHECK(charge(PAYER) > child0);   /* the EC's UTCB address left a radix table in its memory space */
    REQUIRE_OK(drop(PAYER));
    /* the child paid for the radix tables its objects needed: they went
     * with it, and the root pays for nothing of it any more (the selectors
     * used here had their tables before) */
    CHECK_EQ(charge(SEL_ROOT_PD), root0);
}

/* ---- execution contexts ---- */

static bool local_ec_round(void)
{
    return OK(nova_create_ec(LK_SEL, SEL_ROOT_PD, nova_boot_cpu, LK_UTCB, LK_SP, 0, 0)) && OK(drop(LK_SEL));
}

NOVA_TEST(leak_local_ec_create_destroy)
{
    leak_check(local_ec_round, ROUNDS, 0);
}

/* A global EC without an SC never runs. */
static bool global_ec_round(void)
{
    return OK(nova_create_ec(LK_SEL, SEL_ROOT_PD, nova_boot_cpu, LK_UTCB, LK_SP, SEL_EMPTY_EVT,
                             NOVA_FLAG_CREATE_EC_G)) &&
           OK(drop(LK_SEL));
}

NOVA_TEST(leak_global_ec_create_destroy)
{
    leak_check(global_ec_round, ROUNDS, 0);
}

/* ---- portals and semaphores ---- */

static bool pt_round(void) { return OK(nova_create_pt(LK_SEL + 1, SEL_ROOT_PD, LK_SEL, 0, 0x1000)) && OK(drop(LK_SEL + 1)); }

/* The portal outlives the capability to its EC: destroying the portal
 * must destroy the EC too. */
static bool pt_last_round(void)
{
    return OK(nova_create_ec(LK_SEL + 2, SEL_ROOT_PD, nova_boot_cpu, LK_UTCB + 0x1000, LK_SP, 0, 0)) &&
           OK(nova_create_pt(LK_SEL + 3, SEL_ROOT_PD, LK_SEL + 2, 0, 0x1000)) && OK(drop(LK_SEL + 2)) &&
           OK(drop(LK_SEL + 3));
}

NOVA_TEST(leak_portal_create_destroy)
{
    REQUIRE_OK(nova_create_ec(LK_SEL, SEL_ROOT_PD, nova_boot_cpu, LK_UTCB, LK_SP, 0, 0));
    leak_check(pt_round, ROUNDS, 0);
    leak_check(pt_last_round, ROUNDS / 2, 0);
    CHECK_EQ(drop(LK_SEL), NOVA_SUCCESS);
}

static bool sm_round(void) { return sm_round_at(LK_SEL); }

NOVA_TEST(leak_semaphore_create_destroy)
{
    leak_check(sm_round, ROUNDS, 0);
}

/* ---- scheduling contexts and vCPUs ----
 * An SC makes its EC (or vCPU) runnable; these rounds run in an EC of
 * priority 10, above every SC they create (priority 1), so none of those
 * ever runs: each is destroyed before the runner blocks. */

static bool (*runner_round)(void);
static unsigned runner_rounds;
static uint64_t runner_payer;

static void runner(struct ectx *c)
{
    (void)c;
    leak_check(runner_round, runner_rounds, runner_payer);
}

static void run_high(bool (*round)(void), unsigned n, uint64_t payer)
{
    runner_round = round;
    runner_rounds = n;
    runner_payer = payer;
    struct ectx *c = spawn(runner, 10);
    REQUIRE(c);
    CHECK(spin_until(&c->done, 1));
}

static bool sc_round(void)
{
    return OK(nova_create_ec(LK_SEL, SEL_ROOT_PD, nova_boot_cpu, LK_UTCB, LK_SP, SEL_EMPTY_EVT,
                             NOVA_FLAG_CREATE_EC_G)) &&
           OK(nova_create_sc(LK_SEL + 1, SEL_ROOT_PD, LK_SEL, nova_qpd(1000, 1))) && OK(drop(LK_SEL + 1)) &&
           OK(drop(LK_SEL));
}

/* The EC's capability goes first: its SC keeps it alive, and destroying
 * the SC must destroy the EC as well. */
static bool sc_last_round(void)
{
    return OK(nova_create_ec(LK_SEL, SEL_ROOT_PD, nova_boot_cpu, LK_UTCB, LK_SP, SEL_EMPTY_EVT,
                             NOVA_FLAG_CREATE_EC_G)) &&
           OK(nova_create_sc(LK_SEL + 1, SEL_ROOT_PD, LK_SEL, nova_qpd(1000, 1))) && OK(drop(LK_SEL)) &&
           OK(drop(LK_SEL + 1));
}

NOVA_TEST(leak_sc_create_destroy)
{
    run_high(sc_round, ROUNDS / 2, 0);
}

NOVA_TEST(leak_sc_destroyed_after_its_ec_capability)
{
    run_high(sc_last_round, ROUNDS / 2, 0);
}

/* A PD with a vCPU (its VMCB and state charged to the PD) and an SC for
 * it, destroyed in turn. */
static bool vcpu_round(void)
{
    return OK(nova_create_pd(LK_SEL + 2, SEL_ROOT_PD, nova_crd_null())) &&
           OK(nova_create_ec(LK_SEL + 3, LK_SEL + 2, nova_boot_cpu, 0, 0, 0, 0)) && charge(LK_SEL + 2) > 2 * 4096 &&
           OK(nova_create_sc(LK_SEL + 4, SEL_ROOT_PD, LK_SEL + 3, nova_qpd(1000, 1))) && OK(drop(LK_SEL + 3)) &&
           OK(drop(LK_SEL + 4)) && OK(drop(LK_SEL + 2));
}

/* vCPUs come and go in one PD, which pays for them. */
static bool vcpu_in_pd_round(void)
{
    return OK(nova_create_ec(LK_SEL + 3, LK_SEL + 2, nova_boot_cpu, 0, 0, 0, 0)) && OK(drop(LK_SEL + 3));
}

NOVA_TEST(leak_vcpu_create_destroy)
{
    VM_SKIP_WITHOUT_SVM();
    run_high(vcpu_round, ROUNDS / 4, 0);
    REQUIRE_OK(nova_create_pd(LK_SEL + 2, SEL_ROOT_PD, nova_crd_null()));
    leak_check(vcpu_in_pd_round, ROUNDS / 2, LK_SEL + 2);
    CHECK_EQ(drop(LK_SEL + 2), NOVA_SUCCESS);
}
