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

# Device nodes the devices rule keeps as harmless that are not: 5:1 is the kernel's console
# (the host's, whatever namespace opens it), and a /dev/pts/N entry in a user namespace makes
# runc bind-mount the host's own /dev/pts/N (mknod fails there, runc falls back to a bind of
# the host path): another session's terminal.
console_open='if [ -c /dev/console ] && exec 3>/dev/console; then echo "ESC-REACHED opened /dev/console $(stat -c %t:%T /dev/console) for writing"; else echo ESC-BLOCKED no console; fi'
esc_case devices.console probe spec 'refused|contained' devices \
        'linux.devices /dev/console (c 5:1, allowed by the device cgroup): the host'"'"'s system console' \
        -- esc_bundle '.linux.devices = ((.linux.devices // []) + [{path: "/dev/console", type: "c", major: 5, minor: 1, fileMode: 384, uid: 0, gid: 0}])' \
        "$console_open"

# esc_host_pty: a host pseudo-terminal (another session's) whose input holds the token; its
# slave's minor in ESC_PTY.
esc_host_pty()
{
        if [ -n "${ESC_PTYPID:-}" ] && kill -0 "$ESC_PTYPID" 2>/dev/null; then
                return 0
        fi
        rm -f "$ESC/pty.name"
        setsid python3 -c '
import os, pty, sys, time
m, s = pty.openpty()
open(sys.argv[1], "w").write(os.ttyname(s))
while True:
    os.write(m, (sys.argv[2] + "\n").encode())
    time.sleep(0.2)' "$ESC/pty.name" "$ESC_TOKEN" </dev/null >/dev/null 2>&1 &
        ESC_PTYPID=$!
        disown "$ESC_PTYPID"
        ESC_PIDS+=("$ESC_PTYPID")
        for _ in $(seq 50); do
                [ -s "$ESC/pty.name" ] && break
                sleep 0.1
        done
        [ -s "$ESC/pty.name" ] || rw_fatal "no host pty"
        ESC_PTY=$(basename "$(cat "$ESC/pty.name")")
        export ESC_PTY
}
esc_case devices.pts-userns probe spec 'refused|contained' 'devices|host-namespace' \
        'a user namespace (0 -> 0) and linux.devices /dev/pts/N (N: a host session'"'"'s terminal), no devpts at /dev/pts: runc binds the host'"'"'s node' \
        -- esc_bundle '.linux.namespaces += [{type: "user"}]
                | .linux.uidMappings = [{containerID: 0, hostID: 0, size: 65536}]
                | .linux.gidMappings = [{containerID: 0, hostID: 0, size: 65536}]
                | .mounts |= map(select(.destination != "/dev/pts")) | del(.linux.sysctl)
                | .linux.devices = ((.linux.devices // []) + [{path: "/dev/pts/\($ENV.ESC_PTY)", type: "c",
                        major: 136, minor: ($ENV.ESC_PTY | tonumber), fileMode: 384, uid: 0, gid: 0}])' \
        'for t in /dev/pts/[0-9]*; do [ -c "$t" ] && timeout 5 head -n 1 "$t"; done; echo ESC-BLOCKED no host terminal read' \
        --prep 'esc_host_pty'

# runc makes /dev itself (its nodes, devpts, the console) and masks paths by binding /dev/null
# over them. A volume bound at /dev (or below it) is a directory the job, and any other container
# sharing the volume, can change while runc does that: a symlink planted as null makes runc bind
# the file it points to over the masked paths (CVE-2025-31133; -52565 and -52881 race the same
# way through /dev/console and /dev/pts). Not run without runwarden: Debian's runc 1.1.5 would
# expose the host's kernel tunables.
esc_case dev.volume-at-dev 6 spec refused kernel-fs-mount \
        'a volume bound at /dev, holding null -> /proc/sys/kernel/core_pattern' \
        --bypass-na 'not run: runc 1.1.5 would bind the host'"'"'s core_pattern over the masked paths; runwarden'"'"'s delegate only records a hand-off' \
        -- esc_bundle '.mounts += [{destination: "/dev", type: "bind", source: "\($data)/volumes/v-\($id)/_data",
                options: ["rbind", "rw"]}]' 'true' --unsafe \
        --prep 'mkdir -p "$ESC_DATA/volumes/v-$ESC_CID/_data"; ln -sfn /proc/sys/kernel/core_pattern "$ESC_DATA/volumes/v-$ESC_CID/_data/null"'
esc_case dev.volume-at-pts 6 spec refused kernel-fs-mount \
        'a volume bound at /dev/pts, where runc finds the console it binds' \
        --bypass-na 'not run: a shared /dev/pts redirects runc'"'"'s own console mount (CVE-2025-52565); runwarden'"'"'s delegate only records a hand-off' \
        -- esc_bundle '.mounts += [{destination: "/dev/pts", type: "bind", source: "\($data)/volumes/v-\($id)/_data",
                options: ["rbind", "rw"]}]' 'true' --unsafe \
        --prep 'mkdir -p "$ESC_DATA/volumes/v-$ESC_CID/_data"'
