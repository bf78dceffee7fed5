# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash disable=SC2016,SC2034
# SC2016: jq filters and container snippets are single-quoted on purpose; SC2034: the case
# tables are read by run.sh.
#
# The machinery of the adversarial suite (run.sh). A case is one row: an id, the class of
# issue 12/19/20 it belongs to, what the attacker controls, the attack (a jq edit of a docker-like
# spec and a shell snippet run inside, an exec or update command line, a docker run), and the
# result runwarden must give. Every case runs twice:
#
#   plain  the attack without runwarden: real runc with the docker-default spec (or dockerd's
#          default runtime); it must reach the host resource, or the case proves nothing
#   rw     the same attack through runwarden → runc
#
# Verdicts, from the attacker's side:
#   reached     the attack got what it wanted: the canary token came back, a host canary was
#               written, a hook ran on the host, a limit was lifted, a capability is there
#   contained   the container ran and a check from inside shows the attack did not work
#   refused:R   runwarden exited 1 before runc started (the witness delegate never ran), the
#               document it judged is byte-for-byte unchanged, the engine log has exactly one
#               JSON error line "runwarden: refused by rule R: ..." and stderr says the same
#   ran         a case that must keep working worked
#   broken, error:...  something else happened (shown with the detail)
#
# Nothing here touches the host's real data: every "host" resource is a canary under the
# scratch directory (ESC_HOST holds a random token), a scratch engine layout stands in for
# /var/lib/docker and /run/containerd, cgroups live under a scratch parent, loop devices back
# scratch images. Attacks that could only be run against a real host path (root.path /etc) give
# runwarden a delegate that records the hand-off instead of running runc.

ESC_IDS=()
declare -A ESC_CLASS ESC_WHO ESC_EXPECT ESC_RULE ESC_DESC ESC_ATTACK ESC_NOTE ESC_NA
declare -A ESC_V_PLAIN ESC_V_RW ESC_D_PLAIN ESC_D_RW ESC_RESULT ESC_TIME
ESC_CONTAINERS=()   # "root id" pairs to force-delete on exit
ESC_PIDS=()         # background helpers (racers, canary processes)
ESC_LOOPS=()        # loop devices attached by the suite

# esc_case ID CLASS WHO EXPECT RULE DESCRIPTION [--note TEXT] [--bypass-na WHY] -- ATTACK...
#   CLASS   1..9 (issue 12), 19a/19b/20 (issues 19, 20), probe (in-container attempts)
#   WHO     spec | exec-process | cmdline | job-files | docker-client
#   EXPECT  refused | contained | refused|contained | allowed
#   RULE    the rule id expected in a refusal ("a|b": either), "-" for none
#   ATTACK  a function of this file and its arguments, run once per mode
# --bypass-na: without runwarden the attack does not reach anything on this machine (runc
# itself blocks it, or the machine lacks the feature); the plain column is then shown, not
# required.
esc_case()
{
        local id=$1
        ESC_CLASS[$id]=$2
        ESC_WHO[$id]=$3
        ESC_EXPECT[$id]=$4
        ESC_RULE[$id]=$5
        ESC_DESC[$id]=$6
        shift 6
        while [ $# -gt 0 ] && [ "$1" != -- ]; do
                case $1 in
                --note) ESC_NOTE[$id]=$2 ;;
                --bypass-na) ESC_NA[$id]=$2 ;;
                *) rw_fatal "esc_case $id: unknown option $1" ;;
                esac
                shift 2
        done
        [ "${1:-}" = -- ] || rw_fatal "esc_case $id: no attack after --"
        shift
        [ -z "${ESC_ATTACK[$id]:-}" ] || rw_fatal "esc_case: duplicate id $id"
        ESC_IDS+=("$id")
        ESC_ATTACK[$id]=$(printf '%q ' "$@")
}

# --- Scratch world ---------------------------------------------------------------------------

# esc_init: after rw_init (and rw_eng_init). Canaries, the scratch engine layout, the witness
# delegate, the policies.
esc_init()
{
        rw_need_cmd jq runc mke2fs losetup timeout setsid
        ESC=$RW_TMP/esc
        ESC_TOKEN=escape-canary-$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
        ESC_TAG=rw-esc-$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')
        ESC_CG=$ESC_TAG
        ESC_HOST=$ESC/host
        ESC_FAKEHOST=$ESC/fakehost
        ESC_DATA=$ESC/engine/docker
        ESC_CROOT=$ESC/engine/containerd-root
        ESC_CSTATE=$ESC/engine/containerd-state
        ESC_TASKS=$ESC_CSTATE/io.containerd.runtime.v2.task/moby
        ESC_STATE_P=$ESC/state-plain
        ESC_STATE_W=$ESC/state-rw
        ESC_SWAP=$RW_BUILD_ROOT/tests/escape/esc-swap
        ESC_SECCOMP=$RW_SECCOMP_DIR
        ESC_FIXTURE=$RW_SOURCE_ROOT/tests/fixtures/engines/docker-default.json
        [ -x "$ESC_SWAP" ] || rw_fatal "esc-swap not built at $ESC_SWAP"
        [ -f "$ESC_FIXTURE" ] || rw_fatal "no docker fixture at $ESC_FIXTURE"
        mkdir -p "$ESC" "$ESC_HOST" "$ESC_DATA/containers" "$ESC_DATA/volumes" "$ESC_CROOT" \
                "$ESC_TASKS" "$ESC_STATE_P" "$ESC_STATE_W" "$ESC/bin" "$ESC/logs" "$ESC/hookok"
        # The "host": a token only an attack that reaches the host can print.
        printf '%s\n' "$ESC_TOKEN" >"$ESC_HOST/secret"
        chmod 0644 "$ESC_HOST/secret"

        # The rootfs template every bundle starts from: busybox, the probe, and the files the
        # exec cases read (only root, only group 0).
        ESC_ROOTFS=$ESC/rootfs-template
        rw_make_rootfs "$ESC_ROOTFS"
        mkdir -p "$ESC_ROOTFS/d2/s" "$ESC_ROOTFS/var/run" "$ESC_ROOTFS/tools" "$ESC_ROOTFS/data"
        printf 'svc-%s\n' "$ESC_TOKEN" >"$ESC_ROOTFS/svcsecret"
        chmod 0600 "$ESC_ROOTFS/svcsecret"
        printf '%s\n' "$ESC_TOKEN" >"$ESC_ROOTFS/g0secret"
        chmod 0040 "$ESC_ROOTFS/g0secret"
        # Another directory of the host that is a complete root (root.path attacks).
        cp -a "$ESC_ROOTFS" "$ESC_FAKEHOST"
        printf '%s\n' "$ESC_TOKEN" >"$ESC_FAKEHOST/secret"

        # Another container in the scratch engine layout: its docker dir, its bundle (a
        # containerd task dir), containerd's metadata, another volume. Each holds the token.
        ESC_VICTIM=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
        mkdir -p "$ESC_DATA/containers/$ESC_VICTIM" "$ESC_TASKS/$ESC_VICTIM/rootfs" \
                "$ESC_CROOT/io.containerd.metadata.v1.bolt" "$ESC_DATA/volumes/othervol/_data"
        jq -n --arg t "$ESC_TOKEN" '{Config: {Env: ["DB_TOKEN=\($t)"]}}' \
                >"$ESC_DATA/containers/$ESC_VICTIM/config.v2.json"
        printf '127.0.0.1 localhost # %s\n' "$ESC_TOKEN" >"$ESC_DATA/containers/$ESC_VICTIM/hosts"
        jq -n --arg t "$ESC_TOKEN" '{process: {env: ["DB_TOKEN=\($t)"]}}' \
                >"$ESC_TASKS/$ESC_VICTIM/config.json"
        printf '%s\n' "$ESC_TOKEN" >"$ESC_CROOT/io.containerd.metadata.v1.bolt/meta.db"
        printf '%s\n' "$ESC_TOKEN" >"$ESC_DATA/volumes/othervol/_data/secret"

        # Tier bind prefixes of the test policy: a read-write one (a cache) and a read-only one.
        mkdir -p "$ESC/rwprefix" "$ESC/roprefix/tools"
        echo tool >"$ESC/roprefix/tools/t"

        # The delegate runwarden hands off to: runc, after one line in the witness log, so
        # "runc never ran" is observed, not inferred. The fake one only records (unsafe cases).
        ESC_WITNESS=$ESC/bin/runc-witness
        ESC_WITNESS_LOG=$ESC/witness.log
        ESC_FAKE=$ESC/bin/runc-fake
        : >"$ESC_WITNESS_LOG"
        printf '#!/bin/sh\necho "$*" >>%q\nexec %q "$@"\n' "$ESC_WITNESS_LOG" "$RW_RUNC" \
                >"$ESC_WITNESS"
        printf '#!/bin/sh\necho "$*" >>%q\nexit 0\n' "$ESC_WITNESS_LOG" >"$ESC_FAKE"
        chmod 0755 "$ESC_WITNESS" "$ESC_FAKE"

        # A port for the host's loopback server (host network namespace attacks).
        ESC_PORT=$((40000 + RANDOM % 20000))

        # Another container's rootfs (root.path attacks): a bundle of the victim.
        rm -rf "$ESC_TASKS/$ESC_VICTIM/rootfs"
        cp -a "$ESC_ROOTFS" "$ESC_TASKS/$ESC_VICTIM/rootfs"
        printf '%s\n' "$ESC_TOKEN" >"$ESC_TASKS/$ESC_VICTIM/rootfs/victimsecret"

        # An engine socket where a job might find one.
        "$RW_PROBE" mksock "$ESC/docker.sock" || rw_fatal "cannot create the scratch docker.sock"

        # Hook binaries a policy may name (class 2): root-owned and 0755 (the only good one), a
        # symlink, group-writable, owned by a user. All write a file on the host when they run.
        mkdir -p "$ESC/hooks"
        local h
        for h in ok gw user; do
                printf '#!/bin/sh\necho "$0" >%q/%s-$$\n' "$ESC/hookok" "$h" >"$ESC/hooks/$h-hook"
                chmod 0755 "$ESC/hooks/$h-hook"
        done
        chmod 0775 "$ESC/hooks/gw-hook"
        chown 1000:1000 "$ESC/hooks/user-hook"
        ln -s /bin/sh "$ESC/hooks/link-hook"

        # A criu that is not criu (the global --criu flag names a host binary runc executes).
        printf '#!/bin/sh\necho criu-ran >%q/criu-ran\nexit 1\n' "$ESC_HOST" >"$ESC/bin/evil-criu"
        chmod 0755 "$ESC/bin/evil-criu"

        # The bundle a prestart hook runs through /proc/self/exe (runc itself): a container
        # that binds the host canary dir and writes there, never judged by runwarden.
        ESC_EVIL=$ESC/evil
        mkdir -p "$ESC_EVIL"
        cp -a "$ESC_ROOTFS" "$ESC_EVIL/rootfs"
        (cd "$ESC_EVIL" && "$RW_RUNC" spec) || rw_fatal "runc spec failed"
        jq --arg host "$ESC_HOST" '.process.terminal = false
                | .process.args = ["/bin/sh", "-c", "echo nested >/host/nested-runc"]
                | .mounts += [{destination: "/host", type: "bind", source: $host, options: ["rbind", "rw"]}]' \
                "$ESC_EVIL/config.json" >"$ESC_EVIL/config.json.new"
        mv "$ESC_EVIL/config.json.new" "$ESC_EVIL/config.json"

        esc_policies
}

# esc_policy_engines: the policy section naming the scratch engine directories.
esc_policies()
{
        local shipped=$RW_SOURCE_ROOT/deploy/policy/policy.json
        [ -f "$shipped" ] || rw_fatal "no shipped policy at $shipped"
        # The shipped policy, its decision log moved into the scratch directory, and the engine
        # directories of this machine's "engines" (issue 12 class 5).
        jq --arg audit "$ESC/audit.jsonl" --arg data "$ESC_DATA" --arg croot "$ESC_CROOT" \
                --arg cstate "$ESC_CSTATE" '.audit_log.path = $audit
                | .engines = {docker: {data_root: $data},
                              containerd: {root: $croot, state: $cstate}}' \
                "$shipped" >"$ESC/policy-shipped.json"
        ESC_POLICY_MODE=engines
        if ! "$RW_BUILD_ROOT/ctl/runwardenctl" policy validate "$ESC/policy-shipped.json" \
                >"$ESC/validate.out" 2>&1; then
                if grep -q 'engines: unknown key' "$ESC/validate.out"; then
                        # This runwarden does not read engine directories from the policy yet:
                        # give every tier the scratch layout as bind prefixes, which is what its
                        # built-in list grants /var/lib/docker, /var/lib/containerd and
                        # /run/containerd. The case policy.engines-section fails meanwhile.
                        ESC_POLICY_MODE=fallback
                        jq --arg data "$ESC_DATA" --arg croot "$ESC_CROOT" --arg cstate "$ESC_CSTATE" '
                                del(.engines)
                                | .tiers |= map_values(.bind_prefixes = ((.bind_prefixes // [])
                                    + [{path: "\($data)/volumes", read_only: false},
                                       {path: "\($data)/containers", read_only: false},
                                       {path: $croot, read_only: false},
                                       {path: $cstate, read_only: false}]))' \
                                "$ESC/policy-shipped.json" >"$ESC/policy-shipped.json.new"
                        mv "$ESC/policy-shipped.json.new" "$ESC/policy-shipped.json"
                else
                        cat "$ESC/validate.out" >&2
                        rw_fatal "the test policy does not validate"
                fi
        fi
        # The test policy: the shipped tiers plus
        #   cache     untrusted with a read-write bind prefix (a runner cache) and a read-only one
        #   hw        untrusted that lists what a tier may allow (the three devices, namespaced
        #             sysctls, lxcfs's views) and, to show they stay out, what it may not: /dev/mem,
        #             a block device, host-wide sysctls, an lxcfs file outside the set
        #   netadmin  untrusted keeping CAP_NET_ADMIN (issue 17: refused, it could undo egress)
        #   hostnet   untrusted whose host-namespace rule only warns (egress still refuses)
        jq --arg rw "$ESC/rwprefix" --arg ro "$ESC/roprefix" '
                .tiers.cache = {extends: "untrusted",
                                bind_prefixes: ((.tiers.untrusted.bind_prefixes // [])
                                    + [{path: $rw, read_only: false}, {path: $ro, read_only: true}])}
                | .tiers.hw = {extends: "untrusted",
                               devices: ["/dev/fuse", "/dev/net/tun", "/dev/kvm", "/dev/mem", "/dev/xloop"],
                               sysctls: ["net.*", "kernel.core_pattern", "vm.*"],
                               lxcfs: ["/proc/cpuinfo", "/proc/meminfo", "/proc/stat", "/proc/uptime",
                                       "/proc/diskstats", "/proc/swaps", "/proc/loadavg",
                                       "/sys/devices/system/cpu/online", "/proc/slabinfo"]}
                | .tiers.netadmin = {extends: "untrusted", capabilities: ["CAP_NET_ADMIN"]}
                | .tiers.hostnet = {extends: "untrusted", rules: {"host-namespace": "warn"}}
                | .strictness = ["trusted", "netadmin", "hostnet", "cache", "hw"] + (.strictness - ["trusted"])' \
                "$ESC/policy-shipped.json" >"$ESC/policy-test.json"
        # The hook policy: a tier whose operator allows hooks by path (issue 12 class 2). The key
        # is a tier's list "hooks": [PATH...].
        jq --arg ok "$ESC/hooks/ok-hook" --arg link "$ESC/hooks/link-hook" \
                --arg gw "$ESC/hooks/gw-hook" --arg user "$ESC/hooks/user-hook" '
                .tiers.hooked = {extends: "untrusted", hooks: [$ok, $link, $gw, $user]}
                | .strictness = ["trusted", "hooked"] + (.strictness - ["trusted"])' \
                "$ESC/policy-test.json" >"$ESC/policy-hooks.json"
        chmod 0644 "$ESC"/policy-*.json
}

# --- Bundles ---------------------------------------------------------------------------------

# The jq definitions every spec edit may use, and the variables it sees:
#   $host (the canary dir)  $bundle  $id  $data (docker data root)  $croot  $cstate  $tasks
#   $victim (another container's id)  $cg (the scratch cgroup parent)  $esc (scratch)
ESC_JQ_DEFS='
def bind($src; $dst): {destination: $dst, type: "bind", source: $src, options: ["rbind", "rw"]};
def bindro($src; $dst): {destination: $dst, type: "bind", source: $src, options: ["rbind", "ro"]};
def hostbind: bind($host; "/host");
def allcaps($c): {bounding: $c, effective: $c, permitted: $c, inheritable: $c, ambient: $c};
'

# esc_new_bundle CID [ARG...]: a bundle in the scratch containerd task dir, made from the captured
# docker-default spec (docker's capabilities, seccomp profile, masked paths, devices, a writable
# root) with this container's hosts/hostname/resolv.conf in the scratch docker data root, its
# cgroup under the scratch parent, no hooks. Prints the bundle path.
esc_new_bundle()
{
        local cid=$1 b
        shift
        b=$ESC_TASKS/$cid
        rm -rf "$b"
        mkdir -p "$b" "$ESC_DATA/containers/$cid"
        cp -a "$ESC_ROOTFS" "$b/rootfs"
        printf '127.0.0.1 localhost\n' >"$ESC_DATA/containers/$cid/hosts"
        printf '%s\n' "${cid:0:12}" >"$ESC_DATA/containers/$cid/hostname"
        printf 'nameserver 127.0.0.1\n' >"$ESC_DATA/containers/$cid/resolv.conf"
        # One --arg at a time: a snippet has newlines, and jq --args would read "-c" as its own.
        local args='[]' a
        for a in "$@"; do
                args=$(jq -c --arg a "$a" '. + [$a]' <<<"$args")
        done
        jq --arg id "$cid" --arg data "$ESC_DATA" --arg cg "$ESC_CG" --argjson args "$args" '
                .root = {path: "rootfs"}
                | .process.args = $args | .process.terminal = false
                | .process.env = ["PATH=/bin:/sbin", "HOSTNAME=\($id[0:12])", "HOME=/root"]
                | .hostname = $id[0:12]
                | .mounts |= map(if .type == "bind"
                        then .source = "\($data)/containers/\($id)/\(.source | split("/") | last)"
                        else . end)
                | del(.hooks)
                | .linux.cgroupsPath = "/\($cg)/\($id)"' "$ESC_FIXTURE" >"$b/config.json" ||
                rw_fatal "cannot write the base spec of $cid"
        echo "$b"
}

# esc_edit BUNDLE JQ [JQ ARGS...]: edit config.json with the definitions and variables above.
esc_edit()
{
        local b=$1 filter=$2 cid
        shift 2
        cid=$(basename "$b")
        jq --arg host "$ESC_HOST" --arg bundle "$b" --arg id "$cid" --arg data "$ESC_DATA" \
                --arg croot "$ESC_CROOT" --arg cstate "$ESC_CSTATE" --arg tasks "$ESC_TASKS" \
                --arg victim "$ESC_VICTIM" --arg cg "$ESC_CG" --arg esc "$ESC" "$@" \
                "$ESC_JQ_DEFS $filter" <"$b/config.json" >"$b/config.json.new" ||
                rw_fatal "jq edit failed: $filter"
        mv "$b/config.json.new" "$b/config.json"
}

# --- Running ---------------------------------------------------------------------------------

# esc_runtime ARG...: the runtime of the current mode with the global flags an engine passes.
# ESC_POLICY (shipped|test|hooks), ESC_TIER, ESC_ROOT (a --root spelling), ESC_DELEGATE and
# ESC_GLOBAL (more global flags) adjust it for one call.
esc_runtime()
{
        local root
        if [ "$ESC_MODE" = plain ]; then
                root=${ESC_ROOT:-$ESC_STATE_P}
                # shellcheck disable=SC2086  # ESC_GLOBAL holds separate flags
                timeout -k 5 60 "$RW_RUNC" --root "$root" --log "$ESC_LOG" --log-format json ${ESC_GLOBAL:-} "$@"
        else
                root=${ESC_ROOT:-$ESC_STATE_W}
                local tier=()
                [ -z "${ESC_TIER:-}" ] || tier=(--tier "$ESC_TIER")
                # shellcheck disable=SC2086
                timeout -k 5 60 "$RW_BIN" --policy "$ESC/policy-${ESC_POLICY:-shipped}.json" "${tier[@]}" \
                        --runtime "${ESC_DELEGATE:-$ESC_WITNESS}" --seccomp-dir "$ESC_SECCOMP" \
                        --egress-hook "$RW_EGRESS_HOOK" \
                        --root "$root" --log "$ESC_LOG" --log-format json ${ESC_GLOBAL:-} "$@"
        fi
}

# esc_call NAME ARG...: esc_runtime with stdin from ESC_STDIN (default /dev/null), stdout and
# stderr in files; sets RC, OUT, ERR; records how often the witness delegate ran.
esc_call()
{
        local name=$1
        shift
        OUT=$ESC/logs/$name.out
        ERR=$ESC/logs/$name.err
        ESC_LOG=$ESC/logs/$name.log
        rm -f "$OUT" "$ERR" "$ESC_LOG"
        WITNESS_BEFORE=$(wc -l <"$ESC_WITNESS_LOG")
        RC=0
        "$@" <"${ESC_STDIN:-/dev/null}" >"$OUT" 2>"$ERR" || RC=$?
        WITNESS_AFTER=$(wc -l <"$ESC_WITNESS_LOG")
}

# esc_host_reset: the canary dir as it started (only the secret), after every judged run.
esc_host_reset()
{
        find "$ESC_HOST" -mindepth 1 -maxdepth 1 ! -name secret -exec rm -rf {} + 2>/dev/null
        printf '%s\n' "$ESC_TOKEN" >"$ESC_HOST/secret"
        chmod 0644 "$ESC_HOST/secret"
}

esc_host_snapshot()
{
        find "$ESC_HOST" -printf '%p %s %T@ %m\n' 2>/dev/null | sort | sha256sum | cut -d' ' -f1
}

# esc_judge_refusal DOC SHA_BEFORE: after a runwarden call that did not hand off, the refusal
# verdict: "refused:RULE" when every property of a refusal holds, else "refused?:..." or
# "error:...". DOC may be empty (a command without a document).
esc_judge_refusal()
{
        local doc=$1 before=$2 msg rule problems=()
        msg=$(jq -r 'select(.level == "error") | .msg' "$ESC_LOG" 2>/dev/null | tail -n 1)
        if [[ $msg =~ ^runwarden:\ refused\ by\ rule\ ([a-z0-9.-]+): ]]; then
                rule=${BASH_REMATCH[1]}
        elif [[ $msg == runwarden:\ * ]]; then
                # An error that is no rule's decision (a document that does not parse): still a
                # refusal if it has every property of one; "none" names the missing rule.
                rule=none
        else
                VERDICT="error:$(head -c 150 "$ERR" | tr '\n' ' ')"
                DETAIL="exit $RC without a runwarden error in the log: $(head -c 400 "$ESC_LOG" 2>/dev/null)"
                return
        fi
        [ "$RC" = 1 ] || problems+=("exit $RC")
        [ "$(wc -l <"$ESC_LOG")" = 1 ] || problems+=("$(wc -l <"$ESC_LOG") log lines")
        grep -Fq -- "${msg:0:80}" "$ERR" || problems+=("not on stderr")
        if [ -n "$doc" ] && [ "$(rw_sha256 "$doc")" != "$before" ]; then
                problems+=("$(basename "$doc") changed")
        fi
        if [ "${#problems[@]}" -eq 0 ]; then
                VERDICT="refused:$rule"
        else
                VERDICT="refused?:$rule(${problems[*]})"
        fi
        DETAIL=$msg
}

# esc_judge_run DOC SHA_BEFORE SNAPSHOT_BEFORE REACH_ERE HOST_CHECK: the verdict of one call.
# Reached: the token in the output, a line matching REACH_ERE (default ESC-REACHED), the host
# canary dir changed, or HOST_CHECK (shell, evaluated) printing "reached ...". Contained: the
# snippet ran to its end (ESC-DONE). Ran: an allowed case printed ESC-OK.
esc_judge_run()
{
        local doc=$1 before=$2 snap=$3 reach=${4:-ESC-REACHED} hostcheck=${5:-} hc=''
        VERDICT='' DETAIL=''
        if [ "$ESC_MODE" = rw ] && [ "$WITNESS_AFTER" = "$WITNESS_BEFORE" ]; then
                esc_judge_refusal "$doc" "$before"
                return
        fi
        [ -z "$hostcheck" ] || hc=$(eval "$hostcheck" 2>&1 || true)
        if grep -Fq -- "$ESC_TOKEN" "$OUT" "$ERR" 2>/dev/null; then
                VERDICT=reached
                DETAIL="the canary token came back: $(grep -F -m1 -- "$ESC_TOKEN" "$OUT" "$ERR" | head -c 200)"
        elif grep -Eq -- "$reach" "$OUT" 2>/dev/null; then
                VERDICT=reached
                DETAIL=$(grep -E -m1 -- "$reach" "$OUT" | head -c 200)
        elif [ "$(esc_host_snapshot)" != "$snap" ]; then
                VERDICT=reached
                DETAIL="written on the host: $(find "$ESC_HOST" -mindepth 1 -maxdepth 1 ! -name secret -printf '%f ')"
        elif [[ $hc == reached* ]]; then
                VERDICT=reached
                DETAIL=${hc#reached }
        elif [ "$ESC_DELEGATE_USED" = fake ]; then
                VERDICT=reached
                DETAIL="runwarden handed the spec to runc (a recording delegate stood in: running it would touch the host)"
        elif grep -q '^ESC-DONE$' "$OUT" 2>/dev/null; then
                if grep -q '^ESC-OK' "$OUT" || [[ $hc == ok* ]]; then
                        VERDICT=ran
                else
                        VERDICT=contained
                fi
                DETAIL=$(grep -E -m3 -- '^ESC-(BLOCKED|OK)' "$OUT" | tr '\n' ' ' | head -c 200)
        elif [ "$ESC_MODE" = rw ]; then
                # Handed off, and runc failed: not a refusal by runwarden.
                VERDICT=runc-failed
                DETAIL="runwarden handed it to runc, which failed: $(tail -n 1 "$ESC_LOG" 2>/dev/null | jq -r .msg 2>/dev/null | head -c 300)"
        else
                VERDICT="error:rc=$RC"
                DETAIL="$(tail -n 1 "$ESC_LOG" 2>/dev/null | jq -r .msg 2>/dev/null | head -c 300)"
        fi
        esc_host_reset
}

# --- Attack shapes ---------------------------------------------------------------------------

# esc_snippet CMDS: what the container runs: the attack, then a marker that it got to the end.
esc_snippet()
{
        printf '%s\n echo ESC-DONE' "$1"
}

# esc_bundle JQ SNIPPET [OPTION...]: a spec attack. The bundle is the docker-default one, edited
# with JQ, running SNIPPET; `run` through the mode's runtime.
#   --policy P, --tier T      runwarden's policy (shipped|test|hooks) and tier
#   --prep SHELL              host-side preparation, evaluated with $b set (before the edit)
#   --raw SED                 a sed edit of config.json after jq (keys jq cannot write)
#   --reach ERE               an output line that means the attack worked
#   --host-check SHELL        evaluated after the run with $b set; prints "reached ..." or "ok"
#   --unsafe                  runwarden's delegate only records; the plain column is not run
#   --race N                  N runs, each while esc-swap exchanges RACE_A and RACE_B (set
#                             by --prep: a real directory and a symlink to the host)
#   --cmd CMD                 run (default) or restore
#   --flags "F..."            more flags of the command (--no-pivot)
#   --delegate PATH           runwarden's delegate in the rw column (default: the witness)
esc_bundle()
{
        local filter=$1 snippet=$2
        shift 2
        local prep='' raw='' reach='' hostcheck='' unsafe=false race=false iterations=1 cmd=run flags=''
        local ESC_POLICY=shipped ESC_TIER='' delegate=''
        while [ $# -gt 0 ]; do
                case $1 in
                --policy) ESC_POLICY=$2 ;;
                --delegate) delegate=$2 ;;
                --tier) ESC_TIER=$2 ;;
                --prep) prep=$2 ;;
                --raw) raw=$2 ;;
                --reach) reach=$2 ;;
                --host-check) hostcheck=$2 ;;
                --unsafe)
                        unsafe=true
                        shift
                        continue
                        ;;
                --race)
                        race=true
                        iterations=$2
                        ;;
                --cmd) cmd=$2 ;;
                --flags) flags=$2 ;;
                *) rw_fatal "esc_bundle: unknown option $1" ;;
                esac
                shift 2
        done
        if [ "$unsafe" = true ] && [ "$ESC_MODE" = plain ]; then
                VERDICT="n/a"
                DETAIL="not run without runwarden: runc would change the host"
                return
        fi
        local cid=${ESC_CID} b
        b=$(esc_new_bundle "$cid" /bin/sh -c "$(esc_snippet "$snippet")")
        # shellcheck disable=SC2153  # ESC_ID is set by run.sh for every case
        [ -z "$prep" ] || eval "$prep" || rw_fatal "$ESC_ID: --prep failed"
        esc_edit "$b" "$filter"
        [ -z "$raw" ] || sed -i -e "$raw" "$b/config.json"
        jq -e . "$b/config.json" >/dev/null 2>&1 || [ -n "$raw" ] ||
                rw_fatal "$ESC_ID: the edited spec is not JSON"
        cp "$b/config.json" "$b/config.json.orig"
        local ESC_DELEGATE=$delegate ESC_DELEGATE_USED=witness
        if [ "$unsafe" = true ]; then
                ESC_DELEGATE=$ESC_FAKE
                ESC_DELEGATE_USED=fake
        fi

        local i racer='' verdicts=() details=()
        for ((i = 1; i <= iterations; i++)); do
                # Every run under the bundle's own id: its files, its cgroup and its volume
                # are named after it, and another id would be refused for that alone.
                local id=$cid
                cp "$b/config.json.orig" "$b/config.json"
                local before snap
                before=$(rw_sha256 "$b/config.json")
                snap=$(esc_host_snapshot)
                if [ "$race" = true ]; then
                        "$ESC_SWAP" "$RACE_A" "$RACE_B" &
                        racer=$!
                        ESC_PIDS+=("$racer")
                fi
                ESC_CONTAINERS+=("$ESC_MODE $id")
                local extra=()
                [ "$cmd" != restore ] || extra=(--image-path "$ESC/no-checkpoint")
                # shellcheck disable=SC2086  # flags are separate words
                esc_call "$ESC_CID-$i" esc_runtime "$cmd" $flags --bundle "$b" "${extra[@]}" "$id"
                if [ -n "$racer" ]; then
                        kill "$racer" 2>/dev/null || true
                        wait "$racer" 2>/dev/null || true
                        racer=
                fi
                esc_judge_run "$b/config.json" "$before" "$snap" "$reach" "$hostcheck"
                verdicts+=("$VERDICT")
                details+=("$DETAIL")
                esc_delete "$id"
                # A race is put back as it started: the real directory under the checked name.
                if [ "$race" = true ] && [ -L "$RACE_A" ]; then
                        "$ESC_SWAP" --once "$RACE_A" "$RACE_B" ||
                                rw_fatal "$ESC_ID: cannot put the raced paths back"
                fi
        done
        esc_aggregate "${verdicts[@]}"
        [ "$iterations" = 1 ] && DETAIL=${details[0]}
        [ "$iterations" = 1 ] || DETAIL="$VERDICT; first: ${details[0]}"
}

# esc_aggregate VERDICT...: one verdict for a loop: reached if any run reached, else the kinds
# seen with their counts ("refused:host-mount 24/24", "contained 10/24 refused:host-mount 14/24").
esc_aggregate()
{
        local n=$# v
        if [ "$n" = 1 ]; then
                VERDICT=$1
                return
        fi
        declare -A count=()
        for v in "$@"; do
                count[$v]=$((${count[$v]:-0} + 1))
        done
        if [ -n "${count[reached]:-}" ]; then
                VERDICT="reached ${count[reached]}/$n"
                return
        fi
        VERDICT=
        for v in "${!count[@]}"; do
                VERDICT+="$v ${count[$v]}/$n "
        done
        VERDICT=${VERDICT% }
}

# esc_policy_engines: whether runwarden accepted the policy's "engines" section (the suite
# otherwise falls back to bind prefixes, see esc_policies).
esc_policy_engines()
{
        if [ "$ESC_MODE" = plain ]; then
                VERDICT=n/a
        elif [ "$ESC_POLICY_MODE" = engines ]; then
                VERDICT=ran
        else
                VERDICT="error:engines-unknown-key"
                DETAIL=$(head -c 300 "$ESC/validate.out")
        fi
}

# esc_delete ID: whatever runc left of a container of the current mode; through runwarden in the
# rw column, so that its record of the container goes too.
esc_delete()
{
        local ESC_LOG=/dev/null ESC_ROOT='' ESC_GLOBAL='' ESC_DELEGATE='' ESC_POLICY=shipped ESC_TIER=''
        esc_runtime delete --force "$1" </dev/null >/dev/null 2>&1 || true
}

# --- Long-running containers for exec and update ---------------------------------------------

# esc_container KIND: make sure this mode's container of KIND runs; sets CONTAINER and
# CONTAINER_BUNDLE. Kinds:
#   svc     the shipped service tier (--tier service, an owner annotation): exec denied; the
#           file /svcsecret (root only) is what an exec would steal; its environment has the
#           token, and it serves the secret on its loopback (port 7779)
#   job     an untrusted job running as uid 1000: exec allowed only as that user; /g0secret is
#           readable by group 0 only
#   rootjob an untrusted job running as root (its own user: exec as root is allowed)
#   victim  a job whose cgroup other specs aim at (pids limit 1000)
#   upd-*   a fresh job per update case (pids limit 4096, the untrusted tier's)
#   sandbox a pod sandbox (CRI annotations) serving a page on its loopback
esc_container()
{
        local kind=$1 cid
        cid=esc-$kind-${ESC_MODE:0:1}
        CONTAINER=$cid
        CONTAINER_BUNDLE=$ESC_TASKS/$cid
        if [ -n "${ESC_RUNNING[$cid]:-}" ]; then
                CONTAINER_PID=${ESC_PIDOF[$cid]}
                return
        fi
        local b ESC_POLICY=shipped ESC_TIER='' ESC_ROOT='' ESC_GLOBAL=''
        b=$(esc_new_bundle "$cid" sleep 3600)
        case $kind in
        svc)
                ESC_TIER=service
                esc_edit "$b" '.annotations["runwarden.io/owner"] = "db"
                        | .process.env += ["SVC_TOKEN=svc-" + $t]
                        | .process.args = ["/bin/sh", "-c", "mkdir -p /tmp/www && cat /svcsecret >/tmp/www/s && httpd -p 127.0.0.1:7779 -h /tmp/www && exec sleep 3600"]' \
                        --arg t "$ESC_TOKEN"
                ;;
        sandbox)
                esc_edit "$b" '.annotations = {"io.kubernetes.cri.container-type": "sandbox",
                                               "io.kubernetes.cri.sandbox-id": $id}
                        | .process.args = ["/bin/sh", "-c", "mkdir -p /tmp/www && echo pod-ok >/tmp/www/x && httpd -p 127.0.0.1:7778 -h /tmp/www && exec sleep 3600"]'
                ;;
        job)
                esc_edit "$b" '.process.user = {uid: 1000, gid: 1000} | .process.env += ["HOME=/home/user"]'
                ;;
        rootjob) ;;
        victim) esc_edit "$b" '.linux.resources.pids = {limit: 1000}' ;;
        upd-*) esc_edit "$b" '.linux.resources.pids = {limit: 4096}' ;;
        *) rw_fatal "esc_container: unknown kind $kind" ;;
        esac
        cp "$b/config.json" "$b/config.json.orig"
        ESC_CONTAINERS+=("$ESC_MODE $cid")
        esc_call "container-$cid" esc_runtime run -d --bundle "$b" "$cid"
        if [ "$RC" != 0 ]; then
                rw_show stderr "$ERR"
                rw_show log "$ESC_LOG"
                rw_fatal "cannot start the $kind container ($ESC_MODE)"
        fi
        ESC_RUNNING[$cid]=1
        CONTAINER_PID=$("$RW_RUNC" --root "$(esc_state_root)" state "$cid" | jq -r .pid)
        ESC_PIDOF[$cid]=$CONTAINER_PID
}
declare -A ESC_RUNNING ESC_PIDOF

esc_state_root()
{
        if [ "$ESC_MODE" = plain ]; then echo "$ESC_STATE_P"; else echo "$ESC_STATE_W"; fi
}

# esc_exec KIND [--root SPELLING] [--cwd-in DIR] [--process JQ] [--reach ERE] [--prep CMD] [--post CMD] -- FLAGS... -- SNIPPET
# An exec into this mode's KIND container. --root: a spelling of the state root (ROOT stands
# for the real one, e.g. "ROOT//", "LINK", "REL"). --process JQ: an exec --process file made by
# JQ from the process runc would run (args set to the snippet), the attacker's document.
esc_exec()
{
        local kind=$1
        shift
        local rootspell='' process='' pspell='--process' reach='' cwd=$ESC prep='' post=''
        while [ $# -gt 0 ] && [ "$1" != -- ]; do
                case $1 in
                --root) rootspell=$2 ;;
                --process) process=$2 ;;
                --pspell) pspell=$2 ;;
                --reach) reach=$2 ;;
                --prep) prep=$2 ;;
                --post) post=$2 ;;
                *) rw_fatal "esc_exec: unknown option $1" ;;
                esac
                shift 2
        done
        shift
        local flags=()
        while [ $# -gt 0 ] && [ "$1" != -- ]; do
                flags+=("$1")
                shift
        done
        shift
        local snippet=$1
        esc_container "$kind"
        # shellcheck disable=SC2153  # ESC_ID is set by run.sh for every case
        [ -z "$prep" ] || eval "$prep" || rw_fatal "$ESC_ID: --prep failed"
        local root=$ESC_STATE_P
        [ "$ESC_MODE" = plain ] || root=$ESC_STATE_W
        local ESC_ROOT=''
        case $rootspell in
        "") ;;
        LINK)
                ln -sfn "$root" "$ESC/root-link-$ESC_MODE"
                ESC_ROOT=$ESC/root-link-$ESC_MODE
                ;;
        REL) ESC_ROOT=$(basename "$root") ;;
        *)
                ESC_ROOT=${rootspell//ROOT/$root}
                ESC_ROOT=${ESC_ROOT//MODE/$ESC_MODE}
                ;;
        esac
        local doc=$CONTAINER_BUNDLE/config.json args=()
        if [ -n "$process" ]; then
                doc=$ESC/logs/$ESC_CID.process.json
                jq --arg s "$(esc_snippet "$snippet")" "$ESC_JQ_DEFS .process | .args = [\"/bin/sh\", \"-c\", \$s] | .terminal = false | $process" \
                        "$CONTAINER_BUNDLE/config.json.orig" >"$doc" || rw_fatal "$ESC_ID: process edit failed"
                # the flag as spelled: "--process FILE", or "-p=FILE" and the like
                if [ "${pspell%=}" != "$pspell" ]; then
                        args=("$pspell$doc" "$CONTAINER")
                else
                        args=("$pspell" "$doc" "$CONTAINER")
                fi
        else
                args=("$CONTAINER" /bin/sh -c "$(esc_snippet "$snippet")")
        fi
        local before snap
        before=$(rw_sha256 "$doc")
        snap=$(esc_host_snapshot)
        local ESC_POLICY=shipped ESC_TIER='' ESC_DELEGATE_USED=witness
        # A relative --root is relative to the engine's working directory.
        pushd "$cwd" >/dev/null || rw_fatal "cannot enter $cwd"
        esc_call "$ESC_CID" esc_runtime exec "${flags[@]}" "${args[@]}"
        popd >/dev/null || rw_fatal "popd failed"
        [ -z "$post" ] || eval "$post" || rw_fatal "$ESC_ID: --post failed"
        esc_judge_run "$doc" "$before" "$snap" "$reach" ""
}

# esc_policy_edit JQ / esc_policy_restore: the operator edits the shipped policy between a
# container's create and a later call about it (as root, mode 0644, replaced by rename as editors
# and configuration management do); the edit is undone after the case.
esc_policy_edit()
{
        local p=$ESC/policy-shipped.json
        cp -p "$p" "$p.before-edit" || return 1
        jq "$1" "$p" >"$p.new" && chmod 0644 "$p.new" && mv "$p.new" "$p"
}
esc_policy_restore()
{
        mv "$ESC/policy-shipped.json.before-edit" "$ESC/policy-shipped.json"
}

# esc_recreate JQ: a create of the running container's own id from another bundle, its spec the
# container's edited by JQ ($cg, $id: the suite's cgroup and the id) — what a client that picks
# container ids can send. runc refuses it; what counts is what runwarden remembers of the
# container afterwards.
esc_recreate()
{
        local b=$ESC_TASKS/$CONTAINER-again
        rm -rf "$b"
        mkdir -p "$b"
        cp -a "$ESC_ROOTFS" "$b/rootfs"
        jq --arg cg "$ESC_CG" --arg id "$CONTAINER" "$ESC_JQ_DEFS $1" \
                "$CONTAINER_BUNDLE/config.json.orig" >"$b/config.json" ||
                rw_fatal "$ESC_ID: recreate edit failed"
        esc_call "$ESC_CID-recreate" esc_runtime create --bundle "$b" "$CONTAINER"
        rm -rf "$b"
}

# esc_update [--file JSON] [--stdin JSON] -- ARG...: `update ARG... -r FILE` (or `-r -` with JSON
# on stdin, how containerd calls it) on a fresh job with pids limit 4096. Reached: its pids.max
# is above 4096 or "max" afterwards, or its device cgroup allows every device.
esc_update()
{
        local file='' stdin=''
        while [ $# -gt 0 ] && [ "$1" != -- ]; do
                case $1 in
                --file) file=$2 ;;
                --stdin) stdin=$2 ;;
                *) rw_fatal "esc_update: unknown option $1" ;;
                esac
                shift 2
        done
        shift
        esc_container "upd-$ESC_NUM"
        local args=("$@") doc=''
        if [ -n "$file" ]; then
                doc=$ESC/logs/$ESC_CID.resources.json
                printf '%s\n' "$file" >"$doc"
                args+=(-r "$doc")
        fi
        local ESC_STDIN=''
        if [ -n "$stdin" ]; then
                doc=$ESC/logs/$ESC_CID.stdin.json
                printf '%s\n' "$stdin" >"$doc"
                ESC_STDIN=$doc
                args+=(-r -)
        fi
        local before='' snap
        [ -z "$doc" ] || before=$(rw_sha256 "$doc")
        snap=$(esc_host_snapshot)
        local ESC_POLICY=shipped ESC_TIER='' ESC_DELEGATE_USED=witness
        esc_call "$ESC_CID" esc_runtime update "${args[@]}" "$CONTAINER"
        esc_judge_run "$doc" "$before" "$snap" "" 'esc_cgroup_lifted "$CONTAINER"'
        # An update prints nothing: exit 0 is the update having run (handed on, in rw mode).
        if [[ $VERDICT == "error:rc=$RC" || $VERDICT == runc-failed ]] && [ "$RC" = 0 ]; then
                VERDICT=contained
                DETAIL="update ran; pids.max $(esc_cgroup_file "$CONTAINER" pids pids.max)"
        fi
}

esc_cgroup_file()
{
        cat "/sys/fs/cgroup/$2/$ESC_CG/$1/$3" 2>/dev/null || echo "?"
}

# esc_watch_cgroup CID: until esc_watched, record the most tasks ever seen in CID's pids cgroup
# (its whole subtree: a container placed in it or below it counts there, whatever its cgroup
# namespace shows inside).
esc_watch_cgroup()
{
        local f=/sys/fs/cgroup/pids/$ESC_CG/$1/pids.current
        echo 0 >"$ESC/watch.max"
        (
                max=0
                while :; do
                        n=$(cat "$f" 2>/dev/null || echo 0)
                        if [ "$n" -gt "$max" ]; then max=$n; echo "$max" >"$ESC/watch.max"; fi
                        sleep 0.02
                done
        ) &
        ESC_WATCHER=$!
        disown "$ESC_WATCHER"
        ESC_PIDS+=("$ESC_WATCHER")
}

# esc_watched: the most tasks the watcher saw; stops it.
esc_watched()
{
        kill "$ESC_WATCHER" 2>/dev/null || true
        cat "$ESC/watch.max"
}

esc_cgroup_lifted()
{
        local pids devices
        pids=$(esc_cgroup_file "$1" pids pids.max)
        devices=$(esc_cgroup_file "$1" devices devices.list)
        if [ "$pids" = max ] || { [[ $pids =~ ^[0-9]+$ ]] && [ "$pids" -gt 4096 ]; }; then
                echo "reached pids.max of the container is now $pids"
        elif grep -Eq '^(a|[bc] \*:\* rwm)' <<<"$devices"; then
                echo "reached the device cgroup allows: $(head -n 1 <<<"$devices")"
        fi
}

# esc_command [--global FLAGS] [--container KIND] -- ARG...: a command line on its own (CONTAINER
# in ARG... is replaced by this mode's KIND container). Without runwarden the verdict is what
# runc did with it; through runwarden, any hand-off to runc is "reached": runc ran a command
# nobody judged.
esc_command()
{
        local global='' kind=''
        while [ $# -gt 0 ] && [ "$1" != -- ]; do
                case $1 in
                --global) global=$2 ;;
                --container) kind=$2 ;;
                *) rw_fatal "esc_command: unknown option $1" ;;
                esac
                shift 2
        done
        shift
        local args=() a
        [ -z "$kind" ] || esc_container "$kind"
        for a in "$@"; do
                args+=("${a//CONTAINER/${CONTAINER:-}}")
        done
        local snap
        snap=$(esc_host_snapshot)
        local ESC_POLICY=shipped ESC_TIER='' ESC_GLOBAL=$global ESC_DELEGATE_USED=witness
        esc_call "$ESC_CID" esc_runtime "${args[@]}"
        if [ "$ESC_MODE" = rw ] && [ "$WITNESS_AFTER" = "$WITNESS_BEFORE" ]; then
                esc_judge_refusal "" ""
        elif [ "$(esc_host_snapshot)" != "$snap" ]; then
                VERDICT=reached
                DETAIL="a host binary ran: $(find "$ESC_HOST" -mindepth 1 -maxdepth 1 ! -name secret -printf '%f ')"
        elif [ "$ESC_MODE" = rw ]; then
                VERDICT=reached
                DETAIL="handed to runc unjudged (exit $RC)"
        elif [ "$RC" = 0 ]; then
                VERDICT="ran"
                DETAIL="runc accepted it"
        else
                VERDICT="error:rc=$RC"
                DETAIL=$(tail -n 2 "$ERR" | head -c 300)
        fi
        esc_host_reset
}

# --- Docker ----------------------------------------------------------------------------------

ESC_DOCKER_STARTED=false

# esc_docker_start: the own dockerd of engines.sh with runwarden and a service tier runtime
# (runwarden-svc, a symlink: the tier comes from the name), the busybox image, the policy.
esc_docker_start()
{
        [ "$ESC_DOCKER_STARTED" = false ] || return 0
        ESC_DOCKER_STARTED=true
        mkdir -p "$RW_ENG_DIR/bin"
        ln -sf "$RW_ENG_RUNTIME" "$RW_ENG_DIR/bin/runwarden-svc"
        ln -sf "$RW_ENG_RUNTIME" "$RW_ENG_DIR/bin/runwarden-volmounts"
        local pol=$RW_ENG_DIR/escape-policy.json
        jq --arg audit "$RW_ENG_AUDIT" --arg data "$RW_ENG_DATA_ROOT" \
                --arg croot "$RW_ENG_DIR/containerd/root" --arg cstate "$RW_ENG_DIR/containerd/state" '
                .audit_log.path = $audit
                | .tiers.svc = {extends: "service", require: {}}
                | .tiers.volmounts = {extends: "untrusted", volumes: {mounts: ["ext4", "tmpfs", "xfs"]}}
                | .strictness = ["volmounts"] + .strictness + ["svc"]
                | if $mode == "engines"
                  then .engines = {docker: {data_root: $data}, containerd: {root: $croot, state: $cstate}}
                  else .tiers |= map_values(.bind_prefixes = ((.bind_prefixes // [])
                          + [{path: "\($data)/volumes", read_only: false},
                             {path: "\($data)/containers", read_only: false}]))
                  end' --arg mode "$ESC_POLICY_MODE" \
                "$RW_SOURCE_ROOT/deploy/policy/policy.json" >"$pol"
        rw_eng_policy "$pol"
        rw_eng_start_dockerd --runtime "runwarden-svc=$RW_ENG_DIR/bin/runwarden-svc" \
                --runtime "runwarden-volmounts=$RW_ENG_DIR/bin/runwarden-volmounts"
        rw_eng_busybox_image esc-busybox:test
        # The image carries the suite's rootfs additions only through the probe; the service
        # writes its own secrets at start.
}

# esc_docker_svc: this mode's service container: the svc tier through runwarden (plain: the
# default runtime), a named volume with a secret, the secret in its environment, in its IPC
# namespace's /dev/shm and on a loopback web server. Sets SVC.
esc_docker_svc()
{
        SVC=esc-svc-${ESC_MODE:0:1}
        [ -z "${ESC_RUNNING[docker:$SVC]:-}" ] || return 0
        local rt=()
        [ "$ESC_MODE" = plain ] || rt=(--runtime runwarden-svc)
        RC=0
        docker run -d --name "$SVC" --network none --ipc shareable "${rt[@]}" \
                -e "SVC_TOKEN=$ESC_TOKEN" -v "svcdata-${ESC_MODE:0:1}:/data" esc-busybox:test \
                sh -c 'echo "$SVC_TOKEN" >/data/secret; echo "$SVC_TOKEN" >/dev/shm/t;
                       httpd -p 127.0.0.1:7777 -h /data; exec sleep 3600' \
                >"$ESC/logs/$SVC.out" 2>"$ESC/logs/$SVC.err" || RC=$?
        if [ "$RC" != 0 ]; then
                rw_show stderr "$ESC/logs/$SVC.err"
                rw_fatal "the service container ($ESC_MODE) did not start"
        fi
        # It is up once its secret is written.
        local i
        for i in $(seq 50); do
                docker exec "$SVC" test -s /dev/shm/t >/dev/null 2>&1 && break
                # An exec into the svc tier is refused through runwarden: wait on the volume.
                [ -s "$RW_ENG_DATA_ROOT/volumes/svcdata-${ESC_MODE:0:1}/_data/secret" ] && break
                sleep 0.1
        done
        ESC_RUNNING[docker:$SVC]=1
}

# esc_docker [--prep SHELL] [--reach ERE] [--host-check SHELL] [--no-net] -- DOCKER-RUN-ARG... -- SNIPPET
# A `docker run` of the busybox image: plain with dockerd's default runtime (runc), rw with
# --runtime runwarden. SVC in the arguments names this mode's service container, MODE the mode
# letter. --prep runs first (host side, may create volumes).
esc_docker()
{
        local prep='' reach='' hostcheck='' net=(--network none) runtime=runwarden
        while [ $# -gt 0 ] && [ "$1" != -- ]; do
                case $1 in
                --prep) prep=$2 ;;
                --runtime) runtime=$2 ;;
                --reach) reach=$2 ;;
                --host-check) hostcheck=$2 ;;
                --own-net)
                        net=()
                        shift
                        continue
                        ;;
                *) rw_fatal "esc_docker: unknown option $1" ;;
                esac
                shift 2
        done
        shift
        local args=() a m=${ESC_MODE:0:1}
        while [ $# -gt 0 ] && [ "$1" != -- ]; do
                a=${1//SVC/esc-svc-$m}
                args+=("${a//MODE/$m}")
                shift
        done
        shift
        local snippet=$1
        esc_docker_start
        [[ ! "${args[*]}" =~ esc-svc-|svcdata- ]] || esc_docker_svc
        [ -z "$prep" ] || eval "$prep" || rw_fatal "$ESC_ID: --prep failed"
        local rt=()
        [ "$ESC_MODE" = plain ] || rt=(--runtime "$runtime")
        local snap
        snap=$(esc_host_snapshot)
        OUT=$ESC/logs/$ESC_CID.out ERR=$ESC/logs/$ESC_CID.err
        RC=0
        timeout -k 5 90 docker run --rm --name "$ESC_CID" "${net[@]}" "${rt[@]}" "${args[@]}" \
                esc-busybox:test sh -c "$(esc_snippet "$snippet")" </dev/null >"$OUT" 2>"$ERR" ||
                RC=$?
        VERDICT='' DETAIL=''
        local hc=''
        [ -z "$hostcheck" ] || hc=$(eval "$hostcheck" 2>&1 || true)
        if [ "$RC" != 0 ] && grep -q 'requires API version' "$ERR"; then
                # The client cannot send it to this dockerd at all (Docker 24+ API features).
                VERDICT=impossible
                DETAIL=$(grep -m1 'requires API version' "$ERR" | head -c 200)
        elif [ "$RC" != 0 ] && [[ $(cat "$ERR") =~ runwarden:\ refused\ by\ rule\ ([a-z0-9.-]+): ]]; then
                VERDICT="refused:${BASH_REMATCH[1]}"
                DETAIL=$(grep -o 'runwarden: refused.*' "$ERR" | head -n 1 | head -c 300)
        elif grep -Fq -- "$ESC_TOKEN" "$OUT"; then
                VERDICT=reached
                DETAIL="the canary token came back"
        elif grep -Eq -- "${reach:-ESC-REACHED}" "$OUT"; then
                VERDICT=reached
                DETAIL=$(grep -E -m1 -- "${reach:-ESC-REACHED}" "$OUT" | head -c 200)
        elif [ "$(esc_host_snapshot)" != "$snap" ]; then
                VERDICT=reached
                DETAIL="the host canary directory changed"
        elif [[ $hc == reached* ]]; then
                VERDICT=reached
                DETAIL=${hc#reached }
        elif grep -q '^ESC-DONE$' "$OUT"; then
                if grep -q '^ESC-OK' "$OUT"; then VERDICT=ran; else VERDICT=contained; fi
                DETAIL=$(grep -E -m3 -- '^ESC-(BLOCKED|OK)' "$OUT" | tr '\n' ' ' | head -c 200)
        else
                VERDICT="error:rc=$RC"
                DETAIL=$(grep -v '^$' "$ERR" | tail -n 2 | head -c 400)
        fi
        esc_host_reset
}

# esc_docker_job1 VOLUME: a first job of this mode writes "job1" into a fresh VOLUME (a cache
# the next job reads). Its failure shows in the next job's verdict.
esc_docker_job1()
{
        local rt=()
        [ "$ESC_MODE" = plain ] || rt=(--runtime runwarden)
        docker volume rm -f "$1" >/dev/null 2>&1
        docker run --rm --network none "${rt[@]}" -v "$1:/cache" esc-busybox:test \
                sh -c 'echo job1 >/cache/f' >"$ESC/logs/$ESC_CID.job1" 2>&1 || true
        return 0
}

# esc_loop: a scratch ext4 image holding the token on a loop device; sets ESC_LOOP.
esc_loop()
{
        [ -z "${ESC_LOOP:-}" ] || return 0
        mkdir -p "$ESC/loopfs"
        printf '%s\n' "$ESC_TOKEN" >"$ESC/loopfs/secret"
        truncate -s 16M "$ESC/loop.img"
        mke2fs -q -F -t ext4 -d "$ESC/loopfs" "$ESC/loop.img" >/dev/null ||
                rw_fatal "mke2fs of the scratch image failed"
        ESC_LOOP=$(losetup -f --show "$ESC/loop.img") || rw_fatal "losetup failed"
        ESC_LOOPS+=("$ESC_LOOP")
}

# esc_lxcfs: an lxcfs of the suite's own on ESC_LXCFS (the host's, if any, is left alone).
esc_lxcfs()
{
        ESC_LXCFS=$ESC/lxcfs
        if [ -n "${ESC_LXCFS_PID:-}" ] && kill -0 "$ESC_LXCFS_PID" 2>/dev/null; then
                return 0
        fi
        rw_need_cmd lxcfs
        mkdir -p "$ESC_LXCFS"
        setsid lxcfs -f -p "$ESC/lxcfs.pid" "$ESC_LXCFS" </dev/null >"$ESC/lxcfs.log" 2>&1 &
        ESC_LXCFS_PID=$!
        disown "$ESC_LXCFS_PID"
        ESC_PIDS+=("$ESC_LXCFS_PID")
        local _
        for _ in $(seq 50); do
                grep -q " $ESC_LXCFS .* fuse.lxcfs " /proc/self/mountinfo && return 0
                sleep 0.1
        done
        rw_fatal "lxcfs did not mount $ESC_LXCFS: $(cat "$ESC/lxcfs.log")"
}

# esc_host_process: a host process whose command line is the token (host pid namespace attacks).
esc_host_process()
{
        if [ -n "${ESC_HOSTPROC:-}" ]; then
                kill -0 "$ESC_HOSTPROC" 2>/dev/null && return 0
                echo "# the host canary process $ESC_HOSTPROC is gone; starting another"
        fi
        setsid bash -c "exec -a $ESC_TOKEN sleep 3600" </dev/null >/dev/null 2>&1 &
        ESC_HOSTPROC=$!
        disown "$ESC_HOSTPROC"
        ESC_PIDS+=("$ESC_HOSTPROC")
}

# esc_host_shell: a long-running host shell that is not dockerd; its pid in ESC_HOSTSHELL.
esc_host_shell()
{
        if [ -n "${ESC_HOSTSHELL:-}" ]; then
                kill -0 "$ESC_HOSTSHELL" 2>/dev/null && return 0
                echo "# the host shell $ESC_HOSTSHELL is gone; starting another"
        fi
        setsid bash -c 'while :; do sleep 3600; done' </dev/null >/dev/null 2>&1 &
        ESC_HOSTSHELL=$!
        disown "$ESC_HOSTSHELL"
        export ESC_HOSTSHELL
        ESC_PIDS+=("$ESC_HOSTSHELL")
}

# esc_host_server: a web server on the host's loopback serving the canary dir (host network
# namespace attacks) on ESC_PORT.
esc_host_server()
{
        if [ -n "${ESC_HTTPD:-}" ]; then
                kill -0 "$ESC_HTTPD" 2>/dev/null && return 0
                echo "# the host web server $ESC_HTTPD is gone; starting another"
        fi
        "$RW_BUSYBOX" httpd -f -p "127.0.0.1:$ESC_PORT" -h "$ESC_HOST" </dev/null >/dev/null 2>&1 &
        ESC_HTTPD=$!
        disown "$ESC_HTTPD"
        ESC_PIDS+=("$ESC_HTTPD")
        sleep 0.2
}

# --- Cleanup ---------------------------------------------------------------------------------

esc_cleanup()
{
        local entry mode id pid dev root
        # ESC_KEEP=DIR keeps the logs of every call (outputs, engine logs) for a post-mortem.
        if [ -n "${ESC_KEEP:-}" ] && [ -d "${ESC:-}/logs" ]; then
                mkdir -p "$ESC_KEEP" && cp -r "$ESC/logs/." "$ESC_KEEP/"
        fi
        # Helpers started with setsid lead their own process group: kill the group.
        for pid in "${ESC_PIDS[@]}"; do
                kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null
        done
        for entry in "${ESC_CONTAINERS[@]}"; do
                ESC_MODE=${entry%% *}
                esc_delete "${entry#* }"
        done
        # Containers a hook or an attack started under another state root.
        for root in "$ESC"/state-*; do
                [ -d "$root" ] || continue
                for id in $("$RW_RUNC" --root "$root" list -q 2>/dev/null); do
                        "$RW_RUNC" --root "$root" delete --force "$id" >/dev/null 2>&1
                done
        done
        if [ "$ESC_DOCKER_STARTED" = true ]; then
                local c
                for c in $(docker ps -aq 2>/dev/null); do docker rm -f "$c" >/dev/null 2>&1; done
                for c in $(docker volume ls -q 2>/dev/null); do docker volume rm -f "$c" >/dev/null 2>&1; done
        fi
        # Mounts a runc or dockerd left below the scratch directory (volume _data binds).
        if [ -n "${ESC:-}" ]; then
                rw_eng_unmount_under "$ESC" 2>/dev/null
        fi
        for dev in "${ESC_LOOPS[@]}"; do
                losetup -d "$dev" 2>/dev/null
        done
        # The scratch cgroup parent in every hierarchy, deepest first, after its processes.
        if [ -n "${ESC_CG:-}" ]; then
                local dirs
                dirs=$(find /sys/fs/cgroup -maxdepth 3 -type d -name "$ESC_CG" 2>/dev/null)
                for entry in $dirs; do
                        find "$entry" -name cgroup.procs -exec cat {} + 2>/dev/null |
                                while read -r pid; do kill -KILL "$pid" 2>/dev/null; done
                done
                # runc may still be removing a container's cgroup: try for a few seconds.
                local left
                for _ in $(seq 30); do
                        left=false
                        for entry in $dirs; do
                                [ ! -d "$entry" ] || find "$entry" -depth -type d -exec rmdir {} + 2>/dev/null
                                [ ! -d "$entry" ] || left=true
                        done
                        [ "$left" = true ] || break
                        sleep 0.1
                done
                for entry in $dirs; do
                        [ ! -d "$entry" ] || echo "# could not remove the scratch cgroup $entry"
                done
        fi
        return 0
}
