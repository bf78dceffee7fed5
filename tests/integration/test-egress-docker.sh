#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# shellcheck disable=SC2016  # jq filters name jq $variables in single quotes
#
# PROTOTYPE of the core's egress wiring, through a real engine: `docker run --runtime egress`.
# Until runwarden itself writes the hand-off and injects the hook (docs/egress.md, "Wiring"), a
# test-only runtime wrapper does exactly that at `create` (with egress-tool and jq) and then
# execs runc with the engine's command line. What this test shows is the engine's side:
# docker's own network setup (the bridge, libnetwork's prestart hook) comes first, the egress
# hook runs after it in the container's namespace, and the rules hold for the job.
#
# Everything runs in a network namespace the test makes: its own containerd (own socket, root,
# state, no CRI) and dockerd (own socket, data-root, exec-root, pidfile, no iptables), their
# files under the test's scratch directory. The bridge docker makes lives in that namespace; the
# "metadata", "kubelet" and "public" listeners are addresses on its loopback. Nothing is
# started, changed or stopped outside it.
set -euo pipefail

. "$(dirname "$0")/lib.sh"
rw_init
rw_need_cmd ip nsenter flock containerd dockerd docker ctr

TOOL=$RW_BUILD_ROOT/tests/integration/egress-tool
EPROBE=$RW_BUILD_ROOT/tests/integration/egress-probe
HOOK=$RW_BUILD_ROOT/shim/runwarden-egress-hook
for f in "$TOOL" "$EPROBE" "$HOOK"; do
        [ -x "$f" ] || rw_fatal "$f is not built"
done

D=rwd$$
T=$RW_TMP
image=rw-egress-busybox:integ
servers=()
containerd_pid=
dockerd_pid=

# Only the network namespace: `ip netns exec` would also remount /sys, hiding the cgroups.
# nsenter (without --fork) execs the command in place. Daemons and servers are started as
# "${NS[@]}" CMD &, so that $! is CMD itself: a function sent to the background is a subshell,
# and stopping the subshell would leave CMD running. They do not inherit the lock (9>&-).
NS=(nsenter --net="/run/netns/$D")
in_ns()
{
        "${NS[@]}" "$@"
}

export DOCKER_HOST=unix://$T/docker.sock
export DOCKER_CONFIG=$T/docker-config
unset DOCKER_CONTEXT DOCKER_TLS_VERIFY DOCKER_CERT_PATH
mkdir -p "$DOCKER_CONFIG"

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

cleanup()
{
        local pid
        # Everything below is attempted, whatever fails on the way.
        set +e
        if [ -n "$dockerd_pid" ]; then
                docker ps -aq 2>/dev/null | xargs -r docker rm -f >/dev/null 2>&1 || true
        fi
        stop "$dockerd_pid"
        stop "$containerd_pid"
        # What the daemons mounted under the scratch directory and left behind, deepest first.
        if [ -n "${T:-}" ]; then
                awk -v t="$T/" 'index($5, t) == 1 {print $5}' /proc/self/mountinfo | sort -r |
                        while read -r m; do umount -l "$m" 2>/dev/null; done
        fi
        for pid in "${servers[@]}"; do
                kill "$pid" 2>/dev/null || true
        done
        ip netns del "$D" 2>/dev/null || true
        rw_cleanup
}
trap cleanup EXIT
trap 'exit 143' TERM INT

# Older trees' test-docker.sh refuse to run beside any dockerd and take this lock: wait for them.
# (tests/integration/engines.sh cannot serve here: its dockerd has no bridge, and docker's own
# network setup is what this test is about.) Held until this shell exits.
exec 9>/run/runwarden-test-docker.lock
flock -w 300 9 || rw_fatal "another runwarden docker test held the lock for 5 minutes"

ip netns add "$D"
in_ns ip link set lo up
for a in 169.254.169.254/32 10.250.0.10/32 198.51.100.10/32; do
        in_ns ip addr add "$a" dev lo
done
for l in "169.254.169.254 80" "10.250.0.10 10250" "198.51.100.10 8080"; do
        # shellcheck disable=SC2086  # address and port
        "${NS[@]}" "$EPROBE" serve $l >/dev/null 2>&1 9>&- &
        servers+=($!)
done

# ---- the prototype of runwarden's create: hand-off, hook entry, then runc ----
cat >"$T/egress.json" <<'EOF'
{ "mode": "deny-list", "private": "deny" }
EOF
wrapper=$T/egress-runtime
cat >"$wrapper" <<EOF
#!/usr/bin/env bash
# Test-only stand-in for runwarden's egress wiring; the engine's arguments reach runc unchanged.
set -euo pipefail
args=("\$@")
cmd= bundle=. id=
for ((i = 0; i < \${#args[@]}; i++)); do
        a=\${args[i]}
        case \$a in
        create) cmd=create ;;
        --bundle | -b) bundle=\${args[i + 1]} ;;
        --bundle=*) bundle=\${a#--bundle=} ;;
        esac
done
if [ "\$cmd" = create ]; then
        id=\${args[\${#args[@]} - 1]}
        cfg=\$bundle/config.json
        # Facts: the job's env, and the resolv.conf the engine bind-mounts (never the rootfs').
        envs=()
        while IFS= read -r e; do envs+=(--env "\$e"); done < <(jq -r '.process.env[]?' "\$cfg")
        resolv=\$(jq -r '[.mounts[] | select(.destination == "/etc/resolv.conf") | .source][0] // empty' "\$cfg")
        resolv_args=()
        if [ -n "\$resolv" ]; then
                resolv_args=(--resolv-conf "\$resolv")
                cp "\$resolv" "$T/resolv-\$id.conf"
        fi
        "$TOOL" build "$T/egress.json" "\${envs[@]}" "\${resolv_args[@]}" \\
                --out "\$bundle/.egress-rules" >"$T/build-\$id.txt"
        "$TOOL" handoff "\$bundle/.egress-rules" --id "\$id" --bundle "\$bundle" --tier untrusted
        jq --arg hook "$HOOK" '.hooks.createRuntime = ((.hooks.createRuntime // [])
                | map(select(.path != \$hook))
                | . + [{path: \$hook, args: ["runwarden-egress-hook"], timeout: 10}])' \\
                "\$cfg" >"\$cfg.new"
        cp "\$cfg" "$T/config-\$id.before.json"
        mv "\$cfg.new" "\$cfg"
        cp "\$cfg" "$T/config-\$id.json"
fi
exec "$RW_RUNC" "\$@"
EOF
chmod 755 "$wrapper"

# ---- containerd and dockerd of this test, inside the namespace ----
cat >"$T/containerd.toml" <<EOF
version = 2
root = "$T/containerd-root"
state = "$T/containerd-state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$T/containerd.sock"
[ttrpc]
  address = "$T/containerd.sock.ttrpc"
[debug]
  address = ""
[metrics]
  address = ""
EOF
"${NS[@]}" containerd --config "$T/containerd.toml" >"$T/containerd.log" 2>&1 9>&- &
containerd_pid=$!
for _ in $(seq 150); do
        ctr --address "$T/containerd.sock" version >/dev/null 2>&1 && break
        kill -0 "$containerd_pid" 2>/dev/null || { tail -20 "$T/containerd.log"; rw_fatal "containerd died"; }
        sleep 0.2
done
ctr --address "$T/containerd.sock" version >/dev/null 2>&1 || rw_fatal "containerd did not start"

"${NS[@]}" dockerd --host "$DOCKER_HOST" --containerd "$T/containerd.sock" \
        --data-root "$T/docker-root" --exec-root "$T/docker-exec" --pidfile "$T/docker.pid" \
        --iptables=false --ip-forward=false --ip-masq=false --userland-proxy=false \
        --cgroup-parent "/$D" \
        --bip 172.31.250.1/24 --add-runtime "egress=$wrapper" >"$T/dockerd.log" 2>&1 9>&- &
dockerd_pid=$!
for _ in $(seq 300); do
        docker version >/dev/null 2>&1 && break
        kill -0 "$dockerd_pid" 2>/dev/null || { tail -30 "$T/dockerd.log"; rw_fatal "dockerd died"; }
        sleep 0.2
done
docker version >/dev/null 2>&1 || { tail -30 "$T/dockerd.log"; rw_fatal "dockerd did not start"; }

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

rw_capture egress docker run --rm --network bridge --runtime egress "$image" sh -c "$job"
rw_expect_rc "docker run --runtime egress" 0
f=$RW_TMP/egress.out
expect "$f" "tcp 198.51.100.10 8080" ok
expect "$f" "tcp 169.254.169.254 80" ECONNREFUSED
expect "$f" "udp 169.254.169.254 80" EPERM
expect "$f" "tcp 10.250.0.10 10250" ECONNREFUSED
rw_expect_grep "the job cannot delete the table" "$f" '^nft-delete: EPERM '
cfg=$(ls "$T"/config-*.json 2>/dev/null | grep -v before | head -n 1 || true)
if [ -n "$cfg" ] && jq -e --arg hook "$HOOK" '.hooks.prestart[0].path != null and
                (.hooks.createRuntime | last | .path == $hook)' "$cfg" >/dev/null; then
        rw_pass "docker's libnetwork prestart hook is there, the egress hook is the last createRuntime hook"
else
        rw_fail "docker's prestart hook and the egress hook in the spec runc got"
        [ -n "$cfg" ] && jq '.hooks' "$cfg"
fi
# docker's resolv.conf for the bridge holds the host's nameservers (or public ones when the host
# has only a local stub): each is let through on port 53, the bind source being docker's.
build=$(ls "$T"/build-*.txt | head -n 1)
resolv=$(ls "$T"/resolv-*.conf 2>/dev/null | head -n 1 || true)
if [ -z "$resolv" ]; then
        rw_fail "docker bind-mounted a resolv.conf for the wrapper to read"
else
        nameservers=$(awk '$1 == "nameserver" && $2 !~ /^127\./ && $2 != "::1" {print $2}' \
                "$resolv")
        missing=
        for ns in $nameservers; do
                grep -q "^egress.resolver: ip6\{0,1\} daddr $ns/[0-9]* udp dport 53 accept$" \
                        "$build" || missing+=" $ns"
        done
        if [ -n "$nameservers" ] && [ -z "$missing" ]; then
                rw_pass "docker's nameservers ($(echo $nameservers)) are let through on port 53"
        else
                rw_fail "docker's nameservers are let through on port 53 (missing:${missing:- none listed})"
                rw_show build "$build"
        fi
fi

rw_summary
