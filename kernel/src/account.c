/* Kernel memory through an account: the slabs of kmem.c (on the host, the
 * tests' calloc), and the count of what each PD pays for. */
#include "account.h"
#include "kmem.h"

void *account_alloc(struct account *a, size_t size)
{
    void *p = kmem_alloc(size);
    if (p && a)
        a->used += size;
    return p;
}

void account_free(struct account *a, void *p, size_t size)
{
    if (p && a)
        a->used -= size;
    kmem_free(p, size);
}
