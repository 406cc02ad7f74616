/* Intel VT-d DMA remapping. The register layout and the table formats are
 * Intel's (Intel Virtualization Technology for Directed I/O, Architecture
 * Specification, rev. 3.x: ch. 8 the ACPI DMAR table, ch. 9.1-9.3 root and
 * context entries, 9.8 second-level paging entries, ch. 10.4 the remapping
 * registers), not NOVA's, so they live here and not in spec/.
 *
 * What the kernel does with it (vtd.c): every remapping unit the DMAR table
 * lists gets a root table; a device assigned to a PD (assign_pci) gets a
 * context entry pointing at that PD's second-level page table, which holds
 * exactly the memory delegated to the PD with the D bit, at the PD's own
 * virtual addresses. A device without a context entry cannot do DMA. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

/* Remapping registers (VT-d 10.4), offsets from a unit's register base */
#define VTD_REG_VER     0x00
#define VTD_REG_CAP     0x08
#define VTD_REG_ECAP    0x10
#define VTD_REG_GCMD    0x18
#define VTD_REG_GSTS    0x1c
#define VTD_REG_RTADDR  0x20
#define VTD_REG_CCMD    0x28
#define VTD_REG_FSTS    0x34
#define VTD_REG_FECTL   0x38

/* CAP (10.4.2) */
#define VTD_CAP_ND(c)      ((unsigned)((c) & 7))                /* domain ids: 2^(4 + 2 ND) */
#define VTD_CAP_RWBF       (1ull << 4)
#define VTD_CAP_CM         (1ull << 7)                          /* caching mode */
#define VTD_CAP_SAGAW(c)   ((unsigned)(((c) >> 8) & 0x1f))       /* bit 1: 39-bit 3-level, bit 2: 48-bit 4-level */
#define VTD_CAP_FRO(c)     ((unsigned)(((c) >> 24) & 0x3ff))     /* fault recording offset / 16 */
#define VTD_CAP_NFR(c)     ((unsigned)(((c) >> 40) & 0xff))      /* fault recording registers - 1 */
/* ECAP (10.4.3) */
#define VTD_ECAP_C         (1ull << 0)                          /* page walks snoop: no cache flushes needed */
#define VTD_ECAP_IRO(e)    ((unsigned)(((e) >> 8) & 0x3ff))      /* IOTLB registers offset / 16 */
/* GCMD / GSTS (10.4.4, 10.4.5) */
#define VTD_GCMD_TE        (1u << 31)
#define VTD_GCMD_SRTP      (1u << 30)
#define VTD_GCMD_WBF       (1u << 27)
#define VTD_GSTS_TES       (1u << 31)
#define VTD_GSTS_RTPS      (1u << 30)
#define VTD_GSTS_WBFS      (1u << 27)
/* CCMD (10.4.7): global context-cache invalidation */
#define VTD_CCMD_ICC       (1ull << 63)
#define VTD_CCMD_GLOBAL    (1ull << 61)
/* IOTLB invalidate register (10.4.8.1), at IRO * 16 + 8 */
#define VTD_IOTLB_IVT      (1ull << 63)
#define VTD_IOTLB_GLOBAL   (1ull << 60)
#define VTD_IOTLB_DR       (1ull << 49)
#define VTD_IOTLB_DW       (1ull << 48)
/* FSTS (10.4.9) */
#define VTD_FSTS_PFO       (1u << 0)
#define VTD_FSTS_PPF       (1u << 1)
/* FECTL (10.4.10) */
#define VTD_FECTL_IM       (1u << 31)
/* Fault recording register (10.4.14), 128 bits: the upper half */
#define VTD_FRCD_F         (1ull << 63)
#define VTD_FRCD_T         (1ull << 62)                          /* 1: read, 0: write */
#define VTD_FRCD_SID(h)    ((unsigned)((h) & 0xffff))
#define VTD_FRCD_FR(h)     ((unsigned)(((h) >> 32) & 0xff))

/* Root entry (9.1) and context entry (9.3), 128 bits each */
#define VTD_RE_P           1ull
#define VTD_CE_P           1ull
#define VTD_CE_AW_39       1ull                                  /* in the upper half */
#define VTD_CE_AW_48       2ull
#define VTD_CE_DID(d)      ((uint64_t)(d) << 8)
/* Second-level paging entry (9.8) */
#define VTD_SL_R           (1ull << 0)
#define VTD_SL_W           (1ull << 1)
#define VTD_SL_ADDR        0x000ffffffffff000ull

/* DMAR table (VT-d 8.1, 8.3): what the kernel keeps of it */
#define VTD_MAX_UNITS   8
#define VTD_MAX_SCOPES  16
#define VTD_SCOPE_ENDPOINT  1     /* a PCI endpoint device */
#define VTD_SCOPE_BRIDGE    2     /* a PCI sub-hierarchy */

struct vtd_scope {
    uint8_t type;           /* VTD_SCOPE_* (others are not PCI functions and are ignored) */
    uint8_t bus;            /* start bus */
    uint8_t path_len;       /* (device, function) pairs */
    uint8_t path[4][2];     /* the first four steps of the path */
};

struct dmar_unit {
    uint64_t reg_phys;      /* register base */
    uint16_t segment;
    bool include_all;       /* INCLUDE_PCI_ALL: every device of the segment no other unit lists */
    unsigned scope_count;
    struct vtd_scope scope[VTD_MAX_SCOPES];
};

struct dmar_info {
    unsigned unit_count;
    unsigned units_ignored;     /* beyond VTD_MAX_UNITS */
    uint8_t host_aw;            /* host address width - 1 */
    struct dmar_unit unit[VTD_MAX_UNITS];
};

extern struct dmar_info dmar;

struct pd;

/* Set up every unit and turn translation on (after acpi_init and the frame
 * pool); nothing without a DMAR table. */
void vtd_init(void);
/* Whether DMA remapping is on. */
bool vtd_active(void);
/* Bind PCI function `bdf` (bus << 8 | device << 3 | function) of `segment`
 * to the PD's DMA page table. 0 on success, -1 if no unit covers it, -2 if
 * kernel memory ran out. */
int vtd_assign(struct pd *pd, uint16_t segment, uint16_t bdf);
/* Map or remove one 4 KiB page in the PD's DMA space (rights MAP_R/MAP_W).
 * vtd_map: false when out of memory. vtd_unmap invalidates the IOTLBs
 * before it returns. */
bool vtd_map(struct pd *pd, uint64_t va, uint64_t pa, unsigned rights);
void vtd_unmap(struct pd *pd, uint64_t va);
/* The PD dies: its devices lose their context entries, its tables go. */
void vtd_pd_destroy(struct pd *pd);
/* Report and clear recorded DMA faults on the console. */
void vtd_poll_faults(void);
#ifdef NOVUM_DEBUG
/* For the invariant checker: the first present context entry (bus << 8 |
 * devfn) whose domain id no live PD has (table_of_did gives the DMA table
 * of the PD with that id, 0 if none) or that points elsewhere than that
 * PD's table; -1 if every one is right. */
int vtd_stale_context(uint64_t (*table_of_did)(uint16_t did));
/* The PD's DMA mapping of `va` (rights MAP_R/MAP_W), false if none; and how
 * many pages its DMA space maps. */
bool vtd_translate(const struct pd *pd, uint64_t va, uint64_t *pa, unsigned *rights);
uint64_t vtd_count(const struct pd *pd);
#endif
