"""Host tests of tools/guest/mkbadkernel.py: the bad guest kernels of the
vm-bad-* projects are bzImages the VMM's loader (apps/vmm/model/bzimage.c)
accepts, all but the truncated one, and their code is what it says.

Run: python3 -m unittest discover -s tests/host/guest
"""

import os
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
TOOL = os.path.join(ROOT, "tools", "guest", "mkbadkernel.py")
KINDS = ("triple-fault", "outside-ram", "truncated", "garbage", "hypercall-probe")


def loader_verdict(img):
    """The checks of bz_check_magic and bz_parse, in their order: None if the
    loader takes the image, else the start of its message."""
    u8 = lambda off: img[off]
    u16 = lambda off: struct.unpack_from("<H", img, off)[0]
    u32 = lambda off: struct.unpack_from("<I", img, off)[0]
    if len(img) < 0x264:
        return "shorter than a boot sector"
    if u16(0x1FE) != 0xAA55:
        return "no 0xAA55"
    if img[0x202:0x206] != b"HdrS":
        return "no HdrS"
    if u16(0x206) < 0x020C:
        return "protocol older than 2.12"
    if 0x202 + u8(0x201) < 0x264:
        return "header shorter than 2.12"
    if not u8(0x211) & 1:
        return "LOADED_HIGH clear"
    setup_len = ((u8(0x1F1) or 4) + 1) * 512
    kernel_len = u32(0x1F4) * 16
    if setup_len > len(img):
        return "truncated: setup sectors"
    if not kernel_len:
        return "syssize is 0"
    if kernel_len > len(img) - setup_len:
        return "truncated: file shorter than its setup sectors plus syssize"
    return None


def disassemble(code):
    """objdump's view of 32-bit code: the instructions' text, one per line."""
    with tempfile.NamedTemporaryFile(suffix=".bin") as f:
        f.write(code)
        f.flush()
        out = subprocess.run(["objdump", "-D", "-b", "binary", "-m", "i386", f.name],
                             capture_output=True, text=True, check=True).stdout
    return [" ".join(line.split("\t")[2].split()) for line in out.splitlines()
            if line.count("\t") >= 2]


class MkBadKernel(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="novum-badkernel-")
        r = subprocess.run([sys.executable, TOOL, cls.tmp], capture_output=True, text=True)
        assert (r.returncode, r.stderr) == (0, ""), r.stderr
        cls.images = {}
        for kind in KINDS:
            with open(os.path.join(cls.tmp, kind + ".bzimage"), "rb") as f:
                cls.images[kind] = f.read()

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def payload(self, kind):
        img = self.images[kind]
        return img[1024:1024 + struct.unpack_from("<I", img, 0x1F4)[0] * 16]

    def test_loader_verdicts(self):
        for kind in ("triple-fault", "outside-ram", "garbage", "hypercall-probe"):
            self.assertIsNone(loader_verdict(self.images[kind]), kind)
        self.assertEqual(loader_verdict(self.images["truncated"]),
                         "truncated: file shorter than its setup sectors plus syssize")

    def test_header(self):
        for kind, img in self.images.items():
            self.assertEqual(struct.unpack_from("<H", img, 0x206)[0], 0x020F, kind)
            self.assertEqual(img[0x234], 0, kind)   # not relocatable: loaded at pref_address
            self.assertEqual(struct.unpack_from("<Q", img, 0x258)[0], 0x100000, kind)
            self.assertGreaterEqual(struct.unpack_from("<I", img, 0x260)[0],
                                    struct.unpack_from("<I", img, 0x1F4)[0] * 16, kind)

    def test_truncated_is_short(self):
        img = self.images["truncated"]
        self.assertEqual(struct.unpack_from("<I", img, 0x1F4)[0] * 16, 0x10000)
        self.assertEqual(len(img), 1024 + 0x1000)

    @unittest.skipUnless(shutil.which("objdump"), "no objdump")
    def test_code(self):
        tf = disassemble(self.payload("triple-fault"))
        self.assertEqual(tf[:6], ["mov $0x90000,%esp", "xor %eax,%eax", "push %eax", "push %eax",
                                  "lidtl (%esp)", "ud2"])
        self.assertEqual(disassemble(self.payload("outside-ram"))[0], "movl $0xdeadbeef,0x40000000")
        # the garbage's first instruction is no HLT (interrupts are off: a
        # plain "halted" report); with these bytes an invalid opcode follows
        garbage = disassemble(self.payload("garbage"))
        self.assertNotEqual(garbage[0], "hlt")
        self.assertIn("(bad)", garbage[:3])

    @unittest.skipUnless(shutil.which("objdump"), "no objdump")
    def test_hypercall_probe(self):
        sys.path.insert(0, os.path.dirname(TOOL))
        import mkbadkernel
        code = disassemble(self.payload("hypercall-probe"))
        self.assertEqual(code.count("vmmcall"), len(mkbadkernel.PROBES))
        self.assertIn("out %ax,(%dx)", code)   # the power-off
        for name, *_ in mkbadkernel.PROBES:
            self.assertIn(f"hypercall-probe: {name}: ok\n".encode(), self.images["hypercall-probe"])

    def test_deterministic(self):
        other = tempfile.mkdtemp(prefix="novum-badkernel-")
        self.addCleanup(shutil.rmtree, other)
        self.assertEqual(subprocess.run([sys.executable, TOOL, other]).returncode, 0)
        for kind in KINDS:
            with open(os.path.join(other, kind + ".bzimage"), "rb") as f:
                self.assertEqual(f.read(), self.images[kind], kind)

    def test_usage(self):
        r = subprocess.run([sys.executable, TOOL], capture_output=True, text=True)
        self.assertEqual((r.returncode, r.stderr.strip()), (2, "usage: mkbadkernel.py OUT_DIR"))


if __name__ == "__main__":
    unittest.main()
