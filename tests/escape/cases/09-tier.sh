# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash disable=SC2016
#
# Class 9 (issue 12): a tier choice a client can make. The shipped policy must not let an
# annotation a client sets pick the trusted tier (CAP_NET_BIND_SERVICE, pids 16384).

not_trusted='c=$(grep CapEff /proc/self/status | cut -f2); p=$(cat /sys/fs/cgroup/pids/pids.max); echo CapEff $c pids.max $p
if [ $(( (0x$c >> 10) & 1 )) = 1 ]; then echo ESC-REACHED CAP_NET_BIND_SERVICE is effective; fi
if [ "$p" != 4096 ]; then echo ESC-REACHED pids.max $p is not the base tier value; fi'

esc_case tier.annotation-spec 9 spec 'refused|contained' - \
        'a raw spec with annotations runwarden.io/tier=trusted and runwarden.io/ephemeral=true (shipped policy)' \
        -- esc_bundle '.annotations = {"runwarden.io/tier": "trusted", "runwarden.io/ephemeral": "true"}' "$not_trusted"
esc_case tier.annotation-docker 9 docker-client 'refused|contained|impossible' - \
        'docker run --annotation runwarden.io/tier=trusted --annotation runwarden.io/ephemeral=true' \
        --note 'impossible: the client refuses to send annotations to a dockerd older than API 1.43 (Docker 24)' \
        -- esc_docker -- --annotation runwarden.io/tier=trusted --annotation runwarden.io/ephemeral=true -- "$not_trusted"
