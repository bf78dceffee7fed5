#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Trust tiers with real containers (runwarden -> runc): the example policy's tiers chosen by the
# binary name, by --tier and by trusted annotations; an environment variable that tries to pick a
# weaker tier is ignored; credentials in the environment; the service tier's exec denial; and the
# decision log that follows every container's life, summarised by runwardenctl audit.
set -uo pipefail

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
rw_init
rw_need_cmd lxcfs
LXCFS_PID=
# lxcfs (started below) is unmounted before the scratch directory is removed.
policy_cleanup()
{
        if [ -n "$LXCFS_PID" ]; then
                kill "$LXCFS_PID" 2>/dev/null
                wait "$LXCFS_PID" 2>/dev/null
                umount -l "$RW_TMP/lxcfs" 2>/dev/null
        fi
        rw_cleanup
}
trap policy_cleanup EXIT

CTL=$RW_BUILD_ROOT/ctl/runwardenctl
[ -x "$CTL" ] || rw_fatal "runwardenctl not built at $CTL"
AUDIT=$RW_TMP/audit.jsonl
POLICY=$RW_TMP/policy.json

# The shipped example, with its decision log in the scratch dir and one more select rule: a job
# variable that asks for the trusted tier. It reads the job's environment, so it must never apply.
jq --arg log "$AUDIT" '.audit_log.path = $log
        | .select = [{when: {env: {CI_COMMIT_REF_PROTECTED: "true"}}, tier: "trusted"}] + .select' \
        "$RW_SOURCE_ROOT/deploy/policy/policy.json" >"$POLICY"
chmod 0644 "$POLICY"

# One symlink per tier, as an operator installs them (containerd BinaryName, dockerd path).
mkdir -p "$RW_TMP/bin"
ln -s "$RW_BIN" "$RW_TMP/bin/runwarden-untrusted"
ln -s "$RW_BIN" "$RW_TMP/bin/runwarden-service"

# rwt NAME ARG...: runwarden invoked as NAME with the engine's flags and the test policy.
rwt()
{
        local name=$1
        shift
        rw_note_created "$@"
        "$RW_TMP/bin/$name" --policy "$POLICY" --root "$RW_STATE" --log "$RW_LOG" \
                --log-format json --runtime "$RW_RUNC" --seccomp-dir "$RW_SECCOMP_DIR" \
                --egress-hook "$RW_EGRESS_HOOK" "$@"
}
ln -s "$RW_BIN" "$RW_TMP/bin/runwarden"

audit_for() { # audit_for ID COMMAND: the decision lines of one container and command
        jq -c --arg id "$1" --arg cmd "$2" 'select(.container_id == $id and .command == $cmd)' "$AUDIT"
}

# --- the binary name picks the tier ----------------------------------------------------------
rw_make_bundle "$RW_TMP/b1" /probe caps
rw_use_log untrusted
rw_capture untrusted rwt runwarden-untrusted run --bundle "$RW_TMP/b1" t-untrusted
rw_expect_rc "runwarden-untrusted runs the job" 0
rw_expect_line "untrusted: no capabilities" "$OUT" "CapEff: 0000000000000000"
rw_expect_eq "decision log: tier from the binary name" \
        '"untrusted"|"invoked as runwarden-untrusted"|"rewritten"' \
        "$(audit_for t-untrusted run | jq -r '[.tier, .tier_reason, .outcome] | map(tojson) | join("|")')"

# --- --tier trusted keeps what the tier allows; the service tier requires its label ----------
rw_make_bundle "$RW_TMP/b2" /probe caps
rw_use_log trusted
rw_capture trusted rwt runwarden --tier trusted run --bundle "$RW_TMP/b2" t-trusted
rw_expect_rc "--tier trusted runs the job" 0
# CAP_NET_BIND_SERVICE is capability 10: bit 0x400
rw_expect_line "trusted: keeps CAP_NET_BIND_SERVICE only" "$OUT" "CapEff: 0000000000000400"

rw_make_bundle "$RW_TMP/b3" /probe caps
before=$(rw_sha256 "$RW_TMP/b3/config.json")
rw_use_log service-unlabelled
rw_capture service-unlabelled rwt runwarden-service run --bundle "$RW_TMP/b3" t-nolabel
rw_expect_refusal "service without runwarden.io/owner" required-label "$RW_TMP/b3" t-nolabel "$before"

# --- a job cannot choose a weaker tier through its environment --------------------------------
rw_make_bundle "$RW_TMP/b4" /probe caps
rw_spec "$RW_TMP/b4" '.process.env += ["CI_COMMIT_REF_PROTECTED=true"]'
rw_use_log spoof
rw_capture spoof rwt runwarden run --bundle "$RW_TMP/b4" t-spoof
rw_expect_rc "a job asking for the trusted tier through its env still runs" 0
rw_expect_line "... in the default, untrusted tier: no capabilities" "$OUT" "CapEff: 0000000000000000"
rw_expect_eq "decision log: the env rule was skipped, the default applied" \
        'untrusted|true' \
        "$(audit_for t-spoof run | jq -r '[.tier, (.tier_skipped | test("select rule 1"))] | join("|")')"

# --- nor through an annotation, which any client can set ----------------------------------------
rw_make_bundle "$RW_TMP/b5" /probe caps
rw_spec "$RW_TMP/b5" '.annotations = {"runwarden.io/tier": "trusted", "runwarden.io/ephemeral": "true"}'
rw_use_log annotated
rw_capture annotated rwt runwarden run --bundle "$RW_TMP/b5" t-annotated
rw_expect_line "an annotation does not pick the trusted tier" "$OUT" "CapEff: 0000000000000000"

# --- credentials in the environment: refused in untrusted, only warned about in trusted --------
key="AKIA$(printf 'Q%.0s' {1..16})"
rw_make_bundle "$RW_TMP/b6" /bin/sh -c 'echo "key=${AWS_ACCESS_KEY_ID:-absent}"'
rw_spec "$RW_TMP/b6" '.process.env += ["AWS_ACCESS_KEY_ID=" + $k]' --arg k "$key"
before=$(rw_sha256 "$RW_TMP/b6/config.json")
rw_use_log secret-untrusted
rw_capture secret-untrusted rwt runwarden-untrusted run --bundle "$RW_TMP/b6" t-secret
rw_expect_refusal "untrusted: a long-lived AWS key is refused" secret-in-env "$RW_TMP/b6" t-secret "$before"
rw_expect_no_grep "the refusal never shows the key" "$RW_LOG" "$key"
rw_expect_no_grep "the decision log never shows the key" "$AUDIT" "$key"
rw_use_log secret-trusted
rw_capture secret-trusted rwt runwarden --tier trusted run --bundle "$RW_TMP/b6" t-secret2
rw_expect_rc "trusted: the same job runs (secret-in-env: warn)" 0
rw_expect_eq "trusted: the warning is in the decision log, without the key" \
        'secret-in-env|false' \
        "$(audit_for t-secret2 run | jq -r '[.warnings[0].rule, (tostring | contains($k))] | join("|")' --arg k "$key")"

# --- the service tier: no exec into it, and its life in the decision log ----------------------
rw_make_bundle "$RW_TMP/b7" /bin/sleep 30
rw_spec "$RW_TMP/b7" '.annotations = {"runwarden.io/owner": "git"}'
rw_use_log service
rw_capture service-create rwt runwarden-service create --bundle "$RW_TMP/b7" t-service
rw_track t-service
rw_expect_rc "service tier: create" 0
rw_capture service-start rwt runwarden start t-service
rw_expect_rc "service tier: start" 0
rw_capture service-exec rwt runwarden exec t-service /bin/true
rw_expect_rc "service tier: exec is refused" 1
rw_expect_grep "... by rule exec-policy" "$ERR" 'refused by rule exec-policy: tier service does not allow exec'
rw_capture service-kill rwt runwarden kill t-service 9
rw_capture service-delete rwt runwarden delete --force t-service
rw_expect_rc "service tier: delete" 0
rw_expect_eq "decision log: the container's whole life, in its tier" \
        'create:service:rewritten start:service:passthrough exec:service:refused kill:service:passthrough delete:service:passthrough' \
        "$(jq -r --arg id t-service 'select(.container_id == $id) | "\(.command):\(.tier):\(.outcome)"' "$AUDIT" | tr '\n' ' ' | sed 's/ $//')"

# one container created and never deleted
rw_make_bundle "$RW_TMP/b8" /bin/sleep 30
rw_use_log open
rw_capture open rwt runwarden-untrusted create --bundle "$RW_TMP/b8" t-open
rw_track t-open

# --- runwardenctl audit summarises exactly that --------------------------------------------------
rw_capture ctl-audit "$CTL" audit --json "$AUDIT"
rw_expect_rc "runwardenctl audit --json" 0
rw_expect_eq "audit: refusals counted by rule" '1|1|1' \
        "$(jq -r '[.rules["required-label"].refused, .rules["secret-in-env"].refused, .rules["exec-policy"].refused] | join("|")' "$OUT" 2>/dev/null)"
rw_expect_eq "audit: the container never deleted is listed" 't-open' \
        "$(jq -r '[.open_containers[].container_id] | join(",")' "$OUT" 2>/dev/null)"
rw_capture ctl-prom "$CTL" audit --prometheus "$AUDIT"
rw_expect_grep "audit --prometheus: decisions by outcome and tier" "$OUT" \
        '^runwarden_decisions_total\{outcome="refused",tier="untrusted"\} [0-9]+$'
rw_expect_grep "audit --prometheus: open containers" "$OUT" '^runwarden_containers_open 1$'

# --- what the baseline strips is said: the engine's log (warning level) and the decision log ----
# A device, a sysctl outside the safe set, a runtime annotation and runc's default capabilities.
rw_make_bundle "$RW_TMP/strip" /bin/sh -c '[ -e /dev/fuse ] && echo fuse-here || echo fuse-absent
        echo "tcp_ecn=$(cat /proc/sys/net/ipv4/tcp_ecn)"'
rw_spec "$RW_TMP/strip" '.linux.devices = [{path: "/dev/fuse", type: "c", major: 10, minor: 229,
                fileMode: 438, uid: 0, gid: 0}]
        | .linux.resources.devices += [{allow: true, type: "c", major: 10, minor: 229, access: "rwm"}]
        | .linux.sysctl = {"net.ipv4.tcp_ecn": "1"}
        | .annotations = {"run.oci.keep_original_groups": "1"}'
rw_use_log strip
rw_capture strip rwt runwarden-untrusted run --bundle "$RW_TMP/strip" t-strip
rw_expect_rc "stripped: the job runs" 0
rw_expect_line "stripped: the device is gone" "$OUT" "fuse-absent"
rw_expect_line "stripped: the sysctl is gone (the namespace's default)" "$OUT" "tcp_ecn=2"
for what in 'devices /linux/devices/0: .*/dev/fuse' 'sysctl /linux/sysctl/net.ipv4.tcp_ecn' \
        'runtime-annotation /annotations/run.oci.keep_original_groups' \
        'caps-drop /process/capabilities/bounding'; do
        if jq -s -e --arg re "^runwarden: stripped by rule $what" \
                'any(.[]; .level == "warning" and (.msg | test($re)))' "$RW_LOG" >/dev/null 2>&1; then
                rw_pass "stripped: the engine log says it at warning level: ${what%% *}"
        else
                rw_fail "stripped: the engine log says it at warning level: ${what%% *}"
                rw_show log "$RW_LOG"
        fi
done
rw_expect_eq "stripped: the capabilities are said once, not once per set" 1 \
        "$(grep -c 'stripped by rule caps-drop' "$RW_LOG")"
rw_expect_eq "stripped: every line is a warning of what was stripped, none at debug level" true \
        "$(jq -s 'all(.level == "warning" and (.msg | startswith("runwarden: stripped ")))' "$RW_LOG")"
rw_expect_eq "stripped: the decision log has each, with what it was" \
        'caps-drop|devices|runtime-annotation|sysctl|/dev/fuse|1' \
        "$(audit_for t-strip run | jq -r '[([.changes[] | select(.rule | IN("devices", "sysctl", "runtime-annotation", "caps-drop")) | .rule] | unique | join("|")),
                ([.changes[] | select(.path == "/linux/devices/0")][0].before.path),
                ([.changes[] | select(.rule == "sysctl")][0].before)] | join("|")')"

# --- what a tier may allow: devices, namespaced sysctls, lxcfs ----------------------------------
# The tier "hw" lists the three devices, two sysctls (one host-wide, which stays out) and every
# file lxcfs may stand in for; it also lists /dev/mem, which stays out too.
lxcfs_files='["/proc/cpuinfo", "/proc/meminfo", "/proc/stat", "/proc/uptime", "/proc/diskstats",
        "/proc/swaps", "/proc/loadavg", "/sys/devices/system/cpu/online"]'
jq --arg log "$RW_TMP/audit-hw.jsonl" --argjson lx "$lxcfs_files" '.audit_log.path = $log
        | .tiers.hw = {extends: "untrusted",
                devices: ["/dev/fuse", "/dev/net/tun", "/dev/kvm", "/dev/mem"],
                sysctls: ["net.ipv4.tcp_ecn", "kernel.core_pattern"], lxcfs: $lx}
        | .strictness = ["hw"] + .strictness' "$POLICY" >"$RW_TMP/policy-hw.json"
chmod 0644 "$RW_TMP/policy-hw.json"
rw_capture hw-validate "$CTL" policy validate "$RW_TMP/policy-hw.json"
rw_expect_rc "the tier hw is valid policy" 0

# lxcfs of this test's own, on a scratch mount point (the host's, if any, is left alone)
mkdir -p "$RW_TMP/lxcfs"
lxcfs -f -p "$RW_TMP/lxcfs.pid" "$RW_TMP/lxcfs" >"$RW_TMP/lxcfs.log" 2>&1 &
LXCFS_PID=$!
for _ in $(seq 50); do
        grep -q " $RW_TMP/lxcfs .* fuse.lxcfs " /proc/self/mountinfo && break
        sleep 0.1
done
grep -q " $RW_TMP/lxcfs .* fuse.lxcfs " /proc/self/mountinfo ||
        rw_fatal "lxcfs did not mount $RW_TMP/lxcfs: $(cat "$RW_TMP/lxcfs.log")"

hw_spec='.linux.devices = [
                {path: "/dev/fuse", type: "c", major: 10, minor: 229, fileMode: 438, uid: 0, gid: 0},
                {path: "/dev/net/tun", type: "c", major: 10, minor: 200, fileMode: 438, uid: 0, gid: 0},
                {path: "/dev/kvm", type: "c", major: 10, minor: 232, fileMode: 438, uid: 0, gid: 0},
                {path: "/dev/mem", type: "c", major: 1, minor: 1, fileMode: 384, uid: 0, gid: 0}]
        | .linux.resources.devices += [
                {allow: true, type: "c", major: 10, minor: 229, access: "rwm"},
                {allow: true, type: "c", major: 10, minor: 200, access: "rwm"},
                {allow: true, type: "c", major: 10, minor: 232, access: "rwm"},
                {allow: true, type: "c", major: 1, minor: 1, access: "rwm"}]
        | .linux.sysctl = {"net.ipv4.tcp_ecn": "1", "kernel.core_pattern": "|/bin/false"}
        | .mounts += ($lx | map({destination: ., type: "bind", source: ($root + .),
                options: ["rbind", "rw"]}))'
rw_make_bundle "$RW_TMP/hw" /bin/sh -c 'exec 3<>/dev/fuse && echo fuse-opened
        for d in /dev/net/tun /dev/kvm /dev/mem; do
                if [ -c $d ]; then echo "$d $(stat -c %t:%T $d)"; else echo "$d absent"; fi
        done
        echo "tcp_ecn=$(cat /proc/sys/net/ipv4/tcp_ecn)"
        for f in /proc/meminfo /proc/cpuinfo /proc/uptime /sys/devices/system/cpu/online; do
                echo "$f $(grep " $f " /proc/self/mounts | cut -d" " -f3,4 | cut -d, -f1)"
        done
        echo x >/proc/meminfo 2>/dev/null && echo meminfo-written || echo meminfo-read-only'
rw_spec "$RW_TMP/hw" "$hw_spec" --argjson lx "$lxcfs_files" --arg root "$RW_TMP/lxcfs"
cp "$RW_TMP/hw/config.json" "$RW_TMP/hw.config.json"
rw_use_log hw
rw_track t-hw # runc deletes what it ran; runwarden's delete at the end releases its egress pin
rw_capture hw "$RW_TMP/bin/runwarden" --tier hw --policy "$RW_TMP/policy-hw.json" --root "$RW_STATE" \
        --log "$RW_LOG" --log-format json --runtime "$RW_RUNC" --seccomp-dir "$RW_SECCOMP_DIR" \
        run --bundle "$RW_TMP/hw" t-hw
rw_expect_rc "tier hw: the job runs" 0
rw_expect_line "tier hw: /dev/fuse is kept and opens" "$OUT" "fuse-opened"
rw_expect_line "tier hw: /dev/net/tun is kept (10:200)" "$OUT" "/dev/net/tun a:c8"
rw_expect_line "tier hw: /dev/kvm is kept (10:232)" "$OUT" "/dev/kvm a:e8"
rw_expect_line "tier hw: /dev/mem stays out, though listed" "$OUT" "/dev/mem absent"
rw_expect_line "tier hw: the listed namespaced sysctl is set" "$OUT" "tcp_ecn=1"
rw_expect_eq "tier hw: the listed host-wide sysctl stays out" "null" \
        "$(jq -c '.linux.sysctl["kernel.core_pattern"]' "$RW_TMP/hw/config.json")"
rw_expect_line "tier hw: lxcfs stands in for /proc/meminfo, read-only" "$OUT" "/proc/meminfo fuse.lxcfs ro"
rw_expect_line "tier hw: ... /proc/cpuinfo" "$OUT" "/proc/cpuinfo fuse.lxcfs ro"
rw_expect_line "tier hw: ... /proc/uptime" "$OUT" "/proc/uptime fuse.lxcfs ro"
rw_expect_line "tier hw: ... /sys/devices/system/cpu/online" "$OUT" \
        "/sys/devices/system/cpu/online fuse.lxcfs ro"
rw_expect_line "tier hw: the job cannot write lxcfs's view" "$OUT" "meminfo-read-only"
rw_expect_eq "tier hw: the device cgroup allows the kept devices, not /dev/mem" \
        '10:229 10:200 10:232' \
        "$(jq -r '[.linux.resources.devices[] | select(.allow and .major == 10) | "\(.major):\(.minor)"] | join(" ")' "$RW_TMP/hw/config.json")"
rw_expect_grep "tier hw: the engine log says /dev/mem was stripped" "$RW_LOG" \
        'stripped by rule devices /linux/devices/3: .*/dev/mem.*a tier can keep only'
rw_expect_grep "tier hw: ... and the host-wide sysctl" "$RW_LOG" \
        'stripped by rule sysctl /linux/sysctl/kernel.core_pattern.*not namespaced'

# the same spec under the untrusted tier: lxcfs's views are refused, nothing runs
cp "$RW_TMP/hw.config.json" "$RW_TMP/hw/config.json"
before=$(rw_sha256 "$RW_TMP/hw/config.json")
rw_use_log hw-untrusted
rw_capture hw-untrusted rwt runwarden-untrusted run --bundle "$RW_TMP/hw" t-hw-untrusted
rw_expect_refusal "untrusted: lxcfs's views are refused" host-mount "$RW_TMP/hw" t-hw-untrusted "$before"
rw_expect_grep "... because the tier does not list them" "$ERR" 'the tier does not let lxcfs stand in for it'

# an lxcfs view over another file than its own, and a host file posing as one: refused in hw too
for case in other-file host-file; do
        rw_make_bundle "$RW_TMP/lx-$case" /bin/true
        if [ "$case" = other-file ]; then
                src=$RW_TMP/lxcfs/proc/meminfo dst=/proc/cpuinfo
        else
                printf 'MemTotal: 1 kB\n' >"$RW_TMP/fake-meminfo"
                src=$RW_TMP/fake-meminfo dst=/proc/meminfo
        fi
        rw_add_bind "$RW_TMP/lx-$case" "$src" "$dst" '["rbind","ro"]'
        before=$(rw_sha256 "$RW_TMP/lx-$case/config.json")
        rw_use_log "lx-$case"
        rw_capture "lx-$case" "$RW_TMP/bin/runwarden" --tier hw --policy "$RW_TMP/policy-hw.json" \
                --root "$RW_STATE" --log "$RW_LOG" --log-format json --runtime "$RW_RUNC" \
                --seccomp-dir "$RW_SECCOMP_DIR" run --bundle "$RW_TMP/lx-$case" "t-lx-$case"
        rw_expect_refusal "tier hw: a bind at $dst from $case is refused" host-mount \
                "$RW_TMP/lx-$case" "t-lx-$case" "$before"
done

# --- exec as the container's own user (allow-as-owner), with and without --process -----------
rw_make_bundle "$RW_TMP/owner" /bin/sleep 60
rw_spec "$RW_TMP/owner" '.process.user = {uid: 1000, gid: 1000} | .process.env = ["PATH=/bin:/sbin", "HOME=/home/user"]'
rw_use_log owner
rw_capture owner-create rwt runwarden-untrusted create --bundle "$RW_TMP/owner" t-owner
rw_track t-owner
rw_expect_rc "owner: create (untrusted: exec allow-as-owner)" 0
rw_capture owner-start rwt runwarden start t-owner
rw_expect_rc "owner: start" 0
rw_capture owner-exec rwt runwarden exec t-owner /bin/id -u
rw_expect_rc "owner: exec without --process or --user (the container's own user) is allowed" 0
rw_expect_eq "... and runs as uid 1000" 1000 "$(cat "$OUT")"
rw_capture owner-exec-user rwt runwarden exec --user 1000:1000 t-owner /bin/id -u
rw_expect_rc "owner: exec --user 1000:1000 is allowed" 0
jq '.process | .args = ["/bin/id", "-u"] | .terminal = false' "$RW_TMP/owner/config.json" \
        >"$RW_TMP/owner-process.json"
rw_capture owner-exec-process rwt runwarden exec --process "$RW_TMP/owner-process.json" t-owner
rw_expect_rc "owner: exec --process with the container's own process user is allowed" 0
rw_expect_eq "... and runs as uid 1000" 1000 "$(cat "$OUT")"
rw_capture owner-exec-root rwt runwarden exec --user 0 t-owner /bin/id -u
rw_expect_rc "owner: exec --user 0 is refused" 1
rw_expect_grep "... by rule exec-policy" "$ERR" 'refused by rule exec-policy: tier untrusted allows exec only as the container'"'"'s own user'
rw_capture owner-delete rwt runwarden delete --force t-owner
rw_expect_rc "owner: delete" 0

# --- a decision log that cannot be written: the policy decides ----------------------------------
# /proc/self/... can never hold a file, whoever runs the test
for on_failure in refuse continue; do
        jq --arg f "$on_failure" '.audit_log = {path: "/proc/self/runwarden/audit.jsonl", on_failure: $f}' \
                "$POLICY" >"$RW_TMP/policy-$on_failure.json"
        chmod 0644 "$RW_TMP/policy-$on_failure.json"
        rw_make_bundle "$RW_TMP/b-$on_failure" /probe caps
        before=$(rw_sha256 "$RW_TMP/b-$on_failure/config.json")
        rw_use_log "audit-$on_failure"
        rw_note_created run "t-audit-$on_failure"
        rw_capture "audit-$on_failure" "$RW_TMP/bin/runwarden-untrusted" \
                --policy "$RW_TMP/policy-$on_failure.json" --root "$RW_STATE" --log "$RW_LOG" \
                --log-format json --runtime "$RW_RUNC" --seccomp-dir "$RW_SECCOMP_DIR" \
                --egress-hook "$RW_EGRESS_HOOK" run --bundle "$RW_TMP/b-$on_failure" "t-audit-$on_failure"
        if [ "$on_failure" = refuse ]; then
                rw_expect_refusal "unwritable decision log, on_failure refuse" "" \
                        "$RW_TMP/b-$on_failure" "t-audit-$on_failure" "$before"
                rw_expect_grep "... says the decision log cannot be written" "$ERR" \
                        'decision log cannot be written'
        else
                rw_expect_rc "unwritable decision log, on_failure continue: the job runs" 0
                rw_expect_line "... hardened" "$OUT" "CapEff: 0000000000000000"
                rw_expect_grep "... with a line on stderr" "$ERR" '^runwarden: decision log: '
        fi
done

# --- a broken policy refuses every container, with where it is broken ---------------------------
printf '{\n  "version": 1,\n  "default_tier": "untrusted",\n  "tiers": {\n' >"$RW_TMP/broken.json"
chmod 0644 "$RW_TMP/broken.json"
rw_make_bundle "$RW_TMP/b9" /probe caps
before=$(rw_sha256 "$RW_TMP/b9/config.json")
rw_use_log broken
rw_capture broken "$RW_BIN" --policy "$RW_TMP/broken.json" --root "$RW_STATE" --log "$RW_LOG" \
        --log-format json --runtime "$RW_RUNC" run --bundle "$RW_TMP/b9" t-broken
rw_expect_refusal "a policy that does not parse: fail closed" "" "$RW_TMP/b9" t-broken "$before"
rw_expect_grep "... and the message says where" "$RW_LOG" "broken.json:[0-9]+:[0-9]+: "

rw_summary
