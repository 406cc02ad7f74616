/* The root PD gives itself capabilities: a helper EC in the root PD
 * replies to a call with one typed item the root describes, so the root can
 * take kernel resources with the H bit, derive capabilities from its own
 * inside its own spaces, and translate them back. */
#pragma once
#include <stdbool.h>
#include <nova/nova.h>

/* Delegate `crd` (hotspot, H bit) into the window `del` of the root EC. */
enum nova_status delegate_to_self(uint64_t crd, uint64_t hotspot, bool h, uint64_t del);
/* The same with the D bit (the memory becomes reachable by the root's devices). */
enum nova_status delegate_to_self_dma(uint64_t crd, uint64_t hotspot, bool h, uint64_t del);
/* The CRD a translate item for `crd` gives back through the window `xlt`. */
uint64_t translate_from_self(uint64_t crd, uint64_t xlt);
