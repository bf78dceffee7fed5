#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# shellcheck disable=SC2016  # jq filters name jq $variables in single quotes
#
# Egress through a real engine: `docker run --runtime runwarden`, with runwarden installed by
# engines.sh into its scratch prefix (the egress hook where that runwarden looks for it) and a
# tier that denies metadata, control planes and private ranges. docker's own network setup (its
# bridge, libnetwork's prestart hook) comes first; runwarden's hook, the last createRuntime hook,
# installs the rules in the container's namespace; the job's metadata and kubelet connections
# are refused at once, the public one succeeds, docker's nameservers are let through on port 53,
# and `docker rm` logs what was blocked.
#
# Everything runs in a network namespace the test makes: its own containerd (own socket, root,
# state, no CRI) and dockerd (own socket, data-root, exec-root, pidfile, no iptables) with a
# bridge, their files under the test's scratch directory. engines.sh's own dockerd has no bridge,
# and docker's network setup is what this test is about. The "metadata", "kubelet" and "public"
# listeners are addresses on that namespace's loopback. Nothing is started, changed or stopped
# outside it.
set -euo pipefail

. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/engines.sh
. "$(dirname "$0")/engines.sh"
rw_init
rw_need_cmd ip nsenter flock containerd dockerd docker ctr

EPROBE=$RW_BUILD_ROOT/tests/integration/egress-probe
[ -x "$EPROBE" ] || rw_fatal "$EPROBE is not built"

D=rwd$$
T=$RW_TMP
image=rw-egress-busybox:integ
servers=()
containerd_pid=
dockerd_pid=

# Only the network namespace: `ip netns exec` would also remount /sys, hiding the cgroups.
# nsenter (without --fork) execs the command in place. Daemons and servers are started as
# "${NS[@]}" CMD &, so that $! is CMD itself. They do not inherit the locks (9>&-).
NS=(nsenter --net="/run/netns/$D")

stop()
{
        local pid=$1
        [ -n "$pid" ] || return 0
        kill -TERM "$pid" 2>/dev/null || return 0
        for _ in $(seq 150); do
                kill -0 "$pid" 2>/dev/null || break
                sleep 0.2
        done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
}

egress_docker_cleanup()
{
        local pid
        set +e
        if [ -n "$dockerd_pid" ]; then
                docker ps -aq 2>/dev/null | xargs -r docker rm -f >/dev/null 2>&1 || true
        fi
        stop "$dockerd_pid"
        stop "$containerd_pid"
        for pid in "${servers[@]}"; do
                kill "$pid" 2>/dev/null || true
        done
        ip netns del "$D" 2>/dev/null || true
}

# The installed runwarden (built and installed into the cached prefix, holding engines.sh's lock)
# and its exit trap; this test's daemons are stopped first.
rw_eng_init
rw_eng_on_exit egress_docker_cleanup

# Older trees' test-docker.sh refuse to run beside any dockerd and take this lock: wait for them.
exec 9>/run/runwarden-test-docker.lock
flock -w 300 9 || rw_fatal "another runwarden docker test held the lock for 5 minutes"

ip netns add "$D"
"${NS[@]}" ip link set lo up
for a in 169.254.169.254/32 10.250.0.10/32 198.51.100.10/32; do
        "${NS[@]}" ip addr add "$a" dev lo
done
for l in "169.254.169.254 80" "10.250.0.10 10250" "198.51.100.10 8080"; do
        # shellcheck disable=SC2086  # address and port
        "${NS[@]}" "$EPROBE" serve $l >/dev/null 2>&1 9>&- {rw_eng_lock_fd}>&- &
        servers+=($!)
done

# The tier: engines.sh's default (the baseline, this session's engine directories, the scratch
# decision log) with the shipped untrusted tier's egress.
rw_eng_default_policy_json '{}' |
        jq '.tiers.default.egress = {mode: "deny-list", private: "deny"}' >"$T/policy.json"
rw_eng_policy "$T/policy.json"
HOOK=$RW_ENG_PREFIX/libexec/runwarden/runwarden-egress-hook
[ -x "$HOOK" ] || rw_fatal "meson install put no egress hook at $HOOK"

# ---- containerd and dockerd of this test, inside the namespace, with a bridge ----
C=$RW_ENG_DIR/containerd
mkdir -p "$C/root" "$C/state" "$C/opt" "$RW_ENG_DATA_ROOT" "$RW_ENG_DIR/exec"
cat >"$T/containerd.toml" <<EOF
version = 2
root = "$C/root"
state = "$C/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$RW_ENG_CONTAINERD_SOCK"
[ttrpc]
  address = "$RW_ENG_CONTAINERD_SOCK.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
[plugins."io.containerd.internal.v1.opt"]
  path = "$C/opt"
EOF
"${NS[@]}" containerd --config "$T/containerd.toml" >"$T/containerd.log" 2>&1 9>&- {rw_eng_lock_fd}>&- &
containerd_pid=$!
rw_eng_wait_ready containerd "$containerd_pid" "$T/containerd.log" \
        ctr --address "$RW_ENG_CONTAINERD_SOCK" version

# deprecated-key-path: dockerd 20.10 writes its trust key to /etc/docker/key.json otherwise.
jq -n --arg key "$RW_ENG_DIR/key.json" '{"deprecated-key-path": $key}' >"$T/daemon.json"
"${NS[@]}" dockerd --config-file "$T/daemon.json" --host "unix://$RW_ENG_DOCKER_SOCK" \
        --containerd "$RW_ENG_CONTAINERD_SOCK" --data-root "$RW_ENG_DATA_ROOT" \
        --exec-root "$RW_ENG_DIR/exec" --pidfile "$RW_ENG_DIR/docker.pid" \
        --iptables=false --ip-forward=false --ip-masq=false --userland-proxy=false \
        --cgroup-parent "/$D" --bip 172.31.250.1/24 --add-runtime "runwarden=$RW_ENG_RUNTIME" \
        >"$T/dockerd.log" 2>&1 9>&- {rw_eng_lock_fd}>&- &
dockerd_pid=$!
rw_eng_docker_env
rw_eng_wait_ready dockerd "$dockerd_pid" "$T/dockerd.log" docker version

rw_make_rootfs "$T/rootfs"
cp "$EPROBE" "$T/rootfs/egress-probe"
tar -C "$T/rootfs" -c . | docker import - "$image" >/dev/null || rw_fatal "docker import failed"

job='/egress-probe tcp 198.51.100.10 8080; /egress-probe tcp 169.254.169.254 80;
     /egress-probe udp 169.254.169.254 80; /egress-probe tcp 10.250.0.10 10250;
     /egress-probe nft-delete'

expect()
{
        local out=$1 p=$2 want=$3 line got ms
        line=$(grep -F -- "$p: " "$out" | head -n 1 || true)
        got=$(awk '{print $(NF-1)}' <<<"$line")
        ms=$(awk '{print $NF}' <<<"$line")
        if [ "$got" = "$want" ] && { [ "$want" = ok ] || [ "${ms:-9999}" -lt 1000 ]; }; then
                rw_pass "$(basename "$out"): $p: $want"
        else
                rw_fail "$(basename "$out"): $p: expected $want at once"
                echo "    got: ${line:-no line}"
        fi
}

# Control: docker's default runtime (runc), same network: everything is reachable.
rw_capture control docker run --rm --network bridge "$image" sh -c "$job"
rw_expect_rc "control: docker run with runc" 0
expect "$RW_TMP/control.out" "tcp 198.51.100.10 8080" ok
expect "$RW_TMP/control.out" "tcp 169.254.169.254 80" ok
expect "$RW_TMP/control.out" "tcp 10.250.0.10 10250" ok

# Detached, kept running after the probes, so that the spec runc got can be read while the
# container exists; `docker rm -f` then stops and deletes it.
rw_capture egress-run docker run -d --name rw-egress-job --network bridge --runtime runwarden \
        "$image" sh -c "$job; exec sleep 120"
rw_expect_rc "docker run -d --runtime runwarden" 0
f=$RW_TMP/egress.out
for _ in $(seq 100); do
        docker logs rw-egress-job >"$f" 2>&1 || true
        grep -q '^nft-delete: ' "$f" && break
        sleep 0.1
done
expect "$f" "tcp 198.51.100.10 8080" ok
expect "$f" "tcp 169.254.169.254 80" ECONNREFUSED
expect "$f" "udp 169.254.169.254 80" EPERM
expect "$f" "tcp 10.250.0.10 10250" ECONNREFUSED
rw_expect_grep "the job cannot delete the table" "$f" '^nft-delete: EPERM '
id=$(docker inspect --format '{{.Id}}' rw-egress-job)
cfg=$(find "$C/state" -path "*/$id/config.json" 2>/dev/null | head -n 1)
if [ -n "$cfg" ] && jq -e --arg hook "$HOOK" '(.hooks.prestart[0].args[0] == "libnetwork-setkey")
                and (.hooks.createRuntime | last | .path == $hook)' "$cfg" >/dev/null; then
        rw_pass "docker's libnetwork prestart hook is there, runwarden's egress hook is the last createRuntime hook"
else
        rw_fail "docker's prestart hook and the egress hook in the spec runc got"
        if [ -n "$cfg" ]; then jq '.hooks' "$cfg"; else echo "    no config.json of $id"; fi
fi

# docker's resolv.conf for the bridge (the host's nameservers, or public ones when the host has
# only a local stub): runwarden read it from docker's bind and lets each through on port 53.
create=$(jq -c --arg id "$id" 'select(.container_id == $id and .command == "create")' "$RW_ENG_AUDIT")
rw_expect_eq "decision log: the create's egress, handed to the hook" "deny-list true" \
        "$(jq -r '"\(.egress.mode) \(.egress.handoff)"' <<<"$create")"
resolv=$RW_ENG_DATA_ROOT/containers/$id/resolv.conf
nameservers=$(awk '$1 == "nameserver" && $2 !~ /^127\./ && $2 != "::1" {print $2}' "$resolv")
missing=
for ns in $nameservers; do
        jq -e --arg ns "$ns" '.egress.rules | any(test("^egress.resolver: ip6? daddr \($ns)/[0-9]+ udp dport 53 accept$"))' \
                <<<"$create" >/dev/null || missing+=" $ns"
done
if [ -n "$nameservers" ] && [ -z "$missing" ]; then
        rw_pass "docker's nameservers ($(echo $nameservers)) are let through on port 53"
else
        rw_fail "docker's nameservers are let through on port 53 (missing:${missing:- none listed})"
        jq '.egress.rules' <<<"$create"
fi

rw_capture rm docker rm -f rw-egress-job
rw_expect_rc "docker rm -f" 0
# The shim's delete (runwarden delete) reads the counters before runc removes the namespace.
delete=$(jq -c --arg id "$id" 'select(.container_id == $id and .command == "delete"
                and .egress != null)' "$RW_ENG_AUDIT" | head -n 1)
rw_expect_eq "decision log: the delete counted the blocked attempts" yes \
        "$(jq -r 'if .egress.blocked >= 3 then "yes" else "no: \(.egress)" end' <<<"${delete:-null}")"

rw_summary
