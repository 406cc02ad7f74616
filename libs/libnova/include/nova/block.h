/*
 * The block service's protocol and its client library (apps/virtio_blk
 * serves it; docs/components.md, "The block service").
 *
 * Data never travels in messages. At connect time the client delegates a
 * buffer of its own to the driver: one naturally aligned power-of-two
 * region of 4 KiB to BLOCK_MAX_BUFFER, read-write, with the D bit, so the
 * driver's device reaches it (docs/api.md, "DMA (D bit)"). Every read and
 * write then names a byte offset into that buffer, and the device moves the
 * sectors by DMA straight between disk and buffer: no copy in the driver.
 * The buffer stays shared until disconnect (or the driver's end); the client
 * must not touch the bytes of a request in flight, which with synchronous
 * calls means nothing.
 *
 * Sessions: every client of a "block" offer calls the same portal (one
 * PID), so the driver tells clients apart by the session word connect
 * returns: a slot number and an unguessable 48-bit secret. A request with
 * another session word is refused (BLOCK_ERR_SESSION) and touches nothing.
 *
 * Protocol ("block" portal; NOVA IPC is CPU-local, so a client runs on the
 * driver's CPU): w0 = operation; the reply's w0 is a BLOCK_* status.
 *
 *   BLOCK_OP_CONNECT  w1 = the buffer's size in bytes, one typed item
 *                     delegating the buffer (memory CRD of that size, r and
 *                     w, D bit; hotspot 0). Reply: w0 = BLOCK_OK,
 *                     w1 = session, w2 = capacity (sectors), w3 = sector
 *                     size (BLOCK_SECTOR), w4 = the most sectors one request
 *                     may move, w5 = flags (BLOCK_FLAG_*), w6 = the buffer
 *                     size the driver received. Errors: BLOCK_ERR_ARG (no
 *                     w1), BLOCK_ERR_NOBUF (w1 no power of two from 4096
 *                     to BLOCK_MAX_BUFFER, or the first or last page of that
 *                     size did not arrive with r and w), BLOCK_ERR_FULL
 *                     (BLOCK_MAX_SESSIONS connected).
 *   BLOCK_OP_INFO     w1 = session. Reply: w1..w5 as for connect but w1 =
 *                     session again.
 *   BLOCK_OP_READ     w1 = session, w2 = first sector, w3 = sector count,
 *   BLOCK_OP_WRITE    w4 = byte offset in the buffer. Reply: w0 only.
 *                     Errors: BLOCK_ERR_RANGE (count 0, more than the most,
 *                     or beyond the capacity), BLOCK_ERR_BUF (the bytes do
 *                     not lie in the buffer), BLOCK_ERR_RO (write to a
 *                     read-only disk), BLOCK_ERR_IO (the device failed the
 *                     request), BLOCK_ERR_DEVICE (the device needed a reset;
 *                     the driver has restarted it, the request did not happen
 *                     and may be sent again).
 *   BLOCK_OP_FLUSH    w1 = session: written sectors are durable on return.
 *   BLOCK_OP_DISCONNECT w1 = session: the driver drops its capability for the
 *                     buffer (the client's own stays) and the session ends.
 *   Missing words: BLOCK_ERR_ARG; unknown w0: BLOCK_ERR_OP.
 */
#pragma once
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <nova/component.h>

enum block_op {
    BLOCK_OP_CONNECT = 1,
    BLOCK_OP_INFO = 2,
    BLOCK_OP_READ = 3,
    BLOCK_OP_WRITE = 4,
    BLOCK_OP_FLUSH = 5,
    BLOCK_OP_DISCONNECT = 6,
};

enum block_status {
    BLOCK_OK = 0,
    BLOCK_ERR_OP = 1,        /* unknown operation */
    BLOCK_ERR_ARG = 2,       /* a word of the request is missing */
    BLOCK_ERR_SESSION = 3,   /* no such session */
    BLOCK_ERR_NOBUF = 4,     /* connect: no usable buffer arrived */
    BLOCK_ERR_FULL = 5,      /* connect: BLOCK_MAX_SESSIONS sessions */
    BLOCK_ERR_RANGE = 6,     /* sectors out of range, or too many at once */
    BLOCK_ERR_BUF = 7,       /* the bytes are not inside the shared buffer */
    BLOCK_ERR_RO = 8,        /* the disk is read-only */
    BLOCK_ERR_IO = 9,        /* the device reported an error */
    BLOCK_ERR_DEVICE = 10,   /* the device failed and was restarted: try again */
    BLOCK_ERR_IPC = 11,      /* client side: the call failed or the reply was short */
};

#define BLOCK_SECTOR       512u
#define BLOCK_MAX_BUFFER   (64u << 20)
#define BLOCK_MAX_SESSIONS 8u
#define BLOCK_FLAG_READ_ONLY 1u

/* A client's connection; all calls use the main EC's UTCB. */
struct block_client {
    uint64_t portal;          /* the "block" portal: NOVA_COMPONENT_SEL_USE(k) */
    uint64_t session;
    uint8_t *buf;             /* the shared buffer */
    size_t buf_size;
    uint64_t capacity;        /* sectors */
    uint32_t sector_size;
    uint32_t max_sectors;     /* per request */
    uint32_t flags;
};

/* Connect to the portal at portal_sel sharing [buf, buf + size): size a
 * power of two from 4096 to BLOCK_MAX_BUFFER, buf aligned to it. The library
 * touches every page first (a component's pages arrive on first touch, and
 * only pages it has can be delegated). BLOCK_ERR_BUF for a bad buffer. */
enum block_status block_connect(struct block_client *c, uint64_t portal_sel, void *buf, size_t size);
/* Read / write `count` sectors from `sector` to / from c->buf + offset */
enum block_status block_read(struct block_client *c, uint64_t sector, uint32_t count, size_t offset);
enum block_status block_write(struct block_client *c, uint64_t sector, uint32_t count, size_t offset);
enum block_status block_flush(struct block_client *c);
/* Ask again for capacity, limits and flags (into c) */
enum block_status block_info(struct block_client *c);
enum block_status block_disconnect(struct block_client *c);
const char *block_strerror(enum block_status s);

/* The raw call: w[0..n-1] sent, U = n, with one delegate item for the memory
 * CRD `crd` (with D) if crd is not the null CRD; the reply's words (at most
 * max) are copied back into w. Returns the number of reply words, or -1 if
 * the call failed. For tests of malformed requests. */
int block_call_raw(uint64_t portal, uint64_t *w, unsigned n, unsigned max, uint64_t crd);
