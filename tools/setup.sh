#!/usr/bin/env bash
# Install the Debian packages the build and the tests need, if any is
# missing. Does nothing when everything is there.
set -euo pipefail

packages=(cmake ninja-build gcc binutils python3 python3-jinja2 qemu-system-x86
          grub-common grub-pc-bin grub-efi-amd64-bin xorriso mtools ovmf)

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "setup: installing ${missing[*]}"
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
