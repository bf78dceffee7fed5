#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Benchmark, not a test (meson test --benchmark egress-hook): what the egress hook adds to a
# container's creation. Results are printed; nothing is asserted.
#   1. the hook alone, installing into a namespace without runwarden's table (a pod's first
#      container), and finding the same table there (every later container of the pod), with a
#      hand-off written by egress-tool as runwarden create writes it;
#   2. `runwarden run` of a busybox `true` joined to a prepared namespace, in a tier with egress
#      off and in one with egress rules (the hook installs, or keeps the table of an earlier
#      container); `runc run` for scale. The delete after each run is not timed.
# RW_BENCH_RUNS (default 30) sets the runs per case.
set -euo pipefail

. "$(dirname "$0")/lib.sh"
rw_init
rw_need_cmd ip

TOOL=$RW_BUILD_ROOT/tests/integration/egress-tool
HOOK=$RW_EGRESS_HOOK
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

# The tiers: the same rules as above, and egress off.
jq -n --slurpfile cfg "$RW_TMP/cfg.json" --arg audit "$RW_TMP/audit.jsonl" '{version: 1,
        default_tier: "egress", strictness: ["off", "egress"],
        audit_log: {path: $audit, on_failure: "refuse"},
        tiers: {egress: {egress: $cfg[0]}, off: {egress: {mode: "off"}}}}' >"$RW_TMP/policy.json"
chmod 0644 "$RW_TMP/policy.json"
rwb()
{
        "$RW_BIN" --policy "$RW_TMP/policy.json" --root "$RW_STATE" --runtime "$RW_RUNC" \
                --seccomp-dir "$RW_SECCOMP_DIR" --egress-hook "$HOOK" "$@"
}
# runwarden rewrites config.json: every run starts from the engine's spec.
fresh()
{
        cp "$RW_TMP/config.engine.json" "$b/config.json"
}
cp "$b/config.json" "$RW_TMP/config.engine.json"

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
        fresh
        timed "runc run" "$RW_RUNC" --root "$RW_STATE" run --bundle "$b" bench-plain
        fresh
        timed "runwarden run, egress off" rwb --tier off run --bundle "$b" bench-off
        rwb delete bench-off >/dev/null 2>&1 || true
        "$TOOL" remove --netns "/run/netns/$ns"
        fresh
        timed "runwarden run, hook installs" rwb run --bundle "$b" bench-hook
        rwb delete bench-hook >/dev/null 2>&1 || true
        fresh
        timed "runwarden run, hook keeps" rwb run --bundle "$b" bench-hook
        rwb delete bench-hook >/dev/null 2>&1 || true
        if [ "$i" -eq 3 ]; then
                samples=() # the first runs warm caches
        fi
done

echo "$runs runs each, interleaved; milliseconds"
printf '  %-30s %8s %8s %8s %8s\n' case median p10 p90 mean
for name in "hook, install (no table)" "hook, kept (same table)" "runc run" \
        "runwarden run, egress off" "runwarden run, hook installs" "runwarden run, hook keeps"; do
        # shellcheck disable=SC2086  # the samples are numbers
        printf '%s\n' ${samples[$name]} | sort -n | awk -v name="$name" '
                { v[NR] = $1 / 1000; s += v[NR] }
                END { printf "  %-30s %8.2f %8.2f %8.2f %8.2f\n", name, v[int((NR + 1) / 2)],
                      v[int(NR * 0.1) + 1], v[int(NR * 0.9)], s / NR }'
done
