/* oomtest: a root task that exhausts the kernel's memory and checks that
 * every create answers BAD_CAP (docs/api.md, "Out of kernel memory") and
 * that nothing leaks: after revoking everything, the same number of
 * objects fits again, and (where the kernel has the debug extension) the
 * root PD is charged what it was. Filling the memory with ECs also ends in
 * a create whose EC fits but whose UTCB page does not. Booted on a small
 * machine by its own boot test, because it leaves the kernel pool carved
 * up for objects of few sizes. */
#include <nova/nova.h>

#define SEL_BASE  0x80000u   /* 2^19 selectors up to SEL */
#define SEL_ORDER 19
#define ROOT_PD   (NOVA_EXC_SELECTORS + 0)
#define ROOT_EC   (NOVA_EXC_SELECTORS + 1)

static unsigned fill_with_semaphores(void)
{
    unsigned n = 0;
    while (n < (1u << SEL_ORDER)) {
        enum nova_status s = nova_create_sm(SEL_BASE + n, ROOT_PD, n);
        if (s == NOVA_BAD_CAP)
            return n;
        if (s != NOVA_SUCCESS) {
            nova_printf("oomtest: FAIL: create_sm answered %u\n", s);
            nova_exit(1);
        }
        n++;
    }
    nova_printf("oomtest: FAIL: %u semaphores did not exhaust the kernel memory\n", n);
    nova_exit(1);
}

/* The root PD's charge in bytes; 0 without the debug extension. */
static uint64_t charge(void)
{
    uint64_t bytes = 0;
    return nova_debug_pd_charge(ROOT_PD, &bytes) == NOVA_SUCCESS ? bytes : 0;
}

#define UTCB_BASE 0x0000500000000000ull   /* the ECs' UTCBs, one page each */

/* ECs until the memory is used up. The create that fails must leave
 * nothing behind: with the memory used up, an EC whose object still fits
 * in a slab but whose UTCB page does not is taken back whole, so the
 * charge stays what it was before that create. `watch` reads the charge
 * before every create (each read runs the kernel's invariant checker, so
 * only the first round does: a leak there would take the slab slot that
 * later rounds could leak). */
static unsigned fill_with_ecs(bool watch)
{
    static uint8_t stack[64] __attribute__((aligned(16)));
    for (unsigned n = 0; n < (1u << SEL_ORDER); n++) {
        uint64_t before = watch ? charge() : 0;
        enum nova_status s = nova_create_ec(SEL_BASE + n, ROOT_PD, nova_boot_cpu, UTCB_BASE + 0x1000ull * n,
                                            (uintptr_t)&stack[sizeof stack], 0, 0);
        if (s == NOVA_SUCCESS)
            continue;
        if (s != NOVA_BAD_CAP) {
            nova_printf("oomtest: FAIL: create_ec answered %u\n", s);
            nova_exit(1);
        }
        if (watch && charge() != before) {
            nova_printf("oomtest: FAIL: a refused create_ec changed the charge from %lu to %lu bytes\n",
                        (unsigned long)before, (unsigned long)charge());
            nova_exit(1);
        }
        return n;
    }
    nova_printf("oomtest: FAIL: %u ECs did not exhaust the kernel memory\n", 1u << SEL_ORDER);
    nova_exit(1);
}

static void empty(void)
{
    /* the whole mask: the range holds objects of every type */
    if (nova_revoke(nova_crd_obj(SEL_BASE, SEL_ORDER, NOVA_CRD_MASK_MAX), NOVA_FLAG_REVOKE_SR) != NOVA_SUCCESS) {
        nova_printf("oomtest: FAIL: revoke\n");
        nova_exit(1);
    }
}

static bool every_create_is_refused(void)
{
    uint64_t sel = 0x1000;
    return nova_create_pd(sel, ROOT_PD, nova_crd_null()) == NOVA_BAD_CAP &&
           nova_create_ec(sel, ROOT_PD, nova_boot_cpu, 0x0000500000000000ull, 0x1000, 0, 0) == NOVA_BAD_CAP &&
           nova_create_sc(sel, ROOT_PD, ROOT_EC, nova_qpd(1000, 1)) == NOVA_BAD_CAP &&
           nova_create_pt(sel, ROOT_PD, ROOT_EC, 0, 0x1000) == NOVA_BAD_CAP &&
           nova_create_sm(sel, ROOT_PD, 0) == NOVA_BAD_CAP;
}

int main(const struct nova_hip *hip, unsigned cpu)
{
    (void)hip, (void)cpu;
    /* ECs first: their slab pages stay carved for ECs, and what semaphores
     * carve afterwards is left to nothing else. The first round of each
     * pays for selector tables (and the ECs' for the memory space's tables
     * of their UTCBs), which stay; later rounds must cost nothing. */
    unsigned ecs1 = fill_with_ecs(true);
    empty();
    uint64_t after1 = charge();
    unsigned ecs2 = fill_with_ecs(false);
    empty();
    uint64_t after2 = charge();
    nova_printf("oomtest: %u ECs, then %u; the root is charged %lu bytes after a round, %lu after two\n", ecs1, ecs2,
                (unsigned long)after1, (unsigned long)after2);
    unsigned first = fill_with_semaphores();
    nova_printf("oomtest: round 1: %u semaphores until BAD_CAP\n", first);
    bool refused = every_create_is_refused();
    nova_printf("oomtest: with no memory left every create answers BAD_CAP: %s\n", refused ? "yes" : "no");
    empty();
    unsigned second = fill_with_semaphores();
    empty();
    uint64_t after_second = charge();
    unsigned third = fill_with_semaphores();
    empty();
    uint64_t after_third = charge();
    nova_printf("oomtest: round 2: %u, round 3: %u; the root is charged %lu bytes after each\n", second, third,
                (unsigned long)after_second);
    bool ok = refused && second >= first && third == second && ecs2 == ecs1 && after2 == after1 &&
              after_third == after_second;
    nova_printf(ok ? "oomtest: PASS\n" : "oomtest: FAIL: memory leaked\n");
    return ok ? 0 : 1;
}
