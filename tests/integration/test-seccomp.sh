#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# shellcheck disable=SC2016  # jq filters name jq $variables in single quotes
#
# The seccomp profiles in real containers, through runwarden and runc: what ci-default and
# ci-strict refuse inside a container; a Docker-format profile whose capability conditions are
# resolved against what runwarden leaves; the engine's own filter in replace and inject mode;
# a realistic build job (gcc, make, an AddressSanitizer / LeakSanitizer run) on an overlay of the
# host's userland under ci-default; the profile cache; and runwardenctl seccomp.
set -euo pipefail

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

rw_init
CTL=$RW_BUILD_ROOT/ctl/runwardenctl
SPROBE=$RW_BUILD_ROOT/tests/integration/seccomp-probe
CACHE=/run/runwarden/seccomp-cache
[ -x "$CTL" ] || rw_fatal "runwardenctl not built at $CTL"
[ -x "$SPROBE" ] || rw_fatal "seccomp-probe not built at $SPROBE"

# Mounts made here, unmounted (innermost first) before the scratch directory is removed: an
# overlay of / must never be under an rm -rf.
mounts=()
cleanup()
{
        local i id keep=0
        for id in "${rw_containers[@]}"; do
                "$RW_RUNC" --root "$RW_STATE" delete --force "$id" >/dev/null 2>&1 || true
        done
        rw_containers=()
        for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
                umount "${mounts[i]}" 2>/dev/null || umount -l "${mounts[i]}" 2>/dev/null || true
                if mountpoint -q "${mounts[i]}"; then
                        echo "WARNING: ${mounts[i]} is still mounted; leaving $RW_TMP in place" >&2
                        keep=1
                fi
        done
        [ "$keep" = 1 ] || rw_cleanup
}
trap cleanup EXIT
trap 'exit 143' TERM INT

echo "# runwarden: $RW_BIN"
echo "# runc:      $RW_RUNC"
echo "# scratch:   $RW_TMP"

# The shipped profiles, and a Docker-format one that grants mount and unshare only with
# CAP_SYS_ADMIN (Docker's own default does the same).
PROFILES=$RW_TMP/profiles
mkdir -p "$PROFILES"
cp "$RW_SECCOMP_DIR"/*.json "$PROFILES/"
jq '.syscalls += [{names: ["mount", "umount2", "unshare"], action: "SCMP_ACT_ALLOW",
                   includes: {caps: ["CAP_SYS_ADMIN"]}}]' \
        "$RW_SECCOMP_DIR/ci-default.json" >"$PROFILES/gated.json"

AUDIT=$RW_TMP/audit.jsonl
POLICY=$RW_TMP/policy.json
jq -n --arg log "$AUDIT" '{
        version: 1,
        default_tier: "ci",
        strictness: ["gated-admin", "ci", "svc", "gated", "strict"],
        audit_log: {path: $log, on_failure: "refuse"},
        tiers: {
                ci: {},
                strict: {seccomp: {profile: "ci-strict"}},
                svc: {seccomp: {profile: "ci-default", engine_profile: "inject"}},
                gated: {seccomp: {profile: "gated"}},
                "gated-admin": {seccomp: {profile: "gated"}, capabilities: ["CAP_SYS_ADMIN"]}
        }}' >"$POLICY"

# rwp TIER ARG...: runwarden with the test policy and profiles, in tier TIER.
rwp()
{
        local tier=$1
        shift
        rw_note_created "$@"
        "$RW_BIN" --policy "$POLICY" --tier "$tier" --root "$RW_STATE" --log "$RW_LOG" \
                --log-format json --runtime "$RW_RUNC" --seccomp-dir "$PROFILES" \
                --egress-hook "$RW_EGRESS_HOOK" "$@"
}

# probe_bundle DIR: a busybox bundle running the seccomp probe.
probe_bundle()
{
        rw_make_bundle "$1" /seccomp-probe
        cp "$SPROBE" "$1/rootfs/seccomp-probe"
}

# --- ci-default, the baseline: what a job cannot do --------------------------------------------
echo "# ci-default (the baseline, no policy): the probe"
b=$RW_TMP/default
probe_bundle "$b"
rw_use_log default
rw_capture default rw run --bundle "$b" rw-sc-default
rw_expect_rc "ci-default: probe exits 0" 0
p=$OUT
rw_expect_line "ci-default: mount refused" "$p" "mount: EPERM"
rw_expect_line "ci-default: a user namespace refused (unshare)" "$p" "unshare-user: EPERM"
rw_expect_line "ci-default: unshare refused even without flags" "$p" "unshare-none: EPERM"
rw_expect_line "ci-default: a user namespace refused (clone flags)" "$p" "clone-newuser: EPERM"
rw_expect_line "ci-default: clone3 gives ENOSYS" "$p" "clone3: ENOSYS"
rw_expect_line "ci-default: io_uring refused" "$p" "io_uring_setup: EPERM"
rw_expect_line "ci-default: userfaultfd refused" "$p" "userfaultfd: EPERM"
rw_expect_line "ci-default: keyctl refused" "$p" "keyctl: EPERM"
rw_expect_line "ci-default: name_to_handle_at refused" "$p" "name_to_handle_at: EPERM"
rw_expect_line "ci-default: AF_ALG refused" "$p" "socket-alg: EPERM"
rw_expect_line "ci-default: AF_VSOCK refused" "$p" "socket-vsock: EPERM"
rw_expect_line "ci-default: personality(READ_IMPLIES_EXEC) refused" "$p" "personality-exec: EPERM"
rw_expect_line "ci-default: kcmp refused (no CAP_SYS_PTRACE kept)" "$p" "kcmp: EPERM"
# What builds need stays.
rw_expect_line "ci-default: ptrace reaches the kernel (LeakSanitizer)" "$p" "ptrace: ESRCH"
rw_expect_line "ci-default: process_vm_readv works" "$p" "process_vm_readv: ok"
rw_expect_line "ci-default: personality query works" "$p" "personality-query: ok"
rw_expect_line "ci-default: TCP sockets work" "$p" "socket-tcp: ok"
rw_expect_line "ci-default: UDP6 sockets work" "$p" "socket-udp6: ok"
rw_expect_line "ci-default: netlink sockets work" "$p" "socket-netlink: ok"
rw_expect_line "ci-default: raw sockets reach the kernel (which wants CAP_NET_RAW)" "$p" \
        "socket-raw4: EINVAL"
rw_expect_line "ci-default: packet sockets reach the kernel" "$p" "socket-packet: EINVAL"
if [ "$(uname -m)" = x86_64 ]; then
        rw_expect_line "ci-default: the 32-bit table is there" "$p" "int80-getpid: ok"
fi

echo "# control: the same probe under plain runc (no filter in 'runc spec')"
c=$RW_TMP/control
probe_bundle "$c"
rw_capture control "$RW_RUNC" --root "$RW_STATE" run --bundle "$c" rw-sc-control
rw_expect_rc "control: probe exits 0" 0
rw_expect_line "control: AF_ALG reaches the kernel" "$OUT" "socket-alg: EINVAL"
rw_expect_no_grep "control: name_to_handle_at is not refused" "$OUT" "^name_to_handle_at: EPERM$"
rw_expect_no_grep "control: clone3 reaches the kernel" "$OUT" "^clone3: ENOSYS$"
rw_expect_line "control: ptrace reaches the kernel" "$OUT" "ptrace: ESRCH"

# --- ci-strict ----------------------------------------------------------------------------------
echo "# ci-strict (tier strict): the probe"
b=$RW_TMP/strict
probe_bundle "$b"
rw_use_log strict
rw_capture strict rwp strict run --bundle "$b" rw-sc-strict
rw_expect_rc "ci-strict: probe exits 0" 0
p=$OUT
rw_expect_line "ci-strict: ptrace refused" "$p" "ptrace: EPERM"
rw_expect_line "ci-strict: process_vm_readv refused" "$p" "process_vm_readv: EPERM"
rw_expect_line "ci-strict: process_vm_writev refused" "$p" "process_vm_writev: EPERM"
rw_expect_line "ci-strict: kcmp refused" "$p" "kcmp: EPERM"
rw_expect_line "ci-strict: personality refused, even the query" "$p" "personality-query: EPERM"
rw_expect_line "ci-strict: packet sockets refused" "$p" "socket-packet: EPERM"
rw_expect_line "ci-strict: raw IPv4 sockets refused (with SOCK_NONBLOCK|SOCK_CLOEXEC)" "$p" \
        "socket-raw4: EPERM"
rw_expect_line "ci-strict: raw IPv6 sockets refused" "$p" "socket-raw6: EPERM"
rw_expect_line "ci-strict: name_to_handle_at refused" "$p" "name_to_handle_at: EPERM"
rw_expect_line "ci-strict: mount refused" "$p" "mount: EPERM"
rw_expect_line "ci-strict: clone3 gives ENOSYS" "$p" "clone3: ENOSYS"
rw_expect_line "ci-strict: TCP sockets work" "$p" "socket-tcp: ok"
rw_expect_line "ci-strict: UDP6 sockets work" "$p" "socket-udp6: ok"
rw_expect_line "ci-strict: unix sockets work" "$p" "socket-unix: ok"
rw_expect_line "ci-strict: netlink sockets work" "$p" "socket-netlink: ok"
if [ "$(uname -m)" = x86_64 ]; then
        rw_expect_line "ci-strict: a 32-bit system call kills the thread" "$p" \
                "int80-getpid: killed by SYS"
fi
rw_expect_eq "ci-strict: config.json names the native architecture only" '["SCMP_ARCH_X86_64"]' \
        "$(jq -c '.linux.seccomp.architectures' "$b/config.json")"

# --- Docker-format capability conditions ----------------------------------------------------------
echo "# a Docker-format profile granting mount/unshare with CAP_SYS_ADMIN"
for tier in gated gated-admin; do
        b=$RW_TMP/$tier
        probe_bundle "$b"
        # The job asks for CAP_SYS_ADMIN, as docker run --cap-add SYS_ADMIN would.
        rw_spec "$b" '.process.capabilities |= with_entries(.value += ["CAP_SYS_ADMIN"])'
        rw_use_log "$tier"
        rw_capture "$tier" rwp "$tier" run --bundle "$b" "rw-sc-$tier"
        rw_expect_rc "$tier: probe exits 0" 0
        cp "$OUT" "$RW_TMP/$tier.probe"
done
rw_expect_line "capability dropped by runwarden: unshare refused" "$RW_TMP/gated.probe" \
        "unshare-none: EPERM"
rw_expect_line "capability dropped by runwarden: mount refused" "$RW_TMP/gated.probe" \
        "mount: EPERM"
rw_expect_eq "capability dropped: the spec's filter has no mount" 0 \
        "$(jq '[.linux.seccomp.syscalls[].names[] | select(. == "mount")] | length' \
                "$RW_TMP/gated/config.json")"
rw_expect_line "capability kept by the tier: unshare allowed" "$RW_TMP/gated-admin.probe" \
        "unshare-none: ok"
rw_expect_line "capability kept by the tier: mount reaches the kernel" \
        "$RW_TMP/gated-admin.probe" "mount: ENOENT"

# --- The engine's own filter: replace and inject ---------------------------------------------------
echo "# the engine's filter"
"$CTL" seccomp show ci-strict --dir "$PROFILES" >"$RW_TMP/ci-strict.oci"
"$CTL" seccomp show ci-default --dir "$PROFILES" >"$RW_TMP/ci-default.oci"
"$CTL" seccomp show docker-default --dir "$PROFILES" >"$RW_TMP/docker-default.oci"

# engine_filter NAME TIER ID OCI_FILE: a probe bundle carrying OCI_FILE as the engine's filter.
engine_filter()
{
        local name=$1 tier=$2 id=$3 filter=$4
        b=$RW_TMP/$name
        probe_bundle "$b"
        rw_spec "$b" '.linux.seccomp = $f[0]' --slurpfile f "$filter"
        rw_use_log "$name"
        rw_capture "$name" rwp "$tier" --debug run --bundle "$b" "$id"
        rw_expect_rc "$name: probe exits 0" 0
}

engine_filter inject-keep svc rw-sc-inject-keep "$RW_TMP/ci-strict.oci"
rw_expect_eq "inject: a stricter engine filter is kept" "$(jq -cS . "$RW_TMP/ci-strict.oci")" \
        "$(jq -cS .linux.seccomp "$b/config.json")"
rw_expect_line "inject: the kept filter acts (ptrace refused)" "$OUT" "ptrace: EPERM"
rw_expect_no_grep "inject: nothing logged for seccomp" "$RW_LOG" 'changed seccomp'

engine_filter inject-weaker svc rw-sc-inject-weaker "$RW_TMP/docker-default.oci"
rw_expect_eq "inject: a weaker engine filter is replaced by ci-default" \
        "$(jq -cS . "$RW_TMP/ci-default.oci")" "$(jq -cS .linux.seccomp "$b/config.json")"
rw_expect_grep "inject: the log says why, naming the profile" "$RW_LOG" \
        'changed seccomp /linux/seccomp.*not as strict as profile ci-default'
rw_expect_line "inject: ci-default acts (name_to_handle_at refused)" "$OUT" \
        "name_to_handle_at: EPERM"

engine_filter replace ci rw-sc-replace "$RW_TMP/ci-strict.oci"
rw_expect_eq "replace: even a stricter engine filter is replaced" \
        "$(jq -cS . "$RW_TMP/ci-default.oci")" "$(jq -cS .linux.seccomp "$b/config.json")"
rw_expect_grep "replace: the log names the profile" "$RW_LOG" \
        'changed seccomp /linux/seccomp.*profile ci-default \(seccomp mode replace\)'

echo "# an unconfined engine filter is never kept"
b=$RW_TMP/unconfined
probe_bundle "$b"
rw_spec "$b" '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW"}'
rw_use_log unconfined
rw_capture unconfined rwp svc run --bundle "$b" rw-sc-unconfined
rw_expect_rc "unconfined: probe exits 0" 0
rw_expect_line "unconfined: replaced, mount refused" "$OUT" "mount: EPERM"

# --- A real build job under ci-default ------------------------------------------------------------
echo "# a build job on an overlay of the host's userland"
rw_need_cmd gcc make mountpoint
cat >"$RW_TMP/job.sh" <<'JOB'
#!/bin/sh
# Runs in the container, as a CI job would: compile, link, make, run tests, ASan and LSan.
set -u
cd /tmp
echo "seccomp-mode: $(awk '/^Seccomp:/ {print $2}' /proc/self/status)"
step()
{
        name=$1
        shift
        if "$@" >"/tmp/$name.log" 2>&1; then
                echo "$name: ok"
        else
                echo "$name: failed ($?)"
                sed 's/^/  | /' "/tmp/$name.log"
        fi
}
cat >hello.c <<'EOF'
#include <stdio.h>
int main(void) { printf("hello from gcc\n"); return 0; }
EOF
step compile gcc -O2 -Wall -Werror -o hello hello.c
step run-hello sh -c './hello | grep -qx "hello from gcc"'

mkdir -p proj
cat >proj/util.c <<'EOF'
#include <pthread.h>
static void *twice(void *p) { *(int *)p *= 2; return p; }
int run_twice(int v) { pthread_t t; pthread_create(&t, 0, twice, &v); pthread_join(t, 0); return v; }
EOF
cat >proj/main.c <<'EOF'
#include <stdio.h>
int run_twice(int v);
int main(void) { int r = run_twice(21); printf("%d\n", r); return r == 42 ? 0 : 1; }
EOF
printf 'app: main.o util.o\n\t$(CC) -pthread -o $@ main.o util.o\ncheck: app\n\t./app\n' >proj/Makefile
step make make -C proj CFLAGS=-O2 check
step archive sh -c 'tar -czf proj.tgz proj && tar -tzf proj.tgz | grep -q proj/Makefile'

cat >leak.c <<'EOF'
#include <stdlib.h>
#include <string.h>
static char *make(void) { char *p = malloc(24); strcpy(p, "leaked on purpose"); return p; }
int main(void) { char *p = make(); p[0] = 'L'; p = 0; return 0; }
EOF
cat >clean.c <<'EOF'
#include <pthread.h>
#include <stdlib.h>
static void *work(void *arg) { free(malloc(64)); return arg; }
int main(void) { pthread_t t[4]; for (int i = 0; i < 4; i++) pthread_create(&t[i], 0, work, 0);
for (int i = 0; i < 4; i++) pthread_join(t[i], 0); return 0; }
EOF
step asan-build sh -c 'gcc -O0 -g -fsanitize=address -o leak leak.c && gcc -O1 -g -fsanitize=address -pthread -o clean clean.c'
# LeakSanitizer stops the process's threads with ptrace before it scans memory.
step asan-clean ./clean
ASAN_OPTIONS=exitcode=23 ./leak >/tmp/leak.out 2>&1
echo "leak-status: $?"
grep -q "ERROR: LeakSanitizer: detected memory leaks" /tmp/leak.out && echo "leak-report: ok"
grep -q "SUMMARY: AddressSanitizer: 24 byte(s) leaked in 1 allocation(s)" /tmp/leak.out &&
        echo "leak-summary: ok"
grep -q "LeakSanitizer has encountered a fatal error" /tmp/leak.out && echo "leak-report: fatal"
if command -v python3 >/dev/null; then
        step python python3 -c 'import hashlib, subprocess, threading, tempfile
t = threading.Thread(target=lambda: None); t.start(); t.join()
assert subprocess.run(["true"]).returncode == 0
with tempfile.TemporaryDirectory() as d: open(d + "/x", "w").write("x")
print(hashlib.sha256(b"x").hexdigest())'
fi
sed -n '1,8p' /tmp/leak.out | sed 's/^/  leak.out | /'
JOB

# build_bundle DIR: a bundle whose rootfs is an overlay with the host's / as its only (read-only)
# layer, upper and work dirs on a tmpfs of their own. Not a bind mount: runwarden allows it. The
# job's script is put in the upper layer, so the image has it at /job/job.sh.
build_bundle()
{
        local b=$1
        mkdir -p "$b/scratch" "$b/rootfs"
        mount -t tmpfs -o size=1g,mode=0700 rw-build-scratch "$b/scratch"
        mounts+=("$b/scratch")
        mkdir -p "$b/scratch/upper/job" "$b/scratch/work"
        cp "$RW_TMP/job.sh" "$b/scratch/upper/job/job.sh"
        mount -t overlay rw-build-root \
                -o "lowerdir=/,upperdir=$b/scratch/upper,workdir=$b/scratch/work" "$b/rootfs"
        mounts+=("$b/rootfs")
        (cd "$b" && "$RW_RUNC" spec) || rw_fatal "runc spec failed in $b"
        rw_spec "$b" '.root = {path: $root, readonly: false}
                | .process.terminal = false
                | .process.args = ["/bin/sh", "/job/job.sh"]
                | .process.cwd = "/"
                | .process.env = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                                  "HOME=/root", "LANG=C.UTF-8"]' \
                --arg root "$b/rootfs"
}

b=$RW_TMP/build
build_bundle "$b"
rw_use_log build
rw_capture build rw run --bundle "$b" rw-sc-build
rw_expect_rc "build job exits 0" 0
rw_expect_line "build job: runs under a seccomp filter" "$OUT" "seccomp-mode: 2"
rw_expect_eq "build job: the filter is ci-default" "$(jq -cS . "$RW_TMP/ci-default.oci")" \
        "$(jq -cS .linux.seccomp "$b/config.json")"
rw_expect_eq "build job: the root filesystem was made read-only" true \
        "$(jq -r .root.readonly "$b/config.json")"
for step in compile run-hello make archive asan-build asan-clean; do
        rw_expect_line "build job: $step" "$OUT" "$step: ok"
done
rw_expect_line "build job: python" "$OUT" "python: ok"
rw_expect_line "build job: LeakSanitizer fails the run on the deliberate leak (exitcode=23)" "$OUT" "leak-status: 23"
rw_expect_line "build job: LeakSanitizer reports the leak" "$OUT" "leak-report: ok"
rw_expect_line "build job: LeakSanitizer counts it right" "$OUT" "leak-summary: ok"

echo "# the same job under ci-strict: LeakSanitizer cannot stop threads without ptrace"
b=$RW_TMP/build-strict
build_bundle "$b"
rw_use_log build-strict
rw_capture build-strict rwp strict run --bundle "$b" rw-sc-build-strict
rw_expect_rc "strict build job exits 0" 0
rw_expect_line "strict build job: gcc still works" "$OUT" "compile: ok"
rw_expect_line "strict build job: make still works" "$OUT" "make: ok"
rw_expect_line "strict build job: LeakSanitizer fails without ptrace" "$OUT" "leak-report: fatal"

# --- The profile cache --------------------------------------------------------------------------
echo "# the profile cache ($CACHE)"
if [ -d "$CACHE" ] && [ "$(stat -c '%u %a' "$CACHE")" = "0 700" ]; then
        rw_pass "cache: $CACHE is root's, mode 0700"
else
        rw_fail "cache: $CACHE is root's, mode 0700"
        stat -c '    %U %a %n' "$CACHE" 2>&1
fi
bad=$(find "$CACHE" -maxdepth 1 -type f -name '*.checked' ! \( -user 0 -perm 0600 \) | wc -l)
total=$(find "$CACHE" -maxdepth 1 -type f -name '*.checked' | wc -l)
rw_expect_eq "cache: entries are root's, mode 0600" 0 "$bad"
if [ "$total" -gt 0 ]; then
        rw_pass "cache: holds $total entries"
else
        rw_fail "cache: holds entries"
fi
# A create with a profile checked before stores nothing: every entry keeps its inode.
before=$(find "$CACHE" -maxdepth 1 -type f -name '*.checked' -printf '%i %f\n' | sort)
b=$RW_TMP/cached
probe_bundle "$b"
rw_use_log cached
rw_capture cached rw create --bundle "$b" rw-sc-cached
rw_track rw-sc-cached
rw_expect_rc "cache: create with a warm cache exits 0" 0
after=$(find "$CACHE" -maxdepth 1 -type f -name '*.checked' -printf '%i %f\n' | sort)
rw_expect_eq "cache: a warm create rewrites nothing" "$before" "$after"
"$RW_RUNC" --root "$RW_STATE" delete --force rw-sc-cached >/dev/null 2>&1 || true

# --- runwardenctl seccomp -----------------------------------------------------------------------
echo "# runwardenctl seccomp"
for name in ci-default ci-strict docker-default; do
        rw_capture "check-$name" "$CTL" seccomp check "$PROFILES/$name.json"
        rw_expect_rc "check $name: exit 0" 0
        rw_expect_grep "check $name: ok, Docker format" "$OUT" "ok \(Docker format\)"
done
cat >"$RW_TMP/conflict.json" <<'EOF'
{"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
  {"names": ["getpid"], "action": "SCMP_ACT_ALLOW"},
  {"names": ["getpid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38}]}
EOF
rw_capture check-conflict "$CTL" seccomp check "$RW_TMP/conflict.json"
rw_expect_rc "check: conflicting rules: exit 1" 1
rw_expect_grep "check: names the file and both entries" "$ERR" \
        'conflict.json: syscalls\[0\] \(getpid.*syscalls\[1\]'
cat >"$RW_TMP/noop.json" <<'EOF'
{"defaultAction": "SCMP_ACT_ERRNO", "archMap": [], "syscalls": [
  {"names": ["read"], "action": "SCMP_ACT_ALLOW"},
  {"names": ["mount"], "action": "SCMP_ACT_ERRNO", "includes": {"caps": ["CAP_SYS_ADMIN"]}}]}
EOF
rw_capture check-noop "$CTL" seccomp check "$RW_TMP/noop.json"
rw_expect_rc "check: a rule that does nothing: exit 1" 1
rw_expect_grep "check: says which rule does nothing" "$ERR" \
        'noop.json: syscalls\[1\] \(mount\): .*the rule does nothing'

rw_capture show-strict "$CTL" seccomp show ci-strict --dir "$PROFILES"
rw_expect_rc "show ci-strict: exit 0" 0
rw_expect_eq "show ci-strict: OCI, no archMap" null "$(jq -c .archMap "$OUT")"
rw_expect_eq "show ci-strict: the profile as it went into config.json" \
        "$(jq -cS . "$RW_TMP/ci-strict.oci")" "$(jq -cS . "$OUT")"
rw_capture show-gated "$CTL" seccomp show gated --dir "$PROFILES" --caps CAP_SYS_ADMIN
rw_expect_eq "show --caps CAP_SYS_ADMIN: mount granted" 1 \
        "$(jq '[.syscalls[].names[] | select(. == "mount")] | length' "$OUT")"
rw_capture show-gated-none "$CTL" seccomp show gated --dir "$PROFILES"
rw_expect_eq "show without --caps: no mount" 0 \
        "$(jq '[.syscalls[].names[] | select(. == "mount")] | length' "$OUT")"

rw_capture diff "$CTL" seccomp diff ci-default ci-strict --dir "$PROFILES"
rw_expect_rc "diff ci-default ci-strict: exit 1 (they differ)" 1
rw_expect_grep "diff: ptrace" "$OUT" '^  ptrace +A allowed, B denied$'
rw_expect_grep "diff: socket arguments" "$OUT" '^  socket +conditional in both.*A lets through more'
if [ "$(uname -m)" = x86_64 ]; then
        rw_expect_grep "diff: the 32-bit table" "$OUT" 'only A has this architecture'
fi
rw_capture diff-same "$CTL" seccomp diff ci-default "$PROFILES/ci-default.json" --dir "$PROFILES"
rw_expect_rc "diff of a profile with itself: exit 0" 0
rw_expect_grep "diff of a profile with itself: no difference" "$OUT" '^no difference$'

rw_capture stats "$CTL" seccomp stats ci-default --dir "$PROFILES"
rw_expect_rc "stats ci-default: exit 0" 0
rw_expect_grep "stats: compared with docker-default" "$OUT" 'ci-default +docker-default'
rw_expect_grep "stats: allowed row" "$OUT" '^allowed +[0-9]+ +[0-9]+$'
rw_expect_grep "stats: denied row" "$OUT" '^denied +[0-9]+ +[0-9]+$'
rw_expect_grep "stats: what Docker lets through and ci-default does not" "$OUT" \
        'name_to_handle_at'
rw_capture stats-admin "$CTL" seccomp stats ci-default --dir "$PROFILES" --caps sys_admin
rw_expect_grep "stats --caps: Docker's filter for the same capabilities" "$OUT" \
        'capabilities CAP_SYS_ADMIN'
rw_expect_grep "stats --caps: mount is Docker's with SYS_ADMIN" "$OUT" ' mount( |$)'

rw_capture usage-none "$CTL" seccomp
rw_expect_rc "usage: no subcommand: exit 2" 2
rw_capture usage-bad "$CTL" seccomp frobnicate
rw_expect_rc "usage: unknown subcommand: exit 2" 2
rw_capture usage-show "$CTL" seccomp show
rw_expect_rc "usage: show without a profile: exit 2" 2
rw_capture usage-cap "$CTL" seccomp show ci-default --caps CAP_NOPE
rw_expect_rc "usage: unknown capability: exit 2" 2
rw_capture missing "$CTL" seccomp show no-such-profile --dir "$PROFILES"
rw_expect_rc "show of a missing profile: exit 1" 1

rw_summary
