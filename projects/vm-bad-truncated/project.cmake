# vm-bad-truncated: a kernel image shorter than its setup header says
# (system.toml). The VMM's loader refuses it before any VM exists (so the
# same on every CPU model); the ticker's next line shows that the console
# and the other components run on.
set(NOVUM_ROOT_TASK rootserver)
set(NOVUM_SYSTEM ${CMAKE_CURRENT_LIST_DIR}/system.toml)
set(NOVUM_BOOT_EXPECT
    "vmm: the guest kernel is refused: bzImage: truncated: file shorter than its setup sectors plus syssize"
    "ticker: [0-9]+ s, the system runs on")
set(NOVUM_BOOT_FORBID "crashed")
