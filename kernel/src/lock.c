#include "lock.h"
#include "spinlock.h"

static struct spinlock kernel_lock;

void big_lock(void) { spin_lock(&kernel_lock); }
void big_unlock(void) { spin_unlock(&kernel_lock); }
