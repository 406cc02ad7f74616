/*
 * vmm: a virtual machine monitor as an ordinary component. It holds what
 * the root server granted for its VM (nova/vm_desc.h: guest memory, the
 * kernel and initrd, the console), loads the guest per the Linux boot
 * protocol, builds a PD with one vCPU per configured CPU and handles their
 * exits (docs/vmm.md).
 */
#include <elf.h>
#include <stdio.h>
#include <nova/component.h>
#include <nova/vm_desc.h>
#include "board.h"
#include "boot.h"
#include "timer.h"
#include "vmm.h"

#define VCPU_PRIORITY 1   /* below every service the guest's I/O depends on */

void vmm_intercepts_init(void);

static bool check(const struct nova_vm_desc *d)
{
    if (!d) {
        printf("vmm: no VM description at %#lx: the component needs a [component.vm] in system.toml\n",
               (unsigned long)NOVA_VM_DESC_ADDR);
        return false;
    }
    if (d->vcpus < 1 || d->vcpus > VMM_MAX_VCPUS) {
        printf("vmm: %u vCPUs: this VMM runs 1 to %u\n", d->vcpus, VMM_MAX_VCPUS);
        return false;
    }
    return true;
}

/* Handlers of other vCPUs run on other CPUs, where no page fault may
 * happen (the pager serves the main EC's CPU): map the whole program now. */
static void touch_program(void)
{
    extern const Elf64_Ehdr __ehdr_start;
    const Elf64_Phdr *ph = (const Elf64_Phdr *)((const char *)&__ehdr_start + __ehdr_start.e_phoff);
    for (unsigned i = 0; i < __ehdr_start.e_phnum; i++) {
        if (ph[i].p_type != PT_LOAD)
            continue;
        for (uint64_t a = ph[i].p_vaddr & ~4095ull; a < ph[i].p_vaddr + ph[i].p_memsz; a += 4096)
            (void)*(volatile const char *)(uintptr_t)a;
    }
}

static uint64_t thread_pointer(void)
{
    uint64_t tp;
    __asm__("mov %%fs:0, %0" : "=r"(tp));
    return tp;
}

/* The console's input portal, if the VMM uses one and it is callable from
 * vCPU 0's CPU (NOVA calls do not cross CPUs). */
static uint64_t input_sel(unsigned cpu)
{
    if (!nova_component.console_input_sel)
        printf("vmm: no console_input in uses: the guest gets no keyboard\n");
    else if (cpu != nova_component.cpu)
        printf("vmm: vCPU 0 is on CPU %u, the VMM (and its console) on CPU %u: the guest gets no keyboard\n", cpu,
               nova_component.cpu);
    else
        return nova_component.console_input_sel;
    return 0;
}

int main(void)
{
    const struct nova_vm_desc *d = nova_vm_desc();
    if (!check(d))
        return 1;
    vmm.mem = (struct guest_mem){ (uint8_t *)(uintptr_t)d->mem_va, d->mem_size };
    vmm.mem_va = d->mem_va;
    vmm.vcpus = d->vcpus;
    vmm.tsc_khz = (uint32_t)nova_component.tsc_khz;
    vmm.main_tls = thread_pointer();
    touch_program();
    if (!vmm_load_guest(d))
        return 1;
    board_init(d->vcpus, vmm.tsc_khz);
    vmm_intercepts_init();
    unsigned cpus[VMM_MAX_VCPUS];
    for (unsigned i = 0; i < d->vcpus; i++)
        cpus[i] = d->cpu[i];
    enum nova_status st = vmm_create_vm(cpus, d->vcpus, VCPU_PRIORITY);
    if (st == NOVA_BAD_FTR) {
        printf("vmm: this machine cannot run the VM: its CPUs have no SVM with nested paging (create_ec: BAD_FTR)\n");
        return 1;
    }
    if (st != NOVA_SUCCESS || !vmm_timer_start(cpus[0], VCPU_PRIORITY, input_sel(cpus[0]))) {
        printf("vmm: cannot create the VM's PD, vCPUs, portals or timer (status %d): out of kernel memory?\n", st);
        return 1;
    }
    vmm_exit_wait();
}
