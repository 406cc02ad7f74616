/* Portal (spec 2.4): an entry point into the PD of its EC. */
#pragma once
#include <stdint.h>
#include "kobj.h"

struct ec;

struct pt {
    struct kobj obj;
    struct ec *ec;
    uint64_t mtd;
    uint64_t ip;
    uint64_t pid;
};

/* The last reference is gone (kobj.c). */
void pt_destroy(struct pt *pt);
