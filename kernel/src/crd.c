#include "crd.h"

static uint64_t size_mask(uint64_t order) { return order >= 64 ? ~0ull : (1ull << order) - 1; }

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
        snd_out->base += hotspot & size_mask(snd.order) & ~size_mask(rcv.order);
        snd_out->order = rcv.order;
    } else if (rcv.order > snd.order) {
        rcv_out->base += hotspot & size_mask(rcv.order) & ~size_mask(snd.order);
        rcv_out->order = snd.order;
    }
}
