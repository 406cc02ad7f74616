/* Scheduling the other files left open (issue 14's surviving mutants): the
 * length of a quantum, measured inside the machine with the TSC, and the
 * end of an EC whose SC is destroyed. */
#include "support.h"

static inline uint64_t rdtsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

/* ---- the quantum ----
 * Two ECs of one priority, above the root's, spin reading the TSC and
 * marking the shared q_owner as theirs; each notices when the other ran
 * since it last looked (q_owner is the other's), and then its own previous
 * slice ended at its last reading before. The scheduler goes round robin
 * within a priority as quanta expire (3.1), so a slice is one quantum, in
 * the TSC time the kernel accounts (the HIP's TSC frequency converts).
 *
 * A reading taken before the other ran must not start a slice: a timer
 * interrupt that lands between a spinner's rdtsc and its look at q_owner
 * (QEMU takes interrupts where its translated loop begins, which is just
 * there) would date the new slice from before the other's, and every slice
 * would measure two quanta. So a spinner that notices reads the TSC again.
 *
 * A busy host delivers the timer late and only ever makes a slice longer,
 * so the shortest slice (each EC's first, begun before the gate, left out)
 * must be under 2 quanta, and the median above half of one. A long quantum
 * keeps the host's lateness small beside it. */

#define QUANTUM_US 20000u
#define SLICES     16u     /* of both together */
#define BUDGET     300u    /* quanta of TSC time before the spinners give up: room for slices of 18 */

static volatile uint64_t q_owner, q_t0, q_gate, q_count[2];
static uint64_t q_slice[2][SLICES];

static void spinner(struct ectx *c)
{
    unsigned id = (unsigned)c->a[0];
    uint64_t budget = BUDGET * (uint64_t)QUANTUM_US * nova_boot_hip->tsc_freq_khz / 1000;
    /* the first to wake lets the other go: from here on both are ready */
    REQUIRE_OK(nova_sm_ctrl(q_gate, NOVA_FLAG_SM_CTRL_DN));
    REQUIRE_OK(nova_sm_ctrl(q_gate, 0));
    if (!q_t0)
        q_t0 = rdtsc();
    uint64_t start = 0, last = 0, ends = 0;
    for (;;) {
        uint64_t now = rdtsc();
        if (q_count[0] + q_count[1] >= SLICES || now - q_t0 > budget)
            break;
        if (q_owner != id + 1) {   /* the other ran: a slice of ours ended at `last` */
            q_owner = id + 1;
            if (start && ends++ && q_count[id] < SLICES)   /* the first slice began before the gate */
                q_slice[id][q_count[id]++] = last - start;
            now = rdtsc();   /* `now` may predate the other's slice */
            start = now;
        }
        last = now;
    }
}

NOVA_TEST(strength_a_quantum_lasts_as_long_as_the_qpd_says)
{
    uint64_t khz = nova_boot_hip->tsc_freq_khz, q = (uint64_t)QUANTUM_US * khz / 1000;
    REQUIRE(khz != 0);
    q_owner = q_t0 = q_count[0] = q_count[1] = 0;
    q_gate = new_sm(0);
    REQUIRE(q_gate);
    struct ectx *e[2];
    for (unsigned i = 0; i < 2; i++) {
        REQUIRE_OK(global_ec(&e[i], spinner, true));
        e[i]->a[0] = i;
        REQUIRE_OK(ectx_start(e[i], 2, QUANTUM_US));
        REQUIRE_EQ(e[i]->started, 1);   /* it waits at the gate */
    }
    REQUIRE_OK(nova_sm_ctrl(q_gate, 0));   /* both spin at priority 2 until they are done */
    REQUIRE_EQ(e[0]->done, 1);
    REQUIRE_EQ(e[1]->done, 1);
    uint64_t slice[2 * SLICES];
    unsigned m = 0;
    for (unsigned id = 0; id < 2; id++)
        for (unsigned i = 0; i < q_count[id]; i++)
            slice[m++] = q_slice[id][i];
    nova_printf("# %u slices in %u quanta of TSC time:", m, BUDGET);
    for (unsigned i = 0; i < m; i++)
        nova_printf(" %lu", (unsigned long)(slice[i] * 1000 / khz));
    nova_printf(" us\n");
    /* far fewer slices than the budget allows: quanta far too long */
    REQUIRE(m >= SLICES / 2);
    for (unsigned i = 1; i < m; i++)   /* insertion sort */
        for (unsigned j = i; j > 0 && slice[j - 1] > slice[j]; j--) {
            uint64_t t = slice[j];
            slice[j] = slice[j - 1];
            slice[j - 1] = t;
        }
    uint64_t median = slice[m / 2];
    nova_printf("# shortest slice %lu us, median %lu us, for a quantum of %u us\n",
                (unsigned long)(slice[0] * 1000 / khz), (unsigned long)(median * 1000 / khz), QUANTUM_US);
    CHECK(slice[0] < 2 * q);
    CHECK(median > q / 2);
}

/* ---- an SC's end lets its EC go ----
 * An SC holds its EC (docs/api.md, "Object lifetime"), and the EC dies with
 * the last reference: then its UTCB page leaves its PD, and the address can
 * hold a new EC's UTCB (a UTCB address in use answers BAD_PAR). */

static bool utcb_mapped(uintptr_t u)
{
    uint64_t crd = nova_crd_mem(u >> 12, 0, 0);
    CHECK_EQ(nova_lookup(&crd), NOVA_SUCCESS);
    return crd != nova_crd_null();
}

static void sc_then_ec_die(bool sc_first)
{
    struct ectx *g;
    REQUIRE_OK(global_ec(&g, 0, true));
    REQUIRE_OK(ectx_start(g, 2, 10000));
    REQUIRE_EQ(g->done, 1);   /* blocked for good */
    uintptr_t u = (uintptr_t)g->utcb;
    REQUIRE(utcb_mapped(u));
    uint64_t first = sc_first ? nova_crd_obj(g->sc, 0, NOVA_PERM_SC_ALL) : nova_crd_obj(g->ec, 0, NOVA_PERM_EC_ALL);
    uint64_t second = sc_first ? nova_crd_obj(g->ec, 0, NOVA_PERM_EC_ALL) : nova_crd_obj(g->sc, 0, NOVA_PERM_SC_ALL);
    REQUIRE_OK(nova_revoke(first, NOVA_FLAG_REVOKE_SR));
    CHECK(utcb_mapped(u));   /* one reference left: the EC lives */
    REQUIRE_OK(nova_revoke(second, NOVA_FLAG_REVOKE_SR));
    CHECK(!utcb_mapped(u));
    uint64_t s = sel_alloc(1);
    static uint8_t stack[256] __attribute__((aligned(16)));
    CHECK_EQ(nova_create_ec(s, SEL_ROOT_PD, nova_boot_cpu, u, (uintptr_t)&stack[sizeof stack], SEL_EMPTY_EVT, 0),
             NOVA_SUCCESS);
}

NOVA_TEST(strength_an_ec_dies_with_its_last_sc)
{
    sc_then_ec_die(false);
}

NOVA_TEST(strength_an_sc_destroyed_first_does_not_keep_its_ec)
{
    sc_then_ec_die(true);
}
