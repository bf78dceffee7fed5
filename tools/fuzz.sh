#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Build the libFuzzer targets (clang, address and undefined sanitizers) in their own build
# directory and run each for a short time from its seed corpus (tests/fuzz/README.md). An input
# that breaks a target is copied to tests/fuzz/regressions/TARGET/, where the unit suite replays
# it on every build: commit it with the fix. Run as root from anywhere: tools/fuzz.sh [TARGET...]
#
#   RW_FUZZ_BUILD_DIR  the build directory (default: build-fuzz)
#   RW_FUZZ_SECONDS    how long each target runs (default: 20)
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

build=${RW_FUZZ_BUILD_DIR:-build-fuzz}
seconds=${RW_FUZZ_SECONDS:-20}
targets=("$@")
[ "${#targets[@]}" -gt 0 ] || targets=(spec spec-keys cli policy json)

command -v clang >/dev/null ||
        { echo "FATAL: clang is not installed (apt-get install clang libclang-rt-14-dev)" >&2; exit 1; }

if [ -f "$build/build.ninja" ]; then
        meson setup --reconfigure "$build" >/dev/null
else
        CC=clang meson setup "$build" -Dfuzzing=true -Db_sanitize=address,undefined \
                -Db_lundef=false -Dintegration_tests=false -Dgo_differential=false >/dev/null
fi
ninja_targets=()
for t in "${targets[@]}"; do
        ninja_targets+=("tests/fuzz/fuzz-$t")
done
ninja -C "$build" "${ninja_targets[@]}"

work=$(mktemp -d /tmp/rw-fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT

# Seeds beside the corpus of each target (read only: the run's corpus grows in $work).
seeds_of()
{
        case $1 in
        spec | json) echo tests/fixtures/engines ;;
        policy) echo deploy/policy ;;
        esac
}

export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:symbolize=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1

status=0
for t in "${targets[@]}"; do
        corpus=$work/corpus-$t
        artifacts=$work/artifacts-$t
        mkdir -p "$corpus" "$artifacts"
        cp tests/fuzz/corpus/"$t"/* "$corpus"/
        for d in $(seeds_of "$t"); do
                find "$d" -maxdepth 1 -type f -name '*.json' -exec cp {} "$corpus"/ \;
        done
        echo "== fuzz-$t for $seconds s ($(find "$corpus" -type f | wc -l) seeds)"
        rc=0
        dict=()
        [ ! -f "tests/fuzz/$t.dict" ] || dict=(-dict="tests/fuzz/$t.dict")
        "$build/tests/fuzz/fuzz-$t" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
                -max_len=65536 -print_final_stats=1 -artifact_prefix="$artifacts/" "${dict[@]}" \
                "$corpus" >"$work/log-$t" 2>&1 || rc=$?
        grep -E '^(stat::number_of_executed_units|stat::new_units_added|#[0-9]+ +DONE)' \
                "$work/log-$t" || true
        found=$(find "$artifacts" -type f | wc -l)
        if [ "$rc" -ne 0 ] || [ "$found" -gt 0 ]; then
                status=1
                echo "FAIL: fuzz-$t exited $rc with $found crash input(s):"
                grep -E 'ERROR|invariant broken|SUMMARY' "$work/log-$t" | head -n 20 | sed 's/^/    /'
                mkdir -p "tests/fuzz/regressions/$t"
                for f in "$artifacts"/*; do
                        [ -e "$f" ] || continue
                        cp "$f" "tests/fuzz/regressions/$t/"
                        echo "    saved tests/fuzz/regressions/$t/$(basename "$f")"
                done
        else
                echo "ok: fuzz-$t"
        fi
done
exit "$status"
