#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Interleaved benchmark runner for runwarden.

hyperfine runs all rounds of one command before the next, so a drift of the machine (another
build, page cache, CPU frequency) lands on one side of a comparison. This runner interleaves:
every round runs each variant once, in an order that rotates from round to round, and reports
medians, the ratio of medians against the baseline variant and the median of the per-round
differences (which cancels drift that is slower than one round).

A case file (JSON) describes one comparison:

  {"name": "...", "baseline": "runc", "rounds": 60, "warmup": 3,
   "variants": [
     {"name": "runc",
      "restore": [["SRC", "DST"], ...],   # files copied before every round, untimed
      "prepare": [[ARGV...], ...],         # commands run before every round, untimed
      "steps":   [[ARGV...], ...],         # the timed commands, run one after the other
      "cleanup": [[ARGV...], ...],         # commands run after every round, untimed
      "status":  0}],                      # the exit status every step must have (default 0)
   "size": 1234, "outcome": "rewritten"}   # optional, copied to the JSON output

Commands get stdin and stdout from /dev/null; their stderr is kept and shown when a status is
not the expected one, which stops the run (a benchmark of a failing command measures nothing).
Timing uses posix_spawn and wait4: wall time around the steps and CPU time (user + system) from
the kernel's rusage of each step. (Not the peak RSS: posix_spawn's child shares the runner's
memory until its exec, so ru_maxrss would be the runner's; bench/run.sh measures it with GNU
time.)

Usage: runner.py CASE.json [--rounds N] [--warmup N] [--json OUT.json]
Prints one Markdown table; --json also writes every sample.
"""
import argparse
import json
import os
import shutil
import statistics
import sys
import tempfile
import time


def spawn(argv, err_fd):
    fa = [
        (os.POSIX_SPAWN_OPEN, 0, "/dev/null", os.O_RDONLY, 0),
        (os.POSIX_SPAWN_OPEN, 1, "/dev/null", os.O_WRONLY, 0),
        (os.POSIX_SPAWN_DUP2, err_fd, 2),
    ]
    return os.posix_spawnp(argv[0], argv, os.environ, file_actions=fa)


def run_untimed(argv):
    with tempfile.TemporaryFile() as err:
        pid = spawn(argv, err.fileno())
        _, status = os.waitpid(pid, 0)
        code = os.waitstatus_to_exitcode(status)
        if code != 0:
            err.seek(0)
            sys.exit("runner: untimed command failed (%d): %s\n%s" %
                     (code, " ".join(argv), err.read().decode(errors="replace")))


def run_round(variant):
    for src, dst in variant.get("restore", []):
        shutil.copyfile(src, dst)
    for argv in variant.get("prepare", []):
        run_untimed(argv)
    expected = variant.get("status", 0)
    wall = cpu = 0.0
    with tempfile.TemporaryFile() as err:
        for argv in variant["steps"]:
            err.seek(0)
            err.truncate()
            t0 = time.perf_counter_ns()
            pid = spawn(argv, err.fileno())
            _, status, ru = os.wait4(pid, 0)
            t1 = time.perf_counter_ns()
            code = os.waitstatus_to_exitcode(status)
            if code != expected:
                err.seek(0)
                sys.exit("runner: %s: exit status %d, expected %d: %s\n%s" %
                         (variant["name"], code, expected, " ".join(argv),
                          err.read().decode(errors="replace")))
            wall += (t1 - t0) / 1e6
            cpu += (ru.ru_utime + ru.ru_stime) * 1e3
    for argv in variant.get("cleanup", []):
        run_untimed(argv)
    return wall, cpu


def quantile(xs, q):
    xs = sorted(xs)
    if len(xs) == 1:
        return xs[0]
    pos = q * (len(xs) - 1)
    lo = int(pos)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("case")
    ap.add_argument("--rounds", type=int)
    ap.add_argument("--warmup", type=int)
    ap.add_argument("--json")
    args = ap.parse_args()
    with open(args.case) as f:
        case = json.load(f)
    variants = case["variants"]
    rounds = args.rounds or case.get("rounds", 30)
    warmup = args.warmup if args.warmup is not None else case.get("warmup", 3)
    base = case.get("baseline", variants[0]["name"])
    samples = {v["name"]: {"wall": [], "cpu": []} for v in variants}

    n = len(variants)
    for i in range(warmup + rounds):
        # Rotate the order, and reverse it every other round: A B, B A, ... so that neither side
        # always runs first after the other's cleanup.
        order = variants[i % n:] + variants[:i % n]
        if (i // n) % 2:
            order = list(reversed(order))
        for v in order:
            w, c = run_round(v)
            if i >= warmup:
                s = samples[v["name"]]
                s["wall"].append(w)
                s["cpu"].append(c)

    bmed = statistics.median(samples[base]["wall"])
    print("\n#### %s\n" % case["name"])
    if case.get("description"):
        print(case["description"] + "\n")
    print("%d rounds (+%d warm-up), interleaved; times in ms; ratio and difference against %s\n"
          % (rounds, warmup, base))
    print("| variant | median | p10 | p90 | ratio | median diff | CPU median |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    out = {"name": case["name"], "rounds": rounds, "baseline": base, "variants": {}}
    # what the case says about itself (size of the spec, the outcome runwarden gave it)
    for key in ("size", "outcome"):
        if key in case:
            out[key] = case[key]
    for v in variants:
        s = samples[v["name"]]
        med = statistics.median(s["wall"])
        diffs = [a - b for a, b in zip(s["wall"], samples[base]["wall"])]
        dmed = statistics.median(diffs)
        row = {
            "median": med, "p10": quantile(s["wall"], 0.1), "p90": quantile(s["wall"], 0.9),
            "ratio": med / bmed if bmed else float("nan"), "diff": dmed,
            "cpu": statistics.median(s["cpu"]), "samples": s,
        }
        out["variants"][v["name"]] = row
        print("| %s | %.3f | %.3f | %.3f | %.3f | %+.3f | %.3f |" %
              (v["name"], med, row["p10"], row["p90"], row["ratio"], dmed, row["cpu"]))
    sys.stdout.flush()
    if args.json:
        with open(args.json, "w") as f:
            json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
