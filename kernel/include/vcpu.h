/* Virtual CPUs (spec 5.3.2 with UTCB 0): an EC whose user state is a guest
 * CPU. It runs when an SC resolves to it like any EC; each VM exit becomes an
 * implicit call through the portal at SELEVT + the exit's number (spec 8.2,
 * SVM table), and the handler's reply writes the state its MTD selects back.
 * The architecture code (arch/x86_64/vcpu*.c, AMD SVM) implements these. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <nova/spec.h>

struct ec;
struct pd;

/* vCPUs can run on every CPU (SVM with nested paging); else create_ec with
 * UTCB 0 answers BAD_FTR and the HIP reports no SVM. */
bool vcpu_supported(void);
/* The vCPU state of a new EC, charged to `owner`; false when out of memory. */
bool vcpu_create(struct ec *ec, struct pd *owner);
void vcpu_destroy(struct ec *ec, struct pd *owner);
/* Enter the guest. Called with the kernel lock held, like ec_resume. */
_Noreturn void vcpu_resume(struct ec *ec);
/* The intercept message of `event` (spec 8.3, 8.4), and the reply to it. */
void vcpu_msg_store(struct ec *ec, unsigned event, uint64_t mtd, struct nova_utcb *u);
void vcpu_msg_load(struct ec *ec, const struct nova_utcb *u);
/* Guest state on the console, when a vCPU is shut down. */
void vcpu_dump(const struct ec *ec);
