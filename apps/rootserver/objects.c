/* The object service (nova/component.h, NOVA_COMPONENT_SEL_ROOT): kernel
 * objects the root server creates for a component and owns itself, so
 * that a restart (restart.c) can take them away: the capability of an
 * object the component made itself would live only in its own space, and
 * the object would hold its PD, which then never dies. The new capability
 * goes to the caller's receive window, with every permission. */
#include "rootserver.h"

static enum nova_status serve(struct component *c, const struct nova_utcb *u, uint64_t *sel)
{
    if (nova_utcb_items_u(u->head.items) < 3 || u->data.words[1] >= NOVA_COMPONENT_EC_SLOTS)
        return NOVA_BAD_PAR;
    unsigned slot = (unsigned)u->data.words[1];
    uint64_t b = c->sel_base;
    switch (u->data.words[0]) {
    case NOVA_ROOT_OP_EC:
        *sel = b + BLK_OWN_EC(slot);
        return nova_create_ec(*sel, b + BLK_PD, c->plan->cpu, NOVA_COMPONENT_EC_UTCB(slot), u->data.words[2], 0,
                              NOVA_FLAG_CREATE_EC_G);
    case NOVA_ROOT_OP_SC:
        *sel = b + BLK_OWN_SC(slot);
        return nova_create_sc(*sel, b + BLK_PD, b + BLK_OWN_EC(slot), u->data.words[2]);
    default:
        return NOVA_BAD_PAR;
    }
}

void component_service(unsigned i, struct nova_utcb *u)
{
    uint64_t sel = 0;
    enum nova_status st = serve(&components[i], u, &sel);
    u->data.words[0] = st;
    u->head.items = nova_utcb_items(1, 0);
    if (st == NOVA_SUCCESS) {   /* the hotspot does not matter: the window is one selector */
        u->data.words[NOVA_UTCB_TYPED_ITEM_WORD(0)] = nova_item_delegate(0, 0, 0, 0);
        u->data.words[NOVA_UTCB_TYPED_CRD_WORD(0)] = nova_crd_obj(sel, 0, 0x1f);
        u->head.items = nova_utcb_items(1, 1);
    }
}
