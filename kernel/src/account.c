/* Kernel memory through an account: the slabs of kmem.c (on the host, the
 * tests' calloc), and the count of what each PD pays for. Every byte the
 * kernel takes from kmem.c is counted here, to a PD or to the kernel. */
#include "account.h"
#include "kmem.h"

static uint64_t unowned;   /* the kernel's own: allocated without an account */

void *account_alloc(struct account *a, size_t size)
{
    void *p = kmem_alloc(size);
    if (p)
        *(a ? &a->used : &unowned) += size;
    return p;
}

void account_free(struct account *a, void *p, size_t size)
{
    if (p)
        *(a ? &a->used : &unowned) -= size;
    kmem_free(p, size);
}

uint64_t account_unowned(void) { return unowned; }
