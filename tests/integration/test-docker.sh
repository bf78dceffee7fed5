#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# runwarden registered as a docker runtime: dockerd → containerd → containerd-shim-runc-v2 →
# runwarden → runc, with the command lines a real engine sends.
#
# dockerd cannot pass arguments to a runtime, so runwarden must find its seccomp profiles at its
# compiled-in path: the test builds the tree once more with a prefix under its scratch directory
# and installs it there. dockerd uses its default data-root and socket, because runwarden allows
# the binds docker makes from /var/lib/docker. The test starts containerd (unless one already
# answers) and dockerd itself, and stops exactly those; it refuses to run beside a dockerd it did
# not start, since that one lacks the runtime.
set -euo pipefail

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

rw_need_cmd dockerd containerd docker meson ninja ctr pgrep flock

rw_init

image=rw-busybox:integ
containerd_sock=/run/containerd/containerd.sock
containerd_pid=
dockerd_pid=
containers=()

stop_daemon()
{
        local pid=$1 name=$2
        [ -n "$pid" ] || return 0
        kill -TERM "$pid" 2>/dev/null || return 0
        for _ in $(seq 150); do
                kill -0 "$pid" 2>/dev/null || break
                sleep 0.2
        done
        if kill -0 "$pid" 2>/dev/null; then
                echo "# $name ($pid) did not stop in 30 s; killing it"
                kill -KILL "$pid" 2>/dev/null || true
        fi
        wait "$pid" 2>/dev/null || true
}

cleanup()
{
        local c
        if [ -n "$dockerd_pid" ]; then
                for c in "${containers[@]}"; do
                        docker rm -f "$c" >/dev/null 2>&1 || true
                done
                docker rmi -f "$image" >/dev/null 2>&1 || true
        fi
        stop_daemon "$dockerd_pid" dockerd
        stop_daemon "$containerd_pid" containerd
        rw_cleanup
}
trap cleanup EXIT
trap 'exit 143' TERM INT

# Another build directory's test run may be here too: one docker test at a time on the host. The
# lock is held until the shell exits, after the EXIT trap has stopped the daemons.
exec 9>/run/runwarden-test-docker.lock
flock -w 300 9 || rw_fatal "another runwarden docker test held the lock for 5 minutes"

fail_daemon()
{
        local name=$1 log=$2
        echo "FATAL: $name did not become ready; the end of its log:" >&2
        tail -n 40 "$log" >&2 || true
        exit 1
}

# The client may be Docker 28 (ahead on PATH) or Debian's 20.10; both negotiate the API version.
# Neither may be pointed elsewhere by the caller's environment or configuration.
export DOCKER_HOST=unix:///var/run/docker.sock
export DOCKER_CONFIG=$RW_TMP/docker-config
unset DOCKER_CONTEXT DOCKER_TLS_VERIFY DOCKER_CERT_PATH
mkdir -p "$DOCKER_CONFIG"

if pgrep -x dockerd >/dev/null; then
        rw_fatal "a dockerd is already running (pid $(pgrep -x dockerd | tr '\n' ' ')); this test \
must start its own with --add-runtime runwarden=...: stop it first (e.g. systemctl stop docker)"
fi
if [ -S /var/run/docker.sock ] && docker version >/dev/null 2>&1; then
        rw_fatal "something answers on /var/run/docker.sock; stop it first"
fi

# --- An installed runwarden, its profiles at the compiled-in path ----------------------------
echo "# building runwarden into a scratch prefix"
prefix=$RW_TMP/prefix
if ! meson setup "$RW_TMP/build" "$RW_SOURCE_ROOT" --prefix "$prefix" \
        -Dintegration_tests=false >"$RW_TMP/build.log" 2>&1 ||
        ! meson compile -C "$RW_TMP/build" >>"$RW_TMP/build.log" 2>&1 ||
        ! meson install -C "$RW_TMP/build" --no-rebuild >>"$RW_TMP/build.log" 2>&1; then
        tail -n 40 "$RW_TMP/build.log" >&2
        rw_fatal "building or installing runwarden into $prefix failed"
fi
runtime=$prefix/bin/runwarden
[ -x "$runtime" ] || rw_fatal "meson install put no runwarden at $runtime"
[ -f "$prefix/share/runwarden/seccomp/ci-default.json" ] ||
        rw_fatal "meson install put no profile at $prefix/share/runwarden/seccomp/ci-default.json"

# --- containerd and dockerd ------------------------------------------------------------------
if [ -S "$containerd_sock" ] && ctr --address "$containerd_sock" version >/dev/null 2>&1; then
        echo "# reusing the running containerd"
else
        echo "# starting containerd"
        containerd >"$RW_TMP/containerd.log" 2>&1 &
        containerd_pid=$!
        for _ in $(seq 150); do
                ctr --address "$containerd_sock" version >/dev/null 2>&1 && break
                kill -0 "$containerd_pid" 2>/dev/null || fail_daemon containerd "$RW_TMP/containerd.log"
                sleep 0.2
        done
        ctr --address "$containerd_sock" version >/dev/null 2>&1 ||
                fail_daemon containerd "$RW_TMP/containerd.log"
fi

echo "# starting dockerd with --add-runtime runwarden=$runtime"
dockerd --containerd="$containerd_sock" --iptables=false --bridge=none \
        --add-runtime "runwarden=$runtime" >"$RW_TMP/dockerd.log" 2>&1 &
dockerd_pid=$!
for _ in $(seq 300); do
        docker version >/dev/null 2>&1 && break
        kill -0 "$dockerd_pid" 2>/dev/null || fail_daemon dockerd "$RW_TMP/dockerd.log"
        sleep 0.2
done
docker version >/dev/null 2>&1 || fail_daemon dockerd "$RW_TMP/dockerd.log"
echo "# docker client $(docker version --format '{{.Client.Version}}'), server $(docker version --format '{{.Server.Version}}')"
docker info --format '{{json .Runtimes}}' | grep -q '"runwarden"' ||
        fail_daemon "dockerd (runtime runwarden not registered)" "$RW_TMP/dockerd.log"

# --- The image: busybox and the probe ---------------------------------------------------------
rw_make_rootfs "$RW_TMP/rootfs"
tar -C "$RW_TMP/rootfs" -c . | docker import - "$image" >/dev/null ||
        rw_fatal "docker import of the test rootfs failed"

# dockerd runs without a bridge: every container uses --network none.
drun=(docker run --rm --network none)

echo "# docker run --runtime runwarden: probe all"
rw_capture all "${drun[@]}" --runtime runwarden "$image" /probe all
rw_expect_rc "docker run through runwarden exits 0" 0
rw_expect_line "CapEff is empty" "$OUT" "CapEff: 0000000000000000"
rw_expect_line "CapBnd is empty" "$OUT" "CapBnd: 0000000000000000"
rw_expect_line "no_new_privs is set" "$OUT" "NoNewPrivs: 1"
rw_expect_line "a seccomp filter is installed" "$OUT" "Seccomp: 2"
rw_expect_line "/ is read-only" "$OUT" "write /: EROFS"
rw_expect_line "/tmp is writable" "$OUT" "write /tmp: ok"
rw_expect_line "HOME (/root) is writable" "$OUT" "write /root: ok"
rw_expect_line "mount is denied" "$OUT" "mount: EPERM"
rw_expect_line "clone3 gives ENOSYS" "$OUT" "clone3: ENOSYS"
rw_expect_line "fork works" "$OUT" "fork: ok"
rw_expect_line "no socket visible" "$OUT" "ls-sockets: none"

echo "# control: the default runtime with the engine socket mounted"
rw_capture control "${drun[@]}" -v /var/run/docker.sock:/var/run/docker.sock "$image" \
        /probe ls-sockets
rw_expect_rc "control run (runc) exits 0" 0
rw_expect_line "control: runc alone shows docker.sock" "$OUT" "socket: /var/run/docker.sock"

echo "# --privileged with the engine socket"
rw_capture priv "${drun[@]}" --runtime runwarden --privileged \
        -v /var/run/docker.sock:/var/run/docker.sock "$image" \
        sh -c '/probe caps; /probe ls-sockets; /probe mount'
rw_expect_rc "privileged run through runwarden exits 0" 0
rw_expect_line "privileged: CapEff is empty" "$OUT" "CapEff: 0000000000000000"
rw_expect_line "privileged: docker.sock is absent" "$OUT" "ls-sockets: none"
rw_expect_line "privileged: mount is denied" "$OUT" "mount: EPERM"

echo "# refused: -v /:/host"
containers+=(rw-integ-hostroot-$$)
rw_capture hostroot "${drun[@]}" --name "rw-integ-hostroot-$$" --runtime runwarden -v /:/host \
        "$image" true
if [ "$RW_RC" != 0 ]; then
        rw_pass "-v /:/host fails"
else
        rw_fail "-v /:/host fails"
fi
rw_expect_grep "docker names the host-mount rule" "$ERR" 'runwarden: refused by rule host-mount'
echo "# docker said: $(grep -m1 runwarden "$ERR" || true)"

echo "# refused: --pid host"
rw_capture hostpid "${drun[@]}" --runtime runwarden --pid host "$image" true
if [ "$RW_RC" != 0 ]; then
        rw_pass "--pid host fails"
else
        rw_fail "--pid host fails"
fi
rw_expect_grep "docker names the host-namespace rule" "$ERR" \
        'runwarden: refused by rule host-namespace'
echo "# docker said: $(grep -m1 runwarden "$ERR" || true)"

echo "# docker exec --privileged"
name=rw-integ-exec-$$
containers+=("$name")
rw_capture exec-run docker run -d --network none --runtime runwarden --name "$name" "$image" \
        sleep 300
rw_expect_rc "detached container starts" 0
rw_capture exec-priv docker exec --privileged "$name" /probe caps
rw_expect_rc "docker exec --privileged exits 0" 0
rw_expect_line "exec --privileged: CapEff is empty" "$OUT" "CapEff: 0000000000000000"
rw_expect_line "exec --privileged: no_new_privs is set" "$OUT" "NoNewPrivs: 1"
rw_capture exec-user docker exec -u 1000 -w /tmp "$name" sh -c 'id -u; /probe write /tmp'
rw_expect_rc "docker exec -u 1000 exits 0" 0
rw_expect_eq "exec -u 1000 output" "1000 write /tmp: ok" "$(tr '\n' ' ' <"$OUT" | sed 's/ $//')"
rw_capture exec-rm docker rm -f "$name"
rw_expect_rc "docker rm -f exits 0" 0

rw_summary
