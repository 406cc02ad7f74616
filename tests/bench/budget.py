#!/usr/bin/env python3
"""boot.bench-budget: ipcbench in a Release kernel within its budgets.

Configures and builds a Release tree of the ipcbench project in BUILD_DIR
(the test tree's bench-release/; only the kernel and ipcbench are built),
boots it under -icount shift=0,align=off,sleep=off, where one TSC tick is
one retired instruction, and fails when a figure's minimum exceeds its
budget in budgets.toml or a budgeted figure is missing (the VM exit one
only when the CPU model offers SVM). Python 3.11 standard library only.

    budget.py SOURCE_DIR BUILD_DIR PYTHON CPU
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tomllib


def run(cmd, **kw) -> subprocess.CompletedProcess:
    print("budget.py: " + " ".join(cmd), flush=True)
    return subprocess.run(cmd, text=True, **kw)


def build(src: str, build_dir: str, python: str) -> None:
    run(["cmake", "-G", "Ninja", "-C", os.path.join(src, "settings.cmake"), "-S", src, "-B", build_dir,
         "-DNOVUM_PROJECT=ipcbench", "-DNOVUM_BUILD_TYPE=Release", "-DNOVUM_EXT_DEBUG=ON",
         "-DPython3_EXECUTABLE=" + python], check=True, stdout=subprocess.DEVNULL)
    run(["ninja", "-C", build_dir, "kernel32", "ipcbench"], check=True, stdout=subprocess.DEVNULL)


def figures(src: str, build_dir: str, python: str, cpu: str) -> tuple[dict, str]:
    out = run([python, os.path.join(src, "tools", "qemu", "run.py"), "--mode", "expect",
               "--kernel", os.path.join(build_dir, "kernel", "novum.elf32"),
               "--module", os.path.join(build_dir, "apps", "ipcbench", "ipcbench.elf"),
               "--cpu", cpu, "--accel", "tcg", "--smp", "1", "--memory", "256M", "--timeout", "240",
               "--expect", "ipcbench: done", "--extra-arg=-icount", "--extra-arg=shift=0,align=off,sleep=off"],
              capture_output=True)
    print(out.stdout, end="")
    if out.returncode != 0:
        sys.exit("budget.py: ipcbench did not run to its end")
    return {m[0]: int(m[1]) for m in re.findall(r"ipcbench: (.*): min (\d+)", out.stdout)}, out.stdout


def main() -> int:
    src, build_dir, python, cpu = sys.argv[1:5]
    with open(os.path.join(src, "tests", "bench", "budgets.toml"), "rb") as f:
        budgets = tomllib.load(f)
    build(src, build_dir, python)
    got, log = figures(src, build_dir, python, cpu)
    failed = 0
    for name, budget in budgets.items():
        if name not in got:
            if name.startswith("VM exit") and "skipped, no SVM" in log:
                continue
            print(f"FAIL: no figure '{name}'")
            failed += 1
            continue
        verdict = "ok" if got[name] <= budget else "OVER BUDGET"
        print(f"{verdict}: {name}: {got[name]} instructions, budget {budget}")
        failed += got[name] > budget
    print("PASS: every figure within its budget" if not failed else f"FAIL: {failed} figure(s) over budget or missing")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
