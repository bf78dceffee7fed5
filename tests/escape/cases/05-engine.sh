# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash disable=SC2016
#
# Class 5 (issue 12): engine-managed allowances belong to one container. The scratch engine
# layout stands in for /var/lib/docker (DATA), /var/lib/containerd (CROOT) and /run/containerd
# (CSTATE); the policy names them. VICTIM is another container of that layout.

esc_case engine.containers-dir 5 spec refused host-mount \
        'bind DATA/containers: every container'"'"'s config.v2.json (other jobs'"'"' environment)' \
        -- esc_bundle '.mounts += [bind("\($data)/containers"; "/x")]' \
        "cat /x/$ESC_VICTIM/config.v2.json || echo ESC-BLOCKED"
esc_case engine.other-container-dir 5 spec refused host-mount \
        'bind DATA/containers/VICTIM' \
        -- esc_bundle '.mounts += [bind("\($data)/containers/\($victim)"; "/x")]' \
        'cat /x/config.v2.json || echo ESC-BLOCKED'
esc_case engine.other-hosts-file 5 spec refused host-mount \
        'bind another container'"'"'s hosts file' \
        -- esc_bundle '.mounts += [bind("\($data)/containers/\($victim)/hosts"; "/x")]' \
        'cat /x || echo ESC-BLOCKED'
esc_case engine.dotdot-spelling 5 spec refused host-mount \
        'bind DATA/containers/OWN-ID/../VICTIM/hosts: its own directory, then ..' \
        -- esc_bundle '.mounts += [bind("\($data)/containers/\($id)/../\($victim)/hosts"; "/x")]' \
        'cat /x || echo ESC-BLOCKED'
esc_case engine.volumes-dir 5 spec refused host-mount \
        'bind DATA/volumes: every volume' \
        -- esc_bundle '.mounts += [bind("\($data)/volumes"; "/x")]' \
        'cat /x/othervol/_data/secret || echo ESC-BLOCKED'
esc_case engine.containerd-root 5 spec refused host-mount \
        'bind containerd'"'"'s root (like /var/lib/containerd)' \
        -- esc_bundle '.mounts += [bind($croot; "/x")]' \
        'cat /x/io.containerd.metadata.v1.bolt/meta.db || echo ESC-BLOCKED'
esc_case engine.task-dir 5 spec refused host-mount \
        'bind CSTATE/io.containerd.runtime.v2.task: every bundle, other containers'"'"' config.json' \
        -- esc_bundle '.mounts += [bind("\($cstate)/io.containerd.runtime.v2.task"; "/x")]' \
        "cat /x/moby/$ESC_VICTIM/config.json || echo ESC-BLOCKED"
esc_case engine.bundle-dot 5 spec refused host-mount \
        'bind source "." (its own bundle) read-write, then write into it' \
        -- esc_bundle '.mounts += [bind("."; "/bundle")]' \
        'touch /bundle/pwned 2>/dev/null || echo ESC-BLOCKED' \
        --host-check 'if [ -e "$b/pwned" ]; then echo "reached wrote into its own bundle"; fi'
esc_case engine.bundle-config 5 spec refused host-mount \
        'bind its own config.json read-write and rewrite it (a later exec reads it)' \
        -- esc_bundle '.mounts += [bind("config.json"; "/cfg")]' \
        'echo ESC-PWNED >>/cfg 2>/dev/null || echo ESC-BLOCKED' \
        --host-check 'if grep -q ESC-PWNED "$b/config.json"; then echo "reached rewrote its own config.json"; fi'
esc_case engine.own-files-allowed 5 spec allowed - \
        'its own hosts/hostname/resolv.conf, a secret under its own mounts/secrets, its own shm dir' \
        -- esc_bundle '.mounts |= map(select(.destination != "/dev/shm"))
                | .mounts += [bindro("\($data)/containers/\($id)/mounts/secrets/s1"; "/run/secrets/s1"),
                              bind("\($data)/containers/\($id)/mounts/shm"; "/dev/shm")]' \
        'cat /etc/hosts /etc/hostname /etc/resolv.conf /run/secrets/s1 >/dev/null && echo x >/dev/shm/x && echo ESC-OK' \
        --prep 'mkdir -p "$ESC_DATA/containers/$ESC_CID/mounts/secrets" "$ESC_DATA/containers/$ESC_CID/mounts/shm"; echo s >"$ESC_DATA/containers/$ESC_CID/mounts/secrets/s1"'
esc_case engine.policy-section 5 spec allowed - \
        'the policy names the engine directories ("engines": docker data_root, containerd root and state) and runwarden accepts it' \
        --bypass-na 'no policy without runwarden' \
        -- esc_policy_engines
