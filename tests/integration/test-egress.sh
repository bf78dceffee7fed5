#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# shellcheck disable=SC2016  # jq filters name jq $variables in single quotes
#
# Egress control in a job's network namespace (lib/net, runwarden-egress-hook), on a topology of
# network namespaces this test makes and removes; no other address is ever used:
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
# reaches all of them: that is what makes the checks after it able to fail. Then the rules are
# installed by lib/net driven directly (egress-tool), and by the hook in a real `runc run` of a
# busybox bundle that joins J, and again for a second container joining the same namespace.
set -euo pipefail

. "$(dirname "$0")/lib.sh"
rw_init
rw_need_cmd ip nft runc

TOOL=$RW_BUILD_ROOT/tests/integration/egress-tool
EPROBE=$RW_BUILD_ROOT/tests/integration/egress-probe
HOOK=$RW_BUILD_ROOT/shim/runwarden-egress-hook
for f in "$TOOL" "$EPROBE" "$HOOK"; do
        [ -x "$f" ] || rw_fatal "$f is not built"
done

tag=rwe$$
ID1=$tag-1 ID2=$tag-2 ID3=$tag-3 ID4=$tag-4 ID5=$tag-5 ID6=$tag-6 ID7=$tag-7
J=${tag}j
S=${tag}s
P=${tag}p
servers=()
pins=()

cleanup()
{
        local pid id b
        set +e # everything below is attempted, whatever fails on the way
        for pid in "${servers[@]}"; do
                kill "$pid" 2>/dev/null || true
        done
        for b in "${pins[@]}"; do
                "$TOOL" delete --id "${b%% *}" --bundle "${b#* }" >/dev/null 2>&1 || true
        done
        if [ -n "${RW_TMP:-}" ] && [ -d "$RW_TMP/runsc" ]; then
                runsc --root "$RW_TMP/runsc" delete --force "$ID7" >/dev/null 2>&1 || true
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

# ---- the host's namespace is refused ----
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

# ---- through runc: the hook, joined to J ----
"$TOOL" remove --netns "/run/netns/$J"
rw_capture removed "$TOOL" show --netns "/run/netns/$J"
rw_expect_eq "the table is gone before the containers" absent "$(cat "$OUT")"

# make_job BUNDLE NETNS_PATH: a busybox bundle that runs every probe and then the netlink
# changes a job must not be able to make; NETNS_PATH "" leaves runc's own new namespace,
# "host" drops the network namespace. The createRuntime hook is written in by hand (the core's
# injection comes later); the hand-off is what `runwarden create` will write.
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
        case $netns in
        host)
                rw_spec "$b" '.linux.namespaces |= map(select(.type != "network"))' ;;
        "") ;;
        *)
                rw_spec "$b" '.linux.namespaces |= map(if .type == "network"
                                then . + {path: $p} else . end)' --arg p "$netns" ;;
        esac
        rw_spec "$b" '.hooks.createRuntime = [{path: $hook, args: ["runwarden-egress-hook"],
                                               timeout: 10}]' --arg hook "$HOOK"
}

B1=$RW_TMP/job1
make_job "$B1" "/run/netns/$J"
"$TOOL" handoff "$RW_TMP/denylist.rules" --id "$ID1" --bundle "$B1" --tier untrusted
rw_capture runc1 "$RW_RUNC" --root "$RW_STATE" run --bundle "$B1" "$ID1"
rw_track "$ID1"
rw_expect_rc "runc run with the egress hook" 0
f=$RW_TMP/runc1.out
expect "$f" "tcp 198.51.100.10 8080" ok
expect "$f" "udp 198.51.100.10 8080" ok
expect "$f" "tcp 2001:db8::10 8080" ok
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
read -r handoff1 _ < <("$TOOL" paths --id "$ID1" --bundle "$B1")
if [ -e "$handoff1" ]; then
        rw_fail "the hand-off was taken by the hook ($handoff1 is still there)"
else
        rw_pass "the hand-off was taken by the hook"
fi

"$TOOL" show --netns "/run/netns/$J" >"$RW_TMP/show-job1"
rw_expect_grep "the hook installed the deny-list (table present)" "$RW_TMP/show-job1" \
        "^table mode=deny-list fingerprint=$(sed -n 's/^table mode=deny-list fingerprint=\([0-9a-f]*\).*/\1/p' \
                "$RW_TMP/show-direct") "
before=$(awk '$3 == "egress.metadata" {sub("packets=", "", $4); s += $4} END {print s + 0}' \
        "$RW_TMP/show-job1")

# A second container of the "pod" joins the same namespace: its hook finds the same rules and
# writes nothing, so the counters of the first go on counting.
B2=$RW_TMP/job2
make_job "$B2" "/run/netns/$J"
"$TOOL" handoff "$RW_TMP/denylist.rules" --id "$ID2" --bundle "$B2" --tier untrusted
rw_capture runc2 "$RW_RUNC" --root "$RW_STATE" run --bundle "$B2" "$ID2"
rw_track "$ID2"
rw_expect_rc "a second container joining the namespace" 0
f=$RW_TMP/runc2.out
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

# ---- the hook fails closed ----
B3=$RW_TMP/job3
make_job "$B3" "/run/netns/$J"
rw_capture runc3 "$RW_RUNC" --root "$RW_STATE" run --bundle "$B3" "$ID3"
rw_track "$ID3"
rw_expect_rc "no hand-off: runc run fails" 1
rw_expect_grep "and runc's error carries the hook's reason" "$ERR" \
        "runwarden-egress-hook: container $ID3: runwarden prepared no egress rules"
rw_expect_no_grep "the job never ran" "$OUT" 'tcp '

B4=$RW_TMP/job4
make_job "$B4" host
"$TOOL" handoff "$RW_TMP/harmless.rules" --id "$ID4" --bundle "$B4" --tier untrusted
rw_capture runc4 "$RW_RUNC" --root "$RW_STATE" run --bundle "$B4" "$ID4"
rw_track "$ID4"
rw_expect_rc "host networking with egress rules: runc run fails" 1
rw_expect_grep "the hook refuses the host's namespace" "$ERR" \
        "runwarden-egress-hook: container $ID4: network namespace of pid [0-9]+: .*(host's|runtime's own) network namespace"
if nft list table inet runwarden >/dev/null 2>&1; then
        nft delete table inet runwarden || true
        rw_fail "the host has no runwarden table"
else
        rw_pass "the host has no runwarden table"
fi

B5=$RW_TMP/job5
make_job "$B5" "/run/netns/$J"
rw_spec "$B5" '.hooks.createRuntime[0].args += ["--rules", "/tmp/other"]'
"$TOOL" handoff "$RW_TMP/denylist.rules" --id "$ID5" --bundle "$B5" --tier untrusted
rw_capture runc5 "$RW_RUNC" --root "$RW_STATE" run --bundle "$B5" "$ID5"
rw_track "$ID5"
rw_expect_rc "a hook entry with arguments: runc run fails" 1
rw_expect_grep "the hook takes no arguments" "$ERR" 'the hook takes no arguments'
"$TOOL" delete --id "$ID5" --bundle "$B5" >/dev/null 2>&1 || true

# ---- frames below netfilter's inet hooks ----
# A TCP SYN handed to the device through a packet socket, as a user-space network stack (gVisor's
# netstack) sends, is not seen by the output chain: it reaches the metadata listener with the
# rules in place. This is why a job keeps no CAP_NET_RAW and why runsc's own network stack is
# refused for tiers with egress rules (docs/egress.md).
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
mac=$(cat "/sys/class/net/${tag}b/address" 2>/dev/null ||
        ip netns exec "$S" cat "/sys/class/net/${tag}b/address")
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

# ---- gVisor with the host kernel's network stack (runsc --network=host) ----
# The hook runs for runsc too; with --network=host the sandbox's sockets are the host kernel's,
# in the namespace it joined, and the rules hold.
if command -v runsc >/dev/null 2>&1; then
        B7=$RW_TMP/job7
        make_job "$B7" "/run/netns/$J"
        "$TOOL" handoff "$RW_TMP/denylist.rules" --id "$ID7" --bundle "$B7" --tier sandbox
        rw_capture runsc7 timeout 120 runsc --root "$RW_TMP/runsc" --platform=ptrace \
                --network=host run --bundle "$B7" "$ID7"
        runsc --root "$RW_TMP/runsc" delete --force "$ID7" >/dev/null 2>&1 || true
        rw_expect_rc "runsc --network=host with the egress hook" 0
        f=$RW_TMP/runsc7.out
        expect "$f" "tcp 198.51.100.10 8080" ok
        expect "$f" "tcp 10.250.0.20 8080" ok
        expect "$f" "tcp 169.254.169.254 80" ECONNREFUSED
        expect "$f" "tcp 10.250.0.10 10250" ECONNREFUSED
        expect "$f" "tcp 10.250.0.30 5432" ECONNREFUSED
else
        rw_fail "runsc is not installed (tools/deps.sh installs it)"
fi

# ---- counters at delete: a namespace of runc's own, pinned by the hook ----
B6=$RW_TMP/job6
make_job "$B6" ""
"$TOOL" handoff "$RW_TMP/none.rules" --id "$ID6" --bundle "$B6" --tier untrusted --pin
pins+=("$ID6 $B6")
rw_capture runc6 "$RW_RUNC" --root "$RW_STATE" run --bundle "$B6" "$ID6"
rw_track "$ID6"
rw_expect_rc "a container with its own namespace and counters on" 0
"$RW_RUNC" --root "$RW_STATE" delete --force "$ID6" >/dev/null 2>&1 || true
rw_capture delete6 "$TOOL" delete --id "$ID6" --bundle "$B6"
rw_expect_rc "after runc delete, the counters are read through the pin" 0
rw_expect_grep "the job's loopback traffic was counted" "$OUT" \
        '^rule 1 egress.loopback packets=[1-9][0-9]* '
read -r _ pin6 < <("$TOOL" paths --id "$ID6" --bundle "$B6")
if [ -e "$pin6" ] || grep -qF " $pin6 " /proc/self/mountinfo; then
        rw_fail "the pin is gone after delete ($pin6)"
else
        rw_pass "the pin is gone after delete"
fi

rw_summary
