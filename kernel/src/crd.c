/* Capability range arithmetic; the contracts are in crd.h, proved by
 * tools/prove (docs/assurance.md). */
#include "crd.h"

_Static_assert((NOVA_SEL_COUNT & (NOVA_SEL_COUNT - 1)) == 0, "SEL is a power of two");

/* The bits of a 64-bit word: all 64 set in the all-ones word (proved by
 * splitting on j), none above (proved by Z3 from WP's bit axioms). */
/*@ lemma all_ones: \forall integer j; 0 <= j < 64 ==> CRD_BIT(0xffffffffffffffff, j);
    lemma word_top: \forall uint64_t x; \forall integer j; 64 <= j ==> !CRD_BIT(x, j);
*/

/* The `order` lowest bits set (all for 64 and more). Built by shifting
 * ones out rather than as 2^order - 1, so that each bit is evident. */
/*@ assigns \nothing;
    ensures \forall integer i; 0 <= i < 64 ==> (CRD_BIT(\result, i) <==> i < order);
*/
static uint64_t size_mask(uint64_t order)
{
    if (order >= 64)
        return ~0ull;
    if (order == 0)
        return 0;
    uint64_t m = ~0ull >> (64 - order);
    /*@ assert shifted: \forall integer i; 0 <= i < 64 ==>
            (CRD_BIT(m, i) <==> CRD_BIT(0xffffffffffffffff, i + (64 - order))); */
    /*@ assert none_above: \forall integer i; order <= i < 64 ==> !CRD_BIT(m, i); */
    return m;
}

/* `base` (aligned to hi) with its bits lo .. hi-1 taken from the hotspot. */
/*@ requires lo <= hi && CRD_ALIGNED(base, hi);
    assigns \nothing;
    ensures \forall integer i; 0 <= i < 64 ==>
        (CRD_BIT(\result, i) <==> (lo <= i < hi ? CRD_BIT(hotspot, i) : CRD_BIT(base, i)));
*/
static uint64_t take_hotspot(uint64_t base, uint64_t hotspot, uint64_t lo, uint64_t hi)
{
    return base | (hotspot & size_mask(hi) & ~size_mask(lo));
}

struct crd_range crd_range_of(uint64_t base, uint64_t order)
{
    return (struct crd_range){ base & ~size_mask(order), order };
}

void crd_fit(struct crd_range snd, struct crd_range rcv, uint64_t hotspot, struct crd_range *snd_out,
             struct crd_range *rcv_out)
{
    *snd_out = snd;
    *rcv_out = rcv;
    if (snd.order > rcv.order) {
        snd_out->base = take_hotspot(snd.base, hotspot, rcv.order, snd.order);
        snd_out->order = rcv.order;
    } else if (rcv.order > snd.order) {
        rcv_out->base = take_hotspot(rcv.base, hotspot, snd.order, rcv.order);
        rcv_out->order = snd.order;
    }
}

bool crd_contains(struct crd_range r, uint64_t sel)
{
    /* shifting by 64 is undefined */
    return sel >= r.base && (r.order >= 64 || sel - r.base < (1ull << r.order));
}

uint32_t crd_perms(uint32_t src, uint32_t snd_mask, uint32_t rcv_mask) { return src & snd_mask & rcv_mask; }

