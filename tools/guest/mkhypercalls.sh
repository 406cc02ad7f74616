#!/usr/bin/env bash
# Build the guest's /bin/kvm-hypercalls (tools/guest/kvm_hypercalls.c): a
# static x86-64 Linux program without libc, made with the host's gcc.
#
#   tools/guest/mkhypercalls.sh OUT
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
out=${1:?usage: mkhypercalls.sh OUT}
# -fno-tree-loop-distribute-patterns: no memset/memcpy calls for loops
# (there is no libc to provide them)
gcc -static -nostdlib -ffreestanding -fno-pie -no-pie -fno-stack-protector \
    -fno-tree-loop-distribute-patterns -fno-asynchronous-unwind-tables \
    -O2 -Wall -Wextra -Werror -o "$out.tmp" "$here/kvm_hypercalls.c"
mv "$out.tmp" "$out"
