# vm-linux: a VMM component boots Debian's Linux kernel in a VM (system.toml).
# The guest images come from Debian's packages at build time (tools/guest/).
# QEMU needs RAM for the kernel's pool (a quarter of RAM), the guest's
# 256 MiB block and the root server's pool: 1 GiB leaves room for all.
set(NOVUM_ROOT_TASK rootserver)
set(NOVUM_SYSTEM ${CMAKE_CURRENT_LIST_DIR}/system.toml)
set(NOVUM_PROJECT_MEMORY 1G)
# The guest boots to its shell; a CPU without SVM and nested paging
# (qemu64) gets the VMM's report instead, and the console runs on.
set(NOVUM_BOOT_EXPECT
    "vmm: kernel .* KiB at 0x1000000, initrd .* 256 MiB RAM, 2 vCPU"
    "novum-guest: init running, Linux 6.1.*, 2 CPUs")
set(NOVUM_BOOT_EXPECT_qemu64
    "vmm: this machine cannot run the VM: its CPUs have no SVM with nested paging"
    "rootserver: 2 of 2 components started")
