/* Helpers for exit handlers: the reply's registers and injections. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include "vmm.h"

void exit_set_rax(struct exit *e, uint64_t v);
/* Inject an event (type: NOVA_INJ_INFO_TYPE_*), with an error code if `error`. */
void exit_inject(struct exit *e, unsigned vector, unsigned type, bool error, uint32_t code);
void exit_inject_gp(struct exit *e);
