#!/bin/sh
# Build the foreign root task: ./build.sh OUTDIR  ->  OUTDIR/foreign-roottask.elf
# Uses nothing from the Novum build (own flags, own linker script).
set -eu
if [ $# -ne 1 ]; then
    echo "usage: $0 OUTDIR" >&2
    exit 2
fi
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$1"
out=$(cd "$1" && pwd)
CC=${CC:-gcc}
CFLAGS="-ffreestanding -fno-pic -no-pie -nostdlib -static -mno-red-zone -O2 -Wall -Wextra -Werror
        -fno-stack-protector -fno-asynchronous-unwind-tables -fno-builtin -mgeneral-regs-only
        -mcmodel=small"
$CC $CFLAGS -c "$here/start.S" -o "$out/foreign-start.o"
$CC $CFLAGS -c "$here/main.c" -o "$out/foreign-main.o"
$CC $CFLAGS -T "$here/link.ld" -Wl,--build-id=none -Wl,-z,max-page-size=0x1000 \
    -Wl,-z,noexecstack -o "$out/foreign-roottask.elf" \
    "$out/foreign-start.o" "$out/foreign-main.o"
rm -f "$out/foreign-start.o" "$out/foreign-main.o"
echo "built $out/foreign-roottask.elf"
