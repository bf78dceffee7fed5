# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash disable=SC2016
#
# Class 8 (issue 12): every command judged by what it means, not by its spelling. "svc" is a
# container of the shipped service tier (exec denied), "job" an untrusted job running as uid
# 1000 (exec only as that user). ROOT is the state root the container was created under.

steal='cat /svcsecret || echo ESC-BLOCKED'
uid0='if [ "$(id -u)" = 0 ]; then echo ESC-REACHED runs as uid 0; else echo ESC-BLOCKED uid $(id -u); fi'
cap_sys_admin='c=$(grep CapEff /proc/self/status | cut -f2); echo CapEff $c
if [ $(( (0x$c >> 21) & 1 )) = 1 ]; then echo ESC-REACHED CAP_SYS_ADMIN is effective; else echo ESC-BLOCKED no CAP_SYS_ADMIN; fi'

esc_case cmd.exec-deny 8 cmdline refused exec-policy \
        'exec into the service container, --root as created' \
        -- esc_exec svc -- -- "$steal"
for spell in 'slash ROOT/' 'double-slash ROOT//' 'dot ROOT/.' 'dotdot ROOT/../state-MODE' 'symlink LINK' 'relative REL'; do
        name=${spell%% *}
        spell=${spell#* }
        case $spell in
        LINK) what='a symlink to ROOT' ;;
        REL) what='ROOT relative to the working directory' ;;
        *) what="\"$spell\"" ;;
        esac
        esc_case "cmd.exec-deny-root-$name" 8 cmdline refused exec-policy \
                "exec into the service container with --root spelled $what" \
                -- esc_exec svc --root "$spell" -- -- "$steal"
done
esc_case cmd.exec-user-0 8 cmdline refused exec-policy \
        'exec --user 0 into the uid-1000 job' \
        -- esc_exec job -- --user 0 -- "$uid0"
esc_case cmd.exec-user-wrap 8 cmdline refused exec-policy \
        'exec --user 4294967296 (runc truncates it to uid 0)' \
        -- esc_exec job -- --user 4294967296 -- "$uid0"
esc_case cmd.exec-u-equals 8 cmdline refused exec-policy \
        'exec -u=0:0 (Go flag spelling)' \
        -- esc_exec job -- -u=0:0 -- "$uid0"
esc_case cmd.exec-additional-gids 8 cmdline refused exec-policy \
        'exec --additional-gids 0 as uid 1000: reads a file only group 0 may read' \
        -- esc_exec job -- --additional-gids 0 -- 'cat /g0secret || echo ESC-BLOCKED'
# The same through a process file, as docker exec hands it over: compared with the container's
# process as runwarden recorded it at create (its config.json is not read again).
esc_case cmd.exec-process-additional-gids 8 exec-process refused exec-policy \
        'exec process file with additionalGids [0] as uid 1000: reads a file only group 0 may read' \
        -- esc_exec job --process '.user = {uid: 1000, gid: 1000, additionalGids: [0]}' -- -- \
        'cat /g0secret || echo ESC-BLOCKED'
esc_case cmd.exec-process-apparmor 8 exec-process refused exec-policy \
        'exec process file asking for apparmorProfile "unconfined"' \
        --bypass-na 'AppArmor is not enabled on this machine' \
        -- esc_exec job --process '.user = {uid: 1000, gid: 1000} | .apparmorProfile = "unconfined"' \
        -- -- 'true'
# An exec process file runwarden hardens rather than refuses: runc reads the hardened process
# from a sealed memfd runwarden names on its command line, never the engine's file, and the
# process started does not hold that descriptor (with and without --preserve-fds).
memfd_or_caps='if ls -l /proc/self/fd/ | grep -q memfd; then echo ESC-REACHED a memfd of runwarden is open in the process; else '"$cap_sys_admin"'; fi'
esc_case cmd.exec-process-caps-memfd 8 exec-process contained caps-drop \
        'exec process file of the root job asking for CAP_SYS_ADMIN (hardened, handed to runc in a memfd)' \
        -- esc_exec rootjob --process '.user = {uid: 0, gid: 0} | .capabilities = allcaps(["CAP_SYS_ADMIN"])' \
        -- -- "$memfd_or_caps"
esc_case cmd.exec-process-caps-preserve-fds 8 exec-process contained caps-drop \
        'the same with --preserve-fds 0 and the -p=FILE spelling' \
        -- esc_exec rootjob --pspell '-p=' --process '.user = {uid: 0, gid: 0} | .capabilities = allcaps(["CAP_SYS_ADMIN"])' \
        -- --preserve-fds 0 -- "$memfd_or_caps"
# A client that picks container ids (containerd's API, a second engine on the same --root) sends a
# create for the running uid-1000 job's id with a uid-0 spec: runc refuses it, but runwarden must
# not have taken its record (user, groups) from that spec meanwhile. The spec has a cgroup of its
# own below the suite's, so that only the id is in the way.
recreate_uid0='.process.user = {uid: 0, gid: 0, additionalGids: [0]} | .linux.cgroupsPath = "/\($cg)/again/\($id)"'
esc_case cmd.recreate-then-exec 8 cmdline refused exec-policy \
        'create of the running uid-1000 job'"'"'s id from a uid-0 spec with group 0 (runc refuses it), then exec --process as uid 0 with group 0' \
        -- esc_exec job --prep 'esc_recreate "$recreate_uid0"' \
        --process '.user = {uid: 0, gid: 0, additionalGids: [0]}' -- -- "$uid0"
# An exec of a container whose policy file is unchanged since its create is decided from what the
# create recorded of the tier (docs/performance.md); an operator who forbids exec afterwards must
# be obeyed at once by the next exec, in both the process-file and the command-line form.
esc_case cmd.exec-after-policy-tightened 8 exec-process refused exec-policy \
        'exec --process into a running job after the operator set its tier to exec "deny"' \
        -- esc_exec job --prep 'esc_policy_edit ".tiers.untrusted.exec = \"deny\""' \
        --post esc_policy_restore --process '.user = {uid: 1000, gid: 1000}' -- -- \
        'echo ESC-REACHED exec ran in a tier that no longer allows it'
esc_case cmd.exec-cmdline-after-policy-tightened 8 cmdline refused exec-policy \
        'exec (command line) into a running job after the operator set its tier to exec "deny"' \
        -- esc_exec job --prep 'esc_policy_edit ".tiers.untrusted.exec = \"deny\""' \
        --post esc_policy_restore -- --user 1000:1000 -- \
        'echo ESC-REACHED exec ran in a tier that no longer allows it'
esc_case cmd.exec-cap 8 cmdline refused 'caps-drop|exec-caps' \
        'exec --cap CAP_SYS_ADMIN into a job running as root' \
        -- esc_exec rootjob -- --cap CAP_SYS_ADMIN -- "$cap_sys_admin"
esc_case cmd.exec-no-new-privs-false 8 cmdline refused no-new-privileges \
        'exec --no-new-privs=false' \
        -- esc_exec job -- --no-new-privs=false -- \
        'if grep -q "^NoNewPrivs:.0" /proc/self/status; then echo ESC-REACHED no_new_privs is off; else echo ESC-BLOCKED no_new_privs; fi'
esc_case cmd.exec-apparmor 8 cmdline refused 'exec-policy|runtime-command' \
        'exec --apparmor unconfined' \
        --bypass-na 'AppArmor is not enabled on this machine' \
        -- esc_exec job -- --apparmor unconfined -- 'true'
esc_case cmd.exec-process-label 8 cmdline refused 'exec-policy|runtime-command' \
        'exec --process-label (an SELinux type of the host)' \
        --bypass-na 'SELinux is not enabled on this machine' \
        -- esc_exec job -- --process-label system_u:system_r:spc_t:s0 -- 'true'
esc_case cmd.exec-cwd-fd 8 cmdline refused process-cwd \
        'exec --cwd /proc/self/fd/7 (CVE-2024-21626: a leaked host directory descriptor)' \
        --bypass-na 'this runc carries the CVE-2024-21626 fix' \
        -- esc_exec job -- --cwd /proc/self/fd/7 -- "cat ../../../..$ESC_HOST/secret || echo ESC-BLOCKED"
esc_case cmd.exec-cgroup-dotdot 8 cmdline refused 'cgroup-path|exec-policy|runtime-command' \
        'exec --cgroup ../x (a cgroup outside its own)' \
        --bypass-na 'runc refuses a sub-cgroup path with ..' \
        -- esc_exec job -- --cgroup ../x -- 'cat /proc/self/cgroup'
esc_case cmd.update-pids-minus-1 8 cmdline refused pids-limit \
        'update --pids-limit -1 (unlimited)' \
        -- esc_update -- --pids-limit -1
# 0 is runc's "leave the limit as it is" (libcontainer skips it): not an attack, handed on.
esc_case cmd.update-pids-0 8 cmdline 'contained|runc-failed' pids-limit \
        'update --pids-limit 0: a no-op for runc, handed on' \
        --bypass-na 'runc 1.1 ignores 0' \
        -- esc_update -- --pids-limit 0
esc_case cmd.update-pids-above 8 cmdline refused pids-limit \
        'update --pids-limit 100000 (above the tier'"'"'s 4096)' \
        -- esc_update -- --pids-limit 100000
esc_case cmd.update-r-file 8 cmdline refused pids-limit \
        'update -r FILE with pids limit 99999' \
        -- esc_update --file '{"pids": {"limit": 99999}}' --
esc_case cmd.update-r-stdin 8 cmdline refused pids-limit \
        'update -r - (containerd'"'"'s way) with pids limit -1 on stdin' \
        -- esc_update --stdin '{"pids": {"limit": -1}}' --
esc_case cmd.update-r-stdin-spelling 8 cmdline refused 'pids-limit|spec' \
        'update -r - with {"PIDS": {"LIMIT": -1}} (Go folds the keys)' \
        -- esc_update --stdin '{"PIDS": {"LIMIT": -1}}' --
esc_case cmd.update-r-devices 8 cmdline refused devices \
        'update -r - allowing every device' \
        --bypass-na 'runc 1.1 does not apply devices on update' \
        -- esc_update --stdin '{"devices": [{"allow": true, "access": "rwm"}]}' --
esc_case cmd.restore 8 cmdline refused host-mount \
        'restore of a bundle with a rw bind of the host dir (judged like create)' \
        --bypass-na 'criu is not installed' \
        -- esc_bundle '.mounts += [hostbind]' 'cat /host/secret' --cmd restore
esc_case cmd.criu 8 cmdline refused runtime-command \
        'global --criu PATH: checkpoint runs PATH as root on the host' \
        -- esc_command --global "--criu $ESC/bin/evil-criu" --container job -- \
        checkpoint --image-path "$ESC/ckpt" CONTAINER
esc_case cmd.no-pivot 8 cmdline refused runtime-command \
        'run --no-pivot (the host root stays under the container'"'"'s)' \
        --bypass-na 'runc accepts it; using it needs CAP_SYS_ADMIN' \
        -- esc_bundle '.' 'true' --flags --no-pivot
esc_case cmd.unknown 8 cmdline refused runtime-command \
        'a command runwarden does not know ("frobnicate")' \
        --bypass-na 'runc has no such command' \
        -- esc_command -- frobnicate x
esc_case cmd.help 8 cmdline refused runtime-command \
        '"help"' \
        --bypass-na 'runc prints its help' \
        -- esc_command -- help
