"""Parsing of Novum serial logs, for tools/qemu/run.py.

Everything here is a pure function (or a small state machine fed line by
line) so that it can be unit-tested without QEMU; see tests/host/harness/.

Conventions understood here:

* On-target test suites print TAP-style lines::

      ok 1 - name
      not ok 2 - name
      ok 3 - name # SKIP reason   (passed: the test does not apply here)
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
_SKIP_RE = re.compile(r"^(.*?)\s*#\s*SKIP\b\s*(.*)$", re.IGNORECASE)
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

    @property
    def pending(self) -> str:
        """The unterminated line so far (a prompt waits without a newline)."""
        return clean_line(self._buf)


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
    skip: Optional[str] = None   # the reason of an "ok N - name # SKIP reason"


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

    @property
    def skipped(self) -> List[TestResult]:
        return [r for r in self.results if r.ok and r.skip is not None]


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
            name, skip = m.group(2), None
            s = _SKIP_RE.match(name)
            if s:
                name, skip = s.group(1).rstrip(" -"), s.group(2)
            last = TestResult(int(m.group(1)), name, True, skip=skip)
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
    skipped = log.skipped
    if skipped:
        names = ", ".join(_test_label(r) for r in skipped)
        return Verdict(True, f"{passed} tests passed, {len(skipped)} of them skipped: {names}")
    return Verdict(True, f"{passed} tests passed")


# --------------------------------------------------------------------------
# input typed into the serial console (--send-after)

_SIMPLE_ESCAPES = {"n": b"\n", "r": b"\r", "t": b"\t", "e": b"\x1b", "\\": b"\\"}


def decode_send_text(text: str) -> bytes:
    r"""The bytes a --send-after TEXT stands for: UTF-8, with the escapes
    \n, \r, \t, \e (ESC), \\ and \xHH (one byte). Anything else after a
    backslash is an error (ValueError), so that a typo cannot type
    something else."""
    out = bytearray()
    i = 0
    while i < len(text):
        c = text[i]
        if c != "\\":
            out += c.encode("utf-8")
            i += 1
            continue
        if i + 1 >= len(text):
            raise ValueError(f"{text!r} ends in a lone backslash (write \\\\ for one)")
        e = text[i + 1]
        if e in _SIMPLE_ESCAPES:
            out += _SIMPLE_ESCAPES[e]
            i += 2
        elif e == "x" and re.fullmatch(r"[0-9a-fA-F]{2}", text[i + 2:i + 4]):
            out.append(int(text[i + 2:i + 4], 16))
            i += 4
        else:
            raise ValueError(f"unknown escape '\\{text[i + 1:i + 4]}' in {text!r} "
                             "(known: \\n \\r \\t \\e \\\\ \\xHH)")
    return bytes(out)


@dataclass(frozen=True)
class Send:
    """A --send-after step: when `pattern` matches, type `data`."""
    pattern: str
    data: bytes


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

    The steps are --expect regexes (str) and --send-after steps (Send), in
    the order given; each is searched for after the end of the previous
    match (later in the same line or on a later line). An --expect matches
    complete lines only; a Send also matches the unterminated line so far
    (feed_partial), since a prompt waits without a newline. A matched Send
    queues its bytes, which take_input() hands out. A --forbid match, or a
    panic that no expectation asks for, fails at once.
    """

    def __init__(self, steps: Sequence[object], forbids: Sequence[str] = ()) -> None:
        self.steps = list(steps)
        self.step_src = [st.pattern if isinstance(st, Send) else st for st in self.steps]
        self.expect_src = [st for st in self.steps if not isinstance(st, Send)]
        self.forbid_src = list(forbids)
        self.patterns = compile_patterns(self.step_src)
        self.forbids = compile_patterns(self.forbid_src)
        self.allow_panic = panic_expected(self.expect_src)
        self.next_index = 0
        self.partial_pos = 0   # where matching goes on in the unterminated line
        self.matched_lines: List[str] = []
        self.sent: List[bytes] = []
        self._outbox = bytearray()
        self.failure: Optional[str] = None

    @property
    def done(self) -> bool:
        return self.next_index >= len(self.steps)

    @property
    def finished(self) -> bool:
        """True when no further input can change the verdict."""
        return self.failure is not None or self.done

    def first_unmatched(self) -> Optional[str]:
        if self.done:
            return None
        return self.step_src[self.next_index]

    def take_input(self) -> bytes:
        """The bytes that matched --send-after steps want typed now."""
        data, self._outbox = bytes(self._outbox), bytearray()
        return data

    def _advance(self, line: str, pos: int, sends_only: bool) -> int:
        """Match steps in order within `line` from `pos`; returns where the
        next step's search starts."""
        while not self.done:
            step = self.steps[self.next_index]
            if sends_only and not isinstance(step, Send):
                break
            m = self.patterns[self.next_index].search(line, pos)
            if m is None:
                break
            if isinstance(step, Send):
                self._outbox += step.data
                self.sent.append(step.data)
            else:
                self.matched_lines.append(line)
            self.next_index += 1
            # The next step starts after this match (at least one character
            # on for an empty match, so it cannot loop).
            pos = m.end() if m.end() > m.start() else m.end() + 1
            if pos > len(line):
                break
        return pos

    def feed_partial(self, text: str) -> None:
        """The unterminated line so far: only --send-after steps match it."""
        if self.finished:
            return
        self.partial_pos = self._advance(clean_line(text), self.partial_pos, sends_only=True)

    def feed_line(self, raw: str) -> None:
        if self.finished:
            return
        line = clean_line(raw)
        start, self.partial_pos = self.partial_pos, 0
        for src, rx in zip(self.forbid_src, self.forbids):
            if rx.search(line):
                self.failure = f"forbidden pattern {src!r} matched: {line.strip()}"
                return
        if not self.allow_panic and PANIC_MARKER in line:
            self.failure = f"kernel panic: {line.strip()}"
            return
        self._advance(line, start, sends_only=False)

    def feed(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.feed_line(line)
            if self.finished:
                break

    def _progress(self) -> str:
        expects = sum(1 for st in self.steps[:self.next_index] if not isinstance(st, Send))
        text = f"{expects} of {len(self.expect_src)} matched"
        if len(self.expect_src) != len(self.steps):
            sends = len(self.steps) - len(self.expect_src)
            text += f", {len(self.sent)} of {sends} inputs sent"
        return text

    def verdict(self, timed_out: bool = False, timeout: float = 0,
                exit_info: Optional[ExitInfo] = None) -> Verdict:
        if self.failure is not None:
            return Verdict(False, self.failure)
        if self.done:
            n = len(self.expect_src)
            text = f"all {n} expectation{'s' if n != 1 else ''} matched"
            if self.sent:
                text += f", {len(self.sent)} input{'s' if len(self.sent) != 1 else ''} sent"
            return Verdict(True, text)
        missing = self.first_unmatched()
        progress = self._progress()
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
