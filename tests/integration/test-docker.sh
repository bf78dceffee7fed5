#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# runwarden registered as a docker runtime: dockerd → containerd → containerd-shim-runc-v2 →
# runwarden → runc, with the command lines a real engine sends; and the same image through ctr.
#
# The test runs its own containerd and dockerd beside whatever the host runs (engines.sh): own
# sockets, data-root, exec-root, pidfile and containerd namespaces. It never stops, restarts or
# reconfigures a host daemon, and checks at the end that the host's are still the ones it found.
set -euo pipefail

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/engines.sh
. "$(dirname "$0")/engines.sh"

rw_need_cmd pgrep

rw_init
rw_eng_init

image=rw-busybox:integ

# The host's daemons, if any: pids that must still be there, unchanged, when the test ends.
host_daemons=$(pgrep -x 'dockerd|containerd' | sort | tr '\n' ' ' || true)
echo "# host daemons running before the test: ${host_daemons:-none}"

# shellcheck disable=SC2119  # no extra runtimes
rw_eng_start_dockerd

# --- The image: busybox and the probe ---------------------------------------------------------
rw_eng_busybox_image "$image"

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

# The engine socket bound in is this test's own dockerd's: the host may have none.
sock=$RW_ENG_DOCKER_SOCK

echo "# control: the default runtime with the engine socket mounted"
rw_capture control "${drun[@]}" -v "$sock:/var/run/docker.sock" "$image" /probe ls-sockets
rw_expect_rc "control run (runc) exits 0" 0
rw_expect_line "control: runc alone shows docker.sock" "$OUT" "socket: /var/run/docker.sock"

echo "# --privileged with the engine socket"
rw_capture priv "${drun[@]}" --runtime runwarden --privileged \
        -v "$sock:/var/run/docker.sock" "$image" \
        sh -c '/probe caps; /probe ls-sockets; /probe mount'
rw_expect_rc "privileged run through runwarden exits 0" 0
rw_expect_line "privileged: CapEff is empty" "$OUT" "CapEff: 0000000000000000"
rw_expect_line "privileged: docker.sock is absent" "$OUT" "ls-sockets: none"
rw_expect_line "privileged: mount is denied" "$OUT" "mount: EPERM"

echo "# refused: -v /:/host"
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
# The same container again: docker restart and docker start of a stopped one create the same id
# once more (containerd deleted runc's state first: runwarden must not take it for a running
# container of that id).
rw_capture restart docker restart -t 1 "$name"
rw_expect_rc "docker restart through runwarden exits 0" 0
rw_capture restart-state docker inspect -f '{{.State.Running}}' "$name"
rw_expect_eq "restarted container runs" "true" "$(cat "$OUT")"
rw_capture stop docker stop -t 1 "$name"
rw_expect_rc "docker stop exits 0" 0
rw_capture start-again docker start "$name"
rw_expect_rc "docker start of the stopped container through runwarden exits 0" 0
rw_capture start-caps docker exec "$name" /probe caps
rw_expect_line "started again: CapEff is empty" "$OUT" "CapEff: 0000000000000000"
rw_capture exec-rm docker rm -f "$name"
rw_expect_rc "docker rm -f exits 0" 0

echo "# containerd: ctr run --runc-binary runwarden"
ctr_image=docker.io/library/rw-busybox:integ
rw_eng_ctr_busybox_image "$ctr_image"
rw_capture ctr-run rw_eng_ctr_run --rm --runc-binary "$RW_ENG_RUNTIME" "$ctr_image" \
        "rw-integ-ctr-$$" sh -c '/probe caps; /probe write /'
rw_expect_rc "ctr run through runwarden exits 0" 0
rw_expect_line "ctr: CapEff is empty" "$OUT" "CapEff: 0000000000000000"
rw_expect_line "ctr: / is read-only" "$OUT" "write /: EROFS"

echo "# the decision log of the installed runwarden (its compiled-in policy path)"
rw_expect_eq "creates decided under the test policy's tier, refusals included" "refused rewritten" \
        "$(jq -rs '[.[] | select(.command == "create" and .tier == "default") | .outcome]
                | unique | join(" ")' "$RW_ENG_AUDIT" 2>&1)"

echo "# the host's daemons"
still=$(for pid in $host_daemons; do kill -0 "$pid" 2>/dev/null && echo "$pid"; done |
        sort | tr '\n' ' ')
rw_expect_eq "the host daemons found at the start still run" "${host_daemons:-none}" "${still:-none}"

rw_summary
