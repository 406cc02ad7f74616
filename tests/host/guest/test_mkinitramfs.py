"""Host tests of tools/guest/mkinitramfs.py: the archive the kernel unpacks.

Run: python3 -m unittest discover -s tests/host/guest
"""

import gzip
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
TOOL = os.path.join(ROOT, "tools", "guest", "mkinitramfs.py")
INIT = os.path.join(ROOT, "tools", "guest", "init")


def parse_newc(data):
    """{name: (mode, rdev, bytes)} of a newc archive, checking its framing."""
    out, pos = {}, 0
    while True:
        assert data[pos:pos + 6] == b"070701", f"bad magic at {pos}"
        f = [int(data[pos + 6 + 8 * i:pos + 14 + 8 * i], 16) for i in range(13)]
        mode, size, rdev, namesize = f[1], f[6], (f[9], f[10]), f[11]
        name = data[pos + 110:pos + 110 + namesize - 1].decode()
        assert data[pos + 110 + namesize - 1] == 0
        pos = (pos + 110 + namesize + 3) & ~3
        body = data[pos:pos + size]
        pos = (pos + size + 3) & ~3
        if name == "TRAILER!!!":
            assert pos == len(data)
            return out
        out[name] = (mode, rdev, body)


class MkInitramfs(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="novum-guest-")
        self.addCleanup(shutil.rmtree, self.tmp)
        self.busybox = os.path.join(self.tmp, "busybox")
        with open(self.busybox, "wb") as f:
            f.write(b"\x7fELF" + b"x" * 1001)
        self.out = os.path.join(self.tmp, "initramfs.cpio.gz")

    def run_tool(self, busybox=None, init=INIT, files=()):
        extra = [a for spec in files for a in ("--file", spec)]
        return subprocess.run([sys.executable, TOOL, "--busybox", busybox or self.busybox,
                               "--init", init, *extra, "--out", self.out], capture_output=True, text=True)

    def test_contents(self):
        r = self.run_tool()
        self.assertEqual((r.returncode, r.stderr), (0, ""))
        with open(self.out, "rb") as f:
            files = parse_newc(gzip.decompress(f.read()))
        with open(INIT, "rb") as f:
            init = f.read()
        self.assertEqual(files["init"], (stat.S_IFREG | 0o755, (0, 0), init))
        self.assertEqual(files["bin/busybox"][2], b"\x7fELF" + b"x" * 1001)
        self.assertEqual(files["dev/console"][:2], (stat.S_IFCHR | 0o600, (5, 1)))
        for d in ("bin", "sbin", "dev", "proc", "sys", "tmp"):
            self.assertTrue(stat.S_ISDIR(files[d][0]), d)

    def test_deterministic(self):
        self.assertEqual(self.run_tool().returncode, 0)
        with open(self.out, "rb") as f:
            first = f.read()
        self.assertEqual(self.run_tool().returncode, 0)
        with open(self.out, "rb") as f:
            self.assertEqual(f.read(), first)

    def test_refuses_bad_inputs(self):
        with open(self.busybox, "wb") as f:
            f.write(b"#!/bin/sh\n")
        r = self.run_tool()
        self.assertEqual((r.returncode, r.stderr.strip()),
                         (1, f"mkinitramfs.py: {self.busybox} is no ELF file"))
        r = self.run_tool(busybox=os.path.join(self.tmp, "missing"))
        self.assertEqual(r.returncode, 1)
        self.assertIn("cannot read", r.stderr)
        self.assertFalse(os.path.exists(self.out))

    def test_extra_files(self):
        tool = os.path.join(self.tmp, "tool")
        with open(tool, "wb") as f:
            f.write(b"\x7fELF tool")
        r = self.run_tool(files=[f"bin/kvm-hypercalls={tool}", f"/usr/bin/other={tool}"])
        self.assertEqual((r.returncode, r.stderr), (0, ""))
        with open(self.out, "rb") as f:
            files = parse_newc(gzip.decompress(f.read()))
        self.assertEqual(files["bin/kvm-hypercalls"], (stat.S_IFREG | 0o755, (0, 0), b"\x7fELF tool"))
        self.assertEqual(files["usr/bin/other"][2], b"\x7fELF tool")

    def test_refuses_bad_extra_files(self):
        tool = os.path.join(self.tmp, "tool")
        with open(tool, "wb") as f:
            f.write(b"x")
        for spec, why in (("bin/x", "is not DEST=SRC"), ("=" + tool, "is not DEST=SRC"),
                          (f"etc/x={tool}", "DEST must be a file in one of"),
                          (f"bin/../x={tool}", "DEST must be a file in one of"),
                          (f"init={tool}", "DEST must be a file in one of"),
                          (f"bin/busybox={tool}", "bin/busybox is there already")):
            r = self.run_tool(files=[spec])
            self.assertEqual(r.returncode, 1, spec)
            self.assertIn(why, r.stderr, spec)
        r = self.run_tool(files=[f"bin/a={tool}", f"bin/a={tool}"])
        self.assertIn("bin/a is there already", r.stderr)
        r = self.run_tool(files=[f"bin/a={self.tmp}/missing"])
        self.assertEqual(r.returncode, 1)
        self.assertIn("cannot read", r.stderr)
        self.assertFalse(os.path.exists(self.out))

    def test_init_script(self):
        with open(INIT) as f:
            text = f.read()
        self.assertTrue(text.startswith("#!/bin/busybox sh\n"))
        for needed in ("mount -t proc", "mount -t sysfs", "mount -t devtmpfs", "novum-guest: init running",
                       "setsid cttyhack sh", "poweroff -f"):
            self.assertIn(needed, text)


if __name__ == "__main__":
    unittest.main()
