#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# podman with runwarden: `podman --runtime NAME`, the runtimes and runtime_supports_json of
# deploy/podman/runwarden.conf (install path mapped to scratch), and the shipped policy
# deploy/policy/policy.json. podman keeps everything of its own under the test's scratch
# directory: CONTAINERS_CONF and CONTAINERS_STORAGE_CONF name files of the test, with their own
# graph root, run root, tmp dir, network config dir and event log; containers use --network none.
#
# Checked: containers are hardened and recorded; the tier follows the runtime's name, and the
# trusted tier's required annotation is honoured; a refusal reaches the podman user with
# runwarden's reason; podman exec is hardened too.
set -euo pipefail

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/engines.sh
. "$(dirname "$0")/engines.sh"

rw_need_cmd podman conmon
rw_init
py=/usr/bin/python3
$py -c 'import toml' 2>/dev/null || rw_fatal "Debian's python3 lacks toml (apt-get install python3-toml)"
rw_eng_init

d=$RW_ENG_DIR
src=$RW_SOURCE_ROOT
audit=$RW_ENG_AUDIT
pm=$d/podman
mkdir -p "$pm/root" "$pm/runroot" "$pm/tmp" "$pm/networks" "$d/bin"

podman_cleanup()
{
        timeout 60 podman rm -a -f -t 0 >/dev/null 2>&1
        timeout 60 podman system reset -f >/dev/null 2>&1
}
rw_eng_on_exit podman_cleanup

# --- The policy: the shipped one, plus podman's scratch storage as its engine directories -------
jq --arg audit "$audit" --arg root "$pm/root" --arg runroot "$pm/runroot" '
        .audit_log.path = $audit
        | .engines = {podman: {storage: [$root, $runroot]}}
        | .tiers.trusted.require = {annotations: {"runwarden.io/ephemeral": "true"}}' \
        "$src/deploy/policy/policy.json" >"$d/policy.json"
rw_eng_policy "$d/policy.json"

# --- containers.conf: the shipped drop-in, then what keeps podman in scratch --------------------
conf=$src/deploy/podman/runwarden.conf
sed "s#/usr/local/bin/#$d/bin/#g" "$conf" >"$d/runwarden.conf"
sed "s#$d/bin/#/usr/local/bin/#g" "$d/runwarden.conf" >"$d/runwarden.conf.back"
rw_expect_same "deploy/podman/runwarden.conf is used with only the install path changed" \
        "$conf" "$d/runwarden.conf.back"
while read -r name; do
        ln -s "$RW_ENG_RUNTIME" "$d/bin/$name"
done < <(sed -n 's#^runwarden[a-z0-9-]* = \["/usr/local/bin/\(runwarden[a-z0-9-]*\)"\]$#\1#p' "$conf")

# containers.conf.d files are merged table by table; CONTAINERS_CONF replaces every file, so the
# test merges the drop-in into its own file the same way. podman raises the nofile and nproc
# limits of containers beyond what root may have without CAP_SYS_RESOURCE (a VM's root may lack
# it): the test's containers get limits below those instead.
$py - "$d/runwarden.conf" "$d/containers.conf" "$pm" <<'EOF'
import sys, toml
dropin, out, pm = sys.argv[1:]
conf = {
    "containers": {"netns": "none", "default_ulimits": ["nofile=4096:4096", "nproc=4096:4096"]},
    "engine": {"cgroup_manager": "cgroupfs", "events_logger": "file",
               "events_logfile_path": pm + "/events.log", "tmp_dir": pm + "/tmp"},
    "network": {"network_config_dir": pm + "/networks"},
}
for table, values in toml.load(dropin).items():
    conf.setdefault(table, {}).update(values)
with open(out, "w") as f:
    toml.dump(conf, f)
EOF
printf '[storage]\ndriver = "overlay"\ngraphroot = "%s"\nrunroot = "%s"\n' "$pm/root" "$pm/runroot" \
        >"$d/storage.conf"
export CONTAINERS_CONF=$d/containers.conf CONTAINERS_STORAGE_CONF=$d/storage.conf
unset CONTAINERS_REGISTRIES_CONF CONTAINER_HOST CONTAINER_CONNECTION

rw_make_rootfs "$d/busybox-rootfs"
tar --numeric-owner -C "$d/busybox-rootfs" -c . | podman import - localhost/rw-busybox:test >/dev/null ||
        rw_fatal "podman import of the busybox rootfs failed"
image=localhost/rw-busybox:test

# decision ID COMMAND: the first decision log record of COMMAND for container ID.
decision()
{
        jq -c --arg id "$1" --arg cmd "$2" 'select(.container_id == $id and .command == $cmd)' \
                "$audit" 2>/dev/null | head -n 1
}

echo "# podman --runtime runwarden run"
rw_capture run podman --runtime runwarden run --name rw-podman-a --network none "$image" /probe all
rw_expect_rc "podman run through runwarden exits 0" 0
rw_expect_line "CapEff is empty" "$OUT" "CapEff: 0000000000000000"
rw_expect_line "no_new_privs" "$OUT" "NoNewPrivs: 1"
rw_expect_line "seccomp filter" "$OUT" "Seccomp: 2"
rw_expect_line "/ is read-only" "$OUT" "write /: EROFS"
rw_expect_line "/tmp is writable" "$OUT" "write /tmp: ok"
id=$(podman inspect -f '{{.Id}}' rw-podman-a)
rec=$(decision "$id" create)
rw_expect_eq "the decision log: rewritten, tier untrusted (the policy's default)" \
        "rewritten untrusted" "$(jq -r '"\(.outcome) \(.tier)"' <<<"${rec:-null}")"
podman rm -f rw-podman-a >/dev/null

echo "# podman --runtime runwarden run -v /etc:/host-etc"
rw_capture refused podman --runtime runwarden run --rm --network none -v /etc:/host-etc "$image" true
if [ "$RW_RC" != 0 ] && grep -Fq "runwarden: refused by rule host-mount: bind mount of host path /etc at /host-etc" "$ERR"; then
        rw_pass "podman prints runwarden's reason"
        echo "    podman: $(head -c 200 "$ERR")"
else
        rw_fail "podman prints runwarden's reason (exit $RW_RC)"
        rw_show stderr "$ERR"
fi

echo "# the tier by runtime name: runwarden-trusted"
rw_capture trusted podman --runtime runwarden-trusted run --rm --network none \
        --annotation runwarden.io/ephemeral=true "$image" /probe caps
rw_expect_rc "podman run on runwarden-trusted with the runner's annotation" 0
rw_expect_line "the trusted tier keeps CAP_NET_BIND_SERVICE only" "$OUT" "CapEff: 0000000000000400"
rw_capture trusted-unlabelled podman --runtime runwarden-trusted run --rm --network none "$image" true
if [ "$RW_RC" != 0 ] && grep -Fq "runwarden: refused by rule required-label:" "$ERR" &&
        grep -Fq "runwarden.io/ephemeral" "$ERR"; then
        rw_pass "without the annotation podman prints the required-label refusal"
else
        rw_fail "without the annotation podman prints the required-label refusal (exit $RW_RC)"
        rw_show stderr "$ERR"
fi

echo "# podman run --privileged, then podman exec"
rw_capture priv podman --runtime runwarden run -d --name rw-podman-b --network none --privileged \
        "$image" sleep 600
rw_expect_rc "podman run -d --privileged through runwarden" 0
rw_capture exec podman exec rw-podman-b /probe caps
rw_expect_rc "podman exec" 0
rw_expect_line "the privileged container's exec has no capabilities" "$OUT" "CapEff: 0000000000000000"
rw_expect_line "the exec has no_new_privs" "$OUT" "NoNewPrivs: 1"
id=$(podman inspect -f '{{.Id}}' rw-podman-b)
if [ -n "$(decision "$id" exec)" ]; then
        rw_pass "the decision log has the exec"
else
        rw_fail "the decision log has the exec"
fi
podman rm -f -t 0 rw-podman-b >/dev/null

rw_summary
