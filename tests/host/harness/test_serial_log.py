"""Unit tests of tools/qemu/serial_log.py (no QEMU needed)."""

import os
import sys
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
sys.path.insert(0, os.path.join(ROOT, "tools", "qemu"))

import serial_log as sl  # noqa: E402

GOOD = """\
novum: booting\r
ok 1 - hip checksum\r
ok 2 - lookup root pd
# some diagnostic
ok 3 - bad hypercall
3 passed, 0 failed
"""

DEBUG0 = sl.decode_exit_status(1)


class ExitStatus(unittest.TestCase):
    def test_decode(self):
        self.assertEqual(sl.decode_exit_status(1).kind, "debug-exit")
        self.assertEqual(sl.decode_exit_status(1).code, 0)
        self.assertEqual(sl.decode_exit_status(7).code, 3)
        self.assertEqual(sl.decode_exit_status(0).kind, "other")
        self.assertEqual(sl.decode_exit_status(-9).kind, "killed")
        self.assertEqual(sl.decode_exit_status(1, killed=True).kind, "killed")
        self.assertEqual(sl.decode_exit_status(2).kind, "error")


class TestsMode(unittest.TestCase):
    def verdict(self, text, exit_info=DEBUG0, **kw):
        return sl.tests_verdict(sl.split_lines(text), exit_info, **kw)

    def test_pass(self):
        v = self.verdict(GOOD)
        self.assertTrue(v.passed, v.reason)
        self.assertEqual(v.line(), "PASS: 3 tests passed")

    def test_parse(self):
        log = sl.parse_test_log(sl.split_lines(GOOD))
        self.assertEqual([r.number for r in log.results], [1, 2, 3])
        self.assertEqual(log.results[1].name, "lookup root pd")
        self.assertEqual(log.results[1].diagnostics, ["# some diagnostic"])
        self.assertEqual(log.summaries[0][:2], (3, 0))

    def test_one_failed(self):
        text = ("ok 1 - a\nnot ok 2 - create pd\n# expected 0 got 4\nok 3 - c\n"
                "2 passed, 1 failed\n")
        v = self.verdict(text)
        self.assertFalse(v.passed)
        self.assertEqual(v.line(), "FAIL: 1 test failed: create pd")

    def test_two_failed(self):
        text = "not ok 1 - a\nnot ok 2 - b\n0 passed, 2 failed\n"
        self.assertEqual(self.verdict(text).line(), "FAIL: 2 tests failed: a, b")

    def test_skip_passes_and_is_named(self):
        text = "ok 1 - a\nok 2 - smp call # SKIP one CPU: needs two\nok 3 # skip no name\n3 passed, 0 failed\n"
        log = sl.parse_test_log(sl.split_lines(text))
        self.assertEqual([(r.name, r.skip) for r in log.results],
                         [("a", None), ("smp call", "one CPU: needs two"), ("", "no name")])
        v = self.verdict(text)
        self.assertTrue(v.passed, v.reason)
        self.assertEqual(v.line(), "PASS: 3 tests passed, 2 of them skipped: smp call, #3")

    def test_not_ok_with_skip_still_fails(self):
        v = self.verdict("not ok 1 - a # SKIP why\n0 passed, 1 failed\n")
        self.assertFalse(v.passed)

    def test_summary_counts_failures_without_not_ok(self):
        v = self.verdict("ok 1 - a\n1 passed, 1 failed\n")
        self.assertFalse(v.passed)
        self.assertIn("1 failed", v.reason)

    def test_missing_summary(self):
        v = self.verdict("ok 1 - a\nok 2 - b\n")
        self.assertEqual(v.line(), "FAIL: no summary line")

    def test_summary_not_alone_on_line(self):
        v = self.verdict("ok 1 - a\nxx 1 passed, 0 failed\n")
        self.assertEqual(v.line(), "FAIL: no summary line")

    def test_count_mismatch(self):
        v = self.verdict("ok 1 - a\nok 2 - b\n3 passed, 0 failed\n")
        self.assertEqual(v.line(), "FAIL: summary says 3 passed but 2 ok lines")

    def test_two_summaries(self):
        v = self.verdict("ok 1 - a\n1 passed, 0 failed\n1 passed, 0 failed\n")
        self.assertFalse(v.passed)

    def test_panic(self):
        text = GOOD.replace("ok 3", "NOVUM PANIC: page fault in kernel at 0xffff\nok 3")
        v = self.verdict(text)
        self.assertEqual(v.line(), "FAIL: kernel panic: NOVUM PANIC: page fault in kernel at 0xffff")

    def test_timeout(self):
        v = self.verdict("ok 1 - a\n", exit_info=sl.decode_exit_status(None, killed=True),
                         timed_out=True, timeout=120)
        self.assertEqual(v.line(), "FAIL: timeout after 120 s (1 ok, 0 not ok so far)")

    def test_exit_status(self):
        self.assertFalse(self.verdict(GOOD, exit_info=sl.decode_exit_status(0)).passed)
        v = self.verdict(GOOD, exit_info=sl.decode_exit_status(5))
        self.assertFalse(v.passed)
        self.assertIn("code 2", v.reason)


class ExpectMode(unittest.TestCase):
    LOG = ["novum: boot", "novum: root task loaded", "hello from root",
           "novum: EC shut down: #UD at rip=0x0000000010000040 (no portal at selector 0x6)",
           "  rax=0x000000000000600d rbx=0x000000000000000c rcx=0x0 rdx=0x0"]

    def test_in_order(self):
        v = sl.expect_verdict(self.LOG, ["root task loaded", "EC shut down: #UD",
                                         r"rax=0x000000000000600d"])
        self.assertTrue(v.passed, v.reason)

    def test_out_of_order(self):
        v = sl.expect_verdict(self.LOG, ["hello from root", "root task loaded"])
        self.assertFalse(v.passed)
        self.assertIn("'root task loaded'", v.reason)

    def test_same_line_sequence(self):
        self.assertTrue(sl.expect_verdict(["a b"], ["a", "b"]).passed)
        self.assertFalse(sl.expect_verdict(["b a"], ["a", "b"]).passed)
        # the same text cannot satisfy two expectations
        self.assertFalse(sl.expect_verdict(["x"], ["x", "x"]).passed)
        self.assertTrue(sl.expect_verdict(["x", "x"], ["x", "x"]).passed)

    def test_forbid(self):
        v = sl.expect_verdict(self.LOG, ["hello", "rax="], forbids=["root task loaded"])
        self.assertFalse(v.passed)
        self.assertIn("forbidden", v.reason)

    def test_forbid_after_all_matched_is_ignored(self):
        # run.py stops QEMU as soon as all expectations matched
        v = sl.expect_verdict(self.LOG, ["root task loaded"], forbids=["hello"])
        self.assertTrue(v.passed)

    def test_panic(self):
        log = ["novum: boot", "NOVUM PANIC: oops", "later"]
        v = sl.expect_verdict(log, ["later"])
        self.assertEqual(v.line(), "FAIL: kernel panic: NOVUM PANIC: oops")
        self.assertTrue(sl.expect_verdict(log, ["NOVUM PANIC: oops"]).passed)

    def test_timeout_names_first_unmatched(self):
        v = sl.expect_verdict(self.LOG, ["boot", "never", "also never"],
                              timed_out=True, timeout=5)
        self.assertEqual(v.line(),
                         "FAIL: timeout after 5 s waiting for 'never' (1 of 3 matched)")

    def test_splitter(self):
        s = sl.LineSplitter()
        self.assertEqual(s.feed(b"ab"), [])
        self.assertEqual(s.feed(b"c\r\nde"), ["abc"])
        self.assertEqual(s.flush(), ["de"])


class SendAfter(unittest.TestCase):
    def test_decode(self):
        self.assertEqual(sl.decode_send_text(r"ls -l\n"), b"ls -l\n")
        self.assertEqual(sl.decode_send_text(r"a\r\t\e\\\x00\xff"), b"a\r\t\x1b\\\x00\xff")
        self.assertEqual(sl.decode_send_text("é"), "é".encode())
        for bad in ["x\\", r"\q", r"\x4", r"\xzz"]:
            with self.assertRaises(ValueError):
                sl.decode_send_text(bad)

    def test_sends_in_order(self):
        m = sl.ExpectMatcher(["boot", sl.Send("login:", b"root\n"), "welcome",
                              sl.Send("# ", b"ls\n")])
        m.feed_line("login: boot")      # 'login:' before 'boot' is not its turn
        self.assertEqual(m.take_input(), b"")
        m.feed_line("login: ")
        self.assertEqual(m.take_input(), b"root\n")
        self.assertEqual(m.take_input(), b"")   # handed out once
        m.feed_line("welcome")
        m.feed_partial("# ")
        self.assertEqual(m.take_input(), b"ls\n")
        self.assertTrue(m.done)
        self.assertEqual(m.verdict().line(), "PASS: all 2 expectations matched, 2 inputs sent")

    def test_partial_lines_match_sends_only(self):
        m = sl.ExpectMatcher([sl.Send("prompt> ", b"a\n"), "a$"])
        m.feed_partial("prompt")
        self.assertEqual(m.take_input(), b"")
        m.feed_partial("prompt> ")
        self.assertEqual(m.take_input(), b"a\n")
        m.feed_partial("prompt> a")          # an expectation waits for the line
        self.assertFalse(m.done)
        m.feed_line("prompt> a")             # and goes on after the prompt
        self.assertTrue(m.done)

    def test_match_continues_after_partial(self):
        # the text a send matched on the partial line does not count again
        m = sl.ExpectMatcher([sl.Send("x", b"1"), "x"])
        m.feed_partial("x")
        m.feed_line("x")
        self.assertFalse(m.done)
        m.feed_line("x")
        self.assertTrue(m.done)

    def test_progress_counts_inputs(self):
        m = sl.ExpectMatcher(["a", sl.Send("b", b"x"), "c"])
        m.feed(["a"])
        self.assertEqual(m.verdict(timed_out=True, timeout=2).line(),
                         "FAIL: timeout after 2 s waiting for 'b' (1 of 2 matched, 0 of 1 inputs sent)")


if __name__ == "__main__":
    unittest.main()
