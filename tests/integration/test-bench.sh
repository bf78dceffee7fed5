#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# bench/run.sh --smoke: every section of the benchmarks, two rounds each, against this build. It
# measures nothing worth reading (the benchmarks are not part of the tests, and no time is
# asserted); it proves the one command still runs from start to end and writes its report: every
# comparison's samples, the instruction counts, the peak RSS, the profiles, docker run through a
# dockerd of its own, and the table of targets.
set -euo pipefail

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

rw_init
rw_need_cmd valgrind callgrind_annotate perf /usr/bin/time cc python3 dockerd containerd

out=$RW_TMP/bench
log=$RW_TMP/bench.log
echo "# bench/run.sh --smoke (a minute or two)"
rc=0
RW_SKIP_DEPS=1 RW_BUILD_DIR=$RW_BUILD_ROOT "$RW_SOURCE_ROOT/bench/run.sh" --smoke --out "$out" \
        >"$log" 2>&1 </dev/null || rc=$?
if [ "$rc" != 0 ]; then
        tail -n 40 "$log" | sed 's/^/    /'
        rw_fail "bench/run.sh --smoke exits 0 (it exited $rc)"
else
        rw_pass "bench/run.sh --smoke exits 0"
fi

report=$out/results.md
if [ ! -f "$report" ]; then
        rw_fail "bench/run.sh wrote $report"
        rw_summary || exit 1
fi
for section in "## Container life" "## Pass-through calls and exec" "## runwarden's own create" \
        "## Instructions per call" "## Peak RSS" "## Profile of one create" "## docker run" \
        "## Against the targets"; do
        rw_expect_grep "the report has its section \"$section\"" "$report" "^$section"
done
# One interleaved comparison per case, each with its samples.
for name in life-run-untrusted life-csd-service pt-state pt-kill pt-start pt-delete pt-exec \
        inproc-docker-default inproc-containerd-ctr-default inproc-synthetic-128k inproc-state \
        inproc-start inproc-kill inproc-delete inproc-exec \
        inproc-synthetic-env5000-mounts1000 inproc-cold-seccomp docker; do
        if jq -e '.rounds == 2 and ([.variants[] | .samples.wall | length == 2] | all)' \
                "$out/$name.json" >/dev/null 2>&1; then
                rw_pass "$name.json holds two rounds of every variant"
        else
                rw_fail "$name.json holds two rounds of every variant"
        fi
done
rw_expect_grep "runwarden was counted by callgrind (a create of docker's spec)" "$report" \
        '^\| create:docker-default \| [0-9]{6,} \|$'
rw_expect_grep "perf sampled runwarden" "$report" '^by shared object:$'
rw_expect_grep "the RSS of a create was measured" "$report" '^\| create docker-default \| [0-9]+ \|$'
rw_expect_grep "the targets table names the create of docker's spec" "$report" \
        '^\| create, docker.s spec under 1 ms above an exec-only wrapper'
rw_expect_grep "the targets table names docker run" "$report" '^\| docker run --rm IMAGE true'
rw_expect_grep "the targets table names exec" "$report" '^\| exec under 0\.3 ms'
rw_summary
