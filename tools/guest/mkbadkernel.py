#!/usr/bin/env python3
"""Write the bad guest kernels that the vm-bad-* projects boot.

    mkbadkernel.py OUT_DIR

writes one file per entry of KINDS into OUT_DIR, named <kind>.bzimage:

  triple-fault  loads an empty IDT and executes UD2: #UD, #GP, #DF, shutdown
  outside-ram   writes to guest-physical 0x40000000 (1 GiB), beyond the
                VM's RAM (the projects give it 16 MiB)
  truncated     a setup header whose syssize promises 64 KiB of kernel, and
                4 KiB of it in the file
  garbage       4 KiB of pseudo-random bytes (a fixed SHA-256 stream) as code

Each is a minimal bzImage as the VMM's loader reads it
(apps/vmm/model/bzimage.c): a boot sector with 0xAA55, a setup header with
"HdrS", protocol 2.15, LOADED_HIGH, not relocatable, pref_address 1 MiB,
then the "protected-mode kernel" (the payload) after one setup sector. The
VMM enters it as the boot protocol's 32-bit entry: protected mode, flat
4 GiB segments, paging and interrupts off, ESP 0 (so the payloads set up
their own stack if they need one). The same inputs give the same bytes.
"""

import hashlib
import os
import struct
import sys

SETUP_SECTS = 1                 # the setup code the 32-bit entry skips: one sector
LOAD_ADDRESS = 0x100000         # pref_address; the VMM loads (and enters) here
OUTSIDE_GPA = 0x40000000        # above every RAM size these projects give
PROTOCOL = 0x020F

# 32-bit code, each instruction with its bytes (objdump -m i386 agrees,
# tests/host/guest/test_mkbadkernel.py checks).
TRIPLE_FAULT = bytes.fromhex(
    "bc 00 00 09 00"            # mov esp, 0x90000      a stack in low RAM
    "31 c0"                     # xor eax, eax
    "50"                        # push eax
    "50"                        # push eax              8 zero bytes
    "0f 01 1c 24"               # lidt [esp]            IDT limit 0, base 0
    "0f 0b"                     # ud2                   #UD -> #GP -> #DF -> shutdown
    "f4"                        # hlt                   (not reached)
    "eb fd"                     # jmp .-1
)
OUTSIDE_RAM = bytes.fromhex(
    "c7 05") + struct.pack("<II", OUTSIDE_GPA, 0xDEADBEEF) + bytes.fromhex(
    # mov dword [0x40000000], 0xdeadbeef
    "f4"                        # hlt                   (not reached)
    "eb fd"                     # jmp .-1
)


def garbage(n=4096, seed=b"novum bad guest: garbage 2"):
    """n bytes of a SHA-256 counter stream: random-looking, the same every time."""
    out = bytearray()
    counter = 0
    while len(out) < n:
        out += hashlib.sha256(seed + counter.to_bytes(4, "little")).digest()
        counter += 1
    return bytes(out[:n])


def bzimage(payload, syssize_bytes=None, init_size=0x10000):
    """A bzImage of the payload; syssize_bytes (default: the payload's padded
    length) is what the header claims, so a larger value makes a truncated file."""
    payload = payload + b"\0" * (-len(payload) % 16)
    if syssize_bytes is None:
        syssize_bytes = len(payload)
    setup = bytearray(512 * (SETUP_SECTS + 1))
    struct.pack_into("<B", setup, 0x1F1, SETUP_SECTS)
    struct.pack_into("<I", setup, 0x1F4, syssize_bytes // 16)
    struct.pack_into("<H", setup, 0x1FE, 0xAA55)
    struct.pack_into("<BB", setup, 0x200, 0xEB, 0x66)     # jmp over the header: it ends at 0x268
    setup[0x202:0x206] = b"HdrS"
    struct.pack_into("<H", setup, 0x206, PROTOCOL)
    struct.pack_into("<B", setup, 0x211, 0x01)            # loadflags: LOADED_HIGH
    struct.pack_into("<I", setup, 0x214, LOAD_ADDRESS)    # code32_start
    struct.pack_into("<I", setup, 0x22C, 0x7FFFFFFF)      # initrd_addr_max
    struct.pack_into("<I", setup, 0x230, 0x200000)        # kernel_alignment
    struct.pack_into("<B", setup, 0x234, 0)               # relocatable_kernel: no
    struct.pack_into("<I", setup, 0x238, 2047)            # cmdline_size
    struct.pack_into("<Q", setup, 0x258, LOAD_ADDRESS)    # pref_address
    struct.pack_into("<I", setup, 0x260, max(init_size, syssize_bytes))
    return bytes(setup) + payload


TRUNCATED_CLAIM = 0x10000   # what the truncated image's syssize says
TRUNCATED_HAS = 0x1000      # what it holds

KINDS = {
    "triple-fault": lambda: bzimage(TRIPLE_FAULT),
    "outside-ram": lambda: bzimage(OUTSIDE_RAM),
    "truncated": lambda: bzimage(TRIPLE_FAULT + b"\xf4" * (TRUNCATED_HAS - len(TRIPLE_FAULT)),
                                 syssize_bytes=TRUNCATED_CLAIM),
    "garbage": lambda: bzimage(garbage()),
}


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print("usage: mkbadkernel.py OUT_DIR", file=sys.stderr)
        return 2
    out = argv[0]
    try:
        os.makedirs(out, exist_ok=True)
        for kind, make in KINDS.items():
            path = os.path.join(out, kind + ".bzimage")
            with open(path + ".tmp", "wb") as f:
                f.write(make())
            os.replace(path + ".tmp", path)
    except OSError as e:
        print(f"mkbadkernel.py: cannot write {e.filename}: {e.strerror}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
