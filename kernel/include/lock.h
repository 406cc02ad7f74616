/* The big kernel lock: the kernel runs on one CPU at a time. Taken on every
 * entry from user mode or idle, dropped on the way back to user mode and
 * before idling; with the kernel's continuation style there are no other
 * exits. Simple and enough for a kernel that never blocks inside. */
#pragma once

void big_lock(void);
void big_unlock(void);
