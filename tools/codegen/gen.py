#!/usr/bin/env python3
"""Generate Novum's interface headers, kernel glue and API reference.

Usage: gen.py --spec SPECDIR --out OUTDIR [--extension NAME ...]

The TOML files in SPECDIR are the single source of truth for the NOVA
interface. This script reads them, checks them for consistency and writes

  OUTDIR/include/nova/spec.h         constants, bit fields, C types
  OUTDIR/include/nova/hypercalls.h   user-level hypercall stubs (libnova)
  OUTDIR/include/nova/spec_tables.h  hypercall table for on-target tests
  OUTDIR/kernel/hypercall_decode.h   kernel-side argument decoding
  OUTDIR/kernel/hypercall_table.c    hypercall dispatch table
  OUTDIR/kernel/spec_objects.h       kernel object types and capability spaces
  OUTDIR/docs/api.md                 API reference

Output depends only on the input files and the options; there are no
timestamps, and all iteration orders are fixed.
"""

import argparse
import os
import re
import sys
import tomllib

import jinja2

SPEC_FILES = ("status", "objects", "bitfields", "utcb", "hip", "events",
              "hypercalls", "novum", "extensions")
REG_BITS = 64
ALL_ONES = (1 << REG_BITS) - 1
C_TYPES = {"u8": ("uint8_t", 1), "u16": ("uint16_t", 2), "u32": ("uint32_t", 4),
           "u64": ("uint64_t", 8), "s32": ("int32_t", 4)}
TEMPLATE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "templates")


class SpecError(Exception):
    """The spec files are inconsistent."""


def check(cond, msg):
    if not cond:
        raise SpecError(msg)


def field_mask(lo, hi):
    return ((1 << (hi - lo + 1)) - 1) << lo


def c_hex64(value):
    return "UINT64_C(%#x)" % value


# --------------------------------------------------------------------------
# Loading and normalising the spec
# --------------------------------------------------------------------------

def load_raw(spec_dir):
    raw = {}
    for name in SPEC_FILES:
        with open(os.path.join(spec_dir, name + ".toml"), "rb") as f:
            raw[name] = tomllib.load(f)
    return raw


def norm_status_list(table, status_by_name, novum):
    out = []
    for code, reasons in (table or {}).items():
        check(code in status_by_name, "unknown status code %s" % code)
        out.append({"name": code, "value": status_by_name[code]["value"],
                    "reasons": list(reasons), "novum": novum})
    return out


def merge_status(lists):
    merged = {}
    for entry in lists:
        if entry["name"] in merged:
            merged[entry["name"]]["reasons"] += entry["reasons"]
        else:
            merged[entry["name"]] = dict(entry, reasons=list(entry["reasons"]))
    return sorted(merged.values(), key=lambda s: s["value"])


def norm_param(p, abi):
    check(p["reg"] in abi["arg_regs"], "parameter %s: bad register" % p["name"])
    lo, hi = p.get("lo", 0), p.get("hi", REG_BITS - 1)
    check(0 <= lo <= hi < REG_BITS, "parameter %s: bad bit range" % p["name"])
    q = dict(p, lo=lo, hi=hi, inplace=p.get("inplace", False),
             c_type=p.get("c_type", "uint64_t"), mask=field_mask(lo, hi))
    q["id_sel"] = p["reg"] == abi["id_reg"]
    if q["id_sel"]:
        check((lo, hi) == (8, 63), "parameter %s: RDI holds only the selector "
              "in bits 63:8" % p["name"])
    return q


def check_reg_overlap(what, params):
    used = {}
    for p in params:
        for bit in range(p["lo"], p["hi"] + 1):
            key = (p["reg"], bit)
            check(key not in used, "%s: %s overlaps %s" % (what, p["name"], used.get(key)))
            used[key] = p["name"]


def norm_rets(h):
    """Return values of a hypercall, or those a sub-operation adds to its
    hypercall's."""
    return [dict(r, parts=[dict(pt, mask=field_mask(pt["lo"], pt["hi"])) for pt in r["parts"]])
            for r in h.get("ret", [])]


def norm_hypercall(h, abi, status_by_name, ext):
    params = [norm_param(p, abi) for p in h.get("param", [])]
    check_reg_overlap(h["name"], params)
    flags = []
    for f in h.get("flag", []):
        check(0 <= f["bit"] < 4, "%s: flag %s outside the flag nibble" % (h["name"], f["name"]))
        flags.append(dict(f, c_name=f.get("c_name", f["name"]).upper(), value=1 << f["bit"]))
    check(len({f["bit"] for f in flags}) == len(flags), "%s: duplicate flag bits" % h["name"])
    rets = norm_rets(h)
    ops = []
    for op in h.get("operation", []):
        op_params = [norm_param(p, abi) for p in op.get("param", [])]
        check_reg_overlap(h["name"] + "_" + op["name"], params + op_params)
        ops.append(dict(op, params=op_params, rets=rets + norm_rets(op),
                        status=merge_status(norm_status_list(op.get("status"),
                                                             status_by_name, False))))
    own_status = (norm_status_list(h.get("status"), status_by_name, False)
                  + norm_status_list(h.get("novum_status"), status_by_name, True))
    status = merge_status(own_status + [s for op in ops for s in op["status"]])
    hc = dict(h, NAME=h["name"].upper(), params=params, flags=flags, rets=rets,
              entry=h.get("entry", []), operations=ops, status=status,
              own_status=merge_status(own_status),
              noreturn=h.get("noreturn", False), extension=ext)
    hc["status_mask"] = sum(1 << s["value"] for s in status)
    hc["spec_status_mask"] = sum(1 << s["value"] for s in status if not s["novum"])
    hc["flags_mask"] = sum(f["value"] for f in flags)
    return hc


def norm_bitfield(bf):
    fields = []
    for f in bf["field"]:
        check(0 <= f["lo"] <= f["hi"] < bf["width"],
              "%s.%s: bits outside the width" % (bf["name"], f["name"]))
        fields.append(dict(f, reserved=f.get("reserved", False), values=f.get("value", []),
                           mask=field_mask(f["lo"], f["hi"]), width=f["hi"] - f["lo"] + 1,
                           max=(1 << (f["hi"] - f["lo"] + 1)) - 1))
    fields.sort(key=lambda f: f["lo"])
    check(len({f["name"] for f in fields}) == len(fields), "%s: duplicate field" % bf["name"])
    covered = 0
    for f in fields:
        check(covered & f["mask"] == 0, "%s.%s overlaps" % (bf["name"], f["name"]))
        covered |= f["mask"]
        for v in f["values"]:
            check(0 <= v["value"] < (1 << f["width"]),
                  "%s.%s: value %s too wide" % (bf["name"], f["name"], v["name"]))
    args = [f["name"] for f in fields if not f["reserved"]]
    if "encoder_args" in bf:
        check(sorted(bf["encoder_args"]) == sorted(args),
              "%s: encoder_args must name every non-reserved field" % bf["name"])
        args = list(bf["encoder_args"])
    return dict(bf, NAME=bf["name"].upper(), fields=fields, encoder_args=args)


def norm_structs(structs, bitfield_names):
    out = {}
    for s in structs:
        size_of = {}
        fields = []
        for f in s["field"]:
            count = f.get("count", 1)
            if f["type"] in C_TYPES:
                ctype, elem = C_TYPES[f["type"]]
            else:
                check(f["type"] in out, "%s.%s: unknown type %s" % (s["name"], f["name"], f["type"]))
                ctype, elem = "struct nova_" + f["type"], out[f["type"]]["size"]
            if "bitfield" in f:
                check(f["bitfield"] in bitfield_names, "%s.%s: unknown bit field" % (s["name"], f["name"]))
            fields.append(dict(f, count=count, ctype=ctype, elem_size=elem, size=elem * count,
                               reserved=f.get("reserved", False)))
            size_of[f["name"]] = elem * count
        end = 0
        for f in fields:
            check(f["offset"] == end, "%s.%s: offset %#x, expected %#x (gap or overlap)"
                  % (s["name"], f["name"], f["offset"], end))
            check(f["offset"] % f["elem_size"] == 0, "%s.%s: misaligned" % (s["name"], f["name"]))
            end = f["offset"] + f["size"]
        check(end == s["size"], "%s: fields end at %#x, size is %#x" % (s["name"], end, s["size"]))
        out[s["name"]] = dict(s, fields=fields, c_name="nova_" + s["name"])
    return out


def norm_events(raw):
    def entries(key):
        out = []
        for e in raw.get(key, []):
            out.append(dict(e, last=e.get("last", e["number"]), reserved=e.get("reserved", False),
                            hv_handled=e.get("hv_handled", False), forced=e.get("forced", False)))
        return sorted(out, key=lambda e: e["number"])

    ev = {k: entries(k) for k in ("exception", "event", "vmx", "svm")}
    for key, prefix in (("exception", "NOVA_EXC_"), ("event", "NOVA_EVT_")):
        for e in ev[key]:
            e["macro"] = "" if e["reserved"] else prefix + e["name"]
    for key in ("vmx", "svm"):
        end = -1
        for e in ev[key]:
            check(e["number"] > end and e["last"] >= e["number"], "%s table overlaps at %#x"
                  % (key, e["number"]))
            end = e["last"]
    names = [None] * 32
    for e in ev["exception"] + ev["event"]:
        for n in range(e["number"], e["last"] + 1):
            check(names[n] is None, "event %#x defined twice" % n)
            names[n] = "reserved" if e["reserved"] else e["name"]
    check(None not in names, "event vectors 0x00-0x1f are not all defined")
    ev["vector_names"] = names
    return ev


def norm_capabilities(caps, crd):
    """Adds each type's full permission mask (`all_perms`, 0 without
    permissions); every permission bit must fit the CRD's mask field."""
    mask_field = next(f for f in crd["fields"] if f["name"] == "mask")
    out = []
    for c in caps:
        perms = c.get("perms", [])
        bits = [p["bit"] for p in perms]
        check(len(set(bits)) == len(bits), "capability %s: duplicate permission bits" % c["name"])
        check(all(0 <= b < mask_field["width"] for b in bits),
              "capability %s: a permission bit outside the CRD mask field" % c["name"])
        out.append(dict(c, all_perms=sum(1 << b for b in bits)))
    return out


def check_shared_numbers(ext_hcs):
    """Extension hypercalls may share a number (the 4-bit number space is
    nearly full) when the sub-operation tells them apart: each has
    operations, all select them with the same parameter, and no value is
    claimed twice."""
    for h in ext_hcs:
        check(all(op["value"] >= 1 for op in h["operations"]),
              "hypercall %s: sub-operation 0 is no extension's: with it 0xf is undefined (5.1)" % h["name"])
    by_number = {}
    for h in ext_hcs:
        by_number.setdefault(h["number"], []).append(h)
    for n, hcs in by_number.items():
        if len(hcs) == 1:
            continue
        names = ", ".join(h["name"] for h in hcs)
        check(all(h["operations"] for h in hcs),
              "hypercalls %s share number %#x but not all have sub-operations" % (names, n))
        selectors = {(h["params"][0]["reg"], h["params"][0]["lo"], h["params"][0]["hi"]) for h in hcs}
        check(len(selectors) == 1,
              "hypercalls %s share number %#x but select sub-operations differently" % (names, n))
        values = [op["value"] for h in hcs for op in h["operations"]]
        check(len(set(values)) == len(values),
              "hypercalls %s share number %#x and a sub-operation value" % (names, n))


def load_spec(spec_dir):
    raw = load_raw(spec_dir)
    m = {}
    m["status"] = sorted(raw["status"]["status"], key=lambda s: s["value"])
    check([s["value"] for s in m["status"]] == list(range(len(m["status"]))),
          "status codes must be numbered 0..n-1")
    status_by_name = {s["name"]: s for s in m["status"]}

    abi = raw["hypercalls"]["abi"]
    m["abi"] = abi
    m["hypercalls"] = sorted((norm_hypercall(h, abi, status_by_name, None)
                              for h in raw["hypercalls"]["hypercall"]),
                             key=lambda h: h["number"])
    m["extensions"] = []
    for e in raw["extensions"].get("extension", []):
        check(e.get("extension") is True, "extension %s must say extension = true" % e["name"])
        hcs = [norm_hypercall(h, abi, status_by_name, e["name"]) for h in e.get("hypercall", [])]
        m["extensions"].append(dict(e, hypercalls=hcs))
    numbers = [h["number"] for h in m["hypercalls"]]
    check(len(set(numbers)) == len(numbers), "hypercall numbers are not unique")
    ext_hcs = [h for e in m["extensions"] for h in e["hypercalls"]]
    check(not {h["number"] for h in ext_hcs} & set(numbers),
          "an extension uses the number of a spec hypercall")
    check_shared_numbers(ext_hcs)
    check(all(0 <= n < 16 for n in numbers + [h["number"] for h in ext_hcs]),
          "hypercall number outside 0..15")

    m["bitfields"] = [norm_bitfield(bf) for bf in raw["bitfields"]["bitfield"]]
    bf_names = {bf["name"] for bf in m["bitfields"]}
    m["bitfield_by_name"] = {bf["name"]: bf for bf in m["bitfields"]}
    m["capabilities"] = norm_capabilities(raw["objects"]["capability"], m["bitfield_by_name"]["crd"])
    for h in m["hypercalls"]:
        for p in h["params"] + h["rets"] + [r for op in h["operations"] for r in op["rets"]]:
            check(p.get("bitfield", "crd") in bf_names, "%s.%s: unknown bit field"
                  % (h["name"], p["name"]))
    m["structs"] = norm_structs(raw["utcb"]["struct"] + raw["hip"]["struct"], bf_names)
    m["utcb"] = raw["utcb"]["utcb"]
    m["utcb"]["data_words"] = (m["utcb"]["size"] - m["utcb"]["data_offset"]) // 8
    check(m["structs"]["utcb_head"]["size"] == m["utcb"]["data_offset"], "UTCB header size")
    check(m["structs"]["utcb_arch"]["size"] <= m["utcb"]["size"] - m["utcb"]["data_offset"],
          "UTCB arch layout exceeds the data area")
    m["hip"] = raw["hip"]["hip"]
    m["events"] = norm_events(raw["events"])
    m["params"] = raw["novum"]["param"]
    for p in m["params"]:
        check(p.get("implementation") is True, "%s must be marked implementation" % p["name"])
    m["interpretations"] = raw["novum"]["interpretation"]
    return m


def select_hypercalls(m, extensions):
    """Spec hypercalls plus those of the extensions that are built in."""
    known = {e["name"] for e in m["extensions"]}
    for name in extensions:
        check(name in known, "unknown extension %s" % name)
    hcs = list(m["hypercalls"])
    for e in m["extensions"]:
        if e["name"] in extensions:
            hcs += e["hypercalls"]
    return sorted(hcs, key=lambda h: h["number"])


def built_extensions(m, extensions):
    return [e for e in m["extensions"] if e["name"] in extensions]


# --------------------------------------------------------------------------
# User stubs (shared by hypercalls.h and the API reference)
# --------------------------------------------------------------------------

def user_value(p):
    """C expression that places parameter p into its register bits."""
    name = p["name"]
    if p["c_type"] != "uint64_t":
        name = "(uint64_t)(uintptr_t)" + name
    if p["mask"] == ALL_ONES:
        return name
    if p["inplace"] or p["lo"] == 0:
        return "(%s & %s)" % (name, c_hex64(p["mask"]))
    return "((%s & %s) << %d)" % (name, c_hex64(p["mask"] >> p["lo"]), p["lo"])


def make_stub(hc, abi, op=None):
    """Describe one libnova stub: C signature and body lines."""
    params = hc["params"] + (op["params"] if op else [])
    fixed = {}
    if op:
        # The hypercall-level parameter selects the sub-operation.
        fixed[hc["params"][0]["name"]] = "NOVA_%s_OP_%s" % (hc["NAME"], op["name"].upper())
    rets = op["rets"] if op else hc["rets"]
    ret_names = {r["name"] for r in rets}
    args = []
    for p in params:
        if p["name"] in fixed:
            continue
        if p["name"] in ret_names:
            args.append("uint64_t *" + p["name"])
        elif p["c_type"].endswith("*"):
            args.append(p["c_type"] + p["name"])
        else:
            args.append("%s %s" % (p["c_type"], p["name"]))
    for r in rets:
        if r["name"] not in {p["name"] for p in params}:
            args.append("uint64_t *" + r["name"])
    if hc["flags"]:
        args.append("unsigned flags")
    fn = "nova_" + hc["name"] + ("_" + op["name"] if op else "")
    if hc["noreturn"]:
        args = ["uintptr_t sp"]
        signature = "static inline _Noreturn void %s(%s)" % (fn, ", ".join(args))
    else:
        signature = "static inline enum nova_status %s(%s)" % (fn, ", ".join(args) or "void")

    sel = next((p["name"] for p in params if p["id_sel"]), "0")
    regs = {}  # register -> list of C expressions
    for p in params:
        if p["id_sel"]:
            continue
        if p["name"] in fixed:
            expr = fixed[p["name"]]
        elif p["name"] in ret_names:
            expr = "*" + p["name"]
        else:
            expr = user_value(p)
        regs.setdefault(p["reg"], []).append(expr)
    out_regs = [pt["reg"] for r in rets for pt in r["parts"]]

    body = ["register uint64_t rdi __asm__(\"rdi\") = nova_hc_id(NOVA_HC_%s, %s, %s);"
            % (hc["NAME"], "flags" if hc["flags"] else "0", sel)]
    outputs, inputs = ['"+r"(rdi)'], []
    for reg in sorted(set(regs) | set(out_regs), key=abi["arg_regs"].index):
        if reg in regs:
            body.append("register uint64_t %s __asm__(\"%s\") = %s;" % (reg, reg, " | ".join(regs[reg])))
        else:
            body.append("register uint64_t %s __asm__(\"%s\");" % (reg, reg))
        if reg in out_regs:
            outputs.append('"%sr"(%s)' % ("+" if reg in regs else "=", reg))
        else:
            inputs.append('"r"(%s)' % reg)
    clobbers = ", ".join('"%s"' % c for c in abi["clobbered"]) + ', "memory"'
    if hc["noreturn"]:
        body.append("__asm__ volatile(\"mov %%1, %%%%rsp\\n\\t%s\" : : \"r\"(rdi), \"r\"(sp) : %s);"
                    % (abi["instruction"], clobbers))
        body.append("__builtin_unreachable();")
        return {"name": fn, "signature": signature, "body": body, "hc": hc, "op": op, "rets": rets}
    body.append("__asm__ volatile(\"%s\" : %s :%s : %s);"
                % (abi["instruction"], ", ".join(outputs),
                   " " + ", ".join(inputs) if inputs else "", clobbers))
    for r in rets:
        pieces = []
        for pt in r["parts"]:
            width = pt["hi"] - pt["lo"] + 1
            piece = pt["reg"]
            if width < REG_BITS:
                piece = "(%s & %s)" % (piece, c_hex64((1 << width) - 1))
            if pt["lo"]:
                piece = "(%s << %d)" % (piece, pt["lo"])
            pieces.append(piece)
        body.append("*%s = %s;" % (r["name"], " | ".join(pieces)))
    body.append("return (enum nova_status)nova_status_reg_status(rdi);")
    return {"name": fn, "signature": signature, "body": body, "hc": hc, "op": op, "rets": rets}


def stubs_for(hc, abi):
    if hc["operations"]:
        return [make_stub(hc, abi, op) for op in hc["operations"]]
    return [make_stub(hc, abi)]


# --------------------------------------------------------------------------
# Kernel side decoding
# --------------------------------------------------------------------------

def kernel_value(p):
    """C expression that extracts parameter p from struct sys_regs *r."""
    expr = "r->" + p["reg"]
    if p["mask"] == ALL_ONES:
        return expr
    if p["inplace"]:
        return "%s & %s" % (expr, c_hex64(p["mask"]))
    if p["lo"]:
        expr = "%s >> %d" % (expr, p["lo"])
    if p["hi"] < REG_BITS - 1:
        expr = "%s & %s" % (expr if not p["lo"] else "(%s)" % expr, c_hex64(p["mask"] >> p["lo"]))
    return expr


def kernel_return_lines(r):
    lines = []
    for pt in r["parts"]:
        width = pt["hi"] - pt["lo"] + 1
        expr = r["name"]
        if pt["lo"]:
            expr = "(%s >> %d)" % (expr, pt["lo"])
        if width < REG_BITS:
            expr = "%s & %s" % (expr, c_hex64((1 << width) - 1))
        lines.append("r->%s = %s;" % (pt["reg"], expr))
    return lines


def decoder(name, params, flags):
    """A decoded-argument struct and its decode function, or None."""
    if not params and not flags:
        return None
    return {"name": name, "fields": [(p["name"], p.get("spec", ""), kernel_value(p)) for p in params],
            "flags": bool(flags)}


def kernel_model(hc):
    decs = [decoder(hc["name"], hc["params"], hc["flags"])]
    for op in hc["operations"]:
        decs.append(decoder(hc["name"] + "_" + op["name"], op["params"], []))
    def setter(name, rets):
        return {"name": name, "args": ", ".join("uint64_t " + r["name"] for r in rets),
                "lines": [ln for r in rets for ln in kernel_return_lines(r)]}
    setters = [setter(hc["name"], hc["rets"])] if hc["rets"] else []
    setters += [setter(hc["name"] + "_" + op["name"], op["rets"]) for op in hc["operations"]
                if len(op["rets"]) > len(hc["rets"])]
    entry = entry_setter(hc["entry"]) if hc["entry"] else None
    return {"hc": hc, "decoders": [d for d in decs if d], "setters": setters, "entry": entry}


# --------------------------------------------------------------------------
# Output functions, one per generated file
# --------------------------------------------------------------------------

def make_env():
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
                             undefined=jinja2.StrictUndefined, trim_blocks=True,
                             lstrip_blocks=True, keep_trailing_newline=True,
                             autoescape=False)
    env.filters["hex"] = lambda v, w=0: "%#0*x" % (w + 2, v) if w else "%#x" % v
    env.filters["hex64"] = c_hex64
    env.globals["bits"] = bits
    return env


def status_bits(mask, m):
    names = ["NOVA_STATUS_BIT(NOVA_%s)" % s["name"] for s in m["status"] if mask >> s["value"] & 1]
    return " | ".join(names) or "0u"


def gen_spec_h(env, m, extensions):
    slot_names = {n: "/".join(h["name"] for h in hcs)
                  for n, hcs in hypercalls_by_number(m, extensions).items()}
    return env.get_template("spec_h.j2").render(
        m=m, hypercalls=m["hypercalls"], exts=built_extensions(m, extensions),
        ext_hcs=[h for e in built_extensions(m, extensions) for h in e["hypercalls"]],
        slot_names=slot_names, structs=list(m["structs"].values()))


def gen_hypercalls_h(env, m, extensions):
    stubs = [s for h in select_hypercalls(m, extensions) for s in stubs_for(h, m["abi"])]
    return env.get_template("hypercalls_h.j2").render(stubs=stubs)


def gen_spec_tables_h(env, m, extensions):
    rows = [dict(h=h, status=status_bits(h["status_mask"], m),
                 spec_status=status_bits(h["spec_status_mask"], m))
            for h in select_hypercalls(m, extensions)]
    return env.get_template("spec_tables_h.j2").render(rows=rows)


def entry_setter(entries):
    """Arguments and register assignments of an entry-state setter."""
    return {"args": ", ".join("uint64_t " + e["name"] for e in entries),
            "lines": ["r->%s = %s;" % (e["reg"], e["name"]) for e in entries]}


def gen_decode_h(env, m, extensions):
    hcs = select_hypercalls(m, extensions)
    return env.get_template("hypercall_decode_h.j2").render(
        calls=[kernel_model(h) for h in hcs], m=m, root_entry=entry_setter(m["abi"]["root_entry"]))


def gen_objects_h(env, m):
    crd_type = next(f for f in m["bitfield_by_name"]["crd"]["fields"] if f["name"] == "type")
    return env.get_template("spec_objects_h.j2").render(
        obj_types=[c for c in m["capabilities"] if c.get("crd_type") == "obj"],
        spaces=[v for v in crd_type["values"] if v["name"] != "null"],
        space_slots=2 ** crd_type["width"])


def hypercalls_by_number(m, extensions):
    """Slot number -> the built-in hypercalls with that number (several only
    for extensions that share a number)."""
    by_number = {}
    for h in select_hypercalls(m, extensions):
        by_number.setdefault(h["number"], []).append(h)
    return by_number


def gen_table_c(env, m, extensions):
    by_number = hypercalls_by_number(m, extensions)
    slots = [(n, by_number.get(n, [])) for n in range(16)]
    return env.get_template("hypercall_table_c.j2").render(slots=slots)


def bits(lo, hi):
    return str(lo) if lo == hi else "%d:%d" % (hi, lo)


def doc_registers(hc, abi, op=None):
    """Rows (register, bits, name, spec name, description) in and out."""
    rdi = abi["id_reg"].upper()
    ins = [(rdi, "3:0", "number", "", "Hypercall number %#x." % hc["number"])]
    if hc["flags"]:
        ins.append((rdi, "7:4", "flags", "", "Flags, see below."))
    params = hc["params"] + (op["params"] if op else [])
    for p in params:
        desc = p["description"]
        if op and p is hc["params"][0]:
            desc = "%d (`NOVA_%s_OP_%s`)." % (op["value"], hc["NAME"], op["name"].upper())
        elif p["inplace"]:
            desc += " Kept in place (low bits ignored)."
        ins.append((p["reg"].upper(), bits(p["lo"], p["hi"]), p["name"], p.get("spec", ""), desc))
    outs = []
    if not hc["noreturn"]:
        outs.append((abi["status_reg"].upper(), bits(abi["status_lo"], abi["status_hi"]),
                     "status", "", "Status code."))
    for r in (op["rets"] if op else hc["rets"]):
        for pt in r["parts"]:
            name = r["name"] if len(r["parts"]) == 1 else "%s[%s]" % (r["name"], bits(pt["lo"], pt["hi"]))
            outs.append((pt["reg"].upper(), bits(0, pt["hi"] - pt["lo"]), name, r["spec"],
                         r["description"]))
    return {"ins": ins, "outs": outs}


def doc_hypercall(h, abi):
    out = dict(h, stubs=stubs_for(h, abi))
    if h["operations"]:
        out["op_docs"] = [dict(op, regs=doc_registers(h, abi, op),
                               signature=make_stub(h, abi, op)["signature"])
                          for op in h["operations"]]
    else:
        out["regs"] = doc_registers(h, abi)
    return out


def gen_api_md(env, m):
    hcs = [doc_hypercall(h, m["abi"]) for h in m["hypercalls"]]
    exts = [dict(e, hypercalls=[doc_hypercall(h, m["abi"]) for h in e["hypercalls"]])
            for e in m["extensions"]]
    text = env.get_template("api_md.j2").render(m=m, hypercalls=hcs, exts=exts,
                                                structs=list(m["structs"].values()))
    return re.sub(r"\n{3,}", "\n\n", text)


def generate(spec_dir, extensions=()):
    """Return {relative path: text} for every generated file."""
    m = load_spec(spec_dir)
    extensions = sorted(set(extensions))
    env = make_env()
    return {
        "include/nova/spec.h": gen_spec_h(env, m, extensions),
        "include/nova/hypercalls.h": gen_hypercalls_h(env, m, extensions),
        "include/nova/spec_tables.h": gen_spec_tables_h(env, m, extensions),
        "kernel/hypercall_decode.h": gen_decode_h(env, m, extensions),
        "kernel/hypercall_table.c": gen_table_c(env, m, extensions),
        "kernel/spec_objects.h": gen_objects_h(env, m),
        "docs/api.md": gen_api_md(env, m),
    }


def write_tree(out_dir, files):
    for rel in sorted(files):
        path = os.path.join(out_dir, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="\n") as f:
            f.write(files[rel])


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--spec", required=True, help="directory with the spec TOML files")
    ap.add_argument("--out", required=True, help="output directory")
    ap.add_argument("--extension", action="append", default=[], metavar="NAME",
                    help="build in the named Novum extension (repeatable)")
    args = ap.parse_args(argv)
    try:
        files = generate(args.spec, args.extension)
    except SpecError as e:
        print("gen.py: spec error: %s" % e, file=sys.stderr)
        return 1
    write_tree(args.out, files)
    return 0


if __name__ == "__main__":
    sys.exit(main())
