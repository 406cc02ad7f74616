#!/usr/bin/env bash
# Install the Debian packages the build and the tests need, and make Debian's
# musl source package reachable (the build compiles musl from it, see
# tools/musl/build.sh) and its binary package lists current (the vm-linux
# guest is made from linux-image-cloud-amd64 and busybox-static, see
# tools/guest/fetch.sh; its initramfs is written in Python, so no cpio is
# needed). Frama-C with Why3, Z3 and CVC4 prove the capability arithmetic
# (tools/prove). Does nothing when everything is there.
set -euo pipefail

packages=(cmake ninja-build make gcc binutils dpkg-dev xz-utils python3 python3-jinja2 qemu-system-x86
          cppcheck clang-tidy
          frama-c-base why3 z3 cvc4
          grub-common grub-pc-bin grub-efi-amd64-bin xorriso mtools ovmf)
source_list=/etc/apt/sources.list.d/novum-deb-src.sources

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
need_sources=false
apt-cache showsrc musl >/dev/null 2>&1 || need_sources=true
# the Linux guest's images come from Debian's binary packages (tools/guest/fetch.sh)
need_lists=false
apt-cache show busybox-static linux-image-cloud-amd64 >/dev/null 2>&1 || need_lists=true
[ ${#missing[@]} -eq 0 ] && ! $need_sources && ! $need_lists && exit 0

sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
if $need_sources; then
    codename=$(. /etc/os-release && echo "$VERSION_CODENAME")
    echo "setup: adding Debian's $codename source packages ($source_list)"
    printf '%s\n' "Types: deb-src" "URIs: http://deb.debian.org/debian" "Suites: $codename" \
        "Components: main" "Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg" |
        $sudo tee "$source_list" >/dev/null
fi
$sudo apt-get update -q
if [ ${#missing[@]} -gt 0 ]; then
    echo "setup: installing ${missing[*]}"
    $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
