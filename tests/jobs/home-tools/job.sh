# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash disable=SC2034,SC2016  # run.sh reads JOB_*; scripts expand inside
# Tools the image put in its $HOME, found through the image's PATH: a pipx-style script in
# /root/.local/bin and a rustup-style toolchain in /root/.cargo/bin with its config.
JOB_DESC="tools the image keeps in \$HOME (/root/.local/bin, /root/.cargo/bin + config) on its PATH"
JOB_MOUNT="named volume at /builds/group/home-tools"

job_main()
{
        local builds
        builds=$(job_volume builds)
        job_seed "$builds" "$JOB_DIR/project"
        job_docker_run -v "$builds:/builds/group/home-tools" -w /builds/group/home-tools \
                "$JOB_IMAGE" sh -c 'set -e
                        rw-lint main.c
                        cargo-rw build main.c
                        ./main
                        grep -q stable "$HOME/.cargo/config.toml"
                        # and the job can still write to its HOME
                        mkdir -p "$HOME/.cache/rw" && echo ok >"$HOME/.cache/rw/stamp"'
}
