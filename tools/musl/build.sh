#!/usr/bin/env bash
# Build musl libc for Novum components from Debian's musl source package.
#
#   tools/musl/build.sh OVERLAY_DIR WORK_DIR PREFIX
#
# Downloads the source package with `apt-get source` into WORK_DIR/dl (once),
# extracts it afresh into WORK_DIR/src, applies Novum's changes from
# OVERLAY_DIR (libs/musl: files copied over musl's, files removed per
# remove.list) and installs headers and a static libc.a into PREFIX. No copy
# of musl lives in the repository. tools/setup.sh makes the source package
# reachable.
set -euo pipefail

if [ $# -ne 3 ]; then
    echo "usage: $0 OVERLAY_DIR WORK_DIR PREFIX" >&2
    exit 2
fi
overlay=$(realpath "$1")
work=$(realpath -m "$2")
prefix=$(realpath -m "$3")

fail() { echo "musl: error: $*" >&2; exit 1; }

mkdir -p "$work/dl"
if ! ls "$work"/dl/musl_*.dsc >/dev/null 2>&1; then
    echo "musl: downloading Debian's musl source package"
    (cd "$work/dl" && apt-get source --download-only -q musl >"$work/dl/apt.log" 2>&1) ||
        fail "apt-get source musl failed (see $work/dl/apt.log); run tools/setup.sh, which adds Debian's source packages"
fi
dsc=$(ls "$work"/dl/musl_*.dsc | head -n1)

rm -rf "$work/src"
dpkg-source --no-check -x "$dsc" "$work/src" >/dev/null || fail "cannot extract $dsc"
src="$work/src"
version=$(sed -n 's/^VERSION=//p' "$src/Makefile" 2>/dev/null || true)
[ -f "$src/VERSION" ] && version=$(cat "$src/VERSION")

while read -r path; do
    case "$path" in ''|'#'*) continue ;; esac
    [ -e "$src/$path" ] || fail "musl $version has no $path: libs/musl/remove.list does not fit this version"
    rm "$src/$path"
done <"$overlay/remove.list"
(cd "$overlay/overlay" && find . -type f) | while read -r path; do
    [ -e "$src/$path" ] || [ -d "$(dirname "$src/$path")" ] ||
        fail "musl $version has no directory for $path: libs/musl/overlay does not fit this version"
    cp "$overlay/overlay/$path" "$src/$path"
done

echo "musl: building $version for Novum components"
cd "$src"
# -fno-pie: components are static, position-dependent executables.
./configure --prefix="$prefix" --disable-shared --disable-wrapper \
    CC="${CC:-gcc}" CFLAGS="-O2 -fno-pie -fno-pic -fno-stack-protector" >"$work/configure.log" 2>&1 ||
    fail "configure failed (see $work/configure.log)"
make -j"$(nproc)" >"$work/make.log" 2>&1 || { tail -n 5 "$work/make.log" >&2; fail "make failed (see $work/make.log)"; }
rm -rf "$prefix"
make install-headers install-libs >>"$work/make.log" 2>&1 || fail "install failed (see $work/make.log)"
echo "musl: installed $version into $prefix"
