/*
 * echo_client: a round trip through shared memory. It writes a string into
 * the shared region "ring", calls "echo" with its length in w0, and checks
 * that the server replied with the length and left the string reversed in
 * the region; a second call must restore the original.
 * system.toml: uses = ["echo", "console"] (echo at selector 0x40), "ring"
 * mapped writable at RING_ADDR.
 */
#include <stdbool.h>
#include <stdio.h>
#include <nova/component.h>

#define SEL_ECHO    NOVA_COMPONENT_SEL_USE(0)
#define RING_ADDR   UINT64_C(0x0000000020000000)

static const char message[] = "shared memory between two protection domains";
#define MESSAGE_LEN (sizeof message - 1)

/* One echo call; NULL on success, else what went wrong. */
static const char *echo(uint64_t n)
{
    struct nova_utcb *u = nova_component_utcb();
    u->data.words[0] = n;
    u->head.items = nova_utcb_items(1, 0);
    enum nova_status st = nova_call(SEL_ECHO, 0);
    if (st != NOVA_SUCCESS)
        return "the echo call did not succeed";
    if (nova_utcb_items_u(u->head.items) < 1)
        return "the reply carries no length";
    if (u->data.words[0] != n)
        return "the reply's length differs from the request's";
    return 0;
}

static bool ring_holds(const volatile char *ring, bool reversed)
{
    for (size_t i = 0; i < MESSAGE_LEN; i++)
        if (ring[i] != message[reversed ? MESSAGE_LEN - 1 - i : i])
            return false;
    return true;
}

static const char *round_trip(void)
{
    volatile char *ring = (volatile char *)(uintptr_t)RING_ADDR;
    for (size_t i = 0; i < MESSAGE_LEN; i++)
        ring[i] = message[i];
    const char *why = echo(MESSAGE_LEN);
    if (why)
        return why;
    if (!ring_holds(ring, true))
        return "the region does not hold the reversed string";
    if ((why = echo(MESSAGE_LEN)))
        return why;
    if (!ring_holds(ring, false))
        return "a second echo did not restore the string";
    return 0;
}

int main(void)
{
    const char *why = round_trip();
    if (why) {
        printf("echo_client: shared memory round trip FAILED: %s\n", why);
        return 1;
    }
    printf("echo_client: shared memory round trip ok\n");
    return 0;
}
