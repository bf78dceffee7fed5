#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# runwarden in front of the real runc: what a container can and cannot do once hardened, what is
# refused before runc ever runs, audit mode, and the commands passed through unchanged.
set -euo pipefail

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

rw_init
trap rw_cleanup EXIT
trap 'exit 143' TERM INT

echo "# runwarden: $RW_BIN"
echo "# runc:      $RW_RUNC ($("$RW_RUNC" --version | head -n 1))"
echo "# scratch:   $RW_TMP"

# --- A hardened container, and what it cannot do ---------------------------------------------
echo "# hardened run: probe all"
b=$RW_TMP/hardened
rw_make_bundle "$b" /probe all
rw_use_log hardened
rw_capture hardened rw run --bundle "$b" rw-hardened
rw_expect_rc "hardened run exits 0" 0
p=$OUT
rw_expect_line "CapEff is empty" "$p" "CapEff: 0000000000000000"
rw_expect_line "CapPrm is empty" "$p" "CapPrm: 0000000000000000"
rw_expect_line "CapBnd is empty" "$p" "CapBnd: 0000000000000000"
rw_expect_line "CapAmb is empty" "$p" "CapAmb: 0000000000000000"
rw_expect_line "no_new_privs is set" "$p" "NoNewPrivs: 1"
rw_expect_line "a seccomp filter is installed" "$p" "Seccomp: 2"
rw_expect_line "/ is read-only" "$p" "write /: EROFS"
rw_expect_line "/tmp is writable" "$p" "write /tmp: ok"
rw_expect_line "/var/tmp is writable" "$p" "write /var/tmp: ok"
rw_expect_line "/run is writable" "$p" "write /run: ok"
rw_expect_line "HOME (/root) is writable" "$p" "write /root: ok"
rw_expect_line "mount is denied" "$p" "mount: EPERM"
rw_expect_line "a user namespace is denied" "$p" "unshare-user: EPERM"
rw_expect_line "a mount namespace is denied" "$p" "unshare-mount: EPERM"
rw_expect_line "raw IP sockets are denied" "$p" "rawsock-inet: EPERM"
rw_expect_line "packet sockets are denied" "$p" "rawsock-packet: EPERM"
rw_expect_line "clone3 gives ENOSYS (libc falls back to clone)" "$p" "clone3: ENOSYS"
rw_expect_line "keyctl is denied" "$p" "keyctl: EPERM"
rw_expect_line "bpf is denied" "$p" "bpf: EPERM"
rw_expect_line "setuid is denied" "$p" "setuid: EPERM"
rw_expect_line "fork works" "$p" "fork: ok"
rw_expect_line "threads work" "$p" "thread: ok"
rw_expect_line "no socket anywhere in the filesystem" "$p" "ls-sockets: none"
rw_expect_grep "/ is mounted read-only" "$p" '^mount /: [^ ]+ ro[, ]'
rw_expect_grep "/tmp is a tmpfs" "$p" '^mount /tmp: tmpfs rw'
rw_expect_grep "/var/tmp is a tmpfs" "$p" '^mount /var/tmp: tmpfs rw'
rw_expect_grep "/run is a tmpfs" "$p" '^mount /run: tmpfs rw'
rw_expect_grep "HOME is a tmpfs" "$p" '^mount /root: tmpfs rw'
rw_expect_grep "scratch mounts are nosuid,nodev" "$p" '^mount /tmp: tmpfs [^ ]*nosuid,nodev'

# The same bundle under plain runc shows that the probe does detect what runwarden takes away.
echo "# control: the same spec under plain runc"
c=$RW_TMP/control
rw_make_bundle "$c" /probe all
rw_capture control "$RW_RUNC" --root "$RW_STATE" run --bundle "$c" rw-control
rw_expect_rc "control run exits 0" 0
rw_expect_no_grep "control: runc spec keeps some capabilities" "$OUT" '^CapEff: 0{16}$'
rw_expect_line "control: / is writable without runwarden" "$OUT" "write /: ok"
rw_expect_line "control: clone3 works without runwarden" "$OUT" "clone3: ok"

# --- The programs alone: no profile directory ---------------------------------------------------
# The built-in baseline, its seccomp profile included, works from a copy of the uninstalled
# programs (runwarden and, beside it, its egress hook: runwarden links no netlink library) with no
# profile directory anywhere: first where the build would look by default (absent unless
# runwarden was installed with this build's prefix), then with --seccomp-dir naming a directory
# that does not exist, which leaves only the built-in profiles.
alone=$RW_TMP/alone
mkdir -p "$alone"
cp "$RW_BIN" "$alone/runwarden"
cp "$RW_BUILD_ROOT/shim/runwarden-egress-hook" "$alone/runwarden-egress-hook"
installed=$(sed -n 's/^#define RW_SECCOMP_DIR "\(.*\)"$/\1/p' "$RW_BUILD_ROOT/config.h")
[ -n "$installed" ] || rw_fatal "no RW_SECCOMP_DIR in $RW_BUILD_ROOT/config.h"
installed_hook=$(sed -n 's/^#define RW_EGRESS_HOOK "\(.*\)"$/\1/p' "$RW_BUILD_ROOT/config.h")
[ -n "$installed_hook" ] || rw_fatal "no RW_EGRESS_HOOK in $RW_BUILD_ROOT/config.h"
if [ -e "$installed" ]; then
        echo "# note: $installed exists (runwarden is installed); the second run alone shows the built-in profiles"
fi
# hide_installed CMD...: CMD in a mount namespace of its own where the installed egress hook's
# directory (if this build's prefix was installed) is an empty tmpfs.
hide_installed()
{
        local dir
        dir=$(dirname "$installed_hook")
        if [ -d "$dir" ]; then
                unshare --mount --propagation private sh -c 'mount -t tmpfs none "$1" && shift && exec "$@"' \
                        sh "$dir" "$@"
        else
                "$@"
        fi
}
for how in default missing-dir; do
        echo "# the programs alone ($how): probe all"
        b=$RW_TMP/alone-$how
        rw_make_bundle "$b" /probe all
        rw_use_log "alone-$how"
        flags=()
        [ "$how" = default ] || flags=(--seccomp-dir "$RW_TMP/no-such-profile-dir")
        # runc deletes what it ran; runwarden's delete at the end releases its egress pin
        rw_track "rw-alone-$how"
        rw_capture "alone-$how" hide_installed "$alone/runwarden" --root "$RW_STATE" --log "$RW_LOG" \
                --log-format json --runtime "$RW_RUNC" "${flags[@]}" run --bundle "$b" "rw-alone-$how"
        rw_expect_rc "the programs alone ($how): the container runs" 0
        rw_expect_line "the programs alone ($how): a seccomp filter is installed" "$OUT" "Seccomp: 2"
        rw_expect_line "the programs alone ($how): it is ci-default (clone3 gives ENOSYS)" "$OUT" \
                "clone3: ENOSYS"
        rw_expect_line "the programs alone ($how): keyctl is denied" "$OUT" "keyctl: EPERM"
        rw_expect_eq "the programs alone ($how): the filter in config.json is the one made from seccomp-profiles/ci-default.json" \
                "$(jq -S .linux.seccomp "$RW_TMP/hardened/config.json" | sha256sum)" \
                "$(jq -S .linux.seccomp "$b/config.json" | sha256sum)"
        rw_expect_eq "the programs alone ($how): the egress hook in config.json is the one beside runwarden" \
                "$alone/runwarden-egress-hook" \
                "$(jq -r '.hooks.createRuntime[] | select(.args == ["runwarden-egress-hook"]) | .path' "$b/config.json")"
done

# runwarden without its hook (none installed, none beside it): a tier with egress rules is refused
# before runc runs, naming the hook it looked for.
echo "# runwarden alone, no egress hook anywhere"
lone=$RW_TMP/lone
mkdir -p "$lone"
cp "$RW_BIN" "$lone/runwarden"
b=$RW_TMP/lone-bundle
rw_make_bundle "$b" /probe all
before=$(rw_sha256 "$b/config.json")
rw_use_log lone
rw_capture lone hide_installed "$lone/runwarden" --root "$RW_STATE" --log "$RW_LOG" \
        --log-format json --runtime "$RW_RUNC" run --bundle "$b" rw-lone
rw_expect_refusal "runwarden without its egress hook" egress.hook "$b" rw-lone "$before"
rw_expect_grep "the refusal names the installed hook's path and where else it looks" "$ERR" \
        "egress hook $installed_hook cannot be used: it does not exist \\(it is installed with runwarden, or taken from beside an uninstalled runwarden binary\\)"

# The two programs in a directory others may write (as a copy in /tmp would be): the hook there
# is not taken, whoever put it there; a tier with egress rules is refused.
echo "# the two programs in a directory others may write"
open=$RW_TMP/open-dir
mkdir -p "$open"
cp "$RW_BIN" "$open/runwarden"
cp "$RW_BUILD_ROOT/shim/runwarden-egress-hook" "$open/runwarden-egress-hook"
chmod 1777 "$open"
b=$RW_TMP/open-bundle
rw_make_bundle "$b" /probe all
before=$(rw_sha256 "$b/config.json")
rw_use_log open-dir
rw_capture open-dir hide_installed "$open/runwarden" --root "$RW_STATE" --log "$RW_LOG" \
        --log-format json --runtime "$RW_RUNC" run --bundle "$b" rw-open-dir
rw_expect_refusal "a hook beside runwarden in a directory others may write" egress.hook "$b" \
        rw-open-dir "$before"
rw_expect_grep "... the refusal names the installed hook, not the one beside" "$ERR" \
        "egress hook $installed_hook cannot be used: it does not exist"

echo "# an ordinary job: a shell pipeline with background jobs"
b=$RW_TMP/pipeline
rw_make_bundle "$b" sh -c 'echo one two three | tr a-z A-Z | wc -w; sleep 0 & wait; echo done >/tmp/x; cat /tmp/x'
rw_use_log pipeline
rw_capture pipeline rw run --bundle "$b" rw-pipeline
rw_expect_rc "pipeline exits 0" 0
rw_expect_eq "pipeline output" "3 done" "$(tr '\n' ' ' <"$OUT" | sed 's/ *$//; s/  */ /g')"

echo "# pids limit"
b=$RW_TMP/pids
rw_make_bundle "$b" sh -c 'cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max'
rw_use_log pids
rw_capture pids rw run --bundle "$b" rw-pids
rw_expect_rc "pids run exits 0" 0
rw_expect_eq "pids.max inside the container" 4096 "$(cat "$OUT")"

# --- The engine socket is stripped -----------------------------------------------------------
echo "# engine socket bind"
mkdir -p "$RW_TMP/engine"
sock=$RW_TMP/engine/docker.sock
"$RW_PROBE" mksock "$sock" || rw_fatal "cannot create the test socket $sock"
[ -S "$sock" ] || rw_fatal "$sock is not a socket"
b=$RW_TMP/sock
rw_make_bundle "$b" /probe ls-sockets
rw_add_bind "$b" "$sock" /var/run/docker.sock
rw_use_log sock
rw_capture sock rw run --bundle "$b" rw-sock
rw_expect_rc "run with a docker.sock bind exits 0" 0
rw_expect_line "docker.sock is not visible inside" "$OUT" "ls-sockets: none"
c=$RW_TMP/sock-control
rw_make_bundle "$c" /probe ls-sockets
rw_add_bind "$c" "$sock" /var/run/docker.sock
rw_capture sock-control "$RW_RUNC" --root "$RW_STATE" run --bundle "$c" rw-sock-control
rw_expect_line "control: plain runc shows the socket" "$OUT" "socket: /var/run/docker.sock"

# --- Refusals: runc never runs, config.json untouched ---------------------------------------
echo "# refused: host bind of /"
b=$RW_TMP/hostroot
rw_make_bundle "$b" true
rw_add_bind "$b" / /host '["rbind","ro"]'
before=$(rw_sha256 "$b/config.json")
rw_use_log hostroot
rw_capture hostroot rw run --bundle "$b" rw-hostroot
rw_expect_refusal "host bind of /" host-mount "$b" rw-hostroot "$before"

echo "# refused: host bind of /etc (create)"
b=$RW_TMP/hostetc
rw_make_bundle "$b" true
rw_add_bind "$b" /etc /host-etc '["rbind","ro"]'
before=$(rw_sha256 "$b/config.json")
rw_use_log hostetc
rw_capture hostetc rw create --bundle "$b" rw-hostetc
rw_expect_refusal "host bind of /etc" host-mount "$b" rw-hostetc "$before"

echo "# refused: host pid namespace"
b=$RW_TMP/hostpid
rw_make_bundle "$b" true
rw_spec "$b" 'del(.linux.namespaces[] | select(.type == "pid"))'
before=$(rw_sha256 "$b/config.json")
rw_use_log hostpid
rw_capture hostpid rw run --bundle "$b" rw-hostpid
rw_expect_refusal "host pid namespace" host-namespace "$b" rw-hostpid "$before"

echo "# refused: malformed config.json"
b=$RW_TMP/malformed
rw_make_bundle "$b" true
printf '{"ociVersion": "1.0.2", "process": ' >"$b/config.json"
before=$(rw_sha256 "$b/config.json")
rw_use_log malformed
rw_capture malformed rw run --bundle "$b" rw-malformed
rw_expect_refusal "malformed config.json" "" "$b" rw-malformed "$before"

echo "# refused: a spec whose process is not an object"
b=$RW_TMP/badprocess
rw_make_bundle "$b" true
rw_spec "$b" '.process = "true"'
before=$(rw_sha256 "$b/config.json")
rw_use_log badprocess
rw_capture badprocess rw create --bundle "$b" rw-badprocess
rw_expect_refusal "process not an object" spec "$b" rw-badprocess "$before"

# --- Audit mode: the spec runs as given, the changes are only logged ------------------------
echo "# audit mode"
b=$RW_TMP/audit
rw_make_bundle "$b" sh -c '/probe caps; /probe write /'
before=$(rw_sha256 "$b/config.json")
rw_use_log audit
rw_capture audit rw --mode audit run --bundle "$b" rw-audit
rw_expect_rc "audit run exits 0" 0
rw_expect_no_grep "audit: capabilities kept (runc spec defaults)" "$OUT" '^CapEff: 0{16}$'
rw_expect_grep "audit: CapEff line present" "$OUT" '^CapEff: [0-9a-f]{16}$'
rw_expect_line "audit: / stays writable" "$OUT" "write /: ok"
rw_expect_eq "audit: config.json unchanged" "$before" "$(rw_sha256 "$b/config.json")"
rw_expect_grep "audit: log has 'would' lines" "$RW_LOG" 'would'
if jq -e 'select(.msg | test("would"))' "$RW_LOG" >/dev/null 2>&1; then
        rw_pass "audit: 'would' lines are JSON"
else
        rw_fail "audit: 'would' lines are JSON"
        rw_show log "$RW_LOG"
fi

# --- Pass-through commands ------------------------------------------------------------------
echo "# --version and features are runc's"
rw_capture version-runc "$RW_RUNC" --version
cp "$OUT" "$RW_TMP/version.expected"
rw_capture version-rw "$RW_BIN" --runtime "$RW_RUNC" --version
rw_expect_rc "runwarden --version exits 0" 0
rw_expect_same "--version output is runc's" "$RW_TMP/version.expected" "$OUT"
rw_capture features-runc "$RW_RUNC" features
cp "$OUT" "$RW_TMP/features.expected"
rw_capture features-rw "$RW_BIN" --runtime "$RW_RUNC" features
rw_expect_rc "runwarden features exits 0" 0
rw_expect_same "features output is runc's" "$RW_TMP/features.expected" "$OUT"

echo "# create, state, start, exec, kill, delete"
b=$RW_TMP/life
id=rw-life
rw_make_bundle "$b" sleep 300
rw_use_log life
rw_track "$id"
rw_capture life-create rw create --bundle "$b" "$id"
rw_expect_rc "create exits 0" 0
rw_expect_eq "pids limit written to config.json" 4096 "$(jq '.linux.resources.pids.limit' "$b/config.json")"
rw_capture life-state rw state "$id"
rw_expect_rc "state exits 0" 0
rw_expect_eq "state says created" created "$(jq -r .status "$OUT")"
cp "$OUT" "$RW_TMP/state.rw"
rw_capture life-state-runc "$RW_RUNC" --root "$RW_STATE" state "$id"
rw_expect_same "state output is runc's" "$OUT" "$RW_TMP/state.rw"
rw_capture life-start rw start "$id"
rw_expect_rc "start exits 0" 0
rw_capture life-state2 rw state "$id"
rw_expect_eq "state says running" running "$(jq -r .status "$OUT")"

rw_capture life-exec-plain rw exec "$id" /probe caps
rw_expect_rc "exec exits 0" 0
rw_expect_line "exec'd process: CapEff is empty" "$OUT" "CapEff: 0000000000000000"
rw_expect_line "exec'd process: no_new_privs is set" "$OUT" "NoNewPrivs: 1"

all_caps=$(jq -nc '["CAP_CHOWN","CAP_DAC_OVERRIDE","CAP_FOWNER","CAP_KILL","CAP_SETUID",
        "CAP_SETGID","CAP_NET_RAW","CAP_NET_ADMIN","CAP_SYS_ADMIN","CAP_SYS_PTRACE"]')
jq -n --argjson caps "$all_caps" '{terminal: false, user: {uid: 0, gid: 0},
        args: ["/probe", "caps"], env: ["PATH=/bin"], cwd: "/",
        capabilities: {bounding: $caps, effective: $caps, permitted: $caps, inheritable: $caps,
                       ambient: $caps}, noNewPrivileges: false}' >"$RW_TMP/process.json"
cp "$RW_TMP/process.json" "$RW_TMP/process.before"
rw_capture life-exec-process rw exec --process "$RW_TMP/process.json" "$id"
rw_expect_rc "exec --process asking for capabilities exits 0" 0
rw_expect_line "exec --process: CapEff is empty" "$OUT" "CapEff: 0000000000000000"
rw_expect_line "exec --process: CapAmb is empty" "$OUT" "CapAmb: 0000000000000000"
rw_expect_line "exec --process: no_new_privs is set" "$OUT" "NoNewPrivs: 1"
rw_expect_same "exec --process: the engine's process file is left as it was" \
        "$RW_TMP/process.before" "$RW_TMP/process.json"
# runc reads the hardened process from runwarden's memfd; the process never sees that descriptor
jq '.args = ["/bin/sh", "-c", "ls -l /proc/self/fd/; echo fds-listed"]' "$RW_TMP/process.json" \
        >"$RW_TMP/process-fds.json"
rw_capture life-exec-fds rw exec --process "$RW_TMP/process-fds.json" "$id"
rw_expect_rc "exec --process listing its descriptors exits 0" 0
rw_expect_line "exec --process: the listing ran" "$OUT" "fds-listed"
rw_expect_no_grep "exec --process: runwarden's memfd is not among the process's descriptors" \
        "$OUT" 'memfd|runwarden'

rw_use_log life-cap
rw_capture life-exec-cap rw exec --cap CAP_SYS_ADMIN "$id" /probe caps
rw_expect_rc "exec --cap CAP_SYS_ADMIN: exit status 1" 1
rw_expect_no_grep "exec --cap CAP_SYS_ADMIN: nothing ran" "$OUT" 'CapEff'
rw_expect_grep "exec --cap CAP_SYS_ADMIN: stderr names rule caps-drop" "$ERR" \
        'runwarden: refused by rule caps-drop'
rw_expect_grep "exec --cap CAP_SYS_ADMIN: log names rule caps-drop" "$RW_LOG" \
        '"level":"error".*refused by rule caps-drop'

rw_use_log life-end
rw_capture life-kill rw kill "$id" KILL
rw_expect_rc "kill exits 0" 0
for _ in $(seq 50); do
        [ "$(rw state "$id" 2>/dev/null | jq -r .status)" = stopped ] && break
        sleep 0.1
done
rw_capture life-delete rw delete "$id"
rw_expect_rc "delete exits 0" 0
rw_capture life-state3 rw state "$id"
rw_expect_rc "state after delete fails" 1
if [ -e "$RW_STATE/$id" ]; then
        rw_fail "container state removed by delete"
else
        rw_pass "container state removed by delete"
fi

rw_summary
