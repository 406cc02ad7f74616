/* libs/posix/memory.c (anonymous mmap over the heap region) against a
 * reference model: first fit, no overlap, zeroed memory, and the errors. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "../../../libs/posix/posix.h"
#include "unit.h"

#define PAGE 4096u
#define HEAP_PAGES 65u   /* one bitmap page, 64 to hand out */
#define USABLE 64u

static unsigned char *new_heap(void)
{
    unsigned char *heap = aligned_alloc(PAGE, HEAP_PAGES * PAGE);
    memset(heap, 0, HEAP_PAGES * PAGE);   /* the root server pages in zeroes */
    posix_memory_init((uintptr_t)heap, HEAP_PAGES * PAGE);
    return heap;
}

static long map(long len) { return sys_mmap(0, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0); }

static int all_bytes(const unsigned char *p, size_t n, unsigned char v)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] != v)
            return 0;
    return 1;
}

/* The model's first free run of n pages, or -1. */
static int model_first_fit(const unsigned char *owner, unsigned n)
{
    for (unsigned p = 0, run = 0; p < USABLE; p++) {
        run = owner[p] ? 0 : run + 1;
        if (run == n)
            return (int)(p + 1 - n);
    }
    return -1;
}

UNIT_TEST(posix_mmap_matches_a_first_fit_model)
{
    unsigned char *heap = new_heap(), *pages = heap + PAGE;
    unsigned char owner[USABLE] = { 0 };   /* 0 free, else the mapping's tag */
    unsigned first[256] = { 0 }, count[256] = { 0 };
    srand(7);
    for (unsigned step = 0; step < 20000; step++) {
        unsigned tag = 1 + (unsigned)rand() % 255;
        if (count[tag]) {   /* unmap it and check its contents survived */
            EXPECT(all_bytes(pages + first[tag] * PAGE, count[tag] * PAGE, (unsigned char)tag));
            EXPECT(sys_munmap((long)(pages + first[tag] * PAGE), count[tag] * PAGE) == 0);
            memset(owner + first[tag], 0, count[tag]);
            count[tag] = 0;
            continue;
        }
        unsigned n = 1 + (unsigned)rand() % 6;
        int expect = model_first_fit(owner, n);
        long got = map((long)(n * PAGE - (unsigned)rand() % PAGE));
        if (expect < 0) {
            EXPECT(got == -ENOMEM);
            continue;
        }
        EXPECT(got == (long)(pages + (unsigned)expect * PAGE));
        if (got != (long)(pages + (unsigned)expect * PAGE))
            return;
        EXPECT(all_bytes((unsigned char *)got, n * PAGE, 0));   /* anonymous memory reads zero */
        memset((void *)got, (int)tag, n * PAGE);
        memset(owner + expect, (int)tag, n);
        first[tag] = (unsigned)expect;
        count[tag] = n;
    }
    free(heap);
}

UNIT_TEST(posix_madvise_dontneed_clears_mapped_pages)
{
    unsigned char *heap = new_heap();
    long a = map(2 * PAGE);
    EXPECT(a > 0);
    memset((void *)a, 0x5a, 2 * PAGE);
    EXPECT(sys_madvise(a, 2 * PAGE, MADV_DONTNEED) == 0);
    EXPECT(all_bytes((unsigned char *)a, 2 * PAGE, 0));
    memset((void *)a, 0x5a, 2 * PAGE);
    EXPECT(sys_madvise(a, 2 * PAGE, MADV_WILLNEED) == 0);   /* advice only */
    EXPECT(all_bytes((unsigned char *)a, 2 * PAGE, 0x5a));
    free(heap);
}

UNIT_TEST(posix_mmap_errors)
{
    unsigned char *heap = new_heap();
    EXPECT(sys_mmap(0, PAGE, PROT_READ, MAP_PRIVATE, 3, 0) == -ENOSYS);
    EXPECT(sys_mmap(0, PAGE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED, -1, 0) == -ENOSYS);
    EXPECT(sys_mmap(0, PAGE, PROT_READ | PROT_EXEC, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0) == -EACCES);
    EXPECT(map(0) == -EINVAL);
    EXPECT(map((long)(USABLE + 1) * PAGE) == -ENOMEM);
    long a = map(PAGE);
    EXPECT(sys_munmap(a + 1, PAGE) == -EINVAL);
    EXPECT(sys_munmap(a, 0) == -EINVAL);
    EXPECT(sys_munmap((long)heap, PAGE) == -EINVAL);   /* the bitmap is not mappable */
    EXPECT(sys_madvise((long)heap + HEAP_PAGES * PAGE, PAGE, MADV_DONTNEED) == -ENOMEM);
    EXPECT(sys_brk(0) == (long)heap + HEAP_PAGES * PAGE);
    free(heap);
}

UNIT_TEST(posix_mmap_without_a_heap)
{
    posix_memory_init(0x40000000, 0);
    EXPECT(map(PAGE) == -ENOMEM);
    posix_memory_init(0x40000000, PAGE);   /* room for the bitmap only */
    EXPECT(map(PAGE) == -ENOMEM);
}
