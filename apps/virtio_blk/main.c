/*
 * virtio_blk: the block service on a virtio-blk disk. It offers "block"
 * (include/nova/block.h has the protocol and the client library) and drives
 * the PCI function system.toml grants it with the driver core of
 * libs/virtio; grant.c alone reads the device page.
 *
 * Each session's buffer arrives by delegation with the D bit into a slot
 * of the driver's space of its own, SLOT_VA(k), and becomes a DMA window of
 * the driver core: the device moves sectors straight between disk and the
 * client's buffer, and reaches nothing else of any client (the driver's PD
 * has D memory only in the open slots and its own queue memory).
 *
 * One request at a time, in the main EC: a call returns when the device
 * has completed it (the driver waits on its MSI semaphore).
 *
 * system.toml: offers = ["block"] (PID 0), uses = ["console"], pci = the
 * virtio-blk function, dma_memory for the queue (8K at least).
 */
#include <stdbool.h>
#include <stdio.h>
#include <nova/block.h>
#include <nova/component.h>
#include <virtio/blk.h>
#include "grant.h"

#define PID_BLOCK   0u
/* below 512 GiB (what a 3-level VT-d unit reaches), clear of heap, stack and device mappings */
#define SLOT_VA(k)  (UINT64_C(0x0000004000000000) + (uint64_t)(k) * (UINT64_C(1) << 30))
#define SLOT_ORDER  14u   /* BLOCK_MAX_BUFFER in pages, as an order */

struct session {
    bool open;
    uint64_t word;        /* secret << 16 | slot */
    size_t size;
};

static struct virtio_blk blk;
static struct session sessions[BLOCK_MAX_SESSIONS];
static unsigned window_slot = BLOCK_MAX_SESSIONS;
static uint64_t secret_state;

static uint64_t next_secret(void)
{
    /* splitmix64 over a TSC-seeded state: unguessable enough for telling clients apart */
    uint64_t z = (secret_state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static void slot_clear(unsigned k)
{
    nova_revoke(nova_crd_mem(SLOT_VA(k) >> 12, SLOT_ORDER, NOVA_PERM_MEM_ALL), NOVA_FLAG_REVOKE_SR);
}

/* whether the page at va arrived readable and writable */
static bool page_rw(uint64_t va)
{
    uint64_t crd = nova_crd_mem(va >> 12, 0, 0);
    if (nova_lookup(&crd) != NOVA_SUCCESS || nova_crd_type(crd) != NOVA_CRD_TYPE_MEM)
        return false;
    uint64_t rw = NOVA_PERM_MEM_R | NOVA_PERM_MEM_W;
    return (nova_crd_mask(crd) & rw) == rw;
}

/* The delegation window names a free slot, emptied of whatever a call left there */
static void window_reset(void)
{
    unsigned k = 0;
    while (k < BLOCK_MAX_SESSIONS && sessions[k].open)
        k++;
    window_slot = k;
    if (k < BLOCK_MAX_SESSIONS)
        slot_clear(k);
    nova_component_utcb()->head.del =
        k < BLOCK_MAX_SESSIONS ? nova_crd_mem(SLOT_VA(k) >> 12, SLOT_ORDER, NOVA_PERM_MEM_R | NOVA_PERM_MEM_W)
                               : nova_crd_null();
}

static uint64_t info_reply(struct nova_utcb *u, const struct session *s)
{
    u->data.words[0] = BLOCK_OK;
    u->data.words[1] = s->word;
    u->data.words[2] = blk.capacity;
    u->data.words[3] = BLOCK_SECTOR;
    uint32_t most = blk.max_sectors;
    if (s->size / BLOCK_SECTOR < most)
        most = (uint32_t)(s->size / BLOCK_SECTOR);
    u->data.words[4] = most;
    u->data.words[5] = blk.read_only ? BLOCK_FLAG_READ_ONLY : 0;
    u->data.words[6] = s->size;
    return 7;
}

static uint64_t status(struct nova_utcb *u, enum block_status st)
{
    u->data.words[0] = st;
    return 1;
}

static uint64_t op_connect(struct nova_utcb *u, unsigned nu)
{
    if (nu < 2)
        return status(u, BLOCK_ERR_ARG);
    if (window_slot >= BLOCK_MAX_SESSIONS)
        return status(u, BLOCK_ERR_FULL);
    uint64_t size = u->data.words[1];
    unsigned k = window_slot;
    if (size < 4096 || size > BLOCK_MAX_BUFFER || (size & (size - 1)) || !page_rw(SLOT_VA(k)) ||
        !page_rw(SLOT_VA(k) + size - 4096))
        return status(u, BLOCK_ERR_NOBUF);
    if (virtio_blk_add_window(&blk, SLOT_VA(k), size) != VIRTIO_BLK_OK)
        return status(u, BLOCK_ERR_FULL);
    sessions[k] = (struct session){ .open = true, .word = next_secret() << 16 | k, .size = size };
    return info_reply(u, &sessions[k]);
}

/* the session w1 names, or NULL */
static struct session *session_of(struct nova_utcb *u, unsigned nu)
{
    if (nu < 2)
        return 0;
    uint64_t w = u->data.words[1];
    unsigned k = (unsigned)(w & 0xffff);
    if (k >= BLOCK_MAX_SESSIONS || !sessions[k].open || sessions[k].word != w)
        return 0;
    return &sessions[k];
}

static enum block_status from_driver(enum virtio_blk_result r)
{
    switch (r) {
    case VIRTIO_BLK_OK: return BLOCK_OK;
    case VIRTIO_BLK_ERANGE: return BLOCK_ERR_RANGE;
    case VIRTIO_BLK_EBUF: return BLOCK_ERR_BUF;
    case VIRTIO_BLK_ERO: return BLOCK_ERR_RO;
    case VIRTIO_BLK_EIO:
    case VIRTIO_BLK_EUNSUPP: return BLOCK_ERR_IO;
    default:
        /* the device failed: start it again for the next request */
        virtio_blk_restart(&blk);
        return BLOCK_ERR_DEVICE;
    }
}

static uint64_t op_transfer(struct nova_utcb *u, unsigned nu, bool write)
{
    struct session *s = session_of(u, nu);
    if (!s)
        return status(u, nu < 2 ? BLOCK_ERR_ARG : BLOCK_ERR_SESSION);
    if (nu < 5)
        return status(u, BLOCK_ERR_ARG);
    uint64_t sector = u->data.words[2], count = u->data.words[3], offset = u->data.words[4];
    if (!count || count > blk.max_sectors)
        return status(u, BLOCK_ERR_RANGE);
    if (offset > s->size || count * BLOCK_SECTOR > s->size - offset)
        return status(u, BLOCK_ERR_BUF);
    uint8_t *buf = (uint8_t *)(uintptr_t)(SLOT_VA(s->word & 0xffff) + offset);
    enum virtio_blk_result r = write ? virtio_blk_write(&blk, sector, buf, (uint32_t)count)
                                     : virtio_blk_read(&blk, sector, buf, (uint32_t)count);
    return status(u, from_driver(r));
}

static uint64_t block_call(uint64_t pid, struct nova_utcb *u)
{
    unsigned nu = (unsigned)nova_utcb_items_u(u->head.items);
    uint64_t words;
    struct session *s;
    if (pid != PID_BLOCK || nu < 1) {
        words = status(u, BLOCK_ERR_OP);
    } else {
        switch (u->data.words[0]) {
        case BLOCK_OP_CONNECT: words = op_connect(u, nu); break;
        case BLOCK_OP_INFO:
            s = session_of(u, nu);
            words = s ? info_reply(u, s) : status(u, nu < 2 ? BLOCK_ERR_ARG : BLOCK_ERR_SESSION);
            break;
        case BLOCK_OP_READ: words = op_transfer(u, nu, false); break;
        case BLOCK_OP_WRITE: words = op_transfer(u, nu, true); break;
        case BLOCK_OP_FLUSH:
            s = session_of(u, nu);
            words = status(u, s ? from_driver(virtio_blk_flush(&blk)) : nu < 2 ? BLOCK_ERR_ARG : BLOCK_ERR_SESSION);
            break;
        case BLOCK_OP_DISCONNECT:
            s = session_of(u, nu);
            if (s) {
                unsigned k = (unsigned)(s->word & 0xffff);
                virtio_blk_remove_window(&blk, SLOT_VA(k), s->size);
                *s = (struct session){ 0 };
                slot_clear(k);
            }
            words = status(u, s ? BLOCK_OK : nu < 2 ? BLOCK_ERR_ARG : BLOCK_ERR_SESSION);
            break;
        default: words = status(u, BLOCK_ERR_OP); break;
        }
    }
    window_reset();   /* memory sent with anything but a connect that took it is dropped */
    return words;
}

int main(void)
{
    struct virtio_hw hw;
    const char *why;
    if (!vblk_grant(&hw, &why)) {
        printf("virtio_blk: no device: %s\n", why);
        return 1;
    }
    enum virtio_blk_result r = virtio_blk_init(&blk, &hw);
    if (r != VIRTIO_BLK_OK) {
        printf("virtio_blk: %s\n", virtio_blk_strerror(r));
        return 1;
    }
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    secret_state = ((uint64_t)hi << 32 | lo) ^ (uint64_t)nova_component.index << 56;
    window_reset();
    printf("virtio_blk: ready: %llu sectors of %u bytes%s, %s, up to %u sectors a request\n",
           (unsigned long long)blk.capacity, BLOCK_SECTOR, blk.read_only ? " (read-only)" : "",
           blk.irq ? "MSI-X" : "polling", blk.max_sectors);
    fflush(stdout);
    component_serve(block_call);
}
