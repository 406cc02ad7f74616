#!/usr/bin/env bash
# Build a bootable ISO image with GRUB for BIOS and UEFI:
#   mkiso.sh OUT.iso KERNEL.elf32 MODULE [MODULE ...]
# GRUB loads the kernel by multiboot and the modules in the order given,
# each with its file name as its command line (the first is the root task).
set -euo pipefail
[ $# -ge 2 ] || { echo "usage: $0 OUT.iso KERNEL MODULE..." >&2; exit 2; }
out=$1 kernel=$2
shift 2
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root/boot/grub"
cp "$kernel" "$root/boot/novum.elf32"
{
    echo "set timeout=0"
    echo "set default=0"
    echo "menuentry \"Novum\" {"
    echo "    multiboot /boot/novum.elf32"
    for m in "$@"; do
        name=$(basename "$m")
        cp "$m" "$root/boot/$name"
        echo "    module /boot/$name $name"
    done
    echo "    boot"
    echo "}"
} > "$root/boot/grub/grub.cfg"
grub-mkrescue -o "$out" "$root" >/dev/null 2>&1 || {
    echo "mkiso: grub-mkrescue failed (needs grub-pc-bin, grub-efi-amd64-bin, xorriso, mtools)" >&2
    grub-mkrescue -o "$out" "$root"
    exit 1
}
