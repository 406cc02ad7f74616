"""Host tests of tools/compose: the system.toml checks and the boot plan.

Run: python3 -m unittest discover -s tests/host/compose
"""

import contextlib
import io
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
COMPOSE_DIR = os.path.join(ROOT, "tools", "compose")
COMPOSE = os.path.join(COMPOSE_DIR, "compose.py")
CFLAGS = ["-std=c11", "-Wall", "-Wextra", "-Werror"]
PROGRAMS = ("uart", "hello", "server", "client", "vmm")

sys.dont_write_bytecode = True  # keep tools/compose free of __pycache__
sys.path.insert(0, COMPOSE_DIR)
import compose  # noqa: E402
import plan  # noqa: E402

EXAMPLE = """\
# A console driver with a hello client, and a client/server pair.
[[component]]
name = "console"
program = "uart"
priority = 10
quantum_us = 5000
stack_size = 16384
io_ports = [ { base = 0x3f8, count = 8 } ]
gsis = [4]
pci = ["00:1f.3"]
offers = ["console"]

[[component]]
name = "hello"
program = "hello"
uses = ["console"]
pci_config = true

[[component]]
name = "server"
program = "server"
cpu = 1
heap_size = 65536
pci = [{ vendor = 0x1af4, device = 0x1042, index = 1 }, "00:03.0"]
mmio = [ { base = 0xfed00000, size = 0x1000 } ]
dma_memory = "1M"
iommu = "optional"
offers = ["echo", "stats"]
uses = ["console"]
restart = { max = 3 }

[[component]]
name = "client"
program = "client"
priority = 20
uses = ["echo", "console"]

[[memory]]
name = "ring"
size = 8192
[[memory.map]]
component = "client"
address = 0x10000000
writable = true
[[memory.map]]
component = "server"
address = 0x20000000
writable = true

[[memory]]
name = "config"
size = 4096
[[memory.map]]
component = "client"
address = 0x10002000
"""


def toml(*lines):
    """A document whose line n is lines[n - 1]."""
    return "\n".join(lines) + "\n"


def component(name="a", program="uart", *extra):
    return ("[[component]]", f'name = "{name}"', f'program = "{program}"') + extra


class ComposeTest(unittest.TestCase):
    """Each test gets a fake source tree with apps/<program>/CMakeLists.txt."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="novum-compose-")
        self.addCleanup(shutil.rmtree, self.tmp)
        for program in PROGRAMS:
            os.makedirs(os.path.join(self.tmp, "src", "apps", program))
            open(os.path.join(self.tmp, "src", "apps", program, "CMakeLists.txt"), "w").close()
        os.makedirs(os.path.join(self.tmp, "src", "projects", "t"))
        self.system = os.path.join(self.tmp, "src", "projects", "t", "system.toml")
        self.out = os.path.join(self.tmp, "out")

    def compose(self, text, *args):
        """Run compose.main() in this process (fast); the result looks like subprocess's."""
        with open(self.system, "w", encoding="utf-8") as f:
            f.write(text)
        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            rc = compose.main(["--source-dir", os.path.join(self.tmp, "src"),
                               "--out-dir", self.out, *args, self.system])
        return subprocess.CompletedProcess([], rc, out.getvalue(), err.getvalue())

    def assertErrors(self, text, *expected):
        """Composing `text` fails with exactly `expected` ("LINE: message") on stderr."""
        r = self.compose(text)
        self.assertEqual(r.returncode, 1, r.stderr)
        want = [f"{self.system}:{e.split(': ', 1)[0]}: error: {e.split(': ', 1)[1]}"
                for e in expected]
        self.assertEqual(r.stderr.splitlines(), want)
        self.assertFalse(os.path.exists(os.path.join(self.out, "boot_plan.bin")))

    def read(self, name, mode="rb"):
        with open(os.path.join(self.out, name), mode) as f:
            return f.read()


class ExampleTest(ComposeTest):
    """Composes EXAMPLE before each test."""

    def setUp(self):
        super().setUp()
        r = self.compose(EXAMPLE)
        self.assertEqual((r.returncode, r.stderr), (0, ""))
        self.blob = self.read("boot_plan.bin")


class ValidSystem(ExampleTest):
    def test_components_txt(self):
        self.assertEqual(self.read("components.txt", "r"),
                         "console uart\nhello hello\nserver server\nclient client\n")

    def test_header_layout(self):
        magic, version, total, _, *placement = struct.unpack_from("<26I", self.blob)
        self.assertEqual(self.blob[:4], b"NVPL")
        self.assertEqual((magic, version, total), (0x4C50564E, 4, len(self.blob)))
        self.assertEqual(total, 1048)
        # (offset, count): components (136 bytes each), regions, mappings, io, gsis,
        # pci (16 bytes each), portals, uses, vms, vcpus, mmio
        self.assertEqual(placement, [104, 4, 648, 2, 728, 3, 800, 1,
                                     816, 1, 824, 3, 872, 3, 992, 4, 1024, 0, 1024, 0,
                                     1024, 1])

    def test_decodes_to_expected_values(self):
        p = plan.decode(self.blob)

        default_stack, default_heap = 0x10000, 0x100000

        def comp(name, module, priority, quantum_us, cpu, heap, slices, stack=default_stack,
                 dma=0, flags=0, restart_max=0):
            rec = dict(name=name, module=module, priority=priority, quantum_us=quantum_us,
                       cpu=cpu, stack_size=stack, heap_size=heap)
            for key, (first, count) in zip(("map", "io", "gsi", "pci", "portal", "use",
                                            "mmio"), slices):
                rec.update({key + "_first": first, key + "_count": count})
            rec.update(dma_size=dma, flags=flags, restart_max=restart_max)
            return rec

        self.assertEqual(p["components"], [
            comp("console", 2, 10, 5000, 0, default_heap,
                 [(0, 0), (0, 1), (0, 1), (0, 1), (0, 1), (0, 0), (0, 0)], stack=16384),
            comp("hello", 3, 1, 10000, 0, default_heap,
                 [(0, 0), (1, 0), (1, 0), (1, 0), (1, 0), (0, 1), (0, 0)],
                 flags=plan.FLAG_PCI_CONFIG),
            comp("server", 4, 1, 10000, 1, 65536,
                 [(0, 1), (1, 0), (1, 0), (1, 2), (1, 2), (1, 1), (0, 1)],
                 dma=1 << 20, flags=plan.FLAG_IOMMU_OPTIONAL, restart_max=3),
            comp("client", 5, 20, 10000, 0, default_heap,
                 [(1, 2), (1, 0), (1, 0), (3, 0), (3, 0), (2, 2), (1, 0)]),
        ])
        self.assertEqual(p["regions"], [dict(name="ring", size=8192),
                                        dict(name="config", size=4096)])
        self.assertEqual(p["mappings"], [
            dict(region=0, component=2, address=0x20000000, writable=1),
            dict(region=0, component=3, address=0x10000000, writable=1),
            dict(region=1, component=3, address=0x10002000, writable=0),
        ])
        self.assertEqual(p["io_ranges"], [dict(component=0, base=0x3F8, count=8)])
        self.assertEqual(p["gsis"], [dict(component=0, gsi=4)])
        by_address = dict(by_id=0, vendor=0, device=0, index=0)
        self.assertEqual(p["pci"], [
            dict(component=0, bus=0, dev=0x1F, fn=3, **by_address),
            dict(component=2, bus=0, dev=0, fn=0, by_id=1, vendor=0x1AF4, device=0x1042,
                 index=1),
            dict(component=2, bus=0, dev=3, fn=0, **by_address)])
        self.assertEqual(p["mmio"], [dict(component=2, base=0xFED00000, size=0x1000)])
        self.assertEqual(p["portals"], [dict(name="console", component=0, id=0),
                                        dict(name="echo", component=2, id=1),
                                        dict(name="stats", component=2, id=2)])
        self.assertEqual(p["uses"], [dict(component=1, portal=0), dict(component=2, portal=0),
                                     dict(component=3, portal=1), dict(component=3, portal=0)])

    def test_deterministic(self):
        os.rename(self.out, self.out + ".first")
        self.assertEqual(self.compose(EXAMPLE).returncode, 0)
        with open(os.path.join(self.out + ".first", "boot_plan.bin"), "rb") as f:
            self.assertEqual(f.read(), self.blob)

    def test_corruption_detected(self):
        bad = bytearray(self.blob)
        bad[100] ^= 1
        with self.assertRaisesRegex(plan.PlanError, "checksum"):
            plan.decode(bytes(bad))

    def test_print_plan(self):
        r = self.compose(EXAMPLE, "--print-plan")
        self.assertEqual(r.returncode, 0)
        self.assertIn("component 0 console: program uart module 2, priority 10, "
                      "quantum 5000 us, cpu 0, stack 0x4000, heap 0x100000\n", r.stdout)
        # the defaults: 64 KiB of stack, 1 MiB of heap (both paged on demand)
        self.assertIn("component 1 hello: program hello module 3, priority 1, "
                      "quantum 10000 us, cpu 0, stack 0x10000, heap 0x100000\n", r.stdout)
        self.assertIn("    io ports 0x03f8-0x03ff\n", r.stdout)
        self.assertIn("    restarted after a crash, at most 3 times\n", r.stdout)
        self.assertIn("    maps ring (0x2000 bytes) at 0x10000000 rw\n", r.stdout)
        self.assertIn("    uses portal 1 echo (offered by server)\n", r.stdout)
        self.assertIn("    pci 1af4:1042 index 1\n    pci 00:03.0\n"
                      "    mmio 0xfed00000-0xfed00fff\n    dma memory 0x100000\n"
                      "    iommu optional\n", r.stdout)
        self.assertIn("    pci config (the whole ECAM)\n", r.stdout)

    def test_command_line(self):
        """The script itself: without --out-dir it only checks; errors exit 1."""
        cmd = [sys.executable, COMPOSE, "--source-dir", os.path.join(self.tmp, "src")]
        r = subprocess.run(cmd + [self.system], capture_output=True, text=True)
        self.assertEqual((r.returncode, r.stdout, r.stderr), (0, "", ""))
        with open(self.system, "a") as f:
            f.write("[oops]\n")
        r = subprocess.run(cmd + [self.system], capture_output=True, text=True)
        line = EXAMPLE.count("\n") + 1
        self.assertEqual((r.returncode, r.stderr),
                         (1, f"{self.system}:{line}: error: unknown top-level table 'oops'\n"))


@unittest.skipUnless(shutil.which("gcc"), "needs gcc")
class CHeader(ExampleTest):
    def test_compiles_freestanding(self):
        src = os.path.join(self.tmp, "t.c")
        with open(src, "w") as f:
            f.write('#include "boot_plan.h"\n'
                    "const char *check(const void *p, uint64_t n) { return nvpl_check(p, n); }\n")
        r = subprocess.run(["gcc", *CFLAGS, "-ffreestanding", "-I", COMPOSE_DIR,
                            "-c", src, "-o", os.path.join(self.tmp, "t.o")],
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)

    def dump(self, path):
        exe = os.path.join(self.tmp, "plan_dump")
        if not os.path.exists(exe):
            r = subprocess.run(["gcc", *CFLAGS, "-I", COMPOSE_DIR, "-o", exe,
                                os.path.join(HERE, "plan_dump.c")],
                               capture_output=True, text=True)
            self.assertEqual(r.returncode, 0, r.stderr)
        return subprocess.run([exe, path], capture_output=True, text=True)

    def test_c_reads_what_python_writes(self):
        r = self.dump(os.path.join(self.out, "boot_plan.bin"))
        self.assertEqual(r.returncode, 0, r.stdout)
        p = plan.decode(self.blob)
        want = [f"header 0 version={p['version']} total_size={p['total_size']} "
                f"checksum={p['checksum']}"]
        for array in plan.ARRAYS:
            for i, rec in enumerate(p[array]):
                want.append(f"{array} {i} " + " ".join(f"{k}={v}" for k, v in rec.items()))
        self.assertEqual(r.stdout.splitlines(), want)

    def test_c_rejects_corrupt_plan(self):
        bad = bytearray(self.blob)
        bad[100] ^= 1
        path = os.path.join(self.tmp, "bad.bin")
        with open(path, "wb") as f:
            f.write(bad)
        r = self.dump(path)
        self.assertEqual((r.returncode, r.stdout), (1, "rejected: checksum mismatch\n"))


class Errors(ComposeTest):
    def test_syntax_error(self):
        self.assertErrors(toml("[[component]]", 'name = "a"', "program = "),
                          "3: Invalid value (column 11)")

    def test_unknown_top_level_table(self):
        self.assertErrors(toml(*component(), "[network]", "x = 1"),
                          "4: unknown top-level table 'network'")

    def test_unknown_top_level_key(self):
        self.assertErrors(toml("debug = true", *component()),
                          "1: unknown top-level key 'debug'")

    def test_unknown_component_key(self):
        self.assertErrors(toml(*component("a", "uart", "prio = 3")),
                          "4: unknown key 'prio' in [[component]]")

    def test_unknown_io_port_key(self):
        self.assertErrors(toml(*component("a", "uart",
                                          "io_ports = [ { base = 0x60, size = 1 } ]")),
                          "4: unknown key 'size' in io_ports[0]",
                          "4: io_ports[0] is missing required key 'count'")

    def test_wrong_type(self):
        self.assertErrors(toml(*component("a", "uart", 'priority = "high"', "gsis = 4",
                                          "writable = 1")),
                          "4: priority must be an integer, not string",
                          "5: gsis must be an array, not integer",
                          "6: unknown key 'writable' in [[component]]")

    def test_wrong_type_bool_is_no_integer(self):
        self.assertErrors(toml(*component("a", "uart", "cpu = true")),
                          "4: cpu must be an integer, not boolean")

    def test_wrong_element_type(self):
        self.assertErrors(toml(*component("a", "uart", "offers = [", '  "x",', "  7,", "]")),
                          "6: offers[1] must be a string, not integer")

    def test_component_not_array_of_tables(self):
        self.assertErrors(toml("[component]", 'name = "a"'),
                          "1: 'component' must be an array of tables ([[component]])")

    def test_missing_name_and_program(self):
        self.assertErrors(toml(*component(), "", "[[component]]", "priority = 3"),
                          "5: [[component]] is missing required key 'name'",
                          "5: [[component]] is missing required key 'program'")

    def test_no_components(self):
        self.assertErrors("# nothing\n", "1: the system has no [[component]]")

    def test_bad_name(self):
        self.assertErrors(toml(*component("Console"), *component("a" * 32)),
                          "2: name 'Console' must match [a-z][a-z0-9_-]*",
                          f"5: name '{'a' * 32}' is longer than 31 characters")

    def test_unknown_program(self):
        self.assertErrors(toml(*component("a", "vmx")),
                          "3: unknown program 'vmx': no apps/vmx/CMakeLists.txt")

    def test_duplicate_component(self):
        self.assertErrors(toml(*component("a"), *component("a", "hello")),
                          "5: duplicate component name 'a' (first at line 2)")

    def test_duplicate_memory_region(self):
        self.assertErrors(toml(*component(),
                               "[[memory]]", 'name = "ring"', "size = 4096",
                               "[[memory]]", 'name = "ring"', "size = 8192"),
                          "8: duplicate memory region name 'ring' (first at line 5)")

    def test_map_unknown_component(self):
        self.assertErrors(toml(*component(),
                               "[[memory]]", 'name = "ring"', "size = 4096",
                               "[[memory.map]]", 'component = "b"', "address = 0x1000"),
                          "8: memory 'ring' is mapped into unknown component 'b'")

    def test_overlapping_mappings(self):
        self.assertErrors(toml(*component(),
                               "[[memory]]", 'name = "ring"', "size = 0x2000",
                               "[[memory.map]]", 'component = "a"', "address = 0x10000000",
                               "[[memory]]", 'name = "buf"', "size = 0x1000",
                               "[[memory.map]]", 'component = "a"', "address = 0x10001000"),
                          "15: mapping [0x10001000, 0x10002000) of 'buf' overlaps mapping "
                          "[0x10000000, 0x10002000) of 'ring' (line 9) in the address space of 'a'")

    def test_same_address_in_two_components_is_fine(self):
        r = self.compose(toml(*component("a"), *component("b"),
                              "[[memory]]", 'name = "ring"', "size = 0x2000",
                              "[[memory.map]]", 'component = "a"', "address = 0x10000000",
                              "[[memory.map]]", 'component = "b"', "address = 0x10000000"))
        self.assertEqual((r.returncode, r.stderr), (0, ""))

    def test_io_overlap_between_components(self):
        self.assertErrors(toml(*component("a", "uart", "io_ports = [{ base = 0x3f8, count = 8 }]"),
                               *component("b", "hello", "io_ports = [{ base = 0x3ff, count = 1 }]")),
                          "8: I/O port range 0x3ff-0x3ff of 'b' overlaps I/O port range "
                          "0x3f8-0x3ff of 'a' (line 4)")

    def test_io_overlap_within_component(self):
        self.assertErrors(toml(*component("a", "uart", "io_ports = [",
                                          "  { base = 0x60, count = 1 },",
                                          "  { base = 0x40, count = 0x21 },", "]")),
                          "6: I/O port range 0x40-0x60 of 'a' overlaps I/O port range "
                          "0x60-0x60 of 'a' (line 5)")

    def test_io_beyond_0xffff(self):
        self.assertErrors(toml(*component("a", "uart",
                                          "io_ports = [{ base = 0xfff8, count = 9 }]")),
                          "4: I/O port range 0xfff8+0x9 goes beyond 0xffff")

    def test_io_base_out_of_range(self):
        self.assertErrors(toml(*component("a", "uart",
                                          "io_ports = [{ base = 0x10000, count = 1 }]")),
                          "4: base must be in 0x0..0xffff, got 0x10000")

    def test_gsi_granted_twice(self):
        self.assertErrors(toml(*component("a", "uart", "gsis = [4]"),
                               *component("b", "hello", "gsis = [1, 4]")),
                          "8: GSI 4 is granted twice (first at line 4)")

    def test_pci_granted_twice(self):
        self.assertErrors(toml(*component("a", "uart", 'pci = ["00:1f.3"]'),
                               *component("b", "hello", 'pci = ["00:1F.3"]')),
                          "8: PCI device 00:1f.3 is granted twice (first at line 4)")

    def test_pci_syntax(self):
        self.assertErrors(toml(*component("a", "uart", 'pci = ["0:1f.3", "00:20.0"]')),
                          '4: pci[0] \'0:1f.3\' must be bus:dev.fn in hex, e.g. "00:1f.3"',
                          "4: pci[1] '00:20.0' has device 0x20, beyond 0x1f")

    def test_pci_by_id_granted_twice(self):
        self.assertErrors(toml(*component("a", "uart", "pci = [{ vendor = 0x1234, device = 0x11e8 }]"),
                               *component("b", "hello", "pci = [",
                                          "  { vendor = 0x1234, device = 0x11e8, index = 1 },",
                                          "  { vendor = 0x1234, device = 0x11e8, index = 0 },",
                                          "]")),
                          "10: PCI device 1234:11e8 (index 0) is granted twice (first at line 4)")

    def test_pci_entry_shape(self):
        self.assertErrors(toml(*component("a", "uart", "pci = [",
                                          "  3,",
                                          "  { device = 0x11e8 },",
                                          "  { vendor = 0xffff, device = 0x11e8, func = 1 },",
                                          "  { vendor = 0x1234, device = 0x10000, index = 256 },",
                                          "]")),
                          "5: pci[0] must be a string or a table, not integer",
                          "6: pci[1] is missing required key 'vendor'",
                          "7: unknown key 'func' in pci[2]",
                          "7: vendor must be in 0x0..0xfffe, got 0xffff",
                          "8: device must be in 0x0..0xffff, got 0x10000",
                          "8: index must be in 0..255, got 256")

    def test_device_page_limits(self):
        pci = ", ".join(f'"00:{d:02x}.0"' for d in range(9))
        mmio = ", ".join(f"{{ base = {0xfe000000 + d * 0x1000:#x}, size = 0x1000 }}" for d in range(9))
        gsis = ", ".join(str(g) for g in range(25))
        self.assertErrors(toml(*component("a", "uart", f"pci = [{pci}]", f"mmio = [{mmio}]",
                                          f"gsis = [{gsis}]")),
                          "4: pci names 9 functions, at most 8 (the device page's)",
                          "5: mmio names 9 ranges, at most 8 (the device page's)",
                          "6: gsis names 25 GSIs, at most 24")

    def test_mmio_range_checks(self):
        self.assertErrors(toml(*component("a", "uart", "mmio = [",
                                          "  { base = 0xfed00100, size = 0x1000 },",
                                          "  { base = 0xfed00000, size = 0x1100 },",
                                          "  { base = 0x1ffffffff000, size = 0x2000 },",
                                          "  { size = 0x1000 },",
                                          "]")),
                          "5: base must be page aligned (a multiple of 0x1000), got 0xfed00100",
                          "6: size must be a multiple of 4096, got 4352",
                          "7: MMIO range 0x1ffffffff000+0x2000 goes beyond 0x200000000000",
                          "8: mmio[3] is missing required key 'base'")

    def test_mmio_overlap(self):
        self.assertErrors(toml(*component("a", "uart", "mmio = [{ base = 0xfed00000, size = 0x2000 }]"),
                               *component("b", "hello", "mmio = [{ base = 0xfed01000, size = 0x1000 }]")),
                          "8: MMIO range 0xfed01000-0xfed01fff of 'b' overlaps MMIO range "
                          "0xfed00000-0xfed01fff of 'a' (line 4)")

    def test_dma_memory_checks(self):
        self.assertErrors(toml(*component("a", "uart", 'dma_memory = "1X"'),
                               *component("b", "uart", "dma_memory = 100"),
                               *component("c", "uart", 'dma_memory = "128M"'),
                               *component("d", "uart", "dma_memory = 0x2000")),
                          "4: dma_memory '1X' must be a size such as \"1M\" or a number of bytes",
                          "8: dma_memory must be a multiple of 4096, got 100",
                          "12: dma_memory must be at most 64M, got 128M")

    def test_iommu_choices(self):
        self.assertErrors(toml(*component("a", "uart", 'iommu = "maybe"'),
                               *component("b", "uart", 'iommu = "optional"')),
                          "4: iommu must be 'required' or 'optional', got 'maybe'")

    def test_pci_config_granted_twice(self):
        self.assertErrors(toml(*component("a", "uart", "pci_config = true"),
                               *component("b", "hello", "pci_config = false"),
                               *component("c", "hello", "pci_config = true")),
                          "12: pci_config (the whole ECAM) is granted twice (first at line 4)")

    def test_heap_reaches_device_area(self):
        self.assertErrors(toml(*component("a", "uart", "heap_size = 0x1ff000000000")),
                          "4: heap of 'a' reaches into [0x1ff000000000, 0x400000000000), "
                          "where it finds its devices")

    def test_mapping_in_device_area_or_dma_window(self):
        self.assertErrors(toml(*component("a", "uart", 'dma_memory = "1M"'),
                               *component("b", "hello"),
                               "[[memory]]", 'name = "r"', "size = 0x1000",
                               "[[memory.map]]", 'component = "a"', "address = 0x0c100000",
                               "[[memory.map]]", 'component = "b"', "address = 0x0c100000",
                               "[[memory.map]]", 'component = "b"', "address = 0x200000000000"),
                          "13: mapping [0xc100000, 0xc101000) of 'r' overlaps [0xc000000, "
                          "0x10000000), where 'a' finds its DMA memory",
                          "19: mapping [0x200000000000, 0x200000001000) of 'r' overlaps "
                          "[0x1ff000000000, 0x400000000000), where 'b' finds its devices")

    def test_portal_used_but_not_offered(self):
        self.assertErrors(toml(*component("a", "uart", 'offers = ["console"]'),
                               *component("b", "hello", "uses = [", '  "console",',
                                          '  "timer",', "]")),
                          "10: portal 'timer' is used by 'b' but offered by no component")

    def test_portal_offered_twice(self):
        self.assertErrors(toml(*component("a", "uart", 'offers = ["console"]'),
                               *component("b", "hello", 'offers = ["console"]')),
                          "8: portal 'console' is offered twice (first at line 4)")

    def test_priority_out_of_range(self):
        self.assertErrors(toml(*component("a", "uart", "priority = 0"),
                               *component("b", "hello", "priority = 256")),
                          "4: priority must be in 1..255, got 0",
                          "8: priority must be in 1..255, got 256")

    def test_restart(self):
        self.assertErrors(toml(*component("a", "uart", "restart = { max = 0 }"),
                               *component("b", "hello", "restart = true"),
                               *component("c", "hello", "restart = { max = 1001, tries = 2 }"),
                               *component("d", "hello", "restart = {}")),
                          "4: max must be in 1..1000, got 0",
                          "8: restart must be a table, not boolean",
                          "12: unknown key 'tries' in restart",
                          "12: max must be in 1..1000, got 1001",
                          "16: restart is missing required key 'max'")

    def test_restart_as_table(self):
        r = self.compose(toml(*component("a", "uart"), "[component.restart]", "max = 2"))
        self.assertEqual((r.returncode, r.stderr), (0, ""))
        self.assertEqual(plan.decode(self.read("boot_plan.bin"))["components"][0]["restart_max"], 2)

    def test_quantum_zero(self):
        self.assertErrors(toml(*component("a", "uart", "quantum_us = 0")),
                          "4: quantum_us must be in 1..4294967295, got 0")

    def test_cpu_negative_and_max_cpus(self):
        self.assertErrors(toml(*component("a", "uart", "cpu = -1")),
                          "4: cpu must be in 0..4294967295, got -1")
        r = self.compose(toml(*component("a", "uart", "cpu = 8")), "--max-cpus", "8")
        self.assertEqual(r.stderr, f"{self.system}:4: error: "
                                   f"cpu must be below the build's 8 CPUs, got 8\n")

    def test_sizes(self):
        self.assertErrors(toml(*component("a", "uart", "stack_size = 0", "heap_size = 100"),
                               *component("b", "hello", "stack_size = 5000")),
                          "4: stack_size must be in 0x1000..0x7fffffff0000, got 0x0",
                          "5: heap_size must be a multiple of 4096, got 100",
                          "9: stack_size must be a multiple of 4096, got 5000")

    def test_region_size_and_alignment(self):
        self.assertErrors(toml(*component(),
                               "[[memory]]", 'name = "ring"', "size = 5000",
                               "[[memory.map]]", 'component = "a"', "address = 0x10000010"),
                          "6: size must be a multiple of 4096, got 5000",
                          "9: address must be page aligned (a multiple of 0x1000), "
                          "got 0x10000010")

    def test_mapping_beyond_user_space(self):
        self.assertErrors(toml(*component(),
                               "[[memory]]", 'name = "ring"', "size = 0x2000",
                               "[[memory.map]]", 'component = "a"', "address = 0x7ffffffef000"),
                          "9: mapping of 'ring' at 0x7ffffffef000 ends at 0x7fffffff1000, "
                          "beyond 0x00007fffffff0000")

    def test_memory_missing_keys(self):
        self.assertErrors(toml(*component(), "[[memory]]", "[[memory.map]]", "writable = 1"),
                          "4: [[memory]] is missing required key 'name'",
                          "4: [[memory]] is missing required key 'size'",
                          "5: [[memory.map]] is missing required key 'component'",
                          "5: [[memory.map]] is missing required key 'address'",
                          "6: writable must be a boolean, not integer")

    def test_all_errors_reported_in_line_order(self):
        self.assertErrors(toml(*component("a", "vmx", "priority = 0"),
                               *component("a", "hello", 'uses = ["x"]'),
                               '[[memory]]', 'name = "m"', "size = 4096",
                               "[[memory.map]]", 'component = "zz"', "address = 0"),
                          "3: unknown program 'vmx': no apps/vmx/CMakeLists.txt",
                          "4: priority must be in 1..255, got 0",
                          "6: duplicate component name 'a' (first at line 2)",
                          "8: portal 'x' is used by 'a' but offered by no component",
                          "13: memory 'm' is mapped into unknown component 'zz'")

    def test_lines_survive_strings_and_comments(self):
        """Brackets, '#' and newlines inside strings and comments do not move lines."""
        self.assertErrors(toml("# [[component]] in a comment",
                               "[[component]]  # the console",
                               'name = "a"',
                               'program = """uart',
                               '[[memory]]"""',
                               "priority = 0"),
                          "4: program 'uart\\n[[memory]]' is not a directory name under apps/",
                          "6: priority must be in 1..255, got 0")


VM_EXAMPLE = """\
[[component]]
name = "console"
program = "uart"
offers = ["console"]

[[component]]
name = "vmm"
program = "vmm"
cpu = 1
uses = ["console"]
[component.vm]
memory = "256M"
vcpus = 2
cpus = [1, 0]
kernel = "@debian-kernel"
initrd = "images/initrd.gz"
cmdline = "console=ttyS0 pci=off"

[[component]]
name = "small"
program = "vmm"
uses = ["console"]
vm = { memory = 16777216, kernel = "images/bzImage" }
"""


def vm_component(*vm_lines, uses='uses = ["console"]', extra=()):
    """A console and a component "v" (extra lines from 10) with a [component.vm]
    (at line 10 without extra lines)."""
    return toml(*component("console", "uart", 'offers = ["console"]'), "",
                *component("v", "vmm", uses, *extra), "[component.vm]", *vm_lines)


class VmSystem(ComposeTest):
    """[component.vm]: a VM, its boot modules and its records in the plan."""

    def setUp(self):
        super().setUp()
        images = os.path.join(self.tmp, "src", "projects", "t", "images")
        os.makedirs(images)
        for name in ("initrd.gz", "bzImage"):
            open(os.path.join(images, name), "w").close()
        self.images = images

    def test_plan_and_modules(self):
        r = self.compose(VM_EXAMPLE)
        self.assertEqual((r.returncode, r.stderr), (0, ""))
        # after the three components (modules 2..4): vmm's kernel and initrd, small's kernel
        self.assertEqual(self.read("modules.txt", "r"),
                         "5 kernel vmm @debian-kernel\n"
                         f"6 initrd vmm {self.images}/initrd.gz\n"
                         f"7 kernel small {self.images}/bzImage\n")
        p = plan.decode(self.read("boot_plan.bin"))
        self.assertEqual(p["vms"], [
            dict(component=1, kernel_module=5, memory_size=256 << 20, initrd_module=6,
                 console_use=0, vcpu_first=0, vcpu_count=2, cmdline_size=21,
                 cmdline="console=ttyS0 pci=off"),
            dict(component=2, kernel_module=7, memory_size=16 << 20, initrd_module=0,
                 console_use=0, vcpu_first=2, vcpu_count=1, cmdline_size=0, cmdline=""),
        ])
        # small has one vCPU by default, on its own cpu (0)
        self.assertEqual(p["vcpus"], [dict(vm=0, cpu=1), dict(vm=0, cpu=0), dict(vm=1, cpu=0)])

    def test_print_plan(self):
        r = self.compose(VM_EXAMPLE, "--print-plan")
        self.assertIn("    vm: memory 0x10000000, 2 vcpus on cpus [1, 0], kernel module 5, "
                      "initrd module 6, console use 0, cmdline 'console=ttyS0 pci=off'\n",
                      r.stdout)

    def test_no_vm_no_modules(self):
        r = self.compose(EXAMPLE)
        self.assertEqual(r.returncode, 0)
        self.assertEqual(self.read("modules.txt", "r"), "")

    @unittest.skipUnless(shutil.which("gcc"), "needs gcc")
    def test_c_reads_what_python_writes(self):
        self.assertEqual(self.compose(VM_EXAMPLE).returncode, 0)
        CHeader.dump(self, os.path.join(self.out, "boot_plan.bin"))  # builds plan_dump
        r = CHeader.dump(self, os.path.join(self.out, "boot_plan.bin"))
        self.assertEqual(r.returncode, 0, r.stdout)
        p = plan.decode(self.read("boot_plan.bin"))
        for array in ("vms", "vcpus"):
            for i, rec in enumerate(p[array]):
                self.assertIn(f"{array} {i} " + " ".join(f"{k}={v}" for k, v in rec.items()),
                              r.stdout.splitlines())

    def test_memory_sizes(self):
        for value, message in (
                ('"100M"', "memory must be a power of two of at least 16M, got 100M"),
                ('"8M"', "memory must be a power of two of at least 16M, got 8M"),
                ("4096", "memory must be a power of two of at least 16M, got 4096"),
                ('"128G"', "memory must be at most 64G, got 128G"),
                ('"256 MB"', "memory '256 MB' must be a size such as \"256M\" or \"1G\""),
                ("true", "memory must be a string or an integer, not boolean")):
            with self.subTest(value=value):
                self.assertErrors(vm_component(f"memory = {value}", 'kernel = "@debian-kernel"'),
                                  f"11: {message}")
        for value in ('"16M"', '"1G"', '"64G"', str(32 << 20)):
            with self.subTest(value=value):
                r = self.compose(vm_component(f"memory = {value}", 'kernel = "@debian-kernel"'))
                self.assertEqual((r.returncode, r.stderr), (0, ""))

    def test_vcpus_and_cpus(self):
        self.assertErrors(vm_component('memory = "64M"', 'kernel = "@debian-kernel"',
                                       "vcpus = 0", "cpus = [0, 1]"),
                          "13: vcpus must be in 1..64, got 0")
        self.assertErrors(vm_component('memory = "64M"', 'kernel = "@debian-kernel"',
                                       "vcpus = 2", "cpus = [0]"),
                          "14: cpus names 1 host CPUs but vcpus is 2: one CPU per vCPU")
        self.assertErrors(vm_component('memory = "64M"', 'kernel = "@debian-kernel"',
                                       "cpus = [0]", "vcpus = 65", "", "[[component]]"),
                          "14: vcpus must be in 1..64, got 65",
                          "16: [[component]] is missing required key 'name'",
                          "16: [[component]] is missing required key 'program'")
        self.assertErrors(vm_component('memory = "64M"', 'kernel = "@debian-kernel"',
                                       "cpus = -1"),
                          "13: cpus must be an array, not integer")

    def test_cpus_beyond_the_build(self):
        r = self.compose(vm_component('memory = "64M"', 'kernel = "@debian-kernel"',
                                      "vcpus = 3", "cpus = [", "  0,", "  2,", "  1,", "]"),
                         "--max-cpus", "2")
        self.assertEqual(r.stderr, f"{self.system}:16: error: cpus[1] must be below the "
                                   f"build's 2 CPUs, got 2\n")
        # without cpus, every vCPU runs on the component's cpu, which is checked too
        r = self.compose(vm_component('memory = "64M"', 'kernel = "@debian-kernel"',
                                      extra=("cpu = 4",)), "--max-cpus", "2")
        self.assertEqual(r.stderr, f"{self.system}:10: error: cpu must be below the "
                                   f"build's 2 CPUs, got 4\n")

    def test_kernel_and_initrd(self):
        self.assertErrors(vm_component('memory = "64M"'),
                          "10: [component.vm] is missing required key 'kernel'")
        self.assertErrors(vm_component('memory = "64M"', 'kernel = "images/vmlinuz"',
                                       'initrd = "@debian-initrd"'),
                          f"12: kernel file 'images/vmlinuz' not found (looked for "
                          f"{self.images}/vmlinuz)",
                          "13: initrd '@debian-initrd' names no build artefact (known: "
                          "@bad-kernel-garbage, @bad-kernel-outside-ram, "
                          "@bad-kernel-triple-fault, @bad-kernel-truncated, "
                          "@busybox-initramfs, @debian-kernel, @hypercall-probe-kernel)")
        self.assertErrors(vm_component('memory = "64M"', 'kernel = ""', "initrd = 3"),
                          "12: kernel must not be empty",
                          "13: initrd must be a string, not integer")

    def test_cmdline(self):
        self.assertErrors(vm_component('memory = "64M"', 'kernel = "@debian-kernel"',
                                       f'cmdline = "{"x" * 2048}"'),
                          "13: cmdline is 2048 bytes long, more than 2047")
        self.assertErrors(vm_component('memory = "64M"', 'kernel = "@debian-kernel"',
                                       'cmdline = "a\\nb"'),
                          "13: cmdline must not contain control characters")
        r = self.compose(vm_component('memory = "64M"', 'kernel = "@debian-kernel"',
                                      f'cmdline = "{"x" * 2047}"'))
        self.assertEqual((r.returncode, r.stderr), (0, ""))

    def test_console_must_be_used(self):
        self.assertErrors(vm_component('memory = "64M"', 'kernel = "@debian-kernel"',
                                       uses="uses = []"),
                          "10: the VM of 'v' talks to portal 'console', which 'v' does not "
                          "list in uses")
        self.assertErrors(vm_component('memory = "64M"', 'kernel = "@debian-kernel"',
                                       'console = "serial"'),
                          "13: the VM of 'v' talks to portal 'serial', which 'v' does not "
                          "list in uses")

    def test_unknown_key_and_wrong_type(self):
        self.assertErrors(vm_component('memory = "64M"', 'kernel = "@debian-kernel"',
                                       "ram = 5"),
                          "13: unknown key 'ram' in [component.vm]")
        self.assertErrors(toml(*component("v", "vmm", "vm = 3")),
                          "4: [component.vm] must be a table, not integer")

    def test_vm_area_kept_free(self):
        self.assertErrors(vm_component('memory = "64M"', 'kernel = "@debian-kernel"',
                                       "[[memory]]", 'name = "m"', "size = 4096",
                                       "[[memory.map]]", 'component = "v"',
                                       "address = 0x100000000000",
                                       "[[memory.map]]", 'component = "console"',
                                       "address = 0x100000000000"),
                          "18: mapping [0x100000000000, 0x100000001000) of 'm' overlaps "
                          "[0x80000000000, 0x101000000000), where 'v' finds its VM")
        self.assertErrors(vm_component('memory = "64M"', 'kernel = "@debian-kernel"',
                                       extra=("heap_size = 0x80000000000",)),
                          "10: heap of 'v' reaches into [0x80000000000, 0x101000000000), "
                          "where it finds its VM")


if __name__ == "__main__":
    unittest.main()
