/* PCI through ECAM (segment 0, the buses the MCFG covers): the root maps
 * it whole, lists every function once, and sizes a function's BARs when a
 * component is granted it. */
#include "rootserver.h"

#define PAGE       4096ull
#define CMD_DECODE 0x3u      /* command register: I/O and memory decoding */

struct pci pci;
static struct pci_fn fns[PCI_MAX_FNS];
static unsigned fn_count;

static volatile uint32_t *ecam_page(unsigned bus, unsigned dev, unsigned fn)
{
    return phys_ptr(pci.ecam + ((uint64_t)bus << 20 | dev << 15 | fn << 12));
}

volatile uint32_t *pci_config(const struct pci_fn *f)
{
    return phys_ptr(f->config_pa);
}

/* offset of the first capability with `id`, 0 if none */
static unsigned find_cap(volatile uint32_t *c, unsigned id)
{
    if (!(c[1] >> 16 & 0x10))   /* status: capability list */
        return 0;
    for (unsigned p = (c[0x34 / 4] & 0xfc), n = 0; p && n < 48; n++) {
        uint32_t h = c[p / 4];
        if ((h & 0xff) == id)
            return p;
        p = (h >> 8) & 0xfc;
    }
    return 0;
}

static void add_fn(unsigned bus, unsigned dev, unsigned fn)
{
    volatile uint32_t *c = ecam_page(bus, dev, fn);
    if (fn_count == PCI_MAX_FNS) {
        pci.dropped++;
        return;
    }
    struct pci_fn *f = &fns[fn_count++];
    f->bus = (uint8_t)bus;
    f->dev = (uint8_t)dev;
    f->fn = (uint8_t)fn;
    f->vendor = (uint16_t)c[0];
    f->device = (uint16_t)(c[0] >> 16);
    f->class_code = c[2] >> 8;
    f->header_type = (uint8_t)(c[3] >> 16);
    f->config_pa = pci.ecam + ((uint64_t)bus << 20 | dev << 15 | fn << 12);
    f->msi = find_cap(c, 0x05) || find_cap(c, 0x11);   /* MSI, MSI-X */
    f->owner = -1;
}

static void enumerate(void)
{
    for (unsigned bus = pci.bus_first; bus <= pci.bus_last; bus++)
        for (unsigned dev = 0; dev < 32; dev++) {
            if ((uint16_t)ecam_page(bus, dev, 0)[0] == 0xffff)
                continue;
            bool multi = ecam_page(bus, dev, 0)[3] >> 16 & 0x80;
            for (unsigned fn = 0; fn < (multi ? 8u : 1u); fn++)
                if ((uint16_t)ecam_page(bus, dev, fn)[0] != 0xffff)
                    add_fn(bus, dev, fn);
        }
}

bool pci_init(void)
{
    static bool done;
    if (done)
        return pci.ecam != 0;
    done = true;
    uint64_t ecam;
    unsigned first, last;
    if (!acpi_mcfg(&ecam, &first, &last))
        return false;
    uint64_t lo = ecam + ((uint64_t)first << 20), size = (uint64_t)(last - first + 1) << 20;
    if (!phys_map_device(lo, size))
        return false;
    pci.ecam = ecam;
    pci.bus_first = first;
    pci.bus_last = last;
    enumerate();
    return true;
}

unsigned pci_count(void) { return fn_count; }
struct pci_fn *pci_fn_at(unsigned k) { return &fns[k]; }

struct pci_fn *pci_by_address(unsigned bus, unsigned dev, unsigned fn)
{
    for (unsigned k = 0; k < fn_count; k++)
        if (fns[k].bus == bus && fns[k].dev == dev && fns[k].fn == fn)
            return &fns[k];
    return 0;
}

struct pci_fn *pci_by_id(uint16_t vendor, uint16_t device, unsigned index)
{
    for (unsigned k = 0; k < fn_count; k++)
        if (fns[k].vendor == vendor && fns[k].device == device && !index--)
            return &fns[k];
    return 0;
}

/* One BAR register's size mask: write all ones, read, restore. */
static uint32_t probe(volatile uint32_t *reg)
{
    uint32_t old = *reg;
    *reg = ~0u;
    uint32_t mask = *reg;
    *reg = old;
    return mask;
}

/* BAR k of configuration space c (decoding off while probing); returns
 * how many registers it takes (2 for a 64-bit memory BAR) */
static unsigned size_bar(volatile uint32_t *c, unsigned k, struct pci_bar *b)
{
    volatile uint32_t *reg = &c[4 + k];
    uint32_t v = *reg, mask = probe(reg);
    if (v & 1) {   /* I/O: 16-bit port numbers on x86 */
        uint32_t m = (mask & ~3u) | 0xffff0000u;
        if (mask & ~3u) {
            b->kind = NOVA_BAR_IO;
            b->pa = v & ~3u & 0xffffu;
            b->size = (uint64_t)(~m) + 1;
        }
        return 1;
    }
    bool wide = ((v >> 1) & 3) == 2 && k + 1 < 6;
    uint64_t m = (uint64_t)(mask & ~0xfu) | (wide ? (uint64_t)probe(reg + 1) << 32 : 0xffffffff00000000ull);
    if (m != 0xffffffff00000000ull && m) {
        b->kind = wide ? NOVA_BAR_MEM64 : NOVA_BAR_MEM32;
        b->flags = v & 8 ? NOVA_BAR_PREFETCHABLE : 0;
        b->pa = (v & ~0xfull) | (wide ? (uint64_t)reg[1] << 32 : 0);
        b->size = ~m + 1;
    }
    return wide ? 2 : 1;
}

void pci_size_bars(struct pci_fn *f)
{
    if (f->sized)
        return;
    f->sized = true;
    volatile uint32_t *c = pci_config(f);
    unsigned bars = (f->header_type & 0x7f) == 0 ? 6 : (f->header_type & 0x7f) == 1 ? 2 : 0;
    uint32_t cmd = c[1] & 0xffff;
    c[1] = cmd & ~CMD_DECODE;
    for (unsigned k = 0; k < bars;)
        k += size_bar(c, k, &f->bar[k]);
    c[1] = cmd;
}
