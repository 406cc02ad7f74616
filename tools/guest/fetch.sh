#!/usr/bin/env bash
# Make the Linux guest's boot images from Debian's binary packages:
#
#   tools/guest/fetch.sh OUT_DIR
#
# writes OUT_DIR/vmlinuz (the kernel of linux-image-*-cloud-amd64 exactly as
# Debian ships it, the package that linux-image-cloud-amd64 depends on now;
# linux-image-amd64's if there is no cloud flavour), OUT_DIR/initramfs.cpio.gz
# (newc, gzip: Debian's busybox-static, tools/guest/init and
# /bin/kvm-hypercalls built from kvm_hypercalls.c by mkhypercalls.sh, made by
# mkinitramfs.py) and OUT_DIR/versions.txt (the two packages and versions).
# The packages are downloaded with `apt-get download` into OUT_DIR/debs and
# reused from there. Nothing of this is committed: CMake runs this script
# for projects whose system.toml names @debian-kernel or @busybox-initramfs
# (cmake/guest.cmake). Every step that fails says which step it was.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: fetch.sh OUT_DIR}
step="start"
work=""
# fail: a step's own message, exit status 3; anything else that stops the
# script (set -e) is reported with the step by the EXIT trap.
fail() { echo "tools/guest/fetch.sh: step '$step' failed: $*" >&2; exit 3; }
finish() {
    local rc=$?
    [ -z "$work" ] || rm -rf "$work"
    if [ "$rc" -ne 0 ] && [ "$rc" -ne 3 ]; then
        echo "tools/guest/fetch.sh: step '$step' failed (exit status $rc, see above)" >&2
    fi
    exit "$rc"
}
trap finish EXIT

step="check tools"
for tool in apt-cache apt-get dpkg-deb python3 gcc; do
    command -v "$tool" >/dev/null || fail "$tool is missing (run tools/setup.sh)"
done
mkdir -p "$out/debs" || fail "cannot create $out/debs"
out=$(cd "$out" && pwd)

step="resolve the kernel package"
kernel_pkg=""
for meta in linux-image-cloud-amd64 linux-image-amd64; do
    kernel_pkg=$(apt-cache depends "$meta" 2>/dev/null |
                 sed -n 's/^ *Depends: \(linux-image-[0-9][^ ]*\)$/\1/p' | head -n 1)
    [ -n "$kernel_pkg" ] && break
done
[ -n "$kernel_pkg" ] || fail "neither linux-image-cloud-amd64 nor linux-image-amd64 names a kernel package; is the apt cache current (sudo apt-get update)?"

# The .deb of this version of a package in debs/, if there is one (apt
# writes an epoch's colon as %3a, so the file's control data decides).
cached() {
    local f
    for f in "$out/debs/${1}_"*.deb; do
        [ -f "$f" ] && [ "$(dpkg-deb -f "$f" Version 2>/dev/null)" = "$2" ] && { printf '%s\n' "$f"; return; }
    done
    return 0
}

# Download a package into debs/ unless that exact version is there already.
download() {
    local pkg=$1 version file
    version=$(apt-cache policy "$pkg" | sed -n 's/^ *Candidate: //p')
    [ -n "$version" ] && [ "$version" != "(none)" ] || fail "apt knows no version of $pkg"
    file=$(cached "$pkg" "$version")
    if [ -z "$file" ]; then
        (cd "$out/debs" && apt-get download -q "$pkg=$version" 2>&1 | { grep -v "^W: Download is performed unsandboxed" >&2 || true; }) ||
            fail "apt-get download $pkg=$version (no network, or a stale apt cache: sudo apt-get update)"
        file=$(cached "$pkg" "$version")
        [ -n "$file" ] || fail "apt-get download left no .deb of $pkg $version in $out/debs"
    fi
    echo "$pkg $version" >>"$out/versions.txt.tmp"
    printf '%s\n' "$file"
}

rm -f "$out/versions.txt.tmp"
step="download $kernel_pkg"
kernel_deb=$(download "$kernel_pkg")
step="download busybox-static"
busybox_deb=$(download busybox-static)

step="make a work directory"
work=$(mktemp -d "$out/work.XXXXXX")

step="extract vmlinuz from $(basename "$kernel_deb")"
dpkg-deb -x "$kernel_deb" "$work/kernel" || fail "dpkg-deb -x $kernel_deb"
vmlinuz=$(ls "$work"/kernel/boot/vmlinuz-* 2>/dev/null | head -n 1 || true)
[ -n "$vmlinuz" ] || fail "the package has no boot/vmlinuz-*"
# a bzImage carries "HdrS" at offset 0x202 (Linux x86 boot protocol)
[ "$(dd if="$vmlinuz" bs=1 skip=514 count=4 status=none)" = "HdrS" ] ||
    fail "$(basename "$vmlinuz") is no bzImage (no HdrS setup header)"

step="extract busybox from $(basename "$busybox_deb")"
dpkg-deb -x "$busybox_deb" "$work/busybox" || fail "dpkg-deb -x $busybox_deb"
[ -x "$work/busybox/bin/busybox" ] || fail "the package has no executable bin/busybox"

step="build kvm-hypercalls"
"$here/mkhypercalls.sh" "$work/kvm-hypercalls" || fail "mkhypercalls.sh (gcc)"

step="build the initramfs"
python3 "$here/mkinitramfs.py" --busybox "$work/busybox/bin/busybox" --init "$here/init" \
    --file "bin/kvm-hypercalls=$work/kvm-hypercalls" \
    --out "$work/initramfs.cpio.gz" || fail "mkinitramfs.py"

step="install the images"
cp "$vmlinuz" "$out/vmlinuz.tmp" && mv "$out/vmlinuz.tmp" "$out/vmlinuz" || fail "copy vmlinuz"
mv "$work/initramfs.cpio.gz" "$out/initramfs.cpio.gz" || fail "move initramfs.cpio.gz"
mv "$out/versions.txt.tmp" "$out/versions.txt"
echo "guest images: $out/vmlinuz ($(basename "$vmlinuz"), $(stat -c %s "$out/vmlinuz") bytes)," \
     "$out/initramfs.cpio.gz ($(stat -c %s "$out/initramfs.cpio.gz") bytes)"
