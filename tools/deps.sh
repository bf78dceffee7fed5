# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
#
# Sourced by tools/test.sh and tools/demo.sh: install what building and testing runwarden needs
# from Debian's packages, and nothing when all of it is already there.

rw_deps_packages=(
        gcc libc6-dev make python3 meson ninja-build pkg-config
        libjansson-dev libseccomp-dev libcap-ng-dev libmnl-dev libnftnl-dev libcmocka-dev
        clang-format jq binutils procps util-linux iproute2 nftables hyperfine
        runc crun runsc containerd docker.io busybox-static mmdebstrap e2fsprogs
        python3-grpcio python3-grpc-tools python3-yaml python3-toml containernetworking-plugins
        podman
        golang-go golang-github-opencontainers-specs-dev
        clang libclang-rt-14-dev llvm
        # install, setup, doctor, the Debian package (tests/integration/test-{install,setup,
        # doctor,package}.sh)
        golang-github-containers-common dpkg-dev debhelper git groff-base man-db
        bsdextrautils gzip
        # lxcfs's views allowed by a tier (tests/integration/test-policy.sh runs one of its own)
        lxcfs
        # the benchmarks (bench/run.sh; its smoke run is the bench test suite): profilers and
        # GNU time for the peak RSS
        linux-perf valgrind time
)

rw_install_deps()
{
        local missing=() pkg status
        for pkg in "${rw_deps_packages[@]}"; do
                status=$(dpkg-query -W -f '${db:Status-Status}' "$pkg" 2>/dev/null || true)
                [ "$status" = installed ] || missing+=("$pkg")
        done
        if [ "${#missing[@]}" -eq 0 ]; then
                return 0
        fi
        if [ "$(id -u)" != 0 ]; then
                echo "FATAL: missing packages (${missing[*]}) and not root to install them" >&2
                return 1
        fi
        echo "== installing: ${missing[*]}"
        # Installing docker.io or containerd must not start daemons: the tests start and stop
        # their own. policy-rc.d is Debian's switch for that; a pre-existing one is left alone.
        local own_policy=
        if [ ! -e /usr/sbin/policy-rc.d ]; then
                printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
                chmod 755 /usr/sbin/policy-rc.d
                own_policy=1
        fi
        local rc=0
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -q || rc=$?
        if [ "$rc" -eq 0 ]; then
                apt-get install -y -q --no-install-recommends "${missing[@]}" </dev/null || rc=$?
        fi
        if [ -n "$own_policy" ]; then
                rm -f /usr/sbin/policy-rc.d
        fi
        if [ "$rc" -ne 0 ]; then
                echo "FATAL: apt-get failed ($rc) installing: ${missing[*]}" >&2
        fi
        return "$rc"
}
