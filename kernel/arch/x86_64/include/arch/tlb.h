/* Make other CPUs forget user translations after a mapping shrank. */
#pragma once

void tlb_shootdown(void);
void tlb_shootdown_ack(void);   /* the IPI handler's side */
