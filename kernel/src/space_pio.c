#include <arch/memlayout.h>
#include "pd.h"
#include "space_pio.h"
#include "string.h"

bool space_pio_allowed(const struct space_pio *s, uint64_t port)
{
    if (port >= PIO_PORTS)
        return false;
    const uint8_t *h = s->half[port / (PIO_PORTS / 2)];
    uint32_t bit = port % (PIO_PORTS / 2);
    return h && !(h[bit / 8] & (1u << (bit % 8)));
}

bool space_pio_set(struct pd *pd, uint32_t port, bool allow)
{
    struct space_pio *s = &pd->pio;
    if (port >= PIO_PORTS)
        return false;
    uint8_t **h = &s->half[port / (PIO_PORTS / 2)];
    if (!*h) {
        if (!allow)
            return true;
        if (!(*h = pd_alloc(pd, PAGE_SIZE)))
            return false;
        memset(*h, 0xff, PAGE_SIZE);
    }
    uint32_t bit = port % (PIO_PORTS / 2);
    if (allow)
        (*h)[bit / 8] &= (uint8_t)~(1u << (bit % 8));
    else
        (*h)[bit / 8] |= (uint8_t)(1u << (bit % 8));
    __atomic_add_fetch(&s->generation, 1, __ATOMIC_RELEASE);
    return true;
}

void space_pio_destroy(struct pd *pd)
{
    for (unsigned i = 0; i < 2; i++) {
        pd_free(pd, pd->pio.half[i], PAGE_SIZE);
        pd->pio.half[i] = 0;
    }
}
