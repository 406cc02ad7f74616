/* The granted device, from the device page (nova/component.h, "devices";
 * docs/system-toml.md): the first PCI function that is a modern virtio
 * block device, its configuration page and BARs as the root server mapped
 * them, the DMA memory and the function's MSI semaphore. */
#include <nova/component.h>
#include <virtio/pci.h>
#include <virtio/blk.h>
#include "grant.h"

static const struct nova_device_fn *granted;

/* A BAR is mapped whole; the driver asks for a part at its start */
static volatile void *map_bar(void *ctx, unsigned bar, uint64_t phys, uint64_t size)
{
    (void)ctx;
    if (!granted || bar >= NOVA_DEVICES_BARS)
        return 0;
    const struct nova_device_bar *b = &granted->bar[bar];
    if ((b->kind != NOVA_BAR_MEM32 && b->kind != NOVA_BAR_MEM64) || phys != b->phys || size > b->size)
        return 0;
    return (volatile void *)(uintptr_t)b->address;
}

bool vblk_grant(struct virtio_hw *hw, const char **why)
{
    const struct nova_devices *d = nova_devices();
    *why = "no device page";
    if (d->magic != NOVA_DEVICES_MAGIC || d->version != NOVA_DEVICES_VERSION)
        return false;
    *why = "no virtio-blk function granted (pci = [ { vendor = 0x1af4, device = 0x1042 } ])";
    for (unsigned k = 0; k < d->fn_count && k < NOVA_DEVICES_MAX_FNS && !granted; k++)
        if (d->fn[k].vendor == VIRTIO_PCI_VENDOR && d->fn[k].device == VIRTIO_PCI_MODERN_ID(VIRTIO_ID_BLOCK))
            granted = &d->fn[k];
    if (!granted)
        return false;
    /* the driver gives the device virtual addresses: only an IOMMU makes them the device's */
    *why = "no IOMMU: the device would take virtual addresses for physical ones";
    if (!d->iommu || d->dma_device != d->dma)
        return false;
    *why = "too little dma_memory for the queue (8K at least)";
    if (!d->dma || d->dma_size < VIRTIO_BLK_QUEUE_MEM)
        return false;
    *hw = (struct virtio_hw){
        .cfg = (volatile uint8_t *)(uintptr_t)granted->config,
        .map_bar = map_bar,
        .dma_va = d->dma,
        .dma_size = d->dma_size,
    };
    uint64_t addr = 0, data = 0;
    if (granted->msi_sm &&
        nova_assign_gsi(granted->msi_sm, granted->config >> 12, nova_component.cpu, &addr, &data) == NOVA_SUCCESS) {
        hw->irq_sm = granted->msi_sm;
        hw->msi_addr = addr;
        hw->msi_data = data;
    }
    return true;
}
