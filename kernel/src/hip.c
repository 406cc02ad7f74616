/* Build the HIP: platform facts, one CPU descriptor per possible CPU, and
 * memory descriptors for the firmware map, the kernel's own memory (-1) and
 * each boot module (-2, aux = command line). */
#include <arch/acpi.h>
#include <arch/cpu_setup.h>
#include <arch/lapic.h>
#include <arch/memlayout.h>
#include "bootinfo.h"
#include "config.h"
#include "console.h"
#include "frame.h"
#include "hip.h"
#include "topology.h"
#include "vcpu.h"

struct nova_hip *hip;
uint64_t hip_phys;

static void add_mem(struct nova_hip_mem **m, uint64_t addr, uint64_t size, int32_t type, uint32_t aux)
{
    if ((uint8_t *)(*m + 1) > (uint8_t *)hip + PAGE_SIZE)
        panic("HIP full: too many memory descriptors");
    **m = (struct nova_hip_mem){ .address = addr, .size = size, .type = type, .aux = aux };
    (*m)++;
}

static void fill_cpus(struct nova_hip_cpu *cpu)
{
    for (unsigned i = 0; i < platform.cpu_count; i++) {
        struct topology t = topology_of(platform.cpu_apic_id[i]);
        cpu[i] = (struct nova_hip_cpu){ .flags = cpu_online(i) ? NOVA_HIP_CPU_FLAGS_ENABLED : 0,
                                        .thread = (uint8_t)t.thread, .core = (uint8_t)t.core,
                                        .package = (uint8_t)t.package };
    }
}

static struct nova_hip_mem *fill_mem(struct nova_hip_mem *m)
{
    for (unsigned i = 0; i < boot_info.mem_count; i++)
        add_mem(&m, boot_info.mem[i].addr, boot_info.mem[i].size, (int32_t)boot_info.mem[i].type, 0);
    extern char _kernel_phys_start[], _kernel_phys_end[];
    uint64_t ks = (uint64_t)(uintptr_t)_kernel_phys_start, ke = (uint64_t)(uintptr_t)_kernel_phys_end;
    add_mem(&m, ks, ke - ks, NOVA_HIP_MEM_HYPERVISOR, 0);
    const struct phys_range *pool;
    for (unsigned i = 0, n = kpool_ranges(&pool); i < n; i++)
        add_mem(&m, pool[i].start, pool[i].end - pool[i].start, NOVA_HIP_MEM_HYPERVISOR, 0);
    for (unsigned i = 0; i < boot_info.module_count; i++) {
        const struct boot_module *b = &boot_info.module[i];
        add_mem(&m, b->start, b->end - b->start, NOVA_HIP_MEM_MODULE, (uint32_t)b->cmdline);
    }
    return m;
}

void hip_build(unsigned boot_cpu)
{
    (void)boot_cpu;
    hip_phys = frame_alloc();
    if (!hip_phys)
        panic("no memory for the HIP");
    hip = phys_to_virt(hip_phys);
    hip->signature = NOVA_HIP_SIGNATURE;
    hip->cpu_offs = sizeof *hip;
    hip->cpu_size = sizeof(struct nova_hip_cpu);
    hip->mem_offs = (uint16_t)(hip->cpu_offs + NOVUM_MAX_CPUS * sizeof(struct nova_hip_cpu));
    hip->mem_size = sizeof(struct nova_hip_mem);
    hip->flags = vcpu_supported() ? NOVA_HIP_FEATURES_SVM : 0;   /* VMX is not implemented */
    hip->api_version = NOVA_API_VERSION;
    hip->sel = NOVA_SEL_COUNT;
    hip->exc = NOVA_EXC_SELECTORS;
    hip->vmi = vcpu_supported() ? NOVA_VMI_SELECTORS : 0;
    hip->gsi = platform.gsi_count;
    hip->page_sizes = NOVA_PAGE_SIZES;
    hip->utcb_sizes = NOVA_UTCB_SIZES;
    hip->tsc_freq_khz = tsc_khz;
    hip->bus_freq_khz = lapic_timer_khz;
    fill_cpus((struct nova_hip_cpu *)((uint8_t *)hip + hip->cpu_offs));
    struct nova_hip_mem *end = fill_mem((struct nova_hip_mem *)((uint8_t *)hip + hip->mem_offs));
    hip->length = (uint16_t)((uint8_t *)end - (uint8_t *)hip);
    hip->checksum = (uint16_t)(0 - nova_hip_sum16(hip, hip->length));
}
