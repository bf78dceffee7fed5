# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash disable=SC2016  # jq filters name jq $variables in single quotes
#
# Helpers for the integration tests and tools/demo.sh: a busybox rootfs with the probe, OCI
# bundles made by `runc spec` and edited with jq, runwarden run the way an engine runs runc, and
# assertions that count passes and failures.
#
# Environment (set by tests/meson.build; tools/demo.sh sets them itself):
#   RW_SOURCE_ROOT  the source tree
#   RW_BUILD_ROOT   the build tree holding shim/runwarden and tests/integration/probe
# Optional overrides: RW_BIN (runwarden), RW_PROBE, RW_RUNC (the delegate runtime),
# RW_SECCOMP_DIR, RW_BUSYBOX, RW_EGRESS_HOOK (the egress hook runwarden injects: the build's,
# passed as --egress-hook since the installed path does not exist before meson install).

rw_passed=0
rw_failed=0
rw_containers=()
rw_created=()

# An environment that cannot run the tests is a failure, never a silent skip.
rw_fatal()
{
        echo "FATAL: $*" >&2
        exit 1
}

rw_need_cmd()
{
        local cmd
        for cmd in "$@"; do
                command -v "$cmd" >/dev/null 2>&1 ||
                        rw_fatal "'$cmd' is not installed (tools/test.sh installs the test dependencies)"
        done
}

# Resolve paths and check the prerequisites; creates RW_TMP (removed by rw_cleanup).
rw_init()
{
        [ "$(id -u)" = 0 ] || rw_fatal "the integration tests run containers and must run as root"
        [ -n "${RW_SOURCE_ROOT:-}" ] || rw_fatal "RW_SOURCE_ROOT is not set (run through meson test)"
        [ -n "${RW_BUILD_ROOT:-}" ] || rw_fatal "RW_BUILD_ROOT is not set (run through meson test)"
        rw_need_cmd jq sha256sum readelf

        RW_BIN=${RW_BIN:-$RW_BUILD_ROOT/shim/runwarden}
        RW_PROBE=${RW_PROBE:-$RW_BUILD_ROOT/tests/integration/probe}
        RW_SECCOMP_DIR=${RW_SECCOMP_DIR:-$RW_SOURCE_ROOT/seccomp-profiles}
        RW_EGRESS_HOOK=${RW_EGRESS_HOOK:-$RW_BUILD_ROOT/shim/runwarden-egress-hook}
        if [ -z "${RW_RUNC:-}" ]; then
                RW_RUNC=$(command -v runc 2>/dev/null) ||
                        rw_fatal "runc is not installed (apt-get install runc)"
        fi
        RW_RUNC=$(readlink -f "$RW_RUNC")
        if [ -z "${RW_BUSYBOX:-}" ]; then
                RW_BUSYBOX=$(command -v busybox 2>/dev/null) ||
                        rw_fatal "busybox is not installed (apt-get install busybox-static)"
        fi

        [ -x "$RW_BIN" ] || rw_fatal "runwarden binary not found at $RW_BIN (build first)"
        [ -x "$RW_PROBE" ] || rw_fatal "probe binary not found at $RW_PROBE (build first)"
        [ -x "$RW_EGRESS_HOOK" ] || rw_fatal "egress hook not found at $RW_EGRESS_HOOK (build first)"
        [ -x "$RW_RUNC" ] || rw_fatal "runc not executable at $RW_RUNC"
        [ -f "$RW_SECCOMP_DIR/ci-default.json" ] ||
                rw_fatal "no ci-default.json in seccomp dir $RW_SECCOMP_DIR"
        # The rootfs has no libraries: a dynamically linked busybox or probe cannot run there.
        local exe
        for exe in "$RW_BUSYBOX" "$RW_PROBE"; do
                if readelf -l "$exe" 2>/dev/null | grep -q 'Requesting program interpreter'; then
                        rw_fatal "$exe is dynamically linked; the test rootfs needs static binaries (busybox-static)"
                fi
        done

        RW_TMP=$(mktemp -d /tmp/rw-integ.XXXXXX)
        RW_STATE=$RW_TMP/state
        RW_LOG=$RW_TMP/runwarden.log
        mkdir -p "$RW_STATE"
}

# Force-delete the containers the test created, then remove the scratch directory. Through
# runwarden, so that what it keeps for a container goes too (its record, and the network
# namespace its egress hook pinned for the counters, which only runwarden's delete releases: a
# `run` that runc deletes by itself leaves them); runc directly when that fails.
rw_cleanup()
{
        local id
        for id in "${rw_created[@]}" "${rw_containers[@]}"; do
                "$RW_BIN" --root "$RW_STATE" --runtime "$RW_RUNC" --egress-hook "$RW_EGRESS_HOOK" \
                        delete --force "$id" </dev/null >/dev/null 2>&1 ||
                        "$RW_RUNC" --root "$RW_STATE" delete --force "$id" >/dev/null 2>&1 || true
        done
        if [ -n "${RW_TMP:-}" ] && [ -d "$RW_TMP" ]; then
                rm -rf "$RW_TMP"
        fi
}

rw_track()
{
        rw_containers+=("$1")
}

# rw_note_created ARG...: for a runwarden command line that creates a container (create, run),
# remember its id (the last argument) for rw_cleanup.
rw_note_created()
{
        local a cmd=''
        for a in "$@"; do
                case $a in
                create | run | restore) [ -n "$cmd" ] || cmd=$a ;;
                esac
        done
        [ -z "$cmd" ] || [ $# -eq 0 ] || rw_created+=("${!#}")
}

# rw_make_rootfs DIR: busybox with its applets as symlinks, root and a uid 1000 user, the probe.
rw_make_rootfs()
{
        local dir=$1 applet
        mkdir -p "$dir"/{bin,sbin,etc,proc,sys,dev,tmp,var/tmp,run,root,home/user,mnt}
        chmod 1777 "$dir/tmp" "$dir/var/tmp"
        chmod 700 "$dir/root"
        cp "$RW_BUSYBOX" "$dir/bin/busybox"
        for applet in $("$RW_BUSYBOX" --list); do
                [ "$applet" = busybox ] || ln -sf busybox "$dir/bin/$applet"
        done
        cat >"$dir/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
user:x:1000:1000:user:/home/user:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
        cat >"$dir/etc/group" <<'EOF'
root:x:0:
user:x:1000:
nogroup:x:65534:
EOF
        chown 1000:1000 "$dir/home/user"
        cp "$RW_PROBE" "$dir/probe"
}

# rw_make_bundle DIR ARG...: a bundle from `runc spec` running ARG... without a terminal. The
# rootfs is made writable so that the read-only root seen inside is runwarden's doing.
rw_make_bundle()
{
        local dir=$1
        shift
        mkdir -p "$dir"
        if [ -z "${rw_rootfs_template:-}" ]; then
                rw_rootfs_template=$RW_TMP/rootfs-template
                rw_make_rootfs "$rw_rootfs_template"
        fi
        cp -a "$rw_rootfs_template" "$dir/rootfs"
        (cd "$dir" && "$RW_RUNC" spec) || rw_fatal "runc spec failed in $dir"
        # One --arg at a time: with --args, jq would take an argument such as "-c" for its own.
        local args='[]' arg
        for arg in "$@"; do
                args=$(jq -c --arg a "$arg" '. + [$a]' <<<"$args")
        done
        rw_spec "$dir" '.process.terminal = false | .root.readonly = false
                | .process.args = $args
                | .process.env = ["PATH=/bin:/sbin", "HOME=/root", "TERM=dumb"]' --argjson args "$args"
}

# rw_spec BUNDLE FILTER [JQ ARGS...]: edit BUNDLE/config.json in place with jq.
rw_spec()
{
        local dir=$1 filter=$2
        shift 2
        jq "$filter" "$@" <"$dir/config.json" >"$dir/config.json.new" ||
                rw_fatal "jq edit of $dir/config.json failed: $filter"
        mv "$dir/config.json.new" "$dir/config.json"
}

# rw_add_bind BUNDLE SOURCE DESTINATION [OPTIONS_JSON]
rw_add_bind()
{
        rw_spec "$1" '.mounts += [{destination: $dst, type: "bind", source: $src,
                                   options: $opts}]' \
                --arg src "$2" --arg dst "$3" --argjson opts "${4:-[\"rbind\",\"rw\"]}"
}

rw_sha256()
{
        sha256sum "$1" | cut -d' ' -f1
}

# rw_use_log NAME: later runwarden calls log to a fresh file $RW_TMP/NAME.log.
rw_use_log()
{
        RW_LOG=$RW_TMP/$1.log
        rm -f "$RW_LOG"
}

# rw ARG...: runwarden with the global flags an engine passes, plus the delegate and the
# profiles of this source tree. Further global flags (--mode audit, --debug) may lead ARG...
rw()
{
        rw_note_created "$@"
        "$RW_BIN" --root "$RW_STATE" --log "$RW_LOG" --log-format json \
                --runtime "$RW_RUNC" --seccomp-dir "$RW_SECCOMP_DIR" --egress-hook "$RW_EGRESS_HOOK" "$@"
}

# rw_capture NAME CMD...: run CMD with stdin from /dev/null, stdout in $RW_TMP/NAME.out, stderr
# in $RW_TMP/NAME.err; its exit status in RW_RC. OUT and ERR name the two files.
rw_capture()
{
        local name=$1
        shift
        OUT=$RW_TMP/$name.out
        ERR=$RW_TMP/$name.err
        RW_RC=0
        "$@" </dev/null >"$OUT" 2>"$ERR" || RW_RC=$?
}

rw_pass()
{
        rw_passed=$((rw_passed + 1))
        echo "ok - $1"
}

rw_fail()
{
        rw_failed=$((rw_failed + 1))
        echo "FAIL - $1"
}

# Print a file indented, for failure context.
rw_show()
{
        local label=$1 file=$2
        echo "    --- $label ($file):"
        if [ -s "$file" ]; then
                sed 's/^/    | /' "$file"
        else
                echo "    | (empty)"
        fi
}

rw_expect_eq()
{
        local desc=$1 expected=$2 actual=$3
        if [ "$expected" = "$actual" ]; then
                rw_pass "$desc"
        else
                rw_fail "$desc"
                echo "    expected: $expected"
                echo "    actual:   $actual"
        fi
}

# rw_expect_rc DESC EXPECTED: compares with RW_RC from the last rw_capture and shows its output.
rw_expect_rc()
{
        local desc=$1 expected=$2
        if [ "$RW_RC" = "$expected" ]; then
                rw_pass "$desc"
        else
                rw_fail "$desc"
                echo "    expected exit status $expected, got $RW_RC"
                rw_show stdout "$OUT"
                rw_show stderr "$ERR"
                if [ -f "$RW_LOG" ]; then rw_show log "$RW_LOG"; fi
        fi
}

# rw_expect_line DESC FILE LINE: FILE has LINE exactly (a probe "name: result" line).
rw_expect_line()
{
        local desc=$1 file=$2 line=$3
        if grep -Fxq -- "$line" "$file"; then
                rw_pass "$desc"
        else
                rw_fail "$desc"
                local key=${line%%:*}
                echo "    expected line: $line"
                if grep -q -- "^$key:" "$file" 2>/dev/null; then
                        echo "    actual line:   $(grep -- "^$key:" "$file" | head -n 1)"
                else
                        rw_show "no '$key:' line in" "$file"
                fi
        fi
}

# rw_expect_grep DESC FILE ERE / rw_expect_no_grep DESC FILE ERE
rw_expect_grep()
{
        local desc=$1 file=$2 re=$3
        if grep -Eq -- "$re" "$file"; then
                rw_pass "$desc"
        else
                rw_fail "$desc"
                echo "    expected a line matching: $re"
                rw_show "content" "$file"
        fi
}

rw_expect_no_grep()
{
        local desc=$1 file=$2 re=$3
        if ! grep -Eq -- "$re" "$file"; then
                rw_pass "$desc"
        else
                rw_fail "$desc"
                echo "    expected no line matching: $re"
                rw_show "content" "$file"
        fi
}

# rw_expect_same DESC FILE_EXPECTED FILE_ACTUAL: byte-for-byte.
rw_expect_same()
{
        local desc=$1 expected=$2 actual=$3
        if cmp -s "$expected" "$actual"; then
                rw_pass "$desc"
        else
                rw_fail "$desc"
                diff -u "$expected" "$actual" | sed 's/^/    /' | head -n 40
        fi
}

# rw_expect_refusal DESC RULE BUNDLE ID SHA256_BEFORE: after a runwarden create/run that must
# have been refused: exit 1, runc never ran, config.json untouched, one JSON error line naming
# the rule in the log and the reason on stderr. An empty RULE stands for an error that is not a
# policy decision (an unreadable spec): the message then only has to come from runwarden.
rw_expect_refusal()
{
        local desc=$1 rule=$2 bundle=$3 id=$4 before=$5 prefix what
        if [ -n "$rule" ]; then
                prefix="runwarden: refused by rule $rule:"
                what="names rule $rule"
        else
                prefix="runwarden: "
                what="comes from runwarden"
        fi
        rw_expect_rc "$desc: exit status 1" 1
        if [ -e "$RW_STATE/$id" ]; then
                rw_fail "$desc: runc never ran"
                echo "    container state exists: $RW_STATE/$id"
        else
                rw_pass "$desc: runc never ran (no state in --root)"
        fi
        rw_expect_eq "$desc: config.json unchanged" "$before" "$(rw_sha256 "$bundle/config.json")"
        local lines
        lines=$(wc -l <"$RW_LOG" 2>/dev/null || echo 0)
        rw_expect_eq "$desc: log has exactly one line" 1 "$lines"
        if jq -e --arg prefix "$prefix" 'select(.level == "error"
                        and (.msg | startswith($prefix)) and (.time | type == "string"))' \
                "$RW_LOG" >/dev/null 2>&1; then
                rw_pass "$desc: log line is JSON, level error, $what"
        else
                rw_fail "$desc: log line is JSON, level error, $what"
                rw_show log "$RW_LOG"
        fi
        if grep -Fq -- "$prefix" "$ERR"; then
                rw_pass "$desc: stderr $what"
        else
                rw_fail "$desc: stderr $what"
                rw_show stderr "$ERR"
        fi
}

# rw_summary: the closing count; non-zero exit when anything failed or nothing ran.
rw_summary()
{
        echo
        echo "$rw_passed passed, $rw_failed failed"
        [ "$rw_failed" -eq 0 ] && [ "$rw_passed" -gt 0 ]
}
