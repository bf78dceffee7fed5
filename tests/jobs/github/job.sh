# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash disable=SC2034,SC2016  # run.sh reads JOB_*; scripts expand inside
# A GitHub Actions container job as the runner drives it: the container is created with the
# runner's binds (work directory, externals, temp, home, workflow, file commands and the engine
# socket) and `tail -f /dev/null`, then each step is `docker exec`'d as a script in _temp, with
# $GITHUB_ENV, $GITHUB_PATH and $GITHUB_OUTPUT read back by the runner between steps.
JOB_DESC="GitHub container job: tail -f /dev/null, each step by docker exec, GITHUB_ENV/PATH/OUTPUT files"
JOB_MOUNT="binds of the runner's work directory at /__w, /github/home, ... (and docker.sock)"

job_main()
{
        local work=$JOB_HOST_DIR/work name=$JOB_ID step n=0 env_args=() path=
        local temp=$work/_temp
        mkdir -p "$work/repo/repo" "$JOB_HOST_DIR/externals" "$temp/_github_home" \
                "$temp/_github_workflow" "$temp/_runner_file_commands"
        # actions/checkout ran on the runner, into the work directory.
        cp -a "$JOB_DIR/../c-make/project/." "$work/repo/repo/"

        docker create --name "$name" --runtime "$JOB_RUNTIME" --network none \
                --label "io.runwarden.test.job=$JOB_NAME" \
                --workdir /__w/repo/repo \
                -e HOME=/github/home -e GITHUB_ACTIONS=true -e CI=true \
                -v "$JOB_ENGINE_SOCK:/var/run/docker.sock" \
                -v "$work:/__w" -v "$JOB_HOST_DIR/externals:/__e:ro" -v "$temp:/__w/_temp" \
                -v "$temp/_github_home:/github/home" \
                -v "$temp/_github_workflow:/github/workflow" \
                -v "$temp/_runner_file_commands:/github/file_commands" \
                --entrypoint tail "$JOB_IMAGE" -f /dev/null >/dev/null
        docker start "$name" >/dev/null

        for step in "$JOB_DIR"/steps/*.sh; do
                n=$((n + 1))
                : >"$temp/_runner_file_commands/set_env_$n"
                : >"$temp/_runner_file_commands/add_path_$n"
                : >"$temp/_runner_file_commands/set_output_$n"
                cp "$step" "$temp/step-$n.sh"
                echo "## step $n: $(basename "$step")"
                docker exec -i --workdir /__w/repo/repo "${env_args[@]}" \
                        -e GITHUB_ACTIONS=true -e CI=true -e HOME=/github/home \
                        -e GITHUB_WORKSPACE=/__w/repo/repo -e RUNNER_TEMP=/__w/_temp \
                        -e GITHUB_ENV="/github/file_commands/set_env_$n" \
                        -e GITHUB_PATH="/github/file_commands/add_path_$n" \
                        -e GITHUB_OUTPUT="/github/file_commands/set_output_$n" \
                        -e "PATH=${path}/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" \
                        "$name" sh -e "/__w/_temp/step-$n.sh"
                # The runner reads the file commands back for the next steps.
                while IFS= read -r line; do
                        [ -n "$line" ] && env_args+=(-e "$line")
                done <"$temp/_runner_file_commands/set_env_$n"
                while IFS= read -r line; do
                        [ -n "$line" ] && path="$line:$path"
                done <"$temp/_runner_file_commands/add_path_$n"
        done
        grep -qx 'binary=build/stats' "$temp/_runner_file_commands/set_output_2"
        [ -x "$work/repo/repo/build/stats" ]
        docker rm --force "$name" >/dev/null
}
