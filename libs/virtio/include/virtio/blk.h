/* A virtio block device (virtio 1.x, 5.2) on the modern PCI transport:
 * one request queue, one request in flight at a time, data moved by DMA
 * directly into and out of the caller's buffers, which must lie in windows
 * registered with virtio_blk_add_window (memory the PD has with the D bit).
 *
 * The driver needs VIRTIO_F_VERSION_1 and VIRTIO_F_ACCESS_PLATFORM (the
 * device translates its DMA addresses through the platform's IOMMU, as
 * QEMU's iommu_platform=on does): a device that does not offer both would
 * take the driver's virtual addresses for physical ones, so it is refused.
 * It accepts the read-only, block-size, segment-count and segment-size
 * features and flush when offered; nothing else.
 *
 * Interrupts: with hw->irq_sm set and an MSI-X capability, vector 0 sends
 * the message assign_gsi gave for the semaphore, for completions and
 * configuration changes alike, and a request waits on the semaphore.
 * Otherwise (no semaphore, no MSI-X, or the device refuses the vector) the
 * driver polls the used ring: correct, but it burns the CPU while the device
 * works.
 *
 * A device that fails (it sets DEVICE_NEEDS_RESET, e.g. because the IOMMU
 * refused one of its DMA accesses) fails the request in flight with
 * VIRTIO_BLK_EDEVICE and every later one until virtio_blk_restart. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "hw.h"
#include "pci.h"
#include "virtqueue.h"

#define VIRTIO_ID_BLOCK 2u           /* device type (5) */
#define VIRTIO_BLK_SECTOR 512u       /* the unit of `sector` and capacity (5.2.6) */

/* feature bits (5.2.3) */
#define VIRTIO_BLK_F_SIZE_MAX 1
#define VIRTIO_BLK_F_SEG_MAX  2
#define VIRTIO_BLK_F_RO       5
#define VIRTIO_BLK_F_BLK_SIZE 6
#define VIRTIO_BLK_F_FLUSH    9

/* the largest request here, in sectors (1 MiB); less if the device's segment limits say so */
#define VIRTIO_BLK_MAX_SECTORS 2048u
/* DMA memory the driver's own structures need (struct virtio_hw.dma_size at least) */
#define VIRTIO_BLK_QUEUE_MEM 8192u
/* data windows a driver keeps */
#define VIRTIO_BLK_WINDOWS 16u

enum virtio_blk_result {
    VIRTIO_BLK_OK = 0,
    VIRTIO_BLK_ERANGE = -1,    /* no sectors, more than max_sectors, or beyond the capacity */
    VIRTIO_BLK_EBUF = -2,      /* the buffer is not inside one registered window */
    VIRTIO_BLK_EIO = -3,       /* the device answered VIRTIO_BLK_S_IOERR */
    VIRTIO_BLK_EUNSUPP = -4,   /* the device answered VIRTIO_BLK_S_UNSUPP */
    VIRTIO_BLK_EDEVICE = -5,   /* the device failed (needs a reset) or answered nonsense */
    VIRTIO_BLK_ERO = -6,       /* a write to a read-only device */
    VIRTIO_BLK_ENODEV = -7,    /* no usable virtio block device (initialisation) */
    VIRTIO_BLK_ENOMEM = -8,    /* the DMA window is too small, or no window slot is left */
};

struct virtio_blk {
    struct virtio_hw hw;
    struct virtio_pci pci;
    struct virtq vq;
    uint64_t features;            /* negotiated */
    uint64_t capacity;            /* sectors */
    uint32_t blk_size;            /* the device's preferred block size in bytes (512 if it says none) */
    uint32_t max_sectors;         /* the largest request */
    uint32_t size_max, seg_max;   /* 0: no limit offered */
    bool read_only;
    bool irq;                     /* completions come by MSI-X on hw.irq_sm; else polling */
    bool broken;                  /* the device needs a reset */
    struct { uintptr_t va; size_t size; } win[VIRTIO_BLK_WINDOWS];
    unsigned windows;
    volatile uint8_t *req;        /* the request header and status byte, in the DMA window */
    /* counters: requests completed, semaphore downs taken; the TSC before
     * the last down and when it returned, and the ticks spent in downs (for
     * figures: the CPU's own work is the rest) */
    uint64_t requests, waits, block_tsc, wake_tsc, blocked_ticks;
};

/* Find and initialise the device (3.1.1): reset, negotiate features,
 * set up the request queue and the interrupt, DRIVER_OK. */
enum virtio_blk_result virtio_blk_init(struct virtio_blk *b, const struct virtio_hw *hw);
/* Reset the device and initialise it again (after VIRTIO_BLK_EDEVICE);
 * registered windows stay */
enum virtio_blk_result virtio_blk_restart(struct virtio_blk *b);
/* Allow DMA to and from [va, va + size): memory the PD holds with D */
enum virtio_blk_result virtio_blk_add_window(struct virtio_blk *b, uintptr_t va, size_t size);
/* Forget every window that overlaps [va, va + size) */
void virtio_blk_remove_window(struct virtio_blk *b, uintptr_t va, size_t size);

/* `count` sectors from `sector` into / out of `buf` (inside one window) */
enum virtio_blk_result virtio_blk_read(struct virtio_blk *b, uint64_t sector, void *buf, uint32_t count);
enum virtio_blk_result virtio_blk_write(struct virtio_blk *b, uint64_t sector, const void *buf, uint32_t count);
/* Make completed writes durable (VIRTIO_BLK_T_FLUSH); OK at once without the flush feature */
enum virtio_blk_result virtio_blk_flush(struct virtio_blk *b);

const char *virtio_blk_strerror(enum virtio_blk_result r);
