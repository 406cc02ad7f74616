/* What a virtio driver is given by whoever holds the device (the root
 * task, or the root server through a component's device grant): the
 * function's configuration page, a way to reach its memory BARs, memory the
 * device may use for DMA and an interrupt. The driver touches nothing else.
 *
 * DMA addresses are virtual addresses: memory delegated to a PD with the D
 * bit is reachable by the PD's assigned devices at the PD's own virtual
 * addresses (docs/api.md, "DMA (D bit)"), so the driver hands the device the
 * same address the CPU uses. */
#pragma once
#include <stddef.h>
#include <stdint.h>

struct virtio_hw {
    /* the function's 4 KiB PCI configuration page (ECAM), readable and writable */
    volatile uint8_t *cfg;
    /* Make `size` bytes of memory BAR `bar` (0..5), which the function decodes at
     * physical address `phys`, reachable; return the virtual address of `phys`,
     * or NULL. The driver asks once per BAR, for the extent it uses. */
    volatile void *(*map_bar)(void *ctx, unsigned bar, uint64_t phys, uint64_t size);
    void *ctx;
    /* The DMA window for the driver's own structures (virtqueue, request
     * headers and status bytes): page-aligned, given to the PD with D, at
     * least VIRTIO_BLK_QUEUE_MEM bytes. Data buffers are registered apart
     * (virtio_blk_add_window). */
    uintptr_t dma_va;
    size_t dma_size;
    /* The interrupt: a semaphore that an MSI message with address msi_addr
     * and data msi_data ups (what assign_gsi returned for this function).
     * irq_sm == 0: no interrupt, the driver polls. */
    uint64_t irq_sm;
    uint64_t msi_addr, msi_data;
};
