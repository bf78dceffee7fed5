#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# shellcheck disable=SC2016  # jq filters name jq $variables in single quotes
#
# runwardenctl setup docker|containerd|podman on scratch configuration files (never the host's
# /etc): what is added, that every other key stays, backups, atomic writes, idempotence, refusals.
# Each result is read back by the engine itself: a dockerd started here on its own socket,
# data-root and exec-root reloads the file on SIGHUP (--reload) and lists the runtimes in
# GET /info; `containerd config dump` reads the containerd file; podman (CONTAINERS_CONF) resolves
# a runwarden runtime. Then `setup everywhere` refuses a build whose default delegate is runc.
set -uo pipefail # no -e: every check runs and counts

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" = 0 ] || rw_fatal "runs dockerd: must run as root"
[ -n "${RW_SOURCE_ROOT:-}" ] || rw_fatal "RW_SOURCE_ROOT is not set (run through meson test)"
[ -n "${RW_BUILD_ROOT:-}" ] || rw_fatal "RW_BUILD_ROOT is not set (run through meson test)"
rw_need_cmd jq python3 dockerd docker containerd podman dpkg-divert sha256sum
CTL=$RW_BUILD_ROOT/ctl/runwardenctl
[ -x "$CTL" ] || rw_fatal "runwardenctl not found at $CTL (build first)"
[ -x "$RW_BUILD_ROOT/shim/runwarden" ] || rw_fatal "runwarden not found (build first)"
python3 -c 'import tomllib' 2>/dev/null || rw_fatal "python3 has no tomllib (Python >= 3.11)"

RW_TMP=$(mktemp -d /tmp/rw-setup.XXXXXX)
RW_LOG=$RW_TMP/none.log
dockerd_pid=

cleanup()
{
        if [ -n "$dockerd_pid" ]; then
                kill -TERM "$dockerd_pid" 2>/dev/null
                for _ in $(seq 150); do
                        kill -0 "$dockerd_pid" 2>/dev/null || break
                        sleep 0.2
                done
                kill -KILL "$dockerd_pid" 2>/dev/null
                wait "$dockerd_pid" 2>/dev/null
        fi
        # dockerd's own containerd and mounts live under the scratch directory.
        umount -R "$RW_TMP/docker-exec" 2>/dev/null
        umount -R "$RW_TMP/docker-data" 2>/dev/null
        rm -rf "$RW_TMP"
}
trap cleanup EXIT
trap 'exit 143' TERM INT

# runwarden and one link per tier of the shipped policy, as meson install lays them out.
BIN=$RW_TMP/bin
mkdir -p "$BIN" "$RW_TMP/etc"
cp "$RW_BUILD_ROOT/shim/runwarden" "$BIN/runwarden"
POLICY=$RW_TMP/policy.json
cp "$RW_SOURCE_ROOT/deploy/policy/policy.json" "$POLICY"
mapfile -t TIERS < <(jq -r '.strictness[]' "$POLICY")
for t in "${TIERS[@]}"; do
        ln -s runwarden "$BIN/runwarden-$t"
done
NAMES=(runwarden)
for t in "${TIERS[@]}"; do
        NAMES+=("runwarden-$t")
done
# The runtimes setup must register, as a JSON object name -> path.
EXPECTED=$(for n in "${NAMES[@]}"; do printf '%s\t%s\n' "$n" "$BIN/$n"; done |
        jq -R -s -c 'split("\n") | map(select(length > 0) | split("\t") | {(.[0]): .[1]}) | add')

setup()
{
        "$CTL" setup "$@" --policy "$POLICY" --runwarden "$BIN/runwarden"
}

# backups FILE: how many backups of FILE there are.
backups()
{
        find "$(dirname "$1")" -maxdepth 1 -name "$(basename "$1").runwardenctl-*.bak" | wc -l
}

# leftovers DIR: temporary files runwardenctl would have left behind.
leftovers()
{
        find "$1" -maxdepth 1 -name '.*.rw-*' | wc -l
}

# toml FILE EXPR: a Python expression over the parsed file `d`, printed as JSON.
toml()
{
        python3 -c 'import json, sys, tomllib
d = tomllib.load(open(sys.argv[1], "rb"))
print(json.dumps(eval(sys.argv[2]), sort_keys=True))' "$1" "$2"
}

# ================================= docker ================================================
D=$RW_TMP/etc/docker
mkdir -p "$D"
DJ=$D/daemon.json

rw_capture docker-dry setup docker --config "$DJ" --dry-run
rw_expect_rc "docker --dry-run, no file yet: exit 0" 0
rw_expect_grep "docker --dry-run: the diff starts from nothing" "$OUT" '^--- /dev/null$'
rw_expect_grep "docker --dry-run: says so" "$OUT" '^dry run: nothing written$'
rw_expect_eq "docker --dry-run: no file written" no "$([ -e "$DJ" ] && echo yes || echo no)"

rw_capture docker-new setup docker --config "$DJ"
rw_expect_rc "docker, no file yet: exit 0" 0
rw_expect_eq "docker: runtimes are runwarden and one per tier, by the link's path" "$EXPECTED" \
        "$(jq -c '.runtimes | map_values(.path)' "$DJ" 2>&1)"
rw_expect_eq "docker: nothing but runtimes in a new file" '["runtimes"]' "$(jq -c keys "$DJ")"
rw_expect_eq "docker: never runtimeArgs" 0 "$(grep -c runtimeArgs "$DJ")"
rw_expect_eq "docker: a new file is 0644" 644 "$(stat -c %a "$DJ")"
rw_expect_eq "docker: no backup of a file that did not exist" 0 "$(backups "$DJ")"
rw_expect_grep "docker: says how to apply" "$OUT" '^to apply: dockerd re-reads its runtimes on SIGHUP'

sum=$(rw_sha256 "$DJ")
rw_capture docker-again setup docker --config "$DJ"
rw_expect_rc "docker, second run: exit 0" 0
rw_expect_grep "docker, second run: says nothing changes" "$OUT" '^unchanged: '
rw_expect_eq "docker, second run: file untouched" "$sum" "$(rw_sha256 "$DJ")"
rw_expect_eq "docker, second run: no backup" 0 "$(backups "$DJ")"

# An operator's file: other keys, another runtime, a tier with runtimeArgs, a tier that is gone,
# a number above int64 (kept as written), mode 0600.
cat >"$DJ" <<'EOF'
{
    "storage-driver": "overlay2",
    "log-opts": {"max-size": "10m", "max-file": "3"},
    "default-ulimits": {"nofile": {"Name": "nofile", "Hard": 18446744073709551615, "Soft": 1024}},
    "runtimes": {
        "crun": {"path": "/usr/bin/crun"},
        "runwarden-trusted": {"path": "/usr/local/bin/runwarden", "runtimeArgs": ["--tier", "trusted"]},
        "runwarden-retired": {"path": "/usr/local/bin/runwarden-retired"}
    },
    "live-restore": true
}
EOF
chmod 0600 "$DJ"
cp "$DJ" "$RW_TMP/daemon.json.orig"
rw_capture docker-merge setup docker --config "$DJ"
rw_expect_rc "docker, operator's file: exit 0" 0
rw_expect_eq "docker: every other key kept, in order" \
        "$(jq -c 'del(.runtimes)' "$RW_TMP/daemon.json.orig" | sed 's/18446744073709552000/18446744073709551615/')" \
        "$(jq -c 'del(.runtimes)' "$DJ" | sed 's/18446744073709552000/18446744073709551615/')"
rw_expect_grep "docker: the big number is written as it was" "$DJ" '"Hard": 18446744073709551615,'
rw_expect_eq "docker: crun kept, retired tier removed, runwarden's set" \
        "$(jq -S -c --argjson e "$EXPECTED" -n '{crun: "/usr/bin/crun"} + $e')" \
        "$(jq -S -c '.runtimes | map_values(.path)' "$DJ")"
rw_expect_eq "docker: runtimes that were there keep their place, new ones follow" \
        '["crun","runwarden-trusted","runwarden"]' "$(jq -c '.runtimes | keys_unsorted[:3]' "$DJ")"
rw_expect_eq "docker: runtimeArgs dropped" 0 "$(grep -c runtimeArgs "$DJ")"
rw_expect_grep "docker: says why runtimeArgs went" "$OUT" '^note: runtime runwarden-trusted: runtimeArgs dropped'
rw_expect_grep "docker: says the retired tier went" "$OUT" '^note: removed runtime runwarden-retired'
rw_expect_eq "docker: the mode stays 0600" 600 "$(stat -c %a "$DJ")"
rw_expect_eq "docker: one backup" 1 "$(backups "$DJ")"
rw_expect_same "docker: the backup is the old file" "$RW_TMP/daemon.json.orig" \
        "$(find "$D" -name 'daemon.json.runwardenctl-*.bak' | head -n 1)"
rw_expect_eq "docker: no temporary file left" 0 "$(leftovers "$D")"
rw_expect_grep "docker: the diff shows the runtimeArgs going" "$OUT" '^-.*runtimeArgs'

rw_capture docker-default setup docker --config "$DJ" --default untrusted
rw_expect_rc "docker --default untrusted: exit 0" 0
rw_expect_eq "docker --default: default-runtime is the tier's runtime" runwarden-untrusted \
        "$(jq -r '."default-runtime"' "$DJ")"
rw_capture docker-default-bad setup docker --config "$DJ" --default nosuchtier
rw_expect_rc "docker --default with a tier the policy lacks: exit 1" 1

sum=$(rw_sha256 "$DJ")
n_backups=$(backups "$DJ")
printf '{"runtimes": {' >"$RW_TMP/bad.json"
cp "$RW_TMP/bad.json" "$D/broken.json"
rw_capture docker-broken setup docker --config "$D/broken.json"
rw_expect_rc "docker, a file that is not JSON: exit 1" 1
rw_expect_grep "docker, not JSON: the error names the file" "$ERR" 'broken.json'
rw_expect_same "docker, not JSON: the file is untouched" "$RW_TMP/bad.json" "$D/broken.json"
rw_expect_eq "docker, not JSON: no backup" 0 "$(backups "$D/broken.json")"

ln -s daemon.json "$D/link.json"
rw_capture docker-symlink setup docker --config "$D/link.json"
rw_expect_rc "docker, the file is a symlink: exit 2 (give the real file)" 2

rm "$BIN/runwarden-service"
rw_capture docker-nolink setup docker --config "$DJ"
rw_expect_rc "docker, a tier link missing: exit 1" 1
rw_expect_grep "docker, a tier link missing: says which and how to make it" "$ERR" \
        "runwarden-service is not a link to .*: ln -s runwarden $BIN/runwarden-service"
rw_expect_eq "docker, a tier link missing: nothing written" "$sum" "$(rw_sha256 "$DJ")"
rw_expect_eq "docker, a tier link missing: no backup" "$n_backups" "$(backups "$DJ")"
rw_capture docker-nolink-dry setup docker --config "$DJ" --dry-run
rw_expect_rc "docker --dry-run, a tier link missing: exit 0, with the warning" 0
ln -s runwarden "$BIN/runwarden-service"

# --- a real dockerd reads the file: --reload, then GET /info ---------------------------------
# It runs beside any other: its own socket, data-root, exec-root (and so its own containerd),
# pidfile and key file ("deprecated-key-path" in its daemon.json: otherwise dockerd 20.10 writes
# /etc/docker/key.json), no bridge, no iptables. It starts no container.
SOCK=$RW_TMP/docker.sock
DC=$RW_TMP/etc/docker/engine.json
jq -n --arg k "$RW_TMP/docker-key.json" '{"deprecated-key-path": $k}' >"$DC"
dockerd --config-file "$DC" -H "unix://$SOCK" --data-root "$RW_TMP/docker-data" \
        --exec-root "$RW_TMP/docker-exec" --pidfile "$RW_TMP/docker.pid" --iptables=false \
        --ip-masq=false --bridge=none --userland-proxy=false >"$RW_TMP/dockerd.log" 2>&1 &
dockerd_pid=$!
export DOCKER_CONFIG=$RW_TMP/docker-client
unset DOCKER_CONTEXT DOCKER_TLS_VERIFY DOCKER_CERT_PATH
mkdir -p "$DOCKER_CONFIG"
dk()
{
        docker -H "unix://$SOCK" "$@"
}
for _ in $(seq 300); do
        dk version >/dev/null 2>&1 && break
        kill -0 "$dockerd_pid" 2>/dev/null || break
        sleep 0.2
done
if ! dk version >/dev/null 2>&1; then
        tail -n 30 "$RW_TMP/dockerd.log" >&2
        rw_fatal "the test's dockerd did not start"
fi
rw_expect_eq "dockerd: no runwarden runtime before setup" 0 \
        "$(dk info --format '{{json .Runtimes}}' | jq '[keys[] | select(startswith("runwarden"))] | length')"
rw_capture docker-reload setup docker --config "$DC" --default untrusted --reload
rw_expect_rc "docker --reload: exit 0" 0
rw_expect_grep "docker --reload: SIGHUP to the dockerd that reads the file" "$OUT" \
        "^reloaded: sent SIGHUP to dockerd $dockerd_pid, which reads $DC\$"
got=
for _ in $(seq 50); do
        got=$(dk info --format '{{json .Runtimes}}' |
                jq -S -c '[to_entries[] | select(.key | startswith("runwarden"))
                        | {(.key): .value.path}] | add')
        [ "$got" = "$(jq -S -c . <<<"$EXPECTED")" ] && break
        sleep 0.2
done
rw_expect_eq "dockerd after --reload: GET /info lists runwarden's runtimes with their paths" \
        "$(jq -S -c . <<<"$EXPECTED")" "$got"
rw_expect_eq "dockerd after --reload: the default runtime is the tier's" runwarden-untrusted \
        "$(dk info --format '{{.DefaultRuntime}}')"
rw_capture docker-reload-again setup docker --config "$DC" --default untrusted --reload
rw_expect_grep "docker --reload, nothing to change: unchanged, reloaded all the same" "$OUT" \
        '^unchanged: '
rw_expect_grep "docker --reload, nothing to change: one SIGHUP" "$OUT" "^reloaded: sent SIGHUP to dockerd $dockerd_pid"
rw_capture docker-reload-other setup docker --config "$DJ" --reload
rw_expect_grep "docker --reload: a file no dockerd reads signals nobody" "$OUT" \
        '^no running dockerd reads '

# doctor asks the same dockerd.
rw_capture doctor-docker "$CTL" doctor --json --policy "$POLICY" --runwarden "$BIN/runwarden" \
        --docker-host "unix://$SOCK" --seccomp-dir "$RW_SOURCE_ROOT/seccomp-profiles"
if [ -s "$OUT" ] && jq -e --argjson e "$EXPECTED" '[.checks[] | select(.id == "engine.docker")][0]
                | .status == "ok" and (.data.through_runwarden | sort) == ($e | keys | sort)
                and .data.default_runtime == "runwarden-untrusted"
                and (.data.around_runwarden | index("runc")) != null' "$OUT" >/dev/null; then
        rw_pass "doctor: dockerd's runtimes through runwarden, its default, runc around it"
else
        rw_fail "doctor: dockerd's runtimes through runwarden, its default, runc around it"
        rw_show stdout "$OUT"
fi
if [ -s "$OUT" ] && jq -e '[.checks[] | select(.id == "bypass.route") | .data.route] as $r
                | ($r | index("runc")) != null and ($r | index("BuildKit")) != null' "$OUT" >/dev/null; then
        rw_pass "doctor: --runtime=runc and BuildKit reported as ways around runwarden"
else
        rw_fail "doctor: --runtime=runc and BuildKit reported as ways around runwarden"
        rw_show stdout "$OUT"
fi
rw_expect_eq "setup kept the dockerd's other key" "$RW_TMP/docker-key.json" \
        "$(jq -r '."deprecated-key-path"' "$DC")"
rw_expect_eq "dockerd kept its key in the scratch directory" yes \
        "$([ -f "$RW_TMP/docker-key.json" ] && echo yes || echo no)"
kill -TERM "$dockerd_pid"
wait "$dockerd_pid" 2>/dev/null
dockerd_pid=

# ================================= containerd ============================================
C=$RW_TMP/etc/containerd
mkdir -p "$C"
CT=$C/config.toml
# Debian 12's /etc/containerd/config.toml, as the package ships it.
cat >"$CT" <<'EOF'
version = 2

[plugins]
  [plugins."io.containerd.grpc.v1.cri"]
    [plugins."io.containerd.grpc.v1.cri".cni]
      bin_dir = "/usr/lib/cni"
      conf_dir = "/etc/cni/net.d"
  [plugins."io.containerd.internal.v1.opt"]
    path = "/var/lib/containerd/opt"
EOF
cp "$CT" "$RW_TMP/config.toml.orig"
dump()
{
        containerd --config "$1" config dump
}
# runtimes FILE: the CRI runtimes containerd reads from FILE, name -> BinaryName.
runtimes()
{
        dump "$1" >"$RW_TMP/dump.toml" || return 1
        toml "$RW_TMP/dump.toml" \
                '{k: v.get("options", {}).get("BinaryName", "") for k, v in d["plugins"]["io.containerd.grpc.v1.cri"]["containerd"]["runtimes"].items()}'
}
before=$(runtimes "$CT")
rw_expect_eq "containerd: Debian's file has runc only" '{"runc": ""}' "$before"

rw_capture containerd-dry setup containerd --config "$CT" --dry-run --containerd-version 1.6.20
rw_expect_rc "containerd --dry-run: exit 0" 0
rw_expect_grep "containerd --dry-run: checked with containerd config dump" "$OUT" '^checked: containerd config dump'
rw_expect_same "containerd --dry-run: file untouched" "$RW_TMP/config.toml.orig" "$CT"

rw_capture containerd setup containerd --config "$CT"
rw_expect_rc "containerd: exit 0" 0
rw_expect_eq "containerd: config dump has runc and runwarden's runtimes with their BinaryName" \
        "$(jq -c -n --argjson e "$EXPECTED" '{runc: ""} + $e' | jq -S -c .)" \
        "$(runtimes "$CT" | jq -S -c .)"
rw_expect_eq "containerd: the operator's lines come first, unchanged" \
        "$(cat "$RW_TMP/config.toml.orig")" "$(head -n "$(wc -l <"$RW_TMP/config.toml.orig")" "$CT")"
rw_expect_eq "containerd: CNI settings still read by containerd" '"/usr/lib/cni"' \
        "$(dump "$CT" >"$RW_TMP/dump.toml" && toml "$RW_TMP/dump.toml" 'd["plugins"]["io.containerd.grpc.v1.cri"]["cni"]["bin_dir"]')"
rw_expect_eq "containerd: runtime type is the runc v2 shim" '"io.containerd.runc.v2"' \
        "$(toml "$CT" 'd["plugins"]["io.containerd.grpc.v1.cri"]["containerd"]["runtimes"]["runwarden-untrusted"]["runtime_type"]')"
rw_expect_grep "containerd: says why runc is written" "$OUT" '^note: runtime runc written too'
rw_expect_grep "containerd: says containerd needs a restart it does not do" "$OUT" \
        'systemctl restart containerd'
rw_expect_eq "containerd: one backup" 1 "$(backups "$CT")"
sum=$(rw_sha256 "$CT")
rw_capture containerd-again setup containerd --config "$CT"
rw_expect_grep "containerd, second run: unchanged" "$OUT" '^unchanged: '
rw_expect_eq "containerd, second run: file untouched" "$sum" "$(rw_sha256 "$CT")"

rw_capture containerd-default setup containerd --config "$CT" --default untrusted
rw_expect_eq "containerd --default: default_runtime_name as containerd reads it" \
        '"runwarden-untrusted"' \
        "$(dump "$CT" >"$RW_TMP/dump.toml" && toml "$RW_TMP/dump.toml" 'd["plugins"]["io.containerd.grpc.v1.cri"]["containerd"]["default_runtime_name"]')"

# A kubeadm-style file with the systemd cgroup driver: SystemdCgroup follows, runc is not added.
SYSTEMD_TOML='version = 2
[plugins."io.containerd.grpc.v1.cri".containerd]
  default_runtime_name = "runc"
[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
  runtime_type = "io.containerd.runc.v2"
  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
    SystemdCgroup = true'
printf '%s\n' "$SYSTEMD_TOML" >"$C/systemd.toml"
rw_capture containerd-systemd setup containerd --config "$C/systemd.toml"
rw_expect_rc "containerd, systemd cgroups: exit 0" 0
rw_expect_eq "containerd, systemd cgroups: every runwarden runtime has SystemdCgroup" true \
        "$(toml "$C/systemd.toml" 'all(v["options"].get("SystemdCgroup") is True for k, v in d["plugins"]["io.containerd.grpc.v1.cri"]["containerd"]["runtimes"].items())' | tr -d '"')"

# A runtime of runwarden's defined by hand outside the block: refused, nothing written.
printf '%s\n' "$SYSTEMD_TOML" >"$C/conflict.toml"
printf '[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runwarden]\n  runtime_type = "io.containerd.runc.v2"\n' >>"$C/conflict.toml"
cp "$C/conflict.toml" "$RW_TMP/conflict.orig"
rw_capture containerd-conflict setup containerd --config "$C/conflict.toml"
rw_expect_rc "containerd, runwarden defined by hand: exit 1" 1
rw_expect_grep "containerd, runwarden defined by hand: says where" "$ERR" 'line 8: runtime runwarden is defined outside'
rw_expect_same "containerd, runwarden defined by hand: untouched" "$RW_TMP/conflict.orig" "$C/conflict.toml"

# An imported file whose CRI section replaces the main one (containerd 1.x): containerd would not
# see the new runtimes; the check with config dump refuses to write.
printf '[plugins."io.containerd.grpc.v1.cri".cni]\n  bin_dir = "/opt/cni/bin"\n' >"$C/cni.toml"
printf 'version = 2\nimports = ["%s"]\n' "$C/cni.toml" >"$C/imports.toml"
cp "$C/imports.toml" "$RW_TMP/imports.orig"
rw_capture containerd-imports setup containerd --config "$C/imports.toml"
rw_expect_rc "containerd, an import replaces the CRI section: exit 1" 1
rw_expect_grep "containerd, an import replaces the CRI section: explained" "$ERR" \
        'does an imported file replace the CRI plugin'
rw_expect_same "containerd, an import replaces the CRI section: untouched" \
        "$RW_TMP/imports.orig" "$C/imports.toml"

# containerd 2.x: what it would write, nothing written.
printf '%s\n' "$SYSTEMD_TOML" >"$C/v2.toml"
sum=$(rw_sha256 "$C/v2.toml")
rw_capture containerd2 setup containerd --config "$C/v2.toml" --containerd-version 2.0.1
rw_expect_rc "containerd 2.x: exit 0" 0
rw_expect_grep "containerd 2.x: nothing written" "$OUT" '^containerd 2.x: nothing written'
rw_expect_eq "containerd 2.x: file untouched" "$sum" "$(rw_sha256 "$C/v2.toml")"
sed -n '/^# runwarden.s runtimes for containerd 2.x/,/^and make sure/p' "$OUT" | sed '$d' >"$RW_TMP/dropin.toml"
rw_expect_eq "containerd 2.x: the drop-in is version 3 with io.containerd.cri.v1.runtime runtimes" \
        "$(jq -c -n --argjson e "$EXPECTED" '{version: 3, names: $e}' | jq -S -c .)" \
        "$(toml "$RW_TMP/dropin.toml" '{"version": d["version"], "names": {k: v["options"]["BinaryName"] for k, v in d["plugins"]["io.containerd.cri.v1.runtime"]["containerd"]["runtimes"].items()}}' | jq -S -c .)"

# ================================= podman ================================================
P=$RW_TMP/etc/containers
mkdir -p "$P"
PC=$P/containers.conf
SHIPPED=/usr/share/containers/containers.conf
[ -f "$SHIPPED" ] || rw_fatal "$SHIPPED is missing (podman's containers-common)"
cp "$SHIPPED" "$PC"
rw_capture podman setup podman --config "$PC"
rw_expect_rc "podman: exit 0" 0
rw_expect_eq "podman: [engine.runtimes] has runwarden's runtimes" \
        "$(jq -c -S -n --argjson e "$EXPECTED" '$e | map_values([.])')" \
        "$(toml "$PC" 'd["engine"]["runtimes"]' | jq -c -S .)"
rw_expect_eq "podman: runtime_supports_json is podman's list plus runwarden's names" \
        "$(jq -c -n --argjson e "$EXPECTED" '["crun","runc","kata","runsc","youki","krun","ocijail"] + ($e | keys_unsorted)')" \
        "$(toml "$PC" 'd["engine"]["runtime_supports_json"]' | jq -c .)"
rw_expect_eq "podman: every other key as it was" \
        "$(toml "$SHIPPED" 'd' | jq -S -c 'del(.engine.runtimes)')" \
        "$(toml "$PC" 'd' | jq -S -c 'del(.engine.runtimes) | del(.engine.runtime_supports_json)')"
sum=$(rw_sha256 "$PC")
rw_capture podman-again setup podman --config "$PC"
rw_expect_grep "podman, second run: unchanged" "$OUT" '^unchanged: '
rw_expect_eq "podman, second run: file untouched" "$sum" "$(rw_sha256 "$PC")"

# podman itself resolves the runtime from the file.
rw_capture podman-info env CONTAINERS_CONF="$PC" podman --root "$RW_TMP/podman-root" \
        --runroot "$RW_TMP/podman-run" --tmpdir "$RW_TMP/podman-tmp" --storage-driver vfs \
        --events-backend none --runtime runwarden-trusted info --format json
rw_expect_rc "podman info --runtime runwarden-trusted: exit 0" 0
rw_expect_eq "podman resolves runwarden-trusted to the tier's link" "$BIN/runwarden-trusted" \
        "$(jq -r '.host.ociRuntime.path' "$OUT" 2>/dev/null)"

# An operator's list is extended where it is written.
printf '[engine]\nruntime_supports_json = ["crun"]\n' >"$P/own.conf"
rw_capture podman-own setup podman --config "$P/own.conf" --default trusted
rw_expect_rc "podman, operator's list: exit 0" 0
rw_expect_eq "podman, operator's list: extended in place" \
        "$(jq -c -n --argjson e "$EXPECTED" '["crun"] + ($e | keys_unsorted)')" \
        "$(toml "$P/own.conf" 'd["engine"]["runtime_supports_json"]' | jq -c .)"
rw_expect_eq "podman --default: [engine] runtime" '"runwarden-trusted"' \
        "$(toml "$P/own.conf" 'd["engine"]["runtime"]')"
printf 'engine.runtime = "crun"\n' >"$P/dotted.conf"
rw_capture podman-dotted setup podman --config "$P/dotted.conf"
rw_expect_rc "podman, [engine] as dotted keys: exit 1 (cannot add to it)" 1

# doctor reads the containerd and podman files setup wrote.
rw_capture doctor-files "$CTL" doctor --json --policy "$POLICY" --runwarden "$BIN/runwarden" \
        --docker-host "unix://$RW_TMP/none.sock" --containerd-config "$CT" \
        --podman-config "$PC" --seccomp-dir "$RW_SOURCE_ROOT/seccomp-profiles"
if [ -s "$OUT" ] && jq -e --argjson e "$EXPECTED" '[.checks[] | select(.id == "engine.containerd")][0]
                | .status == "ok" and (.data.through_runwarden | sort) == ($e | keys | sort)
                and .data.default_runtime == "runwarden-untrusted"
                and .data.around_runwarden == ["runc"]' "$OUT" >/dev/null; then
        rw_pass "doctor: containerd's runtimes through runwarden and its default, as config dump reads them"
else
        rw_fail "doctor: containerd's runtimes through runwarden and its default, as config dump reads them"
        rw_show stdout "$OUT"
fi
if [ -s "$OUT" ] && jq -e --argjson e "$EXPECTED" '[.checks[] | select(.id == "engine.podman")][0]
                | .status == "ok" and (.data.through_runwarden | sort) == ($e | keys | sort)' \
        "$OUT" >/dev/null; then
        rw_pass "doctor: podman's runtimes through runwarden"
else
        rw_fail "doctor: podman's runtimes through runwarden"
        rw_show stdout "$OUT"
fi

# ================================= everywhere ============================================
# This build's default delegate is a runc name: everywhere mode would make runwarden hand off to
# itself, and refuses before touching anything. (The package test runs it for real.)
R=$RW_TMP/root
mkdir -p "$R/var/lib/dpkg/info" "$R/var/lib/dpkg/updates" "$R/usr/sbin" "$R/usr/bin"
touch "$R/var/lib/dpkg/status"
printf '#!/bin/sh\necho runc version 1.1.5\n' >"$R/usr/sbin/runc"
chmod 755 "$R/usr/sbin/runc"
cp "$BIN/runwarden" "$R/usr/bin/runwarden"
default_delegate=$(sed -n 's/^#define RW_DEFAULT_RUNTIME "\(.*\)"$/\1/p' "$RW_BUILD_ROOT/config.h")
case $default_delegate in
/usr/sbin/runc | /usr/bin/runc)
        rw_capture everywhere-loop "$CTL" setup everywhere --root "$R" --runwarden /usr/bin/runwarden
        rw_expect_rc "everywhere, default delegate $default_delegate: exit 1" 1
        rw_expect_grep "everywhere, default delegate is runc: says why and how to build" "$ERR" \
                "default delegate is $default_delegate, a name that everywhere mode turns into runwarden"
        rw_expect_eq "everywhere refused: runc untouched" file "$(stat -c %F "$R/usr/sbin/runc" | cut -d' ' -f2)"
        rw_expect_eq "everywhere refused: no diversion" "" \
                "$(dpkg-divert --root "$R" --listpackage /usr/sbin/runc)"
        ;;
*)
        # Not a runc name: then a tier that hands off to runc by name is what must be refused.
        mkdir -p "$R/etc/runwarden"
        jq '.tiers.trusted.runtime = "/usr/sbin/runc"' "$POLICY" >"$R/etc/runwarden/policy.json"
        rw_capture everywhere-loop "$CTL" setup everywhere --root "$R" --runwarden /usr/bin/runwarden
        rw_expect_rc "everywhere, a tier hands off to /usr/sbin/runc: exit 1" 1
        rw_expect_grep "everywhere, a tier hands off to runc: says which" "$ERR" \
                "tier trusted hands off to /usr/sbin/runc, which becomes runwarden"
        rw_expect_eq "everywhere refused: no diversion" "" \
                "$(dpkg-divert --root "$R" --listpackage /usr/sbin/runc)"
        ;;
esac

rw_summary
