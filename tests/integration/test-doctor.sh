#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# shellcheck disable=SC2016  # jq filters name jq $variables in single quotes
#
# runwardenctl doctor: the delegates (stand-in runc binaries that report chosen versions, this
# host's runc and its Debian changelog), a delegate that is runwarden, a policy that does not
# validate or is writable by others, an audit log that cannot be written, a missing seccomp
# profile, the runc bypass, and the text and JSON forms saying the same. Engines are pointed at
# files and sockets that do not exist (setup-engines tests doctor against real ones).
set -uo pipefail # no -e: every check runs and counts

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" = 0 ] || rw_fatal "policies must belong to root, as runwarden loads them: run as root"
[ -n "${RW_SOURCE_ROOT:-}" ] || rw_fatal "RW_SOURCE_ROOT is not set (run through meson test)"
[ -n "${RW_BUILD_ROOT:-}" ] || rw_fatal "RW_BUILD_ROOT is not set (run through meson test)"
rw_need_cmd jq dpkg dpkg-query zgrep runc unshare mount
CTL=$RW_BUILD_ROOT/ctl/runwardenctl
[ -x "$CTL" ] || rw_fatal "runwardenctl not found at $CTL (build first)"

RW_TMP=$(mktemp -d /tmp/rw-doctor.XXXXXX) # 0700, root's: a policy may live here
RW_LOG=$RW_TMP/none.log
trap 'rm -rf "$RW_TMP"' EXIT

BIN=$RW_TMP/bin
mkdir -p "$BIN"
cp "$RW_BUILD_ROOT/shim/runwarden" "$BIN/runwarden"
for t in trusted untrusted service; do
        ln -s runwarden "$BIN/runwarden-$t"
done
# Stand-ins for runc: what `runc --version` prints, nothing else.
fake_runc()
{
        printf '#!/bin/sh\necho "runc version %s"\necho "spec: 1.0.2-dev"\n' "$2" >"$1"
        chmod 755 "$1"
}
fake_runc "$RW_TMP/runc-fixed" 1.2.8
fake_runc "$RW_TMP/runc-old" 1.1.11
# The build's egress hook, as runwarden --egress-hook names it in the tests.
HOOK=$RW_BUILD_ROOT/shim/runwarden-egress-hook
POLICY=$RW_TMP/policy.json
jq --arg fixed "$RW_TMP/runc-fixed" --arg old "$RW_TMP/runc-old" --arg log "$RW_TMP/log/audit.jsonl" \
        '.tiers.trusted.runtime = $fixed | .tiers.service.runtime = $old | .audit_log.path = $log' \
        "$RW_SOURCE_ROOT/deploy/policy/policy.json" >"$POLICY"

doctor()
{
        "$CTL" doctor --runwarden "$BIN/runwarden" --seccomp-dir "$RW_SOURCE_ROOT/seccomp-profiles" \
                --docker-host "unix://$RW_TMP/no-docker.sock" --containerd-config "$RW_TMP/none.toml" \
                --podman-config "$RW_TMP/none.conf" --egress-hook "${EGRESS_HOOK:-$HOOK}" "$@"
}
# check_has DESC FILE [JQ ARGS...] FILTER: the JSON report FILE satisfies FILTER.
check_has()
{
        local desc=$1 file=$2
        shift 2
        # jq 1.6 -e exits 0 on empty input: an empty report must not pass.
        if [ -s "$file" ] && jq -e "$@" "$file" >/dev/null 2>&1; then
                rw_pass "$desc"
        else
                rw_fail "$desc"
                jq -c '.checks[]' "$file" 2>/dev/null | sed 's/^/    | /' | head -n 60
        fi
}

rw_capture json doctor --json --policy "$POLICY"
rw_expect_rc "doctor --json, a sound setup with an old runc: exit 0 (warnings only)" 0
J=$OUT
check_has "doctor --json: every check has section, id, status and message" "$J" \
        'all(.checks[]; (.section | type) == "string" and (.id | type) == "string"
                and (.status | IN("ok", "warn", "fail", "info")) and (.message | length) > 0)'
check_has "doctor --json: the summary counts the checks" "$J" \
        '.summary == {ok: ([.checks[] | select(.status == "ok")] | length),
                      warn: ([.checks[] | select(.status == "warn")] | length),
                      fail: ([.checks[] | select(.status == "fail")] | length),
                      info: ([.checks[] | select(.status == "info")] | length)}'
check_has "doctor: the policy is valid, tiers least strict first" "$J" \
        '[.checks[] | select(.id == "policy.valid")][0] | .status == "ok"
                and .data.tiers == ["trusted", "untrusted", "service"] and .data.default_tier == "untrusted"'
check_has "doctor: a link for each tier" "$J" \
        '[.checks[] | select(.id == "runwarden.tier-links")][0].status == "ok"'
check_has "doctor: runc 1.2.8 (tier trusted) has all four fixes, by its version" "$J" \
        --arg d "$RW_TMP/runc-fixed" '[.checks[] | select(.id == "delegate.cve" and .data.delegate == $d)]
                | length == 4 and all(.status == "ok" and .data.basis == "upstream-version")'
check_has "doctor: runc 1.2.8 comes from no package" "$J" \
        '[.checks[] | select(.id == "delegate.present" and .data.used_by == "tier trusted")][0]
                | .status == "ok" and .data.name == "runc" and .data.version == "1.2.8" and .data.package == null'
check_has "doctor: runc 1.1.11 (tier service) lacks all four, no package to say otherwise" "$J" \
        '[.checks[] | select(.id == "delegate.cve" and .data.delegate == "'"$RW_TMP/runc-old"'")]
                | length == 4 and all(.status == "warn" and .data.basis == "none")
                and ([.[].data.cve] == ["CVE-2024-21626", "CVE-2025-31133", "CVE-2025-52565", "CVE-2025-52881"])'
rw_expect_grep "doctor: the warning for runc 1.1.11 names the fixed versions" "$J" \
        'CVE-2025-31133 [^"]*runc 1\.1\.11 predates the fix \(1\.2\.8, 1\.3\.3, 1\.4\.0-rc\.3\)'

# This host's default delegate: the verdict follows from its upstream version and from what its
# Debian changelog names, worked out here with dpkg's own tools.
DEFAULT=$(sed -n 's/^#define RW_DEFAULT_RUNTIME "\(.*\)"$/\1/p' "$RW_BUILD_ROOT/config.h")
version=$("$DEFAULT" --version | sed -n 's/^runc version \([^ ]*\)$/\1/p')
real=$(readlink -f "$DEFAULT")
pkg=$(dpkg-query -S "$real" 2>/dev/null | grep -v '^diversion' | sed -n "s|^\([^:,]*\).*: $real\$|\1|p" | head -n 1)
check_has "doctor: the default delegate $DEFAULT, its version and package" "$J" \
        --arg v "$version" --arg p "$pkg" '[.checks[] | select(.id == "delegate.present"
                and .data.used_by == "the default delegate")][0]
                | .status == "ok" and .data.version == $v and (.data.package // "") == $p'
# runc's version as dpkg compares versions: "-rc.N" sorts before the release.
dv=${version%%+*}
dv=${dv/-rc/\~rc}
fixed_upstream()
{
        case $1 in
        CVE-2024-21626) dpkg --compare-versions "$dv" ge 1.1.12 ;;
        *) { dpkg --compare-versions "$dv" ge 1.2.8 && dpkg --compare-versions "$dv" lt 1.3~; } ||
                { dpkg --compare-versions "$dv" ge 1.3.3 && dpkg --compare-versions "$dv" lt 1.4~; } ||
                dpkg --compare-versions "$dv" ge 1.4.0~rc.3 ;;
        esac
}
for cve in CVE-2024-21626 CVE-2025-31133 CVE-2025-52565 CVE-2025-52881; do
        if fixed_upstream "$cve"; then
                expect='ok upstream-version'
        elif [ -n "$pkg" ] && zgrep -q -w "$cve" "/usr/share/doc/$pkg/changelog.Debian.gz" 2>/dev/null; then
                expect='ok package-changelog'
        else
                expect='warn none'
        fi
        rw_expect_eq "doctor: $cve for runc $version ($pkg)" "$expect" \
                "$(jq -r --arg c "$cve" '[.checks[] | select(.id == "delegate.cve"
                        and .data.used_by == null and .data.cve == $c
                        and .data.delegate == "'"$DEFAULT"'")][0] | "\(.status) \(.data.basis)"' "$J")"
done
check_has "doctor: says what a changelog can and cannot prove" "$J" \
        '[.checks[] | select(.id == "delegate.note")][0].message | test("not a test of the binary")'

check_has "doctor: kernel features" "$J" \
        '[.checks[] | select(.section == "kernel") | .id] as $k
                | all(("kernel.release", "kernel.seccomp", "kernel.cgroup", "kernel.userns",
                       "kernel.openat2", "kernel.overlay", "kernel.lsm"); . as $i | $k | index($i))'
if grep -q '^Seccomp:' /proc/self/status; then
        check_has "doctor: seccomp filters available here" "$J" \
                '[.checks[] | select(.id == "kernel.seccomp")][0].status == "ok"'
fi
runc_on_path=$(PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin command -v runc)
check_has "doctor: runc on \$PATH ($runc_on_path) is not runwarden here: the bypass is reported" "$J" \
        --arg r "$runc_on_path" '[.checks[] | select(.id == "bypass.runc")][0]
                | .status == "warn" and .data.runc == $r and .data.everywhere == false'
check_has "doctor: the audit log directory can be made" "$J" \
        '[.checks[] | select(.id == "audit.writable")][0] | .status == "ok" and .data.refuse == true'
check_has "doctor: every profile found" "$J" \
        '[.checks[] | select(.id == "seccomp.profile")][0].status == "ok"'

# The same report as text.
rw_capture text doctor --policy "$POLICY"
rw_expect_rc "doctor (text): exit 0" 0
rw_expect_grep "doctor (text): the summary line has the JSON's counts" "$OUT" \
        "^$(jq -r '.summary | "\(.ok) ok, \(.warn) warning\\(s\\), \(.fail) failure\\(s\\)"' "$J")\$"
for section in policy runwarden delegates kernel engines bypass 'audit log' seccomp; do
        rw_expect_grep "doctor (text): section $section" "$OUT" "^$section\$"
done
rw_expect_eq "doctor (text): one line per check" "$(jq '.checks | length' "$J")" \
        "$(grep -c -E '^  (ok|warn|fail|info) ' "$OUT")"

# Failures: each makes doctor exit 1.
jq --arg self "$BIN/runwarden-trusted" '.tiers.trusted.runtime = $self' "$POLICY" >"$RW_TMP/self.json"
rw_capture self doctor --json --policy "$RW_TMP/self.json"
rw_expect_rc "doctor: a tier that hands off to runwarden: exit 1" 1
check_has "doctor: the delegate that is runwarden fails" "$OUT" \
        '[.checks[] | select(.id == "delegate.present" and .data.used_by == "tier trusted")][0]
                | .status == "fail" and (.message | test("is runwarden itself"))'

printf '{"version": 1,\n "default_tier": "untrusted",\n}\n' >"$RW_TMP/broken.json"
rw_capture broken doctor --json --policy "$RW_TMP/broken.json"
rw_expect_rc "doctor: a policy that does not parse: exit 1" 1
check_has "doctor: the parse error with its place" "$OUT" \
        '[.checks[] | select(.id == "policy.valid")][0] | .status == "fail"
                and (.message | test("broken.json:3:"))'

cp "$POLICY" "$RW_TMP/writable.json"
chmod 0666 "$RW_TMP/writable.json"
rw_capture writable doctor --json --policy "$RW_TMP/writable.json"
rw_expect_rc "doctor: a policy others can write: exit 1" 1
check_has "doctor: refused as runwarden refuses it" "$OUT" \
        '[.checks[] | select(.id == "policy.valid")][0].status == "fail"'

# The audit log on a read-only file system (a tmpfs mounted read-only, in a mount namespace of
# this test's own).
mkdir -p "$RW_TMP/ro"
readonly_doctor()
{
        unshare -m sh -c 'mount -t tmpfs -o ro,size=1m tmpfs "$0" && exec "$@"' "$RW_TMP/ro" \
                "$CTL" doctor --runwarden "$BIN/runwarden" --seccomp-dir "$RW_SOURCE_ROOT/seccomp-profiles" \
                --docker-host "unix://$RW_TMP/no-docker.sock" --containerd-config "$RW_TMP/none.toml" \
                --podman-config "$RW_TMP/none.conf" --egress-hook "$HOOK" --json "$@"
}
jq --arg p "$RW_TMP/ro/audit.jsonl" '.audit_log.path = $p' "$POLICY" >"$RW_TMP/noaudit.json"
rw_capture noaudit readonly_doctor --policy "$RW_TMP/noaudit.json"
rw_expect_rc "doctor: an audit log that cannot be written, on_failure refuse: exit 1" 1
check_has "doctor: says every container would be refused" "$OUT" \
        '[.checks[] | select(.id == "audit.writable")][0] | .status == "fail"
                and (.message | test("Read-only file system.*refuse every container"))'
jq --arg p "$RW_TMP/ro/audit.jsonl" '.audit_log.path = $p | .audit_log.on_failure = "continue"' \
        "$POLICY" >"$RW_TMP/noaudit2.json"
rw_capture noaudit2 readonly_doctor --policy "$RW_TMP/noaudit2.json"
rw_expect_rc "doctor: the same with on_failure continue: exit 0" 0
check_has "doctor: a warning then" "$OUT" '[.checks[] | select(.id == "audit.writable")][0].status == "warn"'
jq --arg p "$RW_TMP/policy.json/log/audit.jsonl" '.audit_log.path = $p' "$POLICY" >"$RW_TMP/notdir.json"
rw_capture notdir doctor --json --policy "$RW_TMP/notdir.json"
check_has "doctor: an audit log below a regular file cannot be written" "$OUT" \
        '[.checks[] | select(.id == "audit.writable")][0] | .status == "fail"
                and (.message | test("Not a directory"))'

# No profile directory: every profile the shipped tiers name is built in.
mkdir -p "$RW_TMP/no-profiles"
rw_capture noprofiles "$CTL" doctor --json --policy "$POLICY" --runwarden "$BIN/runwarden" \
        --seccomp-dir "$RW_TMP/no-profiles" --docker-host "unix://$RW_TMP/no-docker.sock" \
        --containerd-config "$RW_TMP/none.toml" --podman-config "$RW_TMP/none.conf" --egress-hook "$HOOK"
check_has "doctor: an empty profile directory: the tiers' profile is the built-in one" "$OUT" \
        '[.checks[] | select(.id == "seccomp.profile")] | length == 1 and .[0].status == "ok"
                and .[0].data.from == "built-in profile ci-default"'
# A profile neither in the directory nor built in, and a broken file that overrides a built-in one.
jq '.tiers.service.seccomp.profile = "no-such-profile"' "$POLICY" >"$RW_TMP/unknown-profile.json"
echo '{"defaultAction": ' >"$RW_TMP/no-profiles/ci-default.json"
rw_capture badprofiles "$CTL" doctor --json --policy "$RW_TMP/unknown-profile.json" \
        --runwarden "$BIN/runwarden" \
        --seccomp-dir "$RW_TMP/no-profiles" --docker-host "unix://$RW_TMP/no-docker.sock" \
        --containerd-config "$RW_TMP/none.toml" --podman-config "$RW_TMP/none.conf" --egress-hook "$HOOK"
rw_expect_rc "doctor: a tier's seccomp profile missing or broken: exit 1" 1
check_has "doctor: names the missing profile and the broken file, each once" "$OUT" \
        '[.checks[] | select(.id == "seccomp.profile" and .status == "fail") | .data.profile]
                | sort == ["ci-default", "no-such-profile"]'
check_has "doctor: the broken file is named, not replaced by the built-in profile" "$OUT" \
        '[.checks[] | select(.id == "seccomp.profile" and .data.profile == "ci-default")][0]
                .message | test("no-profiles/ci-default.json")'

rm "$BIN/runwarden-service"
rw_capture nolink doctor --json --policy "$POLICY"
check_has "doctor: a missing tier link is a warning that names it" "$OUT" \
        '[.checks[] | select(.id == "runwarden.tier-links")][0] | .status == "warn"
                and .data.missing == ["'"$BIN/runwarden-service"'"]'

# ---- egress ----
check_has "doctor: the shipped tiers have egress rules" "$J" \
        '[.checks[] | select(.id == "egress.tiers")][0] | .status == "ok"
                and ([.data.tiers[].tier] | sort) == ["service", "trusted", "untrusted"]'
check_has "doctor: the egress hook is sound" "$J" \
        '[.checks[] | select(.id == "egress.hook")][0] | .status == "ok" and .data.path == "'"$HOOK"'"'
check_has "doctor: nf_tables answers" "$J" '[.checks[] | select(.id == "egress.nf_tables")][0].status == "ok"'
EGRESS_HOOK=$RW_TMP/no-such-hook rw_capture nohook doctor --json --policy "$POLICY"
rw_expect_rc "doctor: the egress hook missing: exit 1" 1
check_has "doctor: says which hook and what follows" "$OUT" \
        '[.checks[] | select(.id == "egress.hook")][0] | .status == "fail"
                and (.message | test("no-such-hook.*refused"))'
cp "$HOOK" "$RW_TMP/gw-hook"
chmod 0775 "$RW_TMP/gw-hook"
EGRESS_HOOK=$RW_TMP/gw-hook rw_capture gwhook doctor --json --policy "$POLICY"
check_has "doctor: a group-writable egress hook fails" "$OUT" \
        '[.checks[] | select(.id == "egress.hook")][0].status == "fail"'
jq '.tiers.trusted.capabilities += ["CAP_NET_RAW"]' "$POLICY" >"$RW_TMP/netraw.json"
rw_capture netraw doctor --json --policy "$RW_TMP/netraw.json"
check_has "doctor: a tier keeping CAP_NET_RAW with egress rules fails, by name" "$OUT" \
        '[.checks[] | select(.id == "egress.capabilities")] | length == 1 and .[0].status == "fail"
                and .[0].data.tier == "trusted"'
jq '.tiers |= map_values(.egress = {mode: "off"})' "$POLICY" >"$RW_TMP/noegress.json"
EGRESS_HOOK=$RW_TMP/no-such-hook rw_capture noegress doctor --json --policy "$RW_TMP/noegress.json"
check_has "doctor: without egress rules, a missing hook is only information" "$OUT" \
        '([.checks[] | select(.id == "egress.hook")][0].status == "info")
                and ([.checks[] | select(.id == "egress.tiers")][0].status == "info")'

rw_capture usage "$CTL" doctor --no-such-option
rw_expect_rc "doctor: an unknown option: exit 2" 2

rw_summary
