# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash disable=SC2016
#
# Class 1 (issue 12): runc reads the spec differently. Go's encoding/json matches keys
# case-insensitively with Unicode simple folding (ſ U+017F = s, K U+212A = k) and keeps the last
# of several matching keys; runwarden must judge exactly what runc will decode.

# Snippets: what the container tries, and how it says that it worked.
host_rw='cat /host/secret || echo ESC-BLOCKED no host canary; touch /host/pwned 2>/dev/null || echo ESC-BLOCKED cannot write the host'
cap_sys_admin='c=$(grep CapEff /proc/self/status | cut -f2); echo CapEff $c
if [ $(( (0x$c >> 21) & 1 )) = 1 ]; then echo ESC-REACHED CAP_SYS_ADMIN is effective; else echo ESC-BLOCKED no CAP_SYS_ADMIN; fi'
root_write='if touch /pwned-root 2>/dev/null; then echo ESC-REACHED wrote the image root; else echo ESC-BLOCKED read-only root; fi'
no_seccomp='if grep -q "^Seccomp:.0" /proc/self/status; then echo ESC-REACHED no seccomp filter; else echo ESC-BLOCKED $(grep ^Seccomp: /proc/self/status); fi'
uid0='if [ "$(id -u)" = 0 ]; then echo ESC-REACHED runs as uid 0; else echo ESC-BLOCKED uid $(id -u); fi'

esc_case spec.Mounts-after 1 spec refused spec \
        '"Mounts" after "mounts": the same list plus a rw bind of the host dir; Go keeps the later key' \
        -- esc_bundle '.Mounts = .mounts + [hostbind]' "$host_rw"
esc_case spec.MOUNTS-upper 1 spec refused spec \
        '"MOUNTS" (upper case) after "mounts" with the host bind' \
        -- esc_bundle '.MOUNTS = .mounts + [hostbind]' "$host_rw"
esc_case spec.mounts-long-s 1 spec refused spec \
        '"mountſ" (U+017F long s folds to s) after "mounts" with the host bind' \
        -- esc_bundle '.["mount\u017f"] = .mounts + [hostbind]' "$host_rw"
esc_case spec.mount-Source 1 spec refused spec \
        'a bind whose "source" is its own hosts file and whose later "Source" is the host dir' \
        -- esc_bundle '.mounts += [{destination: "/host", type: "bind",
                source: "\($data)/containers/\($id)/hosts", Source: $host, options: ["rbind", "rw"]}]' "$host_rw"
esc_case spec.mount-Type 1 spec refused spec \
        'a "tmpfs" whose later "Type" makes it a bind of the host dir' \
        -- esc_bundle '.mounts += [{destination: "/host", type: "tmpfs", source: $host, Type: "bind",
                options: ["rbind", "rw"]}]' "$host_rw"
esc_case spec.mounts-duplicate 1 spec refused 'spec|none' \
        'two exact "mounts" keys, the second with the host bind' \
        -- esc_bundle '.mountsDUP = .mounts + [hostbind]' "$host_rw" --raw 's/"mountsDUP"/"mounts"/'
esc_case spec.process-Capabilities 1 spec refused spec \
        '"Capabilities" after process.capabilities asks for CAP_SYS_ADMIN' \
        -- esc_bundle '.process.Capabilities = allcaps(.process.capabilities.bounding + ["CAP_SYS_ADMIN"])' "$cap_sys_admin"
esc_case spec.Process 1 spec refused spec \
        'a whole "Process" object after "process", with CAP_SYS_ADMIN' \
        -- esc_bundle '.Process = (.process | .capabilities = allcaps(.capabilities.bounding + ["CAP_SYS_ADMIN"]))' "$cap_sys_admin"
esc_case spec.caps-EFFECTIVE 1 spec refused spec \
        'upper-case "BOUNDING"/"PERMITTED"/"EFFECTIVE" sets with CAP_SYS_ADMIN inside process.capabilities' \
        -- esc_bundle '.process.capabilities += {BOUNDING: (.process.capabilities.bounding + ["CAP_SYS_ADMIN"]),
                PERMITTED: (.process.capabilities.bounding + ["CAP_SYS_ADMIN"]),
                EFFECTIVE: (.process.capabilities.bounding + ["CAP_SYS_ADMIN"])}' "$cap_sys_admin"
esc_case spec.root-Readonly 1 spec refused spec \
        'root {"readonly": true, "Readonly": false}: runwarden sees read-only, runc a writable image' \
        -- esc_bundle '.root = {path: "rootfs", readonly: true, Readonly: false}' "$root_write"
esc_case spec.Root 1 spec refused spec \
        'a "Root" object after "root" with readonly false' \
        -- esc_bundle '.root.readonly = true | .Root = {path: "rootfs", readonly: false}' "$root_write"
esc_case spec.linux-Seccomp-null 1 spec refused spec \
        '"Seccomp": null after linux.seccomp removes the filter' \
        -- esc_bundle '.linux.Seccomp = null' "$no_seccomp"
esc_case spec.seccomp-long-s 1 spec refused spec \
        '"ſeccomp": null (U+017F) after linux.seccomp' \
        -- esc_bundle '.linux["\u017feccomp"] = null' "$no_seccomp"
esc_case spec.maskedPaths-kelvin 1 spec refused spec \
        '"masKedPaths": [] with the Kelvin sign (U+212A) unmasks /proc/keys' \
        -- esc_bundle '.linux["mas\u212aedPaths"] = []' \
        'n=$(wc -c </proc/keys); if [ "$n" -gt 0 ]; then echo ESC-REACHED /proc/keys shows $n bytes; else echo ESC-BLOCKED /proc/keys masked; fi'
esc_case spec.hooks-kelvin 1 spec refused 'spec|hooks' \
        '"hooKs" with the Kelvin sign: a prestart hook that writes to the host' \
        -- esc_bundle '.["hoo\u212as"] = {prestart: [{path: "/bin/sh", args: ["sh", "-c", "echo kelvin >\($host)/hook-kelvin"]}]}' 'true'
esc_case spec.Linux-no-pidns 1 spec refused spec \
        'a "Linux" object after "linux" without a pid namespace: the host pid namespace' \
        -- esc_bundle '.Linux = (.linux | .namespaces |= map(select(.type != "pid")))' \
        'cat /proc/[0-9]*/cmdline 2>/dev/null | tr "\0" "\n" | grep -m1 -oE "escape-canary-[0-9a-f]{32}" || echo ESC-BLOCKED no host process visible' \
        --prep esc_host_process
esc_case spec.exec-process-User 1 exec-process refused spec \
        'docker exec process file: "user" is the owner (uid 1000), a later "User" is uid 0' \
        -- esc_exec job --process '.user = {uid: 1000, gid: 1000} | .User = {uid: 0, gid: 0}' -- -- "$uid0"
esc_case spec.exec-process-user-long-s 1 exec-process refused spec \
        'exec process file: "uſer" (U+017F) with uid 0 after "user"' \
        -- esc_exec job --process '.user = {uid: 1000, gid: 1000} | .["u\u017fer"] = {uid: 0, gid: 0}' -- -- "$uid0"
esc_case spec.exec-process-Capabilities 1 exec-process refused spec \
        'exec process file: "Capabilities" with CAP_SYS_ADMIN after "capabilities"' \
        -- esc_exec job --process '.user = {uid: 1000, gid: 1000} | .Capabilities = allcaps(["CAP_SYS_ADMIN"])' -- -- "$cap_sys_admin"
