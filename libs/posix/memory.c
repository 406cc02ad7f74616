/* Anonymous memory for musl's malloc (and anything else that maps memory):
 * pages of the component's heap region (system.toml heap_size; the root
 * server backs each page with zeroed memory on first touch). A bitmap at
 * the start of the region records which pages are mapped; mmap takes the
 * first free run that fits. Pages that were mapped before are cleared when
 * mapped again, as anonymous memory must read zero.
 *
 * What is not supported: files, MAP_FIXED and executable memory; mremap
 * (musl's realloc copies instead); growing the break (musl's malloc then
 * takes mmap's memory for its metadata as well). */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include "posix.h"

#define PAGE 4096ul
#define WORD_BITS 64u

static uint64_t *mapped;       /* bit i: page i of `pages` is mapped */
static uintptr_t pages_base;   /* first page after the bitmap */
static size_t page_count;
static size_t dirty_end;       /* pages at or above were never mapped: still zero */
static uintptr_t heap_end;

void posix_memory_init(uintptr_t heap_base, size_t heap_size)
{
    size_t total = heap_size / PAGE;
    size_t bitmap_bytes = (total + WORD_BITS - 1) / WORD_BITS * sizeof(uint64_t);
    size_t bitmap_pages = (bitmap_bytes + PAGE - 1) / PAGE;
    heap_end = heap_base + total * PAGE;
    dirty_end = 0;
    mapped = 0;
    page_count = 0;
    if (total <= bitmap_pages)
        return;
    mapped = (uint64_t *)heap_base;
    pages_base = heap_base + bitmap_pages * PAGE;
    page_count = total - bitmap_pages;
}

static bool is_mapped(size_t page) { return mapped[page / WORD_BITS] >> (page % WORD_BITS) & 1; }

static void set_mapped(size_t first, size_t n, bool on)
{
    for (size_t p = first; p < first + n; p++) {
        uint64_t bit = UINT64_C(1) << (p % WORD_BITS);
        mapped[p / WORD_BITS] = on ? mapped[p / WORD_BITS] | bit : mapped[p / WORD_BITS] & ~bit;
    }
}

/* The first page of a free run of n pages, or page_count if there is none. */
static size_t find_free_run(size_t n)
{
    size_t run = 0;
    for (size_t p = 0; p < page_count; p++) {
        run = is_mapped(p) ? 0 : run + 1;
        if (run == n)
            return p + 1 - n;
    }
    return page_count;
}

static void clear_pages(size_t first, size_t n)
{
    size_t end = first + n < dirty_end ? first + n : dirty_end;
    if (first < end)
        memset((void *)(pages_base + first * PAGE), 0, (end - first) * PAGE);
}

long sys_mmap(long addr, long len, long prot, long flags, long fd, long offset)
{
    (void)addr;   /* a hint only */
    (void)fd;
    (void)offset;
    if (!(flags & MAP_ANONYMOUS) || (flags & MAP_FIXED))
        return -ENOSYS;
    if (prot & PROT_EXEC)
        return -EACCES;
    if (len <= 0)
        return -EINVAL;
    size_t n = ((size_t)len + PAGE - 1) / PAGE;
    size_t first = n <= page_count ? find_free_run(n) : page_count;
    if (first == page_count)
        return -ENOMEM;
    clear_pages(first, n);
    set_mapped(first, n, true);
    if (first + n > dirty_end)
        dirty_end = first + n;
    return (long)(pages_base + first * PAGE);
}

/* Pages [*first, *first + *n) for the range: EINVAL if it is not
 * page-aligned or empty, `outside` if it leaves the mappable pages. */
static long page_range(long addr, long len, long outside, size_t *first, size_t *n)
{
    uintptr_t a = (uintptr_t)addr;
    if ((a & (PAGE - 1)) || len <= 0)
        return -EINVAL;
    size_t count = ((size_t)len + PAGE - 1) / PAGE;
    if (a < pages_base || (a - pages_base) / PAGE >= page_count || count > page_count - (a - pages_base) / PAGE)
        return outside;
    *first = (a - pages_base) / PAGE;
    *n = count;
    return 0;
}

long sys_munmap(long addr, long len)
{
    size_t first, n;
    long err = page_range(addr, len, -EINVAL, &first, &n);
    if (err)
        return err;
    set_mapped(first, n, false);
    return 0;
}

long sys_madvise(long addr, long len, long advice)
{
    size_t first, n;
    long err = page_range(addr, len, -ENOMEM, &first, &n);
    if (err)
        return err;
    if (advice == MADV_DONTNEED)   /* the pages must read zero afterwards */
        for (size_t p = first; p < first + n; p++)
            if (is_mapped(p))
                clear_pages(p, 1);
    return 0;
}

long sys_brk(long addr)
{
    (void)addr;
    return (long)heap_end;   /* the break stays where it is */
}
