/*
 * pci_client: asks the PCI service (portal "pci", include/nova/pci.h) for
 * every PCI function and prints one line each: address, vendor:device and
 * class code. system.toml: uses = ["pci", "console"].
 */
#include <stdio.h>
#include <nova/component.h>
#include <nova/pci.h>

#define SEL_PCI NOVA_COMPONENT_SEL_USE(0)   /* "pci" is the first of uses */

int main(void)
{
    struct nova_pci_fn f[PCI_LIST_MAX];
    unsigned first = 0, total = 0;
    enum nova_status s;
    for (;;) {
        int n = nova_pci_list(SEL_PCI, first, f, PCI_LIST_MAX, &total, &s);
        if (n < 0) {
            printf("pci_client: the pci portal failed (status %d)\n", (int)s);
            return 1;
        }
        for (int k = 0; k < n; k++)
            printf("pci_client: %02x:%02x.%u %04x:%04x class %06x\n", f[k].bus, f[k].dev, f[k].fn, f[k].vendor,
                   f[k].device, f[k].class_code);
        first += (unsigned)n;
        if (!n || first >= total)
            break;
    }
    printf("pci_client: %u functions\n", total);
    return 0;
}
