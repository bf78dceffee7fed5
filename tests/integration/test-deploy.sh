#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# deploy/ without engines running: every file parses and the files agree with one another
# (deploy-check.py); the policies validate; merge-dropin.py merges the containerd handlers into
# Debian's own config.toml (tests/fixtures/engines/containerd-config-debian.toml) as containerd
# itself then reads it; and the Kubernetes installer (install.sh) installs into, and uninstalls
# from, a scratch node root. The tests that run engines use the same files: test-cri.sh,
# test-gitlab.sh, test-actions.sh, test-podman.sh.
set -euo pipefail

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

rw_need_cmd containerd
rw_init
py=/usr/bin/python3
$py -c 'import toml, yaml' 2>/dev/null ||
        rw_fatal "Debian's python3 lacks toml or yaml (apt-get install python3-toml python3-yaml)"
src=$RW_SOURCE_ROOT
rwctl=$RW_BUILD_ROOT/ctl/runwardenctl
[ -x "$rwctl" ] || rw_fatal "runwardenctl is not built ($rwctl)"
t=$RW_TMP

# --- Syntax and agreement -------------------------------------------------------------------------
rw_capture check $py "$src/tests/integration/deploy-check.py" "$src"
cat "$OUT"
rw_passed=$((rw_passed + $(grep -c '^ok - ' "$OUT" || true)))
rw_failed=$((rw_failed + $(grep -c '^FAIL - ' "$OUT" || true)))
if [ "$RW_RC" != 0 ] && ! grep -q '^FAIL - ' "$OUT"; then
        rw_fail "deploy-check.py ran to the end"
        rw_show stderr "$ERR"
fi

for policy in "$src"/deploy/*/policy.json; do
        rw_capture validate "$rwctl" policy validate "$policy"
        rw_expect_rc "runwardenctl policy validate ${policy#"$src"/}" 0
done

# --- merge-dropin.py on Debian's config.toml -------------------------------------------------------
merge=$src/deploy/containerd/merge-dropin.py
dropin=$src/deploy/containerd/runwarden.toml
cp "$src/tests/fixtures/engines/containerd-config-debian.toml" "$t/config.toml"
printf '[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]\n  SystemdCgroup = true\n' \
        >"$t/systemd.toml"
cat "$t/config.toml" "$t/systemd.toml" >"$t/config-systemd.toml"

rw_capture merge $py "$merge" "$t/config.toml" "$dropin"
rw_expect_rc "merge-dropin.py merges into Debian's config.toml" 0
rw_expect_same "the original is kept as the backup" \
        "$src/tests/fixtures/engines/containerd-config-debian.toml" "$t/config.toml.before-runwarden"
rw_capture dump containerd --config "$t/config.toml" config dump
rw_expect_rc "containerd reads the merged file" 0
rw_expect_grep "Debian's CNI directory is still there" "$OUT" '^ *bin_dir = "/usr/lib/cni"$'
rw_expect_grep "the handlers are there" "$OUT" \
        '^ *\[plugins\."io\.containerd\.grpc\.v1\.cri"\.containerd\.runtimes\.runwarden-untrusted\.options\]$'
rw_expect_grep "their binary too" "$OUT" '^ *BinaryName = "/usr/local/bin/runwarden-untrusted"$'
rw_expect_grep "containerd's default runc handler is still declared" "$OUT" \
        '^ *\[plugins\."io\.containerd\.grpc\.v1\.cri"\.containerd\.runtimes\.runc\]$'
before=$(rw_sha256 "$t/config.toml")
rw_capture merge-again $py "$merge" "$t/config.toml" "$dropin"
rw_expect_rc "a second merge succeeds" 0
rw_expect_eq "a second merge changes nothing" "$before" "$(rw_sha256 "$t/config.toml")"
rw_expect_grep "and says so" "$OUT" "nothing to change"

rw_capture merge-systemd $py "$merge" "$t/config-systemd.toml" "$dropin"
rw_expect_rc "merge into a config whose runc handler uses the systemd cgroup driver" 0
n=$($py -c '
import sys, toml
rt = toml.load(sys.argv[1])["plugins"]["io.containerd.grpc.v1.cri"]["containerd"]["runtimes"]
print(sum(1 for k, v in rt.items() if k.startswith("runwarden") and v["options"]["SystemdCgroup"] is True))
' "$t/config-systemd.toml")
rw_expect_eq "every runwarden handler follows runc's SystemdCgroup = true" \
        "$(grep -c '^ *BinaryName' "$dropin")" "$n"

rw_capture dry-run $py "$merge" --dry-run "$t/dry.toml" "$dropin"
rw_expect_rc "--dry-run" 0
if [ ! -e "$t/dry.toml" ]; then rw_pass "--dry-run writes nothing"; else rw_fail "--dry-run writes nothing"; fi

rw_capture remove $py "$merge" --remove "$t/config.toml" "$dropin"
rw_expect_rc "--remove" 0
rw_expect_no_grep "--remove takes the handlers out" "$t/config.toml" 'runwarden'
rw_expect_grep "and keeps the rest" "$t/config.toml" '^bin_dir = "/usr/lib/cni"$'

printf 'version = 3\n' >"$t/v3.toml"
rw_capture mismatch $py "$merge" "$t/v3.toml" "$dropin"
rw_expect_rc "a version 2 drop-in is not merged into a version 3 config" 1
rw_expect_eq "which is left as it was" "version = 3" "$(cat "$t/v3.toml")"

# --- The Kubernetes installer on a scratch node root -------------------------------------------------
node=$t/node
payload=$t/payload
mkdir -p "$node/etc/containerd" "$payload/bin" "$payload/share/runwarden/seccomp" "$payload/containerd" \
        "$payload/libexec/runwarden"
cp "$src/tests/fixtures/engines/containerd-config-debian.toml" "$node/etc/containerd/config.toml"
cp "$RW_BIN" "$payload/bin/runwarden"
cp "$rwctl" "$payload/bin/runwardenctl"
cp "$RW_BUILD_ROOT/shim/runwarden-egress-hook" "$payload/libexec/runwarden/"
cp "$src"/seccomp-profiles/*.json "$payload/share/runwarden/seccomp/"
# The files the Containerfile copies, under the names it gives them.
cp "$src/deploy/containerd/runwarden.toml" "$src/deploy/containerd/merge-dropin.py" "$payload/containerd/"
cp "$src/deploy/containerd/containerd-2/runwarden.toml" "$payload/containerd/containerd-2.toml"
$py -c '
import sys, yaml
for d in yaml.safe_load_all(open(sys.argv[1])):
    if d and d.get("kind") == "ConfigMap":
        open(sys.argv[2], "w").write(d["data"]["policy.json"])
' "$src/deploy/kubernetes/runwarden.yaml" "$t/configmap-policy.json"

policy_for_installer=$t/configmap-policy.json
installer()
{
        # The installer image's PATH: Debian's python3 and its toml module.
        PATH=/usr/sbin:/usr/bin:/sbin:/bin \
                RW_HOST_ROOT=$node RW_PAYLOAD=$payload RW_POLICY=$policy_for_installer RW_RESTART=none \
                RW_CHECK=direct RW_READY_FILE=$t/ready \
                bash "$src/deploy/kubernetes/installer/install.sh" "$@"
}

rw_capture install installer install
rw_expect_rc "install.sh install" 0
rw_expect_eq "runwarden installed, root-owned, 0755" "0 0 755" \
        "$(stat -c '%u %g %a' "$node/usr/local/bin/runwarden" 2>/dev/null)"
rw_expect_same "the binary is the build's" "$RW_BIN" "$node/usr/local/bin/runwarden"
rw_expect_eq "the egress hook installed where runwarden looks for it, root-owned, 0755" "0 0 755" \
        "$(stat -c '%u %g %a' "$node/usr/local/libexec/runwarden/runwarden-egress-hook" 2>/dev/null)"
for tier in $(jq -r '.tiers | keys[]' "$src/deploy/policy/policy.json"); do
        rw_expect_eq "link runwarden-$tier -> runwarden" runwarden \
                "$(readlink "$node/usr/local/bin/runwarden-$tier" 2>/dev/null)"
done
rw_expect_same "the policy is the ConfigMap's" "$t/configmap-policy.json" "$node/etc/runwarden/policy.json"
rw_expect_eq "the policy is root's, 0644, in a 0755 directory" "0 644 755" \
        "$(stat -c '%u %a' "$node/etc/runwarden/policy.json" 2>/dev/null) $(stat -c %a "$node/etc/runwarden")"
rw_expect_eq "the seccomp profiles are installed" \
        "$(find "$src/seccomp-profiles" -name '*.json' | wc -l)" \
        "$(find "$node/usr/local/share/runwarden/seccomp" -name '*.json' | wc -l)"
rw_expect_grep "containerd's config has the handlers" "$node/etc/containerd/config.toml" \
        '^BinaryName = "/usr/local/bin/runwarden-trusted"$'
rw_expect_grep "and keeps Debian's CNI directory" "$node/etc/containerd/config.toml" \
        '^bin_dir = "/usr/lib/cni"$'
rw_expect_grep "a restart of containerd is asked for" "$OUT" "restart containerd"
if [ -s "$t/ready" ]; then rw_pass "the readiness file is written"; else rw_fail "the readiness file is written"; fi

rw_capture install-again installer install
rw_expect_rc "a second install succeeds" 0
rw_expect_grep "and leaves containerd alone" "$OUT" "already has runwarden's handlers"

echo '{"version": 1, "default_tier": "nope"}' >"$t/bad-policy.json"
cp "$node/etc/containerd/config.toml" "$t/config-before-bad"
policy_for_installer=$t/bad-policy.json
rw_capture install-bad installer install
policy_for_installer=$t/configmap-policy.json
rw_expect_rc "an invalid policy is refused" 1
rw_expect_same "and nothing on the node changed: the policy" "$t/configmap-policy.json" \
        "$node/etc/runwarden/policy.json"
rw_expect_same "nor containerd's config" "$t/config-before-bad" "$node/etc/containerd/config.toml"

rw_capture uninstall installer uninstall
rw_expect_rc "install.sh uninstall" 0
left=$({ find "$node/usr/local" "$node/etc/runwarden" -mindepth 1 \( -type f -o -type l \) \
        2>/dev/null || true; } | wc -l)
rw_expect_eq "no runwarden file is left on the node" 0 "$left"
if [ -f "$node/etc/containerd/config.toml.before-runwarden" ]; then
        rw_pass "containerd's original config is kept as the backup"
else
        rw_fail "containerd's original config is kept as the backup"
fi
rw_expect_no_grep "the handlers are out of containerd's config" "$node/etc/containerd/config.toml" runwarden

rw_summary
