#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# The hand-off, with a recording stand-in for runc (fake-delegate): runwarden must execv the
# delegate in place (same pid, same descriptors, same exit status), pass every argument through
# except its own flags, print nothing on stdout, and fail closed — config.json byte-for-byte
# unchanged, the delegate never started, the reason on stderr and as exactly one line of the
# engine's log — whenever something is wrong before the hand-off.
set -u

RW=${RW_BUILD_ROOT:?run through meson test}/shim/runwarden
FAKE=$RW_BUILD_ROOT/tests/integration/fake-delegate
PROFILES=$RW_SOURCE_ROOT/seccomp-profiles
FIXTURES=${RW_FIXTURES_DIR:?}
pass=0
fail=0
T=$(mktemp -d /tmp/rw-handoff.XXXXXX)
trap 'rm -rf "$T"' EXIT

ok() { pass=$((pass + 1)); echo "ok   - $1"; }
not_ok() {
	fail=$((fail + 1))
	echo "FAIL - $1"
	shift
	for line in "$@"; do echo "       $line"; done
}
check() { # check NAME COMMAND...: passes when the command succeeds
	local name=$1
	shift
	if "$@"; then ok "$name"; else not_ok "$name" "command: $*"; fi
}

export RW_FAKE_RECORD=$T/record
reset_record() { rm -f "$RW_FAKE_RECORD" "$T/out" "$T/err" "$T/log.json"; }

# argv the fake recorded, without argv[0], one per line
recorded_args() { sed -n 's/^argv\[[1-9][0-9]*\] //p' "$RW_FAKE_RECORD"; }

# A docker data root of the test's own, declared in the policy every call below uses (which also
# keeps the decision log in $T). Egress is off: its hook and hand-off are test-egress.sh's, and
# a recording delegate would leave hand-offs in /run/runwarden/egress that no hook ever takes.
DOCKER_ROOT=$T/docker
POLICY=$T/policy.json
jq -n --arg d "$DOCKER_ROOT" --arg log "$T/audit.jsonl" '{version: 1, default_tier: "base",
	strictness: ["base"], tiers: {base: {egress: {mode: "off"}}}, engines: {docker: {data_root: $d}},
	audit_log: {path: $log, on_failure: "continue"}}' >"$POLICY"

# Copy a captured spec into a bundle. The files docker bound into the captured container
# (/var/lib/docker/containers/ID/..., volumes/NAME/_data) do not exist on this host: they are
# recreated in the test's docker data root, for the container id ID the calls below use. Its
# layer, cgroup and network hook were the captured container's: the bundle gets a rootfs of its
# own, the cgroup of ID, and no dockerd to call back.
new_bundle() { # new_bundle DIR FIXTURE-PATH
	local b=$1 src
	mkdir -p "$b/rootfs"
	jq -c --arg d "$DOCKER_ROOT" '.mounts |= map(if ((.source // "") | startswith("/var/lib/docker/"))
		then .source = ($d + "/" + (.source | ltrimstr("/var/lib/docker/")
			| sub("^containers/[^/]+/"; "containers/ID/"))) else . end)
		| .root.path = "rootfs"
		| if .linux.cgroupsPath then .linux.cgroupsPath = "/docker/ID" else . end
		| del(.hooks)' \
		"$2" >"$b/config.json"
	for src in $(jq -r --arg d "$DOCKER_ROOT/" '.mounts[].source | select(startswith($d))' "$b/config.json"); do
		case $src in
		*_data | */shm) mkdir -p "$src" ;;
		*) mkdir -p "$(dirname "$src")" && : >"$src" ;;
		esac
	done
}
bundle_files() { ls -A "$1" | grep -v -e '^rootfs$' -e '^config.json$' | sort | tr '\n' ' '; }

# --- argv passes through untouched, runwarden's own flags removed ------------------------------
args_case() { # args_case NAME EXPECTED-ARGS... -- ACTUAL-ARGS...
	local name=$1 expected=() actual=()
	shift
	while [ "$1" != "--" ]; do expected+=("$1"); shift; done
	shift
	actual=("$@")
	reset_record
	"$RW" --policy "$POLICY" --runtime "$FAKE" "${actual[@]}" >"$T/out" 2>"$T/err"
	local rc=$?
	if [ $rc -ne 0 ]; then not_ok "$name: exit $rc" "$(cat "$T/err")"; return; fi
	if [ "$(recorded_args)" != "$(printf '%s\n' "${expected[@]}")" ]; then
		not_ok "$name: argv" "want: ${expected[*]}" "got:  $(recorded_args | tr '\n' ' ')"
		return
	fi
	if [ -s "$T/out" ] || [ -s "$T/err" ]; then
		not_ok "$name: runwarden printed something" "$(cat "$T/out" "$T/err")"
		return
	fi
	ok "$name"
}

ROOT=/var/run/docker/runtime-runc/moby
LOG=/run/containerd/io.containerd.runtime.v2.task/moby/ID/log.json
args_case "dockerd start" --root $ROOT --log $LOG --log-format json start ID -- \
	--root $ROOT --log $LOG --log-format json start ID
args_case "dockerd kill" --root $ROOT --log $LOG --log-format json kill ID 9 -- \
	--root $ROOT --log $LOG --log-format json kill ID 9
args_case "dockerd delete --force" --root $ROOT --log $LOG --log-format json delete --force ID -- \
	--root $ROOT --log $LOG --log-format json delete --force ID
args_case "crio kill by name" --root /run/runc --systemd-cgroup kill ID KILL -- \
	--root /run/runc --systemd-cgroup kill ID KILL
args_case "own flags removed, order kept" --root /r --debug state ID -- \
	--mode=audit --root /r --seccomp-dir "$PROFILES" --debug state ID
args_case "unknown flags of a known command pass through" --frobnicate=1 state --x -y z ID -- \
	--frobnicate=1 state --x -y z ID
args_case "features with no global flags" features -- features

# --- stdout and exit status are the delegate's --------------------------------------------------
reset_record
RW_FAKE_STDOUT=$'runc version 1.1.5\nspec: 1.0.2-dev\n' "$RW" --policy "$POLICY" --runtime "$FAKE" --version >"$T/out" 2>"$T/err"
check "--version prints exactly what the delegate prints" \
	test "$(cat "$T/out")" = "$(printf 'runc version 1.1.5\nspec: 1.0.2-dev')"
RW_FAKE_EXIT=7 "$RW" --policy "$POLICY" --runtime "$FAKE" state ID >/dev/null 2>&1
rc=$?
check "the delegate's exit status reaches the engine (7)" test $rc -eq 7

# --- in place: same pid, same descriptors ------------------------------------------------------
reset_record
bash -c 'echo $$ > "$1/pid"; exec 5>"$1/fd5" 7<"$1/pid"; exec "$2" --runtime "$3" start ID' \
	_ "$T" "$RW" "$FAKE" >/dev/null 2>&1
check "execv in place: the delegate has runwarden's pid" \
	grep -qx "pid $(cat "$T/pid")" "$RW_FAKE_RECORD"
check "descriptors 5 and 7 (console socket, preserved fds) reach the delegate" \
	bash -c "grep -qx 'fd 5' '$RW_FAKE_RECORD' && grep -qx 'fd 7' '$RW_FAKE_RECORD'"
with_runwarden=$(grep '^fd ' "$RW_FAKE_RECORD")
bash -c 'exec 5>"$1/fd5" 7<"$1/pid"; exec "$2" start ID' _ "$T" "$FAKE" >/dev/null 2>&1
check "runwarden leaks no descriptor of its own into the delegate" \
	test "$with_runwarden" = "$(grep '^fd ' "$RW_FAKE_RECORD")"

# --- create: the bundle's config.json is hardened, then the delegate runs ------------------------
B=$T/bundle
new_bundle "$B" "$FIXTURES/docker-default.json"
chmod 0640 "$B/config.json"
files_before=$(bundle_files "$B")
reset_record
"$RW" --policy "$POLICY" --runtime "$FAKE" --seccomp-dir "$PROFILES" --root /r --log "$T/log.json" --log-format json \
	create --bundle "$B" --pid-file "$B/init.pid" ID >"$T/out" 2>"$T/err"
check "create hands off after hardening" test -s "$RW_FAKE_RECORD"
check "hardened config.json: no capabilities left" \
	test "$(jq -c '.process.capabilities.bounding' "$B/config.json")" = "[]"
check "hardened config.json: read-only root, /tmp scratch" \
	test "$(jq -c '[.root.readonly, ([.mounts[] | select(.destination=="/tmp")] | length)]' "$B/config.json")" = "[true,1]"
check "a successful create writes only what it stripped to the engine log, as warnings" \
	bash -c "jq -e -s 'length > 0 and all(.level == \"warning\" and (.msg | startswith(\"runwarden: stripped by rule \")))' '$T/log.json' >/dev/null"
check "... the capabilities dropped once, not once per set" \
	bash -c "test \"\$(grep -c 'stripped by rule caps-drop' '$T/log.json')\" = 1"
check "... and nothing it only added (the scratch tmpfs, the seccomp profile)" \
	bash -c "! grep -Eq 'scratch-tmpfs|seccomp|no-new-privileges' '$T/log.json'"
check "config.json keeps its mode (0640)" test "$(stat -c %a "$B/config.json")" = 640
check "no temporary file left in the bundle" test "$(bundle_files "$B")" = "$files_before"

# --debug: each change at debug level
new_bundle "$T/dbg" "$FIXTURES/containerd-ctr-default.json"
reset_record
"$RW" --policy "$POLICY" --runtime "$FAKE" --seccomp-dir "$PROFILES" --debug --log "$T/log.json" --log-format json \
	create --bundle "$T/dbg" ID >/dev/null 2>&1
check "--debug logs each change as a JSON line: debug, and warning for what it strips" \
	bash -c "jq -e -s 'length > 5 and all(.level == \"debug\" or (.level == \"warning\" and (.msg | startswith(\"runwarden: stripped \")))) and any(.msg | test(\"changed seccomp /linux/seccomp\")) and any(.msg | test(\"stripped by rule caps-drop\"))' '$T/log.json' >/dev/null"

# --- refusals: fail closed --------------------------------------------------------------------
refusal_case() { # refusal_case NAME FIXTURE-OR-FILE LOG-FORMAT EXPECTED-MSG-REGEX [extra args]
	local name=$1 src=$2 fmt=$3 want=$4
	shift 4
	local b=$T/refuse-$RANDOM
	if jq -e '.mounts | type == "array"' "$src" >/dev/null 2>&1; then
		new_bundle "$b" "$src"
	else
		mkdir -p "$b/rootfs"
		cp "$src" "$b/config.json"
	fi
	local before files
	before=$(sha256sum <"$b/config.json")
	files=$(bundle_files "$b")
	reset_record
	"$RW" --policy "$POLICY" --runtime "$FAKE" --seccomp-dir "$PROFILES" --log "$T/log.json" --log-format "$fmt" \
		"$@" create --bundle "$b" ID >"$T/out" 2>"$T/err"
	local rc=$?
	local problems=()
	[ $rc -eq 1 ] || problems+=("exit status $rc, want 1")
	[ ! -e "$RW_FAKE_RECORD" ] || problems+=("the delegate was started")
	[ "$(sha256sum <"$b/config.json")" = "$before" ] || problems+=("config.json changed")
	[ "$(bundle_files "$b")" = "$files" ] || problems+=("files left: $(ls -A "$b")")
	[ ! -s "$T/out" ] || problems+=("stdout: $(cat "$T/out")")
	grep -Eq "$want" "$T/err" || problems+=("stderr lacks /$want/: $(cat "$T/err")")
	grep -q '^runwarden: ' "$T/err" || problems+=("stderr does not start with runwarden:")
	[ "$(wc -l <"$T/log.json")" -eq 1 ] || problems+=("log has $(wc -l <"$T/log.json") lines, want 1")
	if [ "$fmt" = json ]; then
		jq -e --arg re "$want" '.level == "error" and (.msg | test($re)) and (.time | length > 0)' \
			"$T/log.json" >/dev/null || problems+=("log line: $(cat "$T/log.json")")
	else
		grep -Eq "^time=\"[^\"]+\" level=error msg=\".*($want)" "$T/log.json" ||
			problems+=("text log line: $(cat "$T/log.json")")
	fi
	if [ ${#problems[@]} -eq 0 ]; then ok "$name"; else not_ok "$name" "${problems[@]}"; fi
}

refusal_case "host bind of / and a host dir refused (JSON log)" \
	"$FIXTURES/docker-privileged-sock-host.json" json \
	'refused by rule host-mount: bind mount of the host root filesystem \(/\) at /host'
refusal_case "a refusal with --debug is still exactly one line" \
	"$FIXTURES/docker-privileged-sock-host.json" json 'refused by rule host-mount' --debug
refusal_case "host namespaces refused (text log)" \
	"$FIXTURES/docker-readonly-hostns.json" text \
	"refused by rule host-namespace: the spec shares the host's pid namespace"
printf '{"ociVersion":"1.0.2","process":' >"$T/truncated.json"
refusal_case "malformed config.json refused" "$T/truncated.json" json 'not valid JSON'
printf '{"ociVersion":"1","ociVersion":"2"}' >"$T/dup.json"
refusal_case "duplicate keys refused" "$T/dup.json" json 'duplicate'
# A profile neither in the directory nor built in; a broken file that would override a built-in
# one (never a reason to fall back to it).
jq '.tiers.base.seccomp = {profile: "no-such-profile"}' "$POLICY" >"$T/policy-noprofile.json"
refusal_case "missing seccomp profile: fail closed" "$FIXTURES/containerd-ctr-default.json" json \
	'no seccomp profile no-such-profile' --seccomp-dir "$T/no-such-dir" --policy "$T/policy-noprofile.json"
mkdir -p "$T/broken-profiles"
echo '{"defaultAction": ' >"$T/broken-profiles/ci-default.json"
refusal_case "a broken profile file is not replaced by the built-in one: fail closed" \
	"$FIXTURES/containerd-ctr-default.json" json 'broken-profiles/ci-default.json' \
	--seccomp-dir "$T/broken-profiles"
refusal_case "a delegate that is runwarden itself is refused" "$FIXTURES/docker-default.json" json \
	'is runwarden itself' --runtime "$RW"
refusal_case "a relative delegate path is refused" "$FIXTURES/docker-default.json" json \
	'must be an absolute path' --runtime runc
refusal_case "a missing delegate is refused before the rewrite" "$FIXTURES/docker-default.json" json \
	'No such file' --runtime "$T/no-such-runc"

# a symlinked config.json is never followed out of the bundle
SB=$T/symlinked
mkdir -p "$SB/rootfs"
cp "$FIXTURES/docker-default.json" "$T/outside.json"
ln -s "$T/outside.json" "$SB/config.json"
before=$(sha256sum <"$T/outside.json")
reset_record
"$RW" --policy "$POLICY" --runtime "$FAKE" --seccomp-dir "$PROFILES" create --bundle "$SB" ID >/dev/null 2>"$T/err"
rc=$?
check "a symlinked config.json is refused and its target untouched" \
	bash -c "[ $rc -eq 1 ] && [ ! -e '$RW_FAKE_RECORD' ] && [ \"\$(sha256sum <'$T/outside.json')\" = '$before' ]"

# --- audit mode: nothing changes, what would have happened is logged ----------------------------
AB=$T/audit
new_bundle "$AB" "$FIXTURES/docker-privileged-sock-host.json"
before=$(sha256sum <"$AB/config.json")
reset_record
"$RW" --policy "$POLICY" --runtime "$FAKE" --mode audit --seccomp-dir "$PROFILES" --log "$T/log.json" --log-format json \
	create --bundle "$AB" ID >/dev/null 2>"$T/err"
rc=$?
check "audit mode hands off a spec enforce would refuse" bash -c "[ $rc -eq 0 ] && [ -e '$RW_FAKE_RECORD' ]"
check "audit mode leaves config.json unchanged" test "$(sha256sum <"$AB/config.json")" = "$before"
check "audit mode logs what enforce would have done" \
	bash -c "jq -e -s 'any(.msg | test(\"would change caps-drop\")) and any(.msg | test(\"would have refused by rule host-mount\")) and all(.level == \"warning\")' '$T/log.json' >/dev/null"
check "audit mode prints nothing on stderr" test ! -s "$T/err"

# --- exec ----------------------------------------------------------------------------------------
# runwarden reads the container's own config.json for an exec (its process, its security labels);
# runc finds the bundle in its state (ROOT/ID/state.json, label bundle=...): a state of runc's
# shape.
mkdir -p "$T/runc-root/ID"
jq -n --arg b "$B" '{id: "ID", config: {labels: ["bundle=" + $b]}}' >"$T/runc-root/ID/state.json"
# --- a container goes back to the runtime that created it -------------------------------------
# The tier's runtime is the fake; the operator then moves the tier to another runtime (a copy of
# the fake under another name): the running container is still stopped and deleted by the first,
# a new one is created by the second, and a broken policy still deletes with the first.
OLD=$T/old-runtime
NEW=$T/new-runtime
cp "$FAKE" "$OLD" && cp "$FAKE" "$NEW" && chmod 0755 "$OLD" "$NEW"
tier_policy() { # tier_policy RUNTIME: the test's policy with the tier's runtime
	jq --arg r "$1" '.tiers.base.runtime = $r' "$POLICY" >"$T/policy-rt.json"
}
RTB=$T/runtime-bundle
new_bundle "$RTB" "$FIXTURES/docker-default.json"
tier_policy "$OLD"
reset_record
"$RW" --policy "$T/policy-rt.json" --seccomp-dir "$PROFILES" --root "$T/rt-root" \
	create --bundle "$RTB" ID >/dev/null 2>"$T/err"
check "create goes to the tier's runtime" grep -qx "argv\[0\] $OLD" "$RW_FAKE_RECORD"
tier_policy "$NEW"
reset_record
"$RW" --policy "$T/policy-rt.json" --root "$T/rt-root" kill ID KILL >/dev/null 2>"$T/err"
check "after the tier moved to another runtime, kill goes to the one that created the container" \
	grep -qx "argv\[0\] $OLD" "$RW_FAKE_RECORD"
reset_record
"$RW" --policy "$T/policy-rt.json" --root "$T/rt-root" state ID >/dev/null 2>"$T/err"
check "and state too" grep -qx "argv\[0\] $OLD" "$RW_FAKE_RECORD"
echo '{"version": 1, "default_tier": ' >"$T/policy-broken.json"
reset_record
"$RW" --policy "$T/policy-broken.json" --root "$T/rt-root" delete ID >/dev/null 2>"$T/err"
check "with a broken policy, delete still goes to the runtime that created the container" \
	grep -qx "argv\[0\] $OLD" "$RW_FAKE_RECORD"
new_bundle "$RTB" "$FIXTURES/docker-default.json"
reset_record
"$RW" --policy "$T/policy-rt.json" --seccomp-dir "$PROFILES" --root "$T/rt-root" \
	create --bundle "$RTB" ID >/dev/null 2>"$T/err"
check "a new container goes to the tier's new runtime" grep -qx "argv\[0\] $NEW" "$RW_FAKE_RECORD"
"$RW" --policy "$T/policy-rt.json" --root "$T/rt-root" delete ID >/dev/null 2>&1
# The recorded runtime is no runtime any more: its path is runwarden itself now (runc diverted,
# runwarden in its place: setup everywhere), or it is gone. The container still stops and goes
# away, through the tier's runtime, as before runtimes were recorded.
tier_policy "$OLD"
new_bundle "$RTB" "$FIXTURES/docker-default.json"
"$RW" --policy "$T/policy-rt.json" --seccomp-dir "$PROFILES" --root "$T/rt-root" \
	create --bundle "$RTB" ID >/dev/null 2>&1
mv "$OLD" "$OLD.real" && ln -s "$RW" "$OLD"
tier_policy "$NEW"
reset_record
"$RW" --policy "$T/policy-rt.json" --root "$T/rt-root" kill ID KILL >/dev/null 2>"$T/err"
check "a recorded runtime that is runwarden itself now: kill goes to the tier's runtime" \
	grep -qx "argv\[0\] $NEW" "$RW_FAKE_RECORD"
rm "$OLD"
reset_record
"$RW" --policy "$T/policy-rt.json" --root "$T/rt-root" delete ID >/dev/null 2>"$T/err"
check "a recorded runtime that is gone: delete goes to the tier's runtime" \
	grep -qx "argv\[0\] $NEW" "$RW_FAKE_RECORD"
mv "$OLD.real" "$OLD"

# --- start, kill, delete while the policy file is unchanged: decided from the record -------------
# They need of the policy only the container's tier and the decision log, which the create
# recorded with the policy file's stamp (docs/performance.md): the same decision, to the same log,
# without reading the policy; any change of the file (contents, mode, a replacement) and a
# recorded runtime that is gone send the call the long way.
FP=$T/fast-policy.json
FB=$T/fast-bundle
fast_policy() { # fast_policy LOG RUNTIME
	jq --arg log "$1" --arg r "$2" '.audit_log.path = $log | .tiers.base.runtime = $r' \
		"$POLICY" >"$FP.new" && mv "$FP.new" "$FP"
}
fast_policy "$T/fast-a.jsonl" "$OLD"
new_bundle "$FB" "$FIXTURES/docker-default.json"
"$RW" --policy "$FP" --seccomp-dir "$PROFILES" --root "$T/fast-root" \
	create --bundle "$FB" ID >/dev/null 2>&1
fast_record=$(grep -l -F "\"root\":\"$T/fast-root\"" /run/runwarden/state/*/ID.json 2>/dev/null)
check "the create records the policy's stamp and log" \
	test "$(jq -r '.policy.log' "$fast_record")" = "$T/fast-a.jsonl"
fast_line() { tail -n 1 "$1" | jq -c '[.command, .tier, .tier_reason, .outcome]'; }
reset_record
"$RW" --policy "$FP" --root "$T/fast-root" start ID >/dev/null 2>"$T/err"
check "start, the policy unchanged: the recorded runtime, the line in the recorded log" \
	bash -c "grep -qx 'argv\[0\] $OLD' '$RW_FAKE_RECORD' && [ ! -s '$T/err' ]"
check "the line says what the long way says" \
	test "$(fast_line "$T/fast-a.jsonl")" = '["start","base","the container'"'"'s tier, recorded at create","passthrough"]'
fast_policy "$T/fast-b.jsonl" "$OLD"
reset_record
"$RW" --policy "$FP" --root "$T/fast-root" kill ID KILL >/dev/null 2>"$T/err"
check "the policy edited (another log): kill reads it and logs there" \
	grep -qx "argv\[0\] $OLD" "$RW_FAKE_RECORD"
check "the same line as from the record" \
	test "$(fast_line "$T/fast-b.jsonl")" = '["kill","base","the container'"'"'s tier, recorded at create","passthrough"]'
chmod 0600 "$FP"
reset_record
"$RW" --policy "$FP" --root "$T/fast-root" kill ID KILL >/dev/null 2>"$T/err"
check "the policy's mode changed: kill reads the policy" \
	bash -c "grep -qx 'argv\[0\] $OLD' '$RW_FAKE_RECORD' && [ \$(grep -c '\"command\":\"kill\"' '$T/fast-b.jsonl') -eq 2 ]"
chmod 0644 "$FP"
"$RW" --policy "$FP" --root "$T/fast-root" delete ID >/dev/null 2>&1
check "delete takes the record away" test ! -e "$fast_record"
# The create's --runtime is the recorded one; gone, with the policy unchanged, a kill goes the long
# way: to the tier's runtime, as before runtimes were recorded.
new_bundle "$FB" "$FIXTURES/docker-default.json"
"$RW" --policy "$FP" --runtime "$NEW" --seccomp-dir "$PROFILES" --root "$T/fast-root" \
	create --bundle "$FB" ID >/dev/null 2>&1
mv "$NEW" "$NEW.gone"
reset_record
"$RW" --policy "$FP" --root "$T/fast-root" kill ID KILL >/dev/null 2>"$T/err"
check "the recorded runtime gone, the policy unchanged: kill goes to the tier's runtime" \
	grep -qx "argv\[0\] $OLD" "$RW_FAKE_RECORD"
mv "$NEW.gone" "$NEW"
"$RW" --policy "$FP" --root "$T/fast-root" delete ID >/dev/null 2>&1
# An exec decided from the record is refused, as the long way refuses it, when the policy says so of
# a call it cannot log (audit_log on_failure "refuse", the default), and whenever the policy file
# would now be refused (someone else could edit or replace it): a fresh create before each, so
# that the record's stamp is the file's until the change.
FR=$T/refuse-policy
mkdir -p "$FR" "$T/refuse-logs"
jq --arg log "$T/refuse-logs/audit.jsonl" '.audit_log = {path: $log, on_failure: "refuse"}' \
	"$POLICY" >"$FR/policy.json"
fr_create() {
	"$RW" --policy "$FR/policy.json" --root "$T/fr-root" delete ID >/dev/null 2>&1
	new_bundle "$T/fr-bundle" "$FIXTURES/docker-default.json"
	"$RW" --policy "$FR/policy.json" --runtime "$FAKE" --seccomp-dir "$PROFILES" \
		--root "$T/fr-root" create --bundle "$T/fr-bundle" ID >/dev/null 2>&1
}
fr_exec() { # fr_exec: exec --process into ID; the exit status, the delegate started or not
	cp "$FIXTURES/docker-exec-process-privileged.json" "$T/fr-process.json"
	reset_record
	"$RW" --policy "$FR/policy.json" --runtime "$FAKE" --root "$T/fr-root" \
		exec --process "$T/fr-process.json" ID >/dev/null 2>"$T/err"
	echo "$? $([ -e "$RW_FAKE_RECORD" ] && echo started || echo not-started)"
}
fr_create
check "exec, the policy unchanged and the log writable: handed off" test "$(fr_exec)" = "0 started"
rm -f "$T/refuse-logs/audit.jsonl"
mkdir "$T/refuse-logs/audit.jsonl"
check "exec, the policy unchanged, the decision log unwritable and on_failure refuse: refused" \
	bash -c "[ '$(fr_exec)' = '1 not-started' ] && grep -q 'the decision log cannot be written' '$T/err'"
rmdir "$T/refuse-logs/audit.jsonl"
fr_create
chmod 0646 "$FR/policy.json"
check "exec after the policy file was made writable by others: refused" \
	bash -c "[ '$(fr_exec)' = '1 not-started' ] && grep -q 'someone else can edit' '$T/err'"
chmod 0644 "$FR/policy.json"
fr_create
chown 1:1 "$FR/policy.json"
check "exec after the policy file was given to another owner: refused" \
	bash -c "[ '$(fr_exec)' = '1 not-started' ] && grep -q 'someone else can edit' '$T/err'"
chown 0:0 "$FR/policy.json"
fr_create
chmod 0757 "$FR"
check "exec after the policy's directory was made writable by others: refused" \
	bash -c "[ '$(fr_exec)' = '1 not-started' ] && grep -q 'someone else could replace' '$T/err'"
chmod 0755 "$FR"
"$RW" --policy "$FR/policy.json" --root "$T/fr-root" delete ID >/dev/null 2>&1

# --- the volume registry: a delete takes the container out of the volumes its record names --------
# (container ID, as new_bundle writes it, under a --root of its own)
VB=$T/volumes
new_bundle "$VB" "$FIXTURES/docker-default.json"
VOL=$DOCKER_ROOT/volumes/handoff-$$/_data
mkdir -p "$VOL"
jq -c --arg v "$VOL" '.mounts += [{destination: "/data", type: "bind", source: $v,
	options: ["rbind", "rprivate"]}]' "$VB/config.json" >"$VB/config.new" && mv "$VB/config.new" "$VB/config.json"
reset_record
"$RW" --policy "$POLICY" --runtime "$FAKE" --seccomp-dir "$PROFILES" --root "$T/vol-root" \
	create --bundle "$VB" ID >/dev/null 2>"$T/err"
check "a container with a docker volume is created" test -e "$RW_FAKE_RECORD"
entry=$(grep -l -F "\"path\":\"$VOL\"" /run/runwarden/state/volumes/*.vol 2>/dev/null)
record=$(grep -l -F "\"root\":\"$T/vol-root\"" /run/runwarden/state/*/ID.json 2>/dev/null)
check "the volume's registry entry has the container among its users" \
	jq -e '[.users[].id] | index("ID") != null' "$entry"
check "the container's record names that entry, and only it" \
	jq -e --arg n "$(basename "$entry")" '.volumes == [$n]' "$record"
"$RW" --policy "$POLICY" --runtime "$FAKE" --root "$T/vol-root" delete ID >/dev/null 2>&1
check "delete takes the container out of the entry" \
	jq -e '[.users[].id] | index("ID") == null' "$entry"
check "delete forgets the record" test ! -e "$record"
# A container deleted without runwarden (runc delete by hand, an engine's cleanup) leaves its
# record; a new container of that id under that root replaces it. The old one's volumes are no
# longer named in any record: the create takes the id out of them, or it would stay their user
# for good (each later container of that id revives it: rule volume-owner).
OLDVOL=$DOCKER_ROOT/volumes/handoff-old-$$/_data
mkdir -p "$OLDVOL"
jq -c --arg v "$OLDVOL" '.mounts[-1].source = $v' "$VB/config.json" >"$T/vb-old.json"
cp "$VB/config.json" "$T/vb-new.json"
cp "$T/vb-old.json" "$VB/config.json"
"$RW" --policy "$POLICY" --runtime "$FAKE" --seccomp-dir "$PROFILES" --root "$T/vol-root" \
	create --bundle "$VB" ID >/dev/null 2>&1
old_entry=$(grep -l -F "\"path\":\"$OLDVOL\"" /run/runwarden/state/volumes/*.vol 2>/dev/null)
check "a container with another volume is created (and deleted without runwarden)" \
	jq -e '[.users[].id] | index("ID") != null' "$old_entry"
cp "$T/vb-new.json" "$VB/config.json"
"$RW" --policy "$POLICY" --runtime "$FAKE" --seccomp-dir "$PROFILES" --root "$T/vol-root" \
	create --bundle "$VB" ID >/dev/null 2>&1
"$RW" --policy "$POLICY" --runtime "$FAKE" --root "$T/vol-root" delete ID >/dev/null 2>&1
check "a new container of the same id takes the old one out of the volumes only its record named" \
	jq -e '[.users[].id] | index("ID") == null' "$old_entry"
check "and its own delete out of its own" jq -e '[.users[].id] | index("ID") == null' "$entry"

cp "$FIXTURES/docker-exec-process-privileged.json" "$T/process.json"
reset_record
"$RW" --policy "$POLICY" --runtime "$FAKE" exec --process "$T/process.json" --detach NEVER-CREATED >/dev/null 2>"$T/err"
rc=$?
check "exec --process of a container neither runwarden nor runc has a record of: refused (its labels cannot be compared)" \
	bash -c "[ $rc -eq 1 ] && [ ! -e '$RW_FAKE_RECORD' ] && grep -q 'refused by rule exec-policy' '$T/err'"
jq '.apparmorProfile = "unconfined"' "$FIXTURES/docker-exec-process-user.json" >"$T/process-lsm.json"
lsm_exec_refused() { # lsm_exec_refused NAME ROOT: an exec --process into ID asking for AppArmor
	# "unconfined" is refused, for its label
	reset_record
	"$RW" --policy "$POLICY" --runtime "$FAKE" --root "$2" exec --process "$T/process-lsm.json" ID >/dev/null 2>"$T/err"
	local rc=$?
	check "$1" bash -c "[ $rc -eq 1 ] && [ ! -e '$RW_FAKE_RECORD' ] && grep -q 'exec asks for apparmorProfile' '$T/err'"
}
lsm_exec_refused "exec --process asking for another AppArmor profile than the container's: refused" "$T/runc-root"
# A container created through runwarden: its process (labels, groups) is recorded at create, and
# an exec is compared with that record; its config.json is not needed (here runc has no state of
# it under that --root, so the file could not even be found).
RB=$T/recorded
new_bundle "$RB" "$FIXTURES/docker-default.json"
reset_record
"$RW" --policy "$POLICY" --runtime "$FAKE" --seccomp-dir "$PROFILES" --root "$T/rec-root" \
	create --bundle "$RB" ID >/dev/null 2>"$T/err"
check "a container created through runwarden (the record the next exec cases use)" \
	test -e "$RW_FAKE_RECORD"
lsm_exec_refused "exec --process asking for another AppArmor profile than the recorded one: refused" "$T/rec-root"
cp "$FIXTURES/docker-exec-process-privileged.json" "$T/process-rec.json"
reset_record
"$RW" --policy "$POLICY" --runtime "$FAKE" --root "$T/rec-root" exec --process "$T/process-rec.json" ID >/dev/null 2>"$T/err"
rc=$?
check "exec --process with the recorded labels hands off without the container's config.json" \
	bash -c "[ $rc -eq 0 ] && [ -e '$RW_FAKE_RECORD' ]"
"$RW" --policy "$POLICY" --runtime "$FAKE" --root "$T/rec-root" delete ID >/dev/null 2>&1

# --- a create of an id runc already has under that --root: refused, its record kept ---------------
# runc refuses it too, but only after runwarden recorded the second spec: an exec into the running
# container would then be compared with that spec's labels and user (and a delete would forget
# other volumes, a later call go to its runtime).
DUP=$T/dup
new_bundle "$DUP" "$FIXTURES/docker-default.json"
reset_record
"$RW" --policy "$POLICY" --runtime "$FAKE" --seccomp-dir "$PROFILES" --root "$T/dup-root" \
	create --bundle "$DUP" ID >/dev/null 2>"$T/err"
check "a container is created (the one the next cases try to replace)" test -e "$RW_FAKE_RECORD"
mkdir -p "$T/dup-root/ID" # runc's state directory of the running container
dup_record=$(grep -l -F "\"root\":\"$T/dup-root\"" /run/runwarden/state/*/ID.json 2>/dev/null)
cp "$dup_record" "$T/dup-record"
DUP2=$T/dup2
new_bundle "$DUP2" "$FIXTURES/docker-default.json"
jq '.process.apparmorProfile = "unconfined"' "$DUP2/config.json" >"$DUP2/config.new" &&
	mv "$DUP2/config.new" "$DUP2/config.json"
cp "$DUP2/config.json" "$T/dup2-config"
reset_record
"$RW" --policy "$POLICY" --runtime "$FAKE" --seccomp-dir "$PROFILES" --root "$T/dup-root" \
	create --bundle "$DUP2" ID >/dev/null 2>"$T/err"
rc=$?
check "a create of an id runc already has under that --root: refused" \
	bash -c "[ $rc -eq 1 ] && [ ! -e '$RW_FAKE_RECORD' ] && grep -q 'refused by rule runtime-command: container ID already exists' '$T/err'"
check "its config.json is unchanged" cmp -s "$DUP2/config.json" "$T/dup2-config"
check "the running container's record is unchanged" cmp -s "$dup_record" "$T/dup-record"
reset_record
"$RW" --policy "$POLICY" --runtime "$FAKE" --seccomp-dir "$PROFILES" --root "$T/dup-root" \
	--mode audit create --bundle "$DUP2" ID >/dev/null 2>"$T/err"
check "in audit mode it is handed off, and the record is still the running container's" \
	bash -c "[ -e '$RW_FAKE_RECORD' ] && cmp -s '$dup_record' '$T/dup-record'"
lsm_exec_refused "an exec asking for the refused spec's AppArmor profile is still refused" "$T/dup-root"
rmdir "$T/dup-root/ID"
"$RW" --policy "$POLICY" --runtime "$FAKE" --root "$T/dup-root" delete ID >/dev/null 2>&1
# gVisor's runsc keeps a container as ROOT/ID_sandbox:SANDBOX.state (a pod's containers in the
# pod's sandbox): the same refusal, the running container's record the same.
mkdir -p "$T/dup-runsc"
"$RW" --policy "$POLICY" --runtime "$FAKE" --seccomp-dir "$PROFILES" --root "$T/dup-runsc" \
	create --bundle "$DUP" ID >/dev/null 2>&1
: >"$T/dup-runsc/ID_sandbox:pod-1234.state"
dup_record=$(grep -l -F "\"root\":\"$T/dup-runsc\"" /run/runwarden/state/*/ID.json 2>/dev/null)
cp "$dup_record" "$T/dup-record"
cp "$T/dup2-config" "$DUP2/config.json"
reset_record
"$RW" --policy "$POLICY" --runtime "$FAKE" --seccomp-dir "$PROFILES" --root "$T/dup-runsc" \
	create --bundle "$DUP2" ID >/dev/null 2>"$T/err"
rc=$?
check "a create of an id runsc already has (its layout): refused, the record unchanged" \
	bash -c "[ $rc -eq 1 ] && [ ! -e '$RW_FAKE_RECORD' ] && grep -q 'already exists' '$T/err' && cmp -s '$dup_record' '$T/dup-record'"
rm "$T/dup-runsc/ID_sandbox:pod-1234.state"
: >"$T/dup-runsc/ID2_sandbox:ID.state"
reset_record
"$RW" --policy "$POLICY" --runtime "$FAKE" --root "$T/dup-runsc" delete ID >/dev/null 2>&1
"$RW" --policy "$POLICY" --runtime "$FAKE" --seccomp-dir "$PROFILES" --root "$T/dup-runsc" \
	create --bundle "$DUP2" ID >/dev/null 2>"$T/err"
rc=$?
check "another id's state file (ID2_sandbox:ID) is not this one's: created" \
	bash -c "[ $rc -eq 0 ] && [ -e '$RW_FAKE_RECORD' ]"
"$RW" --policy "$POLICY" --runtime "$FAKE" --root "$T/dup-runsc" delete ID >/dev/null 2>&1
# exec --process FILE: runc is handed the hardened process in a sealed memfd named in FILE's
# place (/proc/self/fd/N, above the descriptors --preserve-fds passes on); FILE stays as it was.
hardened_process() { # hardened_process: what the delegate read as its --process file
	jq -c '[.capabilities.bounding, .capabilities.effective, .noNewPrivileges]' "$RW_FAKE_RECORD.process"
}
process_fd() { # process_fd: N of the /proc/self/fd/N the delegate was given
	recorded_args | sed -n 's|^\(-[-a-z]*=\)\{0,1\}/proc/self/fd/\([0-9][0-9]*\)$|\2|p'
}
cp "$T/process.json" "$T/process.engine.json"
reset_record
rm -f "$RW_FAKE_RECORD.process"
"$RW" --policy "$POLICY" --runtime "$FAKE" --root "$T/runc-root" exec --process "$T/process.json" --detach ID >/dev/null 2>"$T/err"
check "exec --process hands off" test -e "$RW_FAKE_RECORD"
check "exec --process: the delegate reads a process with the capabilities emptied" \
	test "$(hardened_process)" = '[[],[],true]'
check "exec --process: the file is named /proc/self/fd/N, an open descriptor of the delegate" \
	bash -c "n=\$(sed -n 's|^argv\[[0-9]*\] /proc/self/fd/\([0-9]*\)$|\1|p' '$RW_FAKE_RECORD'); [ -n \"\$n\" ] && grep -qx \"fd \$n\" '$RW_FAKE_RECORD'"
check "exec --process: the engine's file is left as it was" cmp -s "$T/process.json" "$T/process.engine.json"
check "exec --process: the flag keeps its place and spelling on the command line" \
	bash -c "recorded_args() { sed -n 's/^argv\[[1-9][0-9]*\] //p' '$RW_FAKE_RECORD'; }; [ \"\$(recorded_args | grep -c '^--process\$')\" -eq 1 ]"
for form in "-p" "--process=" "-process="; do
	reset_record
	rm -f "$RW_FAKE_RECORD.process"
	if [ "${form%=}" != "$form" ]; then
		args=("$form$T/process.json")
	else
		args=("$form" "$T/process.json")
	fi
	"$RW" --policy "$POLICY" --runtime "$FAKE" --root "$T/runc-root" exec "${args[@]}" --detach ID >/dev/null 2>"$T/err"
	check "exec $form FILE: the delegate reads the hardened process from a memfd" \
		bash -c "[ '$(hardened_process 2>/dev/null)' = '[[],[],true]' ] && [ -n '$(process_fd)' ]"
done
reset_record
rm -f "$RW_FAKE_RECORD.process"
"$RW" --policy "$POLICY" --runtime "$FAKE" --root "$T/runc-root" exec --preserve-fds 20 --process "$T/process.json" --detach ID >/dev/null 2>"$T/err"
check "exec --preserve-fds 20: the memfd lies above the 20 descriptors runc passes on" \
	bash -c "[ '$(hardened_process 2>/dev/null)' = '[[],[],true]' ] && [ '$(process_fd)' -ge 23 ]"
reset_record
rm -f "$RW_FAKE_RECORD.process"
LISTEN_FDS=10 "$RW" --policy "$POLICY" --runtime "$FAKE" --root "$T/runc-root" exec --preserve-fds 2 --process "$T/process.json" --detach ID >/dev/null 2>"$T/err"
check "exec with LISTEN_FDS=10 and --preserve-fds 2: the memfd lies above the 12 descriptors crun would pass on" \
	bash -c "[ '$(hardened_process 2>/dev/null)' = '[[],[],true]' ] && [ '$(process_fd)' -ge 15 ]"
cp "$T/process.engine.json" "$T/process.json"
reset_record
rm -f "$RW_FAKE_RECORD.process"
LISTEN_FDS=0x3 "$RW" --policy "$POLICY" --runtime "$FAKE" --root "$T/runc-root" exec --process "$T/process.json" --detach ID >/dev/null 2>"$T/err"
check "exec with LISTEN_FDS=0x3 (not plain decimal): the file itself is rewritten" \
	bash -c "[ -z '$(process_fd)' ] && [ '$(jq -c '[.capabilities.bounding, .capabilities.effective, .noNewPrivileges]' "$T/process.json")' = '[[],[],true]' ]"
for odd in 0x10 010 +5 1_0 99999; do
	cp "$T/process.engine.json" "$T/process.json"
	reset_record
	rm -f "$RW_FAKE_RECORD.process"
	"$RW" --policy "$POLICY" --runtime "$FAKE" --root "$T/runc-root" exec --preserve-fds "$odd" --process "$T/process.json" --detach ID >/dev/null 2>"$T/err"
	check "exec --preserve-fds $odd (not plain decimal, or too many): the file itself is rewritten" \
		bash -c "[ -z '$(process_fd)' ] && [ '$(jq -c '[.capabilities.bounding, .capabilities.effective, .noNewPrivileges]' "$T/process.json")' = '[[],[],true]' ]"
done
cp "$T/process.engine.json" "$T/process.json"
reset_record
"$RW" --policy "$POLICY" --runtime "$FAKE" --root "$T/runc-root" --log "$T/log.json" --log-format json exec --cap CAP_SYS_ADMIN ID sh >/dev/null 2>"$T/err"
rc=$?
check "exec --cap is refused" bash -c "[ $rc -eq 1 ] && [ ! -e '$RW_FAKE_RECORD' ] && grep -q 'refused by rule caps-drop' '$T/err'"
reset_record
"$RW" --policy "$POLICY" --runtime "$FAKE" --root "$T/runc-root" exec --user 1000 ID sh >/dev/null 2>"$T/err"
rc=$?
check "exec --user 1000 without --process hands off" bash -c "[ $rc -eq 0 ] && [ -e '$RW_FAKE_RECORD' ]"
reset_record
"$RW" --policy "$POLICY" --runtime "$FAKE" frob ID >/dev/null 2>"$T/err"
rc=$?
check "an unknown runtime command is refused" \
	bash -c "[ $rc -eq 1 ] && [ ! -e '$RW_FAKE_RECORD' ] && grep -q 'refused by rule runtime-command' '$T/err'"
reset_record
"$RW" --policy "$POLICY" --runtime "$FAKE" --root "$T/runc-root" exec --cwd /proc/self/fd/7 ID sh >/dev/null 2>"$T/err"
rc=$?
check "exec --cwd /proc/self/fd/7 is refused (CVE-2024-21626)" \
	bash -c "[ $rc -eq 1 ] && [ ! -e '$RW_FAKE_RECORD' ] && grep -q 'refused by rule process-cwd' '$T/err'"

cp "$FIXTURES/docker-exec-process-user.json" "$T/process2.json"
reset_record
"$RW" --policy "$POLICY" --runtime "$FAKE" --root "$T/runc-root" exec --process "$T/process2.json" --cwd /tmp ID >/dev/null 2>"$T/err"
rc=$?
check "exec --process with an allowed --cwd hands off (one rule judges both)" \
	bash -c "[ $rc -eq 0 ] && [ -e '$RW_FAKE_RECORD' ] && [ ! -s '$T/err' ]"

echo
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
