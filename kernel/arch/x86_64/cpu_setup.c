/* Processor setup for every CPU: GDT with a TSS, IDT, syscall MSRs, the FPU
 * and SSE for user code, GS pointing at the CPU's struct percpu, FS base 0. */
#include <arch/cpu.h>
#include <arch/cpu_setup.h>
#include <arch/fs_base.h>
#include <arch/memlayout.h>
#include <arch/paging.h>
#include <arch/svm.h>
#include "config.h"
#include "console.h"
#include "string.h"

struct percpu percpu[NOVUM_MAX_CPUS];
struct cpu_ident boot_cpu_ident;

static uint64_t gdt[NOVUM_MAX_CPUS][7];
/* Every CPU's TSS, in one page that the TSS area maps in every address
 * space (memlayout.h): the CPU reaches its TSS there, right below the
 * bitmap of the address space it runs, while the kernel writes it here,
 * through the image, whatever CR3 holds. */
#define TSS_STRIDE 128u
_Static_assert(sizeof(struct tss) <= TSS_STRIDE && NOVUM_MAX_CPUS * TSS_STRIDE <= 4096, "one page of TSSs");
static bool tss_area_ready;
static union {
    struct tss tss;
    uint8_t slot[TSS_STRIDE];
} tss_page[NOVUM_MAX_CPUS] __attribute__((aligned(4096)));
static uint8_t kstack[NOVUM_MAX_CPUS][16384] __attribute__((aligned(16)));
static uint8_t df_stack[NOVUM_MAX_CPUS][4096] __attribute__((aligned(16)));

struct idt_gate { uint16_t off0, sel; uint8_t ist, type; uint16_t off1; uint32_t off2, reserved; };
static struct idt_gate idt[256];
extern const uint64_t trap_entries[256];
extern char syscall_entry[];

static void idt_init(void)
{
    for (unsigned v = 0; v < 256; v++) {
        uint64_t a = trap_entries[v];
        /* int3 and into must be usable from user mode (#BP, #OF) */
        uint8_t dpl = (v == 3 || v == 4) ? 3 : 0;
        idt[v] = (struct idt_gate){ (uint16_t)a, SEL_KCODE, v == 8 ? 1 : 0, (uint8_t)(0x8e | dpl << 5),
                                    (uint16_t)(a >> 16), (uint32_t)(a >> 32), 0 };
    }
}

static void gdt_load(unsigned cpu)
{
    uint64_t *g = gdt[cpu];
    uint64_t t = TSS_AREA + cpu * TSS_STRIDE;
    uint64_t limit = IOMAP_VA + 8192 - t;   /* up to the all-ones byte past the last port */
    g[0] = 0;
    g[1] = 0x00af9a000000ffffull;   /* kernel code 64 */
    g[2] = 0x00cf92000000ffffull;   /* kernel data */
    g[3] = 0x00cff2000000ffffull;   /* user data (DPL 3) */
    g[4] = 0x00affa000000ffffull;   /* user code 64 (DPL 3) */
    g[5] = (limit & 0xffff) | ((t & 0xffffff) << 16) | (0x89ull << 40) | ((limit >> 16 & 0xf) << 48) |
           (((t >> 24) & 0xff) << 56);
    g[6] = t >> 32;
    struct { uint16_t limit; uint64_t base; } __attribute__((packed)) d = { sizeof gdt[cpu] - 1, (uint64_t)(uintptr_t)g };
    __asm__ volatile("lgdt %0\n"
                     "mov %1, %%ds\n mov %1, %%es\n mov %1, %%ss\n"
                     "pushq %2\n lea 1f(%%rip), %%rax\n pushq %%rax\n lretq\n1:\n"
                     : : "m"(d), "r"((uint64_t)SEL_KDATA), "i"(SEL_KCODE) : "rax", "memory");
    tss_page[cpu].tss.iomap_base = (uint16_t)(IOMAP_VA - t);
    tss_page[cpu].tss.ist[0] = (uint64_t)(uintptr_t)&df_stack[cpu][sizeof df_stack[cpu]];
    __asm__ volatile("ltr %w0" : : "r"(SEL_TSS));
}

static void fpu_enable(void)
{
    write_cr0((read_cr0() & ~(uint64_t)(CR0_EM | CR0_TS)) | CR0_MP | CR0_NE);
    write_cr4(read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT);
    __asm__ volatile("fninit");
}

void cpu_setup(unsigned cpu, uint32_t apic_id)
{
    struct percpu *p = &percpu[cpu];
    p->self = p;
    p->cpu = cpu;
    p->apic_id = apic_id;
    p->kstack_top = (uint64_t)(uintptr_t)&kstack[cpu][sizeof kstack[cpu]];
    p->tss = &tss_page[cpu].tss;
    if (!tss_area_ready) {   /* the boot CPU, alone */
        hpt_iomap_init(virt_to_phys(tss_page));
        tss_area_ready = true;
    }
    gdt_load(cpu);
    if (cpu == 0)
        idt_init();
    struct { uint16_t limit; uint64_t base; } __attribute__((packed)) d = { sizeof idt - 1, (uint64_t)(uintptr_t)idt };
    __asm__ volatile("lidt %0" : : "m"(d));
    wrmsr(MSR_GS_BASE, (uint64_t)(uintptr_t)p);
    fs_base_init();
    wrmsr(MSR_KERNEL_GS_BASE, 0);
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
    wrmsr(MSR_STAR, ((uint64_t)(SEL_UDATA - 8 - 3) << 48) | ((uint64_t)SEL_KCODE << 32));
    wrmsr(MSR_LSTAR, (uint64_t)(uintptr_t)syscall_entry);
    wrmsr(MSR_FMASK, 0x47700);   /* clear TF, IF, DF, IOPL, NT, AC on entry */
    fpu_enable();
    p->cr0_ts = false;
    p->cr3 = read_cr3();
    svm_cpu_init(cpu);
}

uint64_t percpu_kstack_top(unsigned cpu) { return (uint64_t)(uintptr_t)&kstack[cpu][sizeof kstack[cpu]]; }

void cpu_identify(struct cpu_ident *id)
{
    struct cpuid_regs r = cpuid(0, 0);
    id->max_leaf = r.eax;
    r = cpuid(1, 0);
    uint32_t fam = (r.eax >> 8) & 0xf, model = (r.eax >> 4) & 0xf;
    if (fam == 0xf)
        fam += (r.eax >> 20) & 0xff;
    if (fam == 0x6 || fam >= 0xf)
        model |= ((r.eax >> 16) & 0xf) << 4;
    id->family = fam;
    id->model = model;
    id->stepping = r.eax & 0xf;
    id->has_xsave = (r.ecx >> 26) & 1;
    id->platform = 0;
    id->microcode = 0;
    struct cpuid_regs e = cpuid(0x80000000, 0);
    memset(id->brand, 0, sizeof id->brand);
    if (e.eax >= 0x80000004) {
        for (unsigned i = 0; i < 3; i++) {
            struct cpuid_regs b = cpuid(0x80000002 + i, 0);
            memcpy(&id->brand[i * 16], &b, 16);
        }
    }
    if (e.eax >= 0x80000001) {
        struct cpuid_regs x = cpuid(0x80000001, 0);
        id->has_svm = (x.ecx >> 2) & 1;
        id->has_pdpe1gb = (x.edx >> 26) & 1;
    }
}
