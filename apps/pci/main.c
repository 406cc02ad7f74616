/*
 * pci: the PCI service. system.toml gives it the whole ECAM (pci_config =
 * true; the device page says where and which buses); it lists every
 * function once at start and offers "pci" (include/nova/pci.h: protocol
 * and client call), which answers with that list, PCI_LIST_MAX functions
 * per call. It reads configuration space only: drivers get their own
 * functions from the root server (`pci` in system.toml).
 * system.toml: pci_config = true, offers = ["pci"] (PID 0), uses = ["console"].
 */
#include <stdio.h>
#include <nova/component.h>
#include <nova/pci.h>

#define MAX_FNS 256u

static struct nova_pci_fn fns[MAX_FNS];
static unsigned fn_count, dropped;

static volatile uint32_t *config(const struct nova_devices *d, unsigned bus, unsigned dev, unsigned fn)
{
    return (volatile uint32_t *)(uintptr_t)(d->ecam + ((uint64_t)bus << 20 | dev << 15 | fn << 12));
}

static void add(volatile uint32_t *c, unsigned bus, unsigned dev, unsigned fn)
{
    if (fn_count == MAX_FNS) {
        dropped++;
        return;
    }
    fns[fn_count++] = (struct nova_pci_fn){ (uint8_t)bus, (uint8_t)dev, (uint8_t)fn, (uint8_t)(c[3] >> 16),
                                            (uint16_t)c[0], (uint16_t)(c[0] >> 16), c[2] >> 8 };
}

static void enumerate(const struct nova_devices *d)
{
    for (unsigned bus = d->ecam_bus_first; bus <= d->ecam_bus_last; bus++)
        for (unsigned dev = 0; dev < 32; dev++) {
            if ((uint16_t)config(d, bus, dev, 0)[0] == 0xffff)
                continue;
            unsigned fns_here = config(d, bus, dev, 0)[3] >> 16 & 0x80 ? 8 : 1;
            for (unsigned fn = 0; fn < fns_here; fn++)
                if ((uint16_t)config(d, bus, dev, fn)[0] != 0xffff)
                    add(config(d, bus, dev, fn), bus, dev, fn);
        }
}

static uint64_t serve(uint64_t pid, struct nova_utcb *u)
{
    (void)pid;
    uint64_t first = nova_utcb_items_u(u->head.items) ? u->data.words[0] : 0;
    unsigned n = first < fn_count ? fn_count - (unsigned)first : 0;
    if (n > PCI_LIST_MAX)
        n = PCI_LIST_MAX;
    u->data.words[0] = fn_count;
    u->data.words[1] = n;
    for (unsigned k = 0; k < n; k++)
        nova_pci_encode(&fns[first + k], &u->data.words[2 + 2 * k], &u->data.words[3 + 2 * k]);
    return 2 + 2 * n;
}

int main(void)
{
    const struct nova_devices *d = nova_devices();
    if (d->magic != NOVA_DEVICES_MAGIC || !d->ecam) {
        printf("pci: no configuration space granted (pci_config = true in system.toml)\n");
        return 1;
    }
    enumerate(d);
    printf("pci: %u functions on buses %u-%u%s\n", fn_count, d->ecam_bus_first, d->ecam_bus_last,
           dropped ? " (more than it keeps; some left out)" : "");
    component_serve(serve);
}
