#!/usr/bin/env python3
"""Boot figures of the vm-linux guest: VM exits by reason and the time to the
shell prompt, beside QEMU booting the same kernel and initramfs directly.

    tools/guest/boot-figures.py BUILD_DIR

BUILD_DIR is a build of the vm-linux project (cmake -DNOVUM_PROJECT=vm-linux).
Both systems run under TCG with -cpu max on this machine, one after the
other. Times are wall-clock seconds from QEMU's start; for Novum also from the
VMM's start of the guest (its "vmm: kernel ..." line) to the prompt. At the
prompt the script types `poweroff -f`; the VMM then prints its exit figures.
"""
import queue
import re
import shlex
import subprocess
import sys
import threading
import time
from pathlib import Path

PROMPT = re.compile(r"guest# ")
TIMEOUT = 240.0


def run(cmd, marks):
    """Run cmd, timestamp the first output matching each mark, power the guest
    off at the prompt, stop a few seconds after it went quiet; return
    (times, lines)."""
    t0 = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    chunks = queue.Queue()
    threading.Thread(target=lambda: [chunks.put(c) for c in iter(lambda: proc.stdout.read1(4096), b"")],
                     daemon=True).start()
    times, text, last = {}, "", time.monotonic()
    while time.monotonic() - t0 < TIMEOUT:
        try:
            text += chunks.get(timeout=0.2).decode(errors="replace")
            last = time.monotonic()
        except queue.Empty:
            if "poweroff" in times and time.monotonic() - last > 3:
                break
            continue
        for name, rx in marks.items():
            if name not in times and rx.search(text):
                times[name] = time.monotonic() - t0
        if "prompt" in times and "poweroff" not in times:
            times["poweroff"] = times["prompt"]
            proc.stdin.write(b"poweroff -f\n")
            proc.stdin.flush()
    proc.kill()
    proc.wait()
    return times, text.splitlines()


def main():
    build = Path(sys.argv[1]).resolve()
    ninja_run = subprocess.run(["ninja", "-C", str(build), "-t", "commands", "run"], capture_output=True, text=True,
                               check=True).stdout.strip().splitlines()[-1]
    argv = shlex.split(ninja_run.split("&&", 1)[1])
    sys.path.insert(0, str(Path(__file__).parents[1] / "qemu"))
    import run as runner   # the QEMU runner: the same command line as `ninja run`
    novum = runner.build_qemu_command(runner.parse_args(argv[argv.index("--mode"):]))
    novum = [a for a in novum if a != "-nographic"]
    novum = [("stdio" if a == "mon:stdio" else a) for a in novum]
    marks = {"vm": re.compile(r"vmm: kernel "), "prompt": PROMPT}
    t_n, out_n = run(novum, marks)
    cmdline = re.search(r'cmdline = "([^"]*)"', (Path(__file__).parents[2] / "projects/vm-linux/system.toml")
                        .read_text()).group(1)
    direct = ["qemu-system-x86_64", "-machine", "q35", "-accel", "tcg", "-cpu", "max", "-m", "256M",
              "-kernel", str(build / "guest/vmlinuz"), "-initrd", str(build / "guest/initramfs.cpio.gz"),
              "-append", cmdline, "-display", "none", "-serial", "stdio", "-no-reboot"]
    t_d, _ = run(direct, {"prompt": PROMPT})
    for l in out_n:
        if l.startswith("vmm:"):
            print(l.rstrip())
    print(f"novum: prompt {t_n.get('prompt', 0):.2f} s after QEMU's start, "
          f"{t_n.get('prompt', 0) - t_n.get('vm', 0):.2f} s after the VMM started the guest")
    print(f"qemu direct: prompt {t_d.get('prompt', 0):.2f} s after QEMU's start")
    if t_d.get("prompt"):
        print(f"ratio: {t_n.get('prompt', 0) / t_d['prompt']:.2f} (whole machine), "
              f"{(t_n.get('prompt', 0) - t_n.get('vm', 0)) / t_d['prompt']:.2f} (guest only)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
