#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# build-image.sh: runwarden-canary in a minimal image, made without a registry.
#
#   build-image.sh [--canary PATH] [--busybox PATH] [--expect FILE]... --docker NAME
#   build-image.sh [--canary PATH] [--busybox PATH] [--expect FILE]... --oci-archive FILE
#                  [--name REF]
#
#   --docker NAME       `docker import` the image as NAME (the docker client and DOCKER_HOST as
#                       usual), e.g. runwarden-canary:latest
#   --oci-archive FILE  write an OCI image layout tarball for `ctr images import FILE` (or
#                       `podman load`), named REF (default docker.io/library/runwarden-canary:latest)
#   --canary PATH       the static canary (default: runwarden-canary installed beside this
#                       script's share directory, else the one on PATH)
#   --busybox PATH      add a static busybox as /bin/sh with its applets as links: CI executors
#                       that run a job through a shell (GitLab Runner's docker executor, GitHub
#                       Actions container jobs) need one; runwardenctl canary run does not
#   --expect FILE       add a pinned expectation (runwardenctl canary expect TIER -o FILE) as
#                       /etc/runwarden-canary/BASENAME, for scheduled jobs to pass to --expect
#
# The image holds /runwarden-canary (its CMD), /etc/passwd with root and user 1000, and the
# directories a job expects (/tmp, /var/tmp, /run, /root, /home/user); nothing else, so that
# everything the canary finds came from the engine, the runtime or the host.
set -euo pipefail

usage()
{
        sed -n '4,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2
        exit 2
}

die()
{
        echo "build-image.sh: $*" >&2
        exit 1
}

canary='' busybox='' docker_name='' archive='' ref=docker.io/library/runwarden-canary:latest
expects=()
while [ $# -gt 0 ]; do
        case $1 in
        --canary) canary=${2:?}; shift ;;
        --busybox) busybox=${2:?}; shift ;;
        --expect) expects+=("${2:?}"); shift ;;
        --docker) docker_name=${2:?}; shift ;;
        --oci-archive) archive=${2:?}; shift ;;
        --name) ref=${2:?}; shift ;;
        -h | --help) usage ;;
        *) usage ;;
        esac
        shift
done
[ -n "$docker_name" ] || [ -n "$archive" ] || usage

if [ -z "$canary" ]; then
        here=$(cd "$(dirname "$0")" && pwd)
        # Installed as PREFIX/share/runwarden/canary/build-image.sh, the canary as
        # PREFIX/libexec/runwarden/runwarden-canary.
        if [ -x "$here/../../../libexec/runwarden/runwarden-canary" ]; then
                canary=$here/../../../libexec/runwarden/runwarden-canary
        else
                canary=$(command -v runwarden-canary) ||
                        die "no runwarden-canary found: pass --canary PATH"
        fi
fi
[ -x "$canary" ] || die "$canary is not an executable"
# The image has no libraries: a dynamically linked binary cannot run in it.
for exe in "$canary" ${busybox:+"$busybox"}; do
        if command -v readelf >/dev/null && readelf -l "$exe" 2>/dev/null | grep -q 'program interpreter'; then
                die "$exe is dynamically linked; the image needs static binaries"
        fi
done

work=$(mktemp -d "${TMPDIR:-/tmp}/runwarden-canary-image.XXXXXX")
trap 'rm -rf "$work"' EXIT
rootfs=$work/rootfs
mkdir -p "$rootfs"/{etc,tmp,var/tmp,run,root,home/user,proc,sys,dev,mnt}
chmod 1777 "$rootfs/tmp" "$rootfs/var/tmp"
chmod 0700 "$rootfs/root"
install -m 0755 "$canary" "$rootfs/runwarden-canary"
cat >"$rootfs/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
user:x:1000:1000:user:/home/user:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
cat >"$rootfs/etc/group" <<'EOF'
root:x:0:
user:x:1000:
nogroup:x:65534:
EOF
for expect in "${expects[@]}"; do
        # A pinned expectation the canary cannot read would fail every scheduled run: check it.
        "$canary" --expect "$expect" --print-expect >/dev/null ||
                die "$expect is not an expectation this canary reads"
        install -D -m 0644 "$expect" "$rootfs/etc/runwarden-canary/$(basename "$expect")"
done
if [ -n "$busybox" ]; then
        mkdir -p "$rootfs/bin"
        install -m 0755 "$busybox" "$rootfs/bin/busybox"
        for applet in $("$busybox" --list); do
                [ "$applet" = busybox ] || ln -sf busybox "$rootfs/bin/$applet"
        done
fi
if [ "$(id -u)" = 0 ]; then
        chown 1000:1000 "$rootfs/home/user"
fi

layer=$work/layer.tar
owners=(--owner=0 --group=0)
# As root the files are root's already and home/user is 1000's; otherwise all become root's.
if [ "$(id -u)" = 0 ]; then
        owners=()
fi
tar --numeric-owner "${owners[@]}" --mtime=@0 --sort=name -C "$rootfs" -cf "$layer" .
path_env=PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

if [ -n "$docker_name" ]; then
        docker import --change "ENV $path_env" --change 'CMD ["/runwarden-canary"]' \
                "$layer" "$docker_name" >/dev/null || die "docker import as $docker_name failed"
        echo "build-image.sh: imported $docker_name into docker"
fi

if [ -n "$archive" ]; then
        command -v jq >/dev/null || die "jq is needed for --oci-archive"
        case $(uname -m) in
        x86_64) arch=amd64 ;;
        aarch64) arch=arm64 ;;
        *) arch=$(uname -m) ;;
        esac
        oci=$work/oci
        mkdir -p "$oci/blobs/sha256"
        digest()
        {
                sha256sum "$1" | cut -d' ' -f1
        }
        size()
        {
                stat -c %s "$1"
        }
        diff_id=$(digest "$layer")
        cp "$layer" "$oci/blobs/sha256/$diff_id"
        jq -cn --arg arch "$arch" --arg diff "sha256:$diff_id" --arg path "$path_env" \
                '{architecture: $arch, os: "linux",
                  config: {Env: [$path], Cmd: ["/runwarden-canary"]},
                  rootfs: {type: "layers", diff_ids: [$diff]}}' | tr -d '\n' >"$work/config"
        config_digest=$(digest "$work/config")
        cp "$work/config" "$oci/blobs/sha256/$config_digest"
        jq -cn --arg c "sha256:$config_digest" --argjson cs "$(size "$work/config")" \
                --arg l "sha256:$diff_id" --argjson ls "$(size "$layer")" \
                '{schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json",
                  config: {mediaType: "application/vnd.oci.image.config.v1+json", digest: $c,
                           size: $cs},
                  layers: [{mediaType: "application/vnd.oci.image.layer.v1.tar", digest: $l,
                            size: $ls}]}' | tr -d '\n' >"$work/manifest"
        manifest_digest=$(digest "$work/manifest")
        cp "$work/manifest" "$oci/blobs/sha256/$manifest_digest"
        jq -n --arg m "sha256:$manifest_digest" --argjson ms "$(size "$work/manifest")" \
                --arg name "$ref" --arg arch "$arch" \
                '{schemaVersion: 2,
                  manifests: [{mediaType: "application/vnd.oci.image.manifest.v1+json",
                               digest: $m, size: $ms, platform: {architecture: $arch, os: "linux"},
                               annotations: {"io.containerd.image.name": $name,
                                             "org.opencontainers.image.ref.name":
                                               ($name | sub(".*:"; ""))}}]}' >"$oci/index.json"
        echo '{"imageLayoutVersion": "1.0.0"}' >"$oci/oci-layout"
        tar --numeric-owner --owner=0 --group=0 --mtime=@0 -C "$oci" -cf "$archive" \
                oci-layout index.json blobs
        echo "build-image.sh: wrote $archive ($ref); ctr images import $archive"
fi
