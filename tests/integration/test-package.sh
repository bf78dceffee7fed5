#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# shellcheck disable=SC2016  # jq filters name jq $variables in single quotes
#
# The Debian package, built from a scratch copy of this tree with dpkg-buildpackage, then checked
# with dpkg-deb and installed into a scratch root with dpkg --root (never into the host). In that
# root: the default delegate link postinst makes, runwarden handing off through it, and
# `runwardenctl setup everywhere` for real: runc diverted, every runc name runwarden, an upgrade of
# runc landing at the diverted path, --undo, and the package's removal undoing it. The scratch
# root is a busybox with the few libraries runwarden, runc and dpkg-divert need; other engineers'
# runc on this host is never touched.
set -uo pipefail # no -e: every check runs and counts

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"

[ "$(id -u)" = 0 ] || rw_fatal "installs into a scratch root and chroots into it: must run as root"
[ -n "${RW_SOURCE_ROOT:-}" ] || rw_fatal "RW_SOURCE_ROOT is not set (run through meson test)"
rw_need_cmd dpkg-buildpackage dpkg-deb dpkg dpkg-divert dpkg-checkbuilddeps dh git jq tar \
        chroot unshare ldd sha256sum busybox
BUSYBOX=$(command -v busybox)
readelf -l "$BUSYBOX" | grep -q 'Requesting program interpreter' &&
        rw_fatal "$BUSYBOX is dynamically linked (apt-get install busybox-static)"
[ -x /usr/sbin/runc ] || rw_fatal "runc is not installed at /usr/sbin/runc (apt-get install runc)"

RW_TMP=$(mktemp -d /tmp/rw-package.XXXXXX)
RW_LOG=$RW_TMP/none.log
trap 'rm -rf "$RW_TMP"' EXIT

VERSION=$(sed -n "s/^ *version : '\([^']*\)',/\1/p" "$RW_SOURCE_ROOT/meson.build")
mapfile -t TIERS < <(jq -r '.tiers | keys[]' "$RW_SOURCE_ROOT/deploy/policy/policy.json")
ARCH=$(dpkg --print-architecture)
DEB=$RW_TMP/runwarden_${VERSION}_$ARCH.deb

# ---- build --------------------------------------------------------------------------------
# The files of the tree as git sees them (tracked and new, not ignored): no build directory.
SRC=$RW_TMP/src
mkdir -p "$SRC"
git -C "$RW_SOURCE_ROOT" ls-files -z -c -o --exclude-standard |
        (cd "$RW_SOURCE_ROOT" && tar -c --null -T -) | tar -x -C "$SRC" ||
        rw_fatal "copying the tree failed"
(cd "$SRC" && dpkg-checkbuilddeps) >"$RW_TMP/checkbuilddeps.log" 2>&1
RW_RC=$?
OUT=$RW_TMP/checkbuilddeps.log ERR=$OUT
rw_expect_rc "dpkg-checkbuilddeps: the build dependencies of debian/control are installed" 0
start=$SECONDS
(cd "$SRC" && DEB_BUILD_OPTIONS="nocheck parallel=$(nproc)" dpkg-buildpackage -us -uc -b) \
        >"$RW_TMP/build.log" 2>&1
RW_RC=$?
echo "# dpkg-buildpackage took $((SECONDS - start)) s"
OUT=$RW_TMP/build.log ERR=$OUT
rw_expect_rc "dpkg-buildpackage -us -uc -b: exit 0" 0
[ -f "$DEB" ] || {
        tail -n 40 "$RW_TMP/build.log"
        rw_fatal "no $DEB after the build"
}

# ---- what the package holds ---------------------------------------------------------------
dpkg-deb -f "$DEB" Package Version Architecture Depends >"$RW_TMP/fields"
rw_expect_grep "dpkg-deb: Package runwarden" "$RW_TMP/fields" '^Package: runwarden$'
rw_expect_grep "dpkg-deb: Version is meson's" "$RW_TMP/fields" "^Version: $VERSION\$"
for lib in libc6 libjansson4 libseccomp2 libcap-ng0 libmnl0 libnftnl11; do
        rw_expect_grep "dpkg-deb: Depends on $lib (shlibs)" "$RW_TMP/fields" "^Depends: .*\\b$lib\\b"
done
dpkg-deb --ctrl-tarfile "$DEB" | tar -xO ./conffiles >"$RW_TMP/conffiles"
rw_expect_eq "dpkg-deb: the policy is the one conffile" /etc/runwarden/policy.json \
        "$(cat "$RW_TMP/conffiles")"

dpkg -c "$DEB" | awk '{ print $1 " " $6 ($7 == "->" ? " -> " $8 : "") }' >"$RW_TMP/contents"
for f in ./usr/bin/runwarden ./usr/bin/runwardenctl; do
        rw_expect_grep "dpkg -c: $f, executable" "$RW_TMP/contents" "^-rwxr-xr-x ${f//./\\.}\$"
done
rw_expect_eq "dpkg -c: one runwarden-TIER link per tier of the shipped policy, to runwarden" \
        "$(for t in "${TIERS[@]}"; do echo "./usr/bin/runwarden-$t -> runwarden"; done | sort)" \
        "$(grep -E '^l.* \./usr/bin/runwarden-' "$RW_TMP/contents" | cut -d' ' -f2- | sort)"
rw_expect_eq "dpkg -c: each link's manual page is runwarden(8)" \
        "$(for t in "${TIERS[@]}"; do echo "./usr/share/man/man8/runwarden-$t.8.gz -> runwarden.8.gz"; done | sort)" \
        "$(grep -E '^l.* \./usr/share/man/man8/runwarden-' "$RW_TMP/contents" | cut -d' ' -f2- | sort)"
for m in man8/runwarden.8 man8/runwardenctl.8 man5/runwarden-policy.5; do
        rw_expect_grep "dpkg -c: man page $m" "$RW_TMP/contents" "^-.* \\./usr/share/man/$m\\.gz\$"
done
for p in "$RW_SOURCE_ROOT"/seccomp-profiles/*.json; do
        rw_expect_grep "dpkg -c: seccomp profile $(basename "$p")" "$RW_TMP/contents" \
                "^-.* \\./usr/share/runwarden/seccomp/$(basename "$p")\$"
done
rw_expect_grep "dpkg -c: /etc/runwarden/policy.json" "$RW_TMP/contents" '^-rw-r--r-- \./etc/runwarden/policy\.json$'
rw_expect_grep "dpkg -c: the directory for the default delegate" "$RW_TMP/contents" '^d.* \./usr/libexec/runwarden/$'
rw_expect_grep "dpkg -c: the egress hook where runwarden looks for it, executable" "$RW_TMP/contents" \
        '^-rwxr-xr-x \./usr/libexec/runwarden/runwarden-egress-hook$'
rw_expect_no_grep "dpkg -c: no delegate file of the package's own (postinst links it)" \
        "$RW_TMP/contents" 'usr/libexec/runwarden/runc'
dpkg-deb -x "$DEB" "$RW_TMP/x"
rw_expect_same "the conffile is the example policy" "$RW_SOURCE_ROOT/deploy/policy/policy.json" \
        "$RW_TMP/x/etc/runwarden/policy.json"
rw_expect_eq "the man pages name this build's default delegate" 1 \
        "$(zcat "$RW_TMP/x/usr/share/man/man8/runwarden.8.gz" | grep -c -m1 '/usr/libexec/runwarden/runc')"

# ---- a scratch root -----------------------------------------------------------------------
R=$RW_TMP/root
mkdir -p "$R"/{bin,usr/bin,usr/sbin,tmp,proc,dev} "$R/var/lib/dpkg"/{info,updates,triggers}
touch "$R/var/lib/dpkg/status" "$R/var/lib/dpkg/available"
cp "$BUSYBOX" "$R/bin/busybox"
for applet in sh [ test ln rm cat echo readlink; do
        ln -s busybox "$R/bin/$applet"
done
# The libraries of what runs inside: runwarden, runwardenctl, runc, dpkg-divert.
cp /usr/bin/dpkg-divert "$R/usr/bin/dpkg-divert"
for lib in $(ldd "$RW_TMP/x/usr/bin/runwarden" "$RW_TMP/x/usr/bin/runwardenctl" /usr/sbin/runc \
        /usr/bin/dpkg-divert | grep -o '/[^ ]*\.so[^ ]*' | sort -u); do
        mkdir -p "$R$(dirname "$lib")"
        cp -L "$lib" "$R$lib"
done
# in_root_proc CMD...: in the root with its own /proc (as on any host), in a mount namespace of
# its own.
in_root_proc()
{
        unshare -m sh -c 'mount -t proc proc "$0/proc" && exec env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin chroot "$0" "$@"' \
                "$R" "$@"
}
IN_ROOT=(in_root_proc)


# A runc package laid out as Debian's: the binary in /usr/sbin, a symlink in /usr/bin.
make_runc_deb()
{
        local version=$1 binary=$2 dir=$RW_TMP/runc-$1
        mkdir -p "$dir/DEBIAN" "$dir/usr/sbin" "$dir/usr/bin"
        cp "$binary" "$dir/usr/sbin/runc"
        chmod 755 "$dir/usr/sbin/runc"
        ln -s ../sbin/runc "$dir/usr/bin/runc"
        printf 'Package: runc\nVersion: %s\nArchitecture: %s\nMaintainer: runwarden tests <t@example.org>\nDescription: runc for a scratch root\n' \
                "$version" "$ARCH" >"$dir/DEBIAN/control"
        dpkg-deb --root-owner-group -b "$dir" "$RW_TMP/runc_$version.deb" >/dev/null
}
make_runc_deb 1.1.5+ds1-1+test1 /usr/sbin/runc
RUNC_SUM=$(rw_sha256 /usr/sbin/runc)
rw_capture install-runc dpkg --root "$R" -i "$RW_TMP/runc_1.1.5+ds1-1+test1.deb"
rw_expect_rc "scratch root: runc installed with dpkg --root" 0

# runwarden's library dependencies are copied, not packaged, in this root.
rw_capture install dpkg --root "$R" --force-depends -i "$DEB"
rw_expect_rc "dpkg --root -i runwarden: exit 0" 0
rw_expect_eq "installed: dpkg knows the package" "install ok installed" \
        "$(dpkg-query --root "$R" -W -f '${Status}' runwarden)"
rw_expect_grep "installed: the policy is a conffile" <(dpkg-query --root "$R" -W -f '${Conffiles}' runwarden) \
        '^ /etc/runwarden/policy\.json [0-9a-f]{32}$'
for t in "${TIERS[@]}"; do
        rw_expect_eq "installed: runwarden-$t -> runwarden" runwarden "$(readlink "$R/usr/bin/runwarden-$t")"
done
rw_expect_eq "postinst: the default delegate links to runc" /usr/sbin/runc \
        "$(readlink "$R/usr/libexec/runwarden/runc")"
# Without /proc runwarden cannot tell whether its delegate is itself: it refuses.
rw_capture noproc env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin chroot "$R" /usr/bin/runwarden --version
rw_expect_rc "without /proc: runwarden refuses rather than risk a loop" 1
rw_expect_grep "without /proc: it says why" "$ERR" '/proc/self/exe'
rw_capture version "${IN_ROOT[@]}" /usr/bin/runwarden --version
rw_expect_rc "runwarden --version hands off to the default delegate: exit 0" 0
rw_expect_grep "runwarden --version: runc answers through the default delegate" "$OUT" '^runc version '

# ---- everywhere mode ----------------------------------------------------------------------
rw_capture everywhere "${IN_ROOT[@]}" /usr/bin/runwardenctl setup everywhere
rw_expect_rc "setup everywhere: exit 0" 0
rw_expect_eq "everywhere: /usr/sbin/runc is a link to runwarden" /usr/bin/runwarden \
        "$(readlink "$R/usr/sbin/runc")"
rw_expect_eq "everywhere: the real runc is the default delegate" "$RUNC_SUM" \
        "$(rw_sha256 "$R/usr/libexec/runwarden/runc")"
rw_expect_eq "everywhere: the diversion is runwarden's" \
        "diversion of /usr/sbin/runc to /usr/libexec/runwarden/runc by runwarden" \
        "$(dpkg-divert --root "$R" --list)"
rw_capture runc-name "${IN_ROOT[@]}" runc --version
rw_expect_grep "everywhere: runc --version still answers (runwarden -> the real runc)" "$OUT" '^runc version '
rw_capture runc-bin "${IN_ROOT[@]}" /usr/bin/runc --version
rw_expect_grep "everywhere: /usr/bin/runc (Debian's link) goes the same way" "$OUT" '^runc version '
rw_capture runc-is-runwarden "${IN_ROOT[@]}" runc --runtime /usr/libexec/runwarden/runc --version
rw_expect_rc "everywhere: runc takes runwarden's own --runtime flag: it is runwarden" 0
rw_capture loop in_root_proc runc --runtime /usr/sbin/runc --version
rw_expect_rc "everywhere: a delegate that is runwarden itself is refused" 1
rw_expect_grep "everywhere: the refusal names the loop" "$ERR" 'is runwarden itself'
rw_capture everywhere-again "${IN_ROOT[@]}" /usr/bin/runwardenctl setup everywhere
rw_expect_rc "setup everywhere, second run: exit 0" 0
rw_expect_grep "setup everywhere, second run: unchanged" "$OUT" '^unchanged: everywhere mode is on'
rw_capture undo-dry "${IN_ROOT[@]}" /usr/bin/runwardenctl setup everywhere --undo --dry-run
rw_expect_grep "undo --dry-run: says what it would do" "$OUT" '^dry run: nothing changed$'
rw_expect_eq "undo --dry-run: still diverted" /usr/bin/runwarden "$(readlink "$R/usr/sbin/runc")"

# An upgrade of runc while diverted lands at the diverted path; runwarden hands off to it.
printf '#!/bin/sh\necho "runc version 1.1.99+upgraded"\n' >"$RW_TMP/runc-upgraded"
make_runc_deb 1.1.99-1 "$RW_TMP/runc-upgraded"
rw_capture upgrade dpkg --root "$R" -i "$RW_TMP/runc_1.1.99-1.deb"
rw_expect_rc "runc upgraded while diverted: exit 0" 0
rw_expect_eq "upgrade: /usr/sbin/runc is still runwarden" /usr/bin/runwarden "$(readlink "$R/usr/sbin/runc")"
rw_expect_same "upgrade: the new runc is at the diverted path" "$RW_TMP/runc-upgraded" \
        "$R/usr/libexec/runwarden/runc"
rw_capture after-upgrade "${IN_ROOT[@]}" runc --version
rw_expect_grep "upgrade: runc --version reaches the new runc through runwarden" "$OUT" \
        '^runc version 1\.1\.99\+upgraded$'

rw_capture undo "${IN_ROOT[@]}" /usr/bin/runwardenctl setup everywhere --undo
rw_expect_rc "setup everywhere --undo: exit 0" 0
rw_expect_same "undo: /usr/sbin/runc is the (upgraded) runc again" "$RW_TMP/runc-upgraded" \
        "$R/usr/sbin/runc"
rw_expect_eq "undo: no diversion" "" "$(dpkg-divert --root "$R" --list)"
rw_expect_eq "undo: the default delegate links to runc again" /usr/sbin/runc \
        "$(readlink "$R/usr/libexec/runwarden/runc")"
rw_capture undo-again "${IN_ROOT[@]}" /usr/bin/runwardenctl setup everywhere --undo
rw_expect_grep "undo, second run: unchanged" "$OUT" '^unchanged: everywhere mode is off'

# Removing runwarden in everywhere mode puts runc back first (prerm).
rw_capture everywhere-3 "${IN_ROOT[@]}" /usr/bin/runwardenctl setup everywhere
rw_expect_rc "setup everywhere before the purge: exit 0" 0
rw_capture purge env PATH=/usr/sbin:/usr/bin:/sbin:/bin dpkg --root "$R" --purge runwarden
rw_expect_rc "dpkg --purge runwarden in everywhere mode: exit 0" 0
rw_expect_same "purge: /usr/sbin/runc is runc again" "$RW_TMP/runc-upgraded" "$R/usr/sbin/runc"
rw_expect_eq "purge: no diversion left" "" "$(dpkg-divert --root "$R" --list)"
rw_expect_eq "purge: no default delegate link left" no \
        "$([ -e "$R/usr/libexec/runwarden/runc" ] || [ -L "$R/usr/libexec/runwarden/runc" ] && echo yes || echo no)"
rw_expect_eq "purge: the conffile is gone" no "$([ -e "$R/etc/runwarden/policy.json" ] && echo yes || echo no)"
rw_expect_eq "purge: runc still works" "runc version 1.1.99+upgraded" "$("${IN_ROOT[@]}" runc --version)"

rw_summary
