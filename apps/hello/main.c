/*
 * hello: a client of the console driver (system.toml: uses = ["console"]),
 * whose stdout goes through the console portal.
 */
#include <stdio.h>
#include <nova/component.h>

int main(void)
{
    printf("hello: hello from a component in its own protection domain (component %u)\n", nova_component.index);
    return 0;
}
