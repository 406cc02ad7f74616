# vm-linux: a VMM component boots Debian's Linux kernel in a VM (system.toml).
# The guest images come from Debian's packages at build time (tools/guest/).
# QEMU needs RAM for the kernel's pool (a quarter of RAM), the guest's
# 256 MiB block and the root server's pool: 1 GiB leaves room for all.
set(NOVUM_ROOT_TASK rootserver)
set(NOVUM_SYSTEM ${CMAKE_CURRENT_LIST_DIR}/system.toml)
set(NOVUM_PROJECT_MEMORY 1G)
# No NOVUM_BOOT_EXPECT yet: the boot test comes with the VMM.
