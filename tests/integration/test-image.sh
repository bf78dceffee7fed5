#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# runwarden's scratch tmpfs against what the image holds, through the real runc: a user namespace
# (Kubernetes hostUsers: false, docker userns-remap) in an image that lacks /run and /var/tmp, an
# image whose HOME holds the job's tools (copied into HOME's tmpfs), and HOME of a non-root user
# taken from the image's /etc/passwd as runc takes it.
set -euo pipefail

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

rw_init
trap rw_cleanup EXIT
trap 'exit 143' TERM INT
# The root of a user namespace must reach the bundles: the scratch directory is mode 0700.
chmod 0711 "$RW_TMP"

echo "# runwarden: $RW_BIN"
echo "# runc:      $RW_RUNC ($("$RW_RUNC" --version | head -n 1))"

# What the job sees: the file system type at each scratch path ("none": not a mount point of its
# own), its HOME, and whether it can write there.
report='for d in /tmp /var/tmp /run "$HOME"; do
        t=$(grep " $d " /proc/self/mounts | tail -n 1 | cut -d" " -f3)
        echo "mount $d: ${t:-none}"
done
echo "HOME=$HOME"
echo "uid_map: $(tr -s " " </proc/self/uid_map | sed "s/^ //")"
if echo x >"$HOME/.rw-written" 2>/dev/null; then echo "write HOME: ok"; else echo "write HOME: failed"; fi
if echo x >/tmp/x 2>/dev/null; then echo "write /tmp: ok"; else echo "write /tmp: failed"; fi'

# userns BUNDLE HOSTID: the spec gets a user namespace mapping 0-65535 to HOSTID-.
userns()
{
        rw_spec "$1" '.linux.namespaces += [{type: "user"}]
                | .linux.uidMappings = [{containerID: 0, hostID: $h, size: 65536}]
                | .linux.gidMappings = [{containerID: 0, hostID: $h, size: 65536}]' \
                --argjson h "$2"
}

# expect_warning DESC ERE: the engine log has a warning-level JSON line matching ERE.
expect_warning()
{
        if jq -s -e --arg re "$2" 'any(.[]; .level == "warning" and (.msg | test($re)))' \
                "$RW_LOG" >/dev/null 2>&1; then
                rw_pass "$1"
        else
                rw_fail "$1"
                rw_show log "$RW_LOG"
        fi
}

# --- A user namespace that does not own the image ------------------------------------------------
# The image belongs to the host's root, which the namespace does not map: runc, as the namespace's
# root, cannot create /run and /var/tmp in it. The original spec starts; runwarden must not add a
# mount that makes it fail.
echo "# user namespace, image not owned by it, without /run and /var/tmp"
b=$RW_TMP/userns-foreign
rw_make_bundle "$b" sh -c "$report"
rm -rf "$b/rootfs/run" "$b/rootfs/var/tmp"
userns "$b" 200000
cp -a "$b" "$RW_TMP/userns-foreign-control"
rw_capture userns-control "$RW_RUNC" --root "$RW_STATE" run --bundle "$RW_TMP/userns-foreign-control" \
        rw-userns-control
rw_expect_rc "control: the original spec starts under plain runc" 0
# and the same spec with a tmpfs at /run, as runwarden once added it, does not
jq '.mounts += [{destination: "/run", type: "tmpfs", source: "tmpfs", options: ["nosuid"]}]' \
        "$b/config.json" >"$RW_TMP/userns-foreign-control/config.json"
rw_capture userns-control-run "$RW_RUNC" --root "$RW_STATE" run \
        --bundle "$RW_TMP/userns-foreign-control" rw-userns-control-run
rw_expect_rc "control: with a tmpfs at /run plain runc fails (the case this guards)" 1
rw_use_log userns-foreign
rw_capture userns-foreign rw run --bundle "$b" rw-userns-foreign
rw_expect_rc "user namespace: the container starts through runwarden" 0
rw_expect_line "user namespace: the job runs in the user namespace" "$OUT" "uid_map: 0 200000 65536"
rw_expect_line "user namespace: /tmp is a scratch tmpfs" "$OUT" "mount /tmp: tmpfs"
rw_expect_line "user namespace: HOME is a scratch tmpfs" "$OUT" "mount /root: tmpfs"
rw_expect_line "user namespace: HOME is writable" "$OUT" "write HOME: ok"
rw_expect_line "user namespace: no tmpfs at the missing /run" "$OUT" "mount /run: none"
rw_expect_line "user namespace: no tmpfs at the missing /var/tmp" "$OUT" "mount /var/tmp: none"
expect_warning "user namespace: the engine log warns about /run" \
        'scratch-tmpfs: no scratch tmpfs at /run: .*user namespace'
expect_warning "user namespace: the engine log warns about /var/tmp" \
        'scratch-tmpfs: no scratch tmpfs at /var/tmp: .*user namespace'
rw_expect_eq "user namespace: nothing was created in the image" "absent absent" \
        "$([ -e "$b/rootfs/run" ] && echo present || echo absent) $([ -e "$b/rootfs/var/tmp" ] && echo present || echo absent)"
rw_expect_eq "user namespace: the spec keeps its user namespace" "user" \
        "$(jq -r '[.linux.namespaces[].type | select(. == "user")] | join(",")' "$b/config.json")"

# --- A user namespace that owns the image (docker userns-remap chowns the layers) ---------------
echo "# user namespace owning the image, without /run; HOME with the job's tools"
b=$RW_TMP/userns-owned
rw_make_bundle "$b" sh -c "$report"'; cat /root/.tools/version'
rm -rf "$b/rootfs/run"
mkdir -p "$b/rootfs/root/.tools"
echo "tools 1.0" >"$b/rootfs/root/.tools/version"
chown -R 300000:300000 "$b/rootfs"
userns "$b" 300000
rw_use_log userns-owned
rw_capture userns-owned rw run --bundle "$b" rw-userns-owned
rw_expect_rc "owned image: the container starts through runwarden" 0
rw_expect_line "owned image: the job runs in the user namespace" "$OUT" "uid_map: 0 300000 65536"
rw_expect_line "owned image: runc made /run, a scratch tmpfs" "$OUT" "mount /run: tmpfs"
rw_expect_line "owned image: HOME is a scratch tmpfs" "$OUT" "mount /root: tmpfs"
rw_expect_line "owned image: HOME holds the image's tools" "$OUT" "tools 1.0"
rw_expect_line "owned image: HOME is writable" "$OUT" "write HOME: ok"
rw_expect_eq "owned image: the write went to the tmpfs, not the image" absent \
        "$([ -e "$b/rootfs/root/.rw-written" ] && echo present || echo absent)"

# --- HOME with content, no user namespace --------------------------------------------------------
echo "# HOME holds the job's tools (a rustup-style ~/.cargo on PATH)"
b=$RW_TMP/home-tools
rw_make_bundle "$b" sh -c "$report"'; cargo-rw; ls -l /root/.cargo/bin/cargo-rw | cut -d" " -f1'
mkdir -p "$b/rootfs/root/.cargo/bin"
printf '#!/bin/sh\necho "cargo-rw from HOME"\n' >"$b/rootfs/root/.cargo/bin/cargo-rw"
chmod 750 "$b/rootfs/root/.cargo/bin/cargo-rw"
rw_spec "$b" '.process.env = ["PATH=/root/.cargo/bin:/bin:/sbin", "HOME=/root"]'
rw_use_log home-tools
rw_capture home-tools rw --debug run --bundle "$b" rw-home-tools
rw_expect_rc "HOME tools: the job runs" 0
rw_expect_line "HOME tools: the tool in HOME is found on PATH" "$OUT" "cargo-rw from HOME"
rw_expect_line "HOME tools: its mode is kept" "$OUT" "-rwxr-x---"
rw_expect_line "HOME tools: HOME is a scratch tmpfs" "$OUT" "mount /root: tmpfs"
rw_expect_line "HOME tools: HOME is writable" "$OUT" "write HOME: ok"
rw_expect_eq "HOME tools: the write went to the tmpfs, not the image" absent \
        "$([ -e "$b/rootfs/root/.rw-written" ] && echo present || echo absent)"
rw_expect_eq "HOME tools: runc copies HOME (tmpcopyup), the tier's size plus the copy" \
        "tmpcopyup size=$((512 * 1024 * 1024 + 4096))" \
        "$(jq -r '.mounts[] | select(.destination == "/root") | .options
                | [(.[] | select(. == "tmpcopyup")), (.[] | select(startswith("size=")))] | join(" ")' \
                "$b/config.json")"

echo "# HOME holds what runc cannot copy (a FIFO): left as the image has it"
b=$RW_TMP/home-fifo
rw_make_bundle "$b" sh -c "$report"'; cargo-rw'
mkdir -p "$b/rootfs/root/.cargo/bin"
printf '#!/bin/sh\necho "cargo-rw from HOME"\n' >"$b/rootfs/root/.cargo/bin/cargo-rw"
chmod 755 "$b/rootfs/root/.cargo/bin/cargo-rw"
mkfifo "$b/rootfs/root/.cargo/pipe"
rw_spec "$b" '.process.env = ["PATH=/root/.cargo/bin:/bin:/sbin", "HOME=/root"]'
rw_use_log home-fifo
rw_capture home-fifo rw run --bundle "$b" rw-home-fifo
rw_expect_rc "HOME with a FIFO: the job runs" 0
rw_expect_line "HOME with a FIFO: the tool in HOME is still found" "$OUT" "cargo-rw from HOME"
rw_expect_line "HOME with a FIFO: no tmpfs hides it" "$OUT" "mount /root: none"
rw_expect_line "HOME with a FIFO: HOME is the image's, read-only" "$OUT" "write HOME: failed"
expect_warning "HOME with a FIFO: the engine log says why" \
        'no scratch tmpfs at HOME /root: .*pipe is not a file'

# --- HOME of a non-root user from the image's /etc/passwd ----------------------------------------
echo "# uid 1000 without HOME in process.env: runc takes it from /etc/passwd"
b=$RW_TMP/passwd-home
rw_make_bundle "$b" sh -c "$report"
rw_spec "$b" '.process.user = {uid: 1000, gid: 1000} | .process.env = ["PATH=/bin:/sbin"]'
cp -a "$b" "$RW_TMP/passwd-home-control"
rw_capture passwd-control "$RW_RUNC" --root "$RW_STATE" run --bundle "$RW_TMP/passwd-home-control" \
        rw-passwd-control
rw_expect_line "control: runc gives uid 1000 the HOME of /etc/passwd" "$OUT" "HOME=/home/user"
rw_use_log passwd-home
rw_capture passwd-home rw run --bundle "$b" rw-passwd-home
rw_expect_rc "passwd HOME: the job runs" 0
rw_expect_line "passwd HOME: HOME is /home/user" "$OUT" "HOME=/home/user"
rw_expect_line "passwd HOME: it is a scratch tmpfs" "$OUT" "mount /home/user: tmpfs"
rw_expect_line "passwd HOME: the job can write there" "$OUT" "write HOME: ok"
rw_expect_eq "passwd HOME: the tmpfs is the user's" "uid=1000 gid=1000" \
        "$(jq -r '.mounts[] | select(.destination == "/home/user") | .options
                | map(select(startswith("uid=") or startswith("gid="))) | join(" ")' "$b/config.json")"

echo "# /etc/passwd a symlink to a host file: read inside the image, never the host's"
b=$RW_TMP/passwd-escape
rw_make_bundle "$b" sh -c "$report"
rw_spec "$b" '.process.user = {uid: 1000, gid: 1000} | .process.env = ["PATH=/bin:/sbin"]'
echo "user:x:1000:1000::/host-only:/bin/sh" >"$RW_TMP/host-passwd"
rm "$b/rootfs/etc/passwd"
ln -s "$RW_TMP/host-passwd" "$b/rootfs/etc/passwd"
rw_use_log passwd-escape
rw_capture passwd-escape rw run --bundle "$b" rw-passwd-escape
rw_expect_rc "passwd symlink: the job runs" 0
rw_expect_line "passwd symlink: runc finds no entry in the image: HOME=/" "$OUT" "HOME=/"
rw_expect_eq "passwd symlink: no tmpfs at the host file's home" "" \
        "$(jq -r '.mounts[] | select(.destination == "/host-only") | .destination' "$b/config.json")"

rw_summary
