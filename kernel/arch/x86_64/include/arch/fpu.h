/* FPU/SSE state per EC, switched lazily: the state stays in the registers
 * until another EC uses the FPU, which traps (#NM) because CR0.TS is set.
 * IPC between ECs that never touch the FPU thus costs no save or restore. */
#pragma once
#include <stdbool.h>

struct ec;

void fpu_switch_to(struct ec *ec);   /* on every return to user */
bool fpu_claim(struct ec *ec);       /* #NM: true if it was the lazy switch */
void fpu_load(struct ec *ec);         /* eagerly: a vCPU's guest uses the registers directly */
void fpu_forget(struct ec *ec);      /* the EC is gone */
