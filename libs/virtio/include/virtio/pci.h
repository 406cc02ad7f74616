/* The virtio-over-PCI transport, modern interface (virtio 1.x, 4.1): the
 * vendor-specific capabilities in configuration space name the common,
 * notification, ISR and device-specific structures inside memory BARs; the
 * common structure negotiates features, sets the device status and
 * configures virtqueues. MSI-X (PCI capability 0x11) carries the interrupts. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "hw.h"

/* PCI identity: vendor 0x1af4; a modern-only device has ID 0x1040 + virtio device type (4.1.2.1) */
#define VIRTIO_PCI_VENDOR          0x1af4u
#define VIRTIO_PCI_MODERN_ID(type) (0x1040u + (type))

/* device status bits (2.1) */
#define VIRTIO_STATUS_ACKNOWLEDGE        1u
#define VIRTIO_STATUS_DRIVER             2u
#define VIRTIO_STATUS_DRIVER_OK          4u
#define VIRTIO_STATUS_FEATURES_OK        8u
#define VIRTIO_STATUS_DEVICE_NEEDS_RESET 64u
#define VIRTIO_STATUS_FAILED             128u

/* device-independent feature bits (6) */
#define VIRTIO_F_INDIRECT_DESC   28
#define VIRTIO_F_EVENT_IDX       29
#define VIRTIO_F_VERSION_1       32
#define VIRTIO_F_ACCESS_PLATFORM 33
#define VIRTIO_F_RING_PACKED     34

/* the MSI-X vector value that means none (4.1.4.3) */
#define VIRTIO_MSI_NO_VECTOR 0xffffu

struct virtio_pci {
    volatile uint8_t *common;    /* struct virtio_pci_common_cfg */
    volatile uint8_t *notify;    /* start of the notification structure */
    uint32_t notify_mult;        /* notify_off_multiplier */
    volatile uint8_t *isr;
    volatile uint8_t *device;    /* device-specific configuration */
    uint32_t device_len;
    volatile uint32_t *msix;     /* MSI-X table, NULL if none */
    unsigned msix_cap;           /* offset of the MSI-X capability in configuration space, 0 if none */
    unsigned msix_entries;
    volatile uint8_t *cfg;
};

/* Find the structures and map their BARs; memory decoding and bus mastering
 * on, INTx off. False if a structure the driver needs is missing. */
bool virtio_pci_attach(struct virtio_pci *p, const struct virtio_hw *hw);

uint8_t virtio_pci_status(const struct virtio_pci *p);
void virtio_pci_set_status(struct virtio_pci *p, uint8_t status);
/* write 0 and wait until the device reads back 0 (4.1.4.3.2) */
void virtio_pci_reset(struct virtio_pci *p);
uint64_t virtio_pci_device_features(struct virtio_pci *p);
void virtio_pci_set_driver_features(struct virtio_pci *p, uint64_t features);

/* Queue `q`: its maximum size (0 if there is no such queue) */
uint16_t virtio_pci_queue_max(struct virtio_pci *p, uint16_t q);
/* Configure queue `q` with `size` entries at the given device addresses and
 * MSI-X vector, enable it; false if the device refused the vector */
bool virtio_pci_queue_setup(struct virtio_pci *p, uint16_t q, uint16_t size, uint64_t desc, uint64_t driver,
                            uint64_t device, uint16_t vector);
/* the register whose write notifies queue `q` (4.1.4.4) */
volatile uint16_t *virtio_pci_queue_notify_addr(struct virtio_pci *p, uint16_t q);

/* MSI-X entry `vector` sends (addr, data); MSI-X on. Configuration changes
 * signal `vector` too. False without MSI-X or if the device refuses. */
bool virtio_pci_msix_setup(struct virtio_pci *p, unsigned vector, uint64_t addr, uint32_t data);
void virtio_pci_msix_off(struct virtio_pci *p);

/* A consistent read of `len` (1, 2, 4, 8) bytes at `off` in the
 * device-specific configuration (the generation counter guards 8-byte
 * fields read as two halves, 4.1.4.3.1) */
uint64_t virtio_pci_device_read(struct virtio_pci *p, unsigned off, unsigned len);
