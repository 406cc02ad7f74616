# libctest: musl's functions and the system-call layer checked in a component.
set(NOVUM_ROOT_TASK rootserver)
set(NOVUM_SYSTEM ${CMAKE_CURRENT_LIST_DIR}/system.toml)
set(NOVUM_BOOT_EXPECT
    "uart: console driver ready"
    "^ok 1 - "
    "libctest: [0-9]+ passed, 0 failed"
    "libctest: atexit handler ran")
set(NOVUM_BOOT_FORBID "^not ok" "crashed")
