/*
 * echo_server: serves "echo" over the shared region "ring". A call carries
 * the length n of a string the client put at the start of the region in
 * w0; the server reverses those n bytes in place and replies w0 = n, or
 * w0 = ECHO_ERROR if the message has no w0 or n exceeds the region.
 * system.toml: offers = ["echo"] (PID 0), uses = ["console"], "ring" mapped
 * writable at RING_ADDR.
 */
#include <stdio.h>
#include <nova/component.h>

#define RING_ADDR   UINT64_C(0x0000000020000000)
#define RING_SIZE   8192u
#define ECHO_ERROR  UINT64_MAX

static uint64_t echo_call(uint64_t pid, struct nova_utcb *u)
{
    (void)pid;
    uint8_t *ring = (uint8_t *)(uintptr_t)RING_ADDR;
    uint64_t n = nova_utcb_items_u(u->head.items) >= 1 ? u->data.words[0] : ECHO_ERROR;
    if (n > RING_SIZE) {
        u->data.words[0] = ECHO_ERROR;
        return 1;
    }
    for (uint64_t i = 0, j = n; i + 1 < j; i++, j--) {
        uint8_t t = ring[i];
        ring[i] = ring[j - 1];
        ring[j - 1] = t;
    }
    u->data.words[0] = n;
    return 1;
}

int main(void)
{
    printf("echo_server: ready\n");
    component_serve(echo_call);
}
