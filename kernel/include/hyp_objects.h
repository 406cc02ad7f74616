/* Kernel objects the root PD can request with the H bit (spec 6.1.1): the
 * idle SC of every CPU at selectors 0 .. n-1 (n = NOVUM_MAX_CPUS, the
 * HIP's CPU count) and a semaphore per GSI at n .. n+GSI-1. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "kobj.h"

struct sc;
struct sm;

void hyp_objects_init(void);
/* The object behind kernel selector `sel` and the permissions it comes
 * with, or 0. */
struct kobj *hyp_object(uint64_t sel, uint32_t *perms);
struct sc *idle_sc_of(unsigned cpu);
struct sm *gsi_sm_of(unsigned gsi);
bool sm_gsi(const struct sm *sm, unsigned *gsi);
