/*
 * The PCI service's portal "pci" (apps/pci) and its client call.
 *
 * The service is the component with `pci_config = true` in system.toml: it
 * holds the whole ECAM and lists every PCI function there once, at start.
 *
 * Protocol: the caller sends w0 = first, the index of the first function it
 * wants (U = 1). The service replies w0 = the number of functions it knows,
 * w1 = n, how many follow (at most PCI_LIST_MAX, none if first is beyond the
 * last), then two words per function, first + 0 .. first + n - 1, in bus,
 * device, function order:
 *   word a: vendor in bits 15:0, device in 31:16, class code (class,
 *           subclass, programming interface) in 55:32, header type in 63:56
 *   word b: bus in bits 15:8, device in 7:3, function in 2:0
 * U = 2 + 2n.
 */
#pragma once
#include <stdint.h>
#include <nova/component.h>

#define PCI_LIST_MAX 64u

struct nova_pci_fn {
    uint8_t  bus, dev, fn, header_type;
    uint16_t vendor, device;
    uint32_t class_code;   /* class << 16 | subclass << 8 | programming interface */
};

/* Ask the "pci" portal at `sel` (from the main EC) for up to `max`
 * functions from index `first` into out; returns how many it wrote, and the
 * number the service knows in *total. -1 if the call failed (*status, if
 * not NULL, says why) or the reply is malformed. */
int nova_pci_list(uint64_t sel, unsigned first, struct nova_pci_fn *out, unsigned max, unsigned *total,
                  enum nova_status *status);

/* The two protocol words of a function, and back (service and client). */
static inline void nova_pci_encode(const struct nova_pci_fn *f, uint64_t *a, uint64_t *b)
{
    *a = f->vendor | (uint64_t)f->device << 16 | (uint64_t)(f->class_code & 0xffffffu) << 32 |
         (uint64_t)f->header_type << 56;
    *b = (uint64_t)f->bus << 8 | (uint64_t)(f->dev & 31u) << 3 | (f->fn & 7u);
}

static inline struct nova_pci_fn nova_pci_decode(uint64_t a, uint64_t b)
{
    return (struct nova_pci_fn){ (uint8_t)(b >> 8), (uint8_t)(b >> 3 & 31u), (uint8_t)(b & 7u), (uint8_t)(a >> 56),
                                 (uint16_t)a, (uint16_t)(a >> 16), (uint32_t)(a >> 32 & 0xffffffu) };
}
