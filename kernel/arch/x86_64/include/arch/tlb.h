/* Make other CPUs forget user translations after a mapping shrank. */
#pragma once
#include <stdbool.h>

void tlb_shootdown(void);
void tlb_shootdown_ack(void);      /* the IPI handler's side */
void tlb_lock_waiting(bool waiting);   /* around the wait for the kernel lock */
void tlb_catch_up(void);           /* with the lock: flush if a shootdown passed us by */
