/* The port I/O space (space_pio.h): bitmap frames mapped in the PD's address
 * space. Changing a bit needs no flush, as the CPU reads the bitmap from
 * memory on every port access; only mapping a new frame does. */
#include <arch/cpu.h>
#include <arch/memlayout.h>
#include <arch/paging.h>
#include <arch/tlb.h>
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

/* The PD's own tables for the TSS area, made on its first port. */
static bool own_tables(struct pd *pd)
{
    uint64_t **t = pd->pio.tables;
    if (t[0])
        return true;
    for (unsigned i = 0; i < 3; i++)
        if (!(t[i] = pd_alloc(pd, PAGE_SIZE))) {
            while (i--) {
                pd_free(pd, t[i], PAGE_SIZE);
                t[i] = 0;
            }
            return false;
        }
    hpt_iomap_private(pd->pml4, t[0], t[1], t[2]);
    return true;
}

/* A new all-ones half, mapped; CPUs that run the PD forget the all-ones
 * page they saw there. */
static uint8_t *new_half(struct pd *pd, unsigned half)
{
    uint8_t *h = own_tables(pd) ? pd_alloc(pd, PAGE_SIZE) : 0;
    if (!h)
        return 0;   /* tables made stay until the PD dies: they map what they did */
    memset(h, 0xff, PAGE_SIZE);
    hpt_iomap_set(pd->pio.tables[2], half, virt_to_phys(h));
    invlpg(IOMAP_VA + half * PAGE_SIZE);   /* this CPU may run the PD */
    tlb_shootdown();
    return h;
}

bool space_pio_set(struct pd *pd, uint32_t port, bool allow)
{
    struct space_pio *s = &pd->pio;
    if (port >= PIO_PORTS)
        return false;
    unsigned half = port / (PIO_PORTS / 2);
    uint8_t **h = &s->half[half];
    if (!*h) {
        if (!allow)
            return true;
        if (!(*h = new_half(pd, half)))
            return false;
    }
    uint32_t bit = port % (PIO_PORTS / 2);
    if (allow)
        (*h)[bit / 8] &= (uint8_t)~(1u << (bit % 8));
    else
        (*h)[bit / 8] |= (uint8_t)(1u << (bit % 8));
    return true;
}

void space_pio_destroy(struct pd *pd)
{
    for (unsigned i = 0; i < 2; i++) {
        pd_free(pd, pd->pio.half[i], PAGE_SIZE);
        pd->pio.half[i] = 0;
    }
    for (unsigned i = 0; i < 3; i++) {
        pd_free(pd, pd->pio.tables[i], PAGE_SIZE);
        pd->pio.tables[i] = 0;
    }
}
