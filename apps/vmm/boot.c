/* Loading the guest (Linux boot protocol, ACPI tables) and the figures. */
#include <stdio.h>
#include "boot.h"
#include "model/acpi_tables.h"
#include "console.h"
#include "board.h"
#include "vmm.h"

#define ACPI_TABLES_GPA 0xe0000u

struct boot_entry vmm_boot_entry;

bool vmm_load_guest(const struct nova_vm_desc *d)
{
    const char *error = 0;
    const void *initrd = d->initrd_size ? (const void *)(uintptr_t)d->initrd_va : 0;
    if (!bzimage_load(&vmm.mem, (const void *)(uintptr_t)d->kernel_va, d->kernel_size, initrd, d->initrd_size,
                      d->cmdline, &vmm_boot_entry, &error)) {
        printf("vmm: the guest kernel is refused: %s\n", error);
        return false;
    }
    if (!acpi_build(&vmm.mem, ACPI_TABLES_GPA, d->vcpus, &error)) {
        printf("vmm: no ACPI tables: %s\n", error);
        return false;
    }
    printf("vmm: kernel %lu KiB at 0x%lx, initrd %lu KiB at 0x%lx, %lu MiB RAM, %u vCPU(s)\n",
           (unsigned long)(vmm_boot_entry.kernel_size >> 10), (unsigned long)vmm_boot_entry.kernel_gpa,
           (unsigned long)(vmm_boot_entry.initrd_size >> 10), (unsigned long)vmm_boot_entry.initrd_gpa,
           (unsigned long)(vmm.mem.size >> 20), d->vcpus);
    return true;
}

static const char *exit_name(unsigned n)
{
    switch (n) {
    case NOVA_SVM_EXIT_STARTUP: return "startup";
    case NOVA_SVM_EXIT_RECALL: return "recall";
    case NOVA_SVM_EXIT_IO_ACCESS: return "I/O";
    case NOVA_SVM_EXIT_MSR_ACCESS: return "MSR";
    case NOVA_SVM_EXIT_CPUID: return "CPUID";
    case NOVA_SVM_EXIT_HLT: return "HLT";
    case NOVA_SVM_EXIT_VMMCALL: return "VMMCALL";
    case NOVA_SVM_EXIT_INTR_WINDOW: return "interrupt window";
    case NOVA_SVM_EXIT_NPT_FAULT: return "NPT fault";
    case NOVA_SVM_EXIT_TRIPLE_FAULT: return "triple fault";
    default: return "other";
    }
}

void vmm_print_figures(void)
{
    uint64_t total = 0;
    for (unsigned i = 0; i < vmm.vcpus; i++)
        for (unsigned n = 0; n < 256; n++)
            total += vmm.vcpu[i].exits[n];
    uint64_t ms = vmm.tsc_khz ? (vmm_now() - vmm.started_tsc) / vmm.tsc_khz : 0;
    vmm_printf("vmm: %lu VM exits in %lu ms\n", (unsigned long)total, (unsigned long)ms);
    for (unsigned n = 0; n < 256; n++) {
        uint64_t c = 0;
        for (unsigned i = 0; i < vmm.vcpus; i++)
            c += vmm.vcpu[i].exits[n];
        if (c)
            vmm_printf("vmm:   exit 0x%02x %-16s %lu\n", n, exit_name(n), (unsigned long)c);
    }
    for (unsigned g = 0; g < 8192; g++)
        if (board.port_exits[g] >= 100)
            vmm_printf("vmm:   I/O ports 0x%04x-0x%04x     %u\n", g * 8, g * 8 + 7, board.port_exits[g]);
}
