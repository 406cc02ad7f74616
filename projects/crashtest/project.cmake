# crashtest: a component that faults on I/O it does not hold and one that
# aborts, beside two that work.
set(NOVUM_ROOT_TASK rootserver)
set(NOVUM_SYSTEM ${CMAKE_CURRENT_LIST_DIR}/system.toml)
set(NOVUM_BOOT_EXPECT
    "rootserver: component badio crashed: #GP"
    "aborter: calling abort\\(\\)"
    "rootserver: component aborter crashed: #GP"
    "hello: hello from a component"
    "rootserver: 4 of 4 components started")
