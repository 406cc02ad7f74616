"""The system.toml schema: per-table checks and the checks across tables.

`check(data, loc, source_dir)` takes what tomllib parsed and the Loc tree of
locate.py and returns (system, errors). `errors` is a list of (line, message)
covering every problem found; `system` is meaningful only when it is empty.
docs/system-toml.md describes the schema for users; keep the two in step.
"""

import os
import re
from dataclasses import dataclass, field

PAGE = 0x1000
USER_END = 0x00007FFFFFFF0000  # mappings end at or below this address
U32_MAX = 0xFFFFFFFF
NAME_MAX = 31  # names are stored NUL-terminated in char[32]
HEAP_BASE = 0x0000000040000000  # where the root server puts a component's heap

# Devices (libs/libnova/include/nova/component.h has the same numbers): the
# device page and device memory at DEVICE_AREA_START + physical address;
# the DMA memory at DMA_WINDOW.
DEVICE_AREA_START = 0x00001FF000000000
DEVICE_AREA_END = 0x0000400000000000
MMIO_PHYS_MAX = 0x0000200000000000  # device memory must lie below this
DMA_WINDOW = 0x000000000C000000
DMA_MAX = 64 << 20
MAX_FNS = 8     # NOVA_DEVICES_MAX_FNS
MAX_MMIO = 8    # NOVA_DEVICES_MAX_MMIO
MAX_GSIS = 24   # selectors 0x60..0x77; the MSI semaphores follow

# Virtual machines ([component.vm]); libs/libnova/include/nova/vm_desc.h has
# the same numbers for the VMM.
MIB = 1 << 20
VM_MEMORY_MIN = 16 * MIB
VM_MEMORY_MAX = 64 << 30
VM_MAX_VCPUS = 64
CMDLINE_MAX = 2047              # bytes, without the terminating NUL
RESTART_MAX = 1000             # most restarts a component may be given
# In a component with a VM the root server places the VM description, the
# kernel and initrd windows and the guest memory here; nothing else may be.
VM_AREA_START = 0x0000080000000000
VM_AREA_END = 0x0000100000000000 + VM_MEMORY_MAX
# Files the build makes and a [component.vm] may name as "@name" (built by
# cmake/guest.cmake with tools/guest/fetch.sh).
ARTEFACTS = {
    "debian-kernel": "Debian 12's Linux kernel (vmlinuz of linux-image-*-cloud-amd64)",
    "busybox-initramfs": "an initramfs (newc, gzip) of Debian's busybox-static and a small /init",
    # tools/guest/mkbadkernel.py: guests that go wrong, for the vm-bad-* projects
    "bad-kernel-triple-fault": "a bzImage whose entry code triple-faults",
    "bad-kernel-outside-ram": "a bzImage whose entry code writes guest-physical 0x40000000",
    "bad-kernel-truncated": "a bzImage shorter than its setup header says",
    "bad-kernel-garbage": "a bzImage whose entry code is pseudo-random bytes",
    "hypercall-probe-kernel": "a bzImage that makes each KVM hypercall from CPL 0 and checks the answers",
}

_NAME = re.compile(r"[a-z][a-z0-9_-]*\Z")
_PROGRAM = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*\Z")
_PCI = re.compile(r"([0-9A-Fa-f]{2}):([0-9A-Fa-f]{2})\.([0-7])\Z")


# --- the model the checks produce and the writer consumes --------------------

@dataclass
class Component:
    name: str
    program: str
    priority: int
    quantum_us: int
    cpu: int
    stack_size: int
    heap_size: int
    restart_max: int = 0                          # restarts after a crash, 0: none
    io_ports: list = field(default_factory=list)  # (base, count)
    gsis: list = field(default_factory=list)      # int
    pci: list = field(default_factory=list)       # Pci
    mmio: list = field(default_factory=list)      # (base, size)
    dma_memory: int = 0
    iommu_optional: bool = False
    pci_config: bool = False
    offers: list = field(default_factory=list)    # portal names
    uses: list = field(default_factory=list)      # portal names
    vm: "Vm" = None


@dataclass
class Pci:
    """A PCI function: by address (bus, dev, fn) or by vendor, device and index."""
    bus: int = 0
    dev: int = 0
    fn: int = 0
    vendor: int = None   # None: by address
    device: int = 0
    index: int = 0


@dataclass
class Vm:
    memory: int      # bytes, a power of two
    cpus: list       # host CPU of each vCPU
    kernel: str      # "@artefact" or an absolute path
    initrd: str      # the same, or "" for none
    cmdline: str
    console: int     # index into the component's uses


@dataclass
class Mapping:
    region: int      # index into System.regions
    component: int   # index into System.components
    address: int
    writable: bool


@dataclass
class Region:
    name: str
    size: int


@dataclass
class System:
    components: list
    regions: list
    mappings: list   # sorted by component, then in file order
    portals: list    # (name, offering component index), by component, then file order
    uses: list       # (component index, portal index), by component, then file order


# --- field descriptions --------------------------------------------------------

_TYPE_NAMES = {str: "a string", int: "an integer", bool: "a boolean",
               list: "an array", dict: "a table"}


def _type_names(t):
    return " or ".join(_TYPE_NAMES[x] for x in t) if isinstance(t, tuple) else _TYPE_NAMES[t]


def _type_ok(value, t):
    for x in t if isinstance(t, tuple) else (t,):
        if x is int and isinstance(value, int) and not isinstance(value, bool):
            return True
        if x is not int and isinstance(value, x):
            return True
    return False


def _toml_type(value):
    if isinstance(value, bool):
        return "boolean"
    return {str: "string", int: "integer", float: "float", list: "array",
            dict: "table"}.get(type(value), "date/time")


@dataclass
class Field:
    type: object          # a type, or a tuple of types
    required: bool = False
    default: object = None
    checks: tuple = ()   # functions value -> error message or None
    item: "Field" = None  # for arrays: the element
    fields: dict = None   # for tables: their keys
    label: str = None     # for array elements: how messages name them


def in_range(lo, hi, fmt=str):
    def check(v):
        if not lo <= v <= hi:
            return f"must be in {fmt(lo)}..{fmt(hi)}, got {fmt(v)}"
    return check


def page_multiple(v):
    if v % PAGE:
        return f"must be a multiple of 4096, got {v}"


def page_aligned(v):
    if v % PAGE:
        return f"must be page aligned (a multiple of 0x1000), got {v:#x}"


def name_syntax(v):
    if len(v) > NAME_MAX:
        return f"{v!r} is longer than {NAME_MAX} characters"
    if not _NAME.match(v):
        return f"{v!r} must match [a-z][a-z0-9_-]*"


def program_syntax(v):
    if not _PROGRAM.match(v) or ".." in v:
        return f"{v!r} is not a directory name under apps/"


def pci_syntax(v):
    m = _PCI.match(v)
    if not m:
        return f"{v!r} must be bus:dev.fn in hex, e.g. \"00:1f.3\""
    if int(m.group(2), 16) > 0x1F:
        return f"{v!r} has device {int(m.group(2), 16):#x}, beyond 0x1f"


_SIZE = re.compile(r"([0-9]+)([MG])\Z")


def size_bytes(v):
    """Bytes of a size given as an integer or as "<n>M" / "<n>G"; None if malformed."""
    if isinstance(v, int):
        return v
    m = _SIZE.match(v)
    return int(m.group(1)) << (20 if m.group(2) == "M" else 30) if m else None


def _size_text(n):
    return f"{n >> 30}G" if n % (1 << 30) == 0 and n else f"{n >> 20}M" if n % MIB == 0 \
        else str(n)


def dma_size(v):
    n = size_bytes(v)
    if n is None:
        return f"{v!r} must be a size such as \"1M\" or a number of bytes"
    if n % PAGE:
        return f"must be a multiple of 4096, got {n}"
    if n > DMA_MAX:
        return f"must be at most {_size_text(DMA_MAX)}, got {_size_text(n)}"


def one_of(*choices):
    def check(v):
        if v not in choices:
            return f"must be {' or '.join(repr(c) for c in choices)}, got {v!r}"
    return check


def vm_memory(v):
    n = size_bytes(v)
    if n is None:
        return f"{v!r} must be a size such as \"256M\" or \"1G\""
    if n < VM_MEMORY_MIN or n & (n - 1):
        return f"must be a power of two of at least 16M, got {_size_text(n)}"
    if n > VM_MEMORY_MAX:
        return f"must be at most {_size_text(VM_MEMORY_MAX)}, got {_size_text(n)}"


def module_syntax(v):
    if v.startswith("@"):
        if v[1:] not in ARTEFACTS:
            return (f"{v!r} names no build artefact (known: "
                    f"{', '.join('@' + a for a in sorted(ARTEFACTS))})")
    elif not v:
        return "must not be empty"


def cmdline_check(v):
    size = len(v.encode("utf-8"))
    if size > CMDLINE_MAX:
        return f"is {size} bytes long, more than {CMDLINE_MAX}"
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in v):
        return "must not contain control characters"


IO_RANGE = {
    "base": Field(int, required=True, checks=(in_range(0, 0xFFFF, hex),)),
    "count": Field(int, required=True, checks=(in_range(1, 0x10000, hex),)),
}

PCI_MATCH = {
    "vendor": Field(int, required=True, checks=(in_range(0, 0xFFFE, hex),)),
    "device": Field(int, required=True, checks=(in_range(0, 0xFFFF, hex),)),
    "index": Field(int, default=0, checks=(in_range(0, 255),)),
}

MMIO_RANGE = {
    "base": Field(int, required=True,
                  checks=(in_range(0, MMIO_PHYS_MAX - PAGE, hex), page_aligned)),
    "size": Field(int, required=True,
                  checks=(in_range(PAGE, MMIO_PHYS_MAX, hex), page_multiple)),
}

VM = {
    "memory": Field((str, int), required=True, checks=(vm_memory,)),
    "vcpus": Field(int, default=1, checks=(in_range(1, VM_MAX_VCPUS),)),
    "cpus": Field(list, default=[], item=Field(int, checks=(in_range(0, U32_MAX),))),
    "kernel": Field(str, required=True, checks=(module_syntax,)),
    "initrd": Field(str, default="", checks=(module_syntax,)),
    "cmdline": Field(str, default="", checks=(cmdline_check,)),
    "console": Field(str, default="console", checks=(name_syntax,)),
}

RESTART = {
    "max": Field(int, required=True, checks=(in_range(1, RESTART_MAX),)),
}

COMPONENT = {
    "name": Field(str, required=True, checks=(name_syntax,)),
    "program": Field(str, required=True, checks=(program_syntax,)),
    "priority": Field(int, default=1, checks=(in_range(1, 255),)),
    "quantum_us": Field(int, default=10000, checks=(in_range(1, U32_MAX),)),
    "cpu": Field(int, default=0, checks=(in_range(0, U32_MAX),)),
    "stack_size": Field(int, default=0x10000,
                        checks=(in_range(PAGE, USER_END, hex), page_multiple)),
    "heap_size": Field(int, default=0x100000,
                       checks=(in_range(0, USER_END, hex), page_multiple)),
    "io_ports": Field(list, default=[], item=Field(dict, fields=IO_RANGE)),
    "gsis": Field(list, default=[], item=Field(int, checks=(in_range(0, U32_MAX),))),
    "pci": Field(list, default=[], item=Field((str, dict), fields=PCI_MATCH,
                                              checks=(pci_syntax,))),
    "mmio": Field(list, default=[], item=Field(dict, fields=MMIO_RANGE)),
    "dma_memory": Field((str, int), default=0, checks=(dma_size,)),
    "iommu": Field(str, default="required", checks=(one_of("required", "optional"),)),
    "pci_config": Field(bool, default=False),
    "offers": Field(list, default=[], item=Field(str, checks=(name_syntax,))),
    "uses": Field(list, default=[], item=Field(str, checks=(name_syntax,))),
    "vm": Field(dict, default=None, fields=VM, label="[component.vm]"),
    "restart": Field(dict, default=None, fields=RESTART, label="restart"),
}

MAPPING = {
    "component": Field(str, required=True, checks=(name_syntax,)),
    "address": Field(int, required=True,
                     checks=(in_range(0, USER_END - PAGE, hex), page_aligned)),
    "writable": Field(bool, default=False),
}

MEMORY = {
    "name": Field(str, required=True, checks=(name_syntax,)),
    "size": Field(int, required=True,
                  checks=(in_range(PAGE, USER_END, hex), page_multiple)),
    "map": Field(list, default=[], item=Field(dict, fields=MAPPING, label="[[memory.map]]")),
}

TOP = {"component": COMPONENT, "memory": MEMORY}


# --- checking ------------------------------------------------------------------

class _Checker:
    """Checks tables against their Fields, collecting every error.

    A value that fails its checks reads as None (a bad array as [], a bad
    element as None), so later checks skip it instead of failing again.
    """

    def __init__(self, loc):
        self.loc = loc
        self.errors = []

    def error(self, path, message):
        self.errors.append((self.loc.at(*path), message))

    def value(self, spec, value, path, what):
        """Check one value against its Field; return it, or None if invalid."""
        if not _type_ok(value, spec.type):
            self.error(path, f"{what} must be {_type_names(spec.type)}, "
                             f"not {_toml_type(value)}")
            return None
        if isinstance(value, dict) and spec.fields is not None:
            return self.table(spec.fields, value, path, what)
        if spec.type is list:
            return [self.value(spec.item, v, path + (i,), spec.item.label or f"{what}[{i}]")
                    for i, v in enumerate(value)]
        for check in spec.checks:
            message = check(value)
            if message:
                self.error(path, f"{what} {message}")
                return None
        return value

    def table(self, fields, data, path, what):
        """Check a table's keys; return {key: checked value, default or None}."""
        out = {}
        for key in data:
            if key not in fields:
                self.error(path + (key,), f"unknown key '{key}' in {what}")
        for key, spec in fields.items():
            if key in data:
                out[key] = self.value(spec, data[key], path + (key,), spec.label or key)
            elif spec.required:
                self.error(path, f"{what} is missing required key '{key}'")
                out[key] = None
            else:
                out[key] = spec.default
            if spec.type is list and out[key] is None:
                out[key] = []
        return out

    def top(self, data):
        """Check the top level; return {table name: [checked entries]}."""
        out = {name: [] for name in TOP}
        for key, value in data.items():
            if key not in TOP:
                kind = "table" if isinstance(value, dict) else "key"
                self.error((key,), f"unknown top-level {kind} '{key}'")
            elif not (isinstance(value, list) and all(isinstance(v, dict) for v in value)):
                self.error((key,), f"'{key}' must be an array of tables ([[{key}]])")
            else:
                out[key] = [self.table(TOP[key], entry, (key, i), f"[[{key}]]")
                            for i, entry in enumerate(value)]
        return out

    def first_seen(self, seen, key, path, message):
        """Report `message` if `key` was seen before, else remember it at `path`."""
        if key in seen:
            self.error(path, f"{message} (first at line {self.loc.at(*seen[key])})")
            return False
        seen[key] = path
        return True

    def overlaps(self, spans, describe, where=""):
        """Report each span that overlaps one on an earlier line.

        `spans` holds (lo, hi, path, owner) for the range [lo, hi).
        """
        spans = sorted(spans, key=lambda s: self.loc.at(*s[2]))
        for n, (lo, hi, path, owner) in enumerate(spans):
            for lo2, hi2, path2, owner2 in spans[:n]:
                if lo < hi2 and lo2 < hi:
                    self.error(path, f"{describe(lo, hi)} of '{owner}' overlaps "
                               f"{describe(lo2, hi2)} of '{owner2}' (line "
                               f"{self.loc.at(*path2)}){where}")
                    break


def _present(items):
    """(index, item) for the elements of a checked array that passed."""
    return [(k, v) for k, v in enumerate(items) if v is not None]


def _pci(dev):
    """(bus, dev, fn) of a checked "bb:dd.f" string."""
    return tuple(int(x, 16) for x in _PCI.match(dev).groups())


def check(data, loc, source_dir, max_cpus=None, base_dir="."):
    """Check a parsed system.toml; return (System or None, [(line, message)]).

    `base_dir` is where relative kernel and initrd paths of a VM start (the
    directory of the system.toml)."""
    c = _Checker(loc)
    tables = c.top(data)
    if "component" not in data or data["component"] == []:
        c.error((), "the system has no [[component]]")
    components, memory = tables["component"], tables["memory"]

    # Components: unique names, existing programs, CPUs the build supports.
    names = {}
    for i, comp in enumerate(components):
        if comp["name"] is not None:
            c.first_seen(names, comp["name"], ("component", i, "name"),
                         f"duplicate component name '{comp['name']}'")
        program = comp["program"]
        if program is not None and not os.path.isfile(
                os.path.join(source_dir, "apps", program, "CMakeLists.txt")):
            c.error(("component", i, "program"),
                    f"unknown program '{program}': no apps/{program}/CMakeLists.txt")
        if max_cpus is not None and comp["cpu"] is not None and comp["cpu"] >= max_cpus:
            c.error(("component", i, "cpu"),
                    f"cpu must be below the build's {max_cpus} CPUs, got {comp['cpu']}")
    comp_index = {name: path[1] for name, path in names.items()}
    for i, comp in enumerate(components):
        _check_heap_below_devices(c, comp, i)

    # Exclusive resources: I/O ports, GSIs, PCI devices.
    ranges, gsis = [], {}
    for i, comp in enumerate(components):
        owner = comp["name"] or f"component {i}"
        for k, r in _present(comp["io_ports"]):
            path = ("component", i, "io_ports", k)
            if r["base"] is None or r["count"] is None:
                continue
            if r["base"] + r["count"] > 0x10000:
                c.error(path, f"I/O port range {r['base']:#x}+{r['count']:#x} "
                              f"goes beyond 0xffff")
            ranges.append((r["base"], r["base"] + r["count"], path, owner))
        for k, gsi in _present(comp["gsis"]):
            c.first_seen(gsis, gsi, ("component", i, "gsis", k),
                         f"GSI {gsi} is granted twice")
    c.overlaps(ranges, lambda lo, hi: f"I/O port range {lo:#x}-{hi - 1:#x}")
    _check_devices(c, components)

    # Portals: each offered once, each use offered by someone.
    offered = {}
    for i, comp in enumerate(components):
        for k, portal in _present(comp["offers"]):
            c.first_seen(offered, portal, ("component", i, "offers", k),
                         f"portal '{portal}' is offered twice")
    for i, comp in enumerate(components):
        used, owner = {}, comp["name"] or f"component {i}"
        for k, portal in _present(comp["uses"]):
            path = ("component", i, "uses", k)
            if c.first_seen(used, portal, path,
                            f"portal '{portal}' is used twice by '{owner}'") \
                    and portal not in offered:
                c.error(path, f"portal '{portal}' is used by '{owner}' "
                              f"but offered by no component")

    # Virtual machines: vCPUs and their CPUs, images, the guest's console.
    vms = {}
    for i, comp in enumerate(components):
        if comp["vm"] is not None:
            raw = data["component"][i]["vm"]
            vms[i] = _check_vm(c, comp, raw, ("component", i, "vm"), max_cpus, base_dir)

    # Memory regions and where they are mapped.
    regions, mappings, spans = {}, [], {}
    for j, mem in enumerate(memory):
        if mem["name"] is not None:
            c.first_seen(regions, mem["name"], ("memory", j, "name"),
                         f"duplicate memory region name '{mem['name']}'")
        region = mem["name"] or f"memory {j}"
        for k, m in _present(mem["map"]):
            path = ("memory", j, "map", k)
            if m["component"] is not None and m["component"] not in comp_index:
                c.error(path + ("component",), f"memory '{region}' is mapped into "
                        f"unknown component '{m['component']}'")
                continue
            if None in (m["component"], m["address"], mem["size"]):
                continue
            end = m["address"] + mem["size"]
            if end > USER_END:
                c.error(path + ("address",), f"mapping of '{region}' at "
                        f"{m['address']:#x} ends at {end:#x}, beyond {USER_END:#018x}")
                continue
            spans.setdefault(m["component"], []).append(
                (m["address"], end, path + ("address",), region))
            mappings.append(Mapping(j, comp_index[m["component"]], m["address"],
                                    m["writable"]))
    for comp_name, span in spans.items():
        c.overlaps(span, lambda lo, hi: f"mapping [{lo:#x}, {hi:#x})",
                   where=f" in the address space of '{comp_name}'")
        i = comp_index[comp_name]
        _check_reserved(c, span, comp_name, components[i])
        if i in vms:
            for lo, hi, path, region in span:
                if lo < VM_AREA_END and VM_AREA_START < hi:
                    c.error(path, f"mapping [{lo:#x}, {hi:#x}) of '{region}' overlaps "
                                  f"[{VM_AREA_START:#x}, {VM_AREA_END:#x}), where "
                                  f"'{comp_name}' finds its VM")

    if c.errors:
        return None, sorted(c.errors, key=lambda e: e[0])
    return _system(components, memory, mappings, vms), []


def _pci_key(dev):
    """What makes two PCI grants the same: the address, or vendor, device and index."""
    if isinstance(dev, str):
        return _pci(dev), f"PCI device {dev.lower()}"
    if None in (dev["vendor"], dev["device"], dev["index"]):
        return None, None
    return ((dev["vendor"], dev["device"], dev["index"]),
            f"PCI device {dev['vendor']:04x}:{dev['device']:04x} (index {dev['index']})")


def _check_devices(c, components):
    """PCI functions, MMIO ranges and ECAM: each granted to one component."""
    pcis, config, spans = {}, {}, []
    for i, comp in enumerate(components):
        owner = comp["name"] or f"component {i}"
        for key, limit in (("pci", MAX_FNS), ("mmio", MAX_MMIO)):
            if len(comp[key]) > limit:
                c.error(("component", i, key), f"{key} names {len(comp[key])} "
                        f"{'functions' if key == 'pci' else 'ranges'}, at most {limit} "
                        f"(the device page's)")
        if len(comp["gsis"]) > MAX_GSIS:
            c.error(("component", i, "gsis"), f"gsis names {len(comp['gsis'])} GSIs, "
                    f"at most {MAX_GSIS}")
        for k, dev in _present(comp["pci"]):
            key, text = _pci_key(dev)
            if key is not None:
                c.first_seen(pcis, key, ("component", i, "pci", k),
                             f"{text} is granted twice")
        if comp["pci_config"]:
            c.first_seen(config, True, ("component", i, "pci_config"),
                         "pci_config (the whole ECAM) is granted twice")
        for k, r in _present(comp["mmio"]):
            path = ("component", i, "mmio", k)
            if r["base"] is None or r["size"] is None:
                continue
            if r["base"] + r["size"] > MMIO_PHYS_MAX:
                c.error(path, f"MMIO range {r['base']:#x}+{r['size']:#x} goes beyond "
                              f"{MMIO_PHYS_MAX:#x}")
            spans.append((r["base"], r["base"] + r["size"], path, owner))
    c.overlaps(spans, lambda lo, hi: f"MMIO range {lo:#x}-{hi - 1:#x}")


def _check_heap_below_devices(c, comp, i):
    if comp["heap_size"] is not None and HEAP_BASE + comp["heap_size"] > DEVICE_AREA_START:
        c.error(("component", i, "heap_size"),
                f"heap of '{comp['name'] or f'component {i}'}' reaches into "
                f"[{DEVICE_AREA_START:#x}, {DEVICE_AREA_END:#x}), where it finds its devices")


def _check_reserved(c, span, comp_name, comp):
    """No shared memory where a component finds its devices or its DMA memory."""
    areas = [(DEVICE_AREA_START, DEVICE_AREA_END, "its devices")]
    if comp["dma_memory"]:
        areas.append((DMA_WINDOW, DMA_WINDOW + DMA_MAX, "its DMA memory"))
    for lo, hi, path, region in span:
        for start, end, what in areas:
            if lo < end and start < hi:
                c.error(path, f"mapping [{lo:#x}, {hi:#x}) of '{region}' overlaps "
                              f"[{start:#x}, {end:#x}), where '{comp_name}' finds {what}")


def _check_vm(c, comp, raw, path, max_cpus, base_dir):
    """Checks of one [component.vm] beyond its fields; returns a Vm or None."""
    vm, owner = comp["vm"], comp["name"] or f"component {path[1]}"
    ok = all(vm[k] is not None for k in ("memory", "vcpus", "kernel", "initrd", "cmdline",
                                           "console"))
    cpus = vm["cpus"]
    if "cpus" not in raw:
        cpus = [comp["cpu"]] * (vm["vcpus"] or 0) if comp["cpu"] is not None else None
    elif not isinstance(raw["cpus"], list):
        ok = False
    elif vm["vcpus"] is not None and len(cpus) != vm["vcpus"]:
        c.error(path + ("cpus",), f"cpus names {len(cpus)} host CPUs but vcpus is "
                                  f"{vm['vcpus']}: one CPU per vCPU")
        ok = False
    elif None in cpus:
        ok = False
    elif max_cpus is not None:
        for k, cpu in enumerate(cpus):
            if cpu >= max_cpus:
                c.error(path + ("cpus", k), f"cpus[{k}] must be below the build's "
                                            f"{max_cpus} CPUs, got {cpu}")
                ok = False
    files = {}
    for key in ("kernel", "initrd"):
        name = vm[key]
        if not name or name.startswith("@"):
            files[key] = name
            continue
        full = os.path.normpath(os.path.join(base_dir, name))
        if not os.path.isfile(full):
            c.error(path + (key,), f"{key} file '{name}' not found (looked for {full})")
            ok = False
        files[key] = full
    console = vm["console"]
    if console is not None and console not in comp["uses"]:
        c.error(path + ("console",) if "console" in raw else path,
                f"the VM of '{owner}' talks to portal '{console}', which '{owner}' "
                f"does not list in uses")
        ok = False
    if comp["heap_size"] is not None and HEAP_BASE + comp["heap_size"] > VM_AREA_START:
        c.error(("component", path[1], "heap_size"),
                f"heap of '{owner}' reaches into [{VM_AREA_START:#x}, {VM_AREA_END:#x}), "
                f"where it finds its VM")
        ok = False
    if not ok or cpus is None:
        return None
    return Vm(memory=size_bytes(vm["memory"]), cpus=list(cpus), kernel=files["kernel"],
              initrd=files["initrd"], cmdline=vm["cmdline"],
              console=comp["uses"].index(console))


def _pci_grant(dev):
    if isinstance(dev, str):
        return Pci(*_pci(dev))
    return Pci(vendor=dev["vendor"], device=dev["device"], index=dev["index"])


def _system(checked_components, checked_memory, mappings, vms):
    """The model of a system whose checks all passed."""
    components = [Component(
        name=comp["name"], program=comp["program"], priority=comp["priority"],
        quantum_us=comp["quantum_us"], cpu=comp["cpu"],
        stack_size=comp["stack_size"], heap_size=comp["heap_size"],
        restart_max=comp["restart"]["max"] if comp["restart"] else 0,
        io_ports=[(r["base"], r["count"]) for r in comp["io_ports"]],
        gsis=list(comp["gsis"]), pci=[_pci_grant(d) for d in comp["pci"]],
        mmio=[(r["base"], r["size"]) for r in comp["mmio"]],
        dma_memory=size_bytes(comp["dma_memory"]),
        iommu_optional=comp["iommu"] == "optional", pci_config=comp["pci_config"],
        offers=list(comp["offers"]), uses=list(comp["uses"]), vm=vms.get(i))
        for i, comp in enumerate(checked_components)]
    regions = [Region(mem["name"], mem["size"]) for mem in checked_memory]
    portals = [(name, i) for i, comp in enumerate(components) for name in comp.offers]
    portal_index = {name: p for p, (name, _) in enumerate(portals)}
    uses = [(i, portal_index[name]) for i, comp in enumerate(components)
            for name in comp.uses]
    mappings.sort(key=lambda m: m.component)  # stable: file order within a component
    return System(components, regions, mappings, portals, uses)
