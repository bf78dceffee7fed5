#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# containerd driven directly: `ctr run --runc-binary RUNWARDEN`, the runc v2 shim's way of
# running another runtime in runc's place (the same BinaryName option a CRI handler sets, see
# test-cri.sh). The containerd is the test's own (engines.sh).
#
# Checked: the container is hardened and recorded in the decision log; a runwarden-TIER link
# given as the binary picks the tier; a refusal reaches the ctr user with runwarden's reason and
# leaves no task; `ctr task exec` is hardened too; a container joining another's namespaces by
# path (ctr run --with-ns, what a pod's containers do) runs.
set -euo pipefail

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/engines.sh
. "$(dirname "$0")/engines.sh"

rw_init
rw_eng_init

d=$RW_ENG_DIR
image=docker.io/library/rw-busybox:test
audit=$RW_ENG_AUDIT

# The harness's policy ("default", the baseline) plus a tier that keeps one capability, reached
# through a runwarden-trusted link as a containerd handler's BinaryName would be, and a tier that
# may join the namespaces of default's containers (issue 19: only where the policy says so).
rw_eng_default_policy_json '{"trusted": {"capabilities": ["CAP_NET_BIND_SERVICE"]},
        "sidecar": {"share_namespaces_with": ["default"]}}' >"$d/policy.json"
rw_eng_policy "$d/policy.json"
mkdir -p "$d/bin"
ln -s "$RW_ENG_RUNTIME" "$d/bin/runwarden-trusted"
ln -s "$RW_ENG_RUNTIME" "$d/bin/runwarden-sidecar"

# shellcheck disable=SC2119  # no CRI
rw_eng_start_containerd
rw_eng_ctr_busybox_image "$image"

# decision ID COMMAND: the first decision log record of COMMAND for container ID.
decision()
{
        jq -c --arg id "$1" --arg cmd "$2" \
                'select(.container_id == $id and .command == $cmd)' "$audit" 2>/dev/null | head -n 1
}

id=rw-ctr-$$
echo "# ctr run --runc-binary runwarden"
rw_capture run rw_eng_ctr_run --rm --runc-binary "$RW_ENG_RUNTIME" "$image" "$id-a" /probe all
rw_expect_rc "ctr run through runwarden exits 0" 0
rw_expect_line "CapEff is empty" "$OUT" "CapEff: 0000000000000000"
rw_expect_line "no_new_privs" "$OUT" "NoNewPrivs: 1"
rw_expect_line "seccomp filter" "$OUT" "Seccomp: 2"
rw_expect_line "/ is read-only" "$OUT" "write /: EROFS"
rw_expect_line "/tmp is writable" "$OUT" "write /tmp: ok"
rw_expect_line "raw sockets refused" "$OUT" "rawsock-inet: EPERM"
rec=$(decision "$id-a" create)
rw_expect_eq "the decision log has the create, rewritten, tier default" "rewritten default" \
        "$(jq -r '"\(.outcome) \(.tier)"' <<<"${rec:-null}")"

echo "# ctr run --runc-binary runwarden-trusted"
rw_capture run-trusted rw_eng_ctr_run --rm --runc-binary "$d/bin/runwarden-trusted" "$image" \
        "$id-b" /probe caps
rw_expect_rc "ctr run through runwarden-trusted exits 0" 0
rw_expect_line "the trusted tier keeps CAP_NET_BIND_SERVICE only" "$OUT" "CapEff: 0000000000000400"
rec=$(decision "$id-b" create)
rw_expect_eq "the tier comes from the binary's name" "trusted invoked as runwarden-trusted" \
        "$(jq -r '"\(.tier) \(.tier_reason)"' <<<"${rec:-null}")"

echo "# ctr run with a bind mount of /etc"
rw_capture run-bind rw_eng_ctr_run --rm --runc-binary "$RW_ENG_RUNTIME" \
        --mount type=bind,src=/etc,dst=/host-etc,options=rbind:ro "$image" "$id-c" true
if [ "$RW_RC" != 0 ] && grep -Fq "runwarden: refused by rule host-mount:" "$ERR" &&
        grep -Fq "/etc" "$ERR"; then
        rw_pass "ctr prints runwarden's refusal of the /etc bind"
        echo "    ctr: $(head -c 300 "$ERR")"
else
        rw_fail "ctr prints runwarden's refusal of the /etc bind (exit $RW_RC)"
        rw_show stderr "$ERR"
fi
rw_expect_eq "the refused container left no task" "" "$(rw_eng_ctr tasks ls -q | grep -Fx "$id-c" || true)"
rw_eng_ctr containers delete "$id-c" >/dev/null 2>&1 || true

echo "# ctr run --net-host"
rw_capture run-nethost rw_eng_ctr_run --rm --runc-binary "$RW_ENG_RUNTIME" --net-host "$image" \
        "$id-d" true
# ctr also binds the host's /etc/hosts and /etc/resolv.conf then: refused by host-mount as well,
# every reason in the one message.
if [ "$RW_RC" != 0 ] && grep -Fq "runwarden: refused by rule" "$ERR" &&
        grep -Fq "refused by rule host-namespace: the spec shares the host's network namespace" "$ERR"; then
        rw_pass "ctr prints runwarden's refusal of the host's network namespace"
else
        rw_fail "ctr prints runwarden's refusal of the host's network namespace (exit $RW_RC)"
        rw_show stderr "$ERR"
fi
rw_eng_ctr containers delete "$id-d" >/dev/null 2>&1 || true

echo "# a long-running container, ctr task exec, and a second one joining its namespaces"
rw_capture run-detached rw_eng_ctr_run -d --runc-binary "$RW_ENG_RUNTIME" "$image" "$id-e" \
        sleep 600
rw_expect_rc "ctr run -d through runwarden" 0
pid=$(rw_eng_ctr tasks ls | awk -v id="$id-e" '$1 == id {print $2}')
if [ -n "$pid" ] && [ -d "/proc/$pid" ]; then
        rw_capture exec rw_eng_ctr tasks exec --exec-id "probe-$$" "$id-e" /probe caps
        rw_expect_rc "ctr task exec through runwarden" 0
        rw_expect_line "the exec has no capabilities" "$OUT" "CapEff: 0000000000000000"
        rw_expect_line "the exec has no_new_privs" "$OUT" "NoNewPrivs: 1"
        rec=$(decision "$id-e" exec)
        rw_expect_eq "the decision log has the exec" "exec" "$(jq -r '.command' <<<"${rec:-null}")"

        rw_capture join-refused rw_eng_ctr_run --rm --runc-binary "$RW_ENG_RUNTIME" \
                --with-ns "network:/proc/$pid/ns/net" "$image" "$id-g" true
        rw_expect_rc "joining another container's namespace, not shared by the tier: refused" 1
        rw_expect_grep "the refusal names namespace-join and the container" "$ERR" \
                "refused by rule namespace-join: the spec joins the network namespace of container $id-e"
        rw_capture join rw_eng_ctr_run --rm --runc-binary "$d/bin/runwarden-sidecar" \
                --with-ns "network:/proc/$pid/ns/net" --with-ns "ipc:/proc/$pid/ns/ipc" \
                --with-ns "uts:/proc/$pid/ns/uts" "$image" "$id-f" readlink /proc/self/ns/net
        rw_expect_rc "a container of a tier that shares with default joins its namespaces by path" 0
        if [ "$RW_RC" = 0 ]; then
                rw_expect_eq "it is in the first container's network namespace" \
                        "$(readlink "/proc/$pid/ns/net")" "$(cat "$OUT")"
        fi
        rw_eng_ctr tasks kill -s KILL "$id-e" >/dev/null 2>&1 || true
else
        rw_fail "the detached container is running (ctr tasks ls gives its pid)"
fi

rw_summary
