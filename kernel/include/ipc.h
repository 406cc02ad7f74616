/* Portal IPC (spec 3.2, 5.2): rendezvous, reply, exception messages. */
#pragma once
#include <stdbool.h>

struct ec;
struct pt;

/* Deliver `caller`'s request (a call, or the event it raised) through `pt`,
 * whose EC waits for calls. */
void ipc_rendezvous(struct ec *caller, struct pt *pt, bool donate);
/* `caller` wants `pt`'s EC, which is busy: queue it (it helps, see sc.c). */
void ipc_enqueue_sender(struct ec *caller, struct pt *pt, bool donate);
void ipc_dequeue_sender(struct ec *sender);
/* The EC `ec` is gone: wake everybody who waits on it with COM_ABT. */
void ipc_abort_partners(struct ec *ec);
/* A queued caller whose portal went away. */
void ipc_abort_sender(struct ec *sender);
