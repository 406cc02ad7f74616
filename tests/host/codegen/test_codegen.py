"""Host tests of tools/codegen/gen.py and the spec/ TOML files.

Run: python3 -m unittest discover -s tests/host/codegen
"""

import filecmp
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", "..", ".."))
SPEC = os.path.join(ROOT, "spec")
GEN = os.path.join(ROOT, "tools", "codegen", "gen.py")
CFLAGS = ["-std=c11", "-Wall", "-Wextra", "-Werror"]

sys.dont_write_bytecode = True  # keep tools/codegen free of __pycache__
sys.path.insert(0, os.path.dirname(GEN))
import gen  # noqa: E402  (the generator module itself, for its SpecError)


def load(name):
    with open(os.path.join(SPEC, name + ".toml"), "rb") as f:
        return tomllib.load(f)


def run_gen(out, *extensions, spec=SPEC):
    cmd = [sys.executable, GEN, "--spec", spec, "--out", out]
    for e in extensions:
        cmd += ["--extension", e]
    return subprocess.run(cmd, capture_output=True, text=True)


def read(path):
    with open(path, encoding="utf-8") as f:
        return f.read()


class Generated(unittest.TestCase):
    """Generates one tree per extension combination once for all tests:
    none, each extension alone, and all of them (sharing number 0xf)."""

    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="novum-codegen-")
        cls.plain = os.path.join(cls.tmp, "plain")
        cls.debug = os.path.join(cls.tmp, "debug")
        cls.tls = os.path.join(cls.tmp, "tls")
        cls.ext = os.path.join(cls.tmp, "ext")
        cls.trees = ((cls.plain, ()), (cls.debug, ("debug",)), (cls.tls, ("tls",)),
                     (cls.ext, ("debug", "tls")))
        for out, exts in cls.trees:
            res = run_gen(out, *exts)
            if res.returncode != 0:
                raise RuntimeError("gen.py failed: " + res.stderr)
        cls.hypercalls = load("hypercalls")["hypercall"]

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def path(self, tree, rel):
        return os.path.join(tree, rel)

    # ---- coverage of every hypercall -------------------------------------

    def test_every_hypercall_has_stub_declaration_and_table_entry(self):
        stubs = read(self.path(self.plain, "include/nova/hypercalls.h"))
        decode = read(self.path(self.plain, "kernel/hypercall_decode.h"))
        table = read(self.path(self.plain, "kernel/hypercall_table.c"))
        for h in self.hypercalls:
            name = h["name"]
            with self.subTest(hypercall=name):
                self.assertRegex(stubs, r"static inline (_Noreturn void|enum nova_status) nova_%s\(" % name)
                self.assertIn("void sys_%s(struct sys_regs *r);" % name, decode)
                self.assertIn("[%#x] = sys_%s," % (h["number"], name), table)
        self.assertIn("void sys_bad_hyp(struct sys_regs *r);", decode)
        self.assertIn("typedef void __attribute__((noreturn)) (*sys_handler_fn)(struct sys_regs *);", decode)

    def test_stub_signatures(self):
        stubs = read(self.path(self.plain, "include/nova/hypercalls.h"))
        for sig in ("enum nova_status nova_lookup(uint64_t *crd)",
                    "enum nova_status nova_sc_ctrl(uint64_t sel_sc, uint64_t *time_us)",
                    "enum nova_status nova_assign_gsi(uint64_t sel_sm, uint64_t sel_dev, uint64_t cpu, "
                    "uint64_t *msi_addr, uint64_t *msi_data)",
                    "enum nova_status nova_create_ec(uint64_t sel_obj0, uint64_t sel_pd, uint64_t cpu, "
                    "uint64_t utcb, uint64_t sp, uint64_t sel_evt, unsigned flags)",
                    "enum nova_status nova_pt_ctrl(uint64_t sel_pt, uint64_t pid)",
                    "_Noreturn void nova_reply(uintptr_t sp)"):
            self.assertIn(sig, stubs)

    # ---- extension in and out ---------------------------------------------

    def assert_extension_absent(self, tree, name):
        self.assertNotIn("sys_%s" % name, read(self.path(tree, "kernel/hypercall_table.c")))
        self.assertNotIn("nova_%s" % name, read(self.path(tree, "include/nova/hypercalls.h")))
        self.assertNotIn("NOVA_HC_%s" % name.upper(), read(self.path(tree, "include/nova/spec.h")))
        self.assertNotIn("sys_%s" % name, read(self.path(tree, "kernel/hypercall_decode.h")))

    def test_extension_absent_without_option(self):
        self.assertIn("[0xf] = sys_bad_hyp,", read(self.path(self.plain, "kernel/hypercall_table.c")))
        for tree, name in ((self.plain, "debug"), (self.plain, "tls"), (self.debug, "tls"),
                           (self.tls, "debug")):
            with self.subTest(tree=os.path.basename(tree), extension=name):
                self.assert_extension_absent(tree, name)

    def test_extension_present_with_option(self):
        for tree, name in ((self.debug, "debug"), (self.tls, "tls")):
            with self.subTest(extension=name):
                table = read(self.path(tree, "kernel/hypercall_table.c"))
                self.assertIn("[0xf] = sys_%s, /* extension %s */" % (name, name), table)
                self.assertNotIn("sys_bad_hyp,", table)
                self.assertIn("void sys_%s(struct sys_regs *r);" % name,
                              read(self.path(tree, "kernel/hypercall_decode.h")))
        stubs = read(self.path(self.ext, "include/nova/hypercalls.h"))
        self.assertIn("nova_debug_console_write(const void *buf, uint64_t len)", stubs)
        self.assertIn("nova_debug_exit(uint64_t code)", stubs)
        # a sub-operation's own return value: an out pointer, RDX read back
        self.assertIn("enum nova_status nova_debug_pd_charge(uint64_t sel_pd, uint64_t *bytes)", stubs)
        self.assertIn('"+r"(rdi), "=r"(rdx) : "r"(rsi)', stubs)
        self.assertIn("static inline void hc_debug_pd_charge_return(struct sys_regs *r, uint64_t bytes)",
                      read(self.path(self.ext, "kernel/hypercall_decode.h")))
        self.assertIn("enum nova_status nova_tls_set(uint64_t base)", stubs)

    def test_extensions_share_number_0xf_by_sub_operation(self):
        table = read(self.path(self.ext, "kernel/hypercall_table.c"))
        self.assertIn("[0xf] = sys_shared_0xf, /* extensions debug, tls */", table)
        self.assertRegex(table, r"case NOVA_DEBUG_OP_CONSOLE_WRITE:\n    case NOVA_DEBUG_OP_EXIT:\n"
                                r"    case NOVA_DEBUG_OP_PD_CHARGE:\n        sys_debug\(r\);")
        self.assertRegex(table, r"case NOVA_TLS_OP_SET:\n        sys_tls\(r\);")
        self.assertRegex(table, r"default:\n        sys_bad_hyp\(r\);")
        spec_h = read(self.path(self.ext, "include/nova/spec.h"))
        self.assertIn("#define NOVA_TLS_OP_SET 16u", spec_h)
        self.assertIn('"debug/tls",', spec_h)

    def test_unknown_extension_is_an_error(self):
        res = run_gen(os.path.join(self.tmp, "bad"), "nosuch")
        self.assertNotEqual(res.returncode, 0)
        self.assertIn("unknown extension", res.stderr)

    # ---- determinism and committed docs -----------------------------------

    def test_generation_is_deterministic(self):
        for tree, exts in self.trees:
            again = os.path.join(self.tmp, "again-" + "-".join(exts))
            res = run_gen(again, *exts)
            self.assertEqual(res.returncode, 0, res.stderr)
            cmp = filecmp.dircmp(tree, again)
            self.assert_same_tree(cmp)

    def assert_same_tree(self, cmp):
        self.assertEqual(cmp.left_only + cmp.right_only, [])
        _, mismatch, errors = filecmp.cmpfiles(cmp.left, cmp.right, cmp.common_files, shallow=False)
        self.assertEqual(mismatch + errors, [])
        for sub in cmp.subdirs.values():
            self.assert_same_tree(sub)

    def test_generated_file_names(self):
        names = sorted(os.path.relpath(os.path.join(d, f), self.plain)
                       for d, _, files in os.walk(self.plain) for f in files)
        self.assertEqual(names, ["docs/api.md", "include/nova/hypercalls.h", "include/nova/spec.h",
                                 "include/nova/spec_tables.h", "kernel/hypercall_decode.h",
                                 "kernel/hypercall_table.c", "kernel/spec_objects.h"])

    def test_committed_api_md_is_current(self):
        committed = os.path.join(ROOT, "docs", "api.md")
        self.assertTrue(os.path.exists(committed), "docs/api.md is missing; regenerate it")
        self.assertEqual(read(committed), read(self.path(self.plain, "docs/api.md")),
                         "docs/api.md is stale: run tools/codegen/gen.py --spec spec --out OUTDIR "
                         "and copy OUTDIR/docs/api.md to docs/api.md")

    def test_api_md_content(self):
        doc = read(self.path(self.plain, "docs/api.md"))
        for h in self.hypercalls:
            self.assertIn("### %s\n" % h["name"], doc)
        for needle in ("## Interpretations", "## Extensions", "NOVUM_EXT_DEBUG", "NOVUM_EXT_TLS", "PID",
                       "selector 0", "parameter list", "null CRD", "wrap", "`call` permission"):
            self.assertIn(needle, doc)

    # ---- compiling --------------------------------------------------------

    def compile(self, tree, sources, extra=(), output=None):
        cmd = ["gcc"] + CFLAGS + list(extra) + [
            "-I", self.path(tree, "include"), "-I", self.path(tree, "kernel"), "-I", HERE]
        cmd += ["-o", output] if output else ["-c", "-o", os.devnull]
        res = subprocess.run(cmd + sources, capture_output=True, text=True)
        self.assertEqual(res.returncode, 0, res.stderr)

    def test_headers_compile_freestanding(self):
        src = os.path.join(self.tmp, "headers.c")
        with open(src, "w") as f:
            f.write('#define NOVA_WANT_NAMES\n#include "nova/spec.h"\n#include "nova/hypercalls.h"\n'
                    '#include "nova/spec_tables.h"\n#include "hypercall_decode.h"\n'
                    '#include "spec_objects.h"\n'
                    'int headers_ok(void);\nint headers_ok(void) { return 0; }\n')
        for tree, _ in self.trees:
            for opt in ("-O0", "-O2"):
                with self.subTest(tree=os.path.basename(tree), opt=opt):
                    self.compile(tree, [src], ["-ffreestanding", "-pedantic", opt])
                    self.compile(tree, [self.path(tree, "kernel/hypercall_table.c")],
                                 ["-ffreestanding", opt])

    def test_encoders_program(self):
        """Builds encoders_test.c against each tree, runs it, checks layouts against the TOML."""
        structs = {s["name"]: s for s in load("utcb")["struct"] + load("hip")["struct"]}
        for tree, _ in self.trees:
            with self.subTest(tree=os.path.basename(tree)):
                exe = os.path.join(self.tmp, "encoders_test-" + os.path.basename(tree))
                self.compile(tree, [os.path.join(HERE, "encoders_test.c"),
                                    self.path(tree, "kernel/hypercall_table.c")], output=exe)
                res = subprocess.run([exe], capture_output=True, text=True)
                self.assertEqual(res.returncode, 0, res.stdout + res.stderr)
                self.assertNotIn("FAIL", res.stdout)
                self.check_layout_lines(res.stdout, structs)

    def check_layout_lines(self, out, structs):
        seen = set()
        for line in out.splitlines():
            parts = line.split()
            if parts[0] == "SIZE":
                self.assertEqual(int(parts[2]), structs[parts[1]]["size"], line)
            elif parts[0] == "LAYOUT":
                sname, fname = parts[1].split(".")
                field = {f["name"]: f for f in structs[sname]["field"]}[fname]
                self.assertEqual(int(parts[2]), field["offset"], line)
                size = {"u8": 1, "u16": 2, "u32": 4, "u64": 8, "s32": 4}.get(field["type"])
                if size is None:
                    size = structs[field["type"]]["size"]
                self.assertEqual(int(parts[3]), size * field.get("count", 1), line)
                seen.add((sname, fname))
        every = {(s, f["name"]) for s, v in structs.items() for f in v["field"]}
        self.assertEqual(every - seen, set(), "fields not checked by encoders_test.c")


class SpecSanity(unittest.TestCase):
    """Consistency of the TOML files themselves, independent of the generator."""

    def test_hypercalls(self):
        hcs = load("hypercalls")["hypercall"]
        self.assertEqual(len(hcs), 15)
        numbers = [h["number"] for h in hcs]
        ext_numbers = {h["number"] for e in load("extensions")["extension"] for h in e["hypercall"]}
        self.assertEqual(len(numbers), len(set(numbers)), "hypercall numbers not unique")
        self.assertEqual(ext_numbers & set(numbers), set(), "an extension takes a spec number")
        self.assertEqual(sorted(h["number"] for h in hcs), list(range(15)))
        self.assertEqual([h["name"] for h in sorted(hcs, key=lambda h: h["number"])],
                         ["call", "reply", "create_pd", "create_ec", "create_sc", "create_pt",
                          "create_sm", "revoke", "lookup", "ec_ctrl", "sc_ctrl", "pt_ctrl",
                          "sm_ctrl", "assign_pci", "assign_gsi"])
        status = {s["name"] for s in load("status")["status"]}
        for h in hcs:
            for code in list(h.get("status", {})) + list(h.get("novum_status", {})):
                self.assertIn(code, status, h["name"])
            bits = [f["bit"] for f in h.get("flag", [])]
            self.assertEqual(len(bits), len(set(bits)))
            self.assertTrue(all(0 <= b < 4 for b in bits))
            for p in h.get("param", []):
                self.assertIn("description", p)

    def test_status_codes(self):
        st = load("status")["status"]
        self.assertEqual(len(st), 9)
        self.assertEqual([s["value"] for s in st], list(range(9)))
        self.assertEqual(st[0]["name"], "SUCCESS")
        self.assertEqual(st[8]["name"], "BAD_DEV")

    def test_bitfields_fit_and_do_not_overlap(self):
        for bf in load("bitfields")["bitfield"]:
            with self.subTest(bitfield=bf["name"]):
                self.assertLessEqual(bf["width"], 64)
                used = 0
                for f in bf["field"]:
                    self.assertLessEqual(0, f["lo"])
                    self.assertLessEqual(f["lo"], f["hi"])
                    self.assertLess(f["hi"], bf["width"])
                    mask = ((1 << (f["hi"] - f["lo"] + 1)) - 1) << f["lo"]
                    self.assertEqual(used & mask, 0, "%s overlaps" % f["name"])
                    used |= mask

    def test_struct_offsets_increase_without_overlap(self):
        structs = load("utcb")["struct"] + load("hip")["struct"]
        sizes = {"u8": 1, "u16": 2, "u32": 4, "u64": 8, "s32": 4}
        for s in structs:
            with self.subTest(struct=s["name"]):
                end = 0
                for f in s["field"]:
                    self.assertGreaterEqual(f["offset"], end, f["name"])
                    end = f["offset"] + sizes[f["type"]] * f.get("count", 1)
                self.assertLessEqual(end, s["size"])
                sizes[s["name"]] = s["size"]  # later structs may embed this one

    def test_implementation_parameters_are_marked(self):
        for p in load("novum")["param"]:
            self.assertIs(p.get("implementation"), True, p["name"])
        exts = load("extensions")["extension"]
        self.assertEqual([e["name"] for e in exts], ["debug", "tls"])
        for e in exts:
            self.assertIs(e.get("extension"), True)
            self.assertEqual(e["cmake"], "NOVUM_EXT_" + e["name"].upper())

    def test_interpretations_quote_the_parameters_they_name(self):
        novum = load("novum")
        chunk = next(p["value"] for p in novum["param"] if p["name"] == "REVOKE_CHUNK")
        text = next(i["text"] for i in novum["interpretation"] if i["topic"] == "Revocation latency")
        self.assertIn("at most %d capabilities" % chunk, text)

    def test_generator_rejects_a_sub_operation_claimed_twice(self):
        tmp = tempfile.mkdtemp(prefix="novum-badspec-")
        try:
            bad = os.path.join(tmp, "spec")
            shutil.copytree(SPEC, bad)
            path = os.path.join(bad, "extensions.toml")
            text = read(path).replace('name = "set"\nvalue = 0x10', 'name = "set"\nvalue = 1', 1)
            self.assertNotEqual(text, read(path))
            with open(path, "w") as f:
                f.write(text)
            with self.assertRaisesRegex(gen.SpecError, "share number 0xf and a sub-operation value"):
                gen.load_spec(bad)
        finally:
            shutil.rmtree(tmp)

    def test_generator_rejects_sub_operation_0(self):
        tmp = tempfile.mkdtemp(prefix="novum-badspec-")
        try:
            bad = os.path.join(tmp, "spec")
            shutil.copytree(SPEC, bad)
            path = os.path.join(bad, "extensions.toml")
            text = read(path).replace('name = "set"\nvalue = 0x10', 'name = "set"\nvalue = 0', 1)
            self.assertNotEqual(text, read(path))
            with open(path, "w") as f:
                f.write(text)
            with self.assertRaisesRegex(gen.SpecError, "sub-operation 0 is no extension's"):
                gen.load_spec(bad)
        finally:
            shutil.rmtree(tmp)

    def test_generator_rejects_overlapping_fields(self):
        tmp = tempfile.mkdtemp(prefix="novum-badspec-")
        try:
            bad = os.path.join(tmp, "spec")
            shutil.copytree(SPEC, bad)
            path = os.path.join(bad, "bitfields.toml")
            text = read(path).replace('name = "mask"\nlo = 2', 'name = "mask"\nlo = 1', 1)
            with open(path, "w") as f:
                f.write(text)
            with self.assertRaises(gen.SpecError):
                gen.load_spec(bad)
        finally:
            shutil.rmtree(tmp)

    def test_generator_rejects_a_permission_outside_the_crd_mask(self):
        tmp = tempfile.mkdtemp(prefix="novum-badspec-")
        try:
            bad = os.path.join(tmp, "spec")
            shutil.copytree(SPEC, bad)
            path = os.path.join(bad, "objects.toml")
            text = read(path).replace('{ name = "sm", bit = 4,', '{ name = "sm", bit = 5,', 1)
            self.assertNotEqual(text, read(path))
            with open(path, "w") as f:
                f.write(text)
            with self.assertRaisesRegex(gen.SpecError, "outside the CRD mask field"):
                gen.load_spec(bad)
        finally:
            shutil.rmtree(tmp)


if __name__ == "__main__":
    unittest.main()
