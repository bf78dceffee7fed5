# SPDX-License-Identifier: Apache-2.0
# shellcheck shell=bash disable=SC2034,SC2016  # run.sh reads JOB_*; scripts expand inside
# A GitLab Runner docker-executor job: builds and cache in named volumes, the CI_* variables and
# labels the runner sets, the runner's shell detection as the command and the script on stdin.
# Two pipelines: the second restores the cache the first saved.
JOB_DESC="GitLab docker executor: builds + cache volumes, CI_* variables, sh -c shell detection, script on stdin"
JOB_MOUNT="named volumes at /builds and /cache"

gitlab_pipeline()
{
        local builds=$1 cache=$2 pipeline=$3
        job_docker_run -i \
                --hostname runner-abcd1234-project-42-concurrent-0 \
                --label com.gitlab.gitlab-runner.job.id=$((4200 + pipeline)) \
                --label com.gitlab.gitlab-runner.pipeline.id="$pipeline" \
                --label com.gitlab.gitlab-runner.project.id=42 \
                --label com.gitlab.gitlab-runner.type=build \
                -v "$builds:/builds" -v "$cache:/cache" \
                -e CI=true -e GITLAB_CI=true -e CI_SERVER=yes -e CI_SERVER_NAME=GitLab \
                -e CI_JOB_ID=$((4200 + pipeline)) -e CI_JOB_NAME=build -e CI_JOB_STAGE=build \
                -e CI_PIPELINE_ID="$pipeline" -e CI_COMMIT_SHA=0123456789abcdef0123456789abcdef01234567 \
                -e CI_COMMIT_REF_NAME=main -e CI_PROJECT_ID=42 -e CI_PROJECT_PATH=group/project \
                -e CI_PROJECT_DIR=/builds/group/project -e CI_BUILDS_DIR=/builds \
                -e CI_CONCURRENT_ID=0 -e CI_RUNNER_ID=7 -e CI_RUNNER_SHORT_TOKEN=abcd1234 \
                -e CI_MERGE_REQUEST_PROJECT_ID=42 -e CI_MERGE_REQUEST_SOURCE_PROJECT_ID=42 \
                -e FF_NETWORK_PER_BUILD=false \
                "$JOB_IMAGE" sh -c "$(cat "$JOB_DIR/detect-shell.sh")" <"$JOB_DIR/script.sh"
}

job_main()
{
        local builds cache
        builds=$(job_volume builds)
        cache=$(job_volume cache)
        job_seed "$builds" "$JOB_DIR/../c-make/project" group/project
        gitlab_pipeline "$builds" "$cache" 101 | tee "$JOB_HOST_DIR/pipeline-101.log"
        grep -q '^no cache yet$' "$JOB_HOST_DIR/pipeline-101.log"
        gitlab_pipeline "$builds" "$cache" 102 | tee "$JOB_HOST_DIR/pipeline-102.log"
        grep -q '^cache restored: 101$' "$JOB_HOST_DIR/pipeline-102.log"
}
