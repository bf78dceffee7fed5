# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash disable=SC2016
#
# Class 4 (issue 12): root.path must be this container's rootfs.

esc_case root.etc 4 spec refused root-path \
        'root.path "/etc"' \
        --bypass-na 'not run: runc would create mount points in the host'"'"'s /etc; runwarden'"'"'s delegate only records a hand-off' \
        -- esc_bundle '.root.path = "/etc"' 'true' --unsafe
esc_case root.slash 4 spec refused root-path \
        'root.path "/"' \
        --bypass-na 'not run: runc would mount over the host'"'"'s own /sys and /dev; runwarden'"'"'s delegate only records a hand-off' \
        -- esc_bundle '.root.path = "/"' 'true' --unsafe
esc_case root.symlink 4 spec refused root-path \
        'root.path "rootfs2", a symlink in the bundle to another directory of the host' \
        --bypass-na 'runc 1.1 refuses a root that is a symlink' \
        -- esc_bundle '.root.path = "rootfs2"' 'cat /secret || echo ESC-BLOCKED' \
        --prep 'ln -s "$ESC_FAKEHOST" "$b/rootfs2"'
esc_case root.dotdot 4 spec refused root-path \
        'root.path "../../../../../fakehost": a host directory reached by ..' \
        -- esc_bundle '.root.path = "../../../../../fakehost"' 'cat /secret || echo ESC-BLOCKED'
esc_case root.rootfs-dotdot 4 spec refused root-path \
        'root.path "rootfs/../../VICTIM/rootfs": another container'"'"'s rootfs, spelled from its own' \
        -- esc_bundle '.root.path = "rootfs/../../\($victim)/rootfs"' 'cat /victimsecret || echo ESC-BLOCKED'
esc_case root.other-container 4 spec refused root-path \
        'root.path: the absolute rootfs of another container' \
        -- esc_bundle '.root.path = "\($tasks)/\($victim)/rootfs"' 'cat /victimsecret || echo ESC-BLOCKED'
esc_case root.own-relative 4 spec allowed - \
        'root.path "rootfs" (the bundle'"'"'s own)' \
        -- esc_bundle '.root.path = "rootfs"' 'echo ESC-OK'
esc_case root.own-absolute 4 spec allowed - \
        'root.path: the absolute path of the bundle'"'"'s own rootfs' \
        -- esc_bundle '.root.path = "\($bundle)/rootfs"' 'echo ESC-OK'
