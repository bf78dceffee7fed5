#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# home-tools.sh ROOT: mmdebstrap's customize hook. Puts tools in $HOME the way pipx (a script in
# ~/.local/bin) and rustup (~/.cargo/bin and ~/.cargo/config.toml) do, for root and for the uid
# 1000 user "ci"; the image's PATH lists the root ones first.
set -euo pipefail

root=$1
chroot "$root" useradd --uid 1000 --user-group --no-create-home --home-dir /home/ci --shell /bin/sh ci
for home in /root /home/ci; do
        mkdir -p "$root$home/.local/bin" "$root$home/.cargo/bin"
        cat >"$root$home/.local/bin/rw-lint" <<'SCRIPT'
#!/bin/sh
# A linter installed with pipx: fails on a TODO left in a file.
echo "rw-lint 1.0 ($0)"
for f in "$@"; do
        if grep -n TODO "$f"; then
                echo "$f: TODO left"
                exit 1
        fi
done
SCRIPT
        cat >"$root$home/.cargo/bin/cargo-rw" <<'SCRIPT'
#!/bin/sh
# A toolchain installed with rustup: "cargo-rw build FILE.c" builds FILE.
echo "cargo-rw 0.1 ($0)"
[ "$1" = build ] && exec cc -O2 -o "${2%.c}" "$2"
SCRIPT
        printf '[toolchain]\nchannel = "stable"\n' >"$root$home/.cargo/config.toml"
        chmod 755 "$root$home/.local/bin/rw-lint" "$root$home/.cargo/bin/cargo-rw"
done
chroot "$root" chown -R ci:ci /home/ci
chmod 700 "$root/root" "$root/home/ci"
