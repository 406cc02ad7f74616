#pragma once
#include "mdb.h"
#include "pd.h"

/* How often the mapping database asked for each hardware effect. */
extern unsigned hw_granted, hw_reduced, hw_removed;
void host_pd_init(struct pd *pd);
void host_pd_fini(struct pd *pd);
