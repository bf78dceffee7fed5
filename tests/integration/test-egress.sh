#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# shellcheck disable=SC2016  # jq filters name jq $variables in single quotes
#
# Egress control in a job's network namespace (docs/egress.md), on a topology of network
# namespaces this test makes and removes; no other address is ever used:
#
#   job (J) ── veth ── services (S) ── veth ── public (P)
#   10.249.0.2          10.249.0.1             10.248.0.2
#   fd49::2             fd49::1                fd48::2
#                       169.254.169.254 (metadata), fd00:ec2::254
#                       10.250.0.10 (Kubernetes API :443, kubelet :10250, docker :2375), fd5a::10
#                       10.250.0.20 (private, allowed :8080), 10.250.0.30 (private), fd5a::30
#                                              198.51.100.10, 2001:db8::10 (allowed :8080)
#
# Every listener is an egress-probe server (TCP greeting, UDP echo). Before any rule, the job
# reaches all of them, and so does a job through runwarden in a tier with egress off: that is
# what makes the checks after it able to fail. Then lib/net is driven directly (egress-tool:
# install, keep, replace, races), and runwarden itself runs busybox jobs joined to J the way an
# engine does (create, start, delete): its policy's egress, the hook it injects, the hand-off,
# the decision log with the rules and the counters, a second container of the "pod", the
# refusals, the hook failing closed, and gVisor.
set -euo pipefail

. "$(dirname "$0")/lib.sh"
rw_init
rw_need_cmd ip nft runc runsc

TOOL=$RW_BUILD_ROOT/tests/integration/egress-tool
EPROBE=$RW_BUILD_ROOT/tests/integration/egress-probe
HOOK=$RW_EGRESS_HOOK
for f in "$TOOL" "$EPROBE" "$HOOK"; do
        [ -x "$f" ] || rw_fatal "$f is not built"
done

tag=rwe$$
ID1=$tag-1 ID2=$tag-2 ID3=$tag-3 ID4=$tag-4 ID5=$tag-5 ID6=$tag-6 ID7=$tag-7 ID8=$tag-8 ID9=$tag-9
J=${tag}j
S=${tag}s
P=${tag}p
servers=()

cleanup()
{
        local pid id b
        set +e # everything below is attempted, whatever fails on the way
        for pid in "${servers[@]}"; do
                kill "$pid" 2>/dev/null || true
        done
        # Containers left by a failure, through runwarden: its records, pins and hand-offs go too.
        for id in "${rw_containers[@]}"; do
                declare -F rwe >/dev/null && rwe delete --force "$id" >/dev/null 2>&1
        done
        if [ -n "${RW_TMP:-}" ] && [ -d "$RW_TMP/runsc" ]; then
                runsc --root "$RW_TMP/runsc" delete --force "$ID9" >/dev/null 2>&1 || true
        fi
        rw_cleanup
        for id in "$J" "$S" "$P"; do
                ip netns del "$id" 2>/dev/null || true
        done
}
trap cleanup EXIT

# ---- topology ----
ip netns add "$J"
ip netns add "$S"
ip netns add "$P"
ip link add "${tag}a" netns "$J" type veth peer name "${tag}b" netns "$S"
ip link add "${tag}c" netns "$S" type veth peer name "${tag}d" netns "$P"
for ns in "$J" "$S" "$P"; do
        ip -n "$ns" link set lo up
done
ip -n "$J" link set "${tag}a" up
ip -n "$S" link set "${tag}b" up
ip -n "$S" link set "${tag}c" up
ip -n "$P" link set "${tag}d" up
ip -n "$J" addr add 10.249.0.2/24 dev "${tag}a"
ip -n "$J" -6 addr add fd49::2/64 dev "${tag}a" nodad
ip -n "$J" route add default via 10.249.0.1
ip -n "$J" -6 route add default via fd49::1
ip -n "$S" addr add 10.249.0.1/24 dev "${tag}b"
ip -n "$S" -6 addr add fd49::1/64 dev "${tag}b" nodad
ip -n "$S" addr add 10.248.0.1/24 dev "${tag}c"
ip -n "$S" -6 addr add fd48::1/64 dev "${tag}c" nodad
for a in 169.254.169.254/32 10.250.0.10/32 10.250.0.20/32 10.250.0.30/32; do
        ip -n "$S" addr add "$a" dev lo
done
for a in fd00:ec2::254/128 fd5a::10/128 fd5a::30/128; do
        ip -n "$S" -6 addr add "$a" dev lo nodad
done
ip -n "$S" route add 198.51.100.10/32 via 10.248.0.2
ip -n "$S" -6 route add 2001:db8::10/128 via fd48::2
ip netns exec "$S" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
ip -n "$P" addr add 10.248.0.2/24 dev "${tag}d"
ip -n "$P" -6 addr add fd48::2/64 dev "${tag}d" nodad
ip -n "$P" addr add 198.51.100.10/32 dev lo
ip -n "$P" -6 addr add 2001:db8::10/128 dev lo nodad
ip -n "$P" route add default via 10.248.0.1
ip -n "$P" -6 route add default via fd48::1
# Link-local addresses go through duplicate address detection; until then IPv6 neighbour
# discovery stalls and the first connection would take seconds.
for _ in $(seq 50); do
        tentative=$(for ns in "$J" "$S" "$P"; do ip -n "$ns" -6 addr show tentative; done)
        [ -z "$tentative" ] && break
        sleep 0.1
done

serve()
{
        local ns=$1 addr=$2 port=$3 out=$RW_TMP/serve-$1-$2-$3
        ip netns exec "$ns" "$EPROBE" serve "$addr" "$port" >"$out" 2>&1 &
        servers+=($!)
}
serve "$S" 169.254.169.254 80
serve "$S" fd00:ec2::254 80
serve "$S" 10.250.0.10 443
serve "$S" 10.250.0.10 10250
serve "$S" 10.250.0.10 2375
serve "$S" fd5a::10 10250
serve "$S" 10.250.0.20 8080
serve "$S" 10.250.0.30 5432
serve "$S" fd5a::30 5432
serve "$P" 198.51.100.10 8080
serve "$P" 2001:db8::10 8080
serve "$J" 127.0.0.1 9000
for _ in $(seq 50); do
        [ "$(cat "$RW_TMP"/serve-* | grep -c serving)" -eq "${#servers[@]}" ] && break
        sleep 0.1
done
[ "$(cat "$RW_TMP"/serve-* | grep -c serving)" -eq "${#servers[@]}" ] ||
        rw_fatal "the listeners did not start: $(cat "$RW_TMP"/serve-*)"

# Every probe the job makes, in the order the checks read them.
PROBES=(
        "tcp 198.51.100.10 8080" "udp 198.51.100.10 8080" "tcp 2001:db8::10 8080"
        "udp 2001:db8::10 8080" "tcp 127.0.0.1 9000" "tcp 10.250.0.20 8080"
        "tcp 169.254.169.254 80" "udp 169.254.169.254 80" "tcp fd00:ec2::254 80"
        "tcp 10.250.0.10 443" "tcp 10.250.0.10 10250" "tcp 10.250.0.10 2375"
        "tcp fd5a::10 10250" "tcp 10.250.0.30 5432" "tcp fd5a::30 5432"
)

# probe_all OUT CMD...: every probe through CMD (ip netns exec, or a container's sh).
probe_all()
{
        local out=$1 p
        shift
        : >"$out"
        for p in "${PROBES[@]}"; do
                # shellcheck disable=SC2086  # a probe is three words
                "$@" "$EPROBE" $p >>"$out" 2>&1 || true
        done
}

# expect OUT PROBE RESULT: the probe's line has RESULT; a refusal must come at once (< 1 s,
# where a dropped packet would wait for the probe's 3 s timeout).
expect()
{
        local out=$1 p=$2 want=$3 line got ms
        line=$(grep -F -- "$p: " "$out" | head -n 1 || true)
        got=$(awk '{print $(NF-1)}' <<<"$line")
        ms=$(awk '{print $NF}' <<<"$line")
        if [ "$got" = "$want" ] && { [ "$want" = ok ] || [ "${ms:-9999}" -lt 1000 ]; }; then
                rw_pass "$(basename "$out"): $p: $want${ms:+ (${ms} ms)}"
        else
                rw_fail "$(basename "$out"): $p: expected $want at once"
                echo "    got: ${line:-no line}"
        fi
}

# ---- before any rule: everything is reachable ----
probe_all "$RW_TMP/open" ip netns exec "$J"
for p in "${PROBES[@]}"; do
        expect "$RW_TMP/open" "$p" ok
done

# ---- the rules of a tier: deny-list, private ranges denied, one exception ----
cat >"$RW_TMP/denylist.json" <<'EOF'
{ "mode": "deny-list", "private": "deny",
  "allow": [ { "cidr": "10.250.0.20/32", "proto": "tcp", "ports": 8080 } ] }
EOF
# The job's resolv.conf as docker writes it for a user network, and a host resolver.
printf 'nameserver 127.0.0.11\nnameserver 10.249.0.1\noptions ndots:0\n' >"$RW_TMP/resolv.conf"
rw_capture build "$TOOL" build "$RW_TMP/denylist.json" --env KUBERNETES_SERVICE_HOST=10.250.0.10 \
        --env KUBERNETES_SERVICE_PORT=443 --resolv-conf "$RW_TMP/resolv.conf" \
        --out "$RW_TMP/denylist.rules"
rw_expect_rc "build the deny-list rules" 0
rw_expect_grep "the env's Kubernetes API is rejected" "$OUT" \
        '^egress.control-plane.kubernetes: ip daddr 10.250.0.10/32 tcp dport 443 reject$'
rw_expect_grep "the resolver is let through on port 53" "$OUT" \
        '^egress.resolver: ip daddr 10.249.0.1/32 udp dport 53 accept$'
rw_expect_no_grep "docker's 127.0.0.11 needs no rule of its own (loopback)" "$OUT" '127.0.0.11'

rw_capture install1 "$TOOL" install --netns "/run/netns/$J" "$RW_TMP/denylist.rules"
rw_expect_rc "install directly" 0
rw_expect_eq "first install: installed" installed "$(cat "$OUT")"
rw_capture install2 "$TOOL" install --netns "/run/netns/$J" "$RW_TMP/denylist.rules"
rw_expect_eq "same rules again: kept (no write)" kept "$(cat "$OUT")"
ip netns exec "$J" nft list table inet runwarden >"$RW_TMP/nft-list" 2>&1 || true
rw_expect_grep "nft sees runwarden's table with the metadata rule" "$RW_TMP/nft-list" \
        'ip daddr 169.254.0.0/16 counter packets 0 bytes 0 goto reject comment "egress.metadata"'
rw_expect_eq "nft sees one rule per built rule" \
        "$(grep -c '^egress\.' "$RW_TMP/build.out")" "$(grep -c 'comment "egress\.' "$RW_TMP/nft-list")"

probe_all "$RW_TMP/direct-denylist" ip netns exec "$J"
f=$RW_TMP/direct-denylist
expect "$f" "tcp 198.51.100.10 8080" ok
expect "$f" "udp 198.51.100.10 8080" ok
expect "$f" "tcp 2001:db8::10 8080" ok
expect "$f" "udp 2001:db8::10 8080" ok
expect "$f" "tcp 127.0.0.1 9000" ok
expect "$f" "tcp 10.250.0.20 8080" ok
expect "$f" "tcp 169.254.169.254 80" ECONNREFUSED
expect "$f" "udp 169.254.169.254 80" EPERM
expect "$f" "tcp fd00:ec2::254 80" ECONNREFUSED
expect "$f" "tcp 10.250.0.10 443" ECONNREFUSED
expect "$f" "tcp 10.250.0.10 10250" ECONNREFUSED
expect "$f" "tcp 10.250.0.10 2375" ECONNREFUSED
expect "$f" "tcp fd5a::10 10250" ECONNREFUSED
expect "$f" "tcp 10.250.0.30 5432" ECONNREFUSED
expect "$f" "tcp fd5a::30 5432" ECONNREFUSED

"$TOOL" show --netns "/run/netns/$J" >"$RW_TMP/show-direct"
meta_packets=$(awk '$3 == "egress.metadata" {sub("packets=", "", $4); s += $4} END {print s + 0}' \
        "$RW_TMP/show-direct")
if [ "$meta_packets" -ge 3 ]; then
        rw_pass "counters: egress.metadata counted the blocked attempts ($meta_packets packets)"
else
        rw_fail "counters: egress.metadata counted $meta_packets packets, expected >= 3"
        rw_show show "$RW_TMP/show-direct"
fi

# A table whose chain someone changed (here its policy) is replaced, not trusted.
ip netns exec "$J" nft add chain inet runwarden output '{ policy drop; }'
rw_capture install-foreign "$TOOL" install --netns "/run/netns/$J" "$RW_TMP/denylist.rules"
rw_expect_eq "a changed table is replaced" replaced "$(cat "$OUT")"
probe_all "$RW_TMP/direct-replaced" ip netns exec "$J"
expect "$RW_TMP/direct-replaced" "tcp 198.51.100.10 8080" ok
expect "$RW_TMP/direct-replaced" "tcp 169.254.169.254 80" ECONNREFUSED

# ---- allowlist and none, replacing the table atomically ----
cat >"$RW_TMP/allowlist.json" <<'EOF'
{ "mode": "allowlist",
  "allow": [ { "host": "public.example", "proto": "tcp", "ports": [8080] } ] }
EOF
"$TOOL" build "$RW_TMP/allowlist.json" --host public.example=198.51.100.10 \
        --out "$RW_TMP/allowlist.rules" >"$RW_TMP/allowlist.txt"
rw_capture install3 "$TOOL" install --netns "/run/netns/$J" "$RW_TMP/allowlist.rules"
rw_expect_eq "other rules: replaced" replaced "$(cat "$OUT")"
probe_all "$RW_TMP/direct-allowlist" ip netns exec "$J"
f=$RW_TMP/direct-allowlist
expect "$f" "tcp 198.51.100.10 8080" ok
expect "$f" "tcp 127.0.0.1 9000" ok
expect "$f" "udp 198.51.100.10 8080" EPERM
expect "$f" "tcp 2001:db8::10 8080" ECONNREFUSED
expect "$f" "udp 2001:db8::10 8080" EPERM
expect "$f" "tcp 10.250.0.20 8080" ECONNREFUSED
expect "$f" "tcp 169.254.169.254 80" ECONNREFUSED

echo '{ "mode": "none" }' >"$RW_TMP/none.json"
"$TOOL" build "$RW_TMP/none.json" --out "$RW_TMP/none.rules" >/dev/null
"$TOOL" install --netns "/run/netns/$J" "$RW_TMP/none.rules" >/dev/null
probe_all "$RW_TMP/direct-none" ip netns exec "$J"
f=$RW_TMP/direct-none
expect "$f" "tcp 127.0.0.1 9000" ok
expect "$f" "tcp 198.51.100.10 8080" ECONNREFUSED
expect "$f" "tcp 2001:db8::10 8080" ECONNREFUSED
expect "$f" "udp 198.51.100.10 8080" EPERM

# ---- containers of a pod starting at once ----
# Two installs into the same fresh namespace at the same moment: one creates the table, the
# other finds it (before its write, or as EEXIST from its exclusive create, then judged again)
# and keeps it. Both succeed, whichever way the race goes.
race_ok=0
race_outcomes=
for i in $(seq 20); do
        ip netns add "${tag}r$i"
        "$TOOL" install --netns "/run/netns/${tag}r$i" "$RW_TMP/denylist.rules" \
                >"$RW_TMP/race-a" 2>&1 &
        pa=$!
        "$TOOL" install --netns "/run/netns/${tag}r$i" "$RW_TMP/denylist.rules" \
                >"$RW_TMP/race-b" 2>&1 &
        pb=$!
        ra=0 rb=0
        wait "$pa" || ra=$?
        wait "$pb" || rb=$?
        outcome=$(cat "$RW_TMP/race-a" "$RW_TMP/race-b" | sort | tr '\n' ' ')
        "$TOOL" show --netns "/run/netns/${tag}r$i" >"$RW_TMP/race-show"
        ip netns del "${tag}r$i"
        if [ "$ra" = 0 ] && [ "$rb" = 0 ] && [ "$outcome" = "installed kept " ] &&
                grep -q "^table mode=deny-list .* chain=ok reject_rules=2$" "$RW_TMP/race-show"; then
                race_ok=$((race_ok + 1))
        else
                race_outcomes+=" [$i: $ra $rb $outcome $(head -c 300 "$RW_TMP/race-a" "$RW_TMP/race-b")]"
        fi
done
rw_expect_eq "20 pairs of simultaneous installs: installed + kept, every time" "20" \
        "$race_ok${race_outcomes:+ $race_outcomes}"

# ---- the host's namespace is refused by the installer ----
# Should a refusal ever break, these rules would land on the host: they reject one TEST-NET-1
# address and nothing else.
cat >"$RW_TMP/harmless.json" <<'EOF'
{ "mode": "deny-list", "metadata": "allow", "control_planes": "allow",
  "deny": [ { "cidr": "192.0.2.1/32" } ] }
EOF
"$TOOL" build "$RW_TMP/harmless.json" --out "$RW_TMP/harmless.rules" >/dev/null
rw_capture host "$TOOL" install --netns /proc/self/ns/net "$RW_TMP/harmless.rules"
rw_expect_rc "the installer refuses the host's namespace" 1
rw_expect_grep "and says why" "$ERR" "network namespace"
"$TOOL" remove --netns "/run/netns/$J"
rw_capture removed "$TOOL" show --netns "/run/netns/$J"
rw_expect_eq "the table is gone before the containers" absent "$(cat "$OUT")"

# ==== through runwarden: the policy's egress, the hook it injects, the hand-off, the log ====
# The tiers of the test: "job" (a deny-list with private ranges denied and one exception, the
# shape of the shipped untrusted tier), "open" (egress off: the control), "isolated" (mode none),
# "hostnet" (host-namespace only warns), "netadmin" (keeps CAP_NET_ADMIN). The job's resolv.conf
# is bound from a directory the tiers allow, as an engine binds its own.
mkdir -p "$RW_TMP/etc"
printf 'nameserver 127.0.0.11\nnameserver 10.249.0.1\noptions ndots:0\n' >"$RW_TMP/etc/resolv.conf"
AUDIT=$RW_TMP/audit.jsonl
POLICY=$RW_TMP/policy.json
jq -n --arg etc "$RW_TMP/etc" --arg audit "$AUDIT" '{version: 1, default_tier: "job",
        strictness: ["open", "netadmin", "hostnet", "job", "isolated"],
        audit_log: {path: $audit, on_failure: "refuse"},
        tiers: {
          job: {bind_prefixes: [{path: $etc, read_only: true}],
                egress: {mode: "deny-list", private: "deny",
                         allow: [{cidr: "10.250.0.20/32", proto: "tcp", ports: 8080}]}},
          open: {extends: "job", egress: {mode: "off"}},
          isolated: {extends: "job", egress: {mode: "none"}},
          hostnet: {extends: "job", rules: {"host-namespace": "warn"}},
          netadmin: {extends: "job", capabilities: ["CAP_NET_ADMIN"]}}}' >"$POLICY"
chmod 0644 "$POLICY"

# rwe ARG...: runwarden as an engine calls it, with the test policy and the build's hook.
rwe()
{
        "$RW_BIN" --policy "$POLICY" --root "$RW_STATE" --log "$RW_LOG" --log-format json \
                --runtime "$RW_RUNC" --seccomp-dir "$RW_SECCOMP_DIR" --egress-hook "$HOOK" "$@"
}

# make_job BUNDLE NETNS_PATH: a busybox bundle that runs every probe and then the netlink
# changes a job must not be able to make; NETNS_PATH "" keeps runc's own new namespace, "host"
# drops the network namespace. The environment names a Kubernetes API; resolv.conf is bound.
make_job()
{
        local b=$1 netns=$2 script p
        script=''
        for p in "${PROBES[@]}"; do
                script+="/egress-probe $p; "
        done
        script+='/egress-probe nft-delete; /egress-probe route-add; /egress-probe packet-socket; '
        script+='ip route add 203.0.113.0/24 dev lo 2>&1 | sed "s/^/ip-route: /"; true'
        rw_make_bundle "$b" sh -c "$script"
        cp "$EPROBE" "$b/rootfs/egress-probe"
        rw_spec "$b" '.process.env += ["KUBERNETES_SERVICE_HOST=10.250.0.10",
                                       "KUBERNETES_SERVICE_PORT=443"]'
        rw_add_bind "$b" "$RW_TMP/etc/resolv.conf" /etc/resolv.conf '["rbind","ro"]'
        case $netns in
        host)
                rw_spec "$b" '.linux.namespaces |= map(select(.type != "network"))' ;;
        "") ;;
        *)
                rw_spec "$b" '.linux.namespaces |= map(if .type == "network"
                                then . + {path: $p} else . end)' --arg p "$netns" ;;
        esac
}

# job NAME ID BUNDLE [GLOBAL FLAGS...]: create, start and delete through runwarden, as an engine
# does; the job's output in $RW_TMP/NAME.out, each step's status in CREATE_RC and DELETE_RC.
job()
{
        local name=$1 id=$2 b=$3 state
        shift 3
        rw_use_log "$name"
        CREATE_RC=0 DELETE_RC=0
        rwe "$@" create --bundle "$b" "$id" </dev/null >"$RW_TMP/$name.out" \
                2>"$RW_TMP/$name.err" || CREATE_RC=$?
        if [ "$CREATE_RC" = 0 ]; then
                rw_track "$id"
                rwe "$@" start "$id" </dev/null >/dev/null 2>>"$RW_TMP/$name.err" ||
                        rw_fatal "start $id failed: $(cat "$RW_TMP/$name.err")"
                for _ in $(seq 300); do
                        state=$("$RW_RUNC" --root "$RW_STATE" state "$id" 2>/dev/null |
                                jq -r .status || true)
                        [ "$state" = stopped ] && break
                        sleep 0.1
                done
                rwe "$@" delete "$id" </dev/null >/dev/null 2>>"$RW_TMP/$name.err" || DELETE_RC=$?
        fi
}

# decision ID COMMAND: the decision log's line for a container and a command.
decision()
{
        jq -c --arg id "$1" --arg cmd "$2" 'select(.container_id == $id and .command == $cmd)' "$AUDIT"
}

# ---- the control: egress off, through runwarden, reaches everything ----
B0=$RW_TMP/job0
make_job "$B0" "/run/netns/$J"
job open "$ID1-open" "$B0" --tier open
rw_expect_eq "egress off: create and delete through runwarden" "0 0" "$CREATE_RC $DELETE_RC"
rw_expect_eq "egress off: no hook in the spec runc got" 0 \
        "$(jq '[.hooks.createRuntime[]? | select(.path == $h)] | length' --arg h "$HOOK" "$B0/config.json")"
expect "$RW_TMP/open.out" "tcp 169.254.169.254 80" ok
expect "$RW_TMP/open.out" "tcp 10.250.0.10 10250" ok
expect "$RW_TMP/open.out" "tcp 10.250.0.30 5432" ok

# ---- a job joined to J, in the deny-list tier ----
B1=$RW_TMP/job1
make_job "$B1" "/run/netns/$J"
read -r handoff1 pin1 < <("$TOOL" paths --id "$ID1" --bundle "$B1")
job job1 "$ID1" "$B1"
rw_expect_eq "runwarden create, start and delete" "0 0" "$CREATE_RC $DELETE_RC"
rw_expect_eq "the hook is the last createRuntime hook of the spec runc got" \
        "[\"$HOOK\",[\"runwarden-egress-hook\"],10]" \
        "$(jq -c '.hooks.createRuntime | last | [.path, .args, .timeout]' "$B1/config.json")"
f=$RW_TMP/job1.out
expect "$f" "tcp 198.51.100.10 8080" ok
expect "$f" "udp 198.51.100.10 8080" ok
expect "$f" "tcp 2001:db8::10 8080" ok
expect "$f" "udp 2001:db8::10 8080" ok
expect "$f" "tcp 127.0.0.1 9000" ok
expect "$f" "tcp 10.250.0.20 8080" ok
expect "$f" "tcp 169.254.169.254 80" ECONNREFUSED
expect "$f" "udp 169.254.169.254 80" EPERM
expect "$f" "tcp fd00:ec2::254 80" ECONNREFUSED
expect "$f" "tcp 10.250.0.10 443" ECONNREFUSED
expect "$f" "tcp 10.250.0.10 10250" ECONNREFUSED
expect "$f" "tcp 10.250.0.10 2375" ECONNREFUSED
expect "$f" "tcp fd5a::10 10250" ECONNREFUSED
expect "$f" "tcp 10.250.0.30 5432" ECONNREFUSED
expect "$f" "tcp fd5a::30 5432" ECONNREFUSED
rw_expect_grep "the job cannot delete the table (no CAP_NET_ADMIN)" "$f" '^nft-delete: EPERM [0-9]+$'
rw_expect_grep "an rtnetlink route change is refused with EPERM" "$f" '^route-add: EPERM [0-9]+$'
rw_expect_grep "busybox ip route add is refused" "$f" '^ip-route: .*(Operation not permitted|EPERM)'
rw_expect_grep "no packet socket either (frames below the rules, below)" "$f" \
        '^packet-socket: EPERM [0-9]+$'
if [ -e "$handoff1" ]; then
        rw_fail "the hook took the hand-off ($handoff1 is still there)"
else
        rw_pass "the hook took the hand-off"
fi

create1=$(decision "$ID1" create)
jq -r '.egress.rules[]?' <<<"$create1" >"$RW_TMP/job1.rules"
rw_expect_eq "decision log: the egress of the create, handed off" "deny-list true" \
        "$(jq -r '"\(.egress.mode) \(.egress.handoff)"' <<<"$create1")"
rw_expect_grep "decision log: the env's Kubernetes API is rejected" "$RW_TMP/job1.rules" \
        '^egress.control-plane.kubernetes: ip daddr 10.250.0.10/32 tcp dport 443 reject$'
rw_expect_grep "decision log: the bound resolv.conf's resolver is let through on port 53" \
        "$RW_TMP/job1.rules" '^egress.resolver: ip daddr 10.249.0.1/32 udp dport 53 accept$'
rw_expect_no_grep "decision log: docker's 127.0.0.11 needs no rule of its own (loopback)" \
        "$RW_TMP/job1.rules" '127.0.0.11'
rw_expect_grep "decision log: the exception before the private ranges" "$RW_TMP/job1.rules" \
        '^egress.allow: ip daddr 10.250.0.20/32 tcp dport 8080 accept$'
delete1=$(decision "$ID1" delete)
rw_expect_eq "decision log: the delete counted the blocked attempts (one or more per refused probe)" yes \
        "$(jq -r 'if .egress.blocked >= 9 then "yes" else "no: \(.egress)" end' <<<"$delete1")"
rw_expect_eq "decision log: per rule, egress.metadata among them" yes \
        "$(jq -r '[.egress.counters[] | select(.id == "egress.metadata" and .reject and .packets >= 3)]
                | if length == 1 then "yes" else "no" end' <<<"$delete1")"
if [ -e "$pin1" ] || grep -qF " $pin1 " /proc/self/mountinfo; then
        rw_fail "the pin is gone after delete ($pin1)"
else
        rw_pass "the pin is gone after delete"
fi
"$TOOL" show --netns "/run/netns/$J" >"$RW_TMP/show-job1"
rw_expect_grep "J keeps the table after the job (the namespace is not the job's)" "$RW_TMP/show-job1" \
        '^table mode=deny-list fingerprint=[0-9a-f]{64} chain=ok reject_rules=2$'
before=$(awk '$3 == "egress.metadata" {sub("packets=", "", $4); s += $4} END {print s + 0}' \
        "$RW_TMP/show-job1")

# A second container of the "pod" joins the same namespace: its hook finds the same rules and
# writes nothing, so the counters of the first go on counting.
B2=$RW_TMP/job2
make_job "$B2" "/run/netns/$J"
job job2 "$ID2" "$B2"
rw_expect_eq "a second container joining the namespace" "0 0" "$CREATE_RC $DELETE_RC"
f=$RW_TMP/job2.out
expect "$f" "tcp 198.51.100.10 8080" ok
expect "$f" "tcp 169.254.169.254 80" ECONNREFUSED
expect "$f" "tcp fd00:ec2::254 80" ECONNREFUSED
expect "$f" "tcp 10.250.0.10 10250" ECONNREFUSED
"$TOOL" show --netns "/run/netns/$J" >"$RW_TMP/show-job2"
after=$(awk '$3 == "egress.metadata" {sub("packets=", "", $4); s += $4} END {print s + 0}' \
        "$RW_TMP/show-job2")
if [ "$after" -gt "$before" ] && [ "$before" -gt 0 ]; then
        rw_pass "the second hook kept the table: counters went on ($before -> $after packets)"
else
        rw_fail "the second hook kept the table: counters $before -> $after"
fi

# ---- a namespace of runc's own, mode none: loopback only, counted until delete ----
B3=$RW_TMP/job3
make_job "$B3" ""
job job3 "$ID3" "$B3" --tier isolated
rw_expect_eq "mode none, runc's own namespace" "0 0" "$CREATE_RC $DELETE_RC"
delete3=$(decision "$ID3" delete)
rw_expect_eq "decision log: the job's loopback traffic was counted, read through the pin" yes \
        "$(jq -r '[.egress.counters[] | select(.id == "egress.loopback" and .packets > 0)]
                | if length == 1 then "yes" else "no: \(.)" end' <<<"$delete3")"

# ---- what runwarden refuses before runc starts ----
# expect_refused NAME RULE BUNDLE ID [GLOBAL FLAGS...]: a create refused by RULE, config.json as
# it was, runc never started.
expect_refused()
{
        local name=$1 rule=$2 b=$3 id=$4 before
        shift 4
        before=$(rw_sha256 "$b/config.json")
        rw_use_log "$name"
        rw_capture "$name" rwe "$@" create --bundle "$b" "$id"
        rw_expect_refusal "$name" "$rule" "$b" "$id" "$before"
}
B4=$RW_TMP/job4
make_job "$B4" host
expect_refused host-network egress.host-network "$B4" "$ID4" --tier hostnet
B5=$RW_TMP/job5
make_job "$B5" "/run/netns/$J"
expect_refused netadmin egress.capabilities "$B5" "$ID5" --tier netadmin
rw_spec "$B5" '.hooks.createRuntime = [{path: "/bin/sh", args: ["runwarden-egress-hook", "-c", "true"]}]'
expect_refused smuggled hooks "$B5" "$ID5"
rw_spec "$B5" '.hooks.createRuntime = [{path: $h, args: ["runwarden-egress-hook", "--rules", "/tmp/x"],
                                         timeout: 10}]' --arg h "$HOOK"
expect_refused own-path-other-args hooks "$B5" "$ID5"
rw_spec "$B5" 'del(.hooks)'
# The hand-off must be written before runc starts: a container id it cannot be keyed by (runc
# itself would refuse it later) is refused now, and leaves nothing behind.
expect_refused unkeyed "" "$B5" "bad id"
rw_expect_grep "... because the hand-off cannot be written" "$ERR" 'egress rules for the hook: invalid container id'

# ---- the hook on its own fails closed ----
# The spec runwarden wrote, run again by plain runc: the hand-off was taken, the hook refuses.
rw_capture rerun "$RW_RUNC" --root "$RW_STATE" run --bundle "$B1" "$ID1-again"
rw_track "$ID1-again"
rw_expect_rc "runwarden's spec run again without runwarden: runc fails" 1
rw_expect_grep "... with the hook's reason" "$ERR" \
        "runwarden-egress-hook: container $ID1-again: runwarden prepared no egress rules"
rw_expect_no_grep "... and the job never ran" "$OUT" 'tcp '
# A hand-off belongs to one container (id and bundle inode): runwarden prepares X (a recording
# delegate stands in for runc, so no hook takes it), a spec Y carrying the hook finds nothing.
FAKE=$RW_BUILD_ROOT/tests/integration/fake-delegate
B6=$RW_TMP/job6
make_job "$B6" "/run/netns/$J"
read -r handoff6 _ < <("$TOOL" paths --id "$ID6" --bundle "$B6")
RW_FAKE_RECORD=$RW_TMP/fake.record rw_capture fake-create "$RW_BIN" --policy "$POLICY" \
        --root "$RW_STATE" --runtime "$FAKE" --seccomp-dir "$RW_SECCOMP_DIR" --egress-hook "$HOOK" \
        create --bundle "$B6" "$ID6"
rw_expect_rc "runwarden create, handed to a recording delegate" 0
[ -e "$handoff6" ] && rw_pass "the hand-off of X is written" || rw_fail "the hand-off of X is written"
rw_expect_eq "it is root's, 0600, in a directory only root may enter" "0 600 0 700" \
        "$(stat -c '%u %a' "$handoff6") $(stat -c '%u %a' "$(dirname "$handoff6")")"
B7=$RW_TMP/job7
make_job "$B7" "/run/netns/$J"
cp "$B1/config.json" "$B7/config.json"
rw_capture other "$RW_RUNC" --root "$RW_STATE" run --bundle "$B7" "$ID6"
rw_track "$ID6"
rw_expect_rc "the same id in another bundle: the hook finds no hand-off" 1
rw_expect_grep "... and says so" "$ERR" "runwarden prepared no egress rules for container $ID6"
[ -e "$handoff6" ] && rw_pass "X's hand-off is untouched" || rw_fail "X's hand-off is untouched"
RW_FAKE_RECORD=$RW_TMP/fake.record rw_capture fake-delete "$RW_BIN" --policy "$POLICY" \
        --root "$RW_STATE" --runtime "$FAKE" --egress-hook "$HOOK" delete "$ID6"
rw_expect_rc "runwarden delete of X" 0
[ -e "$handoff6" ] && rw_fail "delete removes a hand-off no hook took" ||
        rw_pass "delete removes a hand-off no hook took"
# A hook entry with arguments, and the host's namespace, refused by the hook itself (runwarden
# never writes either: the hand-off here is written by the test, beyond what create would do).
B8=$RW_TMP/job8
make_job "$B8" "/run/netns/$J"
rw_spec "$B8" '.hooks.createRuntime = [{path: $h, args: ["runwarden-egress-hook", "--rules", "/tmp/x"],
                                         timeout: 10}]' --arg h "$HOOK"
rw_capture args "$RW_RUNC" --root "$RW_STATE" run --bundle "$B8" "$ID7"
rw_track "$ID7"
rw_expect_rc "a hook entry with arguments: runc run fails" 1
rw_expect_grep "the hook takes no arguments" "$ERR" 'the hook takes no arguments'
B9=$RW_TMP/job9
make_job "$B9" host
rw_spec "$B9" '.hooks.createRuntime = [{path: $h, args: ["runwarden-egress-hook"], timeout: 10}]' \
        --arg h "$HOOK"
"$TOOL" handoff "$RW_TMP/harmless.rules" --id "$ID8" --bundle "$B9" --tier test
rw_capture hookhost "$RW_RUNC" --root "$RW_STATE" run --bundle "$B9" "$ID8"
rw_track "$ID8"
rw_expect_rc "host networking with a hand-off: the hook refuses" 1
rw_expect_grep "the hook refuses the host's namespace" "$ERR" \
        "runwarden-egress-hook: container $ID8: network namespace of pid [0-9]+: .*(host's|runtime's own) network namespace"
if nft list table inet runwarden >/dev/null 2>&1; then
        nft delete table inet runwarden || true
        rw_fail "the host has no runwarden table"
else
        rw_pass "the host has no runwarden table"
fi

# ---- frames below netfilter's inet hooks ----
# A TCP SYN handed to the device through a packet socket, as a user-space network stack (gVisor's
# netstack) sends, is not seen by the output chain: it reaches the metadata listener with the
# rules in place. This is why a job keeps no CAP_NET_RAW and why runsc's own network stack is
# refused for tiers with egress rules (docs/egress.md).
"$TOOL" build "$RW_TMP/denylist.json" --out "$RW_TMP/denylist.rules" >/dev/null
"$TOOL" install --netns "/run/netns/$J" "$RW_TMP/denylist.rules" >/dev/null
ip netns exec "$S" nft add table inet "${tag}seen"
ip netns exec "$S" nft add chain inet "${tag}seen" input '{ type filter hook input priority 0; }'
ip netns exec "$S" nft add rule inet "${tag}seen" input ip daddr 169.254.169.254 tcp dport 80 \
        tcp flags syn counter
seen_syns()
{
        ip netns exec "$S" nft list chain inet "${tag}seen" input |
                sed -n 's/.*counter packets \([0-9]*\) .*/\1/p'
}
syns=$(seen_syns)
ip netns exec "$J" "$EPROBE" tcp 169.254.169.254 80 >"$RW_TMP/kernel-syn"
rw_expect_eq "a kernel socket's SYN to the metadata address never arrives" "$syns" "$(seen_syns)"
mac=$(ip netns exec "$S" cat "/sys/class/net/${tag}b/address")
rw_capture raw ip netns exec "$J" "$EPROBE" raw-syn "${tag}a" "$mac" 10.249.0.2 169.254.169.254 80
rw_expect_grep "a raw frame is sent (root, CAP_NET_RAW)" "$OUT" '^raw-syn: ok '
for _ in $(seq 20); do
        [ "$(seen_syns)" -gt "$syns" ] && break
        sleep 0.05
done
if [ "$(seen_syns)" -gt "$syns" ]; then
        rw_pass "the raw frame's SYN reached the metadata listener: packet sockets bypass the rules"
else
        rw_fail "the raw frame's SYN reached the metadata listener (the premise of docs/egress.md)"
fi

# ---- the counters at delete: read by the hook, never by runwarden itself ----
# runwarden links no netlink library (a static executable, docs/performance.md): its delete runs
# `runwarden-egress-hook --counters` with the pinned namespace on stdin. The hook answers only for
# a network namespace that is not the host's; a hook runwarden may not run as root (here one
# others may write) costs the counters, never the delete or the pin.
ID10=$tag-10
B11=$RW_TMP/job11
make_job "$B11" ""
read -r _ pin11 < <("$TOOL" paths --id "$ID10" --bundle "$B11")
rw_use_log counters
rwe create --bundle "$B11" "$ID10" </dev/null >/dev/null 2>"$RW_TMP/counters-create.err" ||
        rw_fatal "create $ID10 failed: $(cat "$RW_TMP/counters-create.err")"
rw_track "$ID10"
[ -e "$pin11" ] && rw_pass "counters: the hook pinned the job's namespace" ||
        rw_fail "counters: the hook pinned the job's namespace ($pin11)"
rw_capture counters-direct sh -c 'exec "$1" --counters <"$2"' sh "$HOOK" "$pin11"
rw_expect_rc "counters: runwarden-egress-hook --counters with the pin on stdin" 0
rw_expect_eq "... writes one object: present, mode, a counter per rule, blocked" \
        "true deny-list true number" \
        "$(jq -r '"\(.present) \(.mode) \(.counters | length > 0 and all(has("id", "packets", "bytes", "reject"))) \(.blocked | type)"' "$OUT")"
rw_capture counters-null "$HOOK" --counters
rw_expect_rc "counters: stdin not a namespace: exit 1" 1
rw_expect_grep "... saying so" "$ERR" '^runwarden-egress-hook: counters: not a namespace'
rw_capture counters-host sh -c 'exec "$1" --counters </proc/self/ns/net' sh "$HOOK"
rw_expect_rc "counters: the runtime's own (the host's) namespace: exit 1" 1
rw_expect_grep "... saying so" "$ERR" "(host's|runtime's own) network namespace"
rw_capture counters-extra "$HOOK" --counters "$pin11"
rw_expect_rc "counters: with an argument more, the hook refuses" 1
mkdir -p "$RW_TMP/loosehook"
cp "$HOOK" "$RW_TMP/loosehook/runwarden-egress-hook"
chmod 0775 "$RW_TMP/loosehook/runwarden-egress-hook"
rwe start "$ID10" </dev/null >/dev/null 2>&1 || rw_fatal "start $ID10 failed"
for _ in $(seq 300); do
        [ "$("$RW_RUNC" --root "$RW_STATE" state "$ID10" 2>/dev/null | jq -r .status)" = stopped ] &&
                break
        sleep 0.1
done
rw_capture counters-loose "$RW_BIN" --policy "$POLICY" --root "$RW_STATE" --log "$RW_LOG" \
        --log-format json --runtime "$RW_RUNC" --seccomp-dir "$RW_SECCOMP_DIR" \
        --egress-hook "$RW_TMP/loosehook/runwarden-egress-hook" delete "$ID10"
rw_expect_rc "counters: delete with a hook others may write goes on" 0
rw_expect_grep "... warning in the engine's log that the hook was not run, and why" "$RW_LOG" \
        "egress counters of container $ID10: the egress hook $RW_TMP/loosehook/runwarden-egress-hook cannot be run: others may write it"
rw_expect_eq "... the container is gone" "" "$("$RW_RUNC" --root "$RW_STATE" state "$ID10" 2>/dev/null)"
if [ -e "$pin11" ] || grep -qF " $pin11 " /proc/self/mountinfo; then
        rw_fail "... the pin is gone all the same ($pin11)"
else
        rw_pass "... the pin is gone all the same"
fi
rw_expect_eq "... the decision log's delete has no counters" null \
        "$(decision "$ID10" delete | jq -c '.egress.counters')"

# What the hook gets at delete: the namespace on stdin, stdout and stderr, no other descriptor and
# no environment (the engine's is runwarden's, not the hook's). A hook of root's that records
# both, then is the real one; the "engine" passes runwarden a descriptor and a variable.
ID11=$tag-11
B12=$RW_TMP/job12
make_job "$B12" ""
mkdir -p "$RW_TMP/recordhook"
printf '#!/bin/sh\n{ env; echo "fds: $(ls /proc/self/fd | tr "\\n" " ")"; } >%q\nexec %q "$@"\n' \
        "$RW_TMP/recordhook/seen" "$HOOK" >"$RW_TMP/recordhook/runwarden-egress-hook"
chmod 0755 "$RW_TMP/recordhook/runwarden-egress-hook"
rwe create --bundle "$B12" "$ID11" </dev/null >/dev/null 2>"$RW_TMP/record-create.err" ||
        rw_fatal "create $ID11 failed: $(cat "$RW_TMP/record-create.err")"
rw_track "$ID11"
rwe start "$ID11" </dev/null >/dev/null 2>&1 || rw_fatal "start $ID11 failed"
for _ in $(seq 300); do
        [ "$("$RW_RUNC" --root "$RW_STATE" state "$ID11" 2>/dev/null | jq -r .status)" = stopped ] &&
                break
        sleep 0.1
done
rw_use_log counters-record
RW_ENGINE_SECRET=engine-only rw_capture counters-record sh -c 'exec 7</dev/null; exec "$@"' sh \
        "$RW_BIN" --policy "$POLICY" --root "$RW_STATE" --log "$RW_LOG" --log-format json \
        --runtime "$RW_RUNC" --seccomp-dir "$RW_SECCOMP_DIR" \
        --egress-hook "$RW_TMP/recordhook/runwarden-egress-hook" delete "$ID11"
rw_expect_rc "counters: delete through a recording hook" 0
rw_expect_eq "... the hook had none of the engine's environment" "" \
        "$(grep -v -e '^fds: ' -e '^PWD=' "$RW_TMP/recordhook/seen" || true)"
rw_expect_grep "... and only stdin, stdout and stderr (3: its own listing)" \
        "$RW_TMP/recordhook/seen" '^fds: 0 1 2 3 $'
rw_expect_eq "... and the counters reached the decision log" yes \
        "$(decision "$ID11" delete |
                jq -r 'if (.egress.counters | length) > 0 then "yes" else "no: \(.egress)" end')"

# ---- gVisor (runsc) through runwarden ----
# runsc's own network stack would bypass the rules: refused. With --network=host the sandbox's
# sockets are the host kernel's, in the namespace it joined, and the rules hold.
RUNSC=$(command -v runsc) || rw_fatal "runsc is not installed (tools/deps.sh installs it)"
"$TOOL" remove --netns "/run/netns/$J"
B10=$RW_TMP/job10
make_job "$B10" "/run/netns/$J"
expect_refused gvisor-sandbox egress.gvisor "$B10" "$ID9" --runtime "$RUNSC" --platform=ptrace
rw_expect_grep "... naming the network modes that work" "$ERR" '--network=host or --network=none'
expect_refused gvisor-override egress.gvisor "$B10" "$ID9" --runtime "$RUNSC" --network=host \
        --allow-flag-override
rw_use_log gvisor-host
rw_capture gvisor-host timeout 120 "$RW_BIN" --policy "$POLICY" --root "$RW_TMP/runsc" \
        --log "$RW_LOG" --log-format json --runtime "$RUNSC" --seccomp-dir "$RW_SECCOMP_DIR" \
        --egress-hook "$HOOK" --network=host --platform=ptrace run --bundle "$B10" "$ID9"
rw_expect_rc "runsc --network=host through runwarden, with the egress hook" 0
f=$RW_TMP/gvisor-host.out
expect "$f" "tcp 198.51.100.10 8080" ok
expect "$f" "tcp 10.250.0.20 8080" ok
expect "$f" "tcp 169.254.169.254 80" ECONNREFUSED
expect "$f" "tcp fd00:ec2::254 80" ECONNREFUSED
expect "$f" "tcp 10.250.0.10 10250" ECONNREFUSED
expect "$f" "tcp 10.250.0.30 5432" ECONNREFUSED
"$RW_BIN" --policy "$POLICY" --root "$RW_TMP/runsc" --runtime "$RUNSC" --egress-hook "$HOOK" \
        delete --force "$ID9" >/dev/null 2>&1 || true

rw_summary
