#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""The targets of issue 14 against what one bench/run.sh run measured.

Usage: summary.py OUT_DIR
Reads the runner's JSON files, rss.tsv and instr.tsv in OUT_DIR and prints one Markdown table:
each target, what this build measured (and the --compare build, when there was one), and whether
the target is met. Sections that did not run are left out. Wall times are medians of the
per-round differences, CPU times the difference of the medians; both in ms.
"""
import glob
import json
import os
import sys

RW = "runwarden"
RWX = "runwarden (--compare)"


def load(out, name):
    path = os.path.join(out, name + ".json")
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def above(case, variant, base):
    """(wall diff, CPU diff) of `variant` against `base` in ms, or None."""
    v = case["variants"].get(variant)
    b = case["variants"].get(base)
    if v is None or b is None:
        return None
    # the runner's diff is against the case's baseline: re-base when `base` is not it
    wall = v["diff"] - (b["diff"] if base != case["baseline"] else 0.0)
    return wall, v["cpu"] - b["cpu"]


def fmt_above(x):
    return "—" if x is None else "%+.2f ms (CPU %+.2f)" % x


def tsv(out, name):
    path = os.path.join(out, name)
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return [line.rstrip("\n").split("\t") for line in f if line.strip()]


def fit(points):
    """Least squares y = a + b x; returns (a, b, r2)."""
    n = len(points)
    mx = sum(p[0] for p in points) / n
    my = sum(p[1] for p in points) / n
    sxx = sum((p[0] - mx) ** 2 for p in points)
    sxy = sum((p[0] - mx) * (p[1] - my) for p in points)
    syy = sum((p[1] - my) ** 2 for p in points)
    b = sxy / sxx if sxx else 0.0
    r2 = (sxy * sxy) / (sxx * syy) if sxx and syy else 1.0
    return my - b * mx, b, r2


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = sys.argv[1]
    compare = any(RWX in (load(out, os.path.basename(p)[:-5]) or {}).get("variants", {})
                  for p in glob.glob(os.path.join(out, "*.json")))
    rows = []

    def row(target, mine, theirs, met):
        rows.append((target, mine, theirs, "yes" if met else "no" if met is not None else "—"))

    # A container's whole life
    def life_order(path):
        kind, tier = os.path.basename(path)[:-5].split("-", 2)[1:]
        # the shipped policy's tiers, then any other, `run` before create+start+delete
        known = ["untrusted", "trusted", "service"]
        return (known.index(tier) if tier in known else len(known), tier, kind != "run")

    for path in sorted(glob.glob(os.path.join(out, "life-*.json")), key=life_order):
        case = load(out, os.path.basename(path)[:-5])
        name = case["name"].split(":")[0]
        rw = case["variants"]["runwarden → runc"]
        hard = case["variants"]["runc, hardened spec"]
        rc = case["variants"]["runc"]
        rx = case["variants"].get("runwarden (--compare) → runc")
        row("%s: runwarden → runc within 3 %% of runc" % name,
            "%.3f (%+.1f ms; CPU %+.1f ms)" % (rw["ratio"], rw["diff"], rw["cpu"] - rc["cpu"]),
            "%.3f (%+.1f ms; CPU %+.1f ms)" % (rx["ratio"], rx["diff"], rx["cpu"] - rc["cpu"])
            if rx else "", rw["ratio"] <= 1.03)
        row("%s: the hardened spec in runc no slower than the engine's" % name,
            "%.3f (%+.1f ms; CPU %+.1f ms)" % (hard["ratio"], hard["diff"],
                                               hard["cpu"] - rc["cpu"]),
            "", hard["ratio"] <= 1.03)

    # runwarden's own create
    def own(name, limit, label):
        case = load(out, name)
        if case is None:
            return
        mine = above(case, RW, "exec-only wrapper")
        theirs = above(case, RWX, "exec-only wrapper") if compare else None
        row("%s under %g ms above an exec-only wrapper (%s bytes, %s)" %
            (label, limit, case.get("size", "?"), case.get("outcome", "?")),
            fmt_above(mine), fmt_above(theirs) if compare else "", mine[0] < limit)

    own("inproc-docker-default", 1.0, "create, docker's spec")
    own("inproc-synthetic-128k", 3.0, "create, a 128 KB spec")

    series = []
    for path in glob.glob(os.path.join(out, "inproc-synthetic-env*.json")):
        case = load(out, os.path.basename(path)[:-5])
        series.append(case)
    if len(series) >= 3:
        for who in [RW] + ([RWX] if compare else []):
            pts = sorted((c["size"] / 1024.0, above(c, who, "exec-only wrapper")[1])
                         for c in series)
            a, b, r2 = fit(pts)
            text = "%.1f µs per KB on %.2f ms, r² %.3f (%s)" % (
                b * 1000, a, r2, ", ".join("%.0f KB: %.2f" % p for p in pts))
            if who == RW:
                mine, met = text, r2 >= 0.98
            else:
                row("cost linear in spec size (CPU above the wrapper, 0.6k–5k env entries, "
                    "125–1000 mounts)", mine, text, met)
        if not compare:
            row("cost linear in spec size (CPU above the wrapper, 0.6k–5k env entries, "
                "125–1000 mounts)", mine, "", met)

    # Pass-through calls and exec: runwarden's own cost (delegate /bin/true), then against runc
    for prefix, how in (("inproc-", "own cost, delegate /bin/true"),
                        ("pt-", "delegate runc, a running container")):
        for call in ("state", "start", "kill", "delete", "exec"):
            case = load(out, prefix + call)
            if case is None:
                continue
            mine = above(case, RW, "exec-only wrapper")
            theirs = above(case, RWX, "exec-only wrapper") if compare else None
            row("%s under 0.3 ms above an exec-only wrapper (%s)" % (call, how), fmt_above(mine),
                fmt_above(theirs) if compare else "", mine[0] < 0.3)

    # Peak RSS
    rss = [r for r in tsv(out, "rss.tsv") if not r[0].startswith("exec-only")]
    if rss:
        worst = max(rss, key=lambda r: int(r[1]))
        theirs = ""
        if compare and all(len(r) > 2 and r[2] for r in rss):
            w2 = max(rss, key=lambda r: int(r[2]))
            theirs = "%s KiB (%s)" % (w2[2], w2[0])
        row("peak RSS under 4 MB (every call measured)", "%s KiB (%s)" % (worst[1], worst[0]),
            theirs, int(worst[1]) < 4096)
        real = [r for r in rss if r[0] in ("create docker-default", "state (read-only)",
                                           "kill (decision log)", "exec --process")]
        if real:
            w = max(real, key=lambda r: int(r[1]))
            row("peak RSS under 4 MB (engine specs and calls, without the synthetic ones)",
                "%s KiB (%s)" % (w[1], w[0]), "", int(w[1]) < 4096)

    case = load(out, "docker")
    if case is not None:
        v = case["variants"]
        mine = v["--runtime runwarden"]
        theirs = v.get("--runtime runwarden (--compare)")
        row("docker run --rm IMAGE true: runwarden against runc (no target of its own)",
            "%.3f (%+.1f ms)" % (mine["ratio"], mine["diff"]),
            "%.3f (%+.1f ms)" % (theirs["ratio"], theirs["diff"]) if theirs else "", None)

    print("\n## Against the targets (this run)\n")
    if compare:
        print("| target | this build | --compare build | met (this build) |")
        print("| --- | --- | --- | --- |")
        for r in rows:
            print("| %s | %s | %s | %s |" % r)
    else:
        print("| target | measured | met |")
        print("| --- | --- | --- |")
        for r in rows:
            print("| %s | %s | %s |" % (r[0], r[1], r[3]))


if __name__ == "__main__":
    main()
