#!/usr/bin/env python3
"""Write root-task modules that the kernel must refuse.

    make_bad_modules.py OUTDIR

Creates, in OUTDIR:
  not-elf.bin         plain text                         -> "not an ELF file"
  wrong-machine.elf   ELF64, e_machine 183 (AArch64)     -> "not an x86-64 ELF64 executable"
  kernel-segment.elf  x86-64 ELF64, PT_LOAD at
                      0xffff800000000000                 -> "segment outside user space"
  truncated.elf       x86-64 ELF64 whose program header
                      table lies past the end of file    -> "program headers outside the module"

The kernel prints "novum: root task rejected: <reason>" for each.  ELF
bytes are assembled by hand with struct (ELF-64 Object File Format).
"""

import os
import struct
import sys

# ELF constants (System V gABI / ELF-64 Object File Format)
ELFCLASS64 = 2
ELFDATA2LSB = 1
EV_CURRENT = 1
ET_EXEC = 2
EM_X86_64 = 62
EM_AARCH64 = 183
PT_LOAD = 1
PF_X, PF_W, PF_R = 1, 2, 4
EHDR_SIZE = 64
PHDR_SIZE = 56

# A few instructions for the segment body: "1: ud2; jmp 1b", padded with int3.
CODE = bytes([0x0f, 0x0b, 0xeb, 0xfc]) + b"\xcc" * 12


def ehdr(machine, entry, phoff, phnum):
    ident = b"\x7fELF" + bytes([ELFCLASS64, ELFDATA2LSB, EV_CURRENT, 0]) + b"\0" * 8
    return ident + struct.pack("<HHIQQQIHHHHHH",
                               ET_EXEC, machine, EV_CURRENT, entry, phoff,
                               0,              # e_shoff: no section headers
                               0,              # e_flags
                               EHDR_SIZE, PHDR_SIZE, phnum,
                               64, 0, 0)       # e_shentsize, e_shnum, e_shstrndx


def phdr(p_type, flags, offset, vaddr, filesz, memsz, align=0x1000):
    return struct.pack("<IIQQQQQQ", p_type, flags, offset, vaddr, vaddr,
                       filesz, memsz, align)


def simple_elf(machine, vaddr):
    """One PT_LOAD covering the whole file (headers + code) at vaddr."""
    code_off = EHDR_SIZE + PHDR_SIZE
    size = code_off + len(CODE)
    data = ehdr(machine, vaddr + code_off, EHDR_SIZE, 1)
    data += phdr(PT_LOAD, PF_R | PF_X, 0, vaddr, size, size)
    data += CODE
    assert len(data) == size
    return data


def truncated_elf():
    """Valid header claiming one program header at offset 0x10000, but the
    file ends long before that."""
    vaddr = 0x400000
    data = ehdr(EM_X86_64, vaddr + EHDR_SIZE, 0x10000, 1)
    data += CODE
    return data


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    out = argv[1]
    os.makedirs(out, exist_ok=True)
    files = {
        "not-elf.bin": b"This is a text file, not an ELF root task.\n" * 4,
        "wrong-machine.elf": simple_elf(EM_AARCH64, 0x400000),
        "kernel-segment.elf": simple_elf(EM_X86_64, 0xffff800000000000),
        "truncated.elf": truncated_elf(),
    }
    for name, data in files.items():
        path = os.path.join(out, name)
        with open(path, "wb") as f:
            f.write(data)
        print(f"wrote {path} ({len(data)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
