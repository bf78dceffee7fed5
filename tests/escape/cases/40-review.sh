# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash disable=SC2016
#
# Found by an adversarial review of main: doors the cases above did not try.

fake_rw='cat /x/secret || echo ESC-BLOCKED no host canary; touch /x/pwned 2>/dev/null || echo ESC-BLOCKED cannot write'

# A source that ends in "sub/.." resolves, when checked, to the volume's (or the rw prefix's) top
# directory itself, the one allowed shape; runc resolves it again when it mounts, and by then the
# job may have made sub a symlink: ".." is then the parent of wherever it points (here
# FAKEHOST/etc, so the bind is FAKEHOST, a host directory holding the token).
esc_case paths.race-volume-dotdot 3 job-files 'refused|contained' host-mount \
        "a bind of VOLUME/_data/sub/.. (the volume's top directory when checked) while the job swaps sub and a symlink into a host directory, $ESC_RACE_RUNS runs" \
        -- esc_bundle '.mounts += [bind("\($data)/volumes/v-\($id)/_data/sub/.."; "/x")]' "$fake_rw" \
        --race "$ESC_RACE_RUNS" --prep 'd=$ESC_DATA/volumes/v-$ESC_CID/_data; mkdir -p "$d/sub"; ln -sfn "$ESC_FAKEHOST/etc" "$d/sub.swap"; RACE_A=$d/sub RACE_B=$d/sub.swap'
esc_case paths.race-rw-prefix-dotdot 3 job-files 'refused|contained' host-mount \
        "a bind of RWPREFIX/sub/.. (the tier's writable prefix itself when checked) while the job swaps sub and a symlink into a host directory, $ESC_RACE_RUNS runs" \
        -- esc_bundle '.mounts += [bind("\($esc)/rwprefix/sub/.."; "/x")]' "$fake_rw" \
        --policy test --tier cache \
        --race "$ESC_RACE_RUNS" --prep 'd=$ESC/rwprefix; mkdir -p "$d/sub"; ln -sfn "$ESC_FAKEHOST/etc" "$d/sub.swap"; RACE_A=$d/sub RACE_B=$d/sub.swap'

# A namespace path is stat()ed by runwarden and opened again by runc's nsexec later, both
# following symlinks: a path through a directory the job writes (its volume) can name an allowed
# namespace when checked (its pod sandbox's) and the host's when runc joins it.
esc_case ns.race-symlink-host-net 19b job-files 'refused|contained' 'namespace-join|host-namespace' \
        "a pod container joins its sandbox's network namespace by a symlink in its volume, which the job swaps with one to /proc/self/ns/net (the host's, in runc), $ESC_RACE_RUNS runs" \
        -- esc_bundle '.linux.namespaces |= map(if .type == "network" then .path = "\($data)/volumes/v-\($id)/_data/ns" else . end)
                | del(.linux.sysctl)
                | .annotations = {"io.kubernetes.cri.container-type": "container",
                                  "io.kubernetes.cri.sandbox-id": $ENV.ESC_SBID}' \
        "wget -qO- http://127.0.0.1:$ESC_PORT/secret || echo ESC-BLOCKED" \
        --race "$ESC_RACE_RUNS" --prep 'esc_host_server; esc_container sandbox; export ESC_SBID=$CONTAINER
                d=$ESC_DATA/volumes/v-$ESC_CID/_data; mkdir -p "$d"
                ln -sfn "/proc/$CONTAINER_PID/ns/net" "$d/ns"; ln -sfn /proc/self/ns/net "$d/ns.swap"
                RACE_A=$d/ns RACE_B=$d/ns.swap'
