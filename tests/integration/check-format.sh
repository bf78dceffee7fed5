#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Fail when a C source or header under shim/, ctl/ (with ctl/canary/), lib/ or tests/ differs from what the repository's
# .clang-format makes of it. `clang-format -i FILE` fixes it.
set -euo pipefail

root=${RW_SOURCE_ROOT:-$(cd "$(dirname "$0")/../.." && pwd)}
command -v clang-format >/dev/null 2>&1 ||
        { echo "FATAL: clang-format is not installed (apt-get install clang-format)" >&2; exit 1; }
[ -f "$root/.clang-format" ] || { echo "FATAL: no .clang-format in $root" >&2; exit 1; }

cd "$root"
mapfile -d '' files < <(find shim ctl lib tests -type f \( -name '*.c' -o -name '*.h' \) -print0 | sort -z)
[ "${#files[@]}" -gt 0 ] || { echo "FATAL: no C files found under $root" >&2; exit 1; }

bad=0
for f in "${files[@]}"; do
        if ! clang-format --style=file --dry-run --Werror "$f" >/dev/null 2>&1; then
                echo "not formatted: $f"
                diff -u "$f" <(clang-format --style=file "$f") | head -n 30 | sed 's/^/    /' || true
                bad=$((bad + 1))
        fi
done
echo "$((${#files[@]} - bad)) passed, $bad failed"
[ "$bad" -eq 0 ]
