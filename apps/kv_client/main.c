/*
 * kv_client: checks restartable drivers (projects/restart) from a client's
 * side, with two instances of the kv server (apps/kv): "kv" (restart at
 * most 3 times) and "kv_limited" (at most once).
 *
 * Twice: store and read a value; send KV_CRASH, on which the server dies
 * in the middle of the call, and check that the call comes back with
 * COM_ABT instead of hanging; call until the server answers again (the
 * root server restarts it and gives this client the new portal at the same
 * selector), check that it is a new instance (its store is empty) and that
 * it works. Then the same with KV_EXIT, on which kv calls exit(7). Then
 * crash kv_limited twice: after its one restart it stays
 * dead, and calls to it return an error, never hang. Each check prints a
 * line; the last one says whether all passed.
 *
 * system.toml: uses = ["kv", "kv_limited", "console"].
 */
#include <stdio.h>
#include <nova/component.h>
#include "../kv/kv.h"

#define SEL_KV         NOVA_COMPONENT_SEL_USE(0)
#define SEL_KV_LIMITED NOVA_COMPONENT_SEL_USE(1)
#define KEY            42u
#define MAX_TRIES      100000u

static unsigned failed;

#define CHECK(cond, ...)                          \
    do {                                          \
        if (!(cond)) {                            \
            failed++;                             \
            printf("kv_client: FAILED: " __VA_ARGS__); \
        }                                         \
    } while (0)

/* One request; the reply's w0 and w1 (when the call succeeds). */
static enum nova_status kv(uint64_t sel, uint64_t op, uint64_t key, uint64_t value, uint64_t *w0, uint64_t *w1)
{
    struct nova_utcb *u = nova_component_utcb();
    u->data.words[0] = op;
    u->data.words[1] = key;
    u->data.words[2] = value;
    u->head.items = nova_utcb_items(3, 0);
    enum nova_status st = nova_call(sel, 0);
    if (st == NOVA_SUCCESS) {
        *w0 = u->data.words[0];
        *w1 = nova_utcb_items_u(u->head.items) >= 2 ? u->data.words[1] : 0;
    }
    return st;
}

static void put_get(const char *name, uint64_t sel, uint64_t value, const char *when)
{
    uint64_t w0 = ~0ull, w1 = 0;
    enum nova_status st = kv(sel, KV_PUT, KEY, value, &w0, &w1);
    CHECK(st == NOVA_SUCCESS && w0 == KV_OK, "%s: put %s: status %d, answer %lu\n", name, when, st, w0);
    w0 = ~0ull;
    st = kv(sel, KV_GET, KEY, 0, &w0, &w1);
    CHECK(st == NOVA_SUCCESS && w0 == KV_OK && w1 == value, "%s: get %s: status %d, answer %lu, value %lu\n", name,
          when, st, w0, w1);
    if (st == NOVA_SUCCESS && w0 == KV_OK && w1 == value)
        printf("kv_client: %s: put and get ok %s\n", name, when);
}

/* Send KV_CRASH (or KV_EXIT): the call must come back with COM_ABT. */
static void crash_with(const char *name, uint64_t sel, uint64_t op)
{
    uint64_t w0 = 0, w1 = 0;
    enum nova_status st = kv(sel, op, 7, 0, &w0, &w1);
    CHECK(st == NOVA_COM_ABT, "%s: the call that crashed it returned status %d, not COM_ABT\n", name, st);
    if (st == NOVA_COM_ABT)
        printf("kv_client: %s: the call in flight when it %s returned COM_ABT\n", name,
               op == KV_EXIT ? "exited" : "crashed");
}

static void crash(const char *name, uint64_t sel) { crash_with(name, sel, KV_CRASH); }

/* Call until the server answers; it must be a new instance, whose store
 * does not hold KEY. */
static void wait_back(const char *name, uint64_t sel)
{
    uint64_t w0 = ~0ull, w1 = 0;
    unsigned errors = 0;
    enum nova_status st, first = NOVA_SUCCESS;
    while ((st = kv(sel, KV_GET, KEY, 0, &w0, &w1)) != NOVA_SUCCESS && ++errors < MAX_TRIES)
        if (errors == 1)
            first = st;
    CHECK(st == NOVA_SUCCESS, "%s: not back after %u calls (status %d)\n", name, errors, st);
    if (st != NOVA_SUCCESS)
        return;
    CHECK(w0 == KV_NOENT, "%s: back, but its store still holds the key (answer %lu)\n", name, w0);
    printf("kv_client: %s: back after %u failed calls (first status %d); its store is empty: a new instance\n",
           name, errors, first);
}

int main(void)
{
    printf("kv_client: start\n");
    for (unsigned round = 1; round <= 2; round++) {
        char name[32];
        snprintf(name, sizeof name, "kv round %u", round);
        put_get(name, SEL_KV, 1000 + round, "before the crash");
        crash(name, SEL_KV);
        wait_back(name, SEL_KV);
        put_get(name, SEL_KV, 2000 + round, "after the restart");
    }
    /* an exit of a restartable server counts as a crash: kv's third and last restart */
    put_get("kv round 3", SEL_KV, 1003, "before the exit");
    crash_with("kv round 3", SEL_KV, KV_EXIT);
    wait_back("kv round 3", SEL_KV);
    /* kv_limited may be restarted once: the second crash leaves it dead */
    put_get("kv_limited", SEL_KV_LIMITED, 3000, "before the crash");
    crash("kv_limited", SEL_KV_LIMITED);
    wait_back("kv_limited", SEL_KV_LIMITED);
    crash("kv_limited", SEL_KV_LIMITED);
    uint64_t w0 = 0, w1 = 0;
    enum nova_status st = NOVA_SUCCESS;
    for (unsigned k = 0; k < 3; k++) {
        st = kv(SEL_KV_LIMITED, KV_GET, KEY, 0, &w0, &w1);
        CHECK(st != NOVA_SUCCESS, "kv_limited: answered after its restart limit\n");
    }
    if (st != NOVA_SUCCESS)
        printf("kv_client: kv_limited: stays dead after its restart limit; calls return status %d\n", st);
    /* kv still works */
    put_get("kv", SEL_KV, 4000, "at the end");
    if (failed)
        printf("kv_client: %u checks FAILED\n", failed);
    else
        printf("kv_client: all checks passed\n");
    return 0;
}
