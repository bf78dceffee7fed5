#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# The CI job image, from Debian's packages only: recipe.sh MIRROR_LIST OUT.tar
#
# MIRROR_LIST holds the apt source lines to build from (the host's Debian sources, see run.sh).
# The image is what CI images typically are: a compiler, Python with venv and pytest, Node with
# npm, git, and tools a job finds in the image's $HOME (home-tools.sh). The suite's cache key is
# the hash of the files of this directory, so any change here rebuilds the image.
set -euo pipefail

mirrors=$1
out=$2
here=$(cd "$(dirname "$0")" && pwd)
packages=$(grep -v '^#' "$here/packages.txt" | xargs | tr ' ' ',')

mirror_args=()
while IFS= read -r line; do
        [ -n "$line" ] && mirror_args+=("$line")
done <"$mirrors"

# Documentation, manual pages and translations serve no job; they would only make the image
# larger and slower to build and import.
exclude=(
        --dpkgopt='path-exclude=/usr/share/man/*'
        --dpkgopt='path-exclude=/usr/share/doc/*'
        --dpkgopt='path-include=/usr/share/doc/*/copyright'
        --dpkgopt='path-exclude=/usr/share/info/*'
        --dpkgopt='path-exclude=/usr/share/locale/*'
        --dpkgopt='force-unsafe-io'
)

mmdebstrap --variant=minbase --mode=root --format=tar --include="$packages" \
        --aptopt='APT::Install-Recommends "false"' "${exclude[@]}" \
        --customize-hook="bash '$here/home-tools.sh' \"\$1\"" \
        --customize-hook="rm -rf \"\$1\"/var/lib/apt/lists/* \"\$1\"/var/cache/apt/*.bin" \
        bookworm "$out" "${mirror_args[@]}"
