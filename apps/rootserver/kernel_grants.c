/* The root PD asks the kernel for resources with the H bit (spec 6.1.1),
 * during IPC to an EC of its own: the grant EC answers a call with the one
 * delegate item the root describes, and the kernel fills the root's
 * receive window from its own resources. */
#include "rootserver.h"

#define GRANT_EC   0x100
#define GRANT_PT   0x101
#define GRANT_UTCB 0x0000200000000000ull

static uint8_t grant_stack[4096] __attribute__((aligned(16)));

static void grant_entry(uint64_t pid)
{
    (void)pid;
    struct nova_utcb *u = (struct nova_utcb *)GRANT_UTCB;
    uint64_t item = u->data.words[0], crd = u->data.words[1];
    u->data.words[NOVA_UTCB_TYPED_ITEM_WORD(0)] = item;
    u->data.words[NOVA_UTCB_TYPED_CRD_WORD(0)] = crd;
    u->head.items = nova_utcb_items(0, 1);
    nova_reply((uintptr_t)&grant_stack[sizeof grant_stack] - 8);
}

bool kernel_grant(uint64_t crd, uint64_t hotspot, uint64_t window)
{
    static bool ready;
    if (!ready) {
        if (nova_create_ec(GRANT_EC, ROOT_PD, nova_boot_cpu, GRANT_UTCB,
                           (uintptr_t)&grant_stack[sizeof grant_stack] - 8, 0, 0) != NOVA_SUCCESS ||
            nova_create_pt(GRANT_PT, ROOT_PD, GRANT_EC, 0, (uintptr_t)grant_entry) != NOVA_SUCCESS)
            return false;
        ready = true;
    }
    struct nova_utcb *u = nova_root_utcb();
    u->data.words[0] = nova_item_delegate(hotspot, 1, 0, 0);
    u->data.words[1] = crd;
    u->head.items = nova_utcb_items(2, 0);
    u->head.del = window;
    enum nova_status s = nova_call(GRANT_PT, 0);
    u->head.del = nova_crd_null();
    return s == NOVA_SUCCESS && nova_utcb_items_t(u->head.items) == 1 &&
           u->data.words[NOVA_UTCB_TYPED_CRD_WORD(0)] != nova_crd_null();
}
