# devices-refused: a missing PCI function, an mmio range that is RAM and a
# PCI grant without an IOMMU are refused with a message naming the
# component; the console and hello start.
set(NOVUM_ROOT_TASK rootserver)
set(NOVUM_SYSTEM ${CMAKE_CURRENT_LIST_DIR}/system.toml)
set(NOVUM_PROJECT_QEMU_ARGS -device edu)
set(NOVUM_BOOT_EXPECT
    "rootserver: component nodev: no PCI function 1234:beef \\(index 0\\) on this machine"
    "rootserver: component ramio: mmio range 0x200000-0x200fff is RAM in the HIP's memory map; refused"
    "rootserver: component noiommu: no IOMMU confines the DMA of PCI function [0-9a-f:.]+ \\(1234:11e8\\); not started"
    "rootserver: 2 of 5 components started"
    "hello: hello from a component")
set(NOVUM_BOOT_FORBID "crashed")
