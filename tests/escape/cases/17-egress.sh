# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash disable=SC2016
#
# Issue 17: what a job can reach on the network, and whether it can undo the rules that say so.
# The jobs join a network namespace of the suite's own (ESC_EJ), linked by a veth pair to another
# (ESC_ES) that holds the "metadata service" (169.254.169.254:80), a "kubelet" (10.250.0.10:10250)
# and a private host (10.250.0.30:5432): egress-probe listeners, nothing outside the suite's
# namespaces. A job that connects prints "tcp ADDR PORT: ok" (reached); a refusal prints
# ECONNREFUSED. Before each run runwarden's table is taken out of ESC_EJ (the namespace outlives
# its jobs), so the plain column always meets an open network.

ESC_EPROBE=$RW_BUILD_ROOT/tests/integration/egress-probe
ESC_ETOOL=$RW_BUILD_ROOT/tests/integration/egress-tool
[ -x "$ESC_EPROBE" ] && [ -x "$ESC_ETOOL" ] || rw_fatal "egress-probe and egress-tool are not built"
cp "$ESC_EPROBE" "$ESC_ROOTFS/egress-probe"
ESC_EJ=${ESC_TAG}j
ESC_ES=${ESC_TAG}s
ESC_EIF=e${ESC_TAG#rw-esc-} # interface names: at most 15 characters
ESC_EPIDS=()

esc_egress_cleanup()
{
        local pid
        for pid in "${ESC_EPIDS[@]}"; do
                kill "$pid" 2>/dev/null
        done
        ip netns del "$ESC_EJ" 2>/dev/null
        ip netns del "$ESC_ES" 2>/dev/null
        return 0
}
rw_eng_on_exit esc_egress_cleanup

ip netns add "$ESC_EJ" && ip netns add "$ESC_ES" || rw_fatal "cannot create the egress namespaces"
ip link add "${ESC_EIF}a" netns "$ESC_EJ" type veth peer name "${ESC_EIF}b" netns "$ESC_ES" ||
        rw_fatal "cannot link the egress namespaces"
for ns in "$ESC_EJ" "$ESC_ES"; do
        ip -n "$ns" link set lo up
done
ip -n "$ESC_EJ" link set "${ESC_EIF}a" up
ip -n "$ESC_ES" link set "${ESC_EIF}b" up
ip -n "$ESC_EJ" addr add 10.249.0.2/24 dev "${ESC_EIF}a"
ip -n "$ESC_EJ" route add default via 10.249.0.1
ip -n "$ESC_ES" addr add 10.249.0.1/24 dev "${ESC_EIF}b"
for a in 169.254.169.254/32 10.250.0.10/32 10.250.0.30/32; do
        ip -n "$ESC_ES" addr add "$a" dev lo
done
for l in "169.254.169.254 80" "10.250.0.10 10250" "10.250.0.30 5432"; do
        # shellcheck disable=SC2086  # address and port
        ip netns exec "$ESC_ES" "$ESC_EPROBE" serve $l >/dev/null 2>&1 &
        ESC_EPIDS+=($!)
done
ESC_EMAC=$(ip netns exec "$ESC_ES" cat "/sys/class/net/${ESC_EIF}b/address")

# A delegate named runsc (gVisor's runtime, by the name runwarden knows it by) that records the
# hand-off and runs runsc; runwarden must never get that far with egress rules and runsc's own
# network stack.
ESC_RUNSC=$ESC/bin/runsc
printf '#!/bin/sh\necho "$*" >>%q\nexec runsc "$@"\n' "$ESC_WITNESS_LOG" >"$ESC_RUNSC"
chmod 0755 "$ESC_RUNSC"
# A hook binary named like runwarden's, root's and 0755, that writes on the host when it runs.
printf '#!/bin/sh\necho "$0" >%q/egress-hook-ran\n' "$ESC_HOST" >"$ESC/hooks/runwarden-egress-hook"
chmod 0755 "$ESC/hooks/runwarden-egress-hook"

join_ej=".linux.namespaces |= map(if .type == \"network\" then . + {path: \"/run/netns/$ESC_EJ\"} else . end)"
clear_ej="\"\$ESC_ETOOL\" remove --netns /run/netns/$ESC_EJ"
reach='^(tcp [^ ]+ [0-9]+|raw-syn): ok'

esc_case egress.metadata 17 job-files contained - \
        'the job connects to the cloud metadata service (169.254.169.254:80) of its network' \
        -- esc_bundle "$join_ej" '/egress-probe tcp 169.254.169.254 80; echo ESC-BLOCKED' \
        --prep "$clear_ej" --reach "$reach"
esc_case egress.kubelet 17 job-files contained - \
        'the job connects to a kubelet (tcp 10250) of its network' \
        -- esc_bundle "$join_ej" '/egress-probe tcp 10.250.0.10 10250; echo ESC-BLOCKED' \
        --prep "$clear_ej" --reach "$reach"
esc_case egress.private 17 job-files contained - \
        'the job connects to a private address (10.250.0.30:5432): untrusted denies private ranges' \
        -- esc_bundle "$join_ej" '/egress-probe tcp 10.250.0.30 5432; echo ESC-BLOCKED' \
        --prep "$clear_ej" --reach "$reach"
esc_case egress.remove-rules 17 job-files contained - \
        'the job deletes runwarden'"'"'s nf_tables table and adds a route, then connects to the metadata service' \
        -- esc_bundle "$join_ej" '/egress-probe nft-delete; /egress-probe route-add; /egress-probe tcp 169.254.169.254 80; echo ESC-BLOCKED' \
        --prep "$clear_ej" --reach "$reach"
esc_case egress.raw-frame 17 job-files contained - \
        'the job sends a TCP SYN to the metadata service as a raw frame (packet socket), below the rules' \
        -- esc_bundle "$join_ej" "/egress-probe raw-syn ${ESC_EIF}a $ESC_EMAC 10.249.0.2 169.254.169.254 80; echo ESC-BLOCKED" \
        --prep "$clear_ej" --reach "$reach"
esc_case egress.capabilities 17 spec refused egress.capabilities \
        'a tier that keeps CAP_NET_ADMIN: the job deletes the table, then connects to the metadata service' \
        -- esc_bundle "$join_ej | .process.capabilities |= map_values(. + [\"CAP_NET_ADMIN\"])" \
        '/egress-probe nft-delete; /egress-probe tcp 169.254.169.254 80; echo ESC-BLOCKED' \
        --prep "$clear_ej" --reach "$reach" --policy test --tier netadmin
esc_case egress.host-network 17 spec refused egress.host-network \
        'no network namespace, in a tier whose host-namespace rule only warns: a server on the host'"'"'s loopback' \
        -- esc_bundle 'del(.linux.namespaces[] | select(.type == "network")) | del(.linux.sysctl)' \
        "wget -qO- http://127.0.0.1:$ESC_PORT/secret || echo ESC-BLOCKED" \
        --prep esc_host_server --policy test --tier hostnet
esc_case egress.gvisor 17 spec refused egress.gvisor \
        'a job of a tier whose runtime is runsc with its own network stack (--network=sandbox): netstack sends below netfilter' \
        --note 'the plain column is runc: this runsc cannot start its own network stack on this kernel; test-egress.sh shows the raw frames such a stack sends passing the rules' \
        -- esc_bundle "$join_ej" '/egress-probe tcp 169.254.169.254 80; echo ESC-BLOCKED' \
        --prep "$clear_ej" --reach "$reach" --delegate "$ESC_RUNSC"
esc_case egress.hook-named 17 spec refused hooks \
        'the spec brings its own runwarden-egress-hook: another path, argv runwarden-egress-hook' \
        -- esc_bundle '.hooks.createRuntime = [{path: "\($esc)/hooks/runwarden-egress-hook", args: ["runwarden-egress-hook"], timeout: 10}]' 'true'
esc_case egress.hook-sh 17 spec refused hooks \
        'a createRuntime hook /bin/sh whose argv[0] is runwarden-egress-hook, writing on the host' \
        -- esc_bundle '.hooks.createRuntime = [{path: "/bin/sh", args: ["runwarden-egress-hook", "-c", "echo x >\($host)/egress-sh"]}]' 'true'
