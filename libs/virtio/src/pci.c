/* virtio-pci, modern interface (virtio 1.x, 4.1.4): capabilities, common
 * configuration, notification and MSI-X. */
#include <virtio/pci.h>

/* PCI configuration space (type 0 header) */
#define PCI_COMMAND        0x04
#define PCI_CMD_MEMORY     (1u << 1)
#define PCI_CMD_MASTER     (1u << 2)
#define PCI_CMD_INTX_OFF   (1u << 10)
#define PCI_STATUS         0x06
#define PCI_STATUS_CAPS    (1u << 4)
#define PCI_BAR0           0x10
#define PCI_CAP_PTR        0x34
#define PCI_CAP_VENDOR     0x09
#define PCI_CAP_MSIX       0x11

/* struct virtio_pci_cap (4.1.4): cfg_type at 3, bar at 4, offset at 8,
 * length at 12; the notification capability adds notify_off_multiplier at 16 */
#define VCAP_TYPE   3
#define VCAP_BAR    4
#define VCAP_OFFSET 8
#define VCAP_LENGTH 12
#define VCAP_NOTIFY_MULT 16
enum { CFG_COMMON = 1, CFG_NOTIFY = 2, CFG_ISR = 3, CFG_DEVICE = 4 };

/* struct virtio_pci_common_cfg (4.1.4.3) */
#define COMMON_DFSELECT      0x00   /* le32 device_feature_select */
#define COMMON_DF            0x04   /* le32 device_feature */
#define COMMON_GFSELECT      0x08   /* le32 driver_feature_select */
#define COMMON_GF            0x0c   /* le32 driver_feature */
#define COMMON_MSIX          0x10   /* le16 config_msix_vector */
#define COMMON_NUMQ          0x12   /* le16 num_queues */
#define COMMON_STATUS        0x14   /* u8 device_status */
#define COMMON_CFGGEN        0x15   /* u8 config_generation */
#define COMMON_Q_SELECT      0x16   /* le16 queue_select */
#define COMMON_Q_SIZE        0x18   /* le16 queue_size */
#define COMMON_Q_MSIX        0x1a   /* le16 queue_msix_vector */
#define COMMON_Q_ENABLE      0x1c   /* le16 queue_enable */
#define COMMON_Q_NOFF        0x1e   /* le16 queue_notify_off */
#define COMMON_Q_DESC        0x20   /* le64 queue_desc */
#define COMMON_Q_DRIVER      0x28   /* le64 queue_driver */
#define COMMON_Q_DEVICE      0x30   /* le64 queue_device */
#define COMMON_SIZE          0x38

/* MSI-X capability (PCI 3.0, 6.8.2): message control at 2 (table size - 1
 * in bits 10:0, function mask 14, enable 15), table offset | BIR at 4; a
 * table entry is 16 bytes: address low, high, data, vector control (bit 0 masked) */
#define MSIX_CTRL        2
#define MSIX_CTRL_MASK   (1u << 14)
#define MSIX_CTRL_ENABLE (1u << 15)
#define MSIX_TABLE       4

static inline uint8_t rd8(volatile uint8_t *b, unsigned o) { return b[o]; }
static inline uint16_t rd16(volatile uint8_t *b, unsigned o) { return *(volatile uint16_t *)(b + o); }
static inline uint32_t rd32(volatile uint8_t *b, unsigned o) { return *(volatile uint32_t *)(b + o); }
static inline void wr8(volatile uint8_t *b, unsigned o, uint8_t v) { b[o] = v; }
static inline void wr16(volatile uint8_t *b, unsigned o, uint16_t v) { *(volatile uint16_t *)(b + o) = v; }
static inline void wr32(volatile uint8_t *b, unsigned o, uint32_t v) { *(volatile uint32_t *)(b + o) = v; }
static inline void wr64(volatile uint8_t *b, unsigned o, uint64_t v)
{
    /* two 32-bit writes, low half first: the common structure's 64-bit fields allow it (4.1.3.1) */
    wr32(b, o, (uint32_t)v);
    wr32(b, o + 4, (uint32_t)(v >> 32));
}

/* The physical address memory BAR `bar` decodes at; 0 if it is an I/O BAR,
 * the upper half of a 64-bit BAR, or unassigned */
static uint64_t bar_phys(volatile uint8_t *cfg, unsigned bar)
{
    if (bar > 5)
        return 0;
    uint32_t lo = rd32(cfg, PCI_BAR0 + 4 * bar);
    if (lo & 1)
        return 0;
    uint64_t pa = lo & ~0xfull;
    if (((lo >> 1) & 3) == 2) {
        if (bar == 5)
            return 0;
        pa |= (uint64_t)rd32(cfg, PCI_BAR0 + 4 * (bar + 1)) << 32;
    }
    return pa;
}

struct found {
    bool have;
    unsigned bar;
    uint32_t offset, length;
};

bool virtio_pci_attach(struct virtio_pci *p, const struct virtio_hw *hw)
{
    volatile uint8_t *cfg = hw->cfg;
    *p = (struct virtio_pci){ .cfg = cfg };
    if (rd16(cfg, 0) != VIRTIO_PCI_VENDOR || !(rd16(cfg, PCI_STATUS) & PCI_STATUS_CAPS))
        return false;
    struct found s[5] = { 0 };   /* by cfg_type */
    struct found msix = { 0 };
    uint32_t mult = 0;
    /* the list is at most 48 capabilities of 4 bytes past the header */
    for (unsigned ptr = rd8(cfg, PCI_CAP_PTR) & 0xfc, n = 0; ptr >= 0x40 && n < 48; n++) {
        uint8_t id = rd8(cfg, ptr);
        if (id == PCI_CAP_VENDOR && rd8(cfg, ptr + 2) >= 16) {
            uint8_t type = rd8(cfg, ptr + VCAP_TYPE), bar = rd8(cfg, ptr + VCAP_BAR);
            /* the first usable one of each type counts (4.1.4.1): a memory BAR */
            if (type >= CFG_COMMON && type <= CFG_DEVICE && !s[type].have && bar_phys(cfg, bar)) {
                s[type] = (struct found){ true, bar, rd32(cfg, ptr + VCAP_OFFSET), rd32(cfg, ptr + VCAP_LENGTH) };
                if (type == CFG_NOTIFY) {
                    if (rd8(cfg, ptr + 2) < 20)
                        s[type].have = false;
                    else
                        mult = rd32(cfg, ptr + VCAP_NOTIFY_MULT);
                }
            }
        } else if (id == PCI_CAP_MSIX && !msix.have) {
            uint32_t t = rd32(cfg, ptr + MSIX_TABLE);
            unsigned entries = (rd16(cfg, ptr + MSIX_CTRL) & 0x7ff) + 1;
            if (bar_phys(cfg, t & 7)) {
                msix = (struct found){ true, t & 7, t & ~7u, entries * 16 };
                p->msix_cap = ptr;
                p->msix_entries = entries;
            }
        }
        ptr = rd8(cfg, ptr + 1) & 0xfc;
    }
    if (!s[CFG_COMMON].have || !s[CFG_NOTIFY].have || !s[CFG_ISR].have || s[CFG_COMMON].length < COMMON_SIZE)
        return false;

    /* each BAR mapped once, up to the end of the last structure in it */
    uint64_t extent[6] = { 0 };
    for (unsigned t = CFG_COMMON; t <= CFG_DEVICE; t++)
        if (s[t].have && (uint64_t)s[t].offset + s[t].length > extent[s[t].bar])
            extent[s[t].bar] = (uint64_t)s[t].offset + s[t].length;
    if (msix.have && (uint64_t)msix.offset + msix.length > extent[msix.bar])
        extent[msix.bar] = (uint64_t)msix.offset + msix.length;
    volatile uint8_t *va[6] = { 0 };
    wr16(cfg, PCI_COMMAND, rd16(cfg, PCI_COMMAND) | PCI_CMD_MEMORY | PCI_CMD_MASTER | PCI_CMD_INTX_OFF);
    for (unsigned b = 0; b < 6; b++) {
        if (!extent[b])
            continue;
        va[b] = (volatile uint8_t *)hw->map_bar(hw->ctx, b, bar_phys(cfg, b), (extent[b] + 0xfff) & ~0xfffull);
        if (!va[b])
            return false;
    }
    p->common = va[s[CFG_COMMON].bar] + s[CFG_COMMON].offset;
    p->notify = va[s[CFG_NOTIFY].bar] + s[CFG_NOTIFY].offset;
    p->notify_mult = mult;
    p->isr = va[s[CFG_ISR].bar] + s[CFG_ISR].offset;
    if (s[CFG_DEVICE].have) {
        p->device = va[s[CFG_DEVICE].bar] + s[CFG_DEVICE].offset;
        p->device_len = s[CFG_DEVICE].length;
    }
    if (msix.have)
        p->msix = (volatile uint32_t *)(va[msix.bar] + msix.offset);
    else
        p->msix_cap = p->msix_entries = 0;
    return true;
}

uint8_t virtio_pci_status(const struct virtio_pci *p) { return rd8(p->common, COMMON_STATUS); }
void virtio_pci_set_status(struct virtio_pci *p, uint8_t status) { wr8(p->common, COMMON_STATUS, status); }

void virtio_pci_reset(struct virtio_pci *p)
{
    wr8(p->common, COMMON_STATUS, 0);
    while (rd8(p->common, COMMON_STATUS) != 0)
        __builtin_ia32_pause();
}

uint64_t virtio_pci_device_features(struct virtio_pci *p)
{
    wr32(p->common, COMMON_DFSELECT, 0);
    uint64_t lo = rd32(p->common, COMMON_DF);
    wr32(p->common, COMMON_DFSELECT, 1);
    return lo | (uint64_t)rd32(p->common, COMMON_DF) << 32;
}

void virtio_pci_set_driver_features(struct virtio_pci *p, uint64_t features)
{
    wr32(p->common, COMMON_GFSELECT, 0);
    wr32(p->common, COMMON_GF, (uint32_t)features);
    wr32(p->common, COMMON_GFSELECT, 1);
    wr32(p->common, COMMON_GF, (uint32_t)(features >> 32));
}

uint16_t virtio_pci_queue_max(struct virtio_pci *p, uint16_t q)
{
    if (q >= rd16(p->common, COMMON_NUMQ))
        return 0;
    wr16(p->common, COMMON_Q_SELECT, q);
    return rd16(p->common, COMMON_Q_SIZE);
}

bool virtio_pci_queue_setup(struct virtio_pci *p, uint16_t q, uint16_t size, uint64_t desc, uint64_t driver,
                            uint64_t device, uint16_t vector)
{
    wr16(p->common, COMMON_Q_SELECT, q);
    wr16(p->common, COMMON_Q_SIZE, size);
    wr64(p->common, COMMON_Q_DESC, desc);
    wr64(p->common, COMMON_Q_DRIVER, driver);
    wr64(p->common, COMMON_Q_DEVICE, device);
    wr16(p->common, COMMON_Q_MSIX, vector);
    if (rd16(p->common, COMMON_Q_MSIX) != vector)   /* the device answers NO_VECTOR when it cannot (4.1.5.1.2) */
        return false;
    wr16(p->common, COMMON_Q_ENABLE, 1);
    return true;
}

volatile uint16_t *virtio_pci_queue_notify_addr(struct virtio_pci *p, uint16_t q)
{
    wr16(p->common, COMMON_Q_SELECT, q);
    return (volatile uint16_t *)(p->notify + (uint32_t)rd16(p->common, COMMON_Q_NOFF) * p->notify_mult);
}

bool virtio_pci_msix_setup(struct virtio_pci *p, unsigned vector, uint64_t addr, uint32_t data)
{
    if (!p->msix || vector >= p->msix_entries)
        return false;
    volatile uint32_t *e = p->msix + 4 * vector;
    e[3] = 1;                      /* masked while it changes */
    e[0] = (uint32_t)addr;
    e[1] = (uint32_t)(addr >> 32);
    e[2] = data;
    e[3] = 0;
    uint16_t ctrl = rd16(p->cfg, p->msix_cap + MSIX_CTRL);
    wr16(p->cfg, p->msix_cap + MSIX_CTRL, (uint16_t)((ctrl | MSIX_CTRL_ENABLE) & ~MSIX_CTRL_MASK));
    wr16(p->common, COMMON_MSIX, (uint16_t)vector);
    return rd16(p->common, COMMON_MSIX) == vector;
}

void virtio_pci_msix_off(struct virtio_pci *p)
{
    if (!p->msix)
        return;
    wr16(p->common, COMMON_MSIX, VIRTIO_MSI_NO_VECTOR);
    uint16_t ctrl = rd16(p->cfg, p->msix_cap + MSIX_CTRL);
    wr16(p->cfg, p->msix_cap + MSIX_CTRL, (uint16_t)(ctrl & ~MSIX_CTRL_ENABLE));
}

uint64_t virtio_pci_device_read(struct virtio_pci *p, unsigned off, unsigned len)
{
    if (!p->device || off + len > p->device_len)
        return 0;
    uint64_t v;
    uint8_t gen;
    do {
        gen = rd8(p->common, COMMON_CFGGEN);
        switch (len) {
        case 1: v = rd8(p->device, off); break;
        case 2: v = rd16(p->device, off); break;
        case 4: v = rd32(p->device, off); break;
        default: v = rd32(p->device, off) | (uint64_t)rd32(p->device, off + 4) << 32; break;
        }
    } while (gen != rd8(p->common, COMMON_CFGGEN));
    return v;
}
