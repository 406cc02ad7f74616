/* CRD range arithmetic against the spec's figure 3.1 and a reference model. */
#include <stdlib.h>
#include "crd.h"
#include "unit.h"

UNIT_TEST(crd_fit_figure_3_1)
{
    /* sender order 20, receiver order 24: bits 20-23 of the hotspot pick
     * where in the receive window the sender range lands */
    struct crd_range s, r;
    uint64_t snd = 0x5300000, rcv = 0x7000000, hot = 0xabcdef5;
    crd_fit((struct crd_range){ snd, 20 }, (struct crd_range){ rcv, 24 }, hot, &s, &r);
    EXPECT(s.base == snd && s.order == 20);
    EXPECT(r.base == (rcv | (hot & 0xf00000)) && r.order == 20);
}

UNIT_TEST(crd_fit_larger_sender_is_cut_at_the_hotspot)
{
    struct crd_range s, r;
    crd_fit((struct crd_range){ 0x1000, 12 }, (struct crd_range){ 0x40, 4 }, 0x1234, &s, &r);
    EXPECT(s.base == 0x1230 && s.order == 4);   /* hotspot offset 0x234, aligned to order 4 */
    EXPECT(r.base == 0x40 && r.order == 4);
}

UNIT_TEST(crd_fit_equal_orders_ignore_the_hotspot)
{
    struct crd_range s, r;
    crd_fit((struct crd_range){ 0x100, 8 }, (struct crd_range){ 0x300, 8 }, 0xffff, &s, &r);
    EXPECT(s.base == 0x100 && r.base == 0x300 && s.order == 8 && r.order == 8);
}

UNIT_TEST(crd_fit_whole_space_window_places_by_hotspot)
{
    /* a reply to an exception: no window, the sender's page lands at the
     * hotspot page */
    struct crd_range s, r;
    crd_fit((struct crd_range){ 0x400, 0 }, (struct crd_range){ 0, 64 }, 0x7f123, &s, &r);
    EXPECT(s.base == 0x400 && r.base == 0x7f123 && r.order == 0);
    crd_fit((struct crd_range){ 0x400, 2 }, (struct crd_range){ 0, 64 }, 0x7f123, &s, &r);
    EXPECT(r.base == 0x7f120 && r.order == 2);
}

UNIT_TEST(crd_range_of_aligns_down)
{
    struct crd_range c = crd_range_of(0x12345, 8);
    EXPECT(c.base == 0x12300 && c.order == 8);
    EXPECT(crd_range_of(0x12345, 0).base == 0x12345);
}

/* Randomized: the result always lies inside both ranges, has the smaller
 * order, is naturally aligned, and contains the hotspot's position. */
UNIT_TEST(crd_fit_random_against_model)
{
    srand(1);
    for (int i = 0; i < 100000; i++) {
        uint64_t so = (uint64_t)rand() % 31, ro = (uint64_t)rand() % 31;
        uint64_t sb = ((uint64_t)rand() << 20 ^ (uint64_t)rand()) & ~((1ull << so) - 1);
        uint64_t rb = ((uint64_t)rand() << 20 ^ (uint64_t)rand()) & ~((1ull << ro) - 1);
        uint64_t hot = (uint64_t)rand() << 16 ^ (uint64_t)rand();
        struct crd_range s, r;
        crd_fit((struct crd_range){ sb, so }, (struct crd_range){ rb, ro }, hot, &s, &r);
        uint64_t o = so < ro ? so : ro, big = so > ro ? so : ro;
        int ok = s.order == o && r.order == o && s.base % (1ull << o) == 0 && r.base % (1ull << o) == 0 &&
                 s.base >= sb && s.base + (1ull << o) <= sb + (1ull << so) && r.base >= rb &&
                 r.base + (1ull << o) <= rb + (1ull << ro);
        uint64_t off = (so > ro ? s.base - sb : r.base - rb);
        ok = ok && off == ((hot & ((1ull << big) - 1)) & ~((1ull << o) - 1));
        if (!ok) {
            EXPECT(ok);
            return;
        }
    }
}

UNIT_TEST(crd_contains_window_edges)
{
    struct crd_range w = { 0x100, 4 };
    EXPECT(!crd_contains(w, 0xff) && crd_contains(w, 0x100) && crd_contains(w, 0x10f) && !crd_contains(w, 0x110));
    /* order 64 and more: every selector from the base up (no shift by 64) */
    EXPECT(crd_contains((struct crd_range){ 0, 64 }, ~0ull) && crd_contains((struct crd_range){ 0, 70 }, 1));
    EXPECT(!crd_contains((struct crd_range){ 8, 64 }, 7));
}

UNIT_TEST(crd_perms_and_of_source_and_both_masks)
{
    EXPECT(crd_perms(0x1f, 0x1f, 0x1f) == 0x1f);
    EXPECT(crd_perms(0x1f, 0x03, 0x1e) == 0x02);
    EXPECT(crd_perms(0x04, 0x1f, 0x1f) == 0x04 && crd_perms(0x04, 0x1b, 0x1f) == 0);
}

UNIT_TEST(sel_wrap_wraps_at_sel_count)
{
    EXPECT(sel_wrap(5) == 5 && sel_wrap(NOVA_SEL_COUNT - 1) == NOVA_SEL_COUNT - 1);
    EXPECT(sel_wrap(NOVA_SEL_COUNT) == 0 && sel_wrap(NOVA_SEL_COUNT + 7) == 7 && sel_wrap(~0ull) == NOVA_SEL_COUNT - 1);
}
