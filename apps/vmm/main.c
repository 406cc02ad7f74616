/*
 * vmm: placeholder until the VMM lands. It prints what the root server
 * granted for its VM (nova/vm_desc.h) and exits.
 */
#include <stdio.h>
#include <nova/component.h>
#include <nova/vm_desc.h>

int main(void)
{
    const struct nova_vm_desc *d = nova_vm_desc();
    if (!d) {
        printf("vmm: no VM description at %#lx\n", (unsigned long)NOVA_VM_DESC_ADDR);
        return 1;
    }
    const volatile uint8_t *mem = (const volatile uint8_t *)(uintptr_t)d->mem_va;
    const uint8_t *kernel = (const uint8_t *)(uintptr_t)d->kernel_va;
    printf("vmm: guest memory %lu MiB at %#lx (host-physical %#lx), first and last byte %u %u\n",
           (unsigned long)(d->mem_size >> 20), (unsigned long)d->mem_va, (unsigned long)d->mem_phys, mem[0],
           mem[d->mem_size - 1]);
    printf("vmm: %u vCPUs on CPUs", d->vcpus);
    for (unsigned k = 0; k < d->vcpus; k++)
        printf(" %u", d->cpu[k]);
    printf("\nvmm: kernel %lu bytes at %#lx (starts %02x %02x), initrd %lu bytes at %#lx, console selector %#lx\n",
           (unsigned long)d->kernel_size, (unsigned long)d->kernel_va, kernel[0], kernel[1],
           (unsigned long)d->initrd_size, (unsigned long)d->initrd_va, (unsigned long)d->console_sel);
    printf("vmm: cmdline \"%s\"\n", d->cmdline);
    return 0;
}
