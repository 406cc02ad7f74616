# hello: the root server starts a console driver (uart) and a client (hello).
set(NOVUM_ROOT_TASK rootserver)
set(NOVUM_SYSTEM ${CMAKE_CURRENT_LIST_DIR}/system.toml)
set(NOVUM_BOOT_EXPECT
    "uart: console driver ready"
    "hello: hello from a component in its own protection domain"
    "rootserver: 2 of 2 components started")
