# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash disable=SC2016
#
# Class 3 (issue 12): paths that change between runwarden's check and runc's mount. runc mounts
# in order, in the new mount namespace, and resolves a bind source when it mounts it; a job
# writes its volumes, its rootfs and a tier's rw prefix while other containers are created.

x_rw='cat /x/secret || echo ESC-BLOCKED no host canary; touch /x/pwned 2>/dev/null || echo ESC-BLOCKED cannot write'

# A volume of this container whose content the job wrote earlier: s -> the host dir.
vol_symlink='mkdir -p "$ESC_DATA/volumes/v-$ESC_CID/_data" && ln -sfn "$ESC_HOST" "$ESC_DATA/volumes/v-$ESC_CID/_data/s"'

esc_case paths.earlier-bind-relative 3 spec refused host-mount \
        'bind 1 puts a volume (holding s -> host dir) on /d2; bind 2 has source "rootfs/d2/s", a plain directory when checked' \
        -- esc_bundle '.mounts += [bind("\($data)/volumes/v-\($id)/_data"; "/d2"), bind("rootfs/d2/s"; "/x")]' \
        "$x_rw" --prep "$vol_symlink"
esc_case paths.earlier-bind-absolute 3 spec refused host-mount \
        'the same with the absolute source BUNDLE/rootfs/d2/s' \
        -- esc_bundle '.mounts += [bind("\($data)/volumes/v-\($id)/_data"; "/d2"), bind("\($bundle)/rootfs/d2/s"; "/x")]' \
        "$x_rw" --prep "$vol_symlink"
esc_case paths.rootfs-symlink 3 job-files refused host-mount \
        'a bind source in its own rootfs, rootfs/link, that the image made a symlink to the host dir' \
        -- esc_bundle '.mounts += [bind("rootfs/link"; "/x")]' "$x_rw" \
        --prep 'ln -s "$ESC_HOST" "$b/rootfs/link"'
esc_case paths.race-volume 3 job-files 'refused|contained' host-mount \
        "a bind of VOLUME/_data/sub while the job swaps sub and a symlink to the host dir (renameat2 exchange), $ESC_RACE_RUNS runs" \
        -- esc_bundle '.mounts += [bind("\($data)/volumes/v-\($id)/_data/sub"; "/x")]' "$x_rw" \
        --race "$ESC_RACE_RUNS" --prep 'd=$ESC_DATA/volumes/v-$ESC_CID/_data; mkdir -p "$d/sub"; ln -sfn "$ESC_HOST" "$d/sub.swap"; RACE_A=$d/sub RACE_B=$d/sub.swap'
esc_case paths.race-rw-prefix 3 job-files 'refused|contained' host-mount \
        "a bind of RWPREFIX/job/sub (a tier's writable bind prefix) while the job swaps sub and a symlink, $ESC_RACE_RUNS runs" \
        -- esc_bundle '.mounts += [bind("\($esc)/rwprefix/\($id)/sub"; "/x")]' "$x_rw" \
        --policy test --tier cache \
        --race "$ESC_RACE_RUNS" --prep 'd=$ESC/rwprefix/$ESC_CID; mkdir -p "$d/sub"; ln -sfn "$ESC_HOST" "$d/sub.swap"; RACE_A=$d/sub RACE_B=$d/sub.swap'
esc_case paths.volume-data-allowed 3 spec allowed - \
        'a volume'"'"'s _data itself (the directory the engine created) bound read-write' \
        -- esc_bundle '.mounts += [bind("\($data)/volumes/v-\($id)/_data"; "/data")]' \
        'echo hello >/data/f && grep -q hello /data/f && echo ESC-OK' \
        --prep 'mkdir -p "$ESC_DATA/volumes/v-$ESC_CID/_data"'
