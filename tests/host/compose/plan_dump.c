/*
 * Host test helper: read a boot plan through boot_plan.h and print every field
 * as "array index field=value ...", one record per line, so that the test can
 * compare the C view of the plan with what tools/compose/plan.py decodes.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "boot_plan.h"

static _Alignas(8) uint8_t buf[1 << 20];

int main(int argc, char **argv)
{
    if (argc != 2)
        return 2;
    FILE *f = fopen(argv[1], "rb");
    if (!f)
        return 2;
    size_t size = fread(buf, 1, sizeof buf, f);
    fclose(f);

    const char *why = nvpl_check(buf, size);
    if (why) {
        printf("rejected: %s\n", why);
        return 1;
    }
    const struct nvpl_header *p = (const struct nvpl_header *)buf;
    printf("header 0 version=%u total_size=%u checksum=%u\n",
           p->version, p->total_size, p->checksum);
    for (uint32_t i = 0; i < p->components.count; i++) {
        const struct nvpl_component *c = &nvpl_components(p)[i];
        printf("components %u name=%s module=%u priority=%u quantum_us=%u cpu=%u "
               "stack_size=%llu heap_size=%llu map_first=%u map_count=%u io_first=%u "
               "io_count=%u gsi_first=%u gsi_count=%u pci_first=%u pci_count=%u "
               "portal_first=%u portal_count=%u use_first=%u use_count=%u mmio_first=%u "
               "mmio_count=%u dma_size=%llu flags=%u restart_max=%u\n",
               i, c->name, c->module, c->priority, c->quantum_us, c->cpu,
               (unsigned long long)c->stack_size, (unsigned long long)c->heap_size,
               c->map_first, c->map_count, c->io_first, c->io_count, c->gsi_first,
               c->gsi_count, c->pci_first, c->pci_count, c->portal_first,
               c->portal_count, c->use_first, c->use_count, c->mmio_first, c->mmio_count,
               (unsigned long long)c->dma_size, c->flags, c->restart_max);
    }
    for (uint32_t i = 0; i < p->regions.count; i++)
        printf("regions %u name=%s size=%llu\n", i, nvpl_regions(p)[i].name,
               (unsigned long long)nvpl_regions(p)[i].size);
    for (uint32_t i = 0; i < p->mappings.count; i++) {
        const struct nvpl_mapping *m = &nvpl_mappings(p)[i];
        printf("mappings %u region=%u component=%u address=%llu writable=%u\n", i,
               m->region, m->component, (unsigned long long)m->address, m->writable);
    }
    for (uint32_t i = 0; i < p->io_ranges.count; i++)
        printf("io_ranges %u component=%u base=%u count=%u\n", i,
               nvpl_io_ranges(p)[i].component, nvpl_io_ranges(p)[i].base,
               nvpl_io_ranges(p)[i].count);
    for (uint32_t i = 0; i < p->gsis.count; i++)
        printf("gsis %u component=%u gsi=%u\n", i, nvpl_gsis(p)[i].component,
               nvpl_gsis(p)[i].gsi);
    for (uint32_t i = 0; i < p->pci.count; i++)
        printf("pci %u component=%u bus=%u dev=%u fn=%u by_id=%u vendor=%u device=%u index=%u\n", i,
               nvpl_pcis(p)[i].component, nvpl_pcis(p)[i].bus, nvpl_pcis(p)[i].dev, nvpl_pcis(p)[i].fn,
               nvpl_pcis(p)[i].by_id, nvpl_pcis(p)[i].vendor, nvpl_pcis(p)[i].device, nvpl_pcis(p)[i].index);
    for (uint32_t i = 0; i < p->portals.count; i++)
        printf("portals %u name=%s component=%u id=%u\n", i, nvpl_portals(p)[i].name,
               nvpl_portals(p)[i].component, nvpl_portals(p)[i].id);
    for (uint32_t i = 0; i < p->uses.count; i++)
        printf("uses %u component=%u portal=%u\n", i, nvpl_uses(p)[i].component,
               nvpl_uses(p)[i].portal);
    for (uint32_t i = 0; i < p->vms.count; i++) {
        const struct nvpl_vm *v = &nvpl_vms(p)[i];
        printf("vms %u component=%u kernel_module=%u memory_size=%llu initrd_module=%u "
               "console_use=%u vcpu_first=%u vcpu_count=%u cmdline_size=%u cmdline=%s\n", i,
               v->component, v->kernel_module, (unsigned long long)v->memory_size,
               v->initrd_module, v->console_use, v->vcpu_first, v->vcpu_count,
               v->cmdline_size, v->cmdline);
    }
    for (uint32_t i = 0; i < p->vcpus.count; i++)
        printf("vcpus %u vm=%u cpu=%u\n", i, nvpl_vcpus(p)[i].vm, nvpl_vcpus(p)[i].cpu);
    for (uint32_t i = 0; i < p->mmio.count; i++)
        printf("mmio %u component=%u base=%llu size=%llu\n", i, nvpl_mmios(p)[i].component,
               (unsigned long long)nvpl_mmios(p)[i].base, (unsigned long long)nvpl_mmios(p)[i].size);
    return 0;
}
