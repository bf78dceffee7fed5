#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# A five-minute look at runwarden: install the dependencies, build, then run a CI-job-like
# container through runwarden → runc and show what runwarden changed in its spec, what the job
# could not do, and a spec that runwarden refuses. Run as root: tools/demo.sh
#
#   RW_BUILD_DIR    build directory (default: build)
#   RW_SKIP_DEPS=1  do not check or install packages
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
. tools/deps.sh

build=${RW_BUILD_DIR:-build}

header()
{
        echo
        echo "======================================================================"
        echo "  $*"
        echo "======================================================================"
}

[ "$(id -u)" = 0 ] || { echo "FATAL: the demo runs containers: run it as root" >&2; exit 1; }

header "1. Dependencies and build"
if [ "${RW_SKIP_DEPS:-0}" != 1 ]; then
        rw_install_deps
fi
if [ -f "$build/build.ninja" ]; then
        echo "using the existing build directory $build"
else
        meson setup "$build" >/dev/null
fi
ninja -C "$build" >/dev/null
echo "built $build/shim/runwarden and $build/tests/integration/probe"

export RW_SOURCE_ROOT=$root
export RW_BUILD_ROOT=$root/$build
. tests/integration/lib.sh
rw_init
trap rw_cleanup EXIT
trap 'exit 143' TERM INT

# A spec as an engine would hand it over for a careless CI job: runc spec's defaults plus the
# capabilities of `docker run --privileged`-style jobs and the engine's socket.
bundle=$RW_TMP/job
rw_make_bundle "$bundle" /probe all
mkdir -p "$RW_TMP/engine"
"$RW_PROBE" mksock "$RW_TMP/engine/docker.sock"
rw_add_bind "$bundle" "$RW_TMP/engine/docker.sock" /var/run/docker.sock
rw_spec "$bundle" '.process.capabilities |= with_entries(.value += ["CAP_SYS_ADMIN",
        "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_SYS_PTRACE", "CAP_DAC_OVERRIDE"])
        | .process.noNewPrivileges = false'
cp "$bundle/config.json" "$RW_TMP/config.orig.json"

summary()
{
        jq -r 'def pad(n): if length >= n then . + " " else . + (" " * (n - length)) end;
          "  capabilities (effective): \(.process.capabilities.effective // [] | join(" "))",
          "  noNewPrivileges:          \(.process.noNewPrivileges // false)",
          "  root.readonly:            \(.root.readonly // false)",
          "  seccomp:                  \(if .linux.seccomp then "\(.linux.seccomp.defaultAction), \(.linux.seccomp.syscalls // [] | map(.names | length) | add // 0) syscalls listed" else "none" end)",
          "  pids limit:               \(.linux.resources.pids.limit // "none")",
          "  namespaces:               \(.linux.namespaces | map(.type) | join(" "))",
          "  mounts:",
          (.mounts[] | "    \(.destination | pad(22))\(.type // "-" | pad(8))\(.source // "-" | pad(30))\((.options // []) | join(","))")
        ' "$1"
}

header "2. The job's spec as the engine wrote it"
echo "bundle: $bundle (rootfs: busybox + the probe)"
summary "$RW_TMP/config.orig.json"

header "3. runwarden --debug ... run (runwarden rewrites the spec, then execs runc)"
log=$RW_TMP/demo.log
cmd=("$RW_BIN" --debug --root "$RW_STATE" --log "$log" --log-format json
        --runtime "$RW_RUNC" --seccomp-dir "$RW_SECCOMP_DIR" --egress-hook "$RW_EGRESS_HOOK"
        run --bundle "$bundle" demo-job)
rw_note_created run demo-job
echo "\$ ${cmd[*]}"
rc=0
"${cmd[@]}" </dev/null >"$RW_TMP/probe.out" 2>"$RW_TMP/probe.err" || rc=$?
echo "exit status: $rc"
demo_status=0
if [ "$rc" -ne 0 ]; then
        sed 's/^/  stderr: /' "$RW_TMP/probe.err"
        demo_status=1
fi

header "4. What runwarden changed (its log, --debug)"
# runc appends its own debug lines to the same file; runwarden's start with "runwarden". Each
# is "changed RULE JSON-POINTER: BEFORE -> AFTER (WHY)": shown here as rule, place and why, the
# values being in the spec summaries.
jq -r 'def pad(n): if length >= n then . + " " else . + (" " * (n - length)) end;
        select(.msg | startswith("runwarden"))
        | (.msg | capture("^runwarden: (changed|would change) (?<rule>[^ ]+) (?<path>[^ ]+): .* \\((?<why>[^()]*)\\)$") // null) as $c
        | if $c then "  \($c.rule | pad(18))\($c.path | pad(34))\($c.why)"
          else "  \(.msg)" end' "$log" 2>/dev/null ||
        sed 's/^/  /' "$log"
echo
echo "The spec runc received:"
summary "$bundle/config.json"

header "5. What the job could and could not do inside (probe output)"
explain()
{
        case "$1" in
        CapEff*) echo "effective capabilities" ;;
        CapBnd*) echo "bounding set: nothing can be regained" ;;
        NoNewPrivs*) echo "setuid binaries cannot raise privileges" ;;
        Seccomp*) echo "2 = a seccomp filter is active" ;;
        "write /:"*) echo "the image is read-only" ;;
        write*) echo "scratch space (tmpfs)" ;;
        mount:*) echo "no mounting" ;;
        unshare*) echo "no new namespaces" ;;
        rawsock*) echo "no raw or packet sockets" ;;
        clone3*) echo "ENOSYS: libc falls back to clone, which the filter can inspect" ;;
        keyctl* | bpf*) echo "kernel attack surface closed" ;;
        setuid*) echo "root in the container cannot switch users" ;;
        fork* | thread*) echo "ordinary jobs still work" ;;
        ls-sockets*) echo "no engine socket to escape through" ;;
        *) echo "" ;;
        esac
}
while IFS= read -r line; do
        note=$(explain "$line")
        if [ -n "$note" ]; then
                printf '  %-44s  # %s\n' "$line" "$note"
        else
                printf '  %s\n' "$line"
        fi
done <"$RW_TMP/probe.out"

header "6. A spec runwarden refuses: a bind mount of the host's /"
bad=$RW_TMP/refused
rw_make_bundle "$bad" true
rw_add_bind "$bad" / /host '["rbind","ro"]'
before=$(rw_sha256 "$bad/config.json")
log2=$RW_TMP/refused.log
rc=0
"$RW_BIN" --root "$RW_STATE" --log "$log2" --log-format json --runtime "$RW_RUNC" \
        --seccomp-dir "$RW_SECCOMP_DIR" --egress-hook "$RW_EGRESS_HOOK" run --bundle "$bad" demo-refused \
        </dev/null >"$RW_TMP/refused.out" 2>"$RW_TMP/refused.err" || rc=$?
if [ "$rc" -eq 1 ]; then
        echo "exit status: 1 (runc was not started)"
else
        echo "exit status: $rc (expected 1: this is a bug)"
        demo_status=1
fi
echo "stderr:"
sed 's/^/  /' "$RW_TMP/refused.err"
echo "the line an engine shows its user (from --log):"
sed 's/^/  /' "$log2"
if [ "$before" = "$(rw_sha256 "$bad/config.json")" ]; then
        echo "config.json: unchanged (sha256 $before)"
else
        echo "config.json: CHANGED (this is a bug)"
        demo_status=1
fi
echo
echo "More: tools/test.sh runs the whole test suite, including docker end to end."
exit "$demo_status"
