/* Capability range arithmetic (spec 3.5, 4.3) and selector wrap-around
 * (HIP field SEL).
 *
 * The comments starting with @ are ACSL contracts, written from the spec
 * (figure 3.1, sections 3.5, 4.3, 4.6.2.2) and proved for all inputs by
 * Frama-C WP (tools/prove, ctest host.proofs; docs/assurance.md). gcc reads
 * them as comments. CRD_BIT(x, i) in them is bit i of x; a range of order o
 * is naturally aligned when its base has bits 0 .. o-1 clear, which is the
 * spec's SEL = 0 mod 2^order. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <nova/spec.h>

#ifdef __FRAMAC__
#define CRD_BIT(x, i) (((x) & (1 << (i))) != 0)
#define CRD_ALIGNED(b, o) (\forall integer i_; 0 <= i_ < 64 && i_ < (o) ==> !CRD_BIT(b, i_))
/* the selectors of an aligned range of order o are those that agree with
 * its base in bits o .. 63; so (nb, no) lies inside (b, o) when no <= o
 * and nb agrees with b there */
#define CRD_WITHIN(nb, no, b, o) \
    ((no) <= (o) && (\forall integer i_; (o) <= i_ < 64 ==> (CRD_BIT(nb, i_) <==> CRD_BIT(b, i_))))
#endif

struct crd_range { uint64_t base, order; };

/* Fit a sender range into a receive window (figure 3.1): the larger of the
 * two is cut down to the size of the smaller, at the aligned block that
 * contains the hotspot. Both inputs must be naturally aligned; the results
 * are the sender's and the receiver's part of the delegation. */
/*@ requires \valid(snd_out) && \valid(rcv_out) && \separated(snd_out, rcv_out);
    requires CRD_ALIGNED(snd.base, snd.order) && CRD_ALIGNED(rcv.base, rcv.order);
    assigns *snd_out, *rcv_out;
    ensures size: snd_out->order == \min(snd.order, rcv.order) && rcv_out->order == \min(snd.order, rcv.order);
    ensures aligned: CRD_ALIGNED(snd_out->base, snd_out->order) && CRD_ALIGNED(rcv_out->base, rcv_out->order);
    ensures inside: CRD_WITHIN(snd_out->base, snd_out->order, snd.base, snd.order) &&
                    CRD_WITHIN(rcv_out->base, rcv_out->order, rcv.base, rcv.order);
    behavior sender_larger:   // its bits rcv.order .. snd.order-1 are the hotspot's
      assumes snd.order > rcv.order;
      ensures hotspot: \forall integer i; 0 <= i < 64 ==>
          (CRD_BIT(snd_out->base, i) <==> (rcv.order <= i < snd.order ? CRD_BIT(hotspot, i) : CRD_BIT(snd.base, i)));
      ensures whole_window: rcv_out->base == rcv.base;
    behavior receiver_larger:   // its bits snd.order .. rcv.order-1 are the hotspot's
      assumes rcv.order > snd.order;
      ensures hotspot: \forall integer i; 0 <= i < 64 ==>
          (CRD_BIT(rcv_out->base, i) <==> (snd.order <= i < rcv.order ? CRD_BIT(hotspot, i) : CRD_BIT(rcv.base, i)));
      ensures whole_range: snd_out->base == snd.base;
    behavior same_size:   // nothing is ambiguous: the hotspot is not used
      assumes snd.order == rcv.order;
      ensures snd_out->base == snd.base && rcv_out->base == rcv.base;
    complete behaviors;
    disjoint behaviors;
*/
void crd_fit(struct crd_range snd, struct crd_range rcv, uint64_t hotspot, struct crd_range *snd_out,
             struct crd_range *rcv_out);

/* Align a base down to its order, as a CRD requires (SEL = 0 mod 2^order):
 * the aligned range of that order that holds `base`. */
/*@ assigns \nothing;
    ensures \result.order == order;
    ensures aligned: CRD_ALIGNED(\result.base, order);
    ensures holds_base: \forall integer i; order <= i < 64 ==> (CRD_BIT(\result.base, i) <==> CRD_BIT(base, i));
*/
struct crd_range crd_range_of(uint64_t base, uint64_t order);

/* Whether selector `sel` lies in the range (SEL .. SEL + 2^order - 1, 4.3);
 * a range of order 64 or more holds every selector from its base up. */
/*@ assigns \nothing;
    ensures r.order < 64 ==> (\result <==> r.base <= sel < r.base + (1 << r.order));
    ensures r.order >= 64 ==> (\result <==> r.base <= sel);
*/
bool crd_contains(struct crd_range r, uint64_t sel);

/* The permissions a delegated capability gets (4.3): the source
 * capability's, ANDed with the sender's and the receiver's CRD mask. */
/*@ assigns \nothing;
    ensures \forall integer i; 0 <= i < 32 ==>
        (CRD_BIT(\result, i) <==> (CRD_BIT(src, i) && CRD_BIT(snd_mask, i) && CRD_BIT(rcv_mask, i)));
*/
uint32_t crd_perms(uint32_t src, uint32_t snd_mask, uint32_t rcv_mask);

/* Object selectors wrap at NOVA_SEL_COUNT (HIP field SEL): "a capability
 * selector beyond the maximum number supported wraps around to the
 * beginning of the object space", so S and S + SEL name the same slot.
 * Inline: every capability lookup wraps (tools/prove proves it here, as
 * part of crd.c, which includes this header). */
/*@ assigns \nothing;
    ensures in_space: \result < NOVA_SEL_COUNT;
    ensures wraps: \result == sel % NOVA_SEL_COUNT;
    ensures same_below: sel < NOVA_SEL_COUNT ==> \result == sel;
*/
static inline uint64_t sel_wrap(uint64_t sel) { return sel % NOVA_SEL_COUNT; }
