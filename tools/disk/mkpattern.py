#!/usr/bin/env python3
"""Write a raw disk image of a known pattern for the virtio-blk tests.

Little-endian 8-byte word i of the image (byte offset 8 * i) holds
(i + 1) * 0x9e3779b97f4a7c15 modulo 2**64, so every word differs from its
neighbours and a sector read from the wrong place shows. The tests
(apps/testsuite/test_virtio_blk.c) compute the same function; the image is
made by the build and never committed.

usage: mkpattern.py OUT [--size-mib N]   (default 8)
"""
import argparse
import os
import struct
import sys

MULT = 0x9E3779B97F4A7C15
MASK = (1 << 64) - 1


def pattern(words):
    return struct.pack("<%dQ" % words, *(((i + 1) * MULT) & MASK for i in range(words)))


def main(argv):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out")
    ap.add_argument("--size-mib", type=int, default=8)
    args = ap.parse_args(argv)
    data = pattern(args.size_mib * (1 << 20) // 8)
    tmp = args.out + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
