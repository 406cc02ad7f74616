/* Portal (spec 2.4): an entry point into the PD of its EC. */
#pragma once
#include <stdint.h>
#include "kobj.h"

struct ec;
struct pd;

struct pt {
    struct kobj obj;
    struct ec *ec;
    uint64_t mtd;
    uint64_t ip;
    uint64_t pid;
};

/* A portal owned by `owner` into `ec`, entered at `ip` with the message
 * transfer descriptor `mtd`. The capability to it lands at selector `sel`
 * of `creator`. 0 when kernel memory ran out; then nothing is left behind.
 * The caller has checked that `sel` is free. */
struct pt *pt_create(struct pd *owner, struct ec *ec, uint64_t mtd, uint64_t ip, struct pd *creator, uint64_t sel);
/* The last reference is gone (kobj.c). */
void pt_destroy(struct pt *pt);
