/* Page tables: the kernel's master table (direct map of physical memory, the
 * kernel image, an uncached MMIO window) and user tables that share its upper
 * half. */
#include <arch/cpu.h>
#include <arch/memlayout.h>
#include <arch/paging.h>
#include <arch/percpu.h>
#include "bootinfo.h"
#include "console.h"
#include "frame.h"
#include "string.h"

bool cpu_has_nx;
uint64_t kernel_pml4;

#define BOOT_TABLES 72
static uint64_t boot_tables[BOOT_TABLES][512] __attribute__((aligned(4096)));
static unsigned boot_tables_used;
static uint64_t mmio_next = MMIO_BASE;

static uint64_t boot_table(void)
{
    if (boot_tables_used == BOOT_TABLES)
        panic("too much physical memory for the boot page tables");
    return virt_to_phys(boot_tables[boot_tables_used++]);
}

static bool direct_map_ready;

/* Until the kernel's own table is loaded, the only tables are the boot
 * tables in the kernel image, reachable through the kernel window. */
static inline uint64_t *table(uint64_t pa)
{
    return direct_map_ready ? phys_to_virt(pa) : (uint64_t *)(KERNEL_VBASE + pa);
}
static inline unsigned idx(uint64_t va, unsigned level) { return (va >> (12 + 9 * level)) & 511; }

/* Entry for va at `level` (0 = 4K PTE), creating tables on the way if asked. */
static uint64_t *walk(uint64_t pml4, uint64_t va, unsigned level, uint64_t (*alloc)(void), uint64_t flags)
{
    uint64_t *t = table(pml4);
    for (unsigned l = 3; l > level; l--) {
        uint64_t *e = &t[idx(va, l)];
        if (!(*e & PTE_P)) {
            uint64_t pa = alloc ? alloc() : 0;
            if (!pa)
                return 0;
            *e = pa | flags;
        } else if (*e & PTE_PS) {
            return 0;
        }
        t = table(*e & PTE_ADDR);
    }
    return &t[idx(va, level)];
}

/* The boot page tables' 2 MiB entry for `va`; they are sized for what
 * paging_init maps, so running out is a bug of this file. */
static uint64_t *boot_walk(uint64_t va)
{
    uint64_t *e = walk(kernel_pml4, va, 1, boot_table, PTE_P | PTE_W);
    if (!e)   /* a large page is in the way (boot_table panics when it runs out) */
        panic("the boot page tables cannot map 0x%lx", va);
    return e;
}

static void map_direct(uint64_t top)
{
    for (uint64_t pa = 0; pa < top; pa += 2ull << 20) {
        uint64_t *e = boot_walk(PHYS_MAP_BASE + pa);
        *e = pa | PTE_P | PTE_W | PTE_PS | PTE_G | (cpu_has_nx ? PTE_NX : 0);
    }
}

void paging_init(const struct boot_info *bi)
{
    cpu_has_nx = (rdmsr(MSR_EFER) & EFER_NXE) != 0;
    write_cr4(read_cr4() | CR4_PGE);
    kernel_pml4 = boot_table();

    uint64_t top = phys_ram_top(bi);
    if (top < (4ull << 30))
        top = 4ull << 30;      /* include the PCI hole: LAPIC, IOAPIC, MMCONFIG */
    if (top > PHYS_MAP_LIMIT)
        top = PHYS_MAP_LIMIT;
    map_direct((top + (2ull << 20) - 1) & ~((2ull << 20) - 1));

    /* kernel image: the first GiB at -2 GiB, global */
    for (uint64_t pa = 0; pa < (1ull << 30); pa += 2ull << 20) {
        uint64_t *e = boot_walk(KERNEL_VBASE + pa);
        *e = pa | PTE_P | PTE_W | PTE_PS | PTE_G;
    }
    /* the MMIO window's page directory, so every user table shares it */
    boot_walk(MMIO_BASE);
    write_cr3(kernel_pml4);
    direct_map_ready = true;
}

void *mmio_map(uint64_t pa, uint64_t size)
{
    uint64_t off = pa & (PAGE_SIZE - 1), va = mmio_next + off;
    for (uint64_t p = pa - off; p < pa + size; p += PAGE_SIZE) {
        uint64_t *e = walk(kernel_pml4, mmio_next, 0, frame_alloc, PTE_P | PTE_W);
        if (!e)
            panic("no memory to map MMIO at 0x%lx", pa);
        *e = p | PTE_P | PTE_W | PTE_PCD | PTE_PWT | PTE_G | (cpu_has_nx ? PTE_NX : 0);
        mmio_next += PAGE_SIZE;
    }
    return (void *)va;
}

/* One page of the MMIO window that maps whatever page is asked for next
 * (PCI configuration space, read under the big lock): the entry is
 * rewritten and flushed on this CPU before every use, so an entry another
 * CPU cached earlier is never used. */
void *mmio_window(uint64_t pa)
{
    static uint64_t *pte, va;
    if (!pte) {
        va = (uint64_t)mmio_map(pa & ~(PAGE_SIZE - 1), PAGE_SIZE);
        pte = walk(kernel_pml4, va, 0, 0, 0);
    }
    *pte = (pa & ~(PAGE_SIZE - 1)) | PTE_P | PTE_W | PTE_PCD | PTE_PWT | (cpu_has_nx ? PTE_NX : 0);
    invlpg(va);
    return (void *)(va + (pa & (PAGE_SIZE - 1)));
}

static uint8_t iomap_ones[PAGE_SIZE] __attribute__((aligned(PAGE_SIZE)));
static uint64_t *iomap_shared_pt;   /* the kernel's table for the TSS area */

void hpt_iomap_init(uint64_t tss_pa)
{
    memset(iomap_ones, 0xff, sizeof iomap_ones);   /* every port forbidden */
    uint64_t *e = walk(kernel_pml4, TSS_AREA, 0, frame_alloc, PTE_P | PTE_W);
    if (!e)
        panic("no memory for the TSS area");
    uint64_t nx = cpu_has_nx ? PTE_NX : 0;
    e[0] = tss_pa | PTE_P | PTE_W | PTE_G | nx;   /* the same in every address space */
    for (unsigned i = 1; i <= 3; i++)
        e[i] = virt_to_phys(iomap_ones) | PTE_P | nx;   /* the CPU only reads the bitmap */
    iomap_shared_pt = e;
}

void hpt_iomap_private(uint64_t pml4, uint64_t *pdpt, uint64_t *pd, uint64_t *pt)
{
    memcpy(pt, iomap_shared_pt, PAGE_SIZE);
    memset(pd, 0, PAGE_SIZE);
    memset(pdpt, 0, PAGE_SIZE);
    pd[idx(TSS_AREA, 1)] = virt_to_phys(pt) | PTE_P | PTE_W;
    pdpt[idx(TSS_AREA, 2)] = virt_to_phys(pd) | PTE_P | PTE_W;
    table(pml4)[idx(TSS_AREA, 3)] = virt_to_phys(pdpt) | PTE_P | PTE_W;
}

void hpt_iomap_set(uint64_t *pt, unsigned half, uint64_t pa)
{
    pt[idx(IOMAP_VA, 0) + half] = pa | PTE_P | (cpu_has_nx ? PTE_NX : 0);
}

void hpt_init_user(uint64_t pml4) { memcpy(&table(pml4)[256], &table(kernel_pml4)[256], 256 * sizeof(uint64_t)); }


static void free_level(uint64_t pa, unsigned level)
{
    uint64_t *t = table(pa);
    for (unsigned i = 0; level && i < 512; i++)
        if ((t[i] & PTE_P) && !(t[i] & PTE_PS))
            free_level(t[i] & PTE_ADDR, level - 1);
    frame_free(pa);
}

static uint64_t count_level(uint64_t pa, unsigned level)
{
    const uint64_t *t = table(pa);
    uint64_t n = 0;
    for (unsigned i = 0; i < 512; i++)
        if (t[i] & PTE_P)
            n += level && !(t[i] & PTE_PS) ? count_level(t[i] & PTE_ADDR, level - 1) : 1;
    return n;
}

uint64_t hpt_count_user(uint64_t pml4)
{
    const uint64_t *t = table(pml4);
    uint64_t n = 0;
    for (unsigned i = 0; i < 256; i++)
        if (t[i] & PTE_P)
            n += count_level(t[i] & PTE_ADDR, 2);
    return n;
}

void hpt_free_user_tables(uint64_t pml4)
{
    struct percpu *cpu = this_cpu();
    if (cpu->cr3 == pml4)
        hpt_activate(cpu, kernel_pml4);   /* never run on a freed table (idle CPUs run on the kernel's too) */
    uint64_t *t = table(pml4);
    for (unsigned i = 0; i < 256; i++)
        if (t[i] & PTE_P)
            free_level(t[i] & PTE_ADDR, 2);
}

void hpt_destroy_user(uint64_t pml4)
{
    hpt_free_user_tables(pml4);
    frame_free(pml4);
}

int hpt_map(uint64_t pml4, uint64_t va, uint64_t pa, unsigned rights)
{
    uint64_t *e = walk(pml4, va, 0, frame_alloc, PTE_P | PTE_W | PTE_U);
    if (!e)
        return -1;
    uint64_t old = *e;
    *e = pa | PTE_P | PTE_U | ((rights & MAP_W) ? PTE_W : 0) |
         ((!(rights & MAP_X) && cpu_has_nx) ? PTE_NX : 0);
    if (old & PTE_P)
        invlpg(va);
    return 0;
}

void hpt_unmap(uint64_t pml4, uint64_t va)
{
    uint64_t *e = walk(pml4, va, 0, 0, 0);
    if (e && (*e & PTE_P)) {
        *e = 0;
        invlpg(va);
    }
}

bool hpt_translate(uint64_t pml4, uint64_t va, uint64_t *pa, unsigned *rights)
{
    uint64_t *e = walk(pml4, va, 0, 0, 0);
    if (!e || !(*e & PTE_P))
        return false;
    *pa = (*e & PTE_ADDR) | (va & (PAGE_SIZE - 1));
    *rights = MAP_R | ((*e & PTE_W) ? MAP_W : 0) | ((*e & PTE_NX) ? 0 : MAP_X);
    return true;
}
