# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash disable=SC2016
#
# Issue 13: what a tier may allow, and what stays out even when a tier lists it. The test tier
# "hw" lists /dev/fuse, /dev/net/tun, /dev/kvm (allowed), /dev/mem and /dev/xloop (never), the
# sysctl patterns net.* (namespaced), kernel.core_pattern and vm.* (host-wide: never), and lxcfs's
# views plus /proc/slabinfo (outside the set: never). And the scratch tmpfs that now copies the
# image's HOME (tmpcopyup): an image cannot use it to read the host or to fill the host's memory.

loop_prep='esc_loop; export ESC_LOOPMAJ=$((0x$(stat -c %t "$ESC_LOOP"))) ESC_LOOPMIN=$((0x$(stat -c %T "$ESC_LOOP")))'
lxcfs_prep='esc_lxcfs; export ESC_LXCFS'

esc_case tier.dev-fuse-allowed 13 spec allowed - \
        'tier hw: --device /dev/fuse (10:229), opened read-write' \
        -- esc_bundle '.linux.devices = ((.linux.devices // []) + [{path: "/dev/fuse", type: "c",
                        major: 10, minor: 229, fileMode: 438, uid: 0, gid: 0}])
                | .linux.resources.devices += [{allow: true, type: "c", major: 10, minor: 229, access: "rwm"}]' \
        'exec 3<>/dev/fuse && echo ESC-OK /dev/fuse opened' --policy test --tier hw
esc_case tier.dev-disguised-fuse 13 spec 'refused|contained' devices \
        'tier hw lists /dev/fuse; the spec names a block device (a scratch loop device holding the canary) /dev/fuse' \
        -- esc_bundle '.linux.devices = ((.linux.devices // []) + [{path: "/dev/fuse", type: "b",
                        major: ($ENV.ESC_LOOPMAJ | tonumber), minor: ($ENV.ESC_LOOPMIN | tonumber),
                        fileMode: 432, uid: 0, gid: 0}])
                | .linux.resources.devices += [{allow: true, type: "b", major: ($ENV.ESC_LOOPMAJ | tonumber),
                        minor: ($ENV.ESC_LOOPMIN | tonumber), access: "rwm"}]' \
        'grep -a -o -m1 "escape-canary-[0-9a-f]*" /dev/fuse || echo ESC-BLOCKED' \
        --policy test --tier hw --prep "$loop_prep"
esc_case tier.dev-listed-block 13 spec 'refused|contained' devices \
        'tier hw lists /dev/xloop: a block device (the loop device holding the canary) at that path' \
        -- esc_bundle '.linux.devices = ((.linux.devices // []) + [{path: "/dev/xloop", type: "b",
                        major: ($ENV.ESC_LOOPMAJ | tonumber), minor: ($ENV.ESC_LOOPMIN | tonumber),
                        fileMode: 432, uid: 0, gid: 0}])
                | .linux.resources.devices += [{allow: true, type: "b", major: ($ENV.ESC_LOOPMAJ | tonumber),
                        minor: ($ENV.ESC_LOOPMIN | tonumber), access: "rwm"}]' \
        'grep -a -o -m1 "escape-canary-[0-9a-f]*" /dev/xloop || echo ESC-BLOCKED' \
        --policy test --tier hw --prep "$loop_prep"
esc_case tier.sysctl-allowed 13 spec allowed - \
        'tier hw (sysctls net.*): net.ipv4.tcp_ecn=1 in the container'"'"'s own network namespace' \
        -- esc_bundle '.linux.sysctl += {"net.ipv4.tcp_ecn": "1"}' \
        '[ "$(cat /proc/sys/net/ipv4/tcp_ecn)" = 1 ] && echo ESC-OK tcp_ecn set' --policy test --tier hw
esc_case tier.sysctl-host-wide 13 spec 'refused|contained' sysctl \
        'tier hw lists kernel.core_pattern: the spec sets it (a host-wide knob: a crash would run a host program)' \
        --bypass-na 'runc 1.1 refuses a sysctl outside the container'"'"'s namespaces' \
        -- esc_bundle '.linux.sysctl += {"kernel.core_pattern": "|/esc-core-pattern %p"}' \
        'if grep -q esc-core-pattern /proc/sys/kernel/core_pattern; then echo ESC-REACHED host core_pattern set; else echo ESC-BLOCKED; fi' \
        --policy test --tier hw
esc_case tier.sysctl-traversal 13 spec refused sysctl \
        'tier hw (sysctls net.*): "net.ipv4/../../kernel/core_pattern" starts with net. and runc 1.1 writes /proc/sys/kernel/core_pattern' \
        --bypass-na 'not run: runc would set the host'"'"'s core_pattern; runwarden'"'"'s delegate only records a hand-off' \
        -- esc_bundle '.linux.sysctl += {"net.ipv4/../../kernel/core_pattern": "|/esc-core-pattern %p"}' \
        'true' --policy test --tier hw --unsafe
esc_case tier.lxcfs-allowed 13 spec allowed - \
        'tier hw: lxcfs'"'"'s view of /proc/meminfo bound over /proc/meminfo' \
        -- esc_bundle '.mounts += [bind("\($ENV.ESC_LXCFS)/proc/meminfo"; "/proc/meminfo")]' \
        'grep " /proc/meminfo " /proc/self/mounts | grep -q fuse.lxcfs && head -n 1 /proc/meminfo && echo ESC-OK lxcfs meminfo' \
        --policy test --tier hw --prep "$lxcfs_prep"
esc_case tier.lxcfs-host-file 13 spec refused host-mount \
        'tier hw: a host file (the canary) bound over /proc/meminfo, where lxcfs'"'"'s view would go' \
        -- esc_bundle '.mounts += [bind("\($host)/secret"; "/proc/meminfo")]' \
        'cat /proc/meminfo || echo ESC-BLOCKED' --policy test --tier hw
esc_case tier.lxcfs-outside-set 13 spec refused host-mount \
        'tier hw lists /proc/slabinfo: lxcfs'"'"'s view of the host'"'"'s slab caches bound over it' \
        -- esc_bundle '.mounts += [bind("\($ENV.ESC_LXCFS)/proc/slabinfo"; "/proc/slabinfo")]' \
        'head -n 1 /proc/slabinfo; grep " /proc/slabinfo " /proc/self/mounts || echo ESC-BLOCKED' \
        --reach ' /proc/slabinfo fuse[.]lxcfs' --policy test --tier hw --prep "$lxcfs_prep"
esc_case tier.lxcfs-wrong-file 13 spec refused host-mount \
        'tier hw: lxcfs'"'"'s view of /proc/meminfo bound over /etc/passwd (a view goes only over its own file)' \
        -- esc_bundle '.mounts += [bind("\($ENV.ESC_LXCFS)/proc/meminfo"; "/etc/passwd")]' \
        'grep -m1 MemTotal /etc/passwd && echo ESC-REACHED passwd replaced || echo ESC-BLOCKED' \
        --policy test --tier hw --prep "$lxcfs_prep"

# HOME copied into its scratch tmpfs: from inside the image only, and within the tier's cap.
esc_case home.copyup-symlink-out 13 spec contained scratch-tmpfs \
        'the image'"'"'s /root is a symlink to the host canary dir: HOME'"'"'s content is copied into its tmpfs' \
        --bypass-na 'without runwarden nothing copies HOME; inside the container the symlink leads nowhere' \
        -- esc_bundle '.' 'cat /root/secret 2>/dev/null || echo ESC-BLOCKED' \
        --prep 'rm -rf "$b/rootfs/root"; ln -s "$ESC_HOST" "$b/rootfs/root"'
esc_case home.copyup-huge 13 spec contained scratch-tmpfs \
        'the image'"'"'s HOME holds a 4 GiB sparse file: a copy into its tmpfs would take the host'"'"'s memory' \
        --bypass-na 'without runwarden nothing copies HOME' \
        -- esc_bundle '.' 'if grep -q " /root tmpfs .*size=[0-9]*k" /proc/self/mounts && [ "$(grep " /root tmpfs" /proc/self/mounts | sed "s/.*size=\([0-9]*\)k.*/\1/")" -gt 2097152 ]; then echo ESC-REACHED a tmpfs over 2 GiB at /root; else echo ESC-BLOCKED; fi' \
        --prep 'mkdir -p "$b/rootfs/root/.big" && truncate -s 4G "$b/rootfs/root/.big/blob"'
esc_case home.passwd-host-file 13 spec contained scratch-tmpfs \
        'uid 1000 without HOME: the image'"'"'s /etc/passwd is a symlink to a host file naming another home (runwarden reads it to find HOME)' \
        --bypass-na 'without runwarden only runc reads /etc/passwd, inside the container' \
        -- esc_bundle '.process.user = {uid: 1000, gid: 1000} | .process.env = ["PATH=/bin:/sbin"]' \
        'if grep -q esc-leaked-home /proc/self/mounts; then echo ESC-REACHED a tmpfs at the home of the host file; else echo ESC-BLOCKED HOME=$HOME; fi' \
        --prep 'printf "user:x:1000:1000::/esc-leaked-home:/bin/sh\n" >"$ESC_HOST/passwd"; rm -f "$b/rootfs/etc/passwd"; ln -s "$ESC_HOST/passwd" "$b/rootfs/etc/passwd"'
