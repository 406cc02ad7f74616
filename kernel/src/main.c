/* Kernel start on the boot CPU: memory, platform, banner, HIP, root task. */
#include <arch/acpi.h>
#include <arch/cpu_setup.h>
#include <arch/ioapic.h>
#include <arch/lapic.h>
#include <arch/memlayout.h>
#include <arch/paging.h>
#include <arch/pic.h>
#include <arch/smp.h>
#include <arch/vtd.h>
#include "bootinfo.h"
#include "config.h"
#include "console.h"
#include "frame.h"
#include "hip.h"
#include "hyp_objects.h"
#include "lock.h"
#include "root_task.h"
#include "sc.h"
#include "topology.h"

#define POOL_MIN (8ull << 20)
#define POOL_MAX (512ull << 20)

static uint64_t pool_size(void)
{
    uint64_t ram = 0;
    for (unsigned i = 0; i < boot_info.mem_count; i++)
        if (boot_info.mem[i].type == MEM_AVAILABLE)
            ram += boot_info.mem[i].size;
    uint64_t want = ram / 4;
    return want < POOL_MIN ? POOL_MIN : want > POOL_MAX ? POOL_MAX : want;
}

static const char *trimmed(const char *s)
{
    while (*s == ' ')
        s++;
    return *s ? s : "unknown processor";
}

static void banner(void)
{
    kprintf("\nNovum Microhypervisor v%s (x86_64): %s %s [%s]\n\n", NOVUM_VERSION, __DATE__, __TIME__,
            NOVUM_COMPILER);
    const struct cpu_ident *id = &boot_cpu_ident;
    for (unsigned i = 0; i < platform.cpu_count; i++) {
        struct topology t = topology_of(platform.cpu_apic_id[i]);
        kprintf("[%2u] CORE:%u:%u:%u %x:%x:%x:%x [%x] %s%s\n", i, t.package, t.core, t.thread, id->family,
                id->model, id->stepping, id->platform, id->microcode, trimmed(id->brand),
                cpu_online(i) ? "" : " (not started)");
    }
    if (platform.cpus_ignored)
        kprintf("novum: %u more CPUs ignored (NOVUM_MAX_CPUS=%u)\n", platform.cpus_ignored, NOVUM_MAX_CPUS);
    kprintf("\nnovum: %lu MiB kernel memory, TSC %u kHz, APIC timer %u kHz, %u GSIs\n",
            frame_free_count() * PAGE_SIZE >> 20, tsc_khz, lapic_timer_khz, platform.gsi_count);
}

static unsigned boot_cpu_index(void)
{
    uint32_t id = lapic_id();
    for (unsigned i = 0; i < platform.cpu_count; i++)
        if (platform.cpu_apic_id[i] == id)
            return i;
    panic("boot CPU (APIC ID %u) is not in the ACPI tables", id);
}

void kernel_main(uint32_t magic, uint64_t mbi);
void kernel_main(uint32_t magic, uint64_t mbi)
{
    serial_init();
    pic_disable();
    multiboot_parse(magic, mbi);
    cpu_identify(&boot_cpu_ident);
    paging_init(&boot_info);
    frame_init(&boot_info, pool_size());
    acpi_init();
    lapic_init(platform.lapic_phys);
    ioapic_init();
    vtd_init();
    unsigned boot_cpu = boot_cpu_index();
    cpu_setup(boot_cpu, platform.cpu_apic_id[boot_cpu]);
    lapic_enable();
    cpu_mark_online(boot_cpu);
    timers_calibrate();
    big_lock();
    smp_start_aps(boot_cpu);
    hyp_objects_init();
    banner();
    hip_build(boot_cpu);
    if (!boot_info.module_count)
        kprintf("novum: no boot modules, so no root task to start\n");
    else
        root_task_create(&boot_info.module[0], boot_cpu);
    schedule();
}
