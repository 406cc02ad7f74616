/* Exception and event messages (spec 4.4, 8.3, 8.4): the MTD selects which
 * user registers travel between an EC's frame and its handler's UTCB. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <sys_regs.h>
#include <nova/spec.h>

void exc_msg_store(const struct sys_regs *r, unsigned event, uint64_t mtd, struct nova_utcb *u);
/* Apply the handler's reply; false if it names a non-canonical RIP or RSP,
 * in which case the frame is unchanged. */
bool exc_msg_load(struct sys_regs *r, const struct nova_utcb *u);
