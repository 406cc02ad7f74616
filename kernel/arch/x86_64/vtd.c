/* Intel VT-d DMA remapping (arch/vtd.h has the formats and what the kernel
 * does with them). Each unit of the DMAR table gets a root table and, per
 * bus with an assigned device, a context table; each PD that holds memory
 * delegated with the D bit, or has a device, gets one second-level page
 * table and a domain id, shared by every unit. Translation is turned on only
 * when there is a unit, and then a device without a context entry has no
 * DMA at all (its accesses fault). Invalidation uses the register
 * interface, globally, and waits for completion, so an unmapped page is
 * unreachable when vtd_unmap returns. */
#include <arch/acpi.h>
#include <arch/memlayout.h>
#include <arch/paging.h>
#include <arch/vtd.h>
#include "console.h"
#include "frame.h"
#include "pd.h"

struct dmar_info dmar;

static struct unit {
    const struct dmar_unit *d;   /* what the DMAR table says of it */
    volatile uint8_t *reg;
    uint64_t cap, ecap;
    uint64_t root;          /* root table, physical */
    unsigned levels;        /* 3 (39-bit) or 4 (48-bit) */
} unit[VTD_MAX_UNITS];
static unsigned units;
static bool coherent = true;        /* every unit snoops its table walks */
static bool caching_mode;           /* some unit caches not-present entries */
static unsigned did_limit = 256;    /* domain ids all units support */
static uint64_t did_used[4] = { 1 };   /* id 0 is never used (reserved under caching mode) */

static uint32_t rd32(const struct unit *u, unsigned off) { return *(volatile uint32_t *)(u->reg + off); }
static uint64_t rd64(const struct unit *u, unsigned off) { return *(volatile uint64_t *)(u->reg + off); }
static void wr32(const struct unit *u, unsigned off, uint32_t v) { *(volatile uint32_t *)(u->reg + off) = v; }
static void wr64(const struct unit *u, unsigned off, uint64_t v) { *(volatile uint64_t *)(u->reg + off) = v; }

bool vtd_active(void) { return units != 0; }

/* Table memory the hardware reads: written back when its walks do not snoop */
static void flush(const void *p, uint64_t size)
{
    if (coherent)
        return;
    for (uintptr_t a = (uintptr_t)p & ~63ul; a < (uintptr_t)p + size; a += 64)
        __asm__ volatile("clflush (%0)" ::"r"(a) : "memory");
    __asm__ volatile("mfence" ::: "memory");
}

/* A command of GCMD whose status GSTS reports: the persistent bits are kept
 * (10.4.4: software writes the status of the others back). */
static void gcmd(const struct unit *u, uint32_t cmd, bool on)
{
    uint32_t sts = rd32(u, VTD_REG_GSTS) & (VTD_GSTS_TES);   /* the one persistent bit the kernel sets */
    wr32(u, VTD_REG_GCMD, on ? sts | cmd : sts & ~cmd);
    for (unsigned i = 0; i < 10000000; i++)
        if (!!(rd32(u, VTD_REG_GSTS) & cmd) == on)
            return;
    panic("VT-d unit at 0x%lx ignores command 0x%x", (unsigned long)u->d->reg_phys, cmd);
}

/* A zeroed frame for a table the hardware walks; 0 when out of memory */
static uint64_t table_alloc(void)
{
    uint64_t pa = frame_alloc();
    if (pa)
        flush(phys_to_virt(pa), PAGE_SIZE);
    return pa;
}

static void invalidate(const struct unit *u, bool context)
{
    if (context) {
        wr64(u, VTD_REG_CCMD, VTD_CCMD_ICC | VTD_CCMD_GLOBAL);
        while (rd64(u, VTD_REG_CCMD) & VTD_CCMD_ICC)
            ;
    }
    unsigned iotlb = VTD_ECAP_IRO(u->ecap) * 16 + 8;
    wr64(u, iotlb, VTD_IOTLB_IVT | VTD_IOTLB_GLOBAL | VTD_IOTLB_DR | VTD_IOTLB_DW);
    while (rd64(u, iotlb) & VTD_IOTLB_IVT)
        ;
}

static void invalidate_all(bool context)
{
    for (unsigned i = 0; i < units; i++)
        invalidate(&unit[i], context);
}

void vtd_init(void)
{
    for (unsigned i = 0; i < dmar.unit_count; i++) {
        struct unit *u = &unit[units];
        u->d = &dmar.unit[i];
        u->reg = mmio_map(dmar.unit[i].reg_phys, PAGE_SIZE);
        u->cap = rd64(u, VTD_REG_CAP);
        u->ecap = rd64(u, VTD_REG_ECAP);
        unsigned sagaw = VTD_CAP_SAGAW(u->cap);
        u->levels = sagaw & 4 ? 4 : sagaw & 2 ? 3 : 0;
        if (!u->levels || dmar.unit[i].segment != 0 || !(u->root = table_alloc())) {
            kprintf("novum: VT-d unit at 0x%lx unusable (SAGAW 0x%x, segment %u): ignored\n",
                    (unsigned long)dmar.unit[i].reg_phys, sagaw, dmar.unit[i].segment);
            continue;
        }
        coherent = coherent && (u->ecap & VTD_ECAP_C);
        caching_mode = caching_mode || (u->cap & VTD_CAP_CM);
        unsigned nd = 1u << (4 + 2 * VTD_CAP_ND(u->cap));
        if (nd < did_limit)
            did_limit = nd;
        units++;
    }
    for (unsigned i = 0; i < units; i++) {
        struct unit *u = &unit[i];
        if (u->cap & VTD_CAP_RWBF) {
            wr32(u, VTD_REG_GCMD, (rd32(u, VTD_REG_GSTS) & VTD_GSTS_TES) | VTD_GCMD_WBF);
            while (rd32(u, VTD_REG_GSTS) & VTD_GSTS_WBFS)
                ;
        }
        wr32(u, VTD_REG_FECTL, VTD_FECTL_IM);   /* faults are polled (vtd_poll_faults) */
        flush(phys_to_virt(u->root), PAGE_SIZE);   /* made before `coherent` was known */
        wr64(u, VTD_REG_RTADDR, u->root);       /* legacy root table format */
        gcmd(u, VTD_GCMD_SRTP, true);
        invalidate(u, true);
        gcmd(u, VTD_GCMD_TE, true);
        kprintf("novum: VT-d unit %u at 0x%lx: %u-level tables, %u device scopes%s, DMA remapping on\n", i,
                (unsigned long)u->d->reg_phys, u->levels, u->d->scope_count, u->d->include_all ? ", all others" : "");
    }
}

/* ---- PCI configuration space (segment 0, through the MCFG's ECAM) ---- */

static uint32_t cfg_read(unsigned bus, unsigned devfn, unsigned off)
{
    if (!platform.mcfg_phys || bus < platform.mcfg_bus_start || bus > platform.mcfg_bus_end)
        return ~0u;
    return *(volatile uint32_t *)mmio_window(platform.mcfg_phys + ((uint64_t)bus << 20) + ((uint64_t)devfn << 12) + off);
}

/* The function a scope's path ends at (bus << 8 | devfn); -1 if a bridge
 * on the way is absent. */
static int scope_target(const struct vtd_scope *s)
{
    unsigned bus = s->bus;
    for (unsigned i = 0; i < s->path_len; i++) {
        unsigned devfn = (unsigned)s->path[i][0] << 3 | (s->path[i][1] & 7);
        if (i + 1 == s->path_len)
            return (int)(bus << 8 | devfn);
        uint32_t buses = cfg_read(bus, devfn, 0x18);   /* primary, secondary, subordinate */
        if (buses == ~0u)
            return -1;
        bus = (buses >> 8) & 0xff;
    }
    return -1;
}

/* The unit that remaps function `bdf` of segment 0: one whose scope lists
 * it (or a bridge above it), else the INCLUDE_PCI_ALL unit. */
static struct unit *unit_of(uint16_t bdf)
{
    struct unit *all = 0;
    for (unsigned i = 0; i < units; i++) {
        struct unit *u = &unit[i];
        const struct dmar_unit *d = u->d;
        if (d->include_all && !all)
            all = u;
        for (unsigned s = 0; s < d->scope_count; s++) {
            int t = scope_target(&d->scope[s]);
            if (t < 0)
                continue;
            if (t == bdf)
                return u;
            if (d->scope[s].type == VTD_SCOPE_BRIDGE) {
                uint32_t buses = cfg_read((unsigned)t >> 8, (unsigned)t & 0xff, 0x18);
                unsigned sec = (buses >> 8) & 0xff, sub = (buses >> 16) & 0xff;
                if (buses != ~0u && (bdf >> 8) >= sec && (bdf >> 8) <= sub)
                    return u;
            }
        }
    }
    return all;
}

/* ---- second-level page tables ---- */

/* The entry for `va` in the 4-level table at `root` (level 0: the 4 KiB
 * entry), making tables on the way if `make`; 0 if absent or out of memory. */
static uint64_t *sl_walk(uint64_t root, uint64_t va, unsigned level, bool make)
{
    uint64_t *t = phys_to_virt(root);
    for (unsigned l = 3; l > level; l--) {
        uint64_t *e = &t[(va >> (12 + 9 * l)) & 511];
        if (!(*e & (VTD_SL_R | VTD_SL_W))) {
            uint64_t pa = make ? table_alloc() : 0;
            if (!pa)
                return 0;
            *e = pa | VTD_SL_R | VTD_SL_W;
            flush(e, 8);
        }
        t = phys_to_virt(*e & VTD_SL_ADDR);
    }
    return &t[(va >> (12 + 9 * level)) & 511];
}

static void sl_free(uint64_t table, unsigned level)
{
    uint64_t *t = phys_to_virt(table);
    for (unsigned i = 0; level && i < 512; i++)
        if (t[i] & (VTD_SL_R | VTD_SL_W))
            sl_free(t[i] & VTD_SL_ADDR, level - 1);
    frame_free(table);
}

/* The PD's table and domain id, made on first use; false when out of
 * memory or domain ids. A 3-level unit starts at the table below the
 * root's first entry, so it reaches the lowest 512 GiB. */
static bool dma_space_ready(struct pd *pd)
{
    if (pd->dma.table)
        return true;
    unsigned did = 1;
    while (did < did_limit && did < 256 && (did_used[did / 64] >> (did % 64) & 1))
        did++;
    if (did >= did_limit || did >= 256)
        return false;
    uint64_t root = table_alloc();
    if (!root)
        return false;
    if (!sl_walk(root, 0, 2, true)) {   /* the first entry, for 3-level units */
        frame_free(root);
        return false;
    }
    did_used[did / 64] |= 1ull << (did % 64);
    pd->dma.table = root;
    pd->dma.did = (uint16_t)did;
    return true;
}

bool vtd_map(struct pd *pd, uint64_t va, uint64_t pa, unsigned rights)
{
    if (!units)
        return true;   /* no remapping: no device can be assigned, D changes nothing */
    if (!dma_space_ready(pd))
        return false;
    uint64_t *e = sl_walk(pd->dma.table, va, 0, true);
    if (!e)
        return false;
    uint64_t old = *e;
    *e = (pa & VTD_SL_ADDR) | ((rights & MAP_R) ? VTD_SL_R : 0) | ((rights & MAP_W) ? VTD_SL_W : 0);
    flush(e, 8);
    if (old || caching_mode)
        invalidate_all(false);
    return true;
}

void vtd_unmap(struct pd *pd, uint64_t va)
{
    if (!pd->dma.table)
        return;
    uint64_t *e = sl_walk(pd->dma.table, va, 0, false);
    if (!e || !*e)
        return;
    *e = 0;
    flush(e, 8);
    invalidate_all(false);
}

int vtd_assign(struct pd *pd, uint16_t segment, uint16_t bdf)
{
    struct unit *u = segment == 0 ? unit_of(bdf) : 0;
    if (!u)
        return -1;
    if (!dma_space_ready(pd))
        return -2;
    uint64_t *re = (uint64_t *)phys_to_virt(u->root) + 2 * (bdf >> 8);
    if (!(*re & VTD_RE_P)) {
        uint64_t ctx = table_alloc();
        if (!ctx)
            return -2;
        re[1] = 0;
        re[0] = ctx | VTD_RE_P;
        flush(re, 16);
    }
    uint64_t *ce = (uint64_t *)phys_to_virt(re[0] & VTD_SL_ADDR) + 2 * (bdf & 0xff);
    uint64_t table = pd->dma.table;
    if (u->levels == 3)
        table = *(uint64_t *)phys_to_virt(table) & VTD_SL_ADDR;
    if (ce[0] & VTD_CE_P) {   /* taken from another PD: gone before the new one holds */
        ce[0] = 0;
        flush(ce, 16);
        invalidate(u, true);
    }
    ce[1] = (u->levels == 4 ? VTD_CE_AW_48 : VTD_CE_AW_39) | VTD_CE_DID(pd->dma.did);
    ce[0] = table | VTD_CE_P;   /* translation type 0: untranslated requests only */
    flush(ce, 16);
    invalidate(u, true);
    return 0;
}

void vtd_pd_destroy(struct pd *pd)
{
    if (!pd->dma.table)
        return;
    for (unsigned i = 0; i < units; i++) {
        uint64_t *root = phys_to_virt(unit[i].root);
        for (unsigned bus = 0; bus < 256; bus++) {
            if (!(root[2 * bus] & VTD_RE_P))
                continue;
            uint64_t *ctx = phys_to_virt(root[2 * bus] & VTD_SL_ADDR);
            for (unsigned f = 0; f < 256; f++)
                if ((ctx[2 * f] & VTD_CE_P) && ((ctx[2 * f + 1] >> 8) & 0xffff) == pd->dma.did) {
                    ctx[2 * f] = 0;
                    flush(&ctx[2 * f], 16);
                }
        }
    }
    invalidate_all(true);
    sl_free(pd->dma.table, 3);
    did_used[pd->dma.did / 64] &= ~(1ull << (pd->dma.did % 64));
    pd->dma.table = 0;
    pd->dma.did = 0;
}

static const char *const fault_reason[] = {
    [1] = "root entry not present", [2] = "context entry not present", [3] = "invalid context entry",
    [4] = "address beyond the width", [5] = "write not allowed", [6] = "read not allowed",
    [7] = "page table entry unreadable",
};

void vtd_poll_faults(void)
{
    for (unsigned i = 0; i < units; i++) {
        struct unit *u = &unit[i];
        uint32_t fsts = rd32(u, VTD_REG_FSTS);
        if (!(fsts & (VTD_FSTS_PPF | VTD_FSTS_PFO)))
            continue;
        unsigned base = VTD_CAP_FRO(u->cap) * 16;
        for (unsigned r = 0; r <= VTD_CAP_NFR(u->cap); r++) {
            uint64_t hi = rd64(u, base + 16 * r + 8);
            if (!(hi & VTD_FRCD_F))
                continue;
            uint64_t addr = rd64(u, base + 16 * r) & ~0xfffull;
            unsigned sid = VTD_FRCD_SID(hi), fr = VTD_FRCD_FR(hi);
            const char *why = fr < sizeof fault_reason / sizeof *fault_reason && fault_reason[fr] ? fault_reason[fr] : "fault";
            kprintf("novum: DMA fault: device %02x:%02x.%u %s at 0x%lx: reason 0x%x (%s)\n", sid >> 8,
                    (sid >> 3) & 31, sid & 7, (hi & VTD_FRCD_T) ? "read" : "write", (unsigned long)addr, fr, why);
            wr32(u, base + 16 * r + 12, 1u << 31);   /* F is write-1-to-clear */
        }
        wr32(u, VTD_REG_FSTS, VTD_FSTS_PFO);
    }
}

#ifdef NOVUM_DEBUG
int vtd_stale_context(uint64_t (*table_of_did)(uint16_t did))
{
    for (unsigned i = 0; i < units; i++) {
        const uint64_t *root = phys_to_virt(unit[i].root);
        for (unsigned bus = 0; bus < 256; bus++) {
            if (!(root[2 * bus] & VTD_RE_P))
                continue;
            const uint64_t *ctx = phys_to_virt(root[2 * bus] & VTD_SL_ADDR);
            for (unsigned f = 0; f < 256; f++) {
                if (!(ctx[2 * f] & VTD_CE_P))
                    continue;
                uint64_t table = table_of_did((uint16_t)(ctx[2 * f + 1] >> 8));
                if (table && unit[i].levels == 3)
                    table = *(const uint64_t *)phys_to_virt(table) & VTD_SL_ADDR;
                if (!table || (ctx[2 * f] & VTD_SL_ADDR) != table)
                    return (int)(bus << 8 | f);
            }
        }
    }
    return -1;
}

bool vtd_translate(const struct pd *pd, uint64_t va, uint64_t *pa, unsigned *rights)
{
    const uint64_t *e = pd->dma.table ? sl_walk(pd->dma.table, va, 0, false) : 0;
    if (!e || !(*e & (VTD_SL_R | VTD_SL_W)))
        return false;
    *pa = *e & VTD_SL_ADDR;
    *rights = ((*e & VTD_SL_R) ? MAP_R : 0) | ((*e & VTD_SL_W) ? MAP_W : 0);
    return true;
}

static uint64_t sl_count(uint64_t table, unsigned level)
{
    const uint64_t *t = phys_to_virt(table);
    uint64_t n = 0;
    for (unsigned i = 0; i < 512; i++)
        if (t[i] & (VTD_SL_R | VTD_SL_W))
            n += level ? sl_count(t[i] & VTD_SL_ADDR, level - 1) : 1;
    return n;
}

uint64_t vtd_count(const struct pd *pd) { return pd->dma.table ? sl_count(pd->dma.table, 3) : 0; }
#endif
