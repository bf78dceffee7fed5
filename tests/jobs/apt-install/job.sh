# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash disable=SC2034,SC2016  # run.sh reads JOB_*; scripts expand inside
# A job that installs a package into the image's root filesystem: apt-get install of a .deb it
# builds itself (no network needed). The default tier (read-only root, no capabilities) refuses
# that; a tier with a writable root and the capabilities apt's sandbox uses allows it.
JOB_DESC="apt-get install of a local .deb into the image's root filesystem"
JOB_MOUNT="named volume at /builds/group/apt-install"
JOB_TIER=writable-root
JOB_TIER_JSON='{"readonly_rootfs": false, "capabilities": ["CAP_CHOWN", "CAP_SETGID", "CAP_SETUID"]}'
JOB_TIER_CHANGES="a writable root filesystem, and CAP_CHOWN, CAP_SETUID, CAP_SETGID: apt hands its downloads to the _apt sandbox user"

job_main()
{
        local builds
        builds=$(job_volume builds)
        job_docker_run -v "$builds:/builds/group/apt-install" -w /builds/group/apt-install \
                "$JOB_IMAGE" sh -c 'set -e
                        pkg=$(mktemp -d)/rw-hello
                        mkdir -p "$pkg/DEBIAN" "$pkg/usr/bin"
                        printf "%s\n" "Package: rw-hello" "Version: 1.0" "Architecture: all" \
                                "Maintainer: CI <ci@example.invalid>" \
                                "Description: a package the job builds and installs" \
                                >"$pkg/DEBIAN/control"
                        printf "%s\n" "#!/bin/sh" "echo hello from rw-hello" >"$pkg/usr/bin/rw-hello"
                        chmod 755 "$pkg/usr/bin/rw-hello"
                        dpkg-deb --root-owner-group --build "$pkg" rw-hello_1.0_all.deb
                        apt-get install -y -q ./rw-hello_1.0_all.deb
                        [ "$(rw-hello)" = "hello from rw-hello" ]'
}
