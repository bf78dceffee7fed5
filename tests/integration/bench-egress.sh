#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Benchmark, not a test (meson test --benchmark egress-hook): what the egress hook adds to a
# container's creation. Results are printed; nothing is asserted.
#   1. the hook alone, installing into a namespace without runwarden's table (a pod's first
#      container), and finding the same table there (every later container of the pod);
#   2. `runc run` of a busybox `true` joined to a prepared namespace, with and without the hook.
# RW_BENCH_RUNS (default 30) sets the runs per case.
set -euo pipefail

. "$(dirname "$0")/lib.sh"
rw_init
rw_need_cmd ip

TOOL=$RW_BUILD_ROOT/tests/integration/egress-tool
HOOK=$RW_BUILD_ROOT/shim/runwarden-egress-hook
runs=${RW_BENCH_RUNS:-30}
ns=rwb$$
holder=

cleanup()
{
        set +e # everything below is attempted, whatever fails on the way
        [ -n "$holder" ] && kill "$holder" 2>/dev/null
        rw_cleanup
        ip netns del "$ns" 2>/dev/null || true
}
trap cleanup EXIT

ip netns add "$ns"
ip -n "$ns" link set lo up
ip netns exec "$ns" sleep 3600 &
holder=$!

# The rules of the integration test's deny-list tier (24 rules).
cat >"$RW_TMP/cfg.json" <<'EOF'
{ "mode": "deny-list", "private": "deny",
  "allow": [ { "cidr": "10.250.0.20/32", "proto": "tcp", "ports": 8080 } ] }
EOF
"$TOOL" build "$RW_TMP/cfg.json" --env KUBERNETES_SERVICE_HOST=10.96.0.1 \
        --env KUBERNETES_SERVICE_PORT=443 --out "$RW_TMP/rules.json" >"$RW_TMP/rules.txt"
echo "rules: $(grep -c '^egress\.' "$RW_TMP/rules.txt")"

b=$RW_TMP/bundle
rw_make_bundle "$b" true
rw_spec "$b" '.linux.namespaces |= map(if .type == "network" then . + {path: $p} else . end)' \
        --arg p "/run/netns/$ns"
jq -n --arg b "$b" --argjson pid "$holder" \
        '{ociVersion: "1.0.2", id: "bench", status: "creating", pid: $pid, bundle: $b}' \
        >"$RW_TMP/state.json"

with=$RW_TMP/with
cp -a "$b" "$with"
rw_spec "$with" '.hooks.createRuntime = [{path: $hook, args: ["runwarden-egress-hook"]}]' \
        --arg hook "$HOOK"

# The cases take turns, run after run, so that the load of a shared machine falls on all of
# them alike; the preparation of a run (hand-off, removing the table) is not timed.
declare -A samples
timed()
{
        local name=$1 t0 t1
        shift
        t0=$EPOCHREALTIME
        "$@" >/dev/null 2>&1 || rw_fatal "$name failed: $*"
        t1=$EPOCHREALTIME
        samples[$name]+="$(((${t1/./} - ${t0/./}))) "
}
hook()
{
        "$HOOK" <"$RW_TMP/state.json"
}
for i in $(seq $((runs + 3))); do
        "$TOOL" remove --netns "/run/netns/$ns"
        "$TOOL" handoff "$RW_TMP/rules.json" --id bench --bundle "$b"
        timed "hook, install (no table)" hook
        "$TOOL" handoff "$RW_TMP/rules.json" --id bench --bundle "$b"
        timed "hook, kept (same table)" hook
        timed "runc run, no hook" "$RW_RUNC" --root "$RW_STATE" run --bundle "$b" bench-plain
        "$TOOL" remove --netns "/run/netns/$ns"
        "$TOOL" handoff "$RW_TMP/rules.json" --id bench-hook --bundle "$with"
        timed "runc run, hook installs" "$RW_RUNC" --root "$RW_STATE" run --bundle "$with" bench-hook
        "$TOOL" handoff "$RW_TMP/rules.json" --id bench-hook --bundle "$with"
        timed "runc run, hook keeps" "$RW_RUNC" --root "$RW_STATE" run --bundle "$with" bench-hook
        if [ "$i" -eq 3 ]; then
                samples=() # the first runs warm caches
        fi
done

echo "$runs runs each, interleaved; milliseconds"
printf '  %-28s %8s %8s %8s %8s\n' case median p10 p90 mean
for name in "hook, install (no table)" "hook, kept (same table)" "runc run, no hook" \
        "runc run, hook installs" "runc run, hook keeps"; do
        # shellcheck disable=SC2086  # the samples are numbers
        printf '%s\n' ${samples[$name]} | sort -n | awk -v name="$name" '
                { v[NR] = $1 / 1000; s += v[NR] }
                END { printf "  %-28s %8.2f %8.2f %8.2f %8.2f\n", name, v[int((NR + 1) / 2)],
                      v[int(NR * 0.1) + 1], v[int(NR * 0.9)], s / NR }'
done
