# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash disable=SC2016
#
# Issue 19: volumes that are host paths in disguise, and other containers' namespaces. Through a
# dockerd of the suite's own (engines.sh); SVC is a container of the service tier (runtime
# runwarden-svc) holding a secret in its environment, its /dev/shm, a volume and a loopback web
# server. MODE is p (plain) or w (runwarden), so each column has its own volumes.

vopt='volume-driver=local,volume-opt=type=none,volume-opt=o=bind'
esc_case vol.mount-opt-dir 19a docker-client refused host-mount \
        '--mount type=volume,...,volume-opt=type=none,o=bind,device=HOSTDIR: dockerd binds the host dir at the volume'"'"'s _data' \
        -- esc_docker -- --mount "type=volume,src=hv-dir-MODE,dst=/host,$vopt,volume-opt=device=$ESC_HOST" -- \
        'cat /host/secret || echo ESC-BLOCKED; touch /host/pwned || echo ESC-BLOCKED'
esc_case vol.mount-opt-root 19a docker-client refused host-mount \
        'the same with device=/ (read-only; reads the canary through the host'"'"'s /)' \
        -- esc_docker -- --mount "type=volume,src=hv-root-MODE,dst=/host,readonly,$vopt,volume-opt=device=/" -- \
        "cat /host$ESC_HOST/secret || echo ESC-BLOCKED"
esc_case vol.create-bind 19a docker-client refused host-mount \
        'docker volume create --opt type=none --opt o=bind --opt device=HOSTDIR (compose driver_opts), then -v' \
        -- esc_docker --prep 'docker volume create --opt type=none --opt o=bind --opt "device=$ESC_HOST" "hv-create-${ESC_MODE:0:1}" >/dev/null' \
        -- -v hv-create-MODE:/host -- 'cat /host/secret || echo ESC-BLOCKED'
esc_case vol.loop-ext4 19a docker-client refused host-mount \
        'docker volume create --opt type=ext4 --opt device=/dev/loopN (a scratch image holding the canary)' \
        -- esc_docker --prep 'esc_loop && docker volume create --opt type=ext4 --opt "device=$ESC_LOOP" "hv-loop-${ESC_MODE:0:1}" >/dev/null' \
        -- -v hv-loop-MODE:/host -- 'cat /host/secret || echo ESC-BLOCKED'
# A tier may allow volumes that are filesystems of their own (volumes.mounts: the test tier
# volmounts lists ext4, tmpfs and xfs): the loop volume then works, and a bind of a host
# directory dressed as a volume stays refused whatever filesystem that directory is on.
esc_case vol.loop-ext4-listed 19a docker-client allowed - \
        'the loop-device ext4 volume, in a tier whose volumes.mounts lists ext4' \
        -- esc_docker --runtime runwarden-volmounts --prep 'esc_loop && docker volume create --opt type=ext4 --opt "device=$ESC_LOOP" "hv-loopok-${ESC_MODE:0:1}" >/dev/null' \
        -- -v hv-loopok-MODE:/vol -- 'echo hi >/vol/f && grep -q hi /vol/f && echo ESC-OK'
esc_case vol.mount-opt-dir-listed 19a docker-client refused host-mount \
        'the host dir dressed as a volume, in a tier whose volumes.mounts lists the filesystem types' \
        -- esc_docker --runtime runwarden-volmounts -- --mount "type=volume,src=hv-dirl-MODE,dst=/host,$vopt,volume-opt=device=$ESC_HOST" -- \
        'cat /host/secret || echo ESC-BLOCKED; touch /host/pwned || echo ESC-BLOCKED'
esc_case vol.compose-allowed 19a docker-client allowed - \
        'a compose-style named volume without driver options' \
        -- esc_docker --prep 'docker volume create --label com.docker.compose.project=esc --label com.docker.compose.volume=data "esc_data-${ESC_MODE:0:1}" >/dev/null' \
        -- -v esc_data-MODE:/d -- 'echo hi >/d/f && grep -q hi /d/f && echo ESC-OK'
esc_case ns.pid-svc 19b docker-client refused namespace-join \
        '--pid container:SVC, then read the service'"'"'s /proc/PID/environ' \
        -- esc_docker -- --pid container:SVC -- \
        'for e in /proc/[0-9]*/environ; do tr "\0" "\n" <$e 2>/dev/null | grep SVC_TOKEN; done; echo ESC-BLOCKED'
esc_case ns.net-svc 19b docker-client refused namespace-join \
        '--network container:SVC, then its loopback-only web server' \
        -- esc_docker --own-net -- --network container:SVC -- \
        'wget -qO- http://127.0.0.1:7777/secret || echo ESC-BLOCKED'
esc_case ns.ipc-svc 19b docker-client refused namespace-join \
        '--ipc container:SVC, then its /dev/shm' \
        -- esc_docker -- --ipc container:SVC -- 'cat /dev/shm/t || echo ESC-BLOCKED'

# The same doors in a raw spec (containerd, CRI, NRI clients): namespace paths of the service.
svc_ns='def join($pid; $types): .linux.namespaces |= map(if (.type | IN($types[])) then .path = "/proc/\($pid)/ns/\({pid: "pid", network: "net", ipc: "ipc", mount: "mnt", uts: "uts"}[.type])" else . end);'
esc_case ns.pid-svc-spec 19b spec refused namespace-join \
        'a spec joining the service container'"'"'s pid namespace by path, reading its environment' \
        -- esc_bundle "$svc_ns"' join($ENV.ESC_SVCPID; ["pid"])' \
        'tr "\0" "\n" </proc/1/environ | grep SVC_TOKEN || echo ESC-BLOCKED' \
        --prep 'esc_container svc; export ESC_SVCPID=$CONTAINER_PID'
esc_case ns.net-svc-spec 19b spec refused namespace-join \
        'a spec joining the service container'"'"'s network namespace by path (its loopback-only server)' \
        -- esc_bundle "$svc_ns"' join($ENV.ESC_SVCPID; ["network"]) | del(.linux.sysctl)' \
        'wget -qO- http://127.0.0.1:7779/s || echo ESC-BLOCKED' \
        --prep 'esc_container svc; export ESC_SVCPID=$CONTAINER_PID'
esc_case ns.pod-pair-allowed 19b spec allowed - \
        'a pod: a container joining its sandbox'"'"'s network and IPC namespaces (same sandbox id in the CRI annotations)' \
        -- esc_bundle "$svc_ns"' join($ENV.ESC_SBPID; ["network", "ipc"])
                | .annotations = {"io.kubernetes.cri.container-type": "container",
                                  "io.kubernetes.cri.sandbox-id": $ENV.ESC_SBID}' \
        'wget -qO- http://127.0.0.1:7778/x | grep -q pod-ok && echo ESC-OK' \
        --prep 'esc_container sandbox; export ESC_SBPID=$CONTAINER_PID ESC_SBID=$CONTAINER'
