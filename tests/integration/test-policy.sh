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
trap rw_cleanup EXIT

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
