/* Interrupt vectors and their handling. */
#pragma once
#include <stdbool.h>

#define VEC_TIMER     0xf0
#define VEC_RESCHED   0xf1
#define VEC_TLB       0xf2
#define VEC_SPURIOUS  0xff

void irq_handle(unsigned vector, bool from_user);
