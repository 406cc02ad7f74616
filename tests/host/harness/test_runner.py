"""Runs tools/qemu/run.py against a fake qemu-system-x86_64 placed first in
PATH: checks early stop, timeout handling (the whole process group dies) and
the decoding of the debug-exit status.  No real QEMU needed."""

import os
import subprocess
import sys
import tempfile
import time
import unittest

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
RUN = os.path.join(ROOT, "tools", "qemu", "run.py")
sys.path.insert(0, os.path.join(ROOT, "tools", "qemu"))

import run  # noqa: E402

# The fake QEMU: prints $FAKE_OUTPUT (\n-separated) to stdout, records its
# arguments and pid (and the pid of a child it forks), then either exits
# with $FAKE_STATUS or sleeps forever if FAKE_STATUS is "hang". With
# $FAKE_PROMPT it then prints that without a newline and answers each line
# typed on its stdin (the serial input) with "echo: " and the line in upper
# case, prompting again, until stdin ends; it records what it read.
FAKE = r'''#!{python}
import os, subprocess, sys, time
d = os.environ["FAKE_DIR"]
child = subprocess.Popen(["sleep", "600"])
with open(os.path.join(d, "pids"), "w") as f:
    f.write("%d %d\n" % (os.getpid(), child.pid))
with open(os.path.join(d, "argv"), "w") as f:
    f.write("\0".join(sys.argv[1:]))
out = os.environ.get("FAKE_OUTPUT", "")
for line in out.split("\n"):
    sys.stdout.write(line + "\r\n")
    sys.stdout.flush()
    time.sleep(0.01)
prompt = os.environ.get("FAKE_PROMPT")
if prompt:
    sys.stdout.write(prompt)
    sys.stdout.flush()
    for typed in sys.stdin:
        with open(os.path.join(d, "typed"), "a") as f:
            f.write(typed)
        sys.stdout.write("echo: " + typed.rstrip("\n").upper() + "\r\n" + prompt)
        sys.stdout.flush()
status = os.environ.get("FAKE_STATUS", "hang")
if status == "hang":
    while True:
        time.sleep(1)
child.kill()
sys.exit(int(status))
'''


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie still "exists"; look at its state
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(")")[-1].split()[0] != "Z"
    except FileNotFoundError:
        return False


class FakeQemu(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name
        path = os.path.join(self.dir, "qemu-system-x86_64")
        with open(path, "w") as f:
            f.write(FAKE.replace("{python}", sys.executable))
        os.chmod(path, 0o755)

    def tearDown(self):
        self.tmp.cleanup()

    def run_py(self, output, status, *args, timeout=10, prompt=None):
        env = dict(os.environ)
        if prompt:
            env["FAKE_PROMPT"] = prompt
        env["PATH"] = self.dir + os.pathsep + env.get("PATH", "")
        env["FAKE_DIR"] = self.dir
        env["FAKE_OUTPUT"] = output
        env["FAKE_STATUS"] = str(status)
        log = os.path.join(self.dir, "serial.log")
        t0 = time.monotonic()
        p = subprocess.run([sys.executable, RUN, "--kernel", "k.elf",
                            "--module", "root.elf a,b", "--timeout", str(timeout),
                            "--log", log] + list(args),
                           env=env, capture_output=True, text=True, timeout=30)
        self.elapsed = time.monotonic() - t0
        with open(os.path.join(self.dir, "pids")) as f:
            self.pids = [int(x) for x in f.read().split()]
        with open(log) as f:
            self.log = f.read()
        return p

    def assert_all_dead(self):
        deadline = time.monotonic() + 3
        while any(alive(p) for p in self.pids) and time.monotonic() < deadline:
            time.sleep(0.05)
        for pid in self.pids:
            self.assertFalse(alive(pid), f"pid {pid} left running")

    def last_line(self, p):
        return p.stdout.rstrip("\n").splitlines()[-1]

    def test_expect_stops_when_matched(self):
        p = self.run_py("novum: boot\nhello\nworld", "hang",
                        "--mode", "expect", "--expect", "hel+o", "--expect", "^world$")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertEqual(self.last_line(p), "PASS: all 2 expectations matched")
        self.assertLess(self.elapsed, 8)
        self.assertIn("hello", self.log)
        self.assert_all_dead()
        with open(os.path.join(self.dir, "argv")) as f:
            argv = f.read().split("\0")
        self.assertIn("-initrd", argv)
        self.assertEqual(argv[argv.index("-initrd") + 1], "root.elf a,,b")
        self.assertEqual(argv[argv.index("-accel") + 1], "tcg")
        self.assertIn("isa-debug-exit,iobase=0xf4,iosize=0x04", argv)
        # the command line is printed first
        self.assertTrue(p.stdout.startswith("run.py: "))

    def test_expect_timeout_kills_qemu(self):
        p = self.run_py("novum: boot\nhello", "hang", "--mode", "expect",
                        "--expect", "hello", "--expect", "never seen", timeout=1.5)
        self.assertEqual(p.returncode, 1)
        self.assertEqual(self.last_line(p),
                         "FAIL: timeout after 1.5 s waiting for 'never seen' (1 of 2 matched)")
        self.assertLess(self.elapsed, 8)
        self.assert_all_dead()

    def test_expect_qemu_exits_early(self):
        p = self.run_py("novum: boot", 3, "--mode", "expect", "--expect", "never")
        self.assertEqual(p.returncode, 1)
        self.assertIn("guest exited with code 1", self.last_line(p))
        self.assertLess(self.elapsed, 8)

    def test_expect_forbid(self):
        p = self.run_py("a\nNOVUM PANIC: boom\nb", "hang", "--mode", "expect",
                        "--expect", "b")
        self.assertEqual(p.returncode, 1)
        self.assertEqual(self.last_line(p), "FAIL: kernel panic: NOVUM PANIC: boom")
        self.assert_all_dead()

    def test_tests_mode_exit_status_decoding(self):
        good = "ok 1 - x\nok 2 - y\n2 passed, 0 failed"
        p = self.run_py(good, 1, "--mode", "tests")          # debug exit, code 0
        self.assertEqual(p.returncode, 0, p.stdout)
        self.assertEqual(self.last_line(p), "PASS: 2 tests passed")
        p = self.run_py(good, 5, "--mode", "tests")          # debug exit, code 2
        self.assertEqual(p.returncode, 1)
        self.assertIn("guest exited with code 2", self.last_line(p))
        p = self.run_py(good, 0, "--mode", "tests")          # not the debug exit
        self.assertEqual(p.returncode, 1)
        self.assertIn("not through the debug exit", self.last_line(p))

    def typed(self):
        path = os.path.join(self.dir, "typed")
        if not os.path.exists(path):
            return ""
        with open(path) as f:
            return f.read()

    def test_send_after_types_at_prompt(self):
        # the prompt has no newline: --send-after matches the line so far
        p = self.run_py("novum: boot\nready", "hang", "--mode", "expect",
                        "--expect", "^ready$",
                        "--send-after", "name> $", "hello novum\\n",
                        "--expect", "echo: HELLO NOVUM$",
                        "--send-after", "name> $", "second\\x21\\n",
                        "--expect", "echo: SECOND!$", prompt="name> ")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertEqual(self.last_line(p), "PASS: all 3 expectations matched, 2 inputs sent")
        self.assertEqual(self.typed(), "hello novum\nsecond!\n")
        self.assertIn("run.py: typing 'hello novum\\n'", p.stderr)
        self.assertNotIn("typing", self.log)   # the log holds only the serial output
        self.assert_all_dead()

    def test_send_after_waits_for_its_turn(self):
        # "ready" comes before the prompt only once: a send whose pattern has
        # been seen only before the previous step's match never types
        p = self.run_py("ready", "hang", "--mode", "expect",
                        "--send-after", "ready", "x\\n", "--expect", "echo: X$",
                        "--send-after", "ready", "y\\n", "--expect", "echo: Y$",
                        timeout=1.5, prompt="> ")
        self.assertEqual(p.returncode, 1)
        self.assertEqual(self.last_line(p), "FAIL: timeout after 1.5 s waiting for 'ready' "
                                            "(1 of 2 matched, 1 of 2 inputs sent)")
        self.assertEqual(self.typed(), "x\n")
        self.assert_all_dead()

    def test_no_send_means_no_stdin(self):
        # without --send-after QEMU's stdin stays /dev/null: the fake reads EOF
        p = self.run_py("ready", "hang", "--mode", "expect", "--expect", "^ready$", prompt="> ")
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertEqual(self.typed(), "")


class CommandLine(unittest.TestCase):
    def test_build(self):
        a = run.parse_args(["--kernel", "k", "--module", "m1 x=1,y", "--module", "m2",
                            "--mode", "interactive", "--smp", "2", "--extra-arg=-s"])
        cmd = run.build_qemu_command(a)
        self.assertEqual(cmd[:13], ["qemu-system-x86_64", "-machine", "q35", "-accel", "tcg",
                                    "-cpu", "max", "-smp", "2", "-m", "256M", "-kernel", "k"])
        self.assertEqual(cmd[cmd.index("-initrd") + 1], "m1 x=1,,y,m2")
        self.assertIn("mon:stdio", cmd)
        self.assertEqual(cmd[-1], "-s")

    def test_steps_keep_their_order(self):
        a = run.parse_args(["--kernel", "k", "--mode", "expect", "--expect", "a",
                            "--send-after", "b", "x\\r", "--expect", "c"])
        self.assertEqual(a.steps, ["a", run.serial_log.Send("b", b"x\r"), "c"])
        self.assertEqual(a.expect, ["a", "c"])
        self.assertEqual(a.send_after, [("b", "x\\r")])

    def test_send_after_refusals(self):
        cases = [
            (["--mode", "expect", "--expect", "a", "--send-after", "b", "x\\q"], "unknown escape"),
            (["--mode", "expect", "--expect", "a", "--send-after", "(", "x"], "bad regex"),
            (["--mode", "tests", "--send-after", "b", "x"], "only apply to --mode expect"),
            (["--mode", "expect", "--send-after", "b", "x"], "needs at least one --expect"),
        ]
        for argv, message in cases:
            p = subprocess.run([sys.executable, RUN, "--kernel", "k"] + argv,
                               capture_output=True, text=True, timeout=30)
            self.assertEqual(p.returncode, 2, argv)
            self.assertIn(message, p.stderr, argv)

    def test_no_modules_no_initrd(self):
        a = run.parse_args(["--kernel", "k", "--mode", "tests", "--accel", "kvm"])
        cmd = run.build_qemu_command(a)
        self.assertNotIn("-initrd", cmd)
        self.assertEqual(cmd[cmd.index("-accel") + 1], "kvm")
        self.assertEqual(cmd[cmd.index("-serial") + 1], "stdio")


if __name__ == "__main__":
    unittest.main()
