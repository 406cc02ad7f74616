/* The mapping database (spec 3.5, 3.6): every capability in every space is
 * a node that records what it names, its permissions and the capability it
 * was delegated from. Delegation adds a child; revoke removes permissions
 * from a node's whole subtree and deletes nodes left without any.
 *
 * Memory and port capabilities are tracked per 4 KiB page and per port, so
 * revocation is exact at that granularity. */
#pragma once
#include <stdbool.h>
#include <stdint.h>
#include <spec_objects.h>   /* enum cap_space: numbered as the CRD types */
#include "radix.h"

struct account;
struct pd;   /* only named: the database reaches a PD through the functions below */

struct mdb_node {
    struct pd *pd;
    uint64_t sel;          /* selector, virtual page or port in pd's space */
    uint64_t res;          /* what it names: object address, physical page, port */
    uint32_t perms;
    uint8_t space;
    bool pinned;           /* a UTCB: never revoked or delegated */
    bool guest;            /* delegated with G: reachable by the PD's vCPUs too (spec 4.6) */
    bool dma;              /* delegated with D: reachable by the PD's devices too (spec 4.6) */
    struct mdb_node *parent, *child, *next, *prev;
};

struct mdb_node *mdb_lookup(const struct pd *pd, unsigned space, uint64_t sel);
/* A capability at an empty selector, derived from `parent` (0: made by the
 * kernel). 0 if the selector is taken or memory ran out. */
struct mdb_node *mdb_insert(struct pd *pd, unsigned space, uint64_t sel, uint64_t res, uint32_t perms,
                            struct mdb_node *parent);
/* The same for a memory or port capability delegated with the G bit. */
struct mdb_node *mdb_insert_guest(struct pd *pd, unsigned space, uint64_t sel, uint64_t res, uint32_t perms,
                                  struct mdb_node *parent);
/* The same with the G and D bits as given in `gd` (MDB_G, MDB_D; D: memory
 * only, the caller checks). */
#define MDB_G 1u
#define MDB_D 2u
struct mdb_node *mdb_insert_gd(struct pd *pd, unsigned space, uint64_t sel, uint64_t res, uint32_t perms,
                               struct mdb_node *parent, unsigned gd);
/* Remove `mask` from the subtree below `node` (and from `node` if `self`),
 * deleting nodes left without permissions. Works on at most *budget nodes;
 * false if it stopped early (call it again: revocation is idempotent). */
bool mdb_revoke(struct mdb_node *node, uint32_t mask, bool self, unsigned *budget);
/* Delete every capability of one space of a PD (the PD goes away). */
void mdb_clear_space(struct pd *pd, unsigned space);

/* What a capability does to the machine, and where a PD's spaces and
 * account are, implemented by cap_hw.c (the kernel) and by the host tests'
 * stand-in. */
bool cap_hw_grant(struct mdb_node *n);                 /* false: out of memory */
void cap_hw_reduce(struct mdb_node *n, uint32_t old_perms);
void cap_hw_remove(struct mdb_node *n);
struct radix *cap_space_of(struct pd *pd, unsigned space);
struct account *cap_account_of(struct pd *pd);   /* pays for the nodes and tables of its spaces */
