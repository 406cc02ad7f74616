/* The split virtqueue of libs/virtio (src/virtqueue.c), with the test as
 * the device: chains are laid out as the spec says (flags, next, the
 * available ring), completions in any order give every descriptor back
 * exactly once, and an id from the device that names no descriptor is
 * refused rather than used as an index. */
#include <stdlib.h>
#include <string.h>
#include <virtio/virtqueue.h>
#include "unit.h"

static void *queue_mem(uint16_t size)
{
    void *m = aligned_alloc(4096, (virtq_mem_size(size) + 4095) & ~(size_t)4095);
    memset(m, 0xa5, virtq_mem_size(size));   /* virtq_init must clear it */
    return m;
}

/* the device side */
static uint16_t avail_idx(const struct virtq *q) { return q->avail[1]; }
static uint16_t avail_ring(const struct virtq *q, uint16_t i) { return q->avail[2 + (i & (q->size - 1))]; }
static void complete(struct virtq *q, uint32_t id, uint32_t len)
{
    volatile uint16_t *idx = (volatile uint16_t *)(q->used + 2);
    volatile uint32_t *e = (volatile uint32_t *)(q->used + 4 + 8u * (*idx & (q->size - 1)));
    e[0] = id;
    e[1] = len;
    (*idx)++;
}

UNIT_TEST(virtq_layout_is_aligned_and_cleared)
{
    struct virtq q;
    void *m = queue_mem(64);
    virtq_init(&q, 3, 64, m);
    EXPECT(virtq_desc_addr(&q) == (uintptr_t)m);
    EXPECT(virtq_desc_addr(&q) % 16 == 0 && virtq_driver_addr(&q) % 2 == 0 && virtq_device_addr(&q) % 4 == 0);
    EXPECT(virtq_driver_addr(&q) >= virtq_desc_addr(&q) + 16 * 64);
    EXPECT(virtq_device_addr(&q) >= virtq_driver_addr(&q) + 6 + 2 * 64);
    EXPECT((uintptr_t)m + virtq_mem_size(64) >= virtq_device_addr(&q) + 6 + 8 * 64);
    EXPECT(avail_idx(&q) == 0 && q.avail[0] == 0 && *(volatile uint16_t *)(q.used + 2) == 0);
    EXPECT(q.num_free == 64 && q.index == 3);
    free(m);
}

UNIT_TEST(virtq_chain_has_flags_next_and_an_avail_entry)
{
    struct virtq q;
    void *m = queue_mem(8);
    volatile uint16_t doorbell = 0xffff;
    virtq_init(&q, 5, 8, m);
    q.notify = &doorbell;
    struct virtq_buf b[3] = { { 0x1000, 16, false }, { 0x2000, 4096, true }, { 0x3000, 1, true } };
    int head = virtq_submit(&q, b, 3);
    EXPECT(head >= 0 && head < 8);
    EXPECT(avail_idx(&q) == 1 && avail_ring(&q, 0) == head);
    uint16_t d = (uint16_t)head;
    for (unsigned i = 0; i < 3; i++) {
        EXPECT(q.desc[d].addr == b[i].addr && q.desc[d].len == b[i].len);
        uint16_t want = (uint16_t)((b[i].device_writes ? VIRTQ_DESC_F_WRITE : 0) | (i < 2 ? VIRTQ_DESC_F_NEXT : 0));
        EXPECT(q.desc[d].flags == want);
        d = q.desc[d].next;
    }
    EXPECT(q.num_free == 5);
    virtq_kick(&q);
    EXPECT(doorbell == 5);   /* the queue's index */
    uint16_t id;
    uint32_t len;
    EXPECT(!virtq_take(&q, &id, &len));
    complete(&q, (uint32_t)head, 4097);
    EXPECT(virtq_take(&q, &id, &len) && id == head && len == 4097);
    EXPECT(q.num_free == 8);
    EXPECT(!virtq_take(&q, &id, &len));
    free(m);
}

UNIT_TEST(virtq_out_of_order_completions_give_every_descriptor_back_once)
{
    struct virtq q;
    void *m = queue_mem(16);
    virtq_init(&q, 0, 16, m);
    struct virtq_buf b[4] = { { 1, 1, false }, { 2, 2, true }, { 3, 3, true }, { 4, 4, true } };
    srand(7);
    int heads[16];
    unsigned lens[16], n = 0;
    for (unsigned round = 0; round < 200; round++) {
        /* fill until a chain does not fit; it must then be refused whole */
        for (;;) {
            unsigned k = 1 + (unsigned)rand() % 4;
            uint16_t before = q.num_free;
            int h = virtq_submit(&q, b, k);
            if (h < 0) {
                EXPECT(k > before && q.num_free == before);
                break;
            }
            heads[n] = h;
            lens[n++] = k;
        }
        /* no descriptor is in two chains */
        unsigned char used[16] = { 0 };
        unsigned total = 0;
        for (unsigned i = 0; i < n; i++) {
            uint16_t d = (uint16_t)heads[i];
            for (unsigned j = 0; j < lens[i]; j++) {
                EXPECT(d < 16 && !used[d]);
                used[d] = 1;
                total++;
                d = q.desc[d].next;
            }
        }
        EXPECT(total + q.num_free == 16);
        /* the device completes a random half, in random order */
        unsigned done = n / 2 + (n == 1);
        for (unsigned i = 0; i < done; i++) {
            unsigned pick = (unsigned)rand() % n;
            complete(&q, (uint32_t)heads[pick], 0);
            uint16_t id;
            uint32_t len;
            EXPECT(virtq_take(&q, &id, &len) && id == heads[pick]);
            heads[pick] = heads[n - 1];
            lens[pick] = lens[n - 1];
            n--;
        }
    }
    free(m);
}

UNIT_TEST(virtq_refuses_an_id_that_names_no_descriptor)
{
    struct virtq q;
    void *m = queue_mem(8);
    virtq_init(&q, 0, 8, m);
    struct virtq_buf b = { 0x1000, 512, true };
    EXPECT(virtq_submit(&q, &b, 1) >= 0);
    complete(&q, 8, 0);   /* one past the table */
    uint16_t id;
    uint32_t len;
    EXPECT(!virtq_take(&q, &id, &len));
    EXPECT(q.bad);
    EXPECT(q.num_free == 7);   /* nothing was given back */
    free(m);
}
