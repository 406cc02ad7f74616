/* AMD SVM: what the rest of the architecture code needs of it. */
#pragma once
#include <stdbool.h>
#include <stdint.h>

struct vmcb;

/* Per vCPU: the VMCB and the registers SVM does not switch. */
struct vcpu {
    struct vmcb *vmcb;
    uint64_t dr[4];               /* DR0-DR3 belong to the guest while it runs */
    uint64_t flushed_generation;  /* guest_space generation at the last TLB flush */
    bool halted;                  /* HLT activity state: runs again after a recall */
};

/* Detect SVM with nested paging on this CPU and turn it on (EFER.SVME, host
 * save area). vCPUs run only if every CPU can run them. */
void svm_cpu_init(unsigned cpu);
bool svm_cpu_usable(void);
bool svm_has_nrips(void);
uint64_t svm_msrpm_pa(void);
uint64_t svm_iopm_deny_all_pa(void);
uint64_t svm_hsave_pa(unsigned cpu);
uint64_t svm_host_state_pa(unsigned cpu);
/* Guest I/O permission maps: 12 KiB, physically contiguous. */
uint8_t *svm_iopm_alloc(void);
void svm_iopm_free(uint8_t *iopm);

/* Run the guest until its next #VMEXIT; guest GPRs other than RAX and RSP
 * are loaded from and saved to `gprs` (struct sys_regs layout). */
void svm_run(void *gprs, uint64_t vmcb_pa, uint64_t host_state_pa);

void vcpu_set_intercepts(struct vmcb *v, uint32_t ctrl1, uint32_t ctrl2, uint32_t exceptions);
