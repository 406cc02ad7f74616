/*
 * The boot plan: what the root server builds, as written by tools/compose.
 *
 * The plan arrives as boot module 1 (module 0 is the root server; component i
 * is module 2 + i; a VM's kernel and initrd follow, the VM record names
 * them). It is little-endian, starts with struct nvpl_header, and
 * holds eleven arrays of fixed-size records, each starting at a multiple of 8
 * bytes. Indices between records are array indices. docs/system-toml.md
 * describes the layout; tools/compose/plan.py writes it. Change all three
 * together and bump NVPL_VERSION.
 *
 * Freestanding C11: needs <stdint.h> only. Call nvpl_check() on the module
 * before trusting any field.
 */
#ifndef NOVUM_BOOT_PLAN_H
#define NOVUM_BOOT_PLAN_H

#include <stdint.h>

#define NVPL_MAGIC        0x4c50564eu /* "NVPL" */
#define NVPL_VERSION      4u
#define NVPL_NAME_SIZE    32u         /* names are NUL-terminated, at most 31 chars */
#define NVPL_ALIGN        8u          /* every array offset is a multiple of this */
#define NVPL_FIRST_MODULE 2u          /* boot module of component 0 */
#define NVPL_CMDLINE_SIZE 2048u       /* a VM's command line, NUL-terminated */

#define NVPL_OFFSETOF(type, member) __builtin_offsetof(type, member)

struct nvpl_array {
    uint32_t offset;        /* from the start of the plan */
    uint32_t count;         /* records in the array */
};

struct nvpl_header {
    uint32_t magic;         /* NVPL_MAGIC */
    uint32_t version;       /* NVPL_VERSION */
    uint32_t total_size;    /* bytes in the plan, header included */
    uint32_t checksum;      /* CRC-32 (IEEE) of total_size bytes, this field read as 0 */
    struct nvpl_array components;   /* struct nvpl_component */
    struct nvpl_array regions;      /* struct nvpl_region */
    struct nvpl_array mappings;     /* struct nvpl_mapping, grouped by component */
    struct nvpl_array io_ranges;    /* struct nvpl_io_range, grouped by component */
    struct nvpl_array gsis;         /* struct nvpl_gsi, grouped by component */
    struct nvpl_array pci;          /* struct nvpl_pci, grouped by component */
    struct nvpl_array portals;      /* struct nvpl_portal, grouped by offering component */
    struct nvpl_array uses;         /* struct nvpl_use, grouped by component */
    struct nvpl_array vms;          /* struct nvpl_vm, in component order */
    struct nvpl_array vcpus;        /* struct nvpl_vcpu, grouped by VM */
    struct nvpl_array mmio;         /* struct nvpl_mmio, grouped by component */
};

/* nvpl_component.flags */
#define NVPL_FLAG_IOMMU_OPTIONAL 1u   /* iommu = "optional": PCI grants without an IOMMU */
#define NVPL_FLAG_PCI_CONFIG     2u   /* pci_config = true: the whole ECAM */

/* One protection domain to create. The *_first / *_count pairs select the
   component's records in the arrays named in the header. */
struct nvpl_component {
    char     name[NVPL_NAME_SIZE];
    uint32_t module;        /* boot module holding its ELF: NVPL_FIRST_MODULE + index */
    uint32_t priority;      /* 1..255 */
    uint32_t quantum_us;    /* > 0 */
    uint32_t cpu;
    uint64_t stack_size;    /* bytes, multiple of 4096, > 0 */
    uint64_t heap_size;     /* bytes, multiple of 4096 */
    uint32_t map_first, map_count;          /* mappings */
    uint32_t io_first, io_count;            /* io_ranges */
    uint32_t gsi_first, gsi_count;          /* gsis */
    uint32_t pci_first, pci_count;          /* pci */
    uint32_t portal_first, portal_count;    /* portals it offers */
    uint32_t use_first, use_count;          /* uses */
    uint32_t mmio_first, mmio_count;        /* mmio */
    uint64_t dma_size;      /* bytes of DMA memory, a multiple of 4096; 0: none */
    uint32_t flags;         /* NVPL_FLAG_* */
    uint32_t restart_max;   /* restarts after a crash; 0: it stays dead */
};

/* Shared memory: allocated once, mapped as the mappings say. */
struct nvpl_region {
    char     name[NVPL_NAME_SIZE];
    uint64_t size;          /* bytes, multiple of 4096 */
};

struct nvpl_mapping {
    uint32_t region;        /* index into regions */
    uint32_t component;     /* index into components */
    uint64_t address;       /* page aligned; address + size <= 0x00007fffffff0000 */
    uint32_t writable;      /* 1: read-write, 0: read-only */
    uint32_t reserved;      /* 0 */
};

/* I/O ports [base, base + count), exclusively the component's. */
struct nvpl_io_range {
    uint32_t component;
    uint32_t base;
    uint32_t count;         /* base + count <= 0x10000 */
};

struct nvpl_gsi {
    uint32_t component;
    uint32_t gsi;
};

/* A PCI function: by address (by_id 0: bus, dev, fn; the rest 0) or the
   index-th function (in bus, device, function order) with vendor and device
   (by_id 1: bus, dev, fn 0). */
struct nvpl_pci {
    uint32_t component;
    uint8_t  bus, dev, fn;  /* dev <= 31, fn <= 7 */
    uint8_t  by_id;         /* 0 or 1 */
    uint16_t vendor, device;
    uint32_t index;
};

/* Device memory [base, base + size), page aligned, exclusively the component's. */
struct nvpl_mmio {
    uint32_t component;
    uint32_t reserved;      /* 0 */
    uint64_t base;
    uint64_t size;
};

/* A portal the offering component serves; its id is its index. */
struct nvpl_portal {
    char     name[NVPL_NAME_SIZE];
    uint32_t component;     /* the offering component */
    uint32_t id;            /* == index in portals */
};

/* A portal a component calls. */
struct nvpl_use {
    uint32_t component;
    uint32_t portal;        /* index into portals */
};

/* A virtual machine run by its component (the VMM): at most one per
   component. Modules are boot module indices; initrd_module 0 means none. */
struct nvpl_vm {
    uint32_t component;     /* index into components: the VMM */
    uint32_t kernel_module; /* boot module of the guest kernel */
    uint64_t memory_size;   /* guest RAM in bytes: a power of two, >= 16 MiB */
    uint32_t initrd_module; /* boot module of the initrd, 0 if none */
    uint32_t console_use;   /* the guest console: k-th entry of the component's uses */
    uint32_t vcpu_first, vcpu_count;        /* vcpus */
    uint32_t cmdline_size;  /* bytes before the NUL, < NVPL_CMDLINE_SIZE */
    uint32_t reserved;      /* 0 */
    char     cmdline[NVPL_CMDLINE_SIZE];
};

/* One vCPU of a VM and the host CPU it runs on. */
struct nvpl_vcpu {
    uint32_t vm;            /* index into vms */
    uint32_t cpu;           /* host CPU */
};

_Static_assert(sizeof(struct nvpl_array) == 8, "nvpl_array size");
_Static_assert(NVPL_OFFSETOF(struct nvpl_array, offset) == 0, "nvpl_array.offset");
_Static_assert(NVPL_OFFSETOF(struct nvpl_array, count) == 4, "nvpl_array.count");

_Static_assert(sizeof(struct nvpl_header) == 104, "nvpl_header size");
_Static_assert(NVPL_OFFSETOF(struct nvpl_header, magic) == 0, "nvpl_header.magic");
_Static_assert(NVPL_OFFSETOF(struct nvpl_header, version) == 4, "nvpl_header.version");
_Static_assert(NVPL_OFFSETOF(struct nvpl_header, total_size) == 8, "nvpl_header.total_size");
_Static_assert(NVPL_OFFSETOF(struct nvpl_header, checksum) == 12, "nvpl_header.checksum");
_Static_assert(NVPL_OFFSETOF(struct nvpl_header, components) == 16, "nvpl_header.components");
_Static_assert(NVPL_OFFSETOF(struct nvpl_header, regions) == 24, "nvpl_header.regions");
_Static_assert(NVPL_OFFSETOF(struct nvpl_header, mappings) == 32, "nvpl_header.mappings");
_Static_assert(NVPL_OFFSETOF(struct nvpl_header, io_ranges) == 40, "nvpl_header.io_ranges");
_Static_assert(NVPL_OFFSETOF(struct nvpl_header, gsis) == 48, "nvpl_header.gsis");
_Static_assert(NVPL_OFFSETOF(struct nvpl_header, pci) == 56, "nvpl_header.pci");
_Static_assert(NVPL_OFFSETOF(struct nvpl_header, portals) == 64, "nvpl_header.portals");
_Static_assert(NVPL_OFFSETOF(struct nvpl_header, uses) == 72, "nvpl_header.uses");
_Static_assert(NVPL_OFFSETOF(struct nvpl_header, vms) == 80, "nvpl_header.vms");
_Static_assert(NVPL_OFFSETOF(struct nvpl_header, vcpus) == 88, "nvpl_header.vcpus");
_Static_assert(NVPL_OFFSETOF(struct nvpl_header, mmio) == 96, "nvpl_header.mmio");

_Static_assert(sizeof(struct nvpl_component) == 136, "nvpl_component size");
_Static_assert(NVPL_OFFSETOF(struct nvpl_component, name) == 0, "nvpl_component.name");
_Static_assert(NVPL_OFFSETOF(struct nvpl_component, module) == 32, "nvpl_component.module");
_Static_assert(NVPL_OFFSETOF(struct nvpl_component, priority) == 36, "nvpl_component.priority");
_Static_assert(NVPL_OFFSETOF(struct nvpl_component, quantum_us) == 40, "nvpl_component.quantum_us");
_Static_assert(NVPL_OFFSETOF(struct nvpl_component, cpu) == 44, "nvpl_component.cpu");
_Static_assert(NVPL_OFFSETOF(struct nvpl_component, stack_size) == 48, "nvpl_component.stack_size");
_Static_assert(NVPL_OFFSETOF(struct nvpl_component, heap_size) == 56, "nvpl_component.heap_size");
_Static_assert(NVPL_OFFSETOF(struct nvpl_component, map_first) == 64, "nvpl_component.map_first");
_Static_assert(NVPL_OFFSETOF(struct nvpl_component, map_count) == 68, "nvpl_component.map_count");
_Static_assert(NVPL_OFFSETOF(struct nvpl_component, io_first) == 72, "nvpl_component.io_first");
_Static_assert(NVPL_OFFSETOF(struct nvpl_component, io_count) == 76, "nvpl_component.io_count");
_Static_assert(NVPL_OFFSETOF(struct nvpl_component, gsi_first) == 80, "nvpl_component.gsi_first");
_Static_assert(NVPL_OFFSETOF(struct nvpl_component, gsi_count) == 84, "nvpl_component.gsi_count");
_Static_assert(NVPL_OFFSETOF(struct nvpl_component, pci_first) == 88, "nvpl_component.pci_first");
_Static_assert(NVPL_OFFSETOF(struct nvpl_component, pci_count) == 92, "nvpl_component.pci_count");
_Static_assert(NVPL_OFFSETOF(struct nvpl_component, portal_first) == 96, "nvpl_component.portal_first");
_Static_assert(NVPL_OFFSETOF(struct nvpl_component, portal_count) == 100, "nvpl_component.portal_count");
_Static_assert(NVPL_OFFSETOF(struct nvpl_component, use_first) == 104, "nvpl_component.use_first");
_Static_assert(NVPL_OFFSETOF(struct nvpl_component, use_count) == 108, "nvpl_component.use_count");
_Static_assert(NVPL_OFFSETOF(struct nvpl_component, mmio_first) == 112, "nvpl_component.mmio_first");
_Static_assert(NVPL_OFFSETOF(struct nvpl_component, mmio_count) == 116, "nvpl_component.mmio_count");
_Static_assert(NVPL_OFFSETOF(struct nvpl_component, dma_size) == 120, "nvpl_component.dma_size");
_Static_assert(NVPL_OFFSETOF(struct nvpl_component, flags) == 128, "nvpl_component.flags");
_Static_assert(NVPL_OFFSETOF(struct nvpl_component, restart_max) == 132, "nvpl_component.restart_max");

_Static_assert(sizeof(struct nvpl_region) == 40, "nvpl_region size");
_Static_assert(NVPL_OFFSETOF(struct nvpl_region, name) == 0, "nvpl_region.name");
_Static_assert(NVPL_OFFSETOF(struct nvpl_region, size) == 32, "nvpl_region.size");

_Static_assert(sizeof(struct nvpl_mapping) == 24, "nvpl_mapping size");
_Static_assert(NVPL_OFFSETOF(struct nvpl_mapping, region) == 0, "nvpl_mapping.region");
_Static_assert(NVPL_OFFSETOF(struct nvpl_mapping, component) == 4, "nvpl_mapping.component");
_Static_assert(NVPL_OFFSETOF(struct nvpl_mapping, address) == 8, "nvpl_mapping.address");
_Static_assert(NVPL_OFFSETOF(struct nvpl_mapping, writable) == 16, "nvpl_mapping.writable");
_Static_assert(NVPL_OFFSETOF(struct nvpl_mapping, reserved) == 20, "nvpl_mapping.reserved");

_Static_assert(sizeof(struct nvpl_io_range) == 12, "nvpl_io_range size");
_Static_assert(NVPL_OFFSETOF(struct nvpl_io_range, component) == 0, "nvpl_io_range.component");
_Static_assert(NVPL_OFFSETOF(struct nvpl_io_range, base) == 4, "nvpl_io_range.base");
_Static_assert(NVPL_OFFSETOF(struct nvpl_io_range, count) == 8, "nvpl_io_range.count");

_Static_assert(sizeof(struct nvpl_gsi) == 8, "nvpl_gsi size");
_Static_assert(NVPL_OFFSETOF(struct nvpl_gsi, component) == 0, "nvpl_gsi.component");
_Static_assert(NVPL_OFFSETOF(struct nvpl_gsi, gsi) == 4, "nvpl_gsi.gsi");

_Static_assert(sizeof(struct nvpl_pci) == 16, "nvpl_pci size");
_Static_assert(NVPL_OFFSETOF(struct nvpl_pci, component) == 0, "nvpl_pci.component");
_Static_assert(NVPL_OFFSETOF(struct nvpl_pci, bus) == 4, "nvpl_pci.bus");
_Static_assert(NVPL_OFFSETOF(struct nvpl_pci, dev) == 5, "nvpl_pci.dev");
_Static_assert(NVPL_OFFSETOF(struct nvpl_pci, fn) == 6, "nvpl_pci.fn");
_Static_assert(NVPL_OFFSETOF(struct nvpl_pci, by_id) == 7, "nvpl_pci.by_id");
_Static_assert(NVPL_OFFSETOF(struct nvpl_pci, vendor) == 8, "nvpl_pci.vendor");
_Static_assert(NVPL_OFFSETOF(struct nvpl_pci, device) == 10, "nvpl_pci.device");
_Static_assert(NVPL_OFFSETOF(struct nvpl_pci, index) == 12, "nvpl_pci.index");

_Static_assert(sizeof(struct nvpl_mmio) == 24, "nvpl_mmio size");
_Static_assert(NVPL_OFFSETOF(struct nvpl_mmio, component) == 0, "nvpl_mmio.component");
_Static_assert(NVPL_OFFSETOF(struct nvpl_mmio, reserved) == 4, "nvpl_mmio.reserved");
_Static_assert(NVPL_OFFSETOF(struct nvpl_mmio, base) == 8, "nvpl_mmio.base");
_Static_assert(NVPL_OFFSETOF(struct nvpl_mmio, size) == 16, "nvpl_mmio.size");

_Static_assert(sizeof(struct nvpl_portal) == 40, "nvpl_portal size");
_Static_assert(NVPL_OFFSETOF(struct nvpl_portal, name) == 0, "nvpl_portal.name");
_Static_assert(NVPL_OFFSETOF(struct nvpl_portal, component) == 32, "nvpl_portal.component");
_Static_assert(NVPL_OFFSETOF(struct nvpl_portal, id) == 36, "nvpl_portal.id");

_Static_assert(sizeof(struct nvpl_use) == 8, "nvpl_use size");
_Static_assert(NVPL_OFFSETOF(struct nvpl_use, component) == 0, "nvpl_use.component");
_Static_assert(NVPL_OFFSETOF(struct nvpl_use, portal) == 4, "nvpl_use.portal");

_Static_assert(sizeof(struct nvpl_vm) == 2088, "nvpl_vm size");
_Static_assert(NVPL_OFFSETOF(struct nvpl_vm, component) == 0, "nvpl_vm.component");
_Static_assert(NVPL_OFFSETOF(struct nvpl_vm, kernel_module) == 4, "nvpl_vm.kernel_module");
_Static_assert(NVPL_OFFSETOF(struct nvpl_vm, memory_size) == 8, "nvpl_vm.memory_size");
_Static_assert(NVPL_OFFSETOF(struct nvpl_vm, initrd_module) == 16, "nvpl_vm.initrd_module");
_Static_assert(NVPL_OFFSETOF(struct nvpl_vm, console_use) == 20, "nvpl_vm.console_use");
_Static_assert(NVPL_OFFSETOF(struct nvpl_vm, vcpu_first) == 24, "nvpl_vm.vcpu_first");
_Static_assert(NVPL_OFFSETOF(struct nvpl_vm, vcpu_count) == 28, "nvpl_vm.vcpu_count");
_Static_assert(NVPL_OFFSETOF(struct nvpl_vm, cmdline_size) == 32, "nvpl_vm.cmdline_size");
_Static_assert(NVPL_OFFSETOF(struct nvpl_vm, reserved) == 36, "nvpl_vm.reserved");
_Static_assert(NVPL_OFFSETOF(struct nvpl_vm, cmdline) == 40, "nvpl_vm.cmdline");

_Static_assert(sizeof(struct nvpl_vcpu) == 8, "nvpl_vcpu size");
_Static_assert(NVPL_OFFSETOF(struct nvpl_vcpu, vm) == 0, "nvpl_vcpu.vm");
_Static_assert(NVPL_OFFSETOF(struct nvpl_vcpu, cpu) == 4, "nvpl_vcpu.cpu");

/* --- accessors, valid only after nvpl_check() returned 0 --------------------- */

#define NVPL_ARRAY(plan, member, type) \
    ((const type *)((const uint8_t *)(plan) + (plan)->member.offset))

static inline const struct nvpl_component *nvpl_components(const struct nvpl_header *p)
{ return NVPL_ARRAY(p, components, struct nvpl_component); }
static inline const struct nvpl_region *nvpl_regions(const struct nvpl_header *p)
{ return NVPL_ARRAY(p, regions, struct nvpl_region); }
static inline const struct nvpl_mapping *nvpl_mappings(const struct nvpl_header *p)
{ return NVPL_ARRAY(p, mappings, struct nvpl_mapping); }
static inline const struct nvpl_io_range *nvpl_io_ranges(const struct nvpl_header *p)
{ return NVPL_ARRAY(p, io_ranges, struct nvpl_io_range); }
static inline const struct nvpl_gsi *nvpl_gsis(const struct nvpl_header *p)
{ return NVPL_ARRAY(p, gsis, struct nvpl_gsi); }
static inline const struct nvpl_pci *nvpl_pcis(const struct nvpl_header *p)
{ return NVPL_ARRAY(p, pci, struct nvpl_pci); }
static inline const struct nvpl_portal *nvpl_portals(const struct nvpl_header *p)
{ return NVPL_ARRAY(p, portals, struct nvpl_portal); }
static inline const struct nvpl_use *nvpl_uses(const struct nvpl_header *p)
{ return NVPL_ARRAY(p, uses, struct nvpl_use); }
static inline const struct nvpl_vm *nvpl_vms(const struct nvpl_header *p)
{ return NVPL_ARRAY(p, vms, struct nvpl_vm); }
static inline const struct nvpl_vcpu *nvpl_vcpus(const struct nvpl_header *p)
{ return NVPL_ARRAY(p, vcpus, struct nvpl_vcpu); }
static inline const struct nvpl_mmio *nvpl_mmios(const struct nvpl_header *p)
{ return NVPL_ARRAY(p, mmio, struct nvpl_mmio); }

/* The VM that component `i` runs, or 0. */
static inline const struct nvpl_vm *nvpl_vm_of(const struct nvpl_header *p, uint32_t i)
{
    for (uint32_t v = 0; v < p->vms.count; v++)
        if (nvpl_vms(p)[v].component == i)
            return &nvpl_vms(p)[v];
    return 0;
}

/* --- validation ------------------------------------------------------------- */

/* CRC-32 (IEEE 802.3, as zlib's crc32) of the plan, its checksum field read as 0. */
static inline uint32_t nvpl_checksum(const uint8_t *plan, uint32_t size)
{
    uint32_t crc = 0xffffffffu;
    for (uint32_t i = 0; i < size; i++) {
        uint8_t byte = (i >= NVPL_OFFSETOF(struct nvpl_header, checksum) &&
                        i < NVPL_OFFSETOF(struct nvpl_header, checksum) + 4) ? 0 : plan[i];
        crc ^= byte;
        for (int bit = 0; bit < 8; bit++)
            crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
    }
    return ~crc;
}

static inline int nvpl_array_ok(const struct nvpl_header *p, struct nvpl_array a,
                                uint32_t record_size)
{
    return a.offset % NVPL_ALIGN == 0 && a.offset >= sizeof *p &&
           (uint64_t)a.offset + (uint64_t)a.count * record_size <= p->total_size;
}

static inline int nvpl_slice_ok(uint32_t first, uint32_t count, uint32_t total)
{
    return (uint64_t)first + count <= total;
}

static inline int nvpl_name_ok(const char *name)
{
    return name[NVPL_NAME_SIZE - 1] == '\0';
}

/*
 * Check a plan module of `size` bytes at a 8-byte aligned address: header,
 * checksum, array bounds and every index. Returns 0 if the plan can be
 * trusted, else a short reason to print.
 */
static inline const char *nvpl_check(const void *module, uint64_t size)
{
    const struct nvpl_header *p = (const struct nvpl_header *)module;
    if ((uintptr_t)module % NVPL_ALIGN)
        return "plan is misaligned";
    if (size < sizeof *p)
        return "plan shorter than its header";
    if (p->magic != NVPL_MAGIC)
        return "bad magic";
    if (p->version != NVPL_VERSION)
        return "unknown plan version";
    if (p->total_size < sizeof *p || p->total_size > size)
        return "bad total size";
    if (nvpl_checksum((const uint8_t *)module, p->total_size) != p->checksum)
        return "checksum mismatch";
    if (!nvpl_array_ok(p, p->components, sizeof(struct nvpl_component)) ||
        !nvpl_array_ok(p, p->regions, sizeof(struct nvpl_region)) ||
        !nvpl_array_ok(p, p->mappings, sizeof(struct nvpl_mapping)) ||
        !nvpl_array_ok(p, p->io_ranges, sizeof(struct nvpl_io_range)) ||
        !nvpl_array_ok(p, p->gsis, sizeof(struct nvpl_gsi)) ||
        !nvpl_array_ok(p, p->pci, sizeof(struct nvpl_pci)) ||
        !nvpl_array_ok(p, p->portals, sizeof(struct nvpl_portal)) ||
        !nvpl_array_ok(p, p->uses, sizeof(struct nvpl_use)) ||
        !nvpl_array_ok(p, p->vms, sizeof(struct nvpl_vm)) ||
        !nvpl_array_ok(p, p->vcpus, sizeof(struct nvpl_vcpu)) ||
        !nvpl_array_ok(p, p->mmio, sizeof(struct nvpl_mmio)))
        return "array outside the plan";

    uint32_t ncomp = p->components.count;
    for (uint32_t i = 0; i < ncomp; i++) {
        const struct nvpl_component *c = &nvpl_components(p)[i];
        if (!nvpl_name_ok(c->name))
            return "component name not terminated";
        if (!nvpl_slice_ok(c->map_first, c->map_count, p->mappings.count) ||
            !nvpl_slice_ok(c->io_first, c->io_count, p->io_ranges.count) ||
            !nvpl_slice_ok(c->gsi_first, c->gsi_count, p->gsis.count) ||
            !nvpl_slice_ok(c->pci_first, c->pci_count, p->pci.count) ||
            !nvpl_slice_ok(c->portal_first, c->portal_count, p->portals.count) ||
            !nvpl_slice_ok(c->use_first, c->use_count, p->uses.count) ||
            !nvpl_slice_ok(c->mmio_first, c->mmio_count, p->mmio.count))
            return "component records outside their arrays";
    }
    for (uint32_t i = 0; i < p->regions.count; i++)
        if (!nvpl_name_ok(nvpl_regions(p)[i].name))
            return "region name not terminated";
    for (uint32_t i = 0; i < p->mappings.count; i++)
        if (nvpl_mappings(p)[i].component >= ncomp ||
            nvpl_mappings(p)[i].region >= p->regions.count)
            return "mapping index out of range";
    for (uint32_t i = 0; i < p->io_ranges.count; i++)
        if (nvpl_io_ranges(p)[i].component >= ncomp)
            return "I/O range index out of range";
    for (uint32_t i = 0; i < p->gsis.count; i++)
        if (nvpl_gsis(p)[i].component >= ncomp)
            return "GSI index out of range";
    for (uint32_t i = 0; i < p->pci.count; i++)
        if (nvpl_pcis(p)[i].component >= ncomp || nvpl_pcis(p)[i].by_id > 1 || nvpl_pcis(p)[i].dev > 31 ||
            nvpl_pcis(p)[i].fn > 7)
            return "bad PCI record";
    for (uint32_t i = 0; i < p->mmio.count; i++)
        if (nvpl_mmios(p)[i].component >= ncomp || (nvpl_mmios(p)[i].base | nvpl_mmios(p)[i].size) % 4096 ||
            !nvpl_mmios(p)[i].size || nvpl_mmios(p)[i].base + nvpl_mmios(p)[i].size < nvpl_mmios(p)[i].base)
            return "bad MMIO record";
    for (uint32_t i = 0; i < p->portals.count; i++)
        if (!nvpl_name_ok(nvpl_portals(p)[i].name) || nvpl_portals(p)[i].component >= ncomp ||
            nvpl_portals(p)[i].id != i)
            return "bad portal record";
    for (uint32_t i = 0; i < p->uses.count; i++)
        if (nvpl_uses(p)[i].component >= ncomp || nvpl_uses(p)[i].portal >= p->portals.count)
            return "portal use index out of range";
    for (uint32_t v = 0; v < p->vms.count; v++) {
        const struct nvpl_vm *vm = &nvpl_vms(p)[v];
        if (vm->component >= ncomp || (v && vm->component <= nvpl_vms(p)[v - 1].component))
            return "VM component out of range or out of order";
        if (vm->kernel_module < NVPL_FIRST_MODULE + ncomp ||
            (vm->initrd_module && vm->initrd_module < NVPL_FIRST_MODULE + ncomp))
            return "VM module index out of range";
        if (vm->memory_size < (16ull << 20) || (vm->memory_size & (vm->memory_size - 1)))
            return "VM memory size not a power of two of at least 16 MiB";
        if (vm->console_use >= nvpl_components(p)[vm->component].use_count)
            return "VM console is no portal use of its component";
        if (!vm->vcpu_count || !nvpl_slice_ok(vm->vcpu_first, vm->vcpu_count, p->vcpus.count))
            return "VM vCPUs outside their array";
        if (vm->cmdline_size >= NVPL_CMDLINE_SIZE || vm->cmdline[vm->cmdline_size] != '\0')
            return "VM command line not terminated";
    }
    for (uint32_t i = 0; i < p->vcpus.count; i++)
        if (nvpl_vcpus(p)[i].vm >= p->vms.count)
            return "vCPU index out of range";
    return 0;
}

#endif /* NOVUM_BOOT_PLAN_H */
