/* The PCI service's client call (include/nova/pci.h). */
#include <nova/pci.h>

int nova_pci_list(uint64_t sel, unsigned first, struct nova_pci_fn *out, unsigned max, unsigned *total,
                  enum nova_status *status)
{
    struct nova_utcb *u = nova_component_utcb();
    u->data.words[0] = first;
    u->head.items = nova_utcb_items(1, 0);
    enum nova_status s = nova_call(sel, 0);
    if (status)
        *status = s;
    unsigned got = (unsigned)nova_utcb_items_u(u->head.items);
    if (s != NOVA_SUCCESS || got < 2 || u->data.words[1] > PCI_LIST_MAX || got != 2 + 2 * u->data.words[1])
        return -1;
    unsigned n = (unsigned)u->data.words[1];
    *total = (unsigned)u->data.words[0];
    for (unsigned k = 0; k < n && k < max; k++)
        out[k] = nova_pci_decode(u->data.words[2 + 2 * k], u->data.words[3 + 2 * k]);
    return (int)(n < max ? n : max);
}
