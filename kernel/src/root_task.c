/* The root protection domain (spec 6.1): program segments loaded per the ELF
 * program headers into fresh zeroed frames, the HIP mapped read-only with its
 * address in RSP, the UTCB just below it, RDI = boot CPU, and the root PD, EC
 * and SC at selectors EXC+0, EXC+1 and EXC+2. */
#include <arch/memlayout.h>
#include <arch/paging.h>
#include <hypercall_decode.h>
#include "console.h"
#include "ec.h"
#include "elf_check.h"
#include "frame.h"
#include "hip.h"
#include "pd.h"
#include "root_task.h"
#include "sc.h"
#include "string.h"

#define ROOT_PRIORITY   1
#define ROOT_QUANTUM_US 10000
#define ROOT_SEL_PD     (NOVA_EXC_SELECTORS + 0)
#define ROOT_SEL_EC     (NOVA_EXC_SELECTORS + 1)
#define ROOT_SEL_SC     (NOVA_EXC_SELECTORS + 2)

static unsigned seg_rights(uint32_t flags)
{
    return MAP_R | ((flags & PF_W) ? MAP_W : 0) | ((flags & PF_X) ? MAP_X : 0);
}

/* One page of a segment: reuse the frame if another segment shares the page. */
static bool load_page(struct pd *pd, const struct elf_image *img, const struct elf64_phdr *p, uint64_t va)
{
    uint64_t pa;
    unsigned rights;
    if (hpt_translate(pd->pml4, va, &pa, &rights)) {
        pa &= ~(PAGE_SIZE - 1);   /* another segment shares the page */
    } else {
        pa = frame_alloc();
        if (!pa)
            return false;
    }
    rights = seg_rights(p->flags);
    uint64_t lo = va > p->vaddr ? va : p->vaddr;
    uint64_t hi = va + PAGE_SIZE < p->vaddr + p->filesz ? va + PAGE_SIZE : p->vaddr + p->filesz;
    if (lo < hi)
        memcpy((uint8_t *)phys_to_virt(pa) + (lo - va), img->data + p->offset + (lo - p->vaddr), hi - lo);
    return pd_map_frame(pd, va, pa, rights);
}

static bool load_segments(struct pd *pd, const struct elf_image *img)
{
    for (unsigned i = 0; i < img->phnum; i++) {
        const struct elf64_phdr *p = &img->phdr[i];
        if (p->type != PT_LOAD || !p->memsz)
            continue;
        for (uint64_t va = p->vaddr & ~(PAGE_SIZE - 1); va < p->vaddr + p->memsz; va += PAGE_SIZE)
            if (!load_page(pd, img, p, va))
                return false;
    }
    return true;
}

bool root_task_create(const struct boot_module *m, unsigned boot_cpu)
{
    struct elf_image img;
    const char *why = elf_check(phys_to_virt(m->start), m->end - m->start, USER_ROOT_UTCB, &img);
    if (why) {
        kprintf("novum: root task rejected: %s\n", why);
        return false;
    }
    struct pd *pd = pd_create(0, 0, ROOT_SEL_PD, nova_crd_null());
    if (!pd || !load_segments(pd, &img) || !pd_map_frame(pd, USER_HIP_ADDR, hip_phys, MAP_R))
        panic("out of memory loading the root task");
    struct ec *ec = ec_create(pd, boot_cpu, USER_ROOT_UTCB, USER_HIP_ADDR, 0, true, pd, ROOT_SEL_EC);
    struct sc *sc = ec ? sc_create(pd, ec, ROOT_PRIORITY, ROOT_QUANTUM_US, pd, ROOT_SEL_SC) : 0;
    if (!sc)
        panic("out of memory creating the root EC");
    ec->started = true;   /* the root EC starts at its entry, without STARTUP */
    ec->regs.rip = img.entry;
    hc_root_entry(&ec->regs, boot_cpu, USER_HIP_ADDR);
    sched_enqueue(sc);
    return true;
}
