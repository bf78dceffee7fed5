# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash disable=SC2016
#
# The in-container escape attempts of tests/integration/probe.c, each with the spec a job would
# ask for to make it work (docker run --cap-add, --security-opt seccomp=unconfined, --device,
# --pid host, -v /var/run/docker.sock:...). Without runwarden each works; through runwarden the
# container runs and the attempt fails, or the spec is refused.

esc_case probe.write-root probe job-files contained readonly-rootfs \
        'write into the image'"'"'s root filesystem (docker'"'"'s default: writable)' \
        -- esc_bundle '.' 'if touch /pwned-root 2>/dev/null; then echo ESC-REACHED wrote /; else echo ESC-BLOCKED read-only root; fi'
esc_case probe.mount probe spec contained caps-drop \
        'mount a tmpfs with CAP_SYS_ADMIN and no seccomp filter (--cap-add SYS_ADMIN, seccomp=unconfined)' \
        -- esc_bundle '.process.capabilities = allcaps(.process.capabilities.bounding + ["CAP_SYS_ADMIN"]) | del(.linux.seccomp)' \
        '/probe mount' --reach '^mount: ok'
esc_case probe.unshare probe spec contained seccomp \
        'unshare a user namespace (seccomp=unconfined)' \
        -- esc_bundle 'del(.linux.seccomp)' '/probe unshare' --reach '^unshare-user: ok'
esc_case probe.rawsock probe job-files contained caps-drop \
        'open a raw IP socket (docker keeps CAP_NET_RAW)' \
        -- esc_bundle '.' '/probe rawsock' --reach '^rawsock-inet: ok'
esc_case probe.keyctl probe spec contained seccomp \
        'keyctl on the session keyring (seccomp=unconfined)' \
        -- esc_bundle 'del(.linux.seccomp)' '/probe keyctl' --reach '^keyctl: ok'
esc_case probe.bpf probe spec contained 'caps-drop|seccomp' \
        'create a BPF map with CAP_SYS_ADMIN and no seccomp filter' \
        -- esc_bundle '.process.capabilities = allcaps(.process.capabilities.bounding + ["CAP_SYS_ADMIN"]) | del(.linux.seccomp)' \
        '/probe bpf' --reach '^bpf: ok'
esc_case probe.setuid probe job-files contained caps-drop \
        'setuid to another user (docker keeps CAP_SETUID)' \
        -- esc_bundle '.' '/probe setuid' --reach '^setuid: ok'
esc_case probe.engine-socket probe spec refused engine-socket \
        'bind an engine socket (a scratch docker.sock) at /var/run/docker.sock' \
        -- esc_bundle '.mounts += [bind("\($esc)/docker.sock"; "/var/run/docker.sock")]' \
        '/probe ls-sockets' --reach '^socket: '
esc_case probe.device probe spec 'refused|contained' devices \
        'a block device node (a scratch loop device holding the canary) allowed in the device cgroup' \
        -- esc_bundle '.linux.devices = ((.linux.devices // []) + [{path: "/dev/xloop", type: "b",
                        major: ($ENV.ESC_LOOPMAJ | tonumber), minor: ($ENV.ESC_LOOPMIN | tonumber),
                        fileMode: 432, uid: 0, gid: 0}])
                | .linux.resources.devices += [{allow: true, type: "b", major: ($ENV.ESC_LOOPMAJ | tonumber),
                        minor: ($ENV.ESC_LOOPMIN | tonumber), access: "rwm"}]' \
        'grep -a -o -m1 "escape-canary-[0-9a-f]*" /dev/xloop || echo ESC-BLOCKED' \
        --prep 'esc_loop; export ESC_LOOPMAJ=$((0x$(stat -c %t "$ESC_LOOP"))) ESC_LOOPMIN=$((0x$(stat -c %T "$ESC_LOOP")))'
esc_case probe.host-pid probe spec refused host-namespace \
        'no pid namespace (--pid host): a host process'"'"'s command line' \
        -- esc_bundle 'del(.linux.namespaces[] | select(.type == "pid"))' \
        'cat /proc/[0-9]*/cmdline 2>/dev/null | tr "\0" "\n" | grep -m1 -oE "escape-canary-[0-9a-f]{32}" || echo ESC-BLOCKED' \
        --prep esc_host_process
esc_case probe.host-net probe spec refused host-namespace \
        'no network namespace (--network host): a server on the host'"'"'s loopback' \
        -- esc_bundle 'del(.linux.namespaces[] | select(.type == "network")) | del(.linux.sysctl)' \
        "wget -qO- http://127.0.0.1:$ESC_PORT/secret || echo ESC-BLOCKED" \
        --prep esc_host_server
esc_case probe.masked-paths probe spec contained masked-paths \
        'no maskedPaths/readonlyPaths (--privileged sends none): /proc/keys' \
        -- esc_bundle '.linux.maskedPaths = [] | .linux.readonlyPaths = []' \
        'n=$(wc -c </proc/keys); if [ "$n" -gt 0 ]; then echo ESC-REACHED /proc/keys shows $n bytes; else echo ESC-BLOCKED /proc/keys masked; fi'
esc_case probe.sysfs-rw probe spec contained kernel-fs-mount \
        'sysfs mounted read-write' \
        -- esc_bundle '.mounts |= map(if .type == "sysfs" then .options -= ["ro"] else . end)' \
        'l=$(grep " /sys " /proc/self/mountinfo | head -n 1); echo "$l"
case "$l" in *" /sys rw"*) echo ESC-REACHED sysfs is writable;; *) echo ESC-BLOCKED read-only sysfs;; esac'
