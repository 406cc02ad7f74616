/*
 * hello: a client of the console driver. system.toml: uses = ["console"],
 * so the console portal is at selector 0x40.
 */
#include <nova/component.h>

#define SEL_CONSOLE NOVA_COMPONENT_SEL_USE(0)

int component_main(unsigned index)
{
    console_init(SEL_CONSOLE);
    cprintf("hello: hello from a component in its own protection domain (component %u)\n", index);
    nova_component_exit(0);
}
