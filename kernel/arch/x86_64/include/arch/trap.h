#pragma once
#include <sys_regs.h>

void dump_regs(const struct sys_regs *r);
const char *exception_name(unsigned vector);
void trap_handler(struct sys_regs *r);
