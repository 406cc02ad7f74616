/* The Hypervisor Information Page (spec 6.2). */
#pragma once
#include <stdint.h>
#include <nova/spec.h>

extern struct nova_hip *hip;      /* kernel view, one page */
extern uint64_t hip_phys;

void hip_build(unsigned boot_cpu);
