/* A split virtqueue (virtio 1.x, 2.7): a descriptor table, the driver area
 * (available ring) and the device area (used ring), all in DMA memory the
 * caller provides. Descriptors free for use are chained through `next`.
 * No indirect descriptors, no event index: the driver notifies after every
 * submission and takes an interrupt for every completion. */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* descriptor flags (2.7.5) */
#define VIRTQ_DESC_F_NEXT  1u
#define VIRTQ_DESC_F_WRITE 2u   /* the device writes the buffer */

struct virtq_desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags;
    uint16_t next;
};

/* the most entries a queue here has (a power of two, as split queues need) */
#define VIRTQ_MAX_SIZE 128u

struct virtq {
    uint16_t size;
    uint16_t free_head, num_free;
    uint16_t last_used;                   /* used-ring entries consumed */
    volatile struct virtq_desc *desc;
    volatile uint16_t *avail;             /* flags, idx, ring[size], used_event */
    volatile uint8_t *used;               /* flags, idx, ring[size] of {id, len}, avail_event */
    volatile uint16_t *notify;
    uint16_t index;                       /* the queue's number, written to notify */
    bool bad;                             /* the device returned an id that is no descriptor */
};

/* one buffer of a chain: device address, length, whether the device writes it */
struct virtq_buf {
    uint64_t addr;
    uint32_t len;
    bool device_writes;
};

/* Bytes of DMA memory a queue of `size` entries needs (the three areas, each aligned) */
size_t virtq_mem_size(uint16_t size);
/* Lay out the queue in `mem` (page-aligned, zeroed here, virtq_mem_size
 * bytes; its address is also the device's) */
void virtq_init(struct virtq *q, uint16_t index, uint16_t size, void *mem);
/* the device addresses of the three areas, for the transport */
uint64_t virtq_desc_addr(const struct virtq *q);
uint64_t virtq_driver_addr(const struct virtq *q);
uint64_t virtq_device_addr(const struct virtq *q);

/* Put a chain of n buffers (device-readable ones first, 2.7.4.2) in the
 * available ring; its head id, or -1 if too few descriptors are free */
int virtq_submit(struct virtq *q, const struct virtq_buf *bufs, unsigned n);
/* Tell the device there is something new */
void virtq_kick(struct virtq *q);
/* Take one completed chain: its head id and the bytes the device wrote,
 * freeing its descriptors; false if none is complete (or the device named
 * no descriptor: then q->bad is set) */
bool virtq_take(struct virtq *q, uint16_t *id, uint32_t *written);
