# echo: the root server starts the console driver, an echo server and its
# client, which share the memory region "ring".
set(NOVUM_ROOT_TASK rootserver)
set(NOVUM_SYSTEM ${CMAKE_CURRENT_LIST_DIR}/system.toml)
set(NOVUM_BOOT_EXPECT
    "uart: console driver ready"
    "echo_client: shared memory round trip ok"
    "rootserver: 3 of 3 components started")
set(NOVUM_BOOT_FORBID "FAILED" "crashed")
