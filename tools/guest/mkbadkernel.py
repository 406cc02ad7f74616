#!/usr/bin/env python3
"""Write the bad guest kernels that the vm-bad-* projects boot, and a probe
of the KVM hypercalls from CPL 0 (projects/vm-hypercall-probe).

    mkbadkernel.py OUT_DIR

writes one file per entry of KINDS into OUT_DIR, named <kind>.bzimage:

  triple-fault  loads an empty IDT and executes UD2: #UD, #GP, #DF, shutdown
  outside-ram   writes to guest-physical 0x40000000 (1 GiB), beyond the
                VM's RAM (the projects give it 16 MiB)
  truncated     a setup header whose syssize promises 64 KiB of kernel, and
                4 KiB of it in the file
  garbage       4 KiB of pseudo-random bytes (a fixed SHA-256 stream) as code
  hypercall-probe  makes each KVM hypercall from CPL 0, checks the answer,
                prints a line per call on COM1 and powers off (PM1a_CNT)

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


class Asm:
    """Just enough of a 32-bit assembler for the hypercall probe: bytes,
    labels, rel32 branches and absolute addresses of labels (the code runs
    at LOAD_ADDRESS), resolved by code()."""

    def __init__(self):
        self.out = bytearray()
        self.labels = {}
        self.fixups = []   # (offset, label, relative)

    def emit(self, hexbytes, *imm32):
        self.out += bytes.fromhex(hexbytes) + b"".join(struct.pack("<I", v & 0xFFFFFFFF) for v in imm32)

    def label(self, name):
        self.labels[name] = len(self.out)

    def ref(self, hexbytes, label, relative):
        """An instruction ending in a 32-bit field that holds the label:
        relative to the instruction's end, or its absolute address."""
        self.out += bytes.fromhex(hexbytes)
        self.fixups.append((len(self.out), label, relative))
        self.out += b"\0" * 4

    def code(self):
        for at, label, relative in self.fixups:
            target = self.labels[label]
            value = target - (at + 4) if relative else LOAD_ADDRESS + target
            struct.pack_into("<i" if relative else "<I", self.out, at, value)
        return bytes(self.out)


CLOCK_PAIRING_GPA = 0x80000
# (name, rax, rbx, rcx, rdx, rsi, expected eax); the VMM's answers from CPL 0
# (apps/vmm/intercepts.c): -KVM_ENOSYS -1000, -KVM_EOPNOTSUPP -95.
PROBES = (
    ("VAPIC_POLL_IRQ", 1, 0, 0, 0, 0, 0),
    ("KICK_CPU", 5, 0, 0, 0, 0, 0),
    ("CLOCK_PAIRING", 9, CLOCK_PAIRING_GPA, 0, 0, 0, 0),
    ("CLOCK_PAIRING type 1", 9, CLOCK_PAIRING_GPA, 1, 0, 0, -95),
    ("CLOCK_PAIRING outside RAM", 9, OUTSIDE_GPA, 0, 0, 0, -95),
    ("SEND_IPI", 10, 0b11, 0, 0, 0xF0, 1),   # APIC IDs 0 and 1; the VM has one vCPU
    ("SCHED_YIELD", 11, 0, 0, 0, 0, 0),
    ("unknown", 0x7FFF, 0, 0, 0, 0, -1000),
)


def hypercall_probe():
    """Entry code that makes each hypercall of PROBES at CPL 0, prints
    "hypercall-probe: <name>: ok" or "... FAIL" on COM1 per call (and checks
    that CLOCK_PAIRING wrote a TSC), then a summary, and powers off through
    PM1a_CNT (SLP_TYP 5 | SLP_EN)."""
    a = Asm()
    a.emit("bc", 0x90000)                        # mov esp, 0x90000
    a.emit("31 ff")                              # xor edi, edi: failures
    for i, (name, rax, rbx, rcx, rdx, rsi, want) in enumerate(PROBES):
        a.emit("b8", rax)                        # mov eax, rax
        a.emit("bb", rbx)                        # mov ebx, rbx
        a.emit("b9", rcx)                        # mov ecx, rcx
        a.emit("ba", rdx)                        # mov edx, rdx
        a.emit("be", rsi)                        # mov esi, rsi
        a.emit("0f 01 d9")                       # vmmcall
        a.emit("3d", want)                       # cmp eax, want
        a.ref("0f 85", f"fail{i}", True)         # jne fail<i>
        if rax == 9 and want == 0:               # a TSC in kvm_clock_pairing.tsc
            a.emit("a1", CLOCK_PAIRING_GPA + 16)     # mov eax, [tsc]
            a.emit("0b 05", CLOCK_PAIRING_GPA + 20)  # or eax, [tsc + 4]
            a.ref("0f 84", f"fail{i}", True)         # jz fail<i>
        a.ref("be", f"ok{i}", False)             # mov esi, "... ok"
        a.ref("e8", "print", True)               # call print
        a.ref("e9", f"next{i}", True)            # jmp next<i>
        a.label(f"fail{i}")
        a.emit("47")                             # inc edi
        a.ref("be", f"bad{i}", False)            # mov esi, "... FAIL"
        a.ref("e8", "print", True)               # call print
        a.label(f"next{i}")
    a.emit("85 ff")                              # test edi, edi
    a.ref("be", "passed", False)                 # mov esi, summary (flags kept)
    a.emit("74 05")                              # jz +5
    a.ref("be", "failed", False)                 # mov esi, other summary
    a.ref("e8", "print", True)                   # call print
    a.emit("66 ba 04 06")                        # mov dx, 0x604 (PM1a_CNT)
    a.emit("66 b8 00 34")                        # mov ax, 0x3400 (SLP_TYP 5, SLP_EN)
    a.emit("66 ef")                              # out dx, ax
    a.emit("f4")                                 # hlt (not reached)
    a.label("print")                             # esi: a NUL-terminated string to COM1
    a.emit("66 ba f8 03")                        # mov dx, 0x3f8
    a.emit("ac")                                 # lodsb
    a.emit("84 c0")                              # test al, al
    a.emit("74 03")                              # jz +3
    a.emit("ee")                                 # out dx, al
    a.emit("eb f8")                              # jmp lodsb
    a.emit("c3")                                 # ret
    for i, probe in enumerate(PROBES):
        a.label(f"ok{i}")
        a.out += f"hypercall-probe: {probe[0]}: ok\n".encode() + b"\0"
        a.label(f"bad{i}")
        a.out += f"hypercall-probe: {probe[0]}: FAIL\n".encode() + b"\0"
    a.label("passed")
    a.out += f"hypercall-probe: {len(PROBES)} passed at CPL 0\n".encode() + b"\0"
    a.label("failed")
    a.out += b"hypercall-probe: some FAILED at CPL 0\n\0"
    return a.code()


TRUNCATED_CLAIM = 0x10000   # what the truncated image's syssize says
TRUNCATED_HAS = 0x1000      # what it holds

KINDS = {
    "triple-fault": lambda: bzimage(TRIPLE_FAULT),
    "outside-ram": lambda: bzimage(OUTSIDE_RAM),
    "truncated": lambda: bzimage(TRIPLE_FAULT + b"\xf4" * (TRUNCATED_HAS - len(TRIPLE_FAULT)),
                                 syssize_bytes=TRUNCATED_CLAIM),
    "garbage": lambda: bzimage(garbage()),
    "hypercall-probe": lambda: bzimage(hypercall_probe()),
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
