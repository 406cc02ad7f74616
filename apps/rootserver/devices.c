/* The devices system.toml grants a component (docs/system-toml.md,
 * "Devices"): PCI functions (found in ECAM, BARs sized and mapped, assigned
 * to its PD, an MSI GSI each), MMIO ranges (never RAM), DMA memory (zeroed,
 * delegated with the D bit), the whole ECAM for the PCI service, and the
 * device page that describes them (nova/component.h). Everything is found
 * and taken before the component starts; on any failure it is reported and
 * the component does not start. */
#define NOVA_WANT_NAMES
#include "rootserver.h"
#include "string.h"

#define PAGE         4096ull
#define RW           (NOVA_PERM_MEM_R | NOVA_PERM_MEM_W)
#define MAX_BAR_SIZE (1ull << 30)
#define MSI_GSIS     32u   /* the HIP's last 32 GSIs are MSI GSIs (docs/api.md, Interrupts) */

struct granted {
    bool prepared;
    uint64_t page_pa;          /* its device page */
    uint64_t dma_pa;           /* its DMA memory, contiguous */
    unsigned fn_count;
    struct pci_fn *fn[NOVA_DEVICES_MAX_FNS];
};
static struct granted granted[MAX_COMPONENTS];

static const char *name_of(unsigned i) { return nvpl_components(plan)[i].name; }
static struct nova_devices *page_of(unsigned i) { return phys_ptr(granted[i].page_pa); }

static uint64_t page_down(uint64_t a) { return a & ~(PAGE - 1); }
static uint64_t page_up(uint64_t a) { return (a + PAGE - 1) & ~(PAGE - 1); }

/* --- PCI functions --------------------------------------------------------- */

static struct pci_fn *resolve(unsigned i, const struct nvpl_pci *r)
{
    struct pci_fn *f = r->by_id ? pci_by_id(r->vendor, r->device, r->index) : pci_by_address(r->bus, r->dev, r->fn);
    if (!f && r->by_id)
        nova_printf("rootserver: component %s: no PCI function %04x:%04x (index %u) on this machine\n", name_of(i),
                    r->vendor, r->device, r->index);
    else if (!f)
        nova_printf("rootserver: component %s: no PCI function %02x:%02x.%u on this machine\n", name_of(i), r->bus,
                    r->dev, r->fn);
    else if (f->owner >= 0) {
        nova_printf("rootserver: component %s: PCI function %02x:%02x.%u (%04x:%04x) is granted to %s already\n",
                    name_of(i), f->bus, f->dev, f->fn, f->vendor, f->device, name_of((unsigned)f->owner));
        return 0;
    }
    return f;
}

/* Size f's BARs and take its memory BARs from the kernel */
static bool map_bars(unsigned i, struct pci_fn *f)
{
    pci_size_bars(f);
    for (unsigned k = 0; k < NOVA_DEVICES_BARS; k++) {
        const struct pci_bar *b = &f->bar[k];
        if (b->kind != NOVA_BAR_MEM32 && b->kind != NOVA_BAR_MEM64)
            continue;
        const char *why = !b->pa ? "is not assigned (address 0)"
                        : b->size > MAX_BAR_SIZE ? "is too big (more than 1 GiB)"
                        : b->pa + b->size > NOVA_COMPONENT_MMIO_PHYS_MAX ? "lies too high (at or above 32 TiB)"
                        : !phys_map_device(page_down(b->pa), page_up(b->pa + b->size) - page_down(b->pa))
                            ? "cannot be taken from the kernel" : 0;
        if (why) {
            nova_printf("rootserver: component %s: BAR %u of PCI function %02x:%02x.%u (0x%lx bytes at 0x%lx) %s\n",
                        name_of(i), k, f->bus, f->dev, f->fn, b->size, b->pa, why);
            return false;
        }
    }
    return true;
}

static bool plan_has_gsi(uint32_t gsi)
{
    for (uint32_t k = 0; k < plan->gsis.count; k++)
        if (nvpl_gsis(plan)[k].gsi == gsi)
            return true;
    return false;
}

/* The next MSI GSI no one has, ~0u if none is left */
static uint32_t msi_gsi_take(void)
{
    static uint32_t next;
    uint32_t count = nova_boot_hip->gsi, first = count > MSI_GSIS ? count - MSI_GSIS : 0;
    if (next < first)
        next = first;
    while (next < count && plan_has_gsi(next))
        next++;
    return next < count ? next++ : ~0u;
}

static bool take_fns(unsigned i, const struct nvpl_component *p)
{
    struct granted *g = &granted[i];
    for (uint32_t k = 0; k < p->pci_count; k++) {
        struct pci_fn *f = resolve(i, &nvpl_pcis(plan)[p->pci_first + k]);
        if (!f)
            return false;
        f->owner = (int)i;
        g->fn[g->fn_count++] = f;
        if (!map_bars(i, f))
            return false;
    }
    return true;
}

static void release_fns(unsigned i)
{
    for (unsigned k = 0; k < granted[i].fn_count; k++)
        granted[i].fn[k]->owner = -1;
    granted[i].fn_count = 0;
}

/* --- MMIO ranges and DMA memory ------------------------------------------------ */

static bool take_mmio(unsigned i, const struct nvpl_component *p)
{
    for (uint32_t k = 0; k < p->mmio_count; k++) {
        const struct nvpl_mmio *r = &nvpl_mmios(plan)[p->mmio_first + k];
        const char *why = phys_is_ram(nova_boot_hip, r->base, r->base + r->size) ? "is RAM in the HIP's memory map"
                        : !phys_map_device(r->base, r->size) ? "cannot be taken from the kernel" : 0;
        if (why) {
            nova_printf("rootserver: component %s: mmio range 0x%lx-0x%lx %s; refused\n", name_of(i), r->base,
                        r->base + r->size - 1, why);
            return false;
        }
    }
    return true;
}

/* size bytes of consecutive zeroed frames (the pool hands them out in
 * order), aligned to the largest power of two up to 2 MiB that the size
 * holds, so that few large blocks delegate it (the frames skipped to get
 * there are lost) */
static bool take_dma(unsigned i, uint64_t size)
{
    uint64_t align = PAGE, first;
    while (align < (2ull << 20) && 2 * align <= size)
        align *= 2;
    do
        first = frame_alloc();
    while (first & (align - 1));
    for (uint64_t off = PAGE; first && off < size; off += PAGE)
        if (frame_alloc() != first + off)
            first = 0;
    if (!first)
        nova_printf("rootserver: component %s: out of memory for its %lu KiB of DMA memory\n", name_of(i),
                    size >> 10);
    granted[i].dma_pa = first;
    return first != 0;
}

/* --- the device page ------------------------------------------------------------ */

static void describe_fn(struct nova_device_fn *d, const struct pci_fn *f, unsigned k)
{
    d->bus = f->bus;
    d->dev = f->dev;
    d->fn = f->fn;
    d->header_type = f->header_type;
    d->vendor = f->vendor;
    d->device = f->device;
    d->class_code = f->class_code;
    d->config = NOVA_COMPONENT_MMIO + f->config_pa;
    d->config_phys = f->config_pa;
    d->msi_gsi = f->msi ? msi_gsi_take() : ~0u;
    d->msi_sm = d->msi_gsi != ~0u ? NOVA_COMPONENT_SEL_MSI(k) : 0;
    for (unsigned b = 0; b < NOVA_DEVICES_BARS; b++) {
        const struct pci_bar *s = &f->bar[b];
        d->bar[b] = (struct nova_device_bar){ s->kind == NOVA_BAR_IO ? s->pa : NOVA_COMPONENT_MMIO + s->pa, s->pa,
                                              s->size, s->kind, s->flags };
        if (s->kind == NOVA_BAR_NONE)
            d->bar[b].address = 0;
    }
}

static bool describe(unsigned i, const struct nvpl_component *p)
{
    struct granted *g = &granted[i];
    if (!(g->page_pa = frame_alloc())) {
        nova_printf("rootserver: component %s: out of memory for its device page\n", name_of(i));
        return false;
    }
    struct nova_devices *d = page_of(i);
    d->magic = NOVA_DEVICES_MAGIC;
    d->version = NOVA_DEVICES_VERSION;
    d->fn_count = g->fn_count;
    for (unsigned k = 0; k < g->fn_count; k++)
        describe_fn(&d->fn[k], g->fn[k], k);
    d->mmio_count = p->mmio_count;
    for (uint32_t k = 0; k < p->mmio_count; k++) {
        const struct nvpl_mmio *r = &nvpl_mmios(plan)[p->mmio_first + k];
        d->mmio[k] = (struct nova_device_mmio){ NOVA_COMPONENT_MMIO + r->base, r->base, r->size };
    }
    d->gsi_count = p->gsi_count;
    for (uint32_t k = 0; k < p->gsi_count; k++)
        d->gsi[k] = nvpl_gsis(plan)[p->gsi_first + k].gsi;
    if (p->dma_size) {
        d->dma = NOVA_COMPONENT_DMA;
        d->dma_size = p->dma_size;
    }
    if (p->flags & NVPL_FLAG_PCI_CONFIG) {
        d->ecam = NOVA_COMPONENT_MMIO + pci.ecam;
        d->ecam_phys = pci.ecam;
        d->ecam_bus_first = pci.bus_first;
        d->ecam_bus_last = pci.bus_last;
    }
    return true;
}

/* --- assignment: every function's DMA confined to the component's PD ---------- */

static bool assign_all(unsigned i, const struct nvpl_component *p)
{
    struct nova_devices *d = page_of(i);
    uint64_t pd = components[i].sel_base + NOVA_COMPONENT_SEL_PD;
    d->iommu = granted[i].fn_count != 0;
    for (unsigned k = 0; k < granted[i].fn_count; k++) {
        const struct pci_fn *f = granted[i].fn[k];
        enum nova_status s = nova_assign_pci(pd, (PHYS_WINDOW + f->config_pa) / PAGE, 0);
        if (s == NOVA_SUCCESS)
            continue;
        d->iommu = 0;
        if (s == NOVA_BAD_DEV && (p->flags & NVPL_FLAG_IOMMU_OPTIONAL))
            continue;
        if (s == NOVA_BAD_DEV)
            nova_printf("rootserver: component %s: no IOMMU confines the DMA of PCI function %02x:%02x.%u "
                        "(%04x:%04x); not started (iommu = \"optional\" in system.toml runs it without)\n",
                        name_of(i), f->bus, f->dev, f->fn, f->vendor, f->device);
        else
            nova_printf("rootserver: component %s: assign_pci of %02x:%02x.%u failed: %s\n", name_of(i), f->bus,
                        f->dev, f->fn, nova_status_name[s]);
        return false;
    }
    d->dma_device = !p->dma_size ? 0 : d->iommu ? NOVA_COMPONENT_DMA : granted[i].dma_pa;
    return true;
}

static bool prepare(unsigned i, const struct nvpl_component *p)
{
    if ((p->pci_count || (p->flags & NVPL_FLAG_PCI_CONFIG)) && !pci_init()) {
        nova_printf("rootserver: component %s: no PCI configuration space (no ACPI MCFG table) for its PCI grants\n",
                    name_of(i));
        return false;
    }
    if (p->pci_count > NOVA_DEVICES_MAX_FNS || p->mmio_count > NOVA_DEVICES_MAX_MMIO ||
        p->gsi_count > NOVA_DEVICES_MAX_GSIS ||
        p->dma_size > NOVA_COMPONENT_DMA_MAX) {
        nova_printf("rootserver: component %s: more devices than its device page describes\n", name_of(i));
        return false;
    }
    return take_fns(i, p) && take_mmio(i, p) && (!p->dma_size || take_dma(i, p->dma_size)) && describe(i, p);
}

bool devices_prepare(unsigned i)
{
    const struct nvpl_component *p = &nvpl_components(plan)[i];
    if (granted[i].prepared && p->dma_size)   /* a restart (restart.c): its DMA memory arrives zeroed again */
        memset(phys_ptr(granted[i].dma_pa), 0, p->dma_size);
    if (!granted[i].prepared && !prepare(i, p)) {
        release_fns(i);
        return false;
    }
    granted[i].prepared = true;
    return assign_all(i, p);
}

/* --- the STARTUP reply's items -------------------------------------------------- */

static void grant_fn(struct items *it, const struct pci_fn *f, const struct nova_device_fn *d)
{
    grant_memory(it, f->config_pa, PAGE, d->config, RW);
    for (unsigned b = 0; b < NOVA_DEVICES_BARS; b++) {
        const struct pci_bar *s = &f->bar[b];
        if (s->kind == NOVA_BAR_IO)
            grant_ports(it, (uint32_t)s->pa, (uint32_t)s->size);
        else if (s->kind != NOVA_BAR_NONE)
            grant_memory(it, page_down(s->pa), page_up(s->pa + s->size) - page_down(s->pa),
                         NOVA_COMPONENT_MMIO + page_down(s->pa), RW);
    }
    if (d->msi_sm)   /* the kernel's GSI semaphores follow its idle SCs */
        add_item(it, nova_item_delegate(d->msi_sm, 1, 0, 0),
                 nova_crd_obj(nova_hip_cpu_count(nova_boot_hip) + d->msi_gsi, 0, NOVA_PERM_SM_ALL));
}

void devices_grant(struct items *it, unsigned i)
{
    const struct granted *g = &granted[i];
    if (!g->page_pa)
        return;
    const struct nova_devices *d = page_of(i);
    add_item(it, nova_item_delegate(NOVA_COMPONENT_DEVICES / PAGE, 0, 0, 0),
             nova_crd_mem((PHYS_WINDOW + g->page_pa) / PAGE, 0, NOVA_PERM_MEM_R));
    for (unsigned k = 0; k < g->fn_count; k++)
        grant_fn(it, g->fn[k], &d->fn[k]);
    for (unsigned k = 0; k < d->mmio_count; k++)
        grant_memory(it, d->mmio[k].phys, d->mmio[k].size, d->mmio[k].address, RW);
    if (d->dma_size)
        grant_dma_memory(it, g->dma_pa, d->dma_size, NOVA_COMPONENT_DMA, RW);
    if (d->ecam)
        grant_memory(it, d->ecam_phys + ((uint64_t)d->ecam_bus_first << 20),
                     (uint64_t)(d->ecam_bus_last - d->ecam_bus_first + 1) << 20,
                     d->ecam + ((uint64_t)d->ecam_bus_first << 20), RW);
}
