#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# GitHub Actions and Forgejo runners, container jobs: the job container is created with
# `tail -f /dev/null` as its command and every step runs in it with `docker exec`; the runner
# mounts the docker socket into the job container. These runners cannot name a runtime, so
# runwarden is the default runtime of the test's own dockerd, with the policy
# deploy/github-actions/policy.json (its runner directory mapped to scratch).
#
# actions/runner uses the docker CLI: the test runs the commands it runs (create with the
# runner's directories bound under /__w, /__e, /github; start; exec -i ... sh -e SCRIPT per step,
# the step's environment passed with -e NAME). Forgejo's runner (act) creates the job container
# through the API with named volumes for the workspace; the test does the same with the CLI.
# Checked: no docker socket inside (stripped), the job hardened, steps run and are hardened too,
# a step handed a personal access token is refused with the reason in the step's output.
set -euo pipefail

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/engines.sh
. "$(dirname "$0")/engines.sh"

rw_init
rw_eng_init

d=$RW_ENG_DIR
src=$RW_SOURCE_ROOT
audit=$RW_ENG_AUDIT
runner_root=$d/actions-runner

sed "s#/opt/actions-runner#$runner_root#g" "$src/deploy/github-actions/policy.json" >"$d/policy.json"
sed "s#$runner_root#/opt/actions-runner#g" "$d/policy.json" >"$d/policy.back"
rw_expect_same "deploy/github-actions/policy.json is used with only the runner's directory changed" \
        "$src/deploy/github-actions/policy.json" "$d/policy.back"
# The tier also gets this dockerd's volumes and containers directories.
jq --arg audit "$audit" --arg v "$RW_ENG_DATA_ROOT/volumes" --arg c "$RW_ENG_DATA_ROOT/containers" '
        .audit_log.path = $audit
        | .tiers |= map_values(if .bind_prefixes != null or .extends == "baseline"
                then .bind_prefixes = ((.bind_prefixes // [])
                        + [{path: $v, read_only: false}, {path: $c, read_only: false}])
                else . end)' "$d/policy.json" >"$d/policy.test.json"
rw_eng_policy "$d/policy.test.json"

rw_eng_start_dockerd --default-runtime runwarden
rw_eng_busybox_image rw-busybox:test
sock=$RW_ENG_DOCKER_SOCK

# decision ID COMMAND: the decision log records of COMMAND for container ID, one per line.
decision()
{
        jq -c --arg id "$1" --arg cmd "$2" 'select(.container_id == $id and .command == $cmd)' \
                "$audit" 2>/dev/null
}

# --- actions/runner -------------------------------------------------------------------------------
work=$runner_root/_work
mkdir -p "$work/app/app" "$work/_temp/_github_home" "$work/_temp/_github_workflow" \
        "$work/_actions" "$work/_tool" "$runner_root/externals"
echo "hello from the checkout" >"$work/app/app/README"

echo "# actions/runner: docker create ... --entrypoint tail IMAGE -f /dev/null"
name=rw_actions_job_$$
rw_capture create docker create --name "$name" --label rw-actions-runner --workdir /__w/app/app \
        --network none -e "HOME=/github/home" -e GITHUB_ACTIONS=true -e CI=true \
        -v "$sock":"/var/run/docker.sock" \
        -v "$work":"/__w" -v "$runner_root/externals":"/__e":ro \
        -v "$work/_temp":"/__w/_temp" -v "$work/_actions":"/__w/_actions" \
        -v "$work/_tool":"/__t" -v "$work/_temp/_github_home":"/github/home" \
        -v "$work/_temp/_github_workflow":"/github/workflow" \
        --entrypoint tail rw-busybox:test -f /dev/null
rw_expect_rc "docker create of the job container" 0
job=$(tail -n 1 "$OUT")
rw_capture start docker start "$job"
rw_expect_rc "docker start: runwarden accepts the job container" 0
rec=$(decision "$job" create | head -n 1)
rw_expect_eq "runwarden rewrote it, tier job (the policy's default)" "rewritten job" \
        "$(jq -r '"\(.outcome) \(.tier)"' <<<"${rec:-null}")"
if jq -e '[.changes[]? | select(.rule == "engine-socket")] | length > 0' <<<"${rec:-null}" >/dev/null; then
        rw_pass "the decision log records the docker socket stripped"
else
        rw_fail "the decision log records the docker socket stripped"
fi

# step SCRIPT_NAME [ENV=VALUE...]: the runner writes the step's script to _temp and runs it with
# `docker exec -i`, passing the step's variables by name.
step()
{
        local script=$1
        shift
        local names=() kv
        for kv in "$@"; do
                names+=(-e "${kv%%=*}")
        done
        env "$@" GITHUB_WORKSPACE=/__w/app/app GITHUB_EVENT_NAME=push GITHUB_ACTIONS=true \
                docker exec -i --workdir /__w/app/app -e GITHUB_WORKSPACE -e GITHUB_EVENT_NAME \
                -e GITHUB_ACTIONS "${names[@]}" "$job" sh -e "/__w/_temp/$script"
}

cat >"$work/_temp/step1.sh" <<'EOF'
if [ -S /var/run/docker.sock ]; then echo "docker.sock: present"; else echo "docker.sock: absent"; fi
/probe ls-sockets
/probe caps
/probe write /
/probe write "$GITHUB_WORKSPACE"
cat README
echo "event: $GITHUB_EVENT_NAME"
EOF
echo "# step 1: docker exec -i ... sh -e /__w/_temp/step1.sh"
rw_capture step1 step step1.sh
rw_expect_rc "step 1 succeeds" 0
rw_expect_line "no docker socket inside the job" "$OUT" "docker.sock: absent"
rw_expect_line "no socket of any engine inside" "$OUT" "ls-sockets: none"
rw_expect_line "the step has no capabilities" "$OUT" "CapEff: 0000000000000000"
rw_expect_line "the step has no_new_privs" "$OUT" "NoNewPrivs: 1"
rw_expect_line "read-only root" "$OUT" "write /: EROFS"
rw_expect_line "the workspace is writable" "$OUT" "write /__w/app/app: ok"
rw_expect_line "the checkout is there" "$OUT" "hello from the checkout"
rw_expect_line "the step's variables reach it" "$OUT" "event: push"
if [ "$(decision "$job" exec | wc -l)" -ge 1 ]; then
        rw_pass "runwarden judged the step's exec"
else
        rw_fail "runwarden judged the step's exec"
fi

cat >"$work/_temp/step2.sh" <<'EOF'
echo "this step must not run"
EOF
pat=ghp_$(printf 'rwtest%030d' 7)
echo "# step 2: a step handed a personal access token"
rw_capture step2 step step2.sh "GH_PAT=$pat"
if [ "$RW_RC" != 0 ] && grep -Fq "runwarden: refused by rule secret-in-env:" "$OUT" "$ERR" &&
        grep -Fq GH_PAT "$OUT" "$ERR"; then
        rw_pass "the step is refused and its output says why"
        echo "    $(cat "$OUT" "$ERR" | grep -F runwarden | head -n 1 | cut -c1-250)"
else
        rw_fail "the step is refused and its output says why (exit $RW_RC)"
        rw_show stdout "$OUT"
        rw_show stderr "$ERR"
fi
rw_expect_no_grep "the step did not run" "$OUT" "must not run"
rw_expect_no_grep "the token is not echoed" "$ERR" "$pat"

docker rm -f "$job" >/dev/null

# --- Forgejo runner (act): named volumes instead of host directories ---------------------------
echo "# Forgejo runner: job container on named volumes, the socket mounted"
vol=GITEA-ACTIONS-TASK-$$_WORKFLOW-ci_JOB-build
docker volume create "$vol" >/dev/null
docker volume create "$vol-env" >/dev/null
rw_capture create-act docker create --name "${vol,,}" --network none \
        -e RUNNER_TOOL_CACHE=/opt/hostedtoolcache -e RUNNER_OS=Linux -e RUNNER_TEMP=/tmp \
        -v "$sock":"/var/run/docker.sock" -v "$vol":/workspace -v "$vol-env":/var/run/act \
        -v act-toolcache:/opt/hostedtoolcache --workdir /workspace \
        --entrypoint tail rw-busybox:test -f /dev/null
rw_expect_rc "docker create of the act job container" 0
act=$(tail -n 1 "$OUT")
rw_capture start-act docker start "$act"
rw_expect_rc "docker start: runwarden accepts it (volumes are the engine's)" 0
rw_capture act-step docker exec -i "$act" sh -c \
        'if [ -S /var/run/docker.sock ]; then echo "docker.sock: present"; else echo "docker.sock: absent"; fi
         /probe caps; /probe write /workspace'
rw_expect_rc "the act step runs" 0
rw_expect_line "act: no docker socket inside" "$OUT" "docker.sock: absent"
rw_expect_line "act: no capabilities" "$OUT" "CapEff: 0000000000000000"
rw_expect_line "act: the workspace volume is writable" "$OUT" "write /workspace: ok"
docker rm -f "$act" >/dev/null

rw_summary
