/* The x2APIC as Linux 6.1 drives it: setup, timer modes, EOI, IPIs. */
#include "lapic.h"
#include "unit.h"

#define KHZ 1000000u   /* a 1 GHz TSC: one tick per ns */

struct sent { unsigned n, dest[8], mode[8], vector[8]; };

static void record(void *ctx, unsigned dest, unsigned mode, unsigned vector)
{
    struct sent *s = ctx;
    if (s->n < 8) {
        s->dest[s->n] = dest;
        s->mode[s->n] = mode;
        s->vector[s->n] = vector;
    }
    s->n++;
}

static uint64_t rd(struct lapic *l, uint32_t msr, uint64_t now)
{
    uint64_t v = 0xdeadbeef;
    EXPECT(lapic_msr_read(l, msr, &v, now));
    return v;
}

static void wr(struct lapic *l, uint32_t msr, uint64_t v, uint64_t now)
{
    EXPECT(lapic_msr_write(l, msr, v, now));
}

static void enabled(struct lapic *l, uint32_t id, uint32_t vcpus, struct sent *s)
{
    lapic_init(l, id, vcpus, KHZ, KHZ, record, s);
    wr(l, 0x80f, 0x1ff, 0);  /* SVR: enabled, spurious 0xff */
}

UNIT_TEST(lapic_identity_registers)
{
    struct lapic l;
    lapic_init(&l, 0x13, 32, KHZ, KHZ, 0, 0);
    EXPECT(rd(&l, 0x802, 0) == 0x13);
    EXPECT(rd(&l, 0x803, 0) == 0x50014);
    EXPECT(rd(&l, 0x80d, 0) == ((1u << 16) | (1u << 3)));
    EXPECT(rd(&l, 0x80f, 0) == 0xff);
    EXPECT(rd(&l, 0x832, 0) == 0x10000);
    uint64_t v;
    EXPECT(!lapic_msr_write(&l, 0x802, 1, 0));   /* read-only */
    EXPECT(!lapic_msr_write(&l, 0x80d, 1, 0));
    EXPECT(!lapic_msr_read(&l, 0x80b, &v, 0));   /* EOI is write-only */
    EXPECT(!lapic_msr_read(&l, 0x83f, &v, 0));
    EXPECT(!lapic_msr_read(&l, 0x801, &v, 0));   /* no such register */
    EXPECT(!lapic_msr_write(&l, 0x808, 1ull << 32, 0));
    EXPECT(lapic_owns_msr(0x800) && lapic_owns_msr(0x8ff) && lapic_owns_msr(0x6e0));
    EXPECT(!lapic_owns_msr(0x1b) && !lapic_owns_msr(0x900));
}

UNIT_TEST(lapic_disabled_drops_and_masks)
{
    struct lapic l;
    lapic_init(&l, 0, 1, KHZ, KHZ, 0, 0);
    lapic_accept(&l, 0x40);
    EXPECT(lapic_pending_vector(&l) == -1);
    wr(&l, 0x835, 0x700, 0);                     /* LINT0 ExtINT, unmasked? */
    EXPECT(rd(&l, 0x835, 0) == 0x10700);          /* no: stays masked */
    EXPECT(!lapic_extint_enabled(&l));
    wr(&l, 0x80f, 0x1ff, 0);
    wr(&l, 0x835, 0x700, 0);
    EXPECT(lapic_extint_enabled(&l));
    wr(&l, 0x80f, 0xff, 0);                      /* disabling masks all LVTs */
    EXPECT(rd(&l, 0x835, 0) == 0x10700);
}

UNIT_TEST(lapic_priority_tpr_ppr_eoi)
{
    struct lapic l;
    struct sent s = { 0 };
    enabled(&l, 0, 1, &s);
    lapic_accept(&l, 0x31);
    lapic_accept(&l, 0x52);
    EXPECT(rd(&l, 0x820 + 1, 0) == (1u << 0x11));
    EXPECT(lapic_pending_vector(&l) == 0x52);
    lapic_ack(&l, 0x52);
    EXPECT(rd(&l, 0x812, 0) == (1u << 0x12));
    EXPECT(rd(&l, 0x80a, 0) == 0x50);
    EXPECT(lapic_pending_vector(&l) == -1);      /* 0x31 is below PPR */
    lapic_accept(&l, 0x61);
    EXPECT(lapic_pending_vector(&l) == 0x61);    /* nests above 0x52 */
    wr(&l, 0x808, 0x70, 0);
    EXPECT(lapic_pending_vector(&l) == -1);      /* TPR blocks class 6 */
    EXPECT(rd(&l, 0x80a, 0) == 0x70);
    wr(&l, 0x808, 0, 0);
    wr(&l, 0x80b, 0, 0);                         /* EOI 0x52 */
    EXPECT(rd(&l, 0x812, 0) == 0);
    EXPECT(lapic_pending_vector(&l) == 0x61);
    lapic_ack(&l, 0x61);
    lapic_ack(&l, 0x31);                         /* nested two deep */
    wr(&l, 0x80b, 0, 0);
    EXPECT(rd(&l, 0x813, 0) == 0 && rd(&l, 0x811, 0) == (1u << 0x11));
}

UNIT_TEST(lapic_illegal_vectors_set_esr)
{
    struct lapic l;
    struct sent s = { 0 };
    enabled(&l, 0, 1, &s);
    wr(&l, 0x837, 0xfe, 0);                      /* LVT error vector 0xfe */
    lapic_accept(&l, 3);
    wr(&l, 0x830, 5, 0);                         /* fixed IPI, vector 5 */
    wr(&l, 0x828, 0, 0);
    EXPECT(rd(&l, 0x828, 0) == 0x60);
    EXPECT(lapic_pending_vector(&l) == 0xfe);
    wr(&l, 0x828, 0, 0);
    EXPECT(rd(&l, 0x828, 0) == 0);
}

UNIT_TEST(lapic_oneshot_timer)
{
    struct lapic l;
    struct sent s = { 0 };
    enabled(&l, 0, 1, &s);
    wr(&l, 0x83e, 0xb, 0);                       /* divide by 1 */
    wr(&l, 0x832, 0xec, 0);                      /* one-shot, vector 0xec */
    EXPECT(lapic_next_event(&l) == UINT64_MAX);
    wr(&l, 0x838, 1000, 5000);
    EXPECT(lapic_next_event(&l) == 6000);
    EXPECT(rd(&l, 0x839, 5400) == 600);
    lapic_tick(&l, 5999);
    EXPECT(lapic_pending_vector(&l) == -1);
    lapic_tick(&l, 6000);
    EXPECT(lapic_pending_vector(&l) == 0xec);
    EXPECT(rd(&l, 0x839, 6001) == 0);
    EXPECT(lapic_next_event(&l) == UINT64_MAX);
    EXPECT(rd(&l, 0x838, 7000) == 1000);
    wr(&l, 0x83e, 0x3, 7000);                    /* divide by 16 */
    wr(&l, 0x838, 10, 7000);
    EXPECT(lapic_next_event(&l) == 7160);
    wr(&l, 0x838, 0, 7100);                      /* zero stops it */
    EXPECT(lapic_next_event(&l) == UINT64_MAX);
}

UNIT_TEST(lapic_masked_timer_runs_silently)
{
    struct lapic l;
    struct sent s = { 0 };
    enabled(&l, 0, 1, &s);
    wr(&l, 0x83e, 0xb, 0);
    wr(&l, 0x832, 0x100ec, 0);
    wr(&l, 0x838, 100, 0);
    EXPECT(lapic_next_event(&l) == UINT64_MAX);
    EXPECT(rd(&l, 0x839, 50) == 50);
    wr(&l, 0x832, 0xec, 200);                    /* unmask after expiry */
    EXPECT(lapic_pending_vector(&l) == -1);      /* the expiry stays silent */
}

UNIT_TEST(lapic_periodic_timer)
{
    struct lapic l;
    struct sent s = { 0 };
    enabled(&l, 0, 1, &s);
    wr(&l, 0x83e, 0x0, 0);                       /* divide by 2 */
    wr(&l, 0x832, (1u << 17) | 0xec, 0);
    wr(&l, 0x838, 500000, 0);                    /* 1 ms at 1 GHz / 2 */
    EXPECT(lapic_next_event(&l) == 1000000);
    lapic_tick(&l, 1000000);
    EXPECT(lapic_pending_vector(&l) == 0xec);
    lapic_ack(&l, 0xec);
    wr(&l, 0x80b, 0, 1000001);
    EXPECT(lapic_next_event(&l) == 2000000);
    EXPECT(rd(&l, 0x839, 1500000) == 250000);
    lapic_tick(&l, 5500000);                     /* late: one interrupt */
    EXPECT(lapic_pending_vector(&l) == 0xec);
    EXPECT(lapic_next_event(&l) == 6000000);
    wr(&l, 0x832, 0xec, 5600000);                /* mode change stops it */
    EXPECT(lapic_next_event(&l) == UINT64_MAX && rd(&l, 0x838, 0) == 0);
}

UNIT_TEST(lapic_periodic_minimum_period)
{
    struct lapic l;
    struct sent s = { 0 };
    enabled(&l, 0, 1, &s);
    wr(&l, 0x83e, 0xb, 0);
    wr(&l, 0x832, (1u << 17) | 0xec, 0);
    wr(&l, 0x838, 1, 0);
    EXPECT(lapic_next_event(&l) == KHZ / 10);    /* 100 us, not 1 ns */
}

UNIT_TEST(lapic_tsc_deadline_timer)
{
    struct lapic l;
    struct sent s = { 0 };
    enabled(&l, 0, 1, &s);
    wr(&l, 0x6e0, 1234, 0);                      /* ignored: not in mode */
    EXPECT(rd(&l, 0x6e0, 0) == 0 && lapic_next_event(&l) == UINT64_MAX);
    wr(&l, 0x832, (2u << 17) | 0xef, 0);
    wr(&l, 0x838, 1000, 0);                      /* ignored in deadline mode */
    EXPECT(lapic_next_event(&l) == UINT64_MAX);
    wr(&l, 0x6e0, 90000, 100);
    EXPECT(rd(&l, 0x6e0, 100) == 90000);
    EXPECT(lapic_next_event(&l) == 90000);
    EXPECT(rd(&l, 0x839, 100) == 0);
    lapic_tick(&l, 90000);
    EXPECT(lapic_pending_vector(&l) == 0xef);
    EXPECT(rd(&l, 0x6e0, 90001) == 0);           /* cleared when it fired */
    lapic_ack(&l, 0xef);
    wr(&l, 0x80b, 0, 90002);
    wr(&l, 0x6e0, 50, 90003);                    /* in the past: at once */
    EXPECT(lapic_pending_vector(&l) == 0xef);
    lapic_ack(&l, 0xef);
    wr(&l, 0x80b, 0, 90004);
    wr(&l, 0x6e0, 95000, 90005);
    wr(&l, 0x6e0, 0, 90006);                     /* zero disarms */
    lapic_tick(&l, 100000);
    EXPECT(lapic_pending_vector(&l) == -1);
    uint64_t v;
    EXPECT(!lapic_msr_write(&l, 0x832, 3u << 17, 0) && lapic_msr_read(&l, 0x832, &v, 0));
}

UNIT_TEST(lapic_ipis_fixed_physical_and_shorthands)
{
    struct lapic l;
    struct sent s = { 0 };
    enabled(&l, 1, 4, &s);
    wr(&l, 0x830, (2ull << 32) | 0xf3, 0);       /* fixed to APIC 2 */
    EXPECT(s.n == 1 && s.dest[0] == 2 && s.mode[0] == 0 && s.vector[0] == 0xf3);
    s.n = 0;
    wr(&l, 0x830, (1ull << 32) | 0xf3, 0);       /* to itself: local */
    EXPECT(s.n == 0 && lapic_pending_vector(&l) == 0xf3);
    wr(&l, 0x830, (3u << 18) | 0xfb, 0);         /* all but self */
    EXPECT(s.n == 3 && s.dest[0] == 0 && s.dest[1] == 2 && s.dest[2] == 3);
    s.n = 0;
    wr(&l, 0x830, (2u << 18) | 0xfc, 0);         /* all including self */
    EXPECT(s.n == 3 && (l.irr[0xfc >> 5] & (1u << (0xfc & 31))));
    s.n = 0;
    wr(&l, 0x830, (0xffffffffull << 32) | 0xfd, 0); /* broadcast */
    EXPECT(s.n == 3);
    s.n = 0;
    wr(&l, 0x830, (9ull << 32) | 0xfd, 0);       /* no such vCPU */
    EXPECT(s.n == 0);
    EXPECT(rd(&l, 0x830, 0) == ((9ull << 32) | 0xfd));
    wr(&l, 0x83f, 0x44, 0);                      /* SELF_IPI */
    EXPECT(l.irr[0x44 >> 5] & (1u << (0x44 & 31)));
}

UNIT_TEST(lapic_ipis_logical_cluster)
{
    struct lapic l;
    struct sent s = { 0 };
    enabled(&l, 0, 20, &s);
    /* cluster 0, CPUs 2 and 3; cluster 1, CPU 17 (bit 1) */
    wr(&l, 0x830, (0x000cull << 32) | (1u << 11) | 0xe0, 0);
    EXPECT(s.n == 2 && s.dest[0] == 2 && s.dest[1] == 3);
    s.n = 0;
    wr(&l, 0x830, (0x10002ull << 32) | (1u << 11) | 0xe0, 0);
    EXPECT(s.n == 1 && s.dest[0] == 17);
    s.n = 0;
    wr(&l, 0x830, (0x000eull << 32) | (1u << 11) | (1u << 8) | 0xe0, 0);
    EXPECT(s.n == 1 && s.dest[0] == 1);          /* lowest priority: one */
}

UNIT_TEST(lapic_init_sipi_nmi_reported)
{
    struct lapic l;
    struct sent s = { 0 };
    enabled(&l, 0, 2, &s);
    wr(&l, 0x830, (1ull << 32) | 0xc500, 0);     /* INIT assert, level */
    wr(&l, 0x830, (1ull << 32) | 0x8500, 0);     /* INIT de-assert: dropped */
    wr(&l, 0x830, (1ull << 32) | 0x0600 | 0x9a, 0); /* SIPI, page 0x9a */
    wr(&l, 0x830, (1ull << 32) | 0x0400, 0);     /* NMI */
    wr(&l, 0x830, (1ull << 32) | 0x0200, 0);     /* SMI: not for a guest */
    EXPECT(s.n == 3);
    EXPECT(s.mode[0] == LAPIC_DM_INIT && s.dest[0] == 1);
    EXPECT(s.mode[1] == LAPIC_DM_SIPI && s.vector[1] == 0x9a);
    EXPECT(s.mode[2] == LAPIC_DM_NMI);
}

UNIT_TEST(lapic_reset_keeps_identity)
{
    struct lapic l;
    struct sent s = { 0 };
    enabled(&l, 3, 4, &s);
    lapic_accept(&l, 0x80);
    wr(&l, 0x808, 0x20, 0);
    lapic_reset(&l);
    EXPECT(rd(&l, 0x802, 0) == 3 && rd(&l, 0x808, 0) == 0 && rd(&l, 0x80f, 0) == 0xff);
    EXPECT(rd(&l, 0x824, 0) == 0);
    wr(&l, 0x80f, 0x1ff, 0);
    wr(&l, 0x830, 0x40, 0);
    EXPECT(s.n == 1 && s.dest[0] == 0);          /* the callback survived */
}
