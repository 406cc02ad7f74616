/* The block service's client library (include/nova/block.h). */
#include <nova/block.h>

int block_call_raw(uint64_t portal, uint64_t *w, unsigned n, unsigned max, uint64_t crd)
{
    /* D: the buffer is for the driver's device */
    return component_call_words(portal, w, n, max, nova_item_delegate(0, 0, 0, 1), crd);
}

/* w1.. of a connect or info reply */
static void take_info(struct block_client *c, const uint64_t *w)
{
    c->capacity = w[2];
    c->sector_size = (uint32_t)w[3];
    c->max_sectors = (uint32_t)w[4];
    c->flags = (uint32_t)w[5];
}

enum block_status block_connect(struct block_client *c, uint64_t portal_sel, void *buf, size_t size)
{
    uintptr_t va = (uintptr_t)buf;
    unsigned order = 0;
    while ((4096ull << order) < size)
        order++;
    if (size < 4096 || size > BLOCK_MAX_BUFFER || (4096ull << order) != size || (va & (size - 1)))
        return BLOCK_ERR_BUF;
    *c = (struct block_client){ .portal = portal_sel, .buf = buf, .buf_size = size };
    /* pages arrive on first touch, and only pages the component has are delegated */
    volatile uint8_t *p = buf;
    for (size_t off = 0; off < size; off += 4096) {
        uint8_t keep = p[off];   /* a write: the page arrives writable */
        p[off] = keep;
    }
    uint64_t w[7] = { BLOCK_OP_CONNECT, size };
    int got = block_call_raw(portal_sel, w, 2, 7, nova_crd_mem(va >> 12, order, NOVA_PERM_MEM_R | NOVA_PERM_MEM_W));
    if (got < 1)
        return BLOCK_ERR_IPC;
    if (w[0] != BLOCK_OK)
        return (enum block_status)w[0];
    if (got < 7 || w[6] != size)
        return BLOCK_ERR_IPC;
    c->session = w[1];
    take_info(c, w);
    return BLOCK_OK;
}

enum block_status block_info(struct block_client *c)
{
    uint64_t w[6] = { BLOCK_OP_INFO, c->session };
    int got = block_call_raw(c->portal, w, 2, 6, nova_crd_null());
    if (got < 1)
        return BLOCK_ERR_IPC;
    if (w[0] == BLOCK_OK && got < 6)
        return BLOCK_ERR_IPC;
    if (w[0] == BLOCK_OK)
        take_info(c, w);
    return (enum block_status)w[0];
}

static enum block_status transfer(struct block_client *c, enum block_op op, uint64_t sector, uint32_t count,
                                  size_t offset)
{
    uint64_t w[5] = { op, c->session, sector, count, offset };
    int got = block_call_raw(c->portal, w, 5, 1, nova_crd_null());
    return got < 1 ? BLOCK_ERR_IPC : (enum block_status)w[0];
}

enum block_status block_read(struct block_client *c, uint64_t sector, uint32_t count, size_t offset)
{
    return transfer(c, BLOCK_OP_READ, sector, count, offset);
}

enum block_status block_write(struct block_client *c, uint64_t sector, uint32_t count, size_t offset)
{
    return transfer(c, BLOCK_OP_WRITE, sector, count, offset);
}

static enum block_status simple(struct block_client *c, enum block_op op)
{
    uint64_t w[2] = { op, c->session };
    int got = block_call_raw(c->portal, w, 2, 1, nova_crd_null());
    return got < 1 ? BLOCK_ERR_IPC : (enum block_status)w[0];
}

enum block_status block_flush(struct block_client *c) { return simple(c, BLOCK_OP_FLUSH); }
enum block_status block_disconnect(struct block_client *c) { return simple(c, BLOCK_OP_DISCONNECT); }

const char *block_strerror(enum block_status s)
{
    static const char *const names[] = {
        [BLOCK_OK] = "ok",
        [BLOCK_ERR_OP] = "unknown operation",
        [BLOCK_ERR_ARG] = "missing words",
        [BLOCK_ERR_SESSION] = "no such session",
        [BLOCK_ERR_NOBUF] = "no buffer",
        [BLOCK_ERR_FULL] = "too many sessions",
        [BLOCK_ERR_RANGE] = "sectors out of range",
        [BLOCK_ERR_BUF] = "outside the shared buffer",
        [BLOCK_ERR_RO] = "read-only disk",
        [BLOCK_ERR_IO] = "I/O error",
        [BLOCK_ERR_DEVICE] = "device restarted",
        [BLOCK_ERR_IPC] = "IPC failed",
    };
    return (unsigned)s < sizeof names / sizeof names[0] ? names[s] : "?";
}
