/* Split virtqueues (virtio 1.x, 2.7). */
#include <virtio/virtqueue.h>

/* Layout (2.7): descriptor table 16 * size bytes, 16-aligned; driver area
 * 6 + 2 * size bytes, 2-aligned; device area 6 + 8 * size bytes, 4-aligned.
 * Each starts on a 64-byte boundary here. */
static size_t align64(size_t n) { return (n + 63) & ~(size_t)63; }
static size_t avail_off(uint16_t size) { return align64(16u * size); }
static size_t used_off(uint16_t size) { return avail_off(size) + align64(6u + 2u * size); }
size_t virtq_mem_size(uint16_t size) { return used_off(size) + align64(6u + 8u * size); }

void virtq_init(struct virtq *q, uint16_t index, uint16_t size, void *mem)
{
    volatile uint8_t *m = mem;
    for (size_t i = 0; i < virtq_mem_size(size); i++)
        m[i] = 0;
    *q = (struct virtq){
        .size = size,
        .num_free = size,
        .desc = (volatile struct virtq_desc *)m,
        .avail = (volatile uint16_t *)(m + avail_off(size)),
        .used = m + used_off(size),
        .index = index,
    };
    for (uint16_t i = 0; i + 1 < size; i++)
        q->desc[i].next = (uint16_t)(i + 1);
}

uint64_t virtq_desc_addr(const struct virtq *q) { return (uintptr_t)q->desc; }
uint64_t virtq_driver_addr(const struct virtq *q) { return (uintptr_t)q->avail; }
uint64_t virtq_device_addr(const struct virtq *q) { return (uintptr_t)q->used; }

int virtq_submit(struct virtq *q, const struct virtq_buf *bufs, unsigned n)
{
    if (n == 0 || n > q->num_free)
        return -1;
    uint16_t head = q->free_head, d = head;
    for (unsigned i = 0; i < n; i++) {
        volatile struct virtq_desc *e = &q->desc[d];
        e->addr = bufs[i].addr;
        e->len = bufs[i].len;
        e->flags = (uint16_t)((bufs[i].device_writes ? VIRTQ_DESC_F_WRITE : 0) | (i + 1 < n ? VIRTQ_DESC_F_NEXT : 0));
        if (i + 1 < n)
            d = e->next;
    }
    q->free_head = q->desc[d].next;
    q->num_free = (uint16_t)(q->num_free - n);
    uint16_t idx = q->avail[1];
    q->avail[2 + (idx & (q->size - 1))] = head;
    /* the ring entry before the index that publishes it (2.7.13.2) */
    __atomic_thread_fence(__ATOMIC_RELEASE);
    q->avail[1] = (uint16_t)(idx + 1);
    return head;
}

void virtq_kick(struct virtq *q)
{
    /* the index store before the notification (2.7.13.3.1) */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    *q->notify = q->index;
}

bool virtq_take(struct virtq *q, uint16_t *id, uint32_t *written)
{
    volatile uint16_t *used_idx = (volatile uint16_t *)(q->used + 2);
    if (*used_idx == q->last_used)
        return false;
    __atomic_thread_fence(__ATOMIC_ACQUIRE);   /* the entry after its index */
    volatile uint32_t *e = (volatile uint32_t *)(q->used + 4 + 8u * (q->last_used & (q->size - 1)));
    uint16_t head = (uint16_t)e[0];
    if (head >= q->size) {   /* the device's word is not trusted with an index */
        q->bad = true;
        return false;
    }
    *id = head;
    *written = e[1];
    q->last_used++;
    /* give the chain back: walk it to its tail and link the tail to the free list */
    uint16_t d = head, n = 1;
    while ((q->desc[d].flags & VIRTQ_DESC_F_NEXT) && n < q->size) {
        d = q->desc[d].next;
        n++;
    }
    q->desc[d].next = q->free_head;
    q->free_head = head;
    q->num_free = (uint16_t)(q->num_free + n);
    return true;
}
