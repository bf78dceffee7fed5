#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# Install runwarden on a Kubernetes node, or remove it; what the installer DaemonSet
# (../runwarden.yaml) runs, from the image installer/Containerfile builds.
#
#   install.sh install [--stay]    binaries, tier links, policy, containerd handlers; restart
#                                  containerd if its config changed. --stay: then sleep, as a
#                                  DaemonSet's container must.
#   install.sh uninstall           the handlers out of containerd's config (restart), then the
#                                  binaries and the policy. The decision log stays.
#
# Environment:
#   RW_HOST_ROOT   the node's root filesystem, mounted (default /host)
#   RW_PAYLOAD     what the image carries (default: this script's directory): bin/runwarden,
#                  bin/runwardenctl, share/runwarden/seccomp/, containerd/runwarden.toml,
#                  containerd/containerd-2.toml, containerd/merge-dropin.py
#   RW_POLICY      the policy to install (default /etc/runwarden-policy/policy.json, the
#                  ConfigMap)
#   RW_RESTART     systemd: restart containerd with systemctl in pid 1's namespaces (needs
#                  hostPID); none: only say that a restart is due (default systemd)
#   RW_CHECK       chroot: run the installed runwardenctl inside the node's root, which also
#                  proves that the node has its libraries (default); direct: run it from here
#                  (for a node root that is only a directory, as in the test suite)
#   RW_READY_FILE  written when the install is done, for the readiness probe
#                  (default /run/runwarden-installed)
#
# Every file is written next to its final name and renamed into place, so containerd never
# starts a handler whose binary or policy is half written. Nothing on the node is changed
# before the policy has been validated.
set -euo pipefail

host=${RW_HOST_ROOT:-/host}
payload=${RW_PAYLOAD:-$(cd "$(dirname "$0")" && pwd)}
policy=${RW_POLICY:-/etc/runwarden-policy/policy.json}
restart=${RW_RESTART:-systemd}
check=${RW_CHECK:-chroot}
ready=${RW_READY_FILE:-/run/runwarden-installed}

bindir=/usr/local/bin
libexecdir=/usr/local/libexec/runwarden
sharedir=/usr/local/share/runwarden
containerd_config=/etc/containerd/config.toml

say()
{
        echo "runwarden-installer: $*"
}

die()
{
        echo "runwarden-installer: error: $*" >&2
        exit 1
}

# put SRC DEST MODE: copy SRC to DEST on the node atomically.
put()
{
        local src=$1 dest=$host$2 mode=$3
        mkdir -p "$(dirname "$dest")"
        cp "$src" "$dest.runwarden-new"
        chmod "$mode" "$dest.runwarden-new"
        chown 0:0 "$dest.runwarden-new"
        mv -f "$dest.runwarden-new" "$dest"
}

# link NAME: $bindir/NAME -> runwarden, atomically.
link()
{
        local dest=$host$bindir/$1
        ln -sfn runwarden "$dest.runwarden-new"
        mv -Tf "$dest.runwarden-new" "$dest"
}

# The drop-in for the node's config: version 3 is containerd 2.x's own layout; a version 2 file
# (or none) is read by containerd 1.x and converted by 2.x.
dropin_for_config()
{
        if [ -f "$host$containerd_config" ] &&
                grep -Eq '^[[:space:]]*version[[:space:]]*=[[:space:]]*3[[:space:]]*$' "$host$containerd_config"; then
                echo "$payload/containerd/containerd-2.toml"
        else
                echo "$payload/containerd/runwarden.toml"
        fi
}

restart_containerd()
{
        case $restart in
        systemd)
                say "restarting containerd (running containers keep running)"
                nsenter --target 1 --mount --uts --ipc --net --pid -- systemctl restart containerd ||
                        die "systemctl restart containerd failed on the node"
                ;;
        none)
                say "containerd's configuration changed: restart containerd to apply it"
                ;;
        *) die "RW_RESTART must be systemd or none, not '$restart'" ;;
        esac
}

# merge_handlers [--remove]: the handlers into (or out of) the node's containerd config; returns
# 0 and sets CHANGED when the file changed.
merge_handlers()
{
        local before after
        before=$({ sha256sum <"$host$containerd_config"; } 2>/dev/null || echo none)
        mkdir -p "$host$(dirname "$containerd_config")"
        python3 "$payload/containerd/merge-dropin.py" "$@" "$host$containerd_config" \
                "$(dropin_for_config)" || die "merging runwarden's handlers into $containerd_config failed"
        after=$({ sha256sum <"$host$containerd_config"; } 2>/dev/null || echo none)
        CHANGED=false
        [ "$before" = "$after" ] || CHANGED=true
}

install()
{
        local rwctl=$payload/bin/runwardenctl tier name f
        [ -d "$host/etc" ] || die "the node's root is not mounted at $host"
        [ -f "$policy" ] || die "no policy at $policy (the ConfigMap runwarden-policy)"
        # Validated by the runwardenctl of the image before anything on the node changes.
        "$rwctl" policy validate "$policy" || die "the policy $policy is not valid; nothing installed"

        put "$payload/bin/runwarden" "$bindir/runwarden" 0755
        put "$payload/bin/runwardenctl" "$bindir/runwardenctl" 0755
        # The egress hook, at the path compiled into runwarden (prefix /usr/local).
        put "$payload/libexec/runwarden/runwarden-egress-hook" "$libexecdir/runwarden-egress-hook" 0755
        for f in "$payload/share/runwarden/seccomp/"*.json; do
                put "$f" "$sharedir/seccomp/${f##*/}" 0644
        done
        # One link per tier of the policy and per handler of the drop-in (a handler naming a tier
        # the policy lacks is then refused with that reason, not with a missing binary).
        for tier in $(jq -r '.tiers | keys[]' "$policy"); do
                link "runwarden-$tier"
        done
        while read -r name; do
                link "$name"
        done < <(sed -n 's#^ *BinaryName = "'"$bindir"'/\(runwarden-[a-z0-9-]*\)"$#\1#p' "$(dropin_for_config)")
        put "$policy" /etc/runwarden/policy.json 0644
        chmod 0755 "$host/etc/runwarden"
        mkdir -p "$host/var/log/runwarden"
        chmod 0750 "$host/var/log/runwarden"

        case $check in
        chroot) chroot "$host" "$bindir/runwardenctl" policy validate /etc/runwarden/policy.json ;;
        direct) "$host$bindir/runwardenctl" policy validate "$host/etc/runwarden/policy.json" ;;
        *) die "RW_CHECK must be chroot or direct, not '$check'" ;;
        esac || die "the installed runwardenctl cannot run on the node or rejects the installed policy"

        merge_handlers
        if [ "$CHANGED" = true ]; then
                restart_containerd
        else
                say "containerd already has runwarden's handlers"
        fi
        say "installed: $bindir/runwarden, tiers $(jq -r '.tiers | keys | join(", ")' "$policy")"
        date -u +%FT%TZ >"$ready"
}

uninstall()
{
        local f
        [ -d "$host/etc" ] || die "the node's root is not mounted at $host"
        rm -f "$ready"
        if [ -f "$host$containerd_config" ]; then
                merge_handlers --remove
                [ "$CHANGED" = false ] || restart_containerd
        fi
        for f in "$host$bindir"/runwarden-*; do
                [ -L "$f" ] && [ "$(readlink "$f")" = runwarden ] && rm -f "$f"
        done
        rm -f "$host$bindir/runwarden" "$host$bindir/runwardenctl" "$host/etc/runwarden/policy.json"
        rm -rf "$host$sharedir" "$host$libexecdir"
        rmdir "$host/etc/runwarden" 2>/dev/null || true
        say "removed; the decision log in /var/log/runwarden is kept"
}

case ${1:-} in
install)
        install
        if [ "${2:-}" = --stay ]; then
                trap 'exit 0' TERM INT
                sleep infinity &
                wait
        fi
        ;;
uninstall) uninstall ;;
*)
        echo "usage: $0 install [--stay] | uninstall" >&2
        exit 2
        ;;
esac
