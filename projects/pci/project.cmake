# pci: the PCI service (apps/pci) enumerates ECAM; its client (apps/pci_client)
# lists QEMU q35's functions: host bridge, LPC, SATA and SMBus controllers.
set(NOVUM_ROOT_TASK rootserver)
set(NOVUM_SYSTEM ${CMAKE_CURRENT_LIST_DIR}/system.toml)
set(NOVUM_BOOT_EXPECT
    "pci: [0-9]+ functions on buses 0-255"
    "^pci_client: 00:00.0 8086:29c0 class 060000$"
    "^pci_client: 00:1f.0 8086:2918 class 060100$"
    "^pci_client: 00:1f.2 8086:2922 class 010601$"
    "^pci_client: 00:1f.3 8086:2930 class 0c0500$"
    "^pci_client: [0-9]+ functions$")
set(NOVUM_BOOT_FORBID "crashed" "failed")
