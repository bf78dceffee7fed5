# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash disable=SC2016
#
# Class 6 (issue 12): mount options. No remount; binds from the host get nosuid,nodev; read-only
# stays read-only whatever follows. The test tier "cache" has a read-only bind prefix ROPREFIX.

ro_write='if touch /tools/pwned 2>/dev/null; then echo ESC-REACHED wrote the read-only bind; else echo ESC-BLOCKED read-only; fi'
ro_host='if [ -e "$ESC/roprefix/tools/pwned" ]; then rm -f "$ESC/roprefix/tools/pwned"; echo "reached the host file under the read-only prefix was written"; fi'
# opt_missing DEST OPT: the check from inside that the mount at DEST carries OPT.
opt_missing()
{
        printf 'l=$(grep " %s " /proc/self/mountinfo | tail -n 1); echo "$l"
case "$l" in *%s*) echo ESC-BLOCKED %s;; "") echo ESC-BLOCKED no mount;; *) echo ESC-REACHED %s without %s;; esac' \
                "$1" "$2" "$2" "$1" "$2"
}

esc_case mopt.tmpfs-remount 6 spec 'refused|contained' mount-options \
        'a read-only bind of ROPREFIX/tools, then a tmpfs entry with "remount,rw,suid,dev" at the same destination' \
        -- esc_bundle '.mounts += [bindro("\($esc)/roprefix/tools"; "/tools"),
                {destination: "/tools", type: "tmpfs", source: "tmpfs", options: ["remount", "rw", "suid", "dev"]}]' \
        "$ro_write" --policy test --tier cache --host-check "$ro_host"
esc_case mopt.bind-remount 6 spec 'refused|contained' mount-options \
        'a read-only bind of ROPREFIX/tools, then a second bind entry with "remount,rw" at the same destination' \
        -- esc_bundle '.mounts += [bindro("\($esc)/roprefix/tools"; "/tools"),
                {destination: "/tools", type: "bind", source: "\($esc)/roprefix/tools", options: ["remount", "bind", "rw"]}]' \
        "$ro_write" --policy test --tier cache --host-check "$ro_host"
esc_case mopt.ro-then-rw 6 spec 'refused|contained' mount-options \
        'a bind of the read-only prefix with options "rbind,ro,rw" (the last wins in runc)' \
        -- esc_bundle '.mounts += [{destination: "/tools", type: "bind", source: "\($esc)/roprefix/tools",
                options: ["rbind", "ro", "rw"]}]' \
        "$ro_write" --policy test --tier cache --host-check "$ro_host"
esc_case mopt.bind-suid 6 spec 'refused|contained' mount-options \
        'a bind of the read-only prefix with "suid"; checked inside: nosuid' \
        -- esc_bundle '.mounts += [{destination: "/tools", type: "bind", source: "\($esc)/roprefix/tools",
                options: ["rbind", "ro", "suid"]}]' \
        "$(opt_missing /tools nosuid)" --policy test --tier cache
esc_case mopt.bind-dev 6 spec 'refused|contained' mount-options \
        'a bind of the read-only prefix with "dev"; checked inside: nodev' \
        -- esc_bundle '.mounts += [{destination: "/tools", type: "bind", source: "\($esc)/roprefix/tools",
                options: ["rbind", "ro", "dev"]}]' \
        "$(opt_missing /tools nodev)" --policy test --tier cache
esc_case mopt.volume-suid-dev 6 spec 'refused|contained' mount-options \
        'a volume'"'"'s _data bound with "suid,dev" (shipped policy); checked inside: nosuid and nodev' \
        -- esc_bundle '.mounts += [{destination: "/data", type: "bind", source: "\($data)/volumes/v-\($id)/_data",
                options: ["rbind", "rw", "suid", "dev"]}]' \
        "$(opt_missing /data nosuid); $(opt_missing /data nodev)" \
        --prep 'mkdir -p "$ESC_DATA/volumes/v-$ESC_CID/_data"'
esc_case mopt.tmpfs-suid-dev 6 spec 'refused|contained' 'mount-options|tmpfs-size' \
        'a tmpfs with "exec,suid,dev" (docker --tmpfs /x:exec,suid,dev); checked inside: nosuid and nodev' \
        -- esc_bundle '.mounts += [{destination: "/x", type: "tmpfs", source: "tmpfs",
                options: ["rw", "exec", "suid", "dev", "size=1m"]}]' \
        "$(opt_missing /x nosuid); $(opt_missing /x nodev)"
