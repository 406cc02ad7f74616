#include "self_delegate.h"
#include "test.h"

#define SD_SEL   0x7400
#define SD_UTCB  0x0000230000000000ull

static uint8_t sd_stack[8192] __attribute__((aligned(16)));
static bool sd_ready;

/* Reply with one typed item: item word and CRD the caller sent as w0, w1. */
static void item_echo(uint64_t pid)
{
    (void)pid;
    struct nova_utcb *u = (struct nova_utcb *)SD_UTCB;
    uint64_t item = u->data.words[0], crd = u->data.words[1];
    u->data.words[NOVA_UTCB_TYPED_ITEM_WORD(0)] = item;
    u->data.words[NOVA_UTCB_TYPED_CRD_WORD(0)] = crd;
    u->head.items = nova_utcb_items(0, 1);
    nova_reply((uintptr_t)&sd_stack[sizeof sd_stack] - 8);
}

/* One helper EC and portal, made by whichever test asks first. */
static enum nova_status call_echo(uint64_t item, uint64_t crd)
{
    uint64_t ec = SD_SEL, pt = SD_SEL + 1;
    if (!sd_ready) {
        if (nova_create_ec(ec, SEL_ROOT_PD, nova_boot_cpu, SD_UTCB, (uintptr_t)&sd_stack[sizeof sd_stack] - 8, 0,
                           0) != NOVA_SUCCESS ||
            nova_create_pt(pt, SEL_ROOT_PD, ec, 0, (uintptr_t)item_echo) != NOVA_SUCCESS)
            return NOVA_BAD_CAP;
        sd_ready = true;
    }
    struct nova_utcb *u = nova_root_utcb();
    u->data.words[0] = item;
    u->data.words[1] = crd;
    u->head.items = nova_utcb_items(2, 0);
    return nova_call(pt, 0);
}

static enum nova_status delegate_item(uint64_t item, uint64_t crd, uint64_t del)
{
    struct nova_utcb *u = nova_root_utcb();
    u->head.del = del;
    enum nova_status s = call_echo(item, crd);
    u->head.del = nova_crd_null();
    return s;
}

enum nova_status delegate_to_self(uint64_t crd, uint64_t hotspot, bool h, uint64_t del)
{
    return delegate_item(nova_item_delegate(hotspot, h, 0, 0), crd, del);
}

enum nova_status delegate_to_self_dma(uint64_t crd, uint64_t hotspot, bool h, uint64_t del)
{
    return delegate_item(nova_item_delegate(hotspot, h, 0, 1), crd, del);
}

uint64_t translate_from_self(uint64_t crd, uint64_t xlt)
{
    struct nova_utcb *u = nova_root_utcb();
    u->head.xlt = xlt;
    enum nova_status s = call_echo(nova_item_translate(), crd);
    u->head.xlt = nova_crd_null();
    CHECK_EQ(s, NOVA_SUCCESS);
    CHECK_EQ(nova_utcb_items_t(u->head.items), 1);
    return u->data.words[NOVA_UTCB_TYPED_CRD_WORD(0)];
}
