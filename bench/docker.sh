#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# The docker section of bench/run.sh: `docker run --rm --network none IMAGE true` with
# --runtime runc and --runtime runwarden, interleaved, through a containerd and a dockerd of the
# benchmark's own (the integration tests' harness, tests/integration/engines.sh: own sockets,
# data-root, exec-root, pidfile, containerd namespaces and cgroup parent, beside any daemon of the
# host; stopped on exit). dockerd cannot pass flags to a runtime: runwarden is the harness's
# scratch install, whose compiled-in policy is the shipped one pointed at this dockerd's
# directories. With RW_BENCH_COMPARE, the source tree of that build directory is installed the
# same way and registered as a third runtime.
#
# Environment (set by bench/run.sh): RW_SOURCE_ROOT, RW_BUILD_ROOT, RW_BENCH_OUT (results
# directory), RW_BENCH_ROUNDS, RW_BENCH_WARMUP, RW_BENCH_COMPARE (a build directory, or empty).
# The Markdown table goes to stdout; the harness's progress to stderr.
set -euo pipefail

exec 3>&1 1>&2

# shellcheck source=tests/integration/lib.sh
. "$RW_SOURCE_ROOT/tests/integration/lib.sh"
# shellcheck source=tests/integration/engines.sh
. "$RW_SOURCE_ROOT/tests/integration/engines.sh"

rw_init
rw_eng_init

# The shipped policy (its tiers, untrusted by default) with this dockerd's directories.
rw_eng_with_engines "$RW_SOURCE_ROOT/deploy/policy/policy.json" "$RW_ENG_DIR/shipped-policy.json"
rw_eng_policy "$RW_ENG_DIR/shipped-policy.json"

runtimes=()
if [ -n "${RW_BENCH_COMPARE:-}" ]; then
        src=$(jq -r '.directories.source' "$RW_BENCH_COMPARE/meson-info/meson-info.json") ||
                rw_fatal "$RW_BENCH_COMPARE is not a meson build directory"
        echo "# installing the runwarden of $src (--compare) beside the harness's"
        if ! { meson setup "$RW_ENG_DIR/compare-build" "$src" --prefix "$RW_ENG_DIR/compare" \
                -Dpolicy_path="$RW_ENG_POLICY" -Dintegration_tests=false &&
                meson compile -C "$RW_ENG_DIR/compare-build" &&
                meson install -C "$RW_ENG_DIR/compare-build" --no-rebuild; } \
                >"$RW_ENG_DIR/compare-build.log" 2>&1; then
                tail -n 30 "$RW_ENG_DIR/compare-build.log"
                rw_fatal "building the --compare tree $src failed"
        fi
        runtimes=(--runtime "runwarden-compare=$RW_ENG_DIR/compare/bin/runwarden")
fi
rw_eng_start_dockerd "${runtimes[@]}"
rw_eng_busybox_image rwbench-busybox:latest

dk=$(command -v docker)
q()
{
        python3 -c 'import json, sys; print(json.dumps(sys.argv[1:]))' "$@"
}
compare_variant=
if [ -n "${RW_BENCH_COMPARE:-}" ]; then
        compare_variant=",{\"name\": \"--runtime runwarden (--compare)\", \"steps\": [$(q "$dk" run --rm --network none --runtime runwarden-compare rwbench-busybox true)]}"
fi
cat >"$RW_ENG_DIR/case.json" <<EOF
{"name": "docker run --rm --network none IMAGE true", "baseline": "--runtime runc",
 "variants": [
  {"name": "--runtime runc", "steps": [$(q "$dk" run --rm --network none --runtime runc rwbench-busybox true)]},
  {"name": "--runtime runwarden", "steps": [$(q "$dk" run --rm --network none --runtime runwarden rwbench-busybox true)]}$compare_variant]}
EOF
# Every variant once before timing: the first container of a runtime pays for the image's layers.
python3 "$RW_SOURCE_ROOT/bench/runner.py" "$RW_ENG_DIR/case.json" --rounds "$RW_BENCH_ROUNDS" \
        --warmup "$((RW_BENCH_WARMUP > 0 ? RW_BENCH_WARMUP : 1))" \
        --json "$RW_BENCH_OUT/docker.json" >&3
grep -q '"outcome":"rewritten"' "$RW_ENG_AUDIT" ||
        rw_fatal "the decision log $RW_ENG_AUDIT has no rewritten create: runwarden was not used"
