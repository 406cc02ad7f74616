# crashtest: a component that faults on I/O it does not hold, beside two
# that work.
set(NOVUM_ROOT_TASK rootserver)
set(NOVUM_SYSTEM ${CMAKE_CURRENT_LIST_DIR}/system.toml)
set(NOVUM_BOOT_EXPECT
    "rootserver: component badio crashed: #GP"
    "hello: hello from a component"
    "rootserver: 3 of 3 components started")
