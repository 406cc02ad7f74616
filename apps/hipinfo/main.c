/* hipinfo: a root task that prints the Hypervisor Information Page. */
#include <nova/nova.h>

static const char *mem_type(int32_t type)
{
    switch (type) {
    case NOVA_HIP_MEM_AVAILABLE: return "available";
    case NOVA_HIP_MEM_RESERVED: return "reserved";
    case NOVA_HIP_MEM_ACPI_RECLAIM: return "ACPI reclaim";
    case NOVA_HIP_MEM_ACPI_NVS: return "ACPI NVS";
    case NOVA_HIP_MEM_HYPERVISOR: return "hypervisor";
    case NOVA_HIP_MEM_MODULE: return "module";
    default: return "other (reserved)";
    }
}

static void print_cpus(const struct nova_hip *hip)
{
    const uint8_t *base = (const uint8_t *)hip;
    unsigned n = (hip->mem_offs - hip->cpu_offs) / hip->cpu_size;
    for (unsigned i = 0; i < n; i++) {
        const struct nova_hip_cpu *c = (const void *)(base + hip->cpu_offs + i * hip->cpu_size);
        if (c->flags & NOVA_HIP_CPU_FLAGS_ENABLED)
            nova_printf("hipinfo: cpu %u: package %u core %u thread %u\n", i, c->package, c->core, c->thread);
    }
}

static void print_memory(const struct nova_hip *hip)
{
    const uint8_t *base = (const uint8_t *)hip;
    for (unsigned off = hip->mem_offs; off + hip->mem_size <= hip->length; off += hip->mem_size) {
        const struct nova_hip_mem *m = (const void *)(base + off);
        nova_printf("hipinfo: mem 0x%016lx-0x%016lx %s", m->address, m->address + m->size, mem_type(m->type));
        if (m->type == NOVA_HIP_MEM_MODULE)
            nova_printf(" (command line at 0x%x)", m->aux);
        nova_printf("\n");
    }
}

int main(const struct nova_hip *hip, unsigned cpu)
{
    nova_printf("hipinfo: root task running in user mode on CPU %u, HIP at %p\n", cpu, (const void *)hip);
    nova_printf("hipinfo: signature 0x%x length %u api %u features 0x%x\n", hip->signature, hip->length,
                hip->api_version, hip->flags);
    nova_printf("hipinfo: selectors %u, exception selectors %u, VM intercept selectors %u, GSIs %u\n", hip->sel,
                hip->exc, hip->vmi, hip->gsi);
    nova_printf("hipinfo: page sizes 0x%x, UTCB sizes 0x%x, TSC %u kHz, bus %u kHz\n", hip->page_sizes,
                hip->utcb_sizes, hip->tsc_freq_khz, hip->bus_freq_khz);
    print_cpus(hip);
    print_memory(hip);
    nova_printf("hipinfo: done\n");
    return 0;
}
