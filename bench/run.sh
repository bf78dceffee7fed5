#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# runwarden's benchmarks, always against plain runc (or an exec-only wrapper) in the same,
# interleaved run. Results (Markdown tables) on stdout and in OUT/results.md, ending with the
# issue's targets; every sample in OUT/*.json. Run as root after a build (tools/demo.sh, or
# meson setup build -Dintegration_tests=true && ninja -C build):
#
#   bench/run.sh [--quick | --smoke] [--only SECTIONS] [--out DIR] [--compare BUILD_DIR]
#
#   --quick         a few rounds per comparison (minutes instead of about half an hour)
#   --smoke         two rounds of everything, no warm-up: proves the script works (the `bench`
#                   test suite runs it), measures nothing worth reading
#   --only A,B      sections: life, passthrough, inproc, instr, rss, profile, docker (default: all)
#   --out DIR       where results go (default: a new bench-results.XXXXXX in the current directory)
#   --compare DIR   also run the runwarden of build directory DIR, interleaved with this one's
#                   (before/after of a change), wherever runwarden's own cost is measured
#   RW_BUILD_DIR    the build directory holding shim/runwarden (default: build; relative to the
#                   source tree unless absolute)
#   RW_SKIP_DEPS=1  do not check or install packages
#   RW_BENCH_ROUNDS rounds of the fast comparisons (pass-through, exec, create)
#
# Everything runs in a private mount namespace (unshare -m): the bundles, runc's --root, the
# engine's directories and runwarden's /run/runwarden are tmpfs there, as on real hosts, whatever
# this machine's /run is; the decision log is on the disk, as /var/log is. The docker section
# (bench/docker.sh) starts its own containerd and dockerd beside any that run on the host, with
# the integration tests' harness (tests/integration/engines.sh), and stops them at the end.
set -euo pipefail
# (a pipe is never cut short with head: under pipefail its writer would die of SIGPIPE)

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

mode=full
compare=
only=life,passthrough,inproc,instr,rss,profile,docker
out=
while [ $# -gt 0 ]; do
        case "$1" in
        --quick) mode=quick ;;
        --smoke) mode=smoke ;;
        --only) only=$2; shift ;;
        --only=*) only=${1#--only=} ;;
        --out) out=$2; shift ;;
        --out=*) out=${1#--out=} ;;
        --compare) compare=$2; shift ;;
        --compare=*) compare=${1#--compare=} ;;
        -h | --help) sed -n '3,21p' "$0"; exit 0 ;;
        *) echo "bench/run.sh: unknown argument $1" >&2; exit 2 ;;
        esac
        shift
done
for s in ${only//,/ }; do
        case $s in
        life | passthrough | inproc | instr | rss | profile | docker) ;;
        *) echo "bench/run.sh: unknown section $s" >&2; exit 2 ;;
        esac
done

[ "$(id -u)" = 0 ] || { echo "FATAL: the benchmarks run containers: run as root" >&2; exit 1; }

if [ -z "$out" ]; then
        out=$(mktemp -d "$PWD/bench-results.XXXXXX")
fi
mkdir -p "$out"
out=$(cd "$out" && pwd)

if [ "${RW_BENCH_IN_NS:-}" != 1 ]; then
        if [ "${RW_SKIP_DEPS:-0}" != 1 ]; then
                # shellcheck source=tools/deps.sh
                . tools/deps.sh
                rw_install_deps
        fi
        args=(--only "$only" --out "$out")
        [ "$mode" = full ] || args+=("--$mode")
        [ -n "$compare" ] && args+=(--compare "$(cd "$compare" && pwd)")
        RW_BENCH_IN_NS=1 exec unshare --mount --propagation private "$0" "${args[@]}"
fi

has()
{
        case ",$only," in *",$1,"*) return 0 ;; esac
        return 1
}

fatal()
{
        echo "FATAL: $*" >&2
        exit 1
}

for cmd in python3 jq cc busybox runc unshare /usr/bin/time; do
        command -v "$cmd" >/dev/null || fatal "$cmd is not installed (tools/deps.sh lists it)"
done
if has instr || has profile; then
        for cmd in valgrind callgrind_annotate perf; do
                command -v "$cmd" >/dev/null || fatal "$cmd is not installed (tools/deps.sh lists it)"
        done
fi
case ${RW_BUILD_DIR:-build} in
/*) build=${RW_BUILD_DIR} ;;
*) build=$root/${RW_BUILD_DIR:-build} ;;
esac
build=$(cd "$build" 2>/dev/null && pwd) ||
        fatal "no build directory ${RW_BUILD_DIR:-build}: run tools/demo.sh (or meson setup build && ninja -C build) first"
RW=$build/shim/runwarden
[ -x "$RW" ] || fatal "no runwarden at $RW: run tools/demo.sh (or meson setup build && ninja -C build) first"
RUNC=$(readlink -f "$(command -v runc)")
BUSYBOX=$(command -v busybox)
SECCOMP_DIR=$root/seccomp-profiles
FIXTURES=$root/tests/fixtures/engines
BENCH=$root/bench

case $mode in
full) R_LIFE=60 R_FAST=200 R_DOCKER=30 WARM=5 PROFILE_N=1000 ;;
quick) R_LIFE=8 R_FAST=30 R_DOCKER=5 WARM=2 PROFILE_N=100 ;;
smoke) R_LIFE=2 R_FAST=2 R_DOCKER=2 WARM=0 PROFILE_N=5 ;;
esac
# RW_BENCH_ROUNDS overrides the rounds of the fast comparisons (pass-through, exec, create).
R_FAST=${RW_BENCH_ROUNDS:-$R_FAST}

# --- Scratch: disk for the decision log, tmpfs for what engines keep in /run -------------------
S=$(mktemp -d /var/tmp/rw-bench.XXXXXX)
T=$S/tmpfs
mkdir -p "$T" /run/runwarden
mount -t tmpfs -o mode=0755 rw-bench "$T"
# runwarden's state and seccomp cache directories are compiled in (/run/runwarden): a tmpfs of
# this namespace's own, owned by root and 0755 as runwarden requires.
mount -t tmpfs -o mode=0755 rw-bench-run /run/runwarden

cleanup()
{
        set +e
        local id
        for id in $(runc --root "$T/runc" list -q 2>/dev/null); do
                runc --root "$T/runc" delete --force "$id" >/dev/null 2>&1
        done
        umount -R "$T" 2>/dev/null
        umount /run/runwarden 2>/dev/null
        rm -rf "$S"
        # the cgroups runc made for the benchmark's containers
        rmdir /sys/fs/cgroup/*/rwbench/* /sys/fs/cgroup/*/rwbench /sys/fs/cgroup/rwbench/* \
                /sys/fs/cgroup/rwbench 2>/dev/null
}
trap cleanup EXIT
trap 'exit 143' TERM INT

mkdir -p "$T/runc" "$T/bundles" "$T/engine" "$S/log"
RUNC_ROOT=$T/runc
AUDIT=$S/log/audit.jsonl
POLICY=$S/policy.json
python3 "$BENCH/specs.py" policy "$root/deploy/policy/policy.json" "$T/engine" "$AUDIT" "$POLICY"

cc -O2 -Wall -Wextra -Werror -DRW_BENCH_DELEGATE="\"$RUNC\"" "$BENCH/execwrap.c" -o "$S/wrap-runc"
cc -O2 -Wall -Wextra -Werror -DRW_BENCH_DELEGATE='"/bin/true"' "$BENCH/execwrap.c" -o "$S/wrap-true"

# A busybox rootfs with the applets as links; every bundle gets a hard-linked copy (runwarden
# accepts only the bundle's own rootfs, or the engine's layer for the container).
ROOTFS=$T/rootfs
mkdir -p "$ROOTFS"/{bin,etc,proc,sys,dev,tmp,var/tmp,run,root}
cp "$BUSYBOX" "$ROOTFS/bin/busybox"
for a in $("$BUSYBOX" --list); do [ "$a" = busybox ] || ln -sf busybox "$ROOTFS/bin/$a"; done
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$ROOTFS/etc/passwd"
printf 'root:x:0:\n' >"$ROOTFS/etc/group"

shared_libs()
{
        local n
        n=$(ldd "$1" 2>/dev/null | grep -c '=>') || true
        echo "${n:-0}"
}

{
        echo "# runwarden benchmarks"
        echo
        echo "- command: bench/run.sh $([ "$mode" = full ] || echo "--$mode ")--only $only"
        echo "- commit: $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)$(git -C "$root" diff --quiet HEAD 2>/dev/null || echo ' (modified)')"
        echo "- machine: $(nproc) CPUs ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')), $(free -g | awk '/Mem:/ {print $2}') GiB, kernel $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg)"
        echo "- runc: $("$RUNC" --version | sed -n 1p), busybox rootfs, bundles on tmpfs"
        echo "- runwarden: $RW ($(shared_libs "$RW") shared libraries)"
} >"$out/results.md"

# RWC: runwarden with the global flags an engine passes and those an operator configures.
RWC=("$RW" --policy "$POLICY" --seccomp-dir "$SECCOMP_DIR")
# RWX: the same for the runwarden of --compare (see cmp_variant).
RWX=()
if [ -n "$compare" ]; then
        [ -x "$compare/shim/runwarden" ] || fatal "no runwarden in $compare/shim"
        RWX=("$compare/shim/runwarden" --policy "$POLICY" --seccomp-dir "$SECCOMP_DIR")
        echo "- compared with: $compare/shim/runwarden ($(shared_libs "$compare/shim/runwarden") shared libraries)" >>"$out/results.md"
fi
cat "$out/results.md"

q()
{
        python3 -c 'import json, sys; print(json.dumps(sys.argv[1:]))' "$@"
}

# cmp_variant RESTORE_JSON STATUS PREPARE_JSON CLEANUP_JSON ARG...: ',{variant}' running the
# --compare runwarden with ARG... (after its policy flags), or nothing without --compare.
cmp_variant()
{
        local restore=$1 status=$2 prepare=$3 clean=$4
        shift 4
        [ ${#RWX[@]} -gt 0 ] || return 0
        printf ',{"name": "runwarden (--compare)", "restore": %s, "status": %s, "prepare": %s, "cleanup": %s, "steps": [%s]}' \
                "$restore" "$status" "$prepare" "$clean" "$(q "${RWX[@]}" "$@")"
}

# The global flags containerd's shim passes (--root, --log, --log-format), as an array.
EF=(--root "$RUNC_ROOT" --log "$T/log.json" --log-format json)

# run_case NAME ROUNDS < CASE_JSON: one interleaved comparison (bench/runner.py).
run_case()
{
        local name=$1 rounds=$2 file=$S/case-$1.json
        cat >"$file"
        python3 "$BENCH/runner.py" "$file" --rounds "$rounds" --warmup "$WARM" \
                --json "$out/$name.json" | tee -a "$out/results.md"
}

# bundle DIR FIXTURE ID TIER ARGS_JSON: an engine spec made runnable here as container ID, with
# a rootfs of its own; DIR/config.orig.json keeps it for the rounds that rewrite config.json.
bundle()
{
        mkdir -p "$1"
        cp -al "$ROOTFS" "$1/rootfs"
        python3 "$BENCH/specs.py" adapt "$2" "$1" "$T/engine" "$3" "$4" "$5"
        cp "$1/config.json" "$1/config.orig.json"
}

# harden DIR ID TIER: DIR's spec replaced by the one runwarden hands to runc (its delegate
# /bin/true), for plain runc to run.
harden()
{
        cp "$1/config.json" "$1/config.engine.json"
        "${RWC[@]}" "${EF[@]}" --runtime /bin/true --tier "$3" create --bundle "$1" "$2" \
                </dev/null >/dev/null || fatal "runwarden refused the benchmark's spec in $1"
        cp "$1/config.json" "$1/config.orig.json"
}

# harden_again DIR ID TIER: the untimed preparation of each round of "runc, hardened spec": the
# hardened spec holds runwarden's egress hook, which takes the rules runwarden's create prepared
# for that container once, so every round gets a create of its own (delegate /bin/true).
harden_again()
{
        printf '[%s, %s]' "$(q cp "$1/config.engine.json" "$1/config.json")" \
                "$(q "${RWC[@]}" "${EF[@]}" --runtime /bin/true --tier "$3" create --bundle "$1" "$2")"
}

# --- 1. A container's whole life, per tier ---------------------------------------------------
if has life; then
        echo; echo "## Container life (run; create, start, delete) per tier" | tee -a "$out/results.md"
        for tier in $(jq -r '.tiers | keys_unsorted[]' "$root/deploy/policy/policy.json"); do
                d=$T/bundles/life-$tier
                bundle "$d/a" "$FIXTURES/docker-default.json" "rwb-$tier-a" "$tier" '["true"]'
                bundle "$d/b" "$FIXTURES/docker-default.json" "rwb-$tier-b" "$tier" '["true"]'
                harden "$d/b" "rwb-$tier-b" "$tier"
                bundle "$d/c" "$FIXTURES/docker-default.json" "rwb-$tier-c" "$tier" '["true"]'
                rwl=("${RWC[@]}" --runtime "$RUNC" --tier "$tier" "${EF[@]}")
                # the --compare runwarden, when there is one, on a bundle of its own
                life_x=
                csd_x=
                if [ ${#RWX[@]} -gt 0 ]; then
                        bundle "$d/x" "$FIXTURES/docker-default.json" "rwb-$tier-x" "$tier" '["true"]'
                        rwx=("${RWX[@]}" --runtime "$RUNC" --tier "$tier" "${EF[@]}")
                        life_x=",{\"name\": \"runwarden (--compare) → runc\", \"restore\": [[\"$d/x/config.orig.json\", \"$d/x/config.json\"]], \"steps\": [$(q "${rwx[@]}" run --bundle "$d/x" "rwb-$tier-x")]}"
                        csd_x=",{\"name\": \"runwarden (--compare) → runc\", \"restore\": [[\"$d/x/config.orig.json\", \"$d/x/config.json\"]], \"steps\": [$(q "${rwx[@]}" create --bundle "$d/x" "rwb-$tier-x"), $(q "${rwx[@]}" start "rwb-$tier-x"), $(q "${rwx[@]}" delete --force "rwb-$tier-x")]}"
                fi
                run_case "life-run-$tier" "$R_LIFE" <<EOF
{"name": "run, tier $tier: docker's spec", "baseline": "runc",
 "description": "runc run of the engine's spec; runc run of the spec runwarden makes of it; runwarden → runc run of the engine's spec",
 "variants": [
  {"name": "runc", "steps": [$(q "$RUNC" "${EF[@]}" run --bundle "$d/a" "rwb-$tier-a")]},
  {"name": "runc, hardened spec", "prepare": $(harden_again "$d/b" "rwb-$tier-b" "$tier"),
   "steps": [$(q "$RUNC" "${EF[@]}" run --bundle "$d/b" "rwb-$tier-b")]},
  {"name": "runwarden → runc", "restore": [["$d/c/config.orig.json", "$d/c/config.json"]],
   "steps": [$(q "${rwl[@]}" run --bundle "$d/c" "rwb-$tier-c")]}$life_x]}
EOF
                run_case "life-csd-$tier" "$R_LIFE" <<EOF
{"name": "create + start + delete, tier $tier", "baseline": "runc",
 "variants": [
  {"name": "runc", "steps": [$(q "$RUNC" "${EF[@]}" create --bundle "$d/a" "rwb-$tier-a"),
    $(q "$RUNC" "${EF[@]}" start "rwb-$tier-a"), $(q "$RUNC" "${EF[@]}" delete --force "rwb-$tier-a")]},
  {"name": "runc, hardened spec", "prepare": $(harden_again "$d/b" "rwb-$tier-b" "$tier"),
   "steps": [$(q "$RUNC" "${EF[@]}" create --bundle "$d/b" "rwb-$tier-b"),
    $(q "$RUNC" "${EF[@]}" start "rwb-$tier-b"), $(q "$RUNC" "${EF[@]}" delete --force "rwb-$tier-b")]},
  {"name": "runwarden → runc", "restore": [["$d/c/config.orig.json", "$d/c/config.json"]],
   "steps": [$(q "${rwl[@]}" create --bundle "$d/c" "rwb-$tier-c"),
    $(q "${rwl[@]}" start "rwb-$tier-c"),
    $(q "${rwl[@]}" delete --force "rwb-$tier-c")]}$csd_x]}
EOF
        done
fi

# --- 2. Pass-through calls and exec, against an exec-only wrapper -----------------------------
if has passthrough; then
        echo; echo "## Pass-through calls and exec (runwarden vs an exec-only wrapper, both → runc)" |
                tee -a "$out/results.md"
        d=$T/bundles/pt
        bundle "$d/sleep" "$FIXTURES/docker-default.json" rwb-sleep untrusted '["sleep","1000000"]'
        bundle "$d/start" "$FIXTURES/docker-default.json" rwb-start untrusted '["true"]'
        bundle "$d/del" "$FIXTURES/docker-default.json" rwb-del untrusted '["true"]'
        # The containers are created through runwarden, which records their tier, as an engine
        # that uses runwarden does.
        "${RWC[@]}" --runtime "$RUNC" "${EF[@]}" create --bundle "$d/sleep" rwb-sleep </dev/null \
                >/dev/null
        "$RUNC" "${EF[@]}" start rwb-sleep
        # containerd's shim writes the --process file to the host's /tmp (a disk on Debian 12):
        # here it is on the disk too.
        python3 "$BENCH/specs.py" process "$d/sleep/config.json" "$S/process.orig.json"
        cp "$S/process.orig.json" "$S/process.json"
        rwp=("${RWC[@]}" --runtime "$RUNC" "${EF[@]}")
        for call in state kill; do
                case $call in
                state) cargs=(state rwb-sleep) ;;
                kill) cargs=(kill rwb-sleep CONT) ;;
                esac
                run_case "pt-$call" "$R_FAST" <<EOF
{"name": "$call", "baseline": "exec-only wrapper",
 "variants": [
  {"name": "runc", "steps": [$(q "$RUNC" "${EF[@]}" "${cargs[@]}")]},
  {"name": "exec-only wrapper", "steps": [$(q "$S/wrap-runc" "${EF[@]}" "${cargs[@]}")]},
  {"name": "runwarden", "steps": [$(q "${rwp[@]}" "${cargs[@]}")]}$(cmp_variant '[]' 0 '[]' '[]' --runtime "$RUNC" "${EF[@]}" "${cargs[@]}")]}
EOF
        done
        # start and delete of a container created (untimed) through runwarden
        for call in start delete; do
                case $call in
                start) id=rwb-start cargs=(start rwb-start) clean=$(q "$RUNC" "${EF[@]}" delete --force rwb-start) ;;
                delete) id=rwb-del cargs=(delete rwb-del) clean= ;;
                esac
                restore="[[\"$d/$([ $call = start ] && echo start || echo del)/config.orig.json\", \"$d/$([ $call = start ] && echo start || echo del)/config.json\"]]"
                prep="[$(q "${rwp[@]}" create --bundle "$d/$([ $call = start ] && echo start || echo del)" "$id")]"
                run_case "pt-$call" "$R_FAST" <<EOF
{"name": "$call (of a container created through runwarden)", "baseline": "exec-only wrapper",
 "variants": [
  {"name": "runc", "restore": $restore, "prepare": $prep, "cleanup": [$clean],
   "steps": [$(q "$RUNC" "${EF[@]}" "${cargs[@]}")]},
  {"name": "exec-only wrapper", "restore": $restore, "prepare": $prep, "cleanup": [$clean],
   "steps": [$(q "$S/wrap-runc" "${EF[@]}" "${cargs[@]}")]},
  {"name": "runwarden", "restore": $restore, "prepare": $prep, "cleanup": [$clean],
   "steps": [$(q "${rwp[@]}" "${cargs[@]}")]}$(cmp_variant "$restore" 0 "$prep" "[$clean]" --runtime "$RUNC" "${EF[@]}" "${cargs[@]}")]}
EOF
        done
        restore="[[\"$S/process.orig.json\", \"$S/process.json\"]]"
        run_case pt-exec "$R_FAST" <<EOF
{"name": "exec --process FILE (docker exec's form)", "baseline": "exec-only wrapper",
 "variants": [
  {"name": "runc", "restore": $restore,
   "steps": [$(q "$RUNC" "${EF[@]}" exec --process "$S/process.json" rwb-sleep)]},
  {"name": "exec-only wrapper", "restore": $restore,
   "steps": [$(q "$S/wrap-runc" "${EF[@]}" exec --process "$S/process.json" rwb-sleep)]},
  {"name": "runwarden", "restore": $restore,
   "steps": [$(q "${rwp[@]}" exec --process "$S/process.json" rwb-sleep)]}$(cmp_variant "$restore" 0 '[]' '[]' --runtime "$RUNC" "${EF[@]}" exec --process "$S/process.json" rwb-sleep)]}
EOF
        "$RUNC" "${EF[@]}" delete --force rwb-sleep
fi

# --- 3. runwarden's own work: create on every fixture and on synthetic specs ------------------
# The delegate is /bin/true: the difference to an exec-only wrapper of /bin/true is everything
# runwarden does before its execv().
inproc_bundles=()
make_inproc_bundles()
{
        local f name
        for f in "$FIXTURES"/*.json; do
                name=$(basename "$f" .json)
                case $name in docker-exec-process-*) continue ;; esac
                bundle "$T/bundles/in-$name" "$f" "rwb-in-$name" untrusted -
                inproc_bundles+=("$name")
        done
        # docker's spec grown to 128 KB, and a series up to 5,000 env entries and 1,000 mounts
        # (is the cost linear in the size?)
        bundle "$T/bundles/in-synthetic-128k" "$FIXTURES/docker-default.json" \
                rwb-in-synthetic-128k untrusted -
        python3 "$BENCH/specs.py" pad "$T/bundles/in-synthetic-128k" 128
        cp "$T/bundles/in-synthetic-128k/config.json" "$T/bundles/in-synthetic-128k/config.orig.json"
        inproc_bundles+=(synthetic-128k)
        local n
        for n in 625 1250 2500 5000; do
                name=synthetic-env$n-mounts$((n / 5))
                bundle "$T/bundles/in-$name" "$FIXTURES/docker-default.json" "rwb-in-$name" \
                        untrusted -
                python3 "$BENCH/specs.py" synth "$T/bundles/in-$name" "$n" $((n / 5))
                cp "$T/bundles/in-$name/config.json" "$T/bundles/in-$name/config.orig.json"
                inproc_bundles+=("$name")
        done
}

if has inproc || has instr || has rss || has profile; then
        make_inproc_bundles
fi

if has inproc; then
        echo; echo "## runwarden's own create (delegate /bin/true; baseline: exec-only wrapper of /bin/true)" |
                tee -a "$out/results.md"
        for name in "${inproc_bundles[@]}"; do
                d=$T/bundles/in-$name
                id=rwb-in-$name
                size=$(stat -c %s "$d/config.orig.json")
                # A refusal (exit status 1) is work too: the status each fixture gets is recorded.
                cp "$d/config.orig.json" "$d/config.json"
                st=0
                "${RWC[@]}" "${EF[@]}" --runtime /bin/true create --bundle "$d" "$id" </dev/null \
                        >/dev/null 2>"$S/status.err" || st=$?
                outcome=$(tail -n1 "$AUDIT" | jq -r .outcome)
                restore="[[\"$d/config.orig.json\", \"$d/config.json\"]]"
                run_case "inproc-$name" "$R_FAST" <<EOF
{"name": "create: $name ($size bytes, outcome $outcome)", "baseline": "exec-only wrapper",
 "size": $size, "outcome": "$outcome",
 "variants": [
  {"name": "exec-only wrapper", "restore": $restore,
   "steps": [$(q "$S/wrap-true" "${EF[@]}" create --bundle "$d" "$id")]},
  {"name": "runwarden", "restore": $restore, "status": $st,
   "steps": [$(q "${RWC[@]}" "${EF[@]}" --runtime /bin/true create --bundle "$d" "$id")]}$(cmp_variant "$restore" "$st" '[]' '[]' "${EF[@]}" --runtime /bin/true create --bundle "$d" "$id")]}
EOF
        done
        # The first create of a tier's profile after a boot: an empty seccomp cache, the profile
        # converted, checked and compiled by libseccomp. A case of its own: a variant that empties
        # the cache would make the next variant of its round pay for it too.
        d=$T/bundles/in-docker-default
        restore="[[\"$d/config.orig.json\", \"$d/config.json\"]]"
        empty="[$(q rm -rf /run/runwarden/seccomp-cache)]"
        run_case inproc-cold-seccomp "$R_FAST" <<EOF
{"name": "create: docker-default with an empty seccomp cache", "baseline": "exec-only wrapper",
 "variants": [
  {"name": "exec-only wrapper", "restore": $restore, "prepare": $empty,
   "steps": [$(q "$S/wrap-true" "${EF[@]}" create --bundle "$d" rwb-in-docker-default)]},
  {"name": "runwarden", "restore": $restore, "prepare": $empty,
   "steps": [$(q "${RWC[@]}" "${EF[@]}" --runtime /bin/true create --bundle "$d" rwb-in-docker-default)]}$(cmp_variant "$restore" 0 "$empty" '[]' "${EF[@]}" --runtime /bin/true create --bundle "$d" rwb-in-docker-default)]}
EOF
        # The calls after a create, into a container runwarden created (its record holds its
        # tier): runwarden's own cost of each, without runc's. delete forgets the record, which
        # an untimed create puts back before every round.
        d=$T/bundles/in-docker-default
        restore="[[\"$d/config.orig.json\", \"$d/config.json\"]]"
        # from the engine's spec: one that another runwarden rewrote names that one's egress hook
        recreate="[$(q cp "$d/config.orig.json" "$d/config.json"), $(q "${RWC[@]}" "${EF[@]}" --runtime /bin/true create --bundle "$d" rwb-in-docker-default)]"
        # The --compare runwarden gets a record of its own create: a record another build wrote is
        # one it must not decide from (the build ID is part of the record's policy stamp).
        recreate_x='[]'
        [ ${#RWX[@]} -eq 0 ] ||
                recreate_x="[$(q cp "$d/config.orig.json" "$d/config.json"), $(q "${RWX[@]}" "${EF[@]}" --runtime /bin/true create --bundle "$d" rwb-in-docker-default)]"
        "${RWC[@]}" "${EF[@]}" --runtime /bin/true create --bundle "$d" rwb-in-docker-default \
                </dev/null >/dev/null
        # No runc state of it under --root: an exec is compared with the container's process as
        # its record holds it (and a state directory would make every create of the id a
        # refusal: runc has that container already).
        python3 "$BENCH/specs.py" process "$d/config.orig.json" "$S/own-process.json"
        jq -c 'del(.user.additionalGids)' "$S/own-process.json" >"$S/own-process.orig.json"
        for call in state start kill exec delete; do
                prep='[]' res='[]'
                case $call in
                state | start) cargs=("$call" rwb-in-docker-default) ;;
                kill) cargs=(kill rwb-in-docker-default KILL) ;;
                delete) cargs=(delete rwb-in-docker-default) prep=$recreate res=$restore ;;
                exec)
                        cargs=(exec --process "$S/own-process.json" rwb-in-docker-default)
                        res="[[\"$S/own-process.orig.json\", \"$S/own-process.json\"]]" ;;
                esac
                # every round starts from the container's record as its create left it
                [ "$call" = delete ] || prep=$recreate
                run_case "inproc-$call" "$R_FAST" <<EOF
{"name": "$call, of a container runwarden created (delegate /bin/true)", "baseline": "exec-only wrapper",
 "variants": [
  {"name": "exec-only wrapper", "restore": $res, "prepare": $prep,
   "steps": [$(q "$S/wrap-true" "${EF[@]}" "${cargs[@]}")]},
  {"name": "runwarden", "restore": $res, "prepare": $prep,
   "steps": [$(q "${RWC[@]}" "${EF[@]}" --runtime /bin/true "${cargs[@]}")]}$(cmp_variant "$res" 0 "$recreate_x" '[]' "${EF[@]}" --runtime /bin/true "${cargs[@]}")]}
EOF
        done
        "${RWC[@]}" "${EF[@]}" --runtime /bin/true create --bundle "$d" rwb-in-docker-default \
                </dev/null >/dev/null
        # exec --process with the two captured process files (uid 1000 and --privileged: the
        # untrusted tier allows exec as the container's own user only)
        for f in "$FIXTURES"/docker-exec-process-*.json; do
                name=$(basename "$f" .json)
                cp "$f" "$S/$name.json"
                st=0
                "${RWC[@]}" "${EF[@]}" --runtime /bin/true exec --process "$S/$name.json" \
                        rwb-in-docker-default </dev/null >/dev/null 2>&1 || st=$?
                outcome=$(tail -n1 "$AUDIT" | jq -r .outcome)
                restore="[[\"$f\", \"$S/$name.json\"]]"
                run_case "inproc-$name" "$R_FAST" <<EOF
{"name": "exec --process: $name (outcome $outcome)", "baseline": "exec-only wrapper",
 "outcome": "$outcome",
 "variants": [
  {"name": "exec-only wrapper", "restore": $restore, "prepare": $recreate,
   "steps": [$(q "$S/wrap-true" "${EF[@]}" exec --process "$S/$name.json" rwb-in-docker-default)]},
  {"name": "runwarden", "restore": $restore, "status": $st, "prepare": $recreate,
   "steps": [$(q "${RWC[@]}" "${EF[@]}" --runtime /bin/true exec --process "$S/$name.json" rwb-in-docker-default)]}$(cmp_variant "$restore" "$st" "$recreate_x" '[]' "${EF[@]}" --runtime /bin/true exec --process "$S/$name.json" rwb-in-docker-default)]}
EOF
        done
fi

# --- 4. Instruction counts (callgrind): repeatable where wall time is not ---------------------
# On a shared machine wall times move with the neighbours' load; the number of instructions
# runwarden executes does not. The delegate is /bin/true and callgrind dumps its counts when
# runwarden calls execv() (--dump-before=execv): everything runwarden does, nothing of the
# delegate. Each call runs twice and the second is counted: under valgrind libseccomp sees
# another API level, so the first misses the seccomp cache.
# callgrind_run OUT ARG...: ARG... under callgrind; OUT is the profile up to execv() (or to the
# exit, for a call that does not hand off).
callgrind_run()
{
        local outfile=$1
        shift
        rm -f "$outfile" "$outfile".*
        valgrind --tool=callgrind --dump-before=execv --callgrind-out-file="$outfile" "$@" \
                </dev/null >/dev/null 2>"$S/callgrind.err" || true
        if [ -s "$outfile.1" ]; then
                mv "$outfile.1" "$outfile"
        fi
        [ -s "$outfile" ] || { grep -v '^==' "$S/callgrind.err" >&2; fatal "valgrind failed: $*"; }
}
callgrind_total()
{
        awk -F': *' '$1 == "summary" || $1 == "totals" { print $2; exit }' "$1"
}
# instr BINARY WHAT: instructions of one call (WHAT: create:FIXTURE, state, kill, start, delete,
# exec) into a container runwarden created, with a warm seccomp cache; exec-running: an exec
# into a container runc created (runwarden reads runc's state and the container's config.json).
instr()
{
        local bin=$1 what=$2 d=$T/bundles/in-docker-default process=$S/instr-own-process.json
        local -a args
        case $what in
        create:*)
                d=$T/bundles/in-${what#create:}
                args=(create --bundle "$d" "rwb-in-${what#create:}") ;;
        state | start | delete) args=("$what" rwb-in-docker-default) ;;
        kill) args=(kill rwb-in-docker-default KILL) ;;
        exec) args=(exec --process "$S/instr-process.json" rwb-in-docker-default) ;;
        exec-running)
                process=$S/instr-running-process.json
                args=(exec --process "$S/instr-process.json" rwb-exec-running) ;;
        esac
        for _ in 1 2; do
                cp "$d/config.orig.json" "$d/config.json"
                case $what in
                create:* | exec-running) ;;
                *) # the container's record, as a create by the same runwarden left it
                        "$bin" --policy "$POLICY" --seccomp-dir "$SECCOMP_DIR" "${EF[@]}" \
                                --runtime /bin/true create --bundle "$d" rwb-in-docker-default \
                                </dev/null >/dev/null ;;
                esac
                cp "$process" "$S/instr-process.json"
                callgrind_run "$S/instr.out" "$bin" --policy "$POLICY" --seccomp-dir "$SECCOMP_DIR" \
                        --runtime /bin/true "${EF[@]}" "${args[@]}"
        done
        callgrind_total "$S/instr.out"
}
if has instr; then
        {
                echo
                echo "## Instructions per call up to the hand-off (valgrind --tool=callgrind, warm seccomp cache)"
                echo
                if [ ${#RWX[@]} -gt 0 ]; then
                        echo "| call | runwarden | runwarden (--compare) | change from --compare |"
                        echo "| --- | ---: | ---: | ---: |"
                else
                        echo "| call | instructions |"
                        echo "| --- | ---: |"
                fi
        } | tee -a "$out/results.md"
        if [ "$mode" = smoke ]; then
                calls=(create:docker-default state exec-running)
        else
                calls=(create:docker-default create:containerd-ctr-default create:synthetic-128k
                        create:synthetic-env5000-mounts1000 state start kill delete exec
                        exec-running)
        fi
        # the container's own process (without additional groups, as runwarden's record holds
        # none); and a container runc created
        python3 "$BENCH/specs.py" process "$T/bundles/in-docker-default/config.orig.json" \
                "$S/instr-own-process.json.tmp"
        jq -c 'del(.user.additionalGids)' "$S/instr-own-process.json.tmp" >"$S/instr-own-process.json"
        bundle "$T/bundles/exec-running" "$FIXTURES/docker-default.json" rwb-exec-running untrusted \
                '["sleep","1000000"]'
        "${RWC[@]}" "${EF[@]}" --runtime "$RUNC" create --bundle "$T/bundles/exec-running" \
                rwb-exec-running </dev/null >/dev/null
        python3 "$BENCH/specs.py" process "$T/bundles/exec-running/config.json" \
                "$S/instr-running-process.json"
        : >"$out/instr.tsv"
        for what in "${calls[@]}"; do
                a=$(instr "$RW" "$what")
                if [ ${#RWX[@]} -gt 0 ]; then
                        b=$(instr "${RWX[0]}" "$what")
                        printf '%s\t%s\t%s\n' "$what" "$a" "$b" >>"$out/instr.tsv"
                        echo "| $what | $a | $b | $(awk -v a="$a" -v b="$b" 'BEGIN { printf "%+.1f%%", (a - b) * 100 / b }') |"
                else
                        printf '%s\t%s\n' "$what" "$a" >>"$out/instr.tsv"
                        echo "| $what | $a |"
                fi | tee -a "$out/results.md"
        done
fi

# --- 5. Peak RSS (GNU time -v) ----------------------------------------------------------------
if has rss; then
        {
                echo
                echo "## Peak RSS (/usr/bin/time -v, delegate /bin/true: the peak is runwarden's)"
                echo
                if [ ${#RWX[@]} -gt 0 ]; then
                        echo "| call | KiB | KiB (--compare) |"
                        echo "| --- | ---: | ---: |"
                else
                        echo "| call | maximum resident set size (KiB) |"
                        echo "| --- | ---: |"
                fi
        } | tee -a "$out/results.md"
        # rss_of BUNDLE_TO_RESTORE ARG...: the peak RSS of ARG... in KiB
        rss_of()
        {
                local d=$1
                shift
                [ -z "$d" ] || cp "$d/config.orig.json" "$d/config.json"
                /usr/bin/time -v -o "$S/time.txt" "$@" </dev/null >/dev/null 2>&1 || true
                awk -F': ' '/Maximum resident/ {print $2}' "$S/time.txt"
        }
        # rss LABEL BUNDLE_TO_RESTORE ARG...: ARG... after runwarden and its global flags
        rss()
        {
                local label=$1 d=$2 a b=
                shift 2
                a=$(rss_of "$d" "${RWC[@]}" "$@")
                [ ${#RWX[@]} -eq 0 ] || b=$(rss_of "$d" "${RWX[@]}" "$@")
                printf '%s\t%s\t%s\n' "$label" "$a" "$b" >>"$out/rss.tsv"
                echo "| $label | $a |${b:+ $b |}" | tee -a "$out/results.md"
        }
        : >"$out/rss.tsv"
        w=$(rss_of "" "$S/wrap-true" state x)
        printf 'exec-only wrapper of /bin/true\t%s\t\n' "$w" >>"$out/rss.tsv"
        echo "| exec-only wrapper of /bin/true | $w |$([ ${#RWX[@]} -eq 0 ] || echo " |")" |
                tee -a "$out/results.md"
        for name in docker-default synthetic-128k synthetic-env5000-mounts1000; do
                d=$T/bundles/in-$name
                rss "create $name" "$d" "${EF[@]}" --runtime /bin/true create --bundle "$d" "rwb-in-$name"
        done
        d=$T/bundles/in-docker-default
        rss "state (read-only)" "" "${EF[@]}" --runtime /bin/true state rwb-in-docker-default
        rss "kill (decision log)" "" "${EF[@]}" --runtime /bin/true kill rwb-in-docker-default KILL
        cp "$FIXTURES/docker-exec-process-user.json" "$S/rss-process.json"
        rss "exec --process" "" "${EF[@]}" --runtime /bin/true exec --process "$S/rss-process.json" rwb-in-docker-default
fi

# --- 6. Where the time goes: perf (sampling) and callgrind (instruction counts) ----------------
# profile_one LABEL BINARY: perf of PROFILE_N creates of docker's spec, and callgrind of one.
profile_one()
{
        local label=$1 bin=$2 d=$T/bundles/in-docker-default loop=$S/create-loop.sh
        cat >"$loop" <<EOF
#!/bin/sh
i=0
while [ \$i -lt $PROFILE_N ]; do
        cp "$d/config.orig.json" "$d/config.json"
        $(printf '%q ' "$bin" --policy "$POLICY" --seccomp-dir "$SECCOMP_DIR" "${EF[@]}") --runtime /bin/true create --bundle "$d" rwb-in-docker-default </dev/null >/dev/null
        i=\$((i + 1))
done
EOF
        chmod +x "$loop"
        # one create first, unsampled: the profile is of creates with a warm seccomp cache
        cp "$d/config.orig.json" "$d/config.json"
        "$bin" --policy "$POLICY" --seccomp-dir "$SECCOMP_DIR" "${EF[@]}" --runtime /bin/true \
                create --bundle "$d" rwb-in-docker-default </dev/null >/dev/null ||
                fatal "$label: the create before the profile failed"
        perf record -q -e cpu-clock -F 10000 -g -o "$S/perf.data" "$loop" >/dev/null 2>"$S/perf.err" ||
                fatal "perf cannot sample here: $(tail -n1 "$S/perf.err")"
        {
                echo
                echo "### $label"
                echo
                echo "perf record -e cpu-clock -F 10000 -g, $PROFILE_N creates; runwarden's samples only (self):"
                echo
                echo '```'
                perf report -i "$S/perf.data" --comm runwarden --no-children \
                        --percentage relative --sort dso,symbol --stdio -g none \
                        --percent-limit 0.8 2>/dev/null |
                        grep -v '^#' | grep -v '^$' | sed 's/ *$//' | sed -n 1,40p
                echo
                echo "by shared object:"
                perf report -i "$S/perf.data" --comm runwarden --no-children \
                        --percentage relative --sort dso,symbol --stdio -g none \
                        2>/dev/null | grep -v '^#' |
                        awk 'NF > 1 { sub("%", "", $1); by[$2] += $1 }
                             END { for (d in by) printf "%8.2f%%  %s\n", by[d], d }' |
                        sort -rn | sed -n 1,10p
                echo '```'
        } | tee -a "$out/results.md"
        # Twice: the first misses the seccomp cache under valgrind (see instr above).
        for _ in 1 2; do
                cp "$d/config.orig.json" "$d/config.json"
                callgrind_run "$S/callgrind.out" "$bin" --policy "$POLICY" --seccomp-dir \
                        "$SECCOMP_DIR" "${EF[@]}" --runtime /bin/true create --bundle "$d" \
                        rwb-in-docker-default
        done
        {
                echo
                echo "valgrind --tool=callgrind, one create up to its execv() (warm seccomp cache), inclusive instruction counts, $(callgrind_total "$S/callgrind.out") in all:"
                echo
                echo '```'
                # runwarden's own functions and jansson's exported ones (Debian's libraries
                # carry no symbols for their internal functions)
                callgrind_annotate --inclusive=yes "$S/callgrind.out" 2>/dev/null |
                        grep -E '^ *[0-9,]+ .*(\[/[^]]*/runwarden\]|:json_[a-z_]+ \[)' |
                        grep -v "'" | sed -E 's# \[[^]]*\]$##; s#  [^ ]*/([a-z_]+\.c:)#  \1#' |
                        sed -n 1,40p
                echo '```'
        } | tee -a "$out/results.md"
}
if has profile; then
        echo; echo "## Profile of one create (docker's spec, rewritten)" | tee -a "$out/results.md"
        profile_one "runwarden" "$RW"
        [ ${#RWX[@]} -eq 0 ] || profile_one "runwarden (--compare)" "${RWX[0]}"
fi

# --- 7. docker run through a dockerd of the benchmark's own ---------------------------------
if has docker; then
        echo; echo "## docker run --rm --network none IMAGE true (own containerd and dockerd)" |
                tee -a "$out/results.md"
        RW_SOURCE_ROOT=$root RW_BUILD_ROOT=$build RW_BENCH_OUT=$out RW_BENCH_ROUNDS=$R_DOCKER \
                RW_BENCH_WARMUP=$WARM RW_BENCH_COMPARE=$compare \
                bash "$BENCH/docker.sh" | tee -a "$out/results.md"
fi

python3 "$BENCH/summary.py" "$out" | tee -a "$out/results.md"
echo
echo "results: $out/results.md"
