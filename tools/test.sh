#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# The whole test suite, as CI runs it: dependencies, a build with every suite (unit, integration
# against the real runc and dockerd, engines (Kubernetes through containerd's CRI, ctr, GitLab
# Runner, Actions and Forgejo runners, podman), deploy, escape (the adversarial suite), format,
# fuzz (the spec gate against Go's decoder), bench (bench/run.sh --smoke: the benchmarks run, two
# rounds each, timing nothing; the benchmarks themselves are not part of the tests)), the CI job corpus (tests/jobs: real jobs under runc
# and runwarden, which rewrites docs/compatibility.md), then an ASan/UBSan build running the unit,
# integration and escape suites, then each libFuzzer target for a short run.
# Run as root from anywhere: tools/test.sh
#
#   RW_BUILD_DIR       the main build directory (default: build)
#   RW_ASAN_BUILD_DIR  the sanitizer build directory (default: build-asan)
#   RW_FUZZ_BUILD_DIR  the libFuzzer build directory (default: build-fuzz)
#   RW_FUZZ_SECONDS    how long each fuzz target runs (default: 20)
#   RW_SKIP_DEPS=1     do not check or install packages
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
. tools/deps.sh

build=${RW_BUILD_DIR:-build}
asan=${RW_ASAN_BUILD_DIR:-build-asan}
start=$SECONDS

step()
{
        echo
        echo "== $* ($((SECONDS - start)) s)"
}

# meson setup, or a reconfigure when the directory exists (options given are applied).
setup()
{
        local dir=$1
        shift
        if [ -f "$dir/build.ninja" ]; then
                meson setup --reconfigure "$dir" "$@"
        else
                meson setup "$dir" "$@"
        fi
}

# Count the results meson recorded for a build directory into passed/failed/skipped.
passed=0
failed=0
skipped=0
count()
{
        local log=$1/meson-logs/testlog.json p f s
        [ -f "$log" ] || return 0
        p=$(jq -s '[.[] | select(.result == "OK" or .result == "EXPECTEDFAIL")] | length' "$log")
        s=$(jq -s '[.[] | select(.result == "SKIP")] | length' "$log")
        f=$(jq -s '[.[] | select(.result != "OK" and .result != "EXPECTEDFAIL"
                               and .result != "SKIP")] | length' "$log")
        passed=$((passed + p))
        failed=$((failed + f))
        skipped=$((skipped + s))
}

if [ "${RW_SKIP_DEPS:-0}" != 1 ]; then
        step "dependencies"
        rw_install_deps
fi

# A failing suite does not stop the run: the sanitizer build still runs, and the end says all.
status=0

step "build: $build"
rm -f "$build/meson-logs/testlog.json" "$asan/meson-logs/testlog.json"
setup "$build" -Dintegration_tests=true
ninja -C "$build"

step "test: unit, integration, engines, deploy and format suites in $build"
meson test -C "$build" --no-suite jobs --print-errorlogs || status=1
count "$build"

step "test: the CI job corpus (suite jobs) in $build"
rm -f "$build/meson-logs/testlog.json"
meson test -C "$build" --suite jobs --print-errorlogs || status=1
count "$build"

step "build: $asan (address and undefined sanitizers)"
setup "$asan" -Db_sanitize=address,undefined -Db_lundef=false -Dintegration_tests=true
ninja -C "$asan"

# runwarden parses hostile input as root: the unit suite, and runwarden itself under the
# integration and adversarial suites (real containers; a refusal's leaks and any overflow on the
# way abort the call), built with the sanitizers. The adversarial table in docs/security.md is
# the plain build's.
step "test: unit, integration and escape suites under the sanitizers"
rm -f "$asan/meson-logs/testlog.json"
ESC_DOCS=0 meson test -C "$asan" --suite unit --suite integration --suite escape \
        --print-errorlogs || status=1
count "$asan"

step "fuzz: each libFuzzer target for ${RW_FUZZ_SECONDS:-20} s (clang, in ${RW_FUZZ_BUILD_DIR:-build-fuzz})"
fuzz_log=$(mktemp)
tools/fuzz.sh 2>&1 | tee "$fuzz_log" || status=1
p=$(grep -c '^ok: fuzz-' "$fuzz_log" || true)
f=$(grep -c '^FAIL: fuzz-' "$fuzz_log" || true)
rm -f "$fuzz_log"
passed=$((passed + p))
failed=$((failed + f))
if [ "$p" -eq 0 ] && [ "$f" -eq 0 ]; then
        echo "fuzz: no target ran" >&2
        failed=$((failed + 1))
fi

step "done"
if [ "$passed" -eq 0 ]; then
        echo "no test ran" >&2
        status=1
fi
[ "$failed" -eq 0 ] || status=1
echo "tests: $passed passed, $failed failed, $skipped skipped"
exit "$status"
