# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash disable=SC2016  # apt and sh variables in single quotes expand later
#
# Helpers for the CI job corpus (tests/jobs/*/job.sh), sourced by tests/jobs/run.sh after
# tests/integration/lib.sh and engines.sh.
#
# A job is a directory with job.sh, which sets
#   JOB_DESC           one line: what the job is
#   JOB_MOUNT          how its builds directory is mounted (named volume, bind)
# and defines job_main, which runs the job through docker with the runtime JOB_RUNTIME and
# returns the job's exit status (the job checks its own results). A job that needs more than the
# default tier also sets
#   JOB_TIER           the name of the tier it needs
#   JOB_TIER_JSON      that tier (a policy tier object; it extends "default")
#   JOB_TIER_CHANGES   one line: what the tier changes
#   JOB_DOCKER_ARGS    extra `docker run` arguments every run of the job gets (a device)
# and is expected to fail under the default tier and to pass under its own.
#
# Available to job_main: JOB_NAME, JOB_DIR (its source directory), JOB_IMAGE, JOB_RUNTIME,
# JOB_ID (unique per run), JOB_HOST_DIR (a host directory under the runner prefix that the
# test policy allows as a bind source, empty at the start of the run), JOB_ENGINE_SOCK (the own
# dockerd's socket, to bind in as runners do).

JOBS_IMAGE=rw-jobs:bookworm

# jobs_mirrors FILE: the apt source lines the image is built from: RW_JOBS_MIRRORS (a file of
# "deb URI SUITE COMPONENT" lines) or the host's own Debian sources.
jobs_mirrors()
{
        if [ -n "${RW_JOBS_MIRRORS:-}" ]; then
                cp "$RW_JOBS_MIRRORS" "$1"
        else
                apt-get indextargets --format '$(REPO_URI) $(RELEASE) $(COMPONENT)' \
                        'Created-By: Packages' 'Origin: Debian' 'Codename: bookworm' |
                        sort -u | sed 's/^/deb /' >"$1"
        fi
        [ -s "$1" ] || rw_fatal "no Debian bookworm apt source on this host to build the job image \
from (apt-get indextargets found none; set RW_JOBS_MIRRORS to a file of 'deb URI SUITE main' lines)"
}

# jobs_image_tar SUITE_DIR: sets JOBS_IMAGE_TAR to the image's rootfs tarball, built by
# image/recipe.sh unless the cache holds one for the same recipe (JOBS_IMAGE_BUILT: the seconds
# the build took, empty when cached). The cache (RW_JOBS_CACHE, default
# /var/cache/runwarden-tests) is outside the repository and shared by every clone on the host;
# a lock keeps two builds from racing.
jobs_image_tar()
{
        local here=$1 cache key fd
        cache=${RW_JOBS_CACHE:-/var/cache/runwarden-tests}/jobs
        key=$(cat "$here"/image/* | sha256sum | cut -c1-16)
        JOBS_IMAGE_TAR=$cache/image-$key.tar
        JOBS_IMAGE_BUILT=
        mkdir -p "$cache"
        exec {fd}>"$cache/lock"
        flock -w 900 "$fd" || rw_fatal "another image build held $cache/lock for 15 minutes"
        if [ -s "$JOBS_IMAGE_TAR" ]; then
                echo "# job image: cached $JOBS_IMAGE_TAR"
        else
                echo "# job image: building $JOBS_IMAGE_TAR (Debian packages, mmdebstrap)"
                local t0=$SECONDS log=$RW_TMP/image-build.log
                jobs_mirrors "$RW_TMP/mirrors.txt"
                if ! bash "$here/image/recipe.sh" "$RW_TMP/mirrors.txt" "$JOBS_IMAGE_TAR.tmp" \
                        >"$log" 2>&1 </dev/null; then
                        tail -n 40 "$log" >&2
                        rm -f "$JOBS_IMAGE_TAR.tmp"
                        rw_fatal "building the job image failed"
                fi
                mv "$JOBS_IMAGE_TAR.tmp" "$JOBS_IMAGE_TAR"
                # Older recipes' images are of no further use.
                find "$cache" -maxdepth 1 -name 'image-*.tar' ! -name "image-$key.tar" -delete
                JOBS_IMAGE_BUILT=$((SECONDS - t0))
                echo "# job image built in $JOBS_IMAGE_BUILT s"
        fi
        exec {fd}>&-
}

# jobs_import_image TAR: the image in the own dockerd, with the PATH such images set (tools
# under $HOME first, as rustup and pipx arrange it).
jobs_import_image()
{
        docker import \
                --change 'ENV PATH=/root/.cargo/bin:/root/.local/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
                --change 'ENV LANG=C.UTF-8' \
                --change 'CMD ["/bin/sh"]' \
                "$1" "$JOBS_IMAGE" >/dev/null || rw_fatal "docker import of $1 failed"
}

# job_volume NAME: a fresh named volume for this run; prints its name.
job_volume()
{
        local name=$JOB_ID-$1
        docker volume create "$name" >/dev/null || return 1
        echo "$name"
}

# job_seed VOLUME SRC_DIR [DEST [OWNER]]: the project's files copied into VOLUME (below DEST, a
# relative path), as a runner's helper container fetches the sources before the job. Always
# under runc: the helper is not the job.
job_seed()
{
        local volume=$1 src=$2 dest=${3:-.} owner=${4:-0:0}
        tar --numeric-owner --owner=0 --group=0 -C "$src" -c . |
                docker run --rm -i --network none --runtime runc -v "$volume:/seed" \
                        -e "DEST=/seed/$dest" -e "OWNER=$owner" "$JOBS_IMAGE" \
                        sh -c 'mkdir -p "$DEST" && tar -C "$DEST" -x && chown -R "$OWNER" /seed'
}

# job_docker_run ARG...: docker run for a job container under JOB_RUNTIME.
job_docker_run()
{
        # shellcheck disable=SC2086  # JOB_DOCKER_ARGS is a list of words
        docker run --rm --network none --runtime "$JOB_RUNTIME" \
                --label "io.runwarden.test.job=$JOB_NAME" ${JOB_DOCKER_ARGS:-} "$@"
}
