#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# shellcheck disable=SC2016  # jq filters name jq $variables in single quotes
#
# Kubernetes through containerd's CRI, driven the way kubelet drives it: RunPodSandbox with the
# runtime handler a RuntimeClass names, CreateContainer, StartContainer, ExecSync, then stop and
# remove, over containerd's gRPC socket with a small client of our own (cri/client.py, compiled
# from cri/api.proto at test time). No kubelet and no registry are needed.
#
# The containerd is the test's own (engines.sh). Its CRI handlers are the drop-in that ships in
# deploy/containerd/runwarden.toml, merged by deploy/containerd/merge-dropin.py exactly as the
# Kubernetes installer merges it; the test only maps the install path /usr/local/bin to its
# scratch one. The policy is the one the installer's ConfigMap carries
# (deploy/kubernetes/runwarden.yaml), plus the directories of this test's own containerd and
# kubelet root as bind prefixes (the built-in list names /var/lib/containerd, /run/containerd and
# /var/lib/kubelet/pods) and a scratch decision log.
#
# Pods get their network from cri/rw-dummy-cni: a veth pair inside the pod's own network
# namespace, nothing on the host side.
set -euo pipefail

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/engines.sh
. "$(dirname "$0")/engines.sh"

rw_need_cmd ip nsenter readlink
rw_init
pause_bin=$RW_BUILD_ROOT/tests/integration/pause
[ -x "$pause_bin" ] || rw_fatal "the pause binary is not built ($pause_bin)"
eprobe=$RW_BUILD_ROOT/tests/integration/egress-probe
etool=$RW_BUILD_ROOT/tests/integration/egress-tool
[ -x "$eprobe" ] && [ -x "$etool" ] || rw_fatal "egress-probe and egress-tool are not built"
py=/usr/bin/python3
$py -c 'import grpc, grpc_tools.protoc, google.protobuf, yaml' 2>/dev/null ||
        rw_fatal "Debian's python3 lacks grpc, grpc_tools or yaml (apt-get install python3-grpcio python3-grpc-tools python3-yaml)"
rw_eng_init

d=$RW_ENG_DIR
src=$RW_SOURCE_ROOT
cri_dir=$src/tests/integration/cri
audit=$RW_ENG_AUDIT
sandboxes=()

egress_ns=rwcri$$
egress_servers=()

# --- Cleanup: every pod the test started is stopped and removed through CRI, as kubelet would,
# so that containerd also removes the network namespaces it pinned under /var/run/netns.
cri_cleanup()
{
        local id
        for id in "${egress_servers[@]}"; do
                kill "$id" 2>/dev/null
        done
        ip netns del "$egress_ns" 2>/dev/null
        for id in "${sandboxes[@]}"; do
                cri stopp "$id" >/dev/null 2>&1
                cri rmp "$id" >/dev/null 2>&1
        done
}
rw_eng_on_exit cri_cleanup

# --- The handlers: the shipped drop-in, paths mapped to the scratch install --------------------
mkdir -p "$d/bin" "$d/cni/bin" "$d/cni/conf" "$d/logs" "$d/kubelet/pods" "$d/runc-cri"
dropin=$src/deploy/containerd/runwarden.toml
sed "s#/usr/local/bin/#$d/bin/#g" "$dropin" >"$d/dropin.toml"
# Templated for paths only: mapping them back gives the shipped file, byte for byte.
sed "s#$d/bin/#/usr/local/bin/#g" "$d/dropin.toml" >"$d/dropin.back"
rw_expect_same "the test's drop-in is the shipped one with only the install path changed" \
        "$dropin" "$d/dropin.back"
# Each handler's BinaryName is runwarden or a runwarden-TIER symlink to it.
while read -r name; do
        ln -s "$RW_ENG_RUNTIME" "$d/bin/${name##*/}"
done < <(sed -n 's#^ *BinaryName = "\(/usr/local/bin/[^"]*\)"#\1#p' "$dropin")
handlers=$(grep -c '^ *BinaryName' "$dropin")
[ "$handlers" -ge 2 ] || rw_fatal "the drop-in $dropin names fewer than two handlers"

# What only this test needs, merged after the drop-in: the local pause image, CNI in scratch,
# runc state in scratch, and oom_score_adj left alone (kubelet's -998 for sandboxes needs
# CAP_SYS_RESOURCE, which root may lack in a VM; restrict_oom_score_adj is containerd's answer).
{
        echo 'version = 2'
        echo '[plugins."io.containerd.grpc.v1.cri"]'
        echo '  sandbox_image = "docker.io/library/rw-pause:test"'
        echo '  restrict_oom_score_adj = true'
        echo '[plugins."io.containerd.grpc.v1.cri".cni]'
        echo "  bin_dir = \"$d/cni/bin\""
        echo "  conf_dir = \"$d/cni/conf\""
        while read -r name; do
                echo "[plugins.\"io.containerd.grpc.v1.cri\".containerd.runtimes.$name.options]"
                echo "  Root = \"$d/runc-cri\""
        done < <(sed -n 's#^\[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.\([a-z0-9-]*\)\]$#\1#p' "$dropin")
} >"$d/test.toml"

cp "$cri_dir/rw-dummy-cni" "$d/cni/bin/rw-dummy"
ln -s /usr/lib/cni/loopback "$d/cni/bin/loopback"
[ -x /usr/lib/cni/loopback ] ||
        rw_fatal "no CNI loopback plugin at /usr/lib/cni/loopback (apt-get install containernetworking-plugins)"
jq -n '{cniVersion: "0.4.0", name: "rw-pod",
        plugins: [{type: "rw-dummy", address: "192.0.2.2/24"}]}' >"$d/cni/conf/10-rw-pod.conflist"

# --- The policy: the installer's ConfigMap, plus this test's engine directories, a label the -----
# trusted tier requires and privileged containers refused (an operator's choices, docs/policy.md)
$py -c '
import sys, yaml
for doc in yaml.safe_load_all(open(sys.argv[1])):
    if doc and doc.get("kind") == "ConfigMap" and "policy.json" in doc.get("data", {}):
        sys.stdout.write(doc["data"]["policy.json"])
        break
else:
    sys.exit("no ConfigMap with policy.json in " + sys.argv[1])
' "$src/deploy/kubernetes/runwarden.yaml" >"$d/shipped-policy.json" ||
        rw_fatal "cannot read the policy of deploy/kubernetes/runwarden.yaml"
jq --arg audit "$audit" --arg root "$d/containerd/root" --arg state "$d/containerd/state" \
        --arg kubelet "$d/kubelet" '
        .audit_log.path = $audit
        | .engines = {containerd: {root: $root, state: $state}, kubelet: {root: $kubelet}}
        | .tiers.trusted.require = {annotations: {"runwarden.io/ephemeral": "true"}}
        | .tiers.untrusted.rules.privileged = "refuse"' \
        "$d/shipped-policy.json" >"$d/policy.json"
rw_eng_policy "$d/policy.json"

rw_eng_start_containerd --cri --merge "$d/dropin.toml" --merge "$d/test.toml"

# --- Images, loaded as an operator would preload them ------------------------------------------
k8s_ctr()
{
        ctr --address "$RW_ENG_CONTAINERD_SOCK" --namespace k8s.io "$@"
}

mkdir -p "$d/pause-rootfs"
cp "$pause_bin" "$d/pause-rootfs/pause"
tar --numeric-owner -C "$d/pause-rootfs" -cf "$d/pause.tar" .
rw_eng_oci_archive "$d/pause.tar" docker.io/library/rw-pause:test "$d/pause-oci.tar" \
        '{"Cmd": ["/pause"]}'
k8s_ctr images import "$d/pause-oci.tar" >/dev/null || rw_fatal "ctr -n k8s.io images import (pause) failed"

# busybox and the probe; /var/run is a link to /run, as in Debian's and Alpine's images, so the
# service account volume below /var/run/secrets lands inside runwarden's /run scratch tmpfs.
rw_make_rootfs "$d/busybox-rootfs"
cp "$eprobe" "$d/busybox-rootfs/egress-probe"
ln -s /run "$d/busybox-rootfs/var/run"
tar --numeric-owner -C "$d/busybox-rootfs" -cf "$d/busybox.tar" .
rw_eng_oci_archive "$d/busybox.tar" docker.io/library/rw-busybox:test "$d/busybox-oci.tar"
k8s_ctr images import "$d/busybox-oci.tar" >/dev/null ||
        rw_fatal "ctr -n k8s.io images import (busybox) failed"

# --- The CRI client -----------------------------------------------------------------------------
gen=$d/cri-gen
mkdir -p "$gen"
$py -m grpc_tools.protoc -I "$cri_dir" --python_out="$gen" --grpc_python_out="$gen" \
        "$cri_dir/api.proto" || rw_fatal "grpc_tools.protoc failed on cri/api.proto"

cri()
{
        timeout 180 $py "$cri_dir/client.py" --socket "$RW_ENG_CONTAINERD_SOCK" --gen "$gen" "$@"
}

rw_capture version cri version
[ "$RW_RC" = 0 ] || rw_fatal "containerd's CRI does not answer: $(cat "$ERR")"
echo "# CRI: $(cat "$OUT")"
rw_capture status cri status
for cond in RuntimeReady NetworkReady; do
        jq -e --arg t "$cond" '.conditions[] | select(.type == $t) | .status == true' "$OUT" \
                >/dev/null || rw_fatal "CRI condition $cond is not true: $(cat "$OUT" "$ERR")"
done

# --- Pods and containers as kubelet describes them ----------------------------------------------

# pod_config NAME [JQ_FILTER]: a PodSandboxConfig (protobuf JSON) in $d/NAME-pod.json, with
# kubelet's labels, log directory and cgroup parent; POD_UID is set.
pod_config()
{
        local name=$1 filter=${2:-.}
        POD_UID=$(cat /proc/sys/kernel/random/uuid)
        mkdir -p "$d/logs/ci_${name}_$POD_UID"
        jq -n --arg name "$name" --arg uid "$POD_UID" --arg logs "$d/logs/ci_${name}_$POD_UID" \
                --arg cgroup "/$RW_ENG_TAG/pod$POD_UID" '{
                metadata: {name: $name, uid: $uid, namespace: "ci", attempt: 0},
                hostname: $name,
                logDirectory: $logs,
                labels: {"io.kubernetes.pod.name": $name, "io.kubernetes.pod.namespace": "ci",
                         "io.kubernetes.pod.uid": $uid},
                annotations: {"kubernetes.io/config.source": "api"},
                linux: {cgroupParent: $cgroup,
                        securityContext: {namespaceOptions: {network: "POD", pid: "CONTAINER",
                                                             ipc: "POD"}}}} | '"$filter" \
                >"$d/$name-pod.json"
}

# container_config POD NAME [JQ_FILTER [JQ_ARG...]]: a ContainerConfig in $d/POD-NAME.json,
# running sleep; JQ_ARGs (--arg NAME VALUE) are for the filter.
container_config()
{
        local pod=$1 name=$2 filter=${3:-.}
        shift $(($# < 3 ? $# : 3))
        jq -n --arg name "$name" --arg pod "$pod" "$@" '{
                metadata: {name: $name, attempt: 0},
                image: {image: "docker.io/library/rw-busybox:test"},
                command: ["/bin/sleep", "3600"],
                envs: [{key: "CI", value: "true"}, {key: "CI_JOB_ID", value: "4242"}],
                labels: {"io.kubernetes.container.name": $name, "io.kubernetes.pod.name": $pod,
                         "io.kubernetes.pod.namespace": "ci"},
                logPath: ($name + "/0.log"),
                linux: {securityContext: {namespaceOptions: {network: "POD", pid: "CONTAINER",
                                                             ipc: "POD"}}}} | '"$filter" \
                >"$d/$pod-$name.json"
}

# run_pod NAME HANDLER: RunPodSandbox; SANDBOX is its id (empty on failure, ERR has the error).
run_pod()
{
        SANDBOX=
        rw_capture "runp-$1" cri runp "$d/$1-pod.json" "$2"
        if [ "$RW_RC" = 0 ]; then
                SANDBOX=$(cat "$OUT")
                sandboxes+=("$SANDBOX")
        fi
}

# decision ID COMMAND: the first decision log record of COMMAND for container ID, compact JSON.
decision()
{
        jq -c --arg id "$1" --arg cmd "$2" \
                'select(.container_id == $id and .command == $cmd)' "$audit" 2>/dev/null | head -n 1
}

# expect_decision DESC ID COMMAND OUTCOME TIER: the decision log recorded it.
expect_decision()
{
        local desc=$1 id=$2 cmd=$3 outcome=$4 tier=$5 rec
        rec=$(decision "$id" "$cmd")
        if [ -n "$rec" ] && [ "$(jq -r .outcome <<<"$rec")" = "$outcome" ] &&
                [ "$(jq -r .tier <<<"$rec")" = "$tier" ]; then
                rw_pass "$desc"
        else
                rw_fail "$desc"
                echo "    expected a $cmd record for $id: outcome $outcome, tier $tier"
                echo "    found: ${rec:-none}"
        fi
}

# expect_cri_refusal DESC RULE TEXT: the last rw_capture was a CRI call that failed with
# runwarden's refusal by RULE, mentioning TEXT, in the error containerd returned. RULE "!R": any
# rule but R (a refusal for another reason than the one under test must not count).
expect_cri_refusal()
{
        local desc=$1 rule=$2 text=$3 found
        if [ "$RW_RC" = 0 ]; then
                rw_fail "$desc: the call succeeded"
                return
        fi
        found=$(grep -o 'runwarden: refused by rule [a-z0-9-]*:' "$ERR" | head -n 1 | cut -d' ' -f5)
        found=${found%:}
        if [ -n "$found" ] && { [ "$rule" = "$found" ] ||
                { [ "${rule#!}" != "$rule" ] && [ "${rule#!}" != "$found" ]; }; } &&
                grep -Fq -- "$text" "$ERR"; then
                rw_pass "$desc"
                echo "    CRI error: $(cut -c1-300 "$ERR")"
        else
                rw_fail "$desc"
                echo "    expected 'runwarden: refused by rule $rule:' and '$text' in the CRI error (rule found: ${found:-none})"
                rw_show "CRI error" "$ERR"
        fi
}

# pause_pid SANDBOX: the pid of the sandbox's pause process, from PodSandboxStatus.
pause_pid()
{
        { cri inspectp "$1" || true; } | jq -r '.info.info.pid // empty' 2>/dev/null || true
}

# --- Pod "job": the default handler, the policy's default tier ---------------------------------
echo "# pod job: RunPodSandbox with runtime_handler runwarden"
pod_config job
job_uid=$POD_UID
run_pod job runwarden
rw_expect_rc "RunPodSandbox (handler runwarden) succeeds" 0
job_sandbox=$SANDBOX

if [ -z "$job_sandbox" ]; then
        rw_fail "pod job: the sandbox did not start, so its containers, ExecSync, the namespace and hostPath checks were not reached"
else
        expect_decision "the pause container went through runwarden (create, tier untrusted)" \
                "$job_sandbox" create rewritten untrusted
        pid=$(pause_pid "$job_sandbox")
        if [ -z "$pid" ] || [ ! -r "/proc/$pid/status" ]; then
                rw_fail "the pause process is running (PodSandboxStatus gives its pid)"
                pid=
        else
                rw_pass "the pause process is running (pid $pid)"
                grep -E '^(CapEff|NoNewPrivs|Seccomp):' "/proc/$pid/status" >"$d/pause.status"
                rw_expect_grep "pause: no capabilities" "$d/pause.status" '^CapEff:[[:space:]]+0+$'
                rw_expect_grep "pause: no_new_privs" "$d/pause.status" '^NoNewPrivs:[[:space:]]+1$'
                rw_expect_grep "pause: seccomp filter" "$d/pause.status" '^Seccomp:[[:space:]]+2$'
        fi

        # kubelet's volumes: a service account token (read-only) and the termination log.
        vol=$d/kubelet/pods/$job_uid
        mkdir -p "$vol/volumes/kubernetes.io~projected/kube-api-access" "$vol/containers/app"
        echo "token-of-the-test" >"$vol/volumes/kubernetes.io~projected/kube-api-access/token"
        : >"$vol/containers/app/termination-log"
        container_config job app '.mounts = [
                {containerPath: "/var/run/secrets/kubernetes.io/serviceaccount",
                 hostPath: ($vol + "/volumes/kubernetes.io~projected/kube-api-access"),
                 readonly: true},
                {containerPath: "/dev/termination-log",
                 hostPath: ($vol + "/containers/app/termination-log")}]' --arg vol "$vol"

        echo "# pod job: CreateContainer and StartContainer (app)"
        rw_capture create-app cri create "$job_sandbox" "$d/job-app.json" "$d/job-pod.json"
        rw_expect_rc "CreateContainer app succeeds" 0
        app=$(cat "$OUT")
        rw_capture start-app cri start "$app"
        rw_expect_rc "StartContainer app succeeds (runwarden accepts joining the sandbox's namespaces)" 0
        app_started=$RW_RC

        if [ "$app_started" = 0 ]; then
                expect_decision "the app container went through runwarden (create, tier untrusted)" \
                        "$app" create rewritten untrusted

                echo "# ExecSync into app"
                rw_capture exec-probe cri exec "$app" /probe all
                rw_expect_rc "ExecSync /probe all exits 0" 0
                rw_expect_line "app: CapEff is empty" "$OUT" "CapEff: 0000000000000000"
                rw_expect_line "app: no_new_privs" "$OUT" "NoNewPrivs: 1"
                rw_expect_line "app: seccomp filter" "$OUT" "Seccomp: 2"
                rw_expect_line "app: / is read-only" "$OUT" "write /: EROFS"
                rw_expect_line "app: /tmp is writable" "$OUT" "write /tmp: ok"
                rw_expect_line "app: mount denied" "$OUT" "mount: EPERM"
                rw_expect_line "app: no engine socket" "$OUT" "ls-sockets: none"
                expect_decision "the ExecSync went through runwarden (exec)" "$app" exec rewritten untrusted

                if [ -n "$pid" ]; then
                        for ns in net ipc uts; do
                                rw_capture "ns-$ns" cri exec "$app" readlink "/proc/self/ns/$ns"
                                rw_expect_eq "app joined the sandbox's $ns namespace" \
                                        "$(readlink "/proc/$pid/ns/$ns")" "$(cat "$OUT")"
                        done
                        rw_capture ns-pid cri exec "$app" readlink /proc/self/ns/pid
                        if [ "$(readlink "/proc/$pid/ns/pid")" != "$(cat "$OUT")" ] &&
                                [ "$(readlink /proc/self/ns/pid)" != "$(cat "$OUT")" ]; then
                                rw_pass "app has a pid namespace of its own (kubelet's CONTAINER mode)"
                        else
                                rw_fail "app has a pid namespace of its own (kubelet's CONTAINER mode)"
                        fi
                fi
                rw_capture ip cri exec "$app" ip -4 -o addr show eth0
                rw_expect_grep "app sees the pod's network (eth0 192.0.2.2)" "$OUT" 'inet 192\.0\.2\.2/24'

                # Egress: the pause container's hook installed the untrusted tier's rules in the
                # pod's namespace (CNI had set it up before); the app's hook found the same rules
                # and kept them. The pod's veth peer is moved into a namespace of the test that
                # holds a "metadata" and a "public" listener, and the pod routes there.
                if [ -n "$pid" ]; then
                        "$etool" show --pid "$pid" >"$d/pod-table"
                        rw_expect_grep "the pod's namespace has runwarden's table (deny-list)" \
                                "$d/pod-table" '^table mode=deny-list fingerprint=[0-9a-f]{64} chain=ok'
                        sandbox_fp=$(jq -r '.egress.fingerprint' <<<"$(decision "$job_sandbox" create)")
                        app_fp=$(jq -r '.egress.fingerprint' <<<"$(decision "$app" create)")
                        rw_expect_eq "the app's rules are the sandbox's (one table for the pod)" \
                                "$sandbox_fp" "$app_fp"
                        rw_expect_grep "... the table the kernel has" "$d/pod-table" \
                                "^table mode=deny-list fingerprint=$sandbox_fp "
                        ip netns add "$egress_ns"
                        nsenter --net="/proc/$pid/ns/net" ip link set eth0-peer netns "$egress_ns"
                        ip -n "$egress_ns" link set lo up
                        ip -n "$egress_ns" link set eth0-peer up
                        ip -n "$egress_ns" addr add 192.0.2.1/24 dev eth0-peer
                        ip -n "$egress_ns" addr add 169.254.169.254/32 dev lo
                        ip -n "$egress_ns" addr add 198.51.100.10/32 dev lo
                        nsenter --net="/proc/$pid/ns/net" ip route add default via 192.0.2.1
                        for l in "169.254.169.254 80" "198.51.100.10 8080"; do
                                # shellcheck disable=SC2086  # address and port
                                ip netns exec "$egress_ns" "$eprobe" serve $l >/dev/null 2>&1 &
                                egress_servers+=($!)
                        done
                        sleep 0.3
                        rw_capture egress-public cri exec "$app" /egress-probe tcp 198.51.100.10 8080
                        rw_expect_grep "app reaches a public address through the pod's network" \
                                "$OUT" '^tcp 198.51.100.10 8080: ok '
                        rw_capture egress-meta cri exec "$app" /egress-probe tcp 169.254.169.254 80
                        rw_expect_grep "app: the metadata address is refused at once, by the sandbox's rules" \
                                "$OUT" '^tcp 169.254.169.254 80: ECONNREFUSED [0-9]{1,3}$'
                        rw_capture egress-nft cri exec "$app" /egress-probe nft-delete
                        rw_expect_grep "app cannot delete the pod's table" "$OUT" '^nft-delete: EPERM '
                        "$etool" show --pid "$pid" >"$d/pod-table2"
                        rw_expect_eq "the kernel counted it on the pod's egress.metadata rule" yes \
                                "$(awk '$3 == "egress.metadata" {sub("packets=", "", $4); s += $4}
                                        END {print (s > 0) ? "yes" : "no"}' "$d/pod-table2")"
                fi

                rw_capture token cri exec "$app" cat /var/run/secrets/kubernetes.io/serviceaccount/token
                rw_expect_line "the service account volume is visible above the /run scratch tmpfs" \
                        "$OUT" "token-of-the-test"
                rw_capture token-write cri exec "$app" /probe write /var/run/secrets/kubernetes.io/serviceaccount
                rw_expect_line "the service account volume stays read-only" "$OUT" \
                        "write /var/run/secrets/kubernetes.io/serviceaccount: EROFS"

                echo "# pod job: StopContainer, RemoveContainer"
                rw_capture stop-app cri stop "$app"
                rw_expect_rc "StopContainer app" 0
                rw_capture rm-app cri rm "$app"
                rw_expect_rc "RemoveContainer app" 0
                expect_decision "runwarden saw the app's delete" "$app" delete passthrough untrusted
        else
                rw_fail "app: ExecSync and namespace checks not reached (StartContainer failed)"
        fi

        echo "# pod job: a container asking for a host path"
        container_config job hostpath '.mounts = [{containerPath: "/host-etc", hostPath: "/etc"}]'
        rw_capture create-hostpath cri create "$job_sandbox" "$d/job-hostpath.json" "$d/job-pod.json"
        rw_expect_rc "CreateContainer hostpath (containerd only records it)" 0
        hostpath=$(cat "$OUT")
        rw_capture start-hostpath cri start "$hostpath"
        expect_cri_refusal "StartContainer of a hostPath /etc container is refused with runwarden's reason" \
                host-mount /etc
        [ -z "$hostpath" ] || cri rm "$hostpath" >/dev/null 2>&1 || true

        echo "# pod job: StopPodSandbox, RemovePodSandbox"
        netns=$(cri inspectp "$job_sandbox" | jq -r '.info.info.runtimeSpec.linux.namespaces[]?
                | select(.type == "network") | .path // empty') || netns=
        rw_capture stopp cri stopp "$job_sandbox"
        rw_expect_rc "StopPodSandbox" 0
        rw_capture rmp cri rmp "$job_sandbox"
        rw_expect_rc "RemovePodSandbox" 0
        expect_decision "runwarden saw the pause container's delete" "$job_sandbox" delete passthrough untrusted
        if [ -n "$netns" ] && [ ! -e "$netns" ]; then
                rw_pass "the pod's network namespace is gone ($netns)"
        else
                rw_fail "the pod's network namespace is gone (${netns:-no path in the sandbox spec})"
        fi
fi

# --- Pod "build": a RuntimeClass per tier ------------------------------------------------------
echo "# pod build: handler runwarden-trusted with the runner's annotation"
pod_config build '.annotations["runwarden.io/ephemeral"] = "true"'
run_pod build runwarden-trusted
rw_expect_rc "RunPodSandbox (handler runwarden-trusted) succeeds" 0
if [ -n "$SANDBOX" ]; then
        build_sandbox=$SANDBOX
        rec=$(decision "$build_sandbox" create)
        rw_expect_eq "the sandbox's tier comes from the handler" \
                "trusted invoked as runwarden-trusted" \
                "$(jq -r '"\(.tier) \(.tier_reason)"' <<<"${rec:-null}")"
        container_config build app
        rw_capture create-build cri create "$build_sandbox" "$d/build-app.json" "$d/build-pod.json"
        build_app=$(cat "$OUT")
        rw_capture start-build cri start "$build_app"
        rw_expect_rc "StartContainer in the trusted pod" 0
        if [ "$RW_RC" = 0 ]; then
                rw_capture build-caps cri exec "$build_app" /probe caps
                rw_expect_line "trusted tier keeps CAP_NET_BIND_SERVICE, nothing else" "$OUT" \
                        "CapEff: 0000000000000400"
        fi
        cri stopp "$build_sandbox" >/dev/null 2>&1 || true
        cri rmp "$build_sandbox" >/dev/null 2>&1 || true
else
        rw_fail "pod build: tier and capability checks not reached (the sandbox did not start)"
fi

# --- Pods runwarden refuses ----------------------------------------------------------------------
echo "# pod unlabelled: handler runwarden-trusted without the required annotation"
pod_config unlabelled
run_pod unlabelled runwarden-trusted
expect_cri_refusal "RunPodSandbox without runwarden.io/ephemeral=true on the trusted handler is refused" \
        required-label runwarden.io/ephemeral

echo "# pod hostnet: hostNetwork"
pod_config hostnet '.linux.securityContext.namespaceOptions.network = "NODE" | del(.hostname)'
run_pod hostnet runwarden
expect_cri_refusal "RunPodSandbox of a hostNetwork pod is refused" host-namespace "network namespace"

echo "# pod privileged: a privileged container"
pod_config privileged '.linux.securityContext.privileged = true'
run_pod privileged runwarden
if [ -n "$SANDBOX" ]; then
        container_config privileged app '.linux.securityContext.privileged = true'
        rw_capture create-priv cri create "$SANDBOX" "$d/privileged-app.json" "$d/privileged-pod.json"
        priv=$(cat "$OUT")
        rw_capture start-priv cri start "$priv"
        # The pod shares no host namespace: a host-namespace refusal would be for another reason.
        expect_cri_refusal "StartContainer of a privileged container is refused with runwarden's reason" \
                '!host-namespace' ""
        if [ "$RW_RC" = 0 ]; then
                rw_capture priv-caps cri exec "$priv" /probe caps
                echo "    the privileged container ran; inside: $(tr '\n' ' ' <"$OUT")"
        fi
else
        rw_fail "pod privileged: the sandbox of a privileged pod did not start, so the refusal of its privileged container could not be checked"
        rw_show "RunPodSandbox error" "$ERR"
fi

rw_summary
