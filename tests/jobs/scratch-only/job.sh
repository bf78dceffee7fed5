# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash disable=SC2034,SC2016  # run.sh reads JOB_*; scripts expand inside
# A job as uid 1000 that writes only where CI jobs are meant to write: /tmp, its workspace and
# its $HOME (caches, config), through the usual tools (mktemp, python's tempfile, git config).
JOB_DESC="as uid 1000: writes only /tmp (mktemp, tempfile), the workspace and \$HOME (cache, config)"
JOB_MOUNT="named volume at /builds/group/scratch-only (owned by uid 1000)"

job_main()
{
        local builds
        builds=$(job_volume builds)
        job_seed "$builds" "$JOB_DIR" group/scratch-only 1000:1000
        job_docker_run --user 1000:1000 -v "$builds:/builds" -w /builds/group/scratch-only \
                "$JOB_IMAGE" sh -c 'set -e
                        [ "$(id -u)" = 1000 ] && [ "$HOME" = /home/ci ]
                        t=$(mktemp -d)
                        echo tmp >"$t/file" && [ "$(cat "$t/file")" = tmp ]
                        python3 -c "import tempfile; f = tempfile.NamedTemporaryFile(); f.write(b\"x\"); f.flush()"
                        mkdir -p "$HOME/.cache/tool" "$HOME/.config/tool" "$HOME/.local/share"
                        echo cache >"$HOME/.cache/tool/data"
                        git config --global user.name "CI job"
                        [ "$(git config --global user.name)" = "CI job" ]
                        mkdir -p out
                        echo artifact >out/result.txt
                        cp "$HOME/.cache/tool/data" out/
                        ls -la out "$HOME"'
}
