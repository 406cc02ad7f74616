#pragma once
#include "bootinfo.h"

/* Create the root PD, EC and SC from the first boot module (spec 6.1, 8.1).
 * Returns false, having said why, if the module is not a usable root task. */
bool root_task_create(const struct boot_module *m, unsigned boot_cpu);
