# vm-bad-triple-fault: a guest that triple-faults (system.toml). The VMM
# reports it and stops that VM; the ticker's next line shows that the
# console and the other components run on.
set(NOVUM_ROOT_TASK rootserver)
set(NOVUM_SYSTEM ${CMAKE_CURRENT_LIST_DIR}/system.toml)
set(NOVUM_BOOT_EXPECT
    "vmm: kernel 64 KiB at 0x100000, initrd 0 KiB at 0x0, 16 MiB RAM, 1 vCPU"
    "vmm: vCPU 0: triple fault at rip 0x[0-9a-f]+"
    "vmm: [0-9]+ VM exits in"
    "ticker: [0-9]+ s, the system runs on")
set(NOVUM_BOOT_FORBID "crashed")
# without SVM and nested paging (qemu64) the VMM says so
set(NOVUM_BOOT_EXPECT_qemu64
    "vmm: this machine cannot run the VM: its CPUs have no SVM with nested paging"
    "ticker: [0-9]+ s, the system runs on")
