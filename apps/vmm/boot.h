/* The guest's boot: loading it from the VM description, and the figures
 * printed when it ends. */
#pragma once
#include <stdbool.h>
#include <nova/vm_desc.h>
#include "model/bzimage.h"

extern struct boot_entry vmm_boot_entry;

/* Kernel, initrd and command line into guest memory, ACPI tables at
 * 0xe0000; false after a report naming the problem. */
bool vmm_load_guest(const struct nova_vm_desc *d);
/* Exits by reason and the time since vCPU 0 started. */
void vmm_print_figures(void);
