#!/usr/bin/env python3
r"""Run a Novum kernel (plus multiboot modules) in QEMU.

Modes:
  interactive  serial console on the terminal (Ctrl-A X quits), no timeout.
  tests        capture the serial log, judge the on-target TAP test suite.
  expect       capture the serial log, wait for --expect regexes in order;
               stop QEMU as soon as all matched.  --send-after REGEX TEXT
               steps, interleaved with them in the order given, type TEXT
               into the serial console when REGEX matches (also on a line
               still without its newline, such as a prompt); TEXT takes the
               escapes \n \r \t \e \\ \xHH.

In the non-interactive modes the serial output is echoed live to stdout and
written to --log if given; the last line printed is the verdict
("PASS: ..." or "FAIL: ..."), and the exit status is 0 on pass, 1 on fail.

Python 3.11 standard library only.  The log parsing lives in serial_log.py.
"""

from __future__ import annotations

import argparse
import os
import selectors
import shlex
import signal
import subprocess
import sys
import time
from typing import List, Optional

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import serial_log  # noqa: E402

QEMU = "qemu-system-x86_64"
DEBUG_EXIT_DEVICE = "isa-debug-exit,iobase=0xf4,iosize=0x04"
# After a fatal line (panic, forbidden pattern) keep reading this long so the
# rest of the report (e.g. a register dump) still reaches the log.
GRACE_SECONDS = 0.5


# --------------------------------------------------------------------------
# Command line


class StepAction(argparse.Action):
    """--expect REGEX and --send-after REGEX TEXT, kept in one ordered list
    (args.steps: str for an expectation, serial_log.Send for an input) as
    well as on their own (args.expect, args.send_after)."""

    def __call__(self, parser, namespace, values, option_string=None):
        steps = getattr(namespace, "steps", None) or []
        if option_string == "--send-after":
            regex, text = values
            try:
                data = serial_log.decode_send_text(text)
            except ValueError as e:
                parser.error(f"--send-after {regex!r}: {e}")
            steps.append(serial_log.Send(regex, data))
            namespace.send_after = (namespace.send_after or []) + [(regex, text)]
        else:
            steps.append(values)
            namespace.expect = (namespace.expect or []) + [values]
        namespace.steps = steps


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(
        description="Run Novum in QEMU (TCG by default).",
        epilog="Arguments for --extra-arg that start with '-' must be written "
               "as --extra-arg=-foo.")
    boot = p.add_mutually_exclusive_group(required=True)
    boot.add_argument("--kernel", help="kernel image (ELF32 multiboot), booted by QEMU's multiboot loader")
    boot.add_argument("--cdrom", help="a bootable ISO image (GRUB), booted by the firmware")
    p.add_argument("--uefi", action="store_true", help="boot with UEFI firmware (OVMF) instead of SeaBIOS")
    p.add_argument("--module", action="append", default=[], metavar='"PATH [cmdline]"',
                   help="multiboot module: path, optionally followed by its command "
                        "line (repeatable; the first is the root task)")
    p.add_argument("--cpu", default="max")
    p.add_argument("--accel", default="tcg", help="tcg (default) or kvm")
    p.add_argument("--smp", type=int, default=1)
    p.add_argument("--memory", default="256M")
    p.add_argument("--timeout", type=float, default=120.0,
                   help="seconds (tests/expect modes; default 120)")
    p.add_argument("--log", help="write the serial log to this file")
    p.add_argument("--mode", required=True, choices=["interactive", "tests", "expect"])
    p.add_argument("--expect", action=StepAction, default=[], metavar="REGEX")
    p.add_argument("--send-after", action=StepAction, nargs=2, default=[], metavar=("REGEX", "TEXT"),
                   help="in expect mode: when REGEX matches (in order with the --expect "
                        "regexes), type TEXT into the serial console (escapes \\n \\r \\t "
                        "\\e \\\\ \\xHH; repeatable)")
    p.add_argument("--forbid", action="append", default=[], metavar="REGEX")
    p.add_argument("--extra-arg", action="append", default=[], metavar="ARG",
                   help="extra QEMU argument, appended verbatim (repeatable)")
    p.add_argument("--qemu", default=QEMU, help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if not hasattr(args, "steps"):
        args.steps = []
    if args.mode == "expect" and not args.expect:
        p.error("--mode expect needs at least one --expect REGEX")
    if args.mode != "expect" and (args.expect or args.forbid or args.send_after):
        p.error("--expect/--forbid/--send-after only apply to --mode expect")
    if args.timeout <= 0:
        p.error("--timeout must be positive")
    for rx in args.expect + args.forbid + [rx for rx, _ in args.send_after]:
        try:
            serial_log.compile_patterns([rx])
        except Exception as e:  # re.error
            p.error(f"bad regex {rx!r}: {e}")
    return args


def escape_initrd_item(item: str) -> str:
    """QEMU splits -initrd at commas; a literal comma is written ',,'."""
    return item.replace(",", ",,")


def initrd_argument(modules: List[str]) -> str:
    return ",".join(escape_initrd_item(m.strip()) for m in modules)


OVMF = "/usr/share/ovmf/OVMF.fd"   # Debian's ovmf: UEFI firmware for x86-64


def build_qemu_command(args: argparse.Namespace) -> List[str]:
    cmd = [args.qemu,
           "-machine", "q35",
           "-accel", args.accel,
           "-cpu", args.cpu,
           "-smp", str(args.smp),
           "-m", args.memory]
    if args.uefi:
        cmd += ["-bios", OVMF]
    if args.kernel:
        cmd += ["-kernel", args.kernel]
        if args.module:
            cmd += ["-initrd", initrd_argument(args.module)]
    else:
        cmd += ["-cdrom", args.cdrom]
    cmd += ["-device", DEBUG_EXIT_DEVICE,
            "-no-reboot",
            "-display", "none"]
    if args.mode == "interactive":
        # Serial and monitor multiplexed on the terminal: Ctrl-A X quits,
        # Ctrl-A C toggles the monitor.
        cmd += ["-serial", "mon:stdio", "-nographic"]
    else:
        cmd += ["-serial", "stdio", "-monitor", "none"]
    cmd += list(args.extra_arg)
    return cmd


# --------------------------------------------------------------------------
# Process handling


def kill_process_group(proc: subprocess.Popen) -> None:
    """Kill QEMU and anything it started; never leave it running."""
    for sig, grace in ((signal.SIGTERM, 2), (signal.SIGKILL, 5)):
        if proc.poll() is not None:
            return
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            pass
        try:
            proc.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            pass


def run_interactive(cmd: List[str]) -> int:
    proc = subprocess.Popen(cmd)
    try:
        status = proc.wait()
    except KeyboardInterrupt:
        proc.terminate()
        status = proc.wait()
    info = serial_log.decode_exit_status(status)
    print(f"\nrun.py: {info.describe()}", flush=True)
    return 0 if info.kind == "debug-exit" and info.code == 0 else 1


class Capture:
    """Runs QEMU with its serial port on a pipe and feeds lines to a judge.

    With `typing` set, QEMU's stdin (its serial input) is a pipe too: after
    each chunk of output the judge sees the unterminated line so far
    (on_partial), and the bytes typing() returns are written to QEMU."""

    def __init__(self, cmd: List[str], timeout: float, log_path: Optional[str],
                 on_partial=None, typing=None):
        self.cmd = cmd
        self.timeout = timeout
        self.log_path = log_path
        self.on_partial = on_partial
        self.typing = typing
        self.lines: List[str] = []
        self.timed_out = False
        self.killed = False
        self.status: Optional[int] = None

    def run(self, on_line) -> None:
        """on_line(line) -> 'continue' | 'stop' (kill now) | 'fatal' (grace, kill)."""
        out = sys.stdout.buffer
        log = open(self.log_path, "wb") if self.log_path else None
        splitter = serial_log.LineSplitter()
        proc = subprocess.Popen(self.cmd, stdin=subprocess.PIPE if self.typing else subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=None,
                                start_new_session=True)
        old_handlers = {}

        def on_signal(signum, frame):
            kill_process_group(proc)
            raise KeyboardInterrupt

        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            try:
                old_handlers[sig] = signal.signal(sig, on_signal)
            except (ValueError, OSError):
                pass
        try:
            deadline = time.monotonic() + self.timeout
            stop_at: Optional[float] = None
            fd = proc.stdout.fileno()
            sel = selectors.DefaultSelector()
            sel.register(fd, selectors.EVENT_READ)
            eof = False
            while True:
                now = time.monotonic()
                limit = deadline if stop_at is None else min(deadline, stop_at)
                if now >= limit:
                    if stop_at is not None and now >= stop_at:
                        self.killed = True
                    else:
                        self.timed_out = True
                    break
                events = sel.select(timeout=min(0.2, limit - now))
                if not events:
                    if proc.poll() is not None:
                        # QEMU is gone but something still holds the pipe
                        # open; its output is complete.
                        eof = True
                        break
                    continue
                data = os.read(fd, 65536)
                if not data:
                    eof = True
                    break
                out.write(data)
                out.flush()
                if log:
                    log.write(data)
                    log.flush()
                action = self._lines(splitter.feed(data), on_line)
                if action != "fatal":
                    self._type(proc, splitter)
                if action == "stop":
                    self.killed = True
                    break
                if action == "fatal" and stop_at is None:
                    stop_at = min(time.monotonic() + GRACE_SECONDS, deadline)
            sel.close()
            rest = splitter.flush()
            if rest and not self.killed:
                # An unterminated last line still counts (e.g. at timeout).
                if self._lines(rest, on_line) == "stop":
                    self.killed = True
                    self.timed_out = False
            if eof:
                try:
                    self.status = proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    self.killed = True
        finally:
            kill_process_group(proc)
            if self.status is None and not self.killed and not self.timed_out:
                self.status = proc.returncode
            proc.stdout.close()
            if proc.stdin:
                try:
                    proc.stdin.close()
                except BrokenPipeError:
                    pass
            if log:
                log.close()
            for sig, h in old_handlers.items():
                signal.signal(sig, h)

    def _type(self, proc: subprocess.Popen, splitter: serial_log.LineSplitter) -> None:
        """Show the judge the line so far, then type what it wants typed."""
        if not self.typing:
            return
        if self.on_partial and splitter.pending:
            self.on_partial(splitter.pending)
        data = self.typing()
        if not data:
            return
        # stderr: stdout and the log hold only what the serial port said
        print(f"run.py: typing {data.decode('utf-8', errors='replace')!r}", file=sys.stderr, flush=True)
        try:
            proc.stdin.write(data)
            proc.stdin.flush()
        except BrokenPipeError:
            pass   # QEMU is gone; the verdict says why

    def _lines(self, lines: List[str], on_line) -> str:
        result = "continue"
        for line in lines:
            self.lines.append(line)
            action = on_line(line)
            if action == "stop":
                return "stop"
            if action == "fatal":
                result = "fatal"
        return result

    def exit_info(self) -> serial_log.ExitInfo:
        return serial_log.decode_exit_status(self.status, killed=self.killed or self.timed_out)


def run_tests(cmd: List[str], args: argparse.Namespace) -> serial_log.Verdict:
    state = {"panic": False}

    def on_line(line: str) -> str:
        if not state["panic"] and serial_log.PANIC_MARKER in line:
            state["panic"] = True
            return "fatal"
        return "continue"

    cap = Capture(cmd, args.timeout, args.log)
    cap.run(on_line)
    return serial_log.tests_verdict(cap.lines, cap.exit_info(),
                                    timed_out=cap.timed_out, timeout=args.timeout)


def run_expect(cmd: List[str], args: argparse.Namespace) -> serial_log.Verdict:
    matcher = serial_log.ExpectMatcher(args.steps, args.forbid)

    def on_line(line: str) -> str:
        if matcher.finished:
            return "continue"
        matcher.feed_line(line)
        if matcher.failure is not None:
            return "fatal"
        if matcher.done:
            return "stop"
        return "continue"

    typing = matcher.take_input if args.send_after else None
    cap = Capture(cmd, args.timeout, args.log, on_partial=matcher.feed_partial, typing=typing)
    cap.run(on_line)
    if matcher.done and matcher.failure is None:
        return matcher.verdict()
    return matcher.verdict(timed_out=cap.timed_out and matcher.failure is None,
                           timeout=args.timeout, exit_info=cap.exit_info())


def main(argv: Optional[List[str]] = None) -> int:
    args = parse_args(argv)
    cmd = build_qemu_command(args)
    print("run.py: " + shlex.join(cmd), flush=True)
    if args.mode == "interactive":
        return run_interactive(cmd)
    try:
        if args.mode == "tests":
            verdict = run_tests(cmd, args)
        else:
            verdict = run_expect(cmd, args)
    except FileNotFoundError as e:
        verdict = serial_log.Verdict(False, f"cannot start QEMU: {e}")
    except KeyboardInterrupt:
        verdict = serial_log.Verdict(False, "interrupted")
    # Own line, even if the guest left a partial line behind.
    sys.stdout.write("\n" + verdict.line() + "\n")
    sys.stdout.flush()
    return 0 if verdict.passed else 1


if __name__ == "__main__":
    sys.exit(main())
