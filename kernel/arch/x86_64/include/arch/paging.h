/* x86-64 four-level page tables. The hpt_ functions work on host page
 * tables (NOVA's Hpt), named apart from portals (pt.h): a PD's memory space,
 * and in guest_space.c the nested tables of its guests, which SVM walks in
 * the same format. */
#pragma once
#include <stdint.h>
#include <stdbool.h>
#include <arch/cpu.h>
#include <arch/percpu.h>

#define PTE_P    (1ull << 0)
#define PTE_W    (1ull << 1)
#define PTE_U    (1ull << 2)
#define PTE_PWT  (1ull << 3)
#define PTE_PCD  (1ull << 4)
#define PTE_A    (1ull << 5)
#define PTE_D    (1ull << 6)
#define PTE_PS   (1ull << 7)
#define PTE_G    (1ull << 8)
#define PTE_NX   (1ull << 63)
#define PTE_ADDR 0x000ffffffffff000ull

/* access rights of a user mapping, independent of the PTE encoding */
#define MAP_R  1u
#define MAP_W  2u
#define MAP_X  4u

struct boot_info;

extern bool cpu_has_nx;
extern uint64_t kernel_pml4;   /* physical */

void paging_init(const struct boot_info *bi);
void hpt_init_user(uint64_t pml4);                   /* a zeroed page becomes a user PML4 */
void hpt_destroy_user(uint64_t pml4);
void hpt_free_user_tables(uint64_t pml4);            /* the tables below the root; the root stays */
uint64_t hpt_count_user(uint64_t pml4);              /* present mappings in the user half */
int hpt_map(uint64_t pml4, uint64_t va, uint64_t pa, unsigned rights);  /* 4 KiB; 0 or -1 */
void hpt_unmap(uint64_t pml4, uint64_t va);
bool hpt_translate(uint64_t pml4, uint64_t va, uint64_t *pa, unsigned *rights);
void *mmio_map(uint64_t pa, uint64_t size);
/* The page at `pa`, uncached, valid until the next call (under the lock). */
void *mmio_window(uint64_t pa);
/* The TSS area (memlayout.h): at first every address space shares the
 * kernel's tables for it, which map the TSS page at `tss_pa` and all-ones
 * bitmap pages. hpt_iomap_private gives one address space tables of its
 * own there (three zeroed pages from its PD), hpt_iomap_set maps a half of
 * its bitmap (0: ports 0-32767, 1: the rest) to the frame at `pa`. */
void hpt_iomap_init(uint64_t tss_pa);
void hpt_iomap_private(uint64_t pml4, uint64_t *pdpt, uint64_t *pd, uint64_t *pt);
void hpt_iomap_set(uint64_t *pt, unsigned half, uint64_t pa);
/* Load `pml4` into CR3 unless it is there (percpu.cr3 says; reading CR3 is
 * slow), as on every return to user. */
static inline void hpt_activate(struct percpu *cpu, uint64_t pml4)
{
    if (cpu->cr3 != pml4) {
        write_cr3(pml4);
        cpu->cr3 = pml4;
    }
}
