# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash disable=SC2016
#
# Class 7 (issue 12): cgroups and limits. The victim is another job of the same mode (pids limit
# 1000) under the scratch cgroup parent CG. The untrusted tier caps pids at 4096.

victim_prep='esc_container victim; esc_watch_cgroup "$CONTAINER"'
# Reached when more tasks than the victim's one were in its cgroup tree during the run (this
# container joined it or sits below it), or when the victim's pids.max is no longer its own
# (then it is put back).
victim_check='n=$(esc_watched); v=$(esc_cgroup_file "$CONTAINER" pids pids.max)
if [ "$v" != 1000 ]; then echo 1000 >"/sys/fs/cgroup/pids/$ESC_CG/$CONTAINER/pids.max"; echo "reached the victim'"'"'s pids.max became $v"
elif [ "$n" -gt 1 ]; then echo "reached $n tasks in the victim'"'"'s cgroup tree during the run"; fi'
in_victim='grep -E "^[0-9]+:pids:" /proc/self/cgroup'
pids_check='v=$(cat /sys/fs/cgroup/pids/pids.max); echo pids.max $v
if [ "$v" = max ] || [ "$v" -gt 4096 ]; then echo ESC-REACHED pids.max $v above the tier; else echo ESC-BLOCKED pids.max $v; fi'

esc_case cgroup.join-victim 7 spec refused cgroup-path \
        'cgroupsPath = the victim'"'"'s cgroup, with pids limit 7: runc joins it and overwrites the victim'"'"'s limit' \
        -- esc_bundle '.linux.cgroupsPath = "/\($cg)/esc-victim-\($id[-1:])" | .linux.resources.pids = {limit: 7}' \
        "$in_victim; sleep 0.3" --prep "$victim_prep" --reach 'pids:/.*esc-victim' --host-check "$victim_check"
esc_case cgroup.below-victim 7 spec refused cgroup-path \
        'cgroupsPath below the victim'"'"'s cgroup (charged to it, inside its tree)' \
        -- esc_bundle '.linux.cgroupsPath = "/\($cg)/esc-victim-\($id[-1:])/sub"' \
        "$in_victim; sleep 0.3" --prep "$victim_prep" --reach 'pids:/.*esc-victim' --host-check "$victim_check"
esc_case cgroup.dotdot 7 spec refused cgroup-path \
        'cgroupsPath "/CG/OWN-ID/../esc-victim": its own name, then ..' \
        -- esc_bundle '.linux.cgroupsPath = "/\($cg)/\($id)/../esc-victim-\($id[-1:])" | .linux.resources.pids = {limit: 7}' \
        "$in_victim; sleep 0.3" --prep "$victim_prep" --reach 'pids:/.*esc-victim' --host-check "$victim_check"
esc_case cgroup.unified-key 7 spec refused cgroup-unified \
        'linux.resources.unified with a key outside an allow list ("cgroup.subtree_control")' \
        --bypass-na 'cgroup v1 host: runc refuses unified resources' \
        -- esc_bundle '.linux.resources.unified = {"cgroup.subtree_control": "+pids"}' "$pids_check"
esc_case cgroup.pids-4194304 7 spec 'refused|contained' pids-limit \
        'pids limit 4194304 (above the tier'"'"'s 4096)' \
        -- esc_bundle '.linux.resources.pids = {limit: 4194304}' "$pids_check"
esc_case cgroup.pids-minus-1 7 spec 'refused|contained' pids-limit \
        'pids limit -1 (unlimited)' \
        -- esc_bundle '.linux.resources.pids = {limit: -1}' "$pids_check"
esc_case cgroup.pids-0 7 spec 'refused|contained' pids-limit \
        'pids limit 0 (runc: no limit)' \
        -- esc_bundle '.linux.resources.pids = {limit: 0}' "$pids_check"
esc_case cgroup.memory-1TiB 7 spec 'refused|contained' memory-limit \
        'memory limit 1 TiB, above any tier cap' \
        -- esc_bundle '.linux.resources.memory.limit = 1099511627776' \
        'm=$(cat /sys/fs/cgroup/memory/memory.limit_in_bytes); echo limit $m
if [ ${#m} -ge 13 ]; then echo ESC-REACHED memory limit $m; else echo ESC-BLOCKED memory limit $m; fi'
esc_case cgroup.tmpfs-no-size 7 spec 'refused|contained' tmpfs-size \
        'a tmpfs without size= (the kernel default: half of the RAM)' \
        -- esc_bundle '.mounts += [{destination: "/big", type: "tmpfs", source: "tmpfs", options: ["rw", "nosuid", "nodev"]}]' \
        't=$(awk "/^MemTotal:/ {print \$2}" /proc/meminfo); s=$(df -k /big | awk "NR == 2 {print \$2}"); echo size ${s}k of ${t}k
if [ "$s" -ge $((t / 2 - t / 20)) ]; then echo ESC-REACHED tmpfs of ${s}k; else echo ESC-BLOCKED tmpfs of ${s}k; fi'
esc_case cgroup.oom-score-negative 7 spec 'refused|contained' oom-score \
        'process.oomScoreAdj -999: the OOM killer takes host processes first' \
        --bypass-na 'root on this machine lacks CAP_SYS_RESOURCE: runc itself cannot lower oom_score_adj' \
        -- esc_bundle '.process.oomScoreAdj = -999' \
        'o=$(cat /proc/self/oom_score_adj); if [ "$o" -lt 0 ]; then echo ESC-REACHED oom_score_adj $o; else echo ESC-BLOCKED oom_score_adj $o; fi'
for p in shared rshared; do
        esc_case "cgroup.propagation-$p" 7 spec 'refused|contained' rootfs-propagation \
                "linux.rootfsPropagation \"$p\"" \
                --bypass-na 'runc 1.1 makes the rootfs'"'"' parent mount private: no mount event reaches the host here (checked with a shared scratch mount too)' \
                -- esc_bundle ".linux.rootfsPropagation = \"$p\"" \
                'l=$(awk "\$5 == \"/\"" /proc/self/mountinfo); echo "$l"
case "$l" in *shared:*) echo ESC-REACHED the root mount is shared;; *) echo ESC-BLOCKED private root;; esac'
done
