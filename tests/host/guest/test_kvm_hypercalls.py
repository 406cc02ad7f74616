"""Host tests of the guest's /bin/kvm-hypercalls (tools/guest/kvm_hypercalls.c,
built by tools/guest/mkhypercalls.sh): a static x86-64 executable with no
undefined symbols that issues VMMCALL. It cannot run here (VMMCALL outside
a VM faults); the guest runs it.

Run: python3 -m unittest discover -s tests/host/guest
"""

import os
import shutil
import struct
import subprocess
import tempfile
import unittest

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
BUILD = os.path.join(ROOT, "tools", "guest", "mkhypercalls.sh")
SOURCE = os.path.join(ROOT, "tools", "guest", "kvm_hypercalls.c")


@unittest.skipUnless(shutil.which("gcc"), "no gcc")
class KvmHypercalls(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="novum-hypercalls-")
        cls.exe = os.path.join(cls.tmp, "kvm-hypercalls")
        r = subprocess.run([BUILD, cls.exe], capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        with open(cls.exe, "rb") as f:
            cls.elf = f.read()

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def test_static_x86_64_executable(self):
        self.assertEqual(self.elf[:5], b"\x7fELF\x02")                   # ELF64
        e_type, e_machine = struct.unpack_from("<HH", self.elf, 16)
        self.assertEqual((e_type, e_machine), (2, 62))                  # ET_EXEC, x86-64
        phoff, = struct.unpack_from("<Q", self.elf, 32)
        phentsize, phnum = struct.unpack_from("<HH", self.elf, 54)
        types = [struct.unpack_from("<I", self.elf, phoff + i * phentsize)[0] for i in range(phnum)]
        self.assertNotIn(3, types)   # no PT_INTERP
        self.assertNotIn(2, types)   # no PT_DYNAMIC

    @unittest.skipUnless(shutil.which("nm"), "no nm")
    def test_no_undefined_symbols(self):
        r = subprocess.run(["nm", "-u", self.exe], capture_output=True, text=True, check=True)
        self.assertEqual(r.stdout, "")

    def test_issues_vmmcall_and_prints_verdicts(self):
        self.assertIn(b"\x0f\x01\xd9", self.elf)   # VMMCALL
        for text in (b"VAPIC_POLL_IRQ", b"KICK_CPU", b"CLOCK_PAIRING", b"SEND_IPI", b"SCHED_YIELD",
                     b"hypercalls: ", b" passed, ", b" failed"):
            self.assertIn(text, self.elf)

    def test_numbers_match_the_vmm(self):
        """The program calls the numbers the VMM implements (apps/vmm/intercepts.c)."""
        with open(os.path.join(ROOT, "apps", "vmm", "intercepts.c")) as f:
            vmm = f.read()
        with open(SOURCE) as f:
            prog = f.read()
        for name, nr in (("VAPIC_POLL_IRQ", 1), ("KICK_CPU", 5), ("CLOCK_PAIRING", 9),
                         ("SEND_IPI", 10), ("SCHED_YIELD", 11)):
            self.assertIn(f"#define KVM_HC_{name} {nr}\n", vmm)
            self.assertIn(f'check("{name}", {nr},', prog)
        self.assertIn("#define KVM_EPERM 1\n", vmm)
        self.assertIn("#define KVM_EPERM 1\n", prog)


if __name__ == "__main__":
    unittest.main()
