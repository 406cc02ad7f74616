/* Object destruction paths the other lifecycle tests leave unchecked,
 * found by mutation testing (docs/mutation.md): each test names the
 * mutant it kills. */
#include "support.h"

#define MUT_ROUNDS 16000   /* x 3 page tables of 4 KiB: well beyond the kernel pool */
#define MUT_UTCB   0x0000270000000000ull   /* in the new PD */

static uint8_t mut_stack[256] __attribute__((aligned(16)));

/* paging.c, hpt_destroy_user: the loop over the PD's user half `i < 256`
 * made `>=`: a destroyed PD would keep the page tables of its user
 * mappings (here a UTCB's) for good, and the pool would run dry. */
NOVA_TEST(mut_lifecycle_destroyed_pds_return_their_page_tables)
{
    uint64_t s = sel_alloc(2), sp = (uintptr_t)&mut_stack[sizeof mut_stack] - 8;
    for (unsigned i = 0; i < MUT_ROUNDS; i++) {
        REQUIRE_EQ(nova_create_pd(s, SEL_ROOT_PD, nova_crd_null()), NOVA_SUCCESS);
        REQUIRE_EQ(nova_create_ec(s + 1, s, nova_boot_cpu, MUT_UTCB, sp, 0, 0), NOVA_SUCCESS);
        REQUIRE_EQ(nova_revoke(nova_crd_obj(s + 1, 0, NOVA_PERM_EC_ALL), NOVA_FLAG_REVOKE_SR), NOVA_SUCCESS);
        REQUIRE_EQ(nova_revoke(nova_crd_obj(s, 0, NOVA_PERM_PD_ALL), NOVA_FLAG_REVOKE_SR), NOVA_SUCCESS);
    }
}
