# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash
#
# Real engines for the integration tests, started *beside* whatever dockerd and containerd the
# host already runs: a containerd and a dockerd of the test's own, each with its own socket,
# root/data-root, state/exec-root, pidfile, containerd namespaces and cgroup parent. They never
# touch the host's daemons, /var/lib/docker, /etc/docker or /etc/containerd, and everything they
# started is stopped, unmounted and removed on every exit path.
#
# runwarden reaches dockerd only by path (dockerd cannot pass arguments to a runtime, and its
# runtimeArgs wrapper runs the runtime without exec), so runwarden's compiled-in paths matter: the
# tree is built and installed into a scratch prefix whose policy path is PREFIX/etc/runwarden/
# policy.json, and a test places its own policy there. The install is cached in the build tree
# and rebuilt incrementally; a lock keeps one engine session per build tree at a time, so that no
# policy or binary changes under another test's daemon.
#
# Use (after lib.sh):
#   rw_init; rw_eng_init                # scratch dirs, the exit trap, the install, a policy
#   rw_eng_on_exit CMD...               # extra cleanup, run first on exit (do not trap EXIT)
#   rw_eng_start_containerd [--cri] [--merge TOML]...  # own containerd; the CRI plugin only
#                                       # when asked; TOML files merged into its config key by key
#   rw_eng_start_dockerd [--runtime NAME=PATH]... [--default-runtime NAME]  # own dockerd (and
#                                       # containerd); DOCKER_HOST
#   docker ...                          # talks to the own dockerd, whichever client it is
#   rw_eng_ctr ...                      # ctr on the own containerd, namespace RW_ENG_CTR_NS
#   rw_eng_ctr_run ...                  # ctr run keeping its FIFOs and runc root in scratch
#   rw_eng_busybox_image NAME           # busybox + probe imported into the own dockerd
#   rw_eng_ctr_busybox_image NAME       # the same image imported into the own containerd
#   rw_eng_policy FILE                  # replace the policy runwarden reads
#
# Variables set by rw_eng_init: RW_ENG_DIR (scratch), RW_ENG_PREFIX (the install),
# RW_ENG_RUNTIME (PREFIX/bin/runwarden), RW_ENG_POLICY (its compiled-in policy path),
# RW_ENG_AUDIT (the decision log the default policy names), RW_ENG_DATA_ROOT (dockerd's),
# RW_ENG_CONTAINERD_SOCK, RW_ENG_DOCKER_SOCK, RW_ENG_TAG (unique name of this session),
# RW_ENG_CTR_NS.
#
# Optional environment: RW_ENG_CACHE (where the install is kept; default RW_BUILD_ROOT/engines),
# RW_ENG_READY_TIMEOUT (seconds a daemon may take to answer; default 60), RW_ENG_STOP_TIMEOUT
# (seconds between TERM and KILL; default 30).

rw_eng_containerd_pid=
rw_eng_dockerd_pid=
rw_eng_exit_hooks=()
rw_eng_lock_fd=

# rw_eng_init: after rw_init. Creates the scratch layout, installs the exit trap, builds and
# installs runwarden into the cached prefix (holding the lock until the test exits) and writes
# the default policy.
rw_eng_init()
{
        [ -n "${RW_TMP:-}" ] || rw_fatal "rw_eng_init needs rw_init first"
        rw_need_cmd containerd containerd-shim-runc-v2 ctr dockerd docker meson ninja flock \
                tar timeout
        RW_ENG_TAG=rw-eng-$(od -An -N4 -tx4 /dev/urandom | tr -d ' ')
        RW_ENG_DIR=$RW_TMP/eng
        RW_ENG_CTR_NS=$RW_ENG_TAG
        RW_ENG_CONTAINERD_SOCK=$RW_ENG_DIR/containerd.sock
        RW_ENG_DOCKER_SOCK=$RW_ENG_DIR/docker.sock
        RW_ENG_DATA_ROOT=$RW_ENG_DIR/docker
        RW_ENG_AUDIT=$RW_ENG_DIR/audit.jsonl
        mkdir -p "$RW_ENG_DIR"
        # Unix socket paths are limited to 107 bytes; the longest is containerd's ttrpc one.
        [ "${#RW_ENG_CONTAINERD_SOCK}" -lt 100 ] ||
                rw_fatal "scratch directory $RW_ENG_DIR is too long for unix sockets"

        trap rw_eng_exit EXIT
        trap 'exit 143' TERM INT HUP

        rw_eng_install
        rw_eng_default_policy
}

rw_eng_on_exit()
{
        rw_eng_exit_hooks+=("$*")
}

# The EXIT trap: the test's hooks (last registered first), the daemons, leftovers, lib.sh's
# cleanup. Keeps the test's exit status.
rw_eng_exit()
{
        local rc=$? i
        set +e
        for ((i = ${#rw_eng_exit_hooks[@]} - 1; i >= 0; i--)); do
                eval "${rw_eng_exit_hooks[i]}"
        done
        rw_eng_stop
        rw_cleanup
        exit "$rc"
}

# --- The installed runwarden -------------------------------------------------------------------

# rw_eng_install: meson setup (once) + compile + install into RW_ENG_PREFIX. Incremental, so the
# first test of a `meson test` run pays for the build and later ones only for a ninja no-op.
rw_eng_install()
{
        local cache=${RW_ENG_CACHE:-$RW_BUILD_ROOT/engines}
        mkdir -p "$cache"
        cache=$(cd "$cache" && pwd -P)
        exec {rw_eng_lock_fd}>"$cache/lock"
        if ! flock -n "$rw_eng_lock_fd"; then
                echo "# waiting for another engine test of this build tree ($cache/lock)"
                flock -w 900 "$rw_eng_lock_fd" ||
                        rw_fatal "another engine test held $cache/lock for 15 minutes"
        fi

        RW_ENG_PREFIX=$cache/prefix
        RW_ENG_RUNTIME=$RW_ENG_PREFIX/bin/runwarden
        RW_ENG_POLICY=$RW_ENG_PREFIX/etc/runwarden/policy.json
        local build=$cache/build log=$cache/install.log
        local setup=(meson setup "$build" "$RW_SOURCE_ROOT" --prefix "$RW_ENG_PREFIX"
                -Dpolicy_path="$RW_ENG_POLICY" -Dintegration_tests=false)
        # A build directory set up for another source tree or prefix is started afresh.
        if [ ! -f "$build/build.ninja" ] || [ "$(cat "$cache/setup.cmd" 2>/dev/null)" != "${setup[*]}" ]; then
                rm -rf "$build" "$RW_ENG_PREFIX" "$cache/setup.cmd"
                echo "# building runwarden into the scratch prefix $RW_ENG_PREFIX"
                if ! "${setup[@]}" >"$log" 2>&1; then
                        tail -n 40 "$log" >&2
                        rw_fatal "meson setup of the scratch install failed"
                fi
                printf '%s' "${setup[*]}" >"$cache/setup.cmd"
        fi
        if ! meson compile -C "$build" >>"$log" 2>&1 ||
                ! meson install -C "$build" --no-rebuild >>"$log" 2>&1; then
                tail -n 40 "$log" >&2
                rw_fatal "building or installing runwarden into $RW_ENG_PREFIX failed"
        fi
        [ -x "$RW_ENG_RUNTIME" ] || rw_fatal "meson install put no runwarden at $RW_ENG_RUNTIME"
        [ -f "$RW_ENG_PREFIX/share/runwarden/seccomp/ci-default.json" ] ||
                rw_fatal "meson install put no seccomp profile under $RW_ENG_PREFIX/share/runwarden"
        mkdir -p "$(dirname "$RW_ENG_POLICY")"
}

# rw_eng_policy FILE: the policy the installed runwarden reads from now on (every runwarden call
# reads it afresh, so a test may switch between containers).
rw_eng_policy()
{
        if ! cp "$1" "$RW_ENG_POLICY.new" || ! mv "$RW_ENG_POLICY.new" "$RW_ENG_POLICY"; then
                rw_fatal "cannot install the policy $1 at $RW_ENG_POLICY"
        fi
}

# rw_eng_default_policy: runwarden's baseline as one tier, "default", plus what this engine
# session needs. The own dockerd keeps volumes and per-container files (hosts, resolv.conf, shm)
# under a data-root that is not /var/lib/docker, so those two directories are listed as bind
# prefixes, exactly what the built-in list grants /var/lib/docker. The decision log goes to the
# scratch directory. Extra tiers: rw_eng_default_policy_json TIERS_JSON.
rw_eng_default_policy()
{
        rw_eng_default_policy_json '{}' >"$RW_ENG_DIR/policy.json"
        rw_eng_policy "$RW_ENG_DIR/policy.json"
}

# rw_eng_default_policy_json EXTRA_TIERS_JSON [EXTRA_BIND_PREFIXES_JSON]: the default policy on
# stdout with more tiers (an object name → tier, each extending "default" unless it says
# otherwise) and more bind prefixes for every tier. Strictness: the extra tiers are listed as
# less strict than "default".
rw_eng_default_policy_json()
{
        jq -n --arg volumes "$RW_ENG_DATA_ROOT/volumes" \
                --arg containers "$RW_ENG_DATA_ROOT/containers" --arg audit "$RW_ENG_AUDIT" \
                --argjson extra "$1" --argjson binds "${2:-[]}" '
                ([{path: $volumes, read_only: false}, {path: $containers, read_only: false}]
                 + $binds) as $prefixes
                | {version: 1, default_tier: "default",
                   strictness: (($extra | keys) + ["default"]),
                   audit_log: {path: $audit, on_failure: "refuse"},
                   tiers: ({default: {extends: "baseline", bind_prefixes: $prefixes}}
                           + ($extra | map_values({extends: "default"} + .)))}'
}

# --- Daemons ------------------------------------------------------------------------------------

# rw_eng_fail_daemon NAME LOG: fatal, with the end of the daemon's log.
rw_eng_fail_daemon()
{
        echo "FATAL: $1 did not become ready; the end of its log ($2):" >&2
        tail -n 40 "$2" >&2 || true
        exit 1
}

# rw_eng_wait_ready NAME PID LOG CMD...: until CMD succeeds (the socket answers), the daemon
# dies, or RW_ENG_READY_TIMEOUT passes.
rw_eng_wait_ready()
{
        local name=$1 pid=$2 log=$3 deadline
        shift 3
        deadline=$((SECONDS + ${RW_ENG_READY_TIMEOUT:-60}))
        while ! timeout 10 "$@" >/dev/null 2>&1; do
                kill -0 "$pid" 2>/dev/null || rw_eng_fail_daemon "$name (exited)" "$log"
                [ "$SECONDS" -lt "$deadline" ] ||
                        rw_eng_fail_daemon "$name (no answer in ${RW_ENG_READY_TIMEOUT:-60} s)" "$log"
                sleep 0.2
        done
}

# rw_eng_start_containerd [--cri] [--merge TOML]...: a containerd with its own sockets, root,
# state, plugin dir and config; no CRI plugin unless --cri (then its streaming server listens on
# loopback only). Each --merge file is merged into that config key by key, by the tool an
# operator uses for runwarden's handlers (deploy/containerd/merge-dropin.py), in order.
# shellcheck disable=SC2120  # tests outside this file pass --cri
rw_eng_start_containerd()
{
        local cri=false merges=() merge
        while [ $# -gt 0 ]; do
                case $1 in
                --cri) cri=true ;;
                --merge)
                        [ $# -ge 2 ] || rw_fatal "rw_eng_start_containerd: --merge FILE"
                        merges+=("$2")
                        shift
                        ;;
                *) rw_fatal "rw_eng_start_containerd: unknown option $1" ;;
                esac
                shift
        done
        [ -z "$rw_eng_containerd_pid" ] || rw_fatal "rw_eng_start_containerd: already started"
        local d=$RW_ENG_DIR/containerd config=$RW_ENG_DIR/containerd.toml
        mkdir -p "$d/root" "$d/state" "$d/plugins" "$d/opt"
        {
                echo "version = 2"
                echo "root = \"$d/root\""
                echo "state = \"$d/state\""
                echo "plugin_dir = \"$d/plugins\""
                if [ "$cri" = true ]; then
                        echo 'disabled_plugins = []'
                else
                        echo 'disabled_plugins = ["io.containerd.grpc.v1.cri"]'
                fi
                echo "[grpc]"
                echo "  address = \"$RW_ENG_CONTAINERD_SOCK\""
                echo "[ttrpc]"
                echo "  address = \"$RW_ENG_CONTAINERD_SOCK.ttrpc\""
                echo "[debug]"
                echo '  address = ""'
                echo "[metrics]"
                echo '  address = ""'
                # The opt plugin would otherwise create /opt/containerd on the host.
                echo '[plugins."io.containerd.internal.v1.opt"]'
                echo "  path = \"$d/opt\""
                if [ "$cri" = true ]; then
                        echo '[plugins."io.containerd.grpc.v1.cri"]'
                        echo '  stream_server_address = "127.0.0.1"'
                        echo '  stream_server_port = "0"'
                fi
        } >"$config"
        for merge in "${merges[@]}"; do
                /usr/bin/python3 "$RW_SOURCE_ROOT/deploy/containerd/merge-dropin.py" \
                        --backup "$config.before-merge" "$config" "$merge" >>"$RW_ENG_DIR/merge.log" ||
                        rw_fatal "merging $merge into the containerd config failed"
        done
        echo "# starting containerd on $RW_ENG_CONTAINERD_SOCK"
        containerd --config "$config" >"$RW_ENG_DIR/containerd.log" 2>&1 {rw_eng_lock_fd}>&- &
        rw_eng_containerd_pid=$!
        rw_eng_wait_ready containerd "$rw_eng_containerd_pid" "$RW_ENG_DIR/containerd.log" \
                ctr --address "$RW_ENG_CONTAINERD_SOCK" version
}

# rw_eng_ctr ARG...: ctr on the own containerd, in this session's namespace.
rw_eng_ctr()
{
        ctr --address "$RW_ENG_CONTAINERD_SOCK" --namespace "$RW_ENG_CTR_NS" "$@"
}

# rw_eng_ctr_run ARG...: `ctr run` whose FIFOs and runc state stay in the scratch directory
# (ctr's defaults are under /run/containerd). Add --runc-binary "$RW_ENG_RUNTIME" for runwarden.
rw_eng_ctr_run()
{
        mkdir -p "$RW_ENG_DIR/fifo" "$RW_ENG_DIR/runc"
        rw_eng_ctr run --fifo-dir "$RW_ENG_DIR/fifo" --runc-root "$RW_ENG_DIR/runc" "$@"
}

# rw_eng_docker_env: every later docker call of the test (and of its children) goes to the own
# dockerd with an empty client configuration, whatever DOCKER_* the caller had set.
rw_eng_docker_env()
{
        local var
        for var in $(compgen -e); do
                case $var in
                DOCKER_*) unset "$var" ;;
                esac
        done
        export DOCKER_HOST=unix://$RW_ENG_DOCKER_SOCK
        export DOCKER_CONFIG=$RW_ENG_DIR/docker-config
        mkdir -p "$DOCKER_CONFIG"
        echo '{}' >"$DOCKER_CONFIG/config.json"
}

# rw_eng_start_dockerd [--runtime NAME=PATH]... [--default-runtime NAME]: a dockerd on the own
# containerd (started first if needed) with runtimes registered in its own config file:
# "runwarden" (the installed one) and each NAME=PATH given; the default runtime is runc unless
# --default-runtime names another (for clients that cannot choose one, like the Actions runner).
# No bridge, no iptables, no ip_forward change: containers use --network none (or networks the
# test creates).
rw_eng_start_dockerd()
{
        local runtimes default_runtime=runc
        runtimes=$(jq -n --arg rw "$RW_ENG_RUNTIME" '{runwarden: {path: $rw}}')
        while [ $# -gt 0 ]; do
                case $1 in
                --default-runtime)
                        [ $# -ge 2 ] || rw_fatal "rw_eng_start_dockerd: --default-runtime NAME"
                        default_runtime=$2
                        shift
                        ;;
                --runtime)
                        if [ $# -lt 2 ] || [[ $2 != *=/* ]]; then
                                rw_fatal "rw_eng_start_dockerd: --runtime NAME=/ABSOLUTE/PATH"
                        fi
                        runtimes=$(jq --arg n "${2%%=*}" --arg p "${2#*=}" '. + {($n): {path: $p}}' \
                                <<<"$runtimes")
                        shift
                        ;;
                *) rw_fatal "rw_eng_start_dockerd: unknown option $1" ;;
                esac
                shift
        done
        [ -z "$rw_eng_dockerd_pid" ] || rw_fatal "rw_eng_start_dockerd: already started"
        # shellcheck disable=SC2119  # containerd's options are not dockerd's
        [ -n "$rw_eng_containerd_pid" ] || rw_eng_start_containerd

        local config=$RW_ENG_DIR/daemon.json
        # deprecated-key-path: dockerd 20.10 writes its trust key to /etc/docker/key.json
        # unless told otherwise.
        jq -n --argjson runtimes "$runtimes" --arg key "$RW_ENG_DIR/key.json" \
                --arg cgroup "/$RW_ENG_TAG" --arg default "$default_runtime" \
                '{runtimes: $runtimes, "deprecated-key-path": $key, "cgroup-parent": $cgroup,
                  "default-runtime": $default}' \
                >"$config"
        mkdir -p "$RW_ENG_DATA_ROOT" "$RW_ENG_DIR/exec"
        echo "# starting dockerd on $RW_ENG_DOCKER_SOCK (runtimes: $(jq -c 'map_values(.path)' <<<"$runtimes"))"
        dockerd --config-file "$config" \
                --host "unix://$RW_ENG_DOCKER_SOCK" \
                --data-root "$RW_ENG_DATA_ROOT" \
                --exec-root "$RW_ENG_DIR/exec" \
                --pidfile "$RW_ENG_DIR/docker.pid" \
                --containerd "$RW_ENG_CONTAINERD_SOCK" \
                --containerd-namespace "$RW_ENG_TAG-docker" \
                --containerd-plugins-namespace "$RW_ENG_TAG-plugins" \
                --iptables=false --ip-forward=false --ip-masq=false --bridge=none \
                >"$RW_ENG_DIR/dockerd.log" 2>&1 {rw_eng_lock_fd}>&- &
        rw_eng_dockerd_pid=$!
        rw_eng_docker_env
        rw_eng_wait_ready dockerd "$rw_eng_dockerd_pid" "$RW_ENG_DIR/dockerd.log" \
                docker version --format '{{.Server.Version}}'
        echo "# docker client $(docker version --format '{{.Client.Version}}'), server $(docker version --format '{{.Server.Version}}')"
        local name
        for name in $(jq -r 'keys[]' <<<"$runtimes"); do
                docker info --format '{{json .Runtimes}}' | jq -e --arg n "$name" 'has($n)' \
                        >/dev/null || rw_eng_fail_daemon "dockerd (runtime $name not registered)" \
                        "$RW_ENG_DIR/dockerd.log"
        done
}

# rw_eng_stop_pid PID NAME: TERM, then KILL after RW_ENG_STOP_TIMEOUT seconds.
rw_eng_stop_pid()
{
        local pid=$1 name=$2 deadline
        kill -TERM "$pid" 2>/dev/null || return 0
        deadline=$((SECONDS + ${RW_ENG_STOP_TIMEOUT:-30}))
        while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do
                sleep 0.1
        done
        if kill -0 "$pid" 2>/dev/null; then
                echo "# $name ($pid) did not stop in ${RW_ENG_STOP_TIMEOUT:-30} s; killing it"
                kill -KILL "$pid" 2>/dev/null
        fi
        wait "$pid" 2>/dev/null
        return 0
}

# rw_eng_stop: what this session started, and only that. Containers first (through the daemons,
# while they still answer), then dockerd, then containerd; then the shims the own containerd
# started (their command line names its socket) and any process left in this session's cgroups;
# then the mounts under the scratch directory.
rw_eng_stop()
{
        local ids ns id pid
        if [ -n "$rw_eng_dockerd_pid" ]; then
                mapfile -t ids < <(timeout 30 docker ps -aq 2>/dev/null)
                [ "${#ids[@]}" -eq 0 ] || timeout 60 docker rm -f "${ids[@]}" >/dev/null 2>&1
                rw_eng_stop_pid "$rw_eng_dockerd_pid" dockerd
                rw_eng_dockerd_pid=
        fi
        if [ -n "$rw_eng_containerd_pid" ]; then
                for ns in $(timeout 10 ctr --address "$RW_ENG_CONTAINERD_SOCK" namespaces ls -q 2>/dev/null); do
                        for id in $(timeout 10 ctr --address "$RW_ENG_CONTAINERD_SOCK" -n "$ns" tasks ls -q 2>/dev/null); do
                                timeout 10 ctr --address "$RW_ENG_CONTAINERD_SOCK" -n "$ns" \
                                        tasks kill -s KILL "$id" >/dev/null 2>&1
                                timeout 10 ctr --address "$RW_ENG_CONTAINERD_SOCK" -n "$ns" \
                                        tasks delete -f "$id" >/dev/null 2>&1
                        done
                        for id in $(timeout 10 ctr --address "$RW_ENG_CONTAINERD_SOCK" -n "$ns" containers ls -q 2>/dev/null); do
                                timeout 10 ctr --address "$RW_ENG_CONTAINERD_SOCK" -n "$ns" \
                                        containers delete "$id" >/dev/null 2>&1
                        done
                done
                rw_eng_stop_pid "$rw_eng_containerd_pid" containerd
                rw_eng_containerd_pid=
        fi
        if [ -n "${RW_ENG_CONTAINERD_SOCK:-}" ]; then
                for pid in $(pgrep -f -- "-address $RW_ENG_CONTAINERD_SOCK( |\$)"); do
                        echo "# stopping a leftover shim of the own containerd ($pid)"
                        rw_eng_stop_pid "$pid" containerd-shim
                done
                rw_eng_kill_cgroups
        fi
        if [ -n "${RW_ENG_DIR:-}" ] && [ -d "$RW_ENG_DIR" ]; then
                rw_eng_unmount_under "$RW_ENG_DIR"
                rm -rf --one-file-system "$RW_ENG_DIR"
        fi
        return 0
}

# Processes left in this session's cgroups (docker's cgroup-parent, ctr's namespace) are killed
# and the cgroups removed, deepest first. A cgroup name holds the session's random tag.
rw_eng_kill_cgroups()
{
        local dirs dir pid
        dirs=$(find /sys/fs/cgroup -maxdepth 3 -type d -name "$RW_ENG_TAG*" 2>/dev/null)
        [ -n "$dirs" ] || return 0
        for dir in $dirs; do
                find "$dir" -name cgroup.procs -exec cat {} + 2>/dev/null |
                        while read -r pid; do kill -KILL "$pid" 2>/dev/null; done
        done
        sleep 0.2
        for dir in $dirs; do
                find "$dir" -depth -type d -exec rmdir {} + 2>/dev/null
        done
        return 0
}

# rw_eng_unmount_under DIR: every mount at or below DIR, deepest first (overlay rootfs, shm,
# netns files), so that nothing removed afterwards reaches into another filesystem.
rw_eng_unmount_under()
{
        local dir=$1 mp
        dir=$(readlink -f "$dir")
        # mountinfo escapes space, tab, newline and backslash as \NNN; %b reads \0NNN.
        while IFS= read -r mp; do
                umount "$mp" 2>/dev/null || umount -l "$mp" 2>/dev/null ||
                        echo "# could not unmount $mp"
        done < <(awk '{print $5}' /proc/self/mountinfo | while IFS= read -r raw; do
                printf '%b\n' "${raw//\\/\\0}"
        done | awk -v d="$dir" '$0 == d || index($0, d "/") == 1' |
                awk '{print length($0) "\t" $0}' | sort -rn | cut -f2-)
}

# --- Images without a registry ------------------------------------------------------------------

# rw_eng_busybox_image NAME: busybox (applets as symlinks) and the probe, imported into dockerd.
rw_eng_busybox_image()
{
        local rootfs=$RW_ENG_DIR/busybox-rootfs
        [ -d "$rootfs" ] || rw_make_rootfs "$rootfs"
        tar --numeric-owner -C "$rootfs" -c . | docker import - "$1" >/dev/null ||
                rw_fatal "docker import of the busybox rootfs as $1 failed"
}

# rw_eng_oci_archive ROOTFS_TAR NAME OUT [CONFIG_JSON]: an OCI image archive (one layer) that
# `ctr images import` reads, made from a rootfs tarball without any daemon. CONFIG_JSON is the
# image's run configuration (Env, Cmd, Entrypoint, ...; default: PATH and /bin/sh).
rw_eng_oci_archive()
{
        local layer=$1 name=$2 out=$3 dir
        local run_config=${4:-'{"Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], "Cmd": ["/bin/sh"]}'}
        dir=$(mktemp -d "$RW_ENG_DIR/oci.XXXXXX")
        mkdir -p "$dir/blobs/sha256"
        local diff size config config_digest config_size manifest manifest_digest manifest_size
        diff=$(sha256sum "$layer" | cut -d' ' -f1)
        size=$(stat -c %s "$layer")
        cp "$layer" "$dir/blobs/sha256/$diff"
        config=$(jq -cn --arg diff "sha256:$diff" --argjson run "$run_config" '{architecture: "amd64",
                os: "linux", config: $run, rootfs: {type: "layers", diff_ids: [$diff]}}')
        config_digest=$(printf '%s' "$config" | sha256sum | cut -d' ' -f1)
        config_size=$(printf '%s' "$config" | wc -c)
        printf '%s' "$config" >"$dir/blobs/sha256/$config_digest"
        manifest=$(jq -cn --arg c "sha256:$config_digest" --argjson cs "$config_size" \
                --arg l "sha256:$diff" --argjson ls "$size" '{schemaVersion: 2,
                mediaType: "application/vnd.oci.image.manifest.v1+json",
                config: {mediaType: "application/vnd.oci.image.config.v1+json", digest: $c, size: $cs},
                layers: [{mediaType: "application/vnd.oci.image.layer.v1.tar", digest: $l, size: $ls}]}')
        manifest_digest=$(printf '%s' "$manifest" | sha256sum | cut -d' ' -f1)
        manifest_size=$(printf '%s' "$manifest" | wc -c)
        printf '%s' "$manifest" >"$dir/blobs/sha256/$manifest_digest"
        jq -n --arg m "sha256:$manifest_digest" --argjson ms "$manifest_size" --arg name "$name" \
                '{schemaVersion: 2, manifests: [{mediaType: "application/vnd.oci.image.manifest.v1+json",
                  digest: $m, size: $ms, platform: {architecture: "amd64", os: "linux"},
                  annotations: {"io.containerd.image.name": $name,
                                "org.opencontainers.image.ref.name": ($name | sub(".*:"; ""))}}]}' \
                >"$dir/index.json"
        echo '{"imageLayoutVersion": "1.0.0"}' >"$dir/oci-layout"
        tar -C "$dir" -cf "$out" oci-layout index.json blobs
        rm -rf "$dir"
}

# rw_eng_ctr_busybox_image NAME: the busybox + probe image in the own containerd, namespace
# RW_ENG_CTR_NS, as NAME (a full reference such as docker.io/library/rw-busybox:test).
rw_eng_ctr_busybox_image()
{
        local rootfs=$RW_ENG_DIR/busybox-rootfs layer=$RW_ENG_DIR/busybox-layer.tar
        [ -d "$rootfs" ] || rw_make_rootfs "$rootfs"
        tar --numeric-owner -C "$rootfs" -cf "$layer" .
        rw_eng_oci_archive "$layer" "$1" "$RW_ENG_DIR/busybox-oci.tar"
        rw_eng_ctr images import "$RW_ENG_DIR/busybox-oci.tar" >/dev/null ||
                rw_fatal "ctr images import of the busybox image as $1 failed"
        rm -f "$layer" "$RW_ENG_DIR/busybox-oci.tar"
}
