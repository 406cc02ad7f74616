/*
 * The VM description: what the root server tells a component that runs a
 * virtual machine ([component.vm] in system.toml, docs/components.md).
 *
 * A component with a VM finds, from its first instruction on, everything
 * mapped at fixed addresses in its own address space (nothing is paged on
 * demand):
 *
 *   NOVA_VM_DESC_ADDR     this struct, one page, read-only
 *   NOVA_VM_KERNEL_AREA   the guest kernel boot module, read-only, at
 *                         kernel_va (inside the area; the module's offset
 *                         within 1 GiB is kept, so few large mappings do)
 *   NOVA_VM_INITRD_AREA   the initrd boot module, read-only, at initrd_va
 *   NOVA_VM_GUEST_MEM     guest RAM: one naturally aligned block of host
 *                         physical memory of mem_size bytes, rwx, zeroed,
 *                         delegated as a single capability range, so the
 *                         VMM can delegate it on to its VM's PD with the G
 *                         bit (memory CRD base NOVA_VM_GUEST_MEM / 4096,
 *                         order log2(mem_size / 4096)).
 *
 * Check magic and version before use. Freestanding C11: needs <stdint.h>.
 */
#pragma once
#include <stdint.h>

#define NOVA_VM_DESC_MAGIC    0x4d56564eu   /* "NVVM" */
#define NOVA_VM_DESC_VERSION  1u

#define NOVA_VM_DESC_ADDR     UINT64_C(0x0000080000000000)
#define NOVA_VM_KERNEL_AREA   UINT64_C(0x0000090000000000)   /* 4 GiB each */
#define NOVA_VM_INITRD_AREA   UINT64_C(0x00000a0000000000)
#define NOVA_VM_GUEST_MEM     UINT64_C(0x0000100000000000)
#define NOVA_VM_MODULE_ALIGN  UINT64_C(0x40000000)           /* kernel_va % this == module's PA % this */

#define NOVA_VM_MEM_MIN       (UINT64_C(16) << 20)
#define NOVA_VM_MEM_MAX       (UINT64_C(64) << 30)
#define NOVA_VM_MAX_VCPUS     64u
#define NOVA_VM_CMDLINE_SIZE  2048u   /* with the NUL: at most 2047 characters */

struct nova_vm_desc {
    uint32_t magic;            /* NOVA_VM_DESC_MAGIC */
    uint32_t version;          /* NOVA_VM_DESC_VERSION */
    uint32_t size;             /* sizeof(struct nova_vm_desc) */
    uint32_t vcpus;            /* 1..NOVA_VM_MAX_VCPUS */
    uint64_t mem_va;           /* NOVA_VM_GUEST_MEM: where guest RAM is mapped */
    uint64_t mem_size;         /* bytes: a power of two, >= NOVA_VM_MEM_MIN */
    uint64_t mem_phys;         /* host-physical address of guest RAM (for reports only) */
    uint64_t kernel_va;        /* the kernel image, read-only */
    uint64_t kernel_size;      /* bytes */
    uint64_t initrd_va;        /* the initrd, read-only; 0 if the VM has none */
    uint64_t initrd_size;      /* bytes; 0 if none */
    uint64_t console_sel;      /* selector of the portal the guest console talks to */
    uint32_t cmdline_size;     /* bytes before the NUL */
    uint32_t reserved;         /* 0 */
    uint32_t cpu[NOVA_VM_MAX_VCPUS];   /* host CPU of vCPU i, for i < vcpus (checked online) */
    char cmdline[NOVA_VM_CMDLINE_SIZE];   /* NUL-terminated */
};

_Static_assert(sizeof(struct nova_vm_desc) == 88 + 4 * 64 + 2048, "nova_vm_desc size");
_Static_assert(sizeof(struct nova_vm_desc) <= 4096, "nova_vm_desc fits its page");
_Static_assert(__builtin_offsetof(struct nova_vm_desc, mem_va) == 16, "nova_vm_desc.mem_va");
_Static_assert(__builtin_offsetof(struct nova_vm_desc, console_sel) == 72, "nova_vm_desc.console_sel");
_Static_assert(__builtin_offsetof(struct nova_vm_desc, cpu) == 88, "nova_vm_desc.cpu");
_Static_assert(__builtin_offsetof(struct nova_vm_desc, cmdline) == 344, "nova_vm_desc.cmdline");

static inline const struct nova_vm_desc *nova_vm_desc(void)
{
    const struct nova_vm_desc *d = (const struct nova_vm_desc *)(uintptr_t)NOVA_VM_DESC_ADDR;
    return d->magic == NOVA_VM_DESC_MAGIC && d->version == NOVA_VM_DESC_VERSION &&
                   d->size == sizeof *d ? d : 0;
}
