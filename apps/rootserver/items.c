/* The typed items of a STARTUP reply: each delegates one capability range
 * (ports, memory, an object) from the root, or with the H bit from the
 * kernel, to the starting component. */
#include "rootserver.h"

#define PAGE 4096ull

void add_item(struct items *it, uint64_t item, uint64_t crd)
{
    if ((2 * (it->n + 1)) > NOVA_UTCB_DATA_WORDS) {
        it->full = true;
        return;
    }
    it->u->data.words[NOVA_UTCB_TYPED_ITEM_WORD(it->n)] = item;
    it->u->data.words[NOVA_UTCB_TYPED_CRD_WORD(it->n)] = crd;
    it->n++;
}

void grant_ports(struct items *it, uint32_t base, uint32_t count)
{
    for (uint32_t port = base; port < base + count;) {
        unsigned order = 0;
        while (order < 16 && !(port & ((2u << order) - 1)) && port + (2u << order) <= base + count)
            order++;
        add_item(it, nova_item_delegate(port, 1, 0, 0), nova_crd_pio(port, order, NOVA_PERM_PIO_A));
        port += 1u << order;
    }
}

/* Blocks of up to 1 GiB, each aligned both where it comes from and where
 * it goes; `dma` sets the D bit (the receiver's devices reach them). */
static void grant_range(struct items *it, uint64_t pa, uint64_t size, uint64_t va, unsigned perms, bool dma)
{
    uint64_t page = pa / PAGE, end = (pa + size + PAGE - 1) / PAGE, vpage = va / PAGE;
    while (page < end) {
        unsigned order = 0;
        while (order < 18 && !((page | vpage) & ((2ull << order) - 1)) && page + (2ull << order) <= end)
            order++;
        add_item(it, nova_item_delegate(vpage, 0, 0, dma), nova_crd_mem(PHYS_WINDOW / PAGE + page, order, perms));
        page += 1ull << order;
        vpage += 1ull << order;
    }
}

void grant_memory(struct items *it, uint64_t pa, uint64_t size, uint64_t va, unsigned perms)
{
    grant_range(it, pa, size, va, perms, false);
}

void grant_dma_memory(struct items *it, uint64_t pa, uint64_t size, uint64_t va, unsigned perms)
{
    grant_range(it, pa, size, va, perms, true);
}
