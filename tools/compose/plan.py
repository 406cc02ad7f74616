"""The boot plan: its binary layout, the writer and a decoder.

The layout is fixed and little-endian; boot_plan.h declares the same structs
for the root server and docs/system-toml.md describes them. Every record is
made of naturally aligned fields, and every array starts at a multiple of 8,
so the C structs need no packing. The tests compare all three.
"""

import struct
import zlib

MAGIC = 0x4C50564E  # "NVPL" read as a little-endian u32
VERSION = 4
ALIGN = 8            # each record array starts at a multiple of this
FIRST_MODULE = 2     # module 0 is the root server, 1 this plan, 2.. the components
CHECKSUM_OFFSET = 12
CMDLINE_SIZE = 2048  # char cmdline[] of a VM record, NUL-terminated

# (array name, struct format, field names); "_" fields are reserved, written as 0.
RECORDS = (
    ("components", "<32s4I2Q12I2IQ2I",
     ("name", "module", "priority", "quantum_us", "cpu", "stack_size", "heap_size",
      "map_first", "map_count", "io_first", "io_count", "gsi_first", "gsi_count",
      "pci_first", "pci_count", "portal_first", "portal_count", "use_first", "use_count",
      "mmio_first", "mmio_count", "dma_size", "flags", "restart_max")),
    ("regions", "<32sQ", ("name", "size")),
    ("mappings", "<2IQ2I", ("region", "component", "address", "writable", "_")),
    ("io_ranges", "<3I", ("component", "base", "count")),
    ("gsis", "<2I", ("component", "gsi")),
    ("pci", "<I4B2HI", ("component", "bus", "dev", "fn", "by_id", "vendor", "device",
                        "index")),
    ("portals", "<32s2I", ("name", "component", "id")),
    ("uses", "<2I", ("component", "portal")),
    ("vms", f"<2IQ6I{CMDLINE_SIZE}s",
     ("component", "kernel_module", "memory_size", "initrd_module", "console_use",
      "vcpu_first", "vcpu_count", "cmdline_size", "_", "cmdline")),
    ("vcpus", "<2I", ("vm", "cpu")),
    ("mmio", "<2I2Q", ("component", "_", "base", "size")),
)
# component flags
FLAG_IOMMU_OPTIONAL = 1
FLAG_PCI_CONFIG = 2
ARRAYS = tuple(name for name, _, _ in RECORDS)
STRUCTS = {name: struct.Struct(fmt) for name, fmt, _ in RECORDS}
FIELDS = {name: fields for name, _, fields in RECORDS}

# magic, version, total_size, checksum, then (offset, count) per array
HEADER = struct.Struct("<4I" + "2I" * len(RECORDS))


class PlanError(Exception):
    pass


def _align(n):
    return (n + ALIGN - 1) // ALIGN * ALIGN


# --- writer -------------------------------------------------------------------

def modules(system):
    """The boot modules after the components': (index, kind, component, source).

    For each component with a VM, in plan order: its kernel, then its initrd if
    it has one. `source` is an absolute path or "@artefact"."""
    out, index = [], FIRST_MODULE + len(system.components)
    for i, comp in enumerate(system.components):
        if comp.vm is None:
            continue
        for kind, source in (("kernel", comp.vm.kernel), ("initrd", comp.vm.initrd)):
            if source:
                out.append((index, kind, i, source))
                index += 1
    return out


def records(system):
    """The plan's record arrays for a checked schema.System, as lists of dicts."""
    out = {name: [] for name in ARRAYS}
    by_component = {name: [[] for _ in system.components]
                    for name in ("mappings", "io_ranges", "gsis", "pci", "portals", "uses",
                                 "mmio")}
    for m in system.mappings:
        by_component["mappings"][m.component].append(
            dict(region=m.region, component=m.component, address=m.address,
                 writable=int(m.writable)))
    for i, comp in enumerate(system.components):
        by_component["io_ranges"][i] = [dict(component=i, base=b, count=n)
                                        for b, n in comp.io_ports]
        by_component["gsis"][i] = [dict(component=i, gsi=g) for g in comp.gsis]
        by_component["pci"][i] = [_pci_record(i, d) for d in comp.pci]
        by_component["mmio"][i] = [dict(component=i, base=b, size=n) for b, n in comp.mmio]
    for p, (name, i) in enumerate(system.portals):
        by_component["portals"][i].append(dict(name=name, component=i, id=p))
    for i, p in system.uses:
        by_component["uses"][i].append(dict(component=i, portal=p))

    prefix = {"mappings": "map", "io_ranges": "io", "gsis": "gsi", "pci": "pci",
              "portals": "portal", "uses": "use", "mmio": "mmio"}
    for i, comp in enumerate(system.components):
        flags = (FLAG_IOMMU_OPTIONAL if comp.iommu_optional else 0) | \
            (FLAG_PCI_CONFIG if comp.pci_config else 0)
        rec = dict(name=comp.name, module=FIRST_MODULE + i, priority=comp.priority,
                   quantum_us=comp.quantum_us, cpu=comp.cpu,
                   stack_size=comp.stack_size, heap_size=comp.heap_size,
                   dma_size=comp.dma_memory, flags=flags, restart_max=comp.restart_max)
        for array, short in prefix.items():
            rec[short + "_first"] = len(out[array])
            rec[short + "_count"] = len(by_component[array][i])
            out[array] += by_component[array][i]
        out["components"].append(rec)
    out["regions"] = [dict(name=r.name, size=r.size) for r in system.regions]
    module_of = {(i, kind): index for index, kind, i, _ in modules(system)}
    for i, comp in enumerate(system.components):
        vm = comp.vm
        if vm is None:
            continue
        v = len(out["vms"])
        out["vms"].append(dict(
            component=i, kernel_module=module_of[(i, "kernel")], memory_size=vm.memory,
            initrd_module=module_of.get((i, "initrd"), 0), console_use=vm.console,
            vcpu_first=len(out["vcpus"]), vcpu_count=len(vm.cpus),
            cmdline_size=len(vm.cmdline.encode()), cmdline=vm.cmdline))
        out["vcpus"] += [dict(vm=v, cpu=cpu) for cpu in vm.cpus]
    return out


def _pci_record(i, d):
    if d.vendor is None:
        return dict(component=i, bus=d.bus, dev=d.dev, fn=d.fn, by_id=0)
    return dict(component=i, by_id=1, vendor=d.vendor, device=d.device, index=d.index)


def encode(tables):
    """Bytes of a plan from record arrays (as records() returns them)."""
    body = bytearray()
    offset = _align(HEADER.size)
    placement = []
    for name in ARRAYS:
        body += bytes(offset - HEADER.size - len(body))  # padding to the alignment
        placement += [offset, len(tables[name])]
        for rec in tables[name]:
            values = [rec.get(f, 0) for f in FIELDS[name]]
            values = [v.encode() if isinstance(v, str) else v for v in values]
            body += STRUCTS[name].pack(*values)
        offset = _align(HEADER.size + len(body))
    body += bytes(offset - HEADER.size - len(body))
    total = HEADER.size + len(body)
    header = HEADER.pack(MAGIC, VERSION, total, 0, *placement)
    checksum = zlib.crc32(header + body)
    return HEADER.pack(MAGIC, VERSION, total, checksum, *placement) + bytes(body)


# --- decoder ------------------------------------------------------------------

def decode(data):
    """Check a plan's header, size and checksum; return its records.

    Returns {"version", "total_size", "checksum", and per array a list of dicts}.
    """
    if len(data) < HEADER.size:
        raise PlanError(f"plan of {len(data)} bytes is shorter than its header")
    magic, version, total, checksum, *placement = HEADER.unpack_from(data)
    if magic != MAGIC:
        raise PlanError(f"bad magic {magic:#x}")
    if version != VERSION:
        raise PlanError(f"unknown version {version}")
    if total != len(data):
        raise PlanError(f"total_size {total} but {len(data)} bytes")
    zeroed = data[:CHECKSUM_OFFSET] + bytes(4) + data[CHECKSUM_OFFSET + 4:]
    if zlib.crc32(zeroed) != checksum:
        raise PlanError("checksum mismatch")
    plan = {"version": version, "total_size": total, "checksum": checksum}
    for n, name in enumerate(ARRAYS):
        offset, count = placement[2 * n], placement[2 * n + 1]
        size = STRUCTS[name].size
        if offset % ALIGN or offset + count * size > total:
            raise PlanError(f"array {name} outside the plan")
        plan[name] = []
        for k in range(count):
            values = STRUCTS[name].unpack_from(data, offset + k * size)
            rec = {f: (v.rstrip(b"\0").decode() if isinstance(v, bytes) else v)
                   for f, v in zip(FIELDS[name], values) if f != "_"}
            plan[name].append(rec)
    return plan


# --- text ---------------------------------------------------------------------

def describe(plan, programs=None):
    """A human-readable summary of a decoded plan."""
    comps, regions, portals = plan["components"], plan["regions"], plan["portals"]
    lines = [f"boot plan v{plan['version']}: {plan['total_size']} bytes, "
             f"crc32 {plan['checksum']:#010x}; components {len(comps)}, "
             f"memory regions {len(regions)}, portals {len(portals)}"]

    def part(array, comp, short):
        first, count = comp[short + "_first"], comp[short + "_count"]
        return plan[array][first:first + count]

    for i, c in enumerate(comps):
        program = f" program {programs[i]}" if programs else ""
        lines.append(f"component {i} {c['name']}:{program} module {c['module']}, "
                     f"priority {c['priority']}, quantum {c['quantum_us']} us, "
                     f"cpu {c['cpu']}, stack {c['stack_size']:#x}, heap {c['heap_size']:#x}")
        if c["restart_max"]:
            lines.append(f"    restarted after a crash, at most {c['restart_max']} times")
        for r in part("io_ranges", c, "io"):
            lines.append(f"    io ports {r['base']:#06x}-{r['base'] + r['count'] - 1:#06x}")
        for g in part("gsis", c, "gsi"):
            lines.append(f"    gsi {g['gsi']}")
        for d in part("pci", c, "pci"):
            lines.append(f"    pci {d['vendor']:04x}:{d['device']:04x} index {d['index']}"
                         if d["by_id"] else f"    pci {d['bus']:02x}:{d['dev']:02x}.{d['fn']}")
        for r in part("mmio", c, "mmio"):
            lines.append(f"    mmio {r['base']:#x}-{r['base'] + r['size'] - 1:#x}")
        if c["dma_size"]:
            lines.append(f"    dma memory {c['dma_size']:#x}")
        if c["flags"] & FLAG_PCI_CONFIG:
            lines.append("    pci config (the whole ECAM)")
        if c["flags"] & FLAG_IOMMU_OPTIONAL:
            lines.append("    iommu optional")
        for m in part("mappings", c, "map"):
            r = regions[m["region"]]
            lines.append(f"    maps {r['name']} ({r['size']:#x} bytes) at "
                         f"{m['address']:#x} {'rw' if m['writable'] else 'ro'}")
        for p in part("portals", c, "portal"):
            lines.append(f"    offers portal {p['id']} {p['name']}")
        for u in part("uses", c, "use"):
            p = portals[u["portal"]]
            lines.append(f"    uses portal {p['id']} {p['name']} "
                         f"(offered by {comps[p['component']]['name']})")
        for v in (v for v in plan["vms"] if v["component"] == i):
            cpus = [x["cpu"] for x in plan["vcpus"][v["vcpu_first"]:
                                                    v["vcpu_first"] + v["vcpu_count"]]]
            initrd = f"module {v['initrd_module']}" if v["initrd_module"] else "none"
            lines.append(f"    vm: memory {v['memory_size']:#x}, {v['vcpu_count']} vcpus on "
                         f"cpus {cpus}, kernel module {v['kernel_module']}, initrd {initrd}, "
                         f"console use {v['console_use']}, cmdline {v['cmdline']!r}")
    for j, r in enumerate(regions):
        lines.append(f"memory region {j} {r['name']}: {r['size']:#x} bytes")
    return "\n".join(lines) + "\n"
