#pragma once
#include "mdb.h"
#include "pd.h"

extern unsigned hw_granted, hw_removed, kobj_puts;
void host_pd_init(struct pd *pd);
void host_pd_fini(struct pd *pd);
