"""Parsing of Novum serial logs, for tools/qemu/run.py.

Everything here is a pure function (or a small state machine fed line by
line) so that it can be unit-tested without QEMU; see tests/host/harness/.

Conventions understood here:

* On-target test suites print TAP-style lines::

      ok 1 - name
      not ok 2 - name
      # diagnostic line (belongs to the preceding test)

  and finally exactly one summary line, alone on its line::

      N passed, M failed

* A kernel panic is any line containing ``NOVUM PANIC``.

* The guest ends QEMU through isa-debug-exit (port 0xf4): writing code C makes
  QEMU exit with status (C << 1) | 1.  Status 1 therefore means "guest exited
  with code 0"; status 0 means QEMU ended some other way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable, List, Optional, Pattern, Sequence, Tuple

PANIC_MARKER = "NOVUM PANIC"

_OK_RE = re.compile(r"^\s*ok\s+(\d+)\b\s*(?:-\s*)?(.*?)\s*$")
_NOT_OK_RE = re.compile(r"^\s*not\s+ok\s+(\d+)\b\s*(?:-\s*)?(.*?)\s*$")
_DIAG_RE = re.compile(r"^\s*#")
_SUMMARY_RE = re.compile(r"^\s*(\d+)\s+passed,\s+(\d+)\s+failed\s*$")


# --------------------------------------------------------------------------
# Lines


def clean_line(line: str) -> str:
    """Strip the line terminator(s) a UART produces (CR LF, stray CRs)."""
    return line.rstrip("\r\n").replace("\r", "")


def split_lines(text: str) -> List[str]:
    """Split serial output into lines, dropping CR characters."""
    return [clean_line(l) for l in text.splitlines()]


class LineSplitter:
    """Incremental bytes -> lines converter for live serial output."""

    def __init__(self) -> None:
        self._buf = ""

    def feed(self, data: bytes | str) -> List[str]:
        if isinstance(data, bytes):
            data = data.decode("utf-8", errors="replace")
        self._buf += data
        parts = self._buf.split("\n")
        self._buf = parts.pop()
        return [clean_line(p) for p in parts]

    def flush(self) -> List[str]:
        """Return the unterminated last line, if any."""
        rest, self._buf = self._buf, ""
        rest = clean_line(rest)
        return [rest] if rest else []


# --------------------------------------------------------------------------
# Exit status of QEMU


@dataclass(frozen=True)
class ExitInfo:
    kind: str            # "debug-exit", "other", "killed", "error"
    code: Optional[int]  # guest exit code for "debug-exit"
    status: Optional[int]

    def describe(self) -> str:
        if self.kind == "debug-exit":
            return f"guest exited with code {self.code} (QEMU status {self.status})"
        if self.kind == "killed":
            return "QEMU was killed by the runner"
        if self.kind == "other":
            return "QEMU exited with status 0, not through the debug exit"
        return f"QEMU exited with status {self.status}"


def decode_exit_status(status: Optional[int], killed: bool = False) -> ExitInfo:
    """Decode QEMU's exit status (as from subprocess: negative = signal).

    isa-debug-exit makes QEMU exit with (C << 1) | 1, so an odd status is a
    guest exit with code status >> 1.  (QEMU itself also uses status 1 for
    start-up errors; those print to stderr and produce no guest output, so the
    verdict fails on the missing output anyway.)
    """
    if killed or status is None or status < 0:
        return ExitInfo("killed", None, status)
    if status == 0:
        return ExitInfo("other", None, status)
    if status & 1:
        return ExitInfo("debug-exit", status >> 1, status)
    return ExitInfo("error", None, status)


# --------------------------------------------------------------------------
# Panic detection


def find_panic(lines: Iterable[str]) -> Optional[str]:
    """The first line that reports a kernel panic, or None."""
    for line in lines:
        if PANIC_MARKER in line:
            return line
    return None


# --------------------------------------------------------------------------
# TAP test logs


@dataclass
class TestResult:
    number: int
    name: str
    ok: bool
    diagnostics: List[str] = field(default_factory=list)


@dataclass
class TestLog:
    results: List[TestResult] = field(default_factory=list)
    summaries: List[Tuple[int, int, str]] = field(default_factory=list)
    panic: Optional[str] = None

    @property
    def ok_count(self) -> int:
        return sum(1 for r in self.results if r.ok)

    @property
    def failed(self) -> List[TestResult]:
        return [r for r in self.results if not r.ok]


def parse_test_log(lines: Iterable[str]) -> TestLog:
    log = TestLog()
    last: Optional[TestResult] = None
    for raw in lines:
        line = clean_line(raw)
        if log.panic is None and PANIC_MARKER in line:
            log.panic = line
        m = _NOT_OK_RE.match(line)
        if m:
            last = TestResult(int(m.group(1)), m.group(2), False)
            log.results.append(last)
            continue
        m = _OK_RE.match(line)
        if m:
            last = TestResult(int(m.group(1)), m.group(2), True)
            log.results.append(last)
            continue
        m = _SUMMARY_RE.match(line)
        if m:
            log.summaries.append((int(m.group(1)), int(m.group(2)), line))
            last = None
            continue
        if last is not None and _DIAG_RE.match(line):
            last.diagnostics.append(line.strip())
    return log


@dataclass(frozen=True)
class Verdict:
    passed: bool
    reason: str

    def line(self) -> str:
        return ("PASS: " if self.passed else "FAIL: ") + self.reason


def format_seconds(seconds: float) -> str:
    return f"{seconds:g}"


def _test_label(r: TestResult) -> str:
    return r.name if r.name else f"#{r.number}"


def tests_verdict(lines: Sequence[str], exit_info: Optional[ExitInfo],
                  timed_out: bool = False, timeout: float = 0) -> Verdict:
    """Verdict for --mode tests.

    Pass iff exactly one summary line "N passed, M failed" with M == 0, N ok
    lines and no "not ok" line, no panic, no timeout, and QEMU ended through
    the debug exit with guest code 0.  The most informative reason wins:
    panic, then timeout, then the test results, then the exit status.
    """
    log = parse_test_log(lines)
    if log.panic is not None:
        return Verdict(False, f"kernel panic: {log.panic.strip()}")
    failed = log.failed
    if timed_out:
        extra = ""
        if log.summaries:
            extra = " (summary line seen, but the guest did not exit)"
        elif log.results:
            extra = f" ({log.ok_count} ok, {len(failed)} not ok so far)"
        return Verdict(False, f"timeout after {format_seconds(timeout)} s{extra}")
    if failed:
        names = ", ".join(_test_label(r) for r in failed)
        n = len(failed)
        return Verdict(False, f"{n} test{'s' if n != 1 else ''} failed: {names}")
    if not log.summaries:
        return Verdict(False, "no summary line")
    if len(log.summaries) > 1:
        return Verdict(False, f"{len(log.summaries)} summary lines, expected exactly one")
    passed, nfailed, _ = log.summaries[0]
    if nfailed != 0:
        return Verdict(False, f"summary says {nfailed} failed but there is no 'not ok' line")
    if passed != log.ok_count:
        return Verdict(False, f"summary says {passed} passed but {log.ok_count} ok lines")
    if exit_info is None:
        return Verdict(False, "QEMU exit status unknown")
    if exit_info.kind != "debug-exit":
        return Verdict(False, exit_info.describe())
    if exit_info.code != 0:
        return Verdict(False, f"guest exited with code {exit_info.code} (QEMU status {exit_info.status})")
    return Verdict(True, f"{passed} tests passed")


# --------------------------------------------------------------------------
# expect / forbid matching


def compile_patterns(patterns: Sequence[str]) -> List[Pattern[str]]:
    return [re.compile(p) for p in patterns]


def panic_expected(expect_patterns: Sequence[str]) -> bool:
    """A panic is tolerated when some --expect regex itself asks for it,
    i.e. its source text mentions NOVUM PANIC (or just PANIC)."""
    return any("PANIC" in p for p in expect_patterns)


class ExpectMatcher:
    """Incremental matcher for --mode expect.

    Expectations must match in the given order; each one is searched for
    after the end of the previous match (later in the same line or on a later
    line).  A --forbid match, or a panic that no expectation asks for, fails
    at once.
    """

    def __init__(self, expects: Sequence[str], forbids: Sequence[str] = ()) -> None:
        self.expect_src = list(expects)
        self.forbid_src = list(forbids)
        self.expects = compile_patterns(self.expect_src)
        self.forbids = compile_patterns(self.forbid_src)
        self.allow_panic = panic_expected(self.expect_src)
        self.next_index = 0
        self.matched_lines: List[str] = []
        self.failure: Optional[str] = None

    @property
    def done(self) -> bool:
        return self.next_index >= len(self.expects)

    @property
    def finished(self) -> bool:
        """True when no further input can change the verdict."""
        return self.failure is not None or self.done

    def first_unmatched(self) -> Optional[str]:
        if self.done:
            return None
        return self.expect_src[self.next_index]

    def feed_line(self, raw: str) -> None:
        if self.finished:
            return
        line = clean_line(raw)
        for src, rx in zip(self.forbid_src, self.forbids):
            if rx.search(line):
                self.failure = f"forbidden pattern {src!r} matched: {line.strip()}"
                return
        if not self.allow_panic and PANIC_MARKER in line:
            self.failure = f"kernel panic: {line.strip()}"
            return
        pos = 0
        while not self.done:
            m = self.expects[self.next_index].search(line, pos)
            if m is None:
                break
            self.matched_lines.append(line)
            self.next_index += 1
            # The next expectation starts after this match (at least one
            # character on for an empty match, so it cannot loop).
            pos = m.end() if m.end() > m.start() else m.end() + 1
            if pos > len(line):
                break

    def feed(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.feed_line(line)
            if self.finished:
                break

    def verdict(self, timed_out: bool = False, timeout: float = 0,
                exit_info: Optional[ExitInfo] = None) -> Verdict:
        if self.failure is not None:
            return Verdict(False, self.failure)
        if self.done:
            n = len(self.expects)
            return Verdict(True, f"all {n} expectation{'s' if n != 1 else ''} matched")
        missing = self.first_unmatched()
        progress = f"{self.next_index} of {len(self.expects)} matched"
        if timed_out:
            return Verdict(False, f"timeout after {format_seconds(timeout)} s waiting for "
                                  f"{missing!r} ({progress})")
        how = exit_info.describe() if exit_info is not None else "log ended"
        return Verdict(False, f"{how} before {missing!r} matched ({progress})")


def expect_verdict(lines: Sequence[str], expects: Sequence[str],
                   forbids: Sequence[str] = (), timed_out: bool = False,
                   timeout: float = 0, exit_info: Optional[ExitInfo] = None) -> Verdict:
    """Whole-log convenience wrapper around ExpectMatcher."""
    m = ExpectMatcher(expects, forbids)
    m.feed(lines)
    return m.verdict(timed_out=timed_out, timeout=timeout, exit_info=exit_info)
