/* Capability range arithmetic (spec 3.5, 4.3). */
#pragma once
#include <stdbool.h>
#include <stdint.h>

struct crd_range { uint64_t base, order; };

/* Fit a sender range into a receive window (figure 3.1): the larger of the
 * two is cut down to the size of the smaller, at the aligned block that
 * contains the hotspot. Both inputs must be naturally aligned; the results
 * are the sender's and the receiver's part of the delegation. */
void crd_fit(struct crd_range snd, struct crd_range rcv, uint64_t hotspot, struct crd_range *snd_out,
             struct crd_range *rcv_out);
/* Align a base down to its order, as a CRD requires (SEL = 0 mod 2^order). */
struct crd_range crd_range_of(uint64_t base, uint64_t order);
