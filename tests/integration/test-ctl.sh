#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# shellcheck disable=SC2016  # jq filters name jq $variables in single quotes
#
# runwardenctl explain, policy validate and policy test, on bundles written here, on the policy
# shipped in deploy/policy and on broken copies of it. Nothing is started: no runc, no root needed
# (as root, the copies of the policy live in a root-owned 0700 directory, as rw_policy_load wants).
set -uo pipefail # no -e: every check runs and counts, a failing one included

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

[ -n "${RW_SOURCE_ROOT:-}" ] || rw_fatal "RW_SOURCE_ROOT is not set (run through meson test)"
[ -n "${RW_BUILD_ROOT:-}" ] || rw_fatal "RW_BUILD_ROOT is not set (run through meson test)"
rw_need_cmd jq
CTL=${RW_CTL:-$RW_BUILD_ROOT/ctl/runwardenctl}
[ -x "$CTL" ] || rw_fatal "runwardenctl not found at $CTL (build first)"
SECCOMP_DIR=${RW_SECCOMP_DIR:-$RW_SOURCE_ROOT/seccomp-profiles}
EGRESS_HOOK=${RW_EGRESS_HOOK:-$RW_BUILD_ROOT/shim/runwarden-egress-hook}
SHIPPED=$RW_SOURCE_ROOT/deploy/policy
RW_TMP=$(mktemp -d /tmp/rw-ctl.XXXXXX)
RW_LOG=$RW_TMP/none.log # lib.sh shows it on failures when it exists; nothing logs here
trap 'rm -rf "$RW_TMP"' EXIT

# The shipped policy, with a docker data root of the test's own for the bind below.
POLICY=$RW_TMP/policy.json
DOCKER_ROOT=$RW_TMP/docker
jq --arg d "$DOCKER_ROOT" '.engines = {docker: {data_root: $d}}' "$SHIPPED/policy.json" >"$POLICY"
chmod 0644 "$POLICY"

# A long-lived AWS key id (AWS's documented example): its value must never be printed.
SECRET=AKIAIOSFODNN7EXAMPLE
BIG=18446744073709551615

# make_bundle DIR: a runc-style spec with a writable root, a bind of a docker volume and an
# rlimit of RLIM_INFINITY (above INT64_MAX: it must print as the number it is).
make_bundle()
{
        mkdir -p "$1/rootfs" "$DOCKER_ROOT/volumes/data/_data"
        cat >"$1/config.json" <<EOF
{
  "ociVersion": "1.0.2",
  "process": {
    "terminal": false,
    "user": { "uid": 0, "gid": 0 },
    "args": ["sh", "-c", "true"],
    "env": ["PATH=/usr/bin:/bin", "HOME=/root", "CI_PROJECT_PATH=group/app"],
    "cwd": "/",
    "capabilities": {
      "bounding": ["CAP_CHOWN", "CAP_KILL"],
      "effective": ["CAP_CHOWN", "CAP_KILL"],
      "permitted": ["CAP_CHOWN", "CAP_KILL"]
    },
    "rlimits": [ { "type": "RLIMIT_MEMLOCK", "soft": $BIG, "hard": $BIG } ],
    "noNewPrivileges": false
  },
  "root": { "path": "rootfs", "readonly": false },
  "hostname": "job",
  "mounts": [
    { "destination": "/proc", "type": "proc", "source": "proc" },
    { "destination": "/dev", "type": "tmpfs", "source": "tmpfs",
      "options": ["nosuid", "strictatime", "mode=755", "size=65536k"] },
    { "destination": "/data", "type": "bind", "source": "$DOCKER_ROOT/volumes/data/_data",
      "options": ["rbind", "ro"] }
  ],
  "annotations": { "runwarden.io/ephemeral": "true" },
  "linux": {
    "namespaces": [
      { "type": "pid" }, { "type": "network" }, { "type": "ipc" }, { "type": "uts" },
      { "type": "mount" }
    ]
  }
}
EOF
}

# edit BUNDLE FILTER [JQ ARGS]: jq rewrites numbers above 2^53, so put RLIM_INFINITY back.
edit()
{
        local dir=$1 filter=$2
        shift 2
        jq "$filter" "$@" <"$dir/config.json" | sed "s/18446744073709552000/$BIG/g" \
                >"$dir/config.json.new"
        mv "$dir/config.json.new" "$dir/config.json"
}

ctl()
{
        "$CTL" "$@"
}

explain()
{
        ctl explain --policy "$POLICY" --seccomp-dir "$SECCOMP_DIR" --egress-hook "$EGRESS_HOOK" "$@"
}

# ---- explain ----

B=$RW_TMP/bundle
make_bundle "$B"
B_SHA=$(rw_sha256 "$B/config.json")

rw_capture explain-rewritten explain "$B"
rw_expect_rc "explain: a bundle the default tier rewrites exits 0" 0
rw_expect_grep "explain: names the tier and why" "$OUT" '^tier: +untrusted \(default_tier untrusted\)$'
rw_expect_grep "explain: the outcome" "$OUT" '^outcome: +rewritten$'
rw_expect_grep "explain: lists each change with its rule and path" "$OUT" \
        '^  readonly-rootfs /root/readonly: false -> true \('
rw_expect_grep "explain: diff header" "$OUT" '^\+\+\+ config.json \(as runc gets it\)$'
rw_expect_grep "explain: diff hunk header" "$OUT" '^@@ -[0-9]+,[0-9]+ \+[0-9]+,[0-9]+ @@$'
rw_expect_grep "explain: diff removes the writable root" "$OUT" '^-    "readonly": false$'
rw_expect_grep "explain: diff adds the read-only root" "$OUT" '^\+    "readonly": true$'
rw_expect_grep "explain: diff drops capabilities" "$OUT" '^\+      "bounding": \[\],$'
rw_expect_grep "explain: diff sets noNewPrivileges" "$OUT" '^\+    "noNewPrivileges": true$'
rw_expect_grep "explain: RLIM_INFINITY prints as its number in the diff" "$OUT" \
        "^ +\"hard\": $BIG\$"
rw_expect_grep "explain: a long seccomp profile is shortened" "$OUT" \
        '^\.\.\. [0-9]+ more added lines \(--full-diff shows every line\)$'
rw_expect_eq "explain: the bundle is not touched" "$B_SHA" "$(rw_sha256 "$B/config.json")"

rw_capture explain-full explain --full-diff "$B"
rw_expect_no_grep "explain --full-diff: nothing shortened" "$OUT" '^\.\.\. [0-9]+ more'
rw_expect_grep "explain --full-diff: the whole profile" "$OUT" '^\+ +"execve",$'

rw_capture explain-file explain "$B/config.json"
rw_expect_rc "explain: a config.json path works like its bundle" 0
rw_expect_grep "explain: config.json path, same outcome" "$OUT" '^outcome: +rewritten$'

rw_capture explain-json explain --json "$B"
rw_expect_rc "explain --json: exit 0" 0
if jq -e --arg big "$BIG" '.tier == "untrusted" and .tier_reason == "default_tier untrusted"
                and .mode == "enforce" and .outcome == "rewritten"
                and .enforce_outcome == "rewritten" and .skipped == ""
                and (.changes | length) > 5 and .denials == [] and (.warnings | type) == "array"
                and ([.changes[] | select(.rule == "readonly-rootfs" and .path == "/root/readonly"
                        and .before == false and .after == true)] | length) == 1
                and .before.root.readonly == false and .after.root.readonly == true
                and .after.process.noNewPrivileges == true
                and (.after.linux.seccomp.syscalls | length) > 0' "$OUT" >/dev/null; then
        rw_pass "explain --json: tier, reason, mode, outcome, changes, before and after"
else
        rw_fail "explain --json: tier, reason, mode, outcome, changes, before and after"
        rw_show stdout "$OUT"
fi
rw_expect_eq "explain --json: RLIM_INFINITY kept exactly in before and after" 4 \
        "$(grep -o "\"\(soft\|hard\)\":$BIG" "$OUT" | wc -l)"

# Choosing the tier: an annotation a client can set picks nothing; --tier; the binary name.
edit "$B" '.annotations["runwarden.io/tier"] = "trusted"'
rw_capture explain-select explain --json "$B"
rw_expect_eq "explain: an annotation does not select the trusted tier" \
        "untrusted|default_tier untrusted" \
        "$(jq -r '.tier + "|" + .tier_reason' "$OUT")"
rw_capture explain-select explain --json --as runwarden-trusted "$B"
rw_expect_eq "explain --as runwarden-trusted: the runtime's name picks it" \
        "trusted|invoked as runwarden-trusted" "$(jq -r '.tier + "|" + .tier_reason' "$OUT")"
rw_capture explain-flag explain --json --tier service "$B"
rw_expect_eq "explain --tier: the flag wins" "service|--tier service" \
        "$(jq -r '.tier + "|" + .tier_reason' "$OUT")"
rw_capture explain-as explain --json --as runwarden-untrusted "$B"
rw_expect_eq "explain --as: the binary name wins over select" \
        "untrusted|invoked as runwarden-untrusted" "$(jq -r '.tier + "|" + .tier_reason' "$OUT")"

# A job cannot pick a weaker tier through its environment.
W=$RW_TMP/weaker
make_bundle "$W"
jq '.select += [{"when": {"env": {"CI_PROJECT_PATH": "group/app"}}, "tier": "trusted"}]' \
        "$POLICY" >"$RW_TMP/weaker.json"
chmod 0644 "$RW_TMP/weaker.json"
rw_capture explain-weaker ctl explain --policy "$RW_TMP/weaker.json" --seccomp-dir "$SECCOMP_DIR" \
        --egress-hook "$EGRESS_HOOK" "$W"
rw_expect_grep "explain: an env rule naming a weaker tier is skipped" "$OUT" \
        '^tier: +untrusted \(default_tier untrusted\)$'
rw_expect_grep "explain: ... and the skip is shown" "$OUT" \
        '^skipped: +select rule 3 \(env CI_PROJECT_PATH=group/app\) names tier trusted, weaker'

# Refusals: every denial, exit 1, no diff.
R=$RW_TMP/refused
make_bundle "$R"
edit "$R" '.mounts += [{destination: "/host-etc", type: "bind", source: "/etc",
                        options: ["rbind", "ro"]}]
           | .linux.namespaces |= map(select(.type != "pid"))'
rw_capture explain-refused explain "$R"
rw_expect_rc "explain: a refused spec exits 1" 1
rw_expect_grep "explain: refused outcome" "$OUT" '^outcome: +refused$'
rw_expect_grep "explain: names the host-mount denial" "$OUT" \
        '^  refused by rule host-mount: .*/etc'
rw_expect_grep "explain: names the host-namespace denial too" "$OUT" \
        '^  refused by rule host-namespace: '
rw_expect_grep "explain: no diff for a refused spec" "$OUT" \
        '^no diff: the spec is refused, runc is not started$'
rw_capture explain-refused-json explain --json "$R"
rw_expect_rc "explain --json: a refused spec exits 1" 1
rw_expect_eq "explain --json: refused, both denials, no after" "refused|host-mount,host-namespace|null" \
        "$(jq -r '.outcome + "|" + ([.denials[].rule] | unique | join(",")) + "|" + (.after | tostring)' "$OUT")"

# Two more tiers: one in audit mode, one that is the built-in baseline (credentials stripped).
jq '.tiers.observe = {"extends": "untrusted", "mode": "audit"}
    | .tiers.plain = {"extends": "baseline"}
    | .strictness = ["observe", "plain"] + .strictness' "$POLICY" >"$RW_TMP/audit.json"
chmod 0644 "$RW_TMP/audit.json"

# Audit mode: allowed as it is, and says what enforce would have done.
rw_capture explain-audit ctl explain --policy "$RW_TMP/audit.json" --seccomp-dir "$SECCOMP_DIR" \
        --egress-hook "$EGRESS_HOOK" \
        --tier observe "$R"
rw_expect_rc "explain: audit mode allows (exit 0)" 0
rw_expect_grep "explain: audit mode outcome" "$OUT" \
        '^outcome: +audited: runc gets the spec unchanged; enforce would have refused it$'
rw_expect_grep "explain: audit mode lists what enforce would refuse" "$OUT" \
        '^enforce would refuse:$'
rw_capture explain-audit-json ctl explain --policy "$RW_TMP/audit.json" --egress-hook "$EGRESS_HOOK" \
        --seccomp-dir "$SECCOMP_DIR" --tier observe --json "$B"
rw_expect_eq "explain --json: audit mode" "audit|audited|rewritten" \
        "$(jq -r '.mode + "|" + .outcome + "|" + .enforce_outcome' "$OUT")"

# Credentials: never printed, whatever the tier does with them (refuse, warn).
S=$RW_TMP/secret
make_bundle "$S"
edit "$S" '.process.env += ["AWS_ACCESS_KEY_ID=" + $key]' --arg key "$SECRET"
rw_capture explain-secret-refuse explain "$S"
rw_expect_rc "explain: untrusted refuses a long-lived credential" 1
rw_expect_grep "explain: the refusal names the variable" "$OUT" \
        'refused by rule secret-in-env: .*AWS_ACCESS_KEY_ID'
rw_expect_grep "explain: the environment entry is shown redacted" "$OUT" \
        'AWS_ACCESS_KEY_ID=<redacted: AWS access key id>'
rw_capture explain-secret-warn explain --tier trusted "$S"
rw_expect_rc "explain: trusted only warns about it" 0
rw_expect_grep "explain: the warning" "$OUT" '^  secret-in-env: '
rw_capture explain-secret-json explain --tier trusted --json "$S"
rw_expect_eq "explain --json: the entry is redacted in before and after" \
        "AWS_ACCESS_KEY_ID=<redacted: AWS access key id>|AWS_ACCESS_KEY_ID=<redacted: AWS access key id>" \
        "$(jq -r '[.before, .after | .process.env[] | select(startswith("AWS_"))] | join("|")' "$OUT")"
rw_capture explain-secret-strip ctl explain --seccomp-dir "$SECCOMP_DIR" --egress-hook "$EGRESS_HOOK" \
        --policy "$RW_TMP/audit.json" --tier plain "$S"
rw_expect_rc "explain: the baseline strips a credential" 0
rw_expect_grep "explain: a stripped credential shows redacted in the diff" "$OUT" \
        '^-      "AWS_ACCESS_KEY_ID=<redacted: AWS access key id>",?$'
for f in "$RW_TMP"/explain-secret-*.out "$RW_TMP"/explain-secret-*.err; do
        rw_expect_no_grep "explain: the credential's value is not in $(basename "$f")" "$f" "$SECRET"
done

# Usage and load errors exit 2.
rw_capture explain-noargs ctl explain
rw_expect_rc "explain: no bundle is a usage error" 2
rw_capture explain-missing explain "$RW_TMP/does-not-exist"
rw_expect_rc "explain: a missing bundle exits 2" 2
rw_capture explain-badtier explain --tier nosuch "$B"
rw_expect_rc "explain: an unknown --tier exits 2" 2
rw_expect_grep "explain: ... and names it" "$ERR" 'tier "nosuch"'
rw_capture explain-badpolicy ctl explain --policy "$RW_TMP/nosuch.json" "$B"
rw_expect_rc "explain: a missing --policy file exits 2" 2

# ---- policy validate ----

rw_capture validate-shipped ctl policy validate "$SHIPPED/policy.json"
rw_expect_rc "validate: the shipped example is valid" 0
rw_expect_grep "validate: says so with its tiers" "$OUT" \
        "^$SHIPPED/policy.json: valid: 3 tiers \\(trusted, untrusted, service; "

# broken COPY SED_EXPRESSION: a copy of the shipped policy with one line edited.
broken()
{
        local name=$1 expr=$2
        sed "$expr" "$SHIPPED/policy.json" >"$RW_TMP/$name.json"
        cmp -s "$SHIPPED/policy.json" "$RW_TMP/$name.json" &&
                rw_fatal "the edit '$expr' did not change the policy: update this test"
        rw_capture "validate-$name" ctl policy validate "$RW_TMP/$name.json"
        rw_expect_rc "validate: $name is rejected" 1
        rw_expect_grep "validate: $name is located as FILE:LINE:COLUMN" "$ERR" \
                "^$RW_TMP/$name.json:[0-9]+:[0-9]+: "
}
broken syntax 's/"version": 1,/"version": 1/'
broken capability 's/"CAP_NET_BIND_SERVICE"/"CAP_NET_BIND_SERVIC"/'
broken extends 's/"extends": "untrusted",/"extends": "untrustd",/'
broken typo-key 's/"pids_limit": 512,/"pid_limit": 512,/'
broken type 's/"readonly_rootfs": true,/"readonly_rootfs": "yes",/'

rw_capture validate-weaker ctl policy validate "$RW_TMP/weaker.json"
rw_expect_rc "validate: a weakening env rule is a warning, not an error" 0
rw_expect_grep "validate: ... printed as a warning" "$ERR" \
        '^warning: .*select rule 3 .*names tier trusted, weaker than default_tier untrusted'
rw_capture validate-strict ctl policy validate --strict "$RW_TMP/weaker.json"
rw_expect_rc "validate --strict: warnings fail" 1
rw_capture validate-missing ctl policy validate "$RW_TMP/nosuch.json"
rw_expect_rc "validate: a missing file is not valid" 1

# ---- policy test ----

FIXTURES=${RW_FIXTURES_DIR:-$RW_SOURCE_ROOT/tests/fixtures/engines}
[ -d "$FIXTURES" ] || rw_fatal "no engine fixtures at $FIXTURES (set RW_FIXTURES_DIR)"

rw_capture test-shipped ctl policy test --fixtures "$FIXTURES" --seccomp-dir "$SECCOMP_DIR" \
        "$SHIPPED/tests"
rw_expect_rc "policy test: the shipped cases pass against the shipped policy" 0
rw_expect_grep "policy test: one ok line per case" "$OUT" '^ok - docker-default$'
rw_expect_eq "policy test: as many ok lines as cases" \
        "$(find "$SHIPPED/tests" -maxdepth 1 -name '*.json' -type f | wc -l)" \
        "$(grep -c '^ok - ' "$OUT")"
rw_expect_grep "policy test: the closing count" "$OUT" '^[0-9]+ passed, 0 failed$'

# A copy of the cases next to a copy of the policy: the default policy is TESTDIR/../policy.json.
T=$RW_TMP/suite
mkdir -p "$T/tests"
cp "$SHIPPED/policy.json" "$T/policy.json"
cp -r "$SHIPPED/tests/." "$T/tests/"
RW_FIXTURES_DIR=$FIXTURES rw_capture test-copy ctl policy test --seccomp-dir "$SECCOMP_DIR" \
        "$T/tests"
rw_expect_rc "policy test: policy from ../policy.json, fixtures from RW_FIXTURES_DIR" 0

# A wrong expectation fails, says which field, and exits 1.
jq '.expect.tier = "trusted" | .expect.refused = ["host-mount"]' \
        "$SHIPPED/tests/docker-default.json" >"$T/tests/docker-default.json"
rw_capture test-wrong ctl policy test --fixtures "$FIXTURES" --seccomp-dir "$SECCOMP_DIR" \
        "$T/tests"
rw_expect_rc "policy test: a wrong expectation exits 1" 1
rw_expect_grep "policy test: FAIL line for the tier" "$OUT" \
        '^FAIL - docker-default: tier: expected trusted, got untrusted$'
rw_expect_grep "policy test: FAIL line for the refused rules" "$OUT" \
        '^FAIL - docker-default: refused: expected \[host-mount\], got \[\]$'
rw_expect_grep "policy test: the other cases still pass" "$OUT" '^ok - service$'
rw_expect_grep "policy test: counts the failure" "$OUT" '^[0-9]+ passed, 1 failed$'

# The same case against a policy that changed: the test catches the change.
cp "$SHIPPED/tests/docker-default.json" "$T/tests/docker-default.json"
jq '.tiers.untrusted.rules["no-new-privileges"] = "warn"' "$SHIPPED/policy.json" \
        >"$T/policy.json"
rw_capture test-policy-changed ctl policy test --fixtures "$FIXTURES" \
        --seccomp-dir "$SECCOMP_DIR" "$T/tests"
rw_expect_rc "policy test: a weakened policy fails its tests" 1
rw_expect_grep "policy test: ... in the warned rules" "$OUT" \
        '^FAIL - docker-default: warned: expected \[\], got \[no-new-privileges\]$'
cp "$SHIPPED/policy.json" "$T/policy.json"

# A case the format does not define never passes: exit 2.
jq '.expect.refuse = ["host-mount"]' "$SHIPPED/tests/docker-default.json" \
        >"$T/tests/docker-default.json"
rw_capture test-malformed ctl policy test --fixtures "$FIXTURES" --seccomp-dir "$SECCOMP_DIR" \
        "$T/tests"
rw_expect_rc "policy test: a misspelled expectation key exits 2" 2
rw_expect_grep "policy test: ... and names it" "$OUT" \
        '^ERROR - docker-default: expect: unknown key "refuse"$'
cp "$SHIPPED/tests/docker-default.json" "$T/tests/docker-default.json"

env -u RW_FIXTURES_DIR "$CTL" policy test --seccomp-dir "$SECCOMP_DIR" "$T/tests" \
        </dev/null >"$RW_TMP/test-nofixtures.out" 2>&1 && RW_RC=0 || RW_RC=$?
OUT=$RW_TMP/test-nofixtures.out
ERR=$OUT
rw_expect_rc "policy test: a fixture without a fixtures directory exits 2" 2
rw_expect_grep "policy test: ... and says so" "$OUT" \
        '^ERROR - docker-default: fixture docker-default.json: no fixtures directory'

rw_capture test-nodir ctl policy test "$RW_TMP/nosuch"
rw_expect_rc "policy test: a missing test directory exits 2" 2

rw_summary
