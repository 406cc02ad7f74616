/* AMD SVM on each CPU: detection, EFER.SVME, the host save areas, and the
 * permission maps shared by every guest. A guest may touch no MSR but those
 * whose guest value the VMCB holds (VMLOAD/VMSAVE and VMRUN switch them), and
 * no port but those its PD received with the G bit. */
#include <arch/cpu.h>
#include <arch/memlayout.h>
#include <arch/svm.h>
#include <arch/vmcb.h>
#include "config.h"
#include "string.h"

#define IOPM_SIZE   (3 * 4096)
#define MSRPM_SIZE  (2 * 4096)
#define GUEST_IOPMS 16   /* PDs with guest ports at once: each map is 12 KiB contiguous */

static uint8_t msrpm[MSRPM_SIZE] __attribute__((aligned(4096)));
static uint8_t iopm_deny_all[IOPM_SIZE] __attribute__((aligned(4096)));
static uint8_t guest_iopm[GUEST_IOPMS][IOPM_SIZE] __attribute__((aligned(4096)));
static bool guest_iopm_used[GUEST_IOPMS];
static uint8_t hsave[NOVUM_MAX_CPUS][4096] __attribute__((aligned(4096)));
static uint8_t host_state[NOVUM_MAX_CPUS][4096] __attribute__((aligned(4096)));

static enum { SVM_UNKNOWN, SVM_USABLE, SVM_UNUSABLE } state;
static bool nrips;

/* MSRs whose guest copy lives in the VMCB: passing them through leaks nothing. */
static const uint32_t passthrough_msrs[] = {
    0xc0000100u, 0xc0000101u, 0xc0000102u,   /* FS, GS, KernelGS base */
    0xc0000081u, 0xc0000082u, 0xc0000083u, 0xc0000084u,   /* STAR, LSTAR, CSTAR, SFMASK */
    0x174u, 0x175u, 0x176u,                  /* SYSENTER CS, ESP, EIP */
    0x277u,                                  /* PAT: G_PAT under nested paging */
};

static void msrpm_allow(uint32_t msr)
{
    uint32_t base = msr >= 0xc0010000u ? 0x1000u : msr >= 0xc0000000u ? 0x800u : 0;
    uint32_t bit = (msr & 0x1fffu) * 2;
    msrpm[base + bit / 8] &= (uint8_t)~(3u << (bit % 8));   /* read and write */
}

static void maps_init(void)
{
    memset(msrpm, 0xff, sizeof msrpm);
    for (unsigned i = 0; i < sizeof passthrough_msrs / sizeof passthrough_msrs[0]; i++)
        msrpm_allow(passthrough_msrs[i]);
    memset(iopm_deny_all, 0xff, sizeof iopm_deny_all);
}

static bool cpu_can_run_vcpus(void)
{
    if (cpuid(0x80000000u, 0).eax < 0x8000000au || !((cpuid(0x80000001u, 0).ecx >> 2) & 1))
        return false;
    if (rdmsr(MSR_VM_CR) & VM_CR_SVMDIS)
        return false;   /* disabled by the firmware */
    struct cpuid_regs f = cpuid(0x8000000au, 0);
    return (f.edx & 1) && f.ebx >= 2;   /* nested paging, and an ASID besides the host's */
}

void svm_cpu_init(unsigned cpu)
{
    bool ok = cpu_can_run_vcpus();
    if (state == SVM_UNKNOWN) {
        maps_init();
        nrips = ok && ((cpuid(0x8000000au, 0).edx >> 3) & 1);
    }
    if (!ok) {
        state = SVM_UNUSABLE;
        return;
    }
    if (state == SVM_UNKNOWN)
        state = SVM_USABLE;
    wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SVME);
    wrmsr(MSR_VM_HSAVE_PA, virt_to_phys(hsave[cpu]));
}

bool svm_cpu_usable(void) { return state == SVM_USABLE; }
bool svm_has_nrips(void) { return nrips; }
uint64_t svm_msrpm_pa(void) { return virt_to_phys(msrpm); }
uint64_t svm_iopm_deny_all_pa(void) { return virt_to_phys(iopm_deny_all); }
uint64_t svm_hsave_pa(unsigned cpu) { return virt_to_phys(hsave[cpu]); }
uint64_t svm_host_state_pa(unsigned cpu) { return virt_to_phys(host_state[cpu]); }

uint8_t *svm_iopm_alloc(void)
{
    for (unsigned i = 0; i < GUEST_IOPMS; i++)
        if (!guest_iopm_used[i]) {
            guest_iopm_used[i] = true;
            memset(guest_iopm[i], 0xff, IOPM_SIZE);
            return guest_iopm[i];
        }
    return 0;
}

void svm_iopm_free(uint8_t *iopm)
{
    for (unsigned i = 0; i < GUEST_IOPMS; i++)
        if (guest_iopm[i] == iopm)
            guest_iopm_used[i] = false;
}
