/* CPU topology and which CPUs run. */
#pragma once
#include <stdint.h>
#include <stdbool.h>

struct topology { unsigned package, core, thread; };

struct topology topology_of(uint32_t apic_id);
bool cpu_online(unsigned cpu);
void cpu_mark_online(unsigned cpu);
