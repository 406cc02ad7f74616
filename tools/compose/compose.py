#!/usr/bin/env python3
"""Check a system.toml and write the boot plan the root server follows.

    compose.py --source-dir SRC [--out-dir OUT] [--max-cpus N] [--print-plan] SYSTEM_TOML

Errors go to stderr as `SYSTEM_TOML:LINE: error: MESSAGE`, all of them, and
the exit status is 1; nothing is written then. On success OUT receives
boot_plan.bin (layout: boot_plan.h), components.txt (`name program` per
line, in plan order, which is also the order of the component boot modules)
and modules.txt (`index kind component source` per line: the boot modules
after the components', a VM's kernel and initrd; source is a path or
"@artefact").
The schema is described in docs/system-toml.md.
"""

import argparse
import os
import re
import sys
import tomllib

sys.dont_write_bytecode = True  # keep tools/compose free of __pycache__
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import locate  # noqa: E402
import plan  # noqa: E402
import schema  # noqa: E402


def load(path):
    """Parse a system.toml; return (data, loc, errors)."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        return None, None, [(None, f"cannot read: {e.strerror}")]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as e:
        return None, None, [(raw[:e.start].count(b"\n") + 1, "not valid UTF-8")]
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        return None, None, [_syntax_error(str(e), text)]
    return data, locate.locate(text), []


def _syntax_error(message, text):
    """(line, message) from tomllib's "... (at line L, column C)" text."""
    m = re.search(r" \(at line (\d+), column (\d+)\)$", message)
    if m:
        return int(m.group(1)), f"{message[:m.start()]} (column {m.group(2)})"
    m = re.search(r" \(at end of document\)$", message)
    if m:
        return text.count("\n") + 1, f"{message[:m.start()]} (at end of file)"
    return 1, message


def write(path, data):
    """Write a file through a temporary name, so a build never sees half of it."""
    tmp = path + ".tmp"
    with open(tmp, "wb") as f:
        f.write(data)
    os.replace(tmp, path)


def main(argv=None):
    ap = argparse.ArgumentParser(description="Check a system.toml and write its boot plan.")
    ap.add_argument("--source-dir", required=True,
                    help="source tree root; programs are apps/<program>/ under it")
    ap.add_argument("--out-dir", help="where boot_plan.bin and components.txt go")
    ap.add_argument("--max-cpus", type=int, help="reject cpu values at or above this")
    ap.add_argument("--print-plan", action="store_true", help="print a summary of the plan")
    ap.add_argument("system", help="the system description, projects/<name>/system.toml")
    args = ap.parse_args(argv)

    data, loc, errors = load(args.system)
    system = None
    if not errors:
        system, errors = schema.check(data, loc, args.source_dir, args.max_cpus,
                                      os.path.dirname(os.path.abspath(args.system)))
    for line, message in errors:
        where = args.system if line is None else f"{args.system}:{line}"
        print(f"{where}: error: {message}", file=sys.stderr)
    if errors:
        return 1

    blob = plan.encode(plan.records(system))
    listing = "".join(f"{c.name} {c.program}\n" for c in system.components)
    extra = "".join(f"{index} {kind} {system.components[i].name} {source}\n"
                    for index, kind, i, source in plan.modules(system))
    if args.out_dir:
        os.makedirs(args.out_dir, exist_ok=True)
        write(os.path.join(args.out_dir, "boot_plan.bin"), blob)
        write(os.path.join(args.out_dir, "components.txt"), listing.encode())
        write(os.path.join(args.out_dir, "modules.txt"), extra.encode())
    if args.print_plan:
        sys.stdout.write(plan.describe(plan.decode(blob),
                                       [c.program for c in system.components]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
