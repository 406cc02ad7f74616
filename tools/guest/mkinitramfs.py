#!/usr/bin/env python3
"""Write the Linux guest's initramfs: a gzip'd newc cpio archive.

    mkinitramfs.py --busybox BUSYBOX --init INIT [--file DEST=SRC ...] --out initramfs.cpio.gz

It holds the directories /bin /sbin /usr/bin /usr/sbin /dev /proc /sys
/tmp /root, the device node /dev/console (so that init has a console
before it mounts devtmpfs), /bin/busybox, /init and each --file's SRC as
the executable DEST (a path in one of those directories, such as
bin/kvm-hypercalls). Written in Python so
that no cpio tool and no root rights are needed; every timestamp is 0, so
the same inputs give the same bytes.
"""

import argparse
import os
import gzip
import io
import stat
import sys

DIRS = ("bin", "sbin", "usr", "usr/bin", "usr/sbin", "dev", "proc", "sys", "tmp", "root")


class Newc:
    """The "new ASCII" cpio format (070701), as the kernel's initramfs unpacker reads it."""

    def __init__(self):
        self.out = io.BytesIO()
        self.ino = 1

    def _pad(self):
        self.out.write(b"\0" * (-self.out.tell() % 4))

    def add(self, name, mode, data=b"", rdev=(0, 0)):
        name_bytes = name.encode() + b"\0"
        fields = (self.ino, mode, 0, 0, 2 if stat.S_ISDIR(mode) else 1, 0, len(data),
                  0, 0, rdev[0], rdev[1], len(name_bytes), 0)
        self.out.write(b"070701" + b"".join(b"%08X" % f for f in fields))
        self.out.write(name_bytes)
        self._pad()
        self.out.write(data)
        self._pad()
        self.ino += 1

    def finish(self):
        self.ino = 0
        self.add("TRAILER!!!", 0)
        return self.out.getvalue()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--busybox", required=True, help="a static busybox binary")
    ap.add_argument("--init", required=True, help="the script that becomes /init")
    ap.add_argument("--file", action="append", default=[], metavar="DEST=SRC",
                    help="also install SRC as the executable DEST (e.g. bin/tool=build/tool)")
    ap.add_argument("--out", required=True, help="where the .cpio.gz goes")
    args = ap.parse_args(argv)
    extra = []
    for spec in args.file:
        dest, eq, src = spec.partition("=")
        dest = dest.strip("/")
        if not eq or not dest or not src:
            print(f"mkinitramfs.py: --file {spec!r} is not DEST=SRC", file=sys.stderr)
            return 1
        if os.path.dirname(dest) not in DIRS or ".." in dest.split("/"):
            print(f"mkinitramfs.py: --file {spec!r}: DEST must be a file in one of "
                  f"{', '.join('/' + d for d in DIRS)}", file=sys.stderr)
            return 1
        if dest in ("bin/busybox", "init") or dest in (d for d, _ in extra):
            print(f"mkinitramfs.py: --file {spec!r}: {dest} is there already", file=sys.stderr)
            return 1
        extra.append((dest, src))
    try:
        with open(args.busybox, "rb") as f:
            busybox = f.read()
        with open(args.init, "rb") as f:
            init = f.read()
        files = []
        for dest, src in extra:
            with open(src, "rb") as f:
                files.append((dest, f.read()))
    except OSError as e:
        print(f"mkinitramfs.py: cannot read {e.filename}: {e.strerror}", file=sys.stderr)
        return 1
    if busybox[:4] != b"\x7fELF":
        print(f"mkinitramfs.py: {args.busybox} is no ELF file", file=sys.stderr)
        return 1
    if not init.startswith(b"#!"):
        print(f"mkinitramfs.py: {args.init} does not start with #!", file=sys.stderr)
        return 1
    cpio = Newc()
    for d in DIRS:
        cpio.add(d, stat.S_IFDIR | 0o755)
    cpio.add("dev/console", stat.S_IFCHR | 0o600, rdev=(5, 1))
    cpio.add("bin/busybox", stat.S_IFREG | 0o755, busybox)
    cpio.add("init", stat.S_IFREG | 0o755, init)
    for dest, data in files:
        cpio.add(dest, stat.S_IFREG | 0o755, data)
    data = gzip.compress(cpio.finish(), compresslevel=9, mtime=0)
    try:
        with open(args.out + ".tmp", "wb") as f:
            f.write(data)
        os.replace(args.out + ".tmp", args.out)
    except OSError as e:
        print(f"mkinitramfs.py: cannot write {args.out}: {e.strerror}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
