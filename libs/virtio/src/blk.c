/* The virtio block device (virtio 1.x, 5.2): initialisation, the request
 * path and the DMA windows. */
#include <nova/nova.h>
#include <virtio/blk.h>

/* request types and status values (5.2.6) */
#define VIRTIO_BLK_T_IN    0u
#define VIRTIO_BLK_T_OUT   1u
#define VIRTIO_BLK_T_FLUSH 4u
#define VIRTIO_BLK_S_OK     0u
#define VIRTIO_BLK_S_IOERR  1u
#define VIRTIO_BLK_S_UNSUPP 2u

/* struct virtio_blk_config (5.2.4): capacity le64 at 0, size_max le32 at 8,
 * seg_max le32 at 12, blk_size le32 at 20 */
#define BLK_CFG_CAPACITY 0
#define BLK_CFG_SIZE_MAX 8
#define BLK_CFG_SEG_MAX  12
#define BLK_CFG_BLK_SIZE 20

/* the request header (type le32, reserved le32, sector le64) at req, the status byte at req + 16 */
struct req_header {
    uint32_t type, reserved;
    uint64_t sector;
};
#define REQ_STATUS 16
#define REQ_BYTES  64

static const uint64_t required = 1ull << VIRTIO_F_VERSION_1 | 1ull << VIRTIO_F_ACCESS_PLATFORM;
static const uint64_t accepted = 1ull << VIRTIO_BLK_F_SIZE_MAX | 1ull << VIRTIO_BLK_F_SEG_MAX |
                                 1ull << VIRTIO_BLK_F_RO | 1ull << VIRTIO_BLK_F_BLK_SIZE | 1ull << VIRTIO_BLK_F_FLUSH;

static inline uint64_t tsc(void)
{
    uint32_t lo, hi;
    __asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
    return (uint64_t)hi << 32 | lo;
}

static enum virtio_blk_result fail(struct virtio_blk *b)
{
    virtio_pci_set_status(&b->pci, virtio_pci_status(&b->pci) | VIRTIO_STATUS_FAILED);
    return VIRTIO_BLK_ENODEV;
}

static enum virtio_blk_result bring_up(struct virtio_blk *b)
{
    struct virtio_pci *p = &b->pci;
    b->broken = true;
    if (!virtio_pci_attach(p, &b->hw))
        return VIRTIO_BLK_ENODEV;
    if (*(volatile uint16_t *)(b->hw.cfg + 2) != VIRTIO_PCI_MODERN_ID(VIRTIO_ID_BLOCK) || !p->device)
        return VIRTIO_BLK_ENODEV;
    virtio_pci_msix_off(p);
    virtio_pci_reset(p);
    virtio_pci_set_status(p, VIRTIO_STATUS_ACKNOWLEDGE);
    virtio_pci_set_status(p, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
    uint64_t offered = virtio_pci_device_features(p);
    if ((offered & required) != required)
        return fail(b);
    b->features = offered & (required | accepted);
    virtio_pci_set_driver_features(p, b->features);
    virtio_pci_set_status(p, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK);
    if (!(virtio_pci_status(p) & VIRTIO_STATUS_FEATURES_OK))
        return fail(b);

    b->capacity = virtio_pci_device_read(p, BLK_CFG_CAPACITY, 8);
    b->read_only = b->features >> VIRTIO_BLK_F_RO & 1;
    b->size_max = b->features >> VIRTIO_BLK_F_SIZE_MAX & 1 ? (uint32_t)virtio_pci_device_read(p, BLK_CFG_SIZE_MAX, 4) : 0;
    b->seg_max = b->features >> VIRTIO_BLK_F_SEG_MAX & 1 ? (uint32_t)virtio_pci_device_read(p, BLK_CFG_SEG_MAX, 4) : 0;
    b->blk_size = b->features >> VIRTIO_BLK_F_BLK_SIZE & 1 ? (uint32_t)virtio_pci_device_read(p, BLK_CFG_BLK_SIZE, 4)
                                                         : VIRTIO_BLK_SECTOR;
    if (b->size_max && b->size_max < 4096)   /* a page at least, or the segments get silly */
        return fail(b);

    /* the queue: at most VIRTQ_MAX_SIZE entries, a power of two */
    uint16_t qmax = virtio_pci_queue_max(p, 0), size = 1;
    if (!qmax)
        return fail(b);
    while (size * 2u <= qmax && size * 2u <= VIRTQ_MAX_SIZE)
        size = (uint16_t)(size * 2);
    if (size < 4)
        return fail(b);
    size_t qbytes = (virtq_mem_size(size) + 63) & ~(size_t)63;
    if (qbytes + REQ_BYTES > b->hw.dma_size || qbytes + REQ_BYTES > VIRTIO_BLK_QUEUE_MEM)
        return fail(b);
    virtq_init(&b->vq, 0, size, (void *)b->hw.dma_va);
    b->req = (volatile uint8_t *)(b->hw.dma_va + qbytes);

    /* segments: header and status take two descriptors */
    uint32_t segs = size - 2u;
    if (b->seg_max && b->seg_max < segs)
        segs = b->seg_max;
    b->max_sectors = VIRTIO_BLK_MAX_SECTORS;
    if (b->size_max && (uint64_t)segs * (b->size_max / VIRTIO_BLK_SECTOR) < b->max_sectors)
        b->max_sectors = segs * (b->size_max / VIRTIO_BLK_SECTOR);
    if (!b->size_max && segs < 1)
        return fail(b);

    uint16_t vector = VIRTIO_MSI_NO_VECTOR;
    b->irq = b->hw.irq_sm && virtio_pci_msix_setup(p, 0, b->hw.msi_addr, (uint32_t)b->hw.msi_data);
    if (b->irq)
        vector = 0;
    if (!virtio_pci_queue_setup(p, 0, size, virtq_desc_addr(&b->vq), virtq_driver_addr(&b->vq),
                                virtq_device_addr(&b->vq), vector)) {
        b->irq = false;   /* the device took no vector: poll */
        virtio_pci_msix_off(p);
        if (!virtio_pci_queue_setup(p, 0, size, virtq_desc_addr(&b->vq), virtq_driver_addr(&b->vq),
                                    virtq_device_addr(&b->vq), VIRTIO_MSI_NO_VECTOR))
            return fail(b);
    }
    b->vq.notify = virtio_pci_queue_notify_addr(p, 0);
    virtio_pci_set_status(p, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER | VIRTIO_STATUS_FEATURES_OK |
                                 VIRTIO_STATUS_DRIVER_OK);
    if (virtio_pci_status(p) & (VIRTIO_STATUS_DEVICE_NEEDS_RESET | VIRTIO_STATUS_FAILED))
        return fail(b);
    b->broken = false;
    return VIRTIO_BLK_OK;
}

enum virtio_blk_result virtio_blk_init(struct virtio_blk *b, const struct virtio_hw *hw)
{
    *b = (struct virtio_blk){ .hw = *hw };
    if ((hw->dma_va & 0xfff) || hw->dma_size < VIRTIO_BLK_QUEUE_MEM)
        return VIRTIO_BLK_ENOMEM;
    return bring_up(b);
}

enum virtio_blk_result virtio_blk_restart(struct virtio_blk *b) { return bring_up(b); }

enum virtio_blk_result virtio_blk_add_window(struct virtio_blk *b, uintptr_t va, size_t size)
{
    if (!size || va + size < va)
        return VIRTIO_BLK_EBUF;
    /* never the driver's own structures: the device would be told to overwrite its rings */
    if (va < b->hw.dma_va + b->hw.dma_size && b->hw.dma_va < va + size)
        return VIRTIO_BLK_EBUF;
    if (b->windows == VIRTIO_BLK_WINDOWS)
        return VIRTIO_BLK_ENOMEM;
    b->win[b->windows].va = va;
    b->win[b->windows].size = size;
    b->windows++;
    return VIRTIO_BLK_OK;
}

void virtio_blk_remove_window(struct virtio_blk *b, uintptr_t va, size_t size)
{
    for (unsigned i = 0; i < b->windows;) {
        if (b->win[i].va < va + size && va < b->win[i].va + b->win[i].size)
            b->win[i] = b->win[--b->windows];
        else
            i++;
    }
}

static bool in_window(const struct virtio_blk *b, uintptr_t va, size_t len)
{
    for (unsigned i = 0; i < b->windows; i++)
        if (va >= b->win[i].va && len <= b->win[i].size && va - b->win[i].va <= b->win[i].size - len)
            return true;
    return false;
}

/* Wait for the chain at `head`: true when it completed, false when the device failed */
static bool wait_for(struct virtio_blk *b, int head)
{
    for (;;) {
        uint16_t id;
        uint32_t written;
        while (virtq_take(&b->vq, &id, &written))
            if (id == head)
                return true;
        if (b->vq.bad || virtio_pci_status(&b->pci) & VIRTIO_STATUS_DEVICE_NEEDS_RESET)
            return false;
        if (b->irq) {
            /* every completion and configuration change ups the semaphore, also
             * those of requests that were complete before the driver looked:
             * this down takes them all (ZC), and one that came after the
             * check above lets it through at once */
            b->block_tsc = tsc();
            nova_sm_ctrl(b->hw.irq_sm, NOVA_FLAG_SM_CTRL_DN | NOVA_FLAG_SM_CTRL_ZC);
            b->wake_tsc = tsc();
            b->blocked_ticks += b->wake_tsc - b->block_tsc;
            b->waits++;
        } else {
            __builtin_ia32_pause();
        }
    }
}

static enum virtio_blk_result request(struct virtio_blk *b, uint32_t type, uint64_t sector, uintptr_t buf,
                                      uint32_t count)
{
    if (b->broken)
        return VIRTIO_BLK_EDEVICE;
    uint64_t len = (uint64_t)count * VIRTIO_BLK_SECTOR;
    if (type != VIRTIO_BLK_T_FLUSH) {
        if (!count || count > b->max_sectors || sector >= b->capacity || count > b->capacity - sector)
            return VIRTIO_BLK_ERANGE;
        if (type == VIRTIO_BLK_T_OUT && b->read_only)
            return VIRTIO_BLK_ERO;
        if (!in_window(b, buf, len))
            return VIRTIO_BLK_EBUF;
    }
    volatile struct req_header *h = (volatile struct req_header *)b->req;
    h->type = type;
    h->reserved = 0;
    h->sector = type == VIRTIO_BLK_T_FLUSH ? 0 : sector;
    b->req[REQ_STATUS] = 0xff;

    struct virtq_buf bufs[VIRTQ_MAX_SIZE];
    unsigned n = 0;
    bufs[n++] = (struct virtq_buf){ (uintptr_t)h, sizeof *h, false };
    for (uint64_t off = 0; off < len; n++) {
        uint64_t chunk = len - off;
        if (b->size_max && chunk > b->size_max)
            chunk = b->size_max;
        bufs[n] = (struct virtq_buf){ buf + off, (uint32_t)chunk, type == VIRTIO_BLK_T_IN };
        off += chunk;
    }
    bufs[n++] = (struct virtq_buf){ (uintptr_t)(b->req + REQ_STATUS), 1, true };
    int head = virtq_submit(&b->vq, bufs, n);
    if (head < 0) {
        b->broken = true;   /* descriptors lost to a device that never gave them back */
        return VIRTIO_BLK_EDEVICE;
    }
    virtq_kick(&b->vq);
    if (!wait_for(b, head)) {
        b->broken = true;
        return VIRTIO_BLK_EDEVICE;
    }
    b->requests++;
    switch (b->req[REQ_STATUS]) {
    case VIRTIO_BLK_S_OK: return VIRTIO_BLK_OK;
    case VIRTIO_BLK_S_IOERR: return VIRTIO_BLK_EIO;
    case VIRTIO_BLK_S_UNSUPP: return VIRTIO_BLK_EUNSUPP;
    default: return VIRTIO_BLK_EDEVICE;
    }
}

enum virtio_blk_result virtio_blk_read(struct virtio_blk *b, uint64_t sector, void *buf, uint32_t count)
{
    return request(b, VIRTIO_BLK_T_IN, sector, (uintptr_t)buf, count);
}

enum virtio_blk_result virtio_blk_write(struct virtio_blk *b, uint64_t sector, const void *buf, uint32_t count)
{
    return request(b, VIRTIO_BLK_T_OUT, sector, (uintptr_t)buf, count);
}

enum virtio_blk_result virtio_blk_flush(struct virtio_blk *b)
{
    if (!(b->features >> VIRTIO_BLK_F_FLUSH & 1))
        return b->broken ? VIRTIO_BLK_EDEVICE : VIRTIO_BLK_OK;
    return request(b, VIRTIO_BLK_T_FLUSH, 0, 0, 0);
}

const char *virtio_blk_strerror(enum virtio_blk_result r)
{
    switch (r) {
    case VIRTIO_BLK_OK: return "ok";
    case VIRTIO_BLK_ERANGE: return "sectors out of range";
    case VIRTIO_BLK_EBUF: return "buffer outside the DMA windows";
    case VIRTIO_BLK_EIO: return "I/O error";
    case VIRTIO_BLK_EUNSUPP: return "unsupported request";
    case VIRTIO_BLK_EDEVICE: return "device failed";
    case VIRTIO_BLK_ERO: return "read-only device";
    case VIRTIO_BLK_ENODEV: return "no usable virtio-blk device";
    case VIRTIO_BLK_ENOMEM: return "DMA window too small or full";
    }
    return "?";
}
