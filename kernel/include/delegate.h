/* Typed items (spec 4.6.2.2): capability delegation during IPC. */
#pragma once
#include <stdbool.h>

struct ec;

/* Process the typed items of `from`'s UTCB into `to`'s PD: delegate items
 * into the receive window CRDWIND, translate items against CRDWINT; the
 * receiver gets one result item per sent item. A reply to an exception has
 * no window: capabilities land where the hotspot says (interpretation,
 * docs/api.md). */
void delegate_items(struct ec *from, struct ec *to, bool exception_reply);
