#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Differential test of runwarden's spec gate against the Go decoder runc uses.

Generates seeded, deterministic variants of real engine inputs and hand-made specs (key spellings
at every struct level, folded and exact duplicates in either order, nulls, wrong types, integers
at and beyond the bounds of each Go integer type, unknown keys, sections for other platforms,
escaped keys, and a few lexical oddities), then judges each variant twice:

  runwarden  spec-driver: rw_json_parse + rw_spec_read, and the view with the plan applied
  runc       go-oracle: json.NewDecoder(f).Decode into the runtime-spec struct Debian's runc is
             built with, re-marshalled; plus which keys Go assigns under another spelling

and checks that they agree:

  - runwarden accepts: Go decodes the original without error, decodes runwarden's view without
    error, and both give the same struct (the same re-marshalled bytes); no key of the original
    reaches a field under another spelling. The sections for other platforms are left out of the
    comparison (the gate removes them by design: spec.h).
  - runwarden refuses: every reason is real. A "spelled otherwise" refusal names a key Go assigns
    to a field under another spelling; a type or range refusal is one Go reports too; a parse
    refusal is a duplicate key or a syntax error Go reports too. Anything else is a false
    refusal, except the lexical refusals listed in KNOWN_PARSE_REFUSALS, which are counted and
    printed: there runwarden fails closed on a document runc would read.

Exit status 0 when every variant agrees, 1 otherwise (the first disagreements are printed).
"""

import argparse
import collections
import copy
import json
import os
import random
import subprocess
import sys
import tempfile
from json.encoder import encode_basestring as encode_string

# --------------------------------------------------------------------------------------------
# A JSON tree that keeps what Python's dict would lose: key order, duplicate keys, number text.


class Obj(list):
    """An object: a list of [key, value] pairs."""


class Arr(list):
    """An array."""


class Num(str):
    """A number token, kept as written."""


class Raw(bytes):
    """Bytes written into the document as they are (lexical oddities)."""


class EscKey(str):
    """A key written with every character as a \\uXXXX escape."""


def convert(v):
    if isinstance(v, Obj):
        for pair in v:
            pair[1] = convert(pair[1])
        return v
    if isinstance(v, list):
        return Arr(convert(x) for x in v)
    return v


def load(text):
    return convert(json.loads(text, object_pairs_hook=lambda pairs: Obj([list(p) for p in pairs]),
                              parse_int=Num, parse_float=Num))


def dump_string(s):
    if isinstance(s, EscKey):
        out = []
        for ch in s:
            data = ch.encode("utf-16-be")
            for i in range(0, len(data), 2):
                out.append("\\u%02x%02x" % (data[i], data[i + 1]))
        return ('"' + "".join(out) + '"').encode()
    return encode_string(s).encode("utf-8")


def dump(v):
    if type(v) is str:
        return encode_string(v).encode("utf-8")
    if isinstance(v, Raw):
        return bytes(v)
    if isinstance(v, Obj):
        return b"{" + b",".join(dump_string(k) + b":" + dump(x) for k, x in v) + b"}"
    if isinstance(v, Arr):
        return b"[" + b",".join(dump(x) for x in v) + b"]"
    if isinstance(v, Num):
        return v.encode()
    if v is True:
        return b"true"
    if v is False:
        return b"false"
    if v is None:
        return b"null"
    if isinstance(v, str):
        return dump_string(v)
    raise TypeError(type(v))


def objects(v, out):
    if isinstance(v, Obj):
        out.append(v)
        for _, x in v:
            objects(x, out)
    elif isinstance(v, Arr):
        for x in v:
            objects(x, out)
    return out


def slots(v, out):
    """Every place a value sits: (container, index)."""
    if isinstance(v, Obj):
        for i, pair in enumerate(v):
            out.append((v, i))
            slots(pair[1], out)
    elif isinstance(v, Arr):
        for i, x in enumerate(v):
            out.append((v, i))
            slots(x, out)
    return out


def slot_get(slot):
    c, i = slot
    return c[i][1] if isinstance(c, Obj) else c[i]


def slot_set(slot, value):
    c, i = slot
    if isinstance(c, Obj):
        c[i][1] = value
    else:
        c[i] = value


# --------------------------------------------------------------------------------------------
# Mutations. Each takes (rng, doc, kind), changes doc in place (or returns a replacement) and
# returns a short description, or None when it found nothing to do.

BOUNDS = [
    "0", "-0", "1", "-1", "255", "256", "32767", "32768", "-32768", "-32769", "65535", "65536",
    "2147483647", "2147483648", "-2147483648", "-2147483649", "4294967295", "4294967296",
    "9223372036854775807", "9223372036854775808", "-9223372036854775808",
    "-9223372036854775809", "18446744073709551615", "18446744073709551616",
    "99999999999999999999999999", "-18446744073709551615", "1.0", "1e3", "1E3", "1e+3", "0.5",
    "-0.0", "1e-3", "0e0", "-1e3", "1.5e300", "1e400",
]

# Characters Go does not fold to any ASCII letter (simple folding knows only U+017F and U+212A).
NEAR_MISS = ["\u0131", "\u0130", "\uff53", "\u0073\u0307", "\u00df", "\u212b", "\u0455",
             "\u200b", "\u0041\u030a", "\u1e9e", "\u017f\u017f", "\u212a\u212a"]


def letters(key):
    return [i for i, ch in enumerate(key) if ch.isascii() and ch.isalpha()]


def flip_case(rng, key):
    idx = letters(key)
    if not idx:
        return None
    chosen = set(rng.sample(idx, rng.randint(1, len(idx))))
    out = "".join(ch.swapcase() if i in chosen else ch for i, ch in enumerate(key))
    return out if out != key else None


def fold_sk(rng, key):
    idx = [i for i, ch in enumerate(key) if ch in "sSkK"]
    if not idx:
        return None
    chosen = set(rng.sample(idx, rng.randint(1, len(idx))))
    return "".join(("\u017f" if ch in "sS" else "\u212a") if i in chosen else ch
                   for i, ch in enumerate(key))


def spelling(rng, key):
    """Another spelling of key that Go may fold to it (case, U+017F, U+212A, or both)."""
    for _ in range(4):
        how = rng.randrange(3)
        out = key
        if how in (0, 2):
            out = flip_case(rng, out) or out
        if how in (1, 2):
            out = fold_sk(rng, out) or out
        if out != key:
            return out
    return None


def near_miss(rng, key):
    """A key that looks like key but that Go does not match to it."""
    how = rng.randrange(6)
    pos = rng.randrange(len(key) + 1) if key else 0
    if how == 0:
        return key[:pos] + rng.choice(NEAR_MISS) + key[pos:]
    if how == 1 and key:
        pos = min(pos, len(key) - 1)
        return key[:pos] + rng.choice(NEAR_MISS) + key[pos + 1:]
    if how == 2:
        return key + rng.choice(["s", "_", " ", "-", "0", "x"])
    if how == 3 and len(key) > 1:
        return key[:pos] + key[pos + 1:]
    if how == 4:
        # U+017F / U+212A where the field has no s / k: no fold
        idx = [i for i, ch in enumerate(key) if ch.isalpha() and ch not in "sSkK"]
        if idx:
            i = rng.choice(idx)
            return key[:i] + rng.choice(["\u017f", "\u212a"]) + key[i + 1:]
    return rng.choice(["x-runwarden", "foo", "", "~/", "Unknown", "\u00e9t\u00e9", "a/b~c",
                       "process ", " mounts", "linux_", "destination2"])


def random_scalar(rng):
    return rng.choice([
        lambda: "",
        lambda: "x",
        lambda: "/",
        lambda: "\u00e9\u017f\u212a",
        lambda: Num(rng.choice(BOUNDS)),
        lambda: Num(str(rng.randint(-1000, 1000))),
        lambda: True,
        lambda: False,
        lambda: None,
    ])()


def random_value(rng, depth=0):
    r = rng.randrange(10)
    if depth < 2 and r == 0:
        return Arr(random_value(rng, depth + 1) for _ in range(rng.randint(0, 3)))
    if depth < 2 and r == 1:
        return Obj([[near_miss(rng, "field"), random_value(rng, depth + 1)]
                    for _ in range(rng.randint(0, 2))])
    if r == 2:
        return Arr()
    if r == 3:
        return Obj()
    return random_scalar(rng)


def json_type(v):
    if isinstance(v, Obj):
        return "object"
    if isinstance(v, Arr):
        return "array"
    if isinstance(v, Num):
        return "number"
    if v is True or v is False:
        return "bool"
    if v is None:
        return "null"
    return "string"


def other_type(rng, v):
    want = json_type(v)
    for _ in range(20):
        x = random_value(rng, 1)
        if json_type(x) not in (want, "null"):
            return x
    return Num("7") if want != "number" else "7"


def variant_value(rng, v):
    """A value to put under a second key beside v: a changed copy, or something else."""
    r = rng.randrange(4)
    if r == 0:
        return random_value(rng)
    if r == 1:
        return None
    x = copy.deepcopy(v)
    s = slots(x, [])
    if s:
        slot = rng.choice(s)
        slot_set(slot, rng.choice([random_scalar(rng), other_type(rng, slot_get(slot)),
                                   Num(rng.choice(BOUNDS))]))
    return x


def pick_pair(rng, doc, want=lambda key: True):
    cands = [(o, i) for o in objects(doc, []) for i, (k, _) in enumerate(o) if want(k)]
    return rng.choice(cands) if cands else (None, None)


def pick_object(rng, doc):
    objs = objects(doc, [])
    return rng.choice(objs) if objs else None


def m_case(rng, doc, kind):
    o, i = pick_pair(rng, doc, lambda k: bool(letters(k)))
    if o is None:
        return None
    new = flip_case(rng, o[i][0])
    if new is None:
        return None
    old, o[i][0] = o[i][0], new
    return "case %r -> %r" % (old, new)


def m_fold_sk(rng, doc, kind):
    o, i = pick_pair(rng, doc, lambda k: any(ch in "sSkK" for ch in k))
    if o is None:
        return None
    old = o[i][0]
    o[i][0] = fold_sk(rng, old)
    return "fold %r -> %r" % (old, o[i][0])


def m_fold_dup(rng, doc, kind):
    o, i = pick_pair(rng, doc, lambda k: bool(letters(k)))
    if o is None:
        return None
    key, value = o[i]
    other = spelling(rng, key)
    if other is None:
        return None
    after = rng.random() < 0.5
    o.insert(i + 1 if after else i, [other, variant_value(rng, value)])
    return "folded duplicate %r %s %r" % (other, "after" if after else "before", key)


def m_exact_dup(rng, doc, kind):
    o, i = pick_pair(rng, doc)
    if o is None:
        return None
    key, value = o[i]
    after = rng.random() < 0.5
    o.insert(i + 1 if after else i, [key, variant_value(rng, value)])
    return "exact duplicate %r %s" % (key, "after" if after else "before")


def m_null(rng, doc, kind):
    s = slots(doc, [])
    if not s:
        return None
    slot = rng.choice(s)
    slot_set(slot, None)
    return "null at %s[%d]" % (type(slot[0]).__name__, slot[1])


def m_wrong_type(rng, doc, kind):
    s = slots(doc, [])
    if not s:
        return None
    slot = rng.choice(s)
    new = other_type(rng, slot_get(slot))
    slot_set(slot, new)
    return "type -> %s" % json_type(new)


def m_number(rng, doc, kind):
    s = slots(doc, [])
    nums = [x for x in s if isinstance(slot_get(x), Num)]
    if not s:
        return None
    slot = rng.choice(nums) if nums and rng.random() < 0.9 else rng.choice(s)
    n = rng.choice(BOUNDS)
    old = slot_get(slot)
    slot_set(slot, Num(n))
    return "number %s -> %s" % (old if isinstance(old, str) else json_type(old), n)


def m_unknown(rng, doc, kind):
    o, i = pick_pair(rng, doc)
    if o is None:
        o = pick_object(rng, doc)
        if o is None:
            return None
        key = "x"
    else:
        key = o[i][0]
    new = near_miss(rng, key)
    if any(k == new for k, _ in o):
        return None
    o.insert(rng.randint(0, len(o)), [new, random_value(rng)])
    return "unknown key %r" % new


def m_long_key(rng, doc, kind):
    o = pick_object(rng, doc)
    if o is None:
        return None
    new = "x" * rng.choice([300, 511, 512, 600, 4000])
    o.insert(rng.randint(0, len(o)), [new, random_value(rng)])
    return "unknown key of %d bytes" % len(new)


PLATFORMS = {
    "windows": '{"layerFolders": ["C:\\\\layers\\\\1"], "devices": [{"id": "x", "idType": "class"}],'
               ' "resources": {"memory": {"limit": 1024}, "cpu": {"count": 2, "shares": 10},'
               ' "storage": {"iops": 1}}, "credentialSpec": {"any": [1, "thing"]},'
               ' "servicing": false, "hyperv": {"utilityVMPath": "C:\\\\uvm"},'
               ' "network": {"endpointList": ["e"], "DNSSearchList": ["a"]}}',
    "solaris": '{"milestone": "svc:/milestone/container:default", "limitpriv": "default",'
               ' "anet": [{"linkname": "net0", "lowerLink": "net2"}], "cappedCPU": {"ncpus": "8"},'
               ' "cappedMemory": {"physical": "512m", "swap": "512m"}}',
    "vm": '{"hypervisor": {"path": "/usr/bin/qemu", "parameters": ["-m"]},'
          ' "kernel": {"path": "/boot/vmlinuz", "initrd": "/boot/initrd"},'
          ' "image": {"path": "/img", "format": "raw"}}',
    "zos": '{"devices": [{"path": "/dev/x", "type": "c", "major": 1, "minor": 2, "fileMode": 438}]}',
}


def m_platform(rng, doc, kind):
    if kind != "config" or not isinstance(doc, Obj):
        return None
    name = rng.choice(sorted(PLATFORMS))
    value = load(PLATFORMS[name])
    how = rng.randrange(6)
    what = "valid"
    if how == 1:
        value, what = other_type(rng, value), "wrong type"
    elif how == 2:
        value, what = None, "null"
    elif how == 3:
        d = m_wrong_type(rng, value, "other") or m_number(rng, value, "other")
        what = "inner: %s" % d
    elif how == 4:
        d = m_case(rng, value, "other")
        what = "inner: %s" % d
    key = name
    if rng.random() < 0.2:
        key = spelling(rng, name) or name
    doc.insert(rng.randint(0, len(doc)), [key, value])
    return "section %r (%s)" % (key, what)


def m_escape(rng, doc, kind):
    o, i = pick_pair(rng, doc)
    if o is None:
        return None
    key = o[i][0]
    if rng.random() < 0.5:
        key = spelling(rng, key) or key
    o[i][0] = EscKey(key)
    return "escaped key %r" % key


def m_remove(rng, doc, kind):
    o, i = pick_pair(rng, doc)
    if o is None:
        return None
    key = o.pop(i)[0]
    return "removed %r" % key


def m_shuffle(rng, doc, kind):
    o = pick_object(rng, doc)
    if o is None or len(o) < 2:
        return None
    rng.shuffle(o)
    return "shuffled an object"


def m_array_null(rng, doc, kind):
    s = [x for x in slots(doc, []) if isinstance(slot_get(x), Arr) and slot_get(x)]
    if not s:
        return None
    a = slot_get(rng.choice(s))
    a.insert(rng.randint(0, len(a)), None)
    return "null element"


def m_lexical(rng, doc, kind):
    """Lexical oddities Go reads and jansson may not. Returns the whole new document."""
    how = rng.randrange(7)
    if how == 0:
        s = [x for x in slots(doc, []) if isinstance(slot_get(x), str)
             and not isinstance(slot_get(x), Num)]
        if not s:
            return None
        slot_set(rng.choice(s), Raw(b'"a\\u0000b"'))
        return "NUL in a string"
    if how == 1:
        s = slots(doc, [])
        if not s:
            return None
        slot_set(rng.choice(s), Raw(b'"\\ud800"'))
        return "lone surrogate escape in a string"
    if how == 2:
        s = slots(doc, [])
        if not s:
            return None
        slot_set(rng.choice(s), Raw(b'"\xff\xfe"'))
        return "invalid UTF-8 in a string"
    if how == 3:
        return ("trailing data", Raw(dump(doc) + rng.choice([b" x", b"{}", b' {"process": 1}'])))
    if how == 4:
        return ("not an object", rng.choice([Arr([doc]), None, "spec", Num("1"), True]))
    if how == 5:
        depth = rng.choice([100, 3000])
        o = pick_object(rng, doc)
        if o is None:
            return None
        o.append(["x-deep", Raw(b"[" * depth + b"]" * depth)])
        return "unknown member nested %d deep" % depth
    if how == 6:
        o = pick_object(rng, doc)
        if o is None:
            return None
        o.append(["x-ws", Raw(b"\t\r\n 1")])
        return "whitespace"
    return None


MUTATIONS = [
    (m_case, 14), (m_fold_sk, 10), (m_fold_dup, 10), (m_exact_dup, 3), (m_null, 9),
    (m_array_null, 3), (m_wrong_type, 8), (m_number, 14), (m_unknown, 8), (m_long_key, 1),
    (m_platform, 5), (m_escape, 4), (m_remove, 3), (m_shuffle, 3), (m_lexical, 2),
]


def generate(rng, bases, count):
    funcs = [f for f, _ in MUTATIONS]
    weights = [w for _, w in MUTATIONS]
    out = []
    for name, kind, text in bases:
        out.append((name, kind, ["unchanged"], text))
    while len(out) < count:
        name, kind, text = rng.choice(bases)
        doc = load(text)
        done = []
        for _ in range(rng.choice([1, 1, 1, 2, 2, 3])):
            f = rng.choices(funcs, weights)[0]
            d = f(rng, doc, kind)
            if isinstance(d, tuple):
                d, doc = d
            if d is not None:
                done.append(d)
        if done:
            out.append((name, kind, done, dump(doc)))
    return out


# --------------------------------------------------------------------------------------------
# Judging

# Refusals by rw_json_parse() of documents runc reads: runwarden fails closed on them. Each is a
# difference from runc, listed here so that it is seen (the summary prints the counts) rather than
# failing every run; the report to the lead names them.
KNOWN_PARSE_REFUSALS = {
    "NUL character": "a \\u0000 in a string (refused on purpose: json.h)",
    "invalid Unicode": "a lone surrogate escape (Go reads U+FFFD)",
    "unable to decode byte": "invalid UTF-8 (Go reads U+FFFD)",
    "end of file expected": "data after the document (Go's Decode reads the first value only)",
    "maximum parsing depth": "nesting deeper than jansson's 2048 (Go allows 10000)",
}

SYNTAX = ("invalid character", "unexpected end of JSON input", "unexpected EOF")
OTHER_PLATFORMS = ("solaris", "windows", "vm", "zos")
SPELLED = "Go matches keys without regard to case"


def linux_part(kind, pointers):
    if kind != "config":
        return list(pointers or [])
    return [p for p in pointers or [] if p.split("/")[1] not in OTHER_PLATFORMS]


def judge(kind, rw, go, view):
    """(category, problem or None)."""
    if rw["verdict"] == "accept":
        if go["linux_error"]:
            return "accept", "runwarden accepts what runc refuses: " + go["linux_error"]
        if view["error"]:
            return "accept", "runc refuses runwarden's view: " + view["error"]
        if view["out"] != go["linux_out"]:
            return "accept", "runc reads the view differently:\n  original %s\n  view     %s" % (
                go["linux_out"], view["out"])
        bad = linux_part(kind, go["nonexact"]) + linux_part(kind, go["fields_twice"])
        if bad:
            return "accept", "accepted keys Go assigns under another spelling: %s" % bad
        if go["error"]:
            return "accept, runc refuses only a section the view drops", None
        return "accept", None

    stage = rw["stage"]
    if stage == "parse":
        err = rw["error"]
        if "duplicate object key" in err:
            if go["keys_twice"]:
                return "refuse: duplicate key", None
            return "refuse", "parse refusal for a duplicate Go does not see: " + err
        if go["error"].startswith("error: ") and any(s in go["error"] for s in SYNTAX):
            return "refuse: syntax error (Go too)", None
        if go["error"]:
            return "refuse: when parsing, of what runc refuses too", None
        for needle, what in KNOWN_PARSE_REFUSALS.items():
            if needle in err:
                return "refuse (runc would read it): " + what, None
        return "refuse", "false refusal when parsing: %s (Go: %s)" % (err, go["error"] or "ok")
    if stage != "spec":
        return "refuse", "%s failed: %s" % (stage, rw["error"])

    nonexact = set(go["nonexact"] or [])
    reasons = set()
    for d in rw["denials"]:
        if SPELLED in d["reason"]:
            if d["item"] not in nonexact:
                return "refuse", "refused a spelling Go does not match: %s" % d["reason"]
            reasons.add("key spelled otherwise")
        elif "not a JSON object" in d["reason"]:
            if not go["not_object"]:
                return "refuse", "refused as not an object: %s" % d["reason"]
            reasons.add("not an object")
        else:
            if not go["linux_error"]:
                return "refuse", "false type/range refusal: %s" % d["reason"]
            reasons.add("type or range (Go too)")
    if not reasons:
        return "refuse", "refused without a denial"
    return "refuse: " + " + ".join(sorted(reasons)), None


def run_lines(cmd, lines):
    p = subprocess.run(cmd, input="".join(lines).encode(), stdout=subprocess.PIPE, check=True)
    out = [json.loads(x) for x in p.stdout.decode().splitlines()]
    if len(out) != len(lines):
        raise SystemExit("%s answered %d of %d documents" % (cmd[0], len(out), len(lines)))
    return out


def read_bases(dirs):
    bases = []
    for d in dirs:
        for name in sorted(os.listdir(d)):
            if not name.endswith(".json"):
                continue
            kind = "config"
            if "process" in name:
                kind = "process"
            elif "resources" in name:
                kind = "resources"
            with open(os.path.join(d, name), encoding="utf-8") as f:
                bases.append((name, kind, f.read()))
    return bases


def built_using(package):
    out = subprocess.run(["dpkg-query", "-W", "-f", "${Built-Using}", package],
                         stdout=subprocess.PIPE, check=True).stdout.decode()
    found = {}
    for entry in out.split(","):
        name, _, version = entry.strip().partition(" (= ")
        found[name] = version.rstrip(")")
    return found


def check_same_as_runc(go):
    """The oracle must read as the installed runc does: the same runtime-spec package and Go."""
    used = built_using("runc")
    spec = used.get("golang-github-opencontainers-specs")
    have = subprocess.run(["dpkg-query", "-W", "-f", "${Version}",
                           "golang-github-opencontainers-specs-dev"],
                          stdout=subprocess.PIPE, check=True).stdout.decode()
    if spec is None or spec != have:
        raise SystemExit("runc is built with runtime-spec %s, the oracle with %s" % (spec, have))
    golang = [name[len("golang-"):] for name in used if name.startswith("golang-1.")]
    version = subprocess.run([go, "version"], stdout=subprocess.PIPE,
                             check=True).stdout.decode().split()[2]
    if len(golang) != 1 or not version.startswith("go" + golang[0] + "."):
        raise SystemExit("runc is built with Go %s, the oracle with %s" % (golang, version))
    print("oracle: runtime-spec %s and %s, as runc" % (have, version))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--driver", required=True, help="spec-driver executable")
    ap.add_argument("--oracle", required=True, help="go-oracle executable")
    ap.add_argument("--bases", action="append", required=True,
                    help="directory of documents to mutate (config unless the name says "
                         "process or resources); repeatable")
    ap.add_argument("--count", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=12)
    ap.add_argument("--keep", help="write the variants and results to this directory")
    ap.add_argument("--show", type=int, default=10, help="disagreements to print")
    ap.add_argument("--same-as-runc", metavar="GO",
                    help="check that the installed runc is built with the runtime-spec package "
                         "and the Go version (of this go command) the oracle is built with")
    args = ap.parse_args()
    if args.same_as_runc:
        check_same_as_runc(args.same_as_runc)

    bases = read_bases(args.bases)
    if not bases:
        raise SystemExit("no base documents in %s" % args.bases)
    variants = generate(random.Random(args.seed), bases, args.count)

    with tempfile.TemporaryDirectory(prefix="rw-differential-") as tmp:
        work = args.keep or tmp
        os.makedirs(work, exist_ok=True)
        lines = []
        for n, (_, kind, _, text) in enumerate(variants):
            path = os.path.join(work, "v%05d.json" % n)
            with open(path, "wb") as f:
                f.write(text if isinstance(text, bytes) else text.encode())
            lines.append("%s %s\n" % (kind, path))
        rw = run_lines([args.driver], lines)
        go = run_lines([args.oracle], lines)
        view_lines, view_of = [], {}
        for n, r in enumerate(rw):
            if r["verdict"] == "accept":
                path = os.path.join(work, "v%05d.view.json" % n)
                with open(path, "w", encoding="utf-8") as f:
                    f.write(r["view"])
                view_of[n] = len(view_lines)
                view_lines.append("%s %s\n" % (variants[n][1], path))
        views = run_lines([args.oracle], view_lines) if view_lines else []

        counts = collections.Counter()
        failures = []
        for n, (name, kind, done, text) in enumerate(variants):
            view = views[view_of[n]] if n in view_of else None
            category, problem = judge(kind, rw[n], go[n], view)
            counts[category] += 1
            if problem:
                failures.append((n, name, kind, done, text, problem, rw[n], go[n]))
        if args.keep:
            with open(os.path.join(work, "results.jsonl"), "w", encoding="utf-8") as f:
                for n, v in enumerate(variants):
                    f.write(json.dumps({"n": n, "base": v[0], "kind": v[1], "mutations": v[2],
                                        "runwarden": rw[n], "go": go[n]}) + "\n")

    print("%d variants of %d documents (seed %d)" % (len(variants), len(bases), args.seed))
    for category, c in sorted(counts.items()):
        print("  %5d  %s" % (c, category))
    accepted = sum(c for k, c in counts.items() if k.startswith("accept"))
    refused = len(variants) - accepted
    if accepted < len(variants) // 5 or refused < len(variants) // 5:
        failures.append((-1, "-", "-", [], b"", "the variants do not exercise both verdicts "
                         "(%d accepted, %d refused)" % (accepted, refused), {}, {}))
    for n, name, kind, done, text, problem, r, g in failures[:args.show]:
        text = text if isinstance(text, bytes) else text.encode()
        print("\nDISAGREEMENT v%05d (%s %s; %s)\n  %s" % (n, kind, name, "; ".join(done),
                                                          problem[:1000]))
        print("  document: %s" % text[:1500].decode("utf-8", "replace"))
        print("  runwarden: %s" % json.dumps(r)[:800])
        print("  go: %s" % json.dumps(g)[:800])
    if failures:
        print("\n%d disagreements" % len(failures))
        return 1
    print("runwarden and runc's decoder agree on every variant")
    return 0


if __name__ == "__main__":
    sys.exit(main())
