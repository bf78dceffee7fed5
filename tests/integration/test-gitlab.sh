#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# shellcheck disable=SC2016  # jq filters and job scripts name variables in single quotes
#
# GitLab Runner's docker executor, job by job, against the test's own dockerd: gitlab/runner.py
# makes the Docker API calls the runner makes (cache volumes named as the runner names them, the
# helper container for the sources and the cache, a service, the build container with the CI_*
# variables, each stage's script over an attached stdin, HostConfig.Runtime on all of them).
#
# The runners are the two docker runners of deploy/gitlab-runner/config.toml and the policy is
# deploy/gitlab-runner/policy.json; the test maps their host paths (the protected runner's
# cache_dir) to scratch directories and adds its dockerd's directories as bind prefixes, nothing
# else. Checked: the job and its helper run, hardened, in the tier of their runner; the cache
# goes from one job to the next; a job carrying a long-lived credential is refused on the shared
# runner with the reason in its log and runs on the protected one; a service runs under the
# runner's tier and the job reaches it.
set -euo pipefail

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/engines.sh
. "$(dirname "$0")/engines.sh"

rw_init
py=/usr/bin/python3
$py -c 'import toml' 2>/dev/null || rw_fatal "Debian's python3 lacks toml (apt-get install python3-toml)"
rw_eng_init

d=$RW_ENG_DIR
src=$RW_SOURCE_ROOT
audit=$RW_ENG_AUDIT
runner_py=$src/tests/integration/gitlab/runner.py
mkdir -p "$d/bin" "$d/protected-cache" "$d/jobs"

# --- The policy and the runners, host paths mapped to scratch -----------------------------------
template()
{
        sed "s#/srv/gitlab-runner/protected-cache#$d/protected-cache#g" "$1"
}
for f in policy.json config.toml; do
        template "$src/deploy/gitlab-runner/$f" >"$d/$f"
        sed "s#$d/protected-cache#/srv/gitlab-runner/protected-cache#g" "$d/$f" >"$d/$f.back"
        rw_expect_same "deploy/gitlab-runner/$f is used with only its host paths changed" \
                "$src/deploy/gitlab-runner/$f" "$d/$f.back"
done
# This dockerd's directories are the policy's engine directories.
rw_eng_with_engines "$d/policy.json" "$d/policy.test.json"
rw_eng_policy "$d/policy.test.json"

# The docker runners of config.toml: name, runtime, cache_dir, one JSON object per line.
$py -c '
import json, sys, toml
for r in toml.load(sys.argv[1])["runners"]:
    if r.get("executor") == "docker":
        print(json.dumps({"name": r["name"], "runtime": r["docker"]["runtime"],
                          "volumes": r["docker"].get("volumes", []),
                          "cache_dir": r["docker"].get("cache_dir")}))
' "$d/config.toml" >"$d/runners.jsonl" || rw_fatal "cannot read the docker runners of config.toml"
runner_field()
{
        jq -r --arg n "$1" "select(.name == \$n) | $2" "$d/runners.jsonl"
}
shared_runtime=$(runner_field shared .runtime)
protected_runtime=$(runner_field protected .runtime)
if [ -z "$shared_runtime" ] || [ -z "$protected_runtime" ]; then
        rw_fatal "config.toml has no docker runners named shared and protected"
fi
[ "$(runner_field shared '.volumes | join(",")')" = /cache ] ||
        rw_fatal "the shared runner's volumes are not [\"/cache\"]: the test's runner mounts /cache"

runtime_args=()
for rt in "$shared_runtime" "$protected_runtime"; do
        ln -s "$RW_ENG_RUNTIME" "$d/bin/$rt"
        runtime_args+=(--runtime "$rt=$d/bin/$rt")
done
rw_eng_start_dockerd "${runtime_args[@]}"

# --- Images: the job's (busybox, the probe) and the helper's (the same, and the repository) ------
rw_eng_busybox_image rw-busybox:test
cp -a "$d/busybox-rootfs" "$d/helper-rootfs"
mkdir -p "$d/helper-rootfs/repo"
cat >"$d/helper-rootfs/repo/build.sh" <<'EOF'
#!/bin/sh
# The project's build: dependencies come from the cache when a previous job left them.
set -e
if [ -f vendor/deps.txt ]; then
        echo "dependencies from the cache: $(cat vendor/deps.txt)"
else
        mkdir -p vendor
        echo "fetched by job $CI_JOB_ID" >vendor/deps.txt
        echo "dependencies fetched"
fi
echo built >build.out
EOF
chmod 755 "$d/helper-rootfs/repo/build.sh"
tar --numeric-owner -C "$d/helper-rootfs" -c . | docker import - rw-gitlab-helper:test >/dev/null ||
        rw_fatal "docker import of the helper image failed"

# --- Jobs ----------------------------------------------------------------------------------------

# job NAME RUNNER JOB_ID REF PROTECTED [JQ_FILTER]: a job for runner RUNNER of config.toml in
# $d/jobs/NAME.json (project 42, group/app; a redis-like service; cache key "deps").
job()
{
        local name=$1 runner=$2 id=$3 ref=$4 protected=$5 filter=${6:-.}
        jq -n --arg runtime "$(runner_field "$runner" .runtime)" \
                --arg cache_dir "$(runner_field "$runner" '.cache_dir // ""')" \
                --argjson id "$id" --arg ref "$ref" --argjson protected "$protected" '{
                runner: {token: "xR4kT9mQw2", runtime: $runtime, concurrent: 0,
                         cache_dir: (if $cache_dir == "" then null else $cache_dir end)},
                project: {id: 42, path: "group/app"},
                job: {id: $id, ref: $ref, protected: $protected},
                variables: {GIT_STRATEGY: "fetch"},
                image: "rw-busybox:test",
                helper_image: "rw-gitlab-helper:test",
                helper_script: ["/probe caps | sed \"s/^/helper: /\"",
                                "/probe write / | sed \"s/^/helper: /\""],
                services: [{name: "rw-busybox:test", alias: "redis",
                            command: ["nc", "-ll", "-p", "6379", "-e", "/bin/echo", "PONG"]}],
                cache: {key: "deps", paths: ["vendor"]},
                script: ["/probe caps", "/probe write /", "/probe write \"$CI_PROJECT_DIR\"",
                         "/probe ls-sockets", "echo \"job $CI_JOB_ID of $CI_PROJECT_PATH on $CI_COMMIT_REF_NAME\"",
                         "./build.sh"]} | '"$filter" >"$d/jobs/$name.json"
}

# run_job NAME: the runner's work; the log in $d/jobs/NAME.log, RW_RC its status.
run_job()
{
        echo "# job $1"
        rw_capture "job-$1" timeout 300 $py "$runner_py" --socket "$RW_ENG_DOCKER_SOCK" --keep \
                "$d/jobs/$1.json"
        cp "$OUT" "$d/jobs/$1.log"
        [ ! -s "$ERR" ] || sed 's/^/    runner: /' "$ERR"
}

# containers NAME ROLE: the ids of the job's containers of ROLE (build, predefined, service).
containers()
{
        awk -v role="$2" '$1 == "container" && $2 == role {print $4}' "$d/jobs/$1.log"
}

# expect_tier DESC NAME TIER RUNTIME: every container of job NAME was created through runwarden
# in TIER, chosen by the runtime's name.
expect_tier()
{
        local desc=$1 name=$2 tier=$3 runtime=$4 id rec n=0 bad=0
        while read -r id; do
                n=$((n + 1))
                rec=$(jq -c --arg id "$id" 'select(.container_id == $id and .command == "create")' \
                        "$audit" | head -n 1)
                if [ "$(jq -r '"\(.tier) \(.tier_reason)"' <<<"${rec:-null}")" != "$tier invoked as $runtime" ]; then
                        bad=$((bad + 1))
                        echo "    $id: ${rec:-no create record}" | cut -c1-300
                fi
        done < <(awk '$1 == "container" {print $4}' "$d/jobs/$name.log")
        if [ "$n" -gt 0 ] && [ "$bad" -eq 0 ]; then
                rw_pass "$desc ($n containers)"
        else
                rw_fail "$desc ($n containers, $bad not in tier $tier by $runtime)"
        fi
}

# cleanup_job NAME: remove the job's containers, as the runner does at the end.
cleanup_job()
{
        local ids
        mapfile -t ids < <(awk '$1 == "container" {print $4}' "$d/jobs/$1.log")
        [ "${#ids[@]}" -eq 0 ] || docker rm -f "${ids[@]}" >/dev/null 2>&1 || true
}

# 1. The shared runner: a branch pipeline.
job feature shared 101 feature/login false
run_job feature
log=$d/jobs/feature.log
rw_expect_rc "shared runner: the job succeeds" 0
rw_expect_grep "the helper fetched the sources" "$log" "^Checked out into /builds/group/app$"
rw_expect_line "helper: no capabilities" "$log" "helper: CapEff: 0000000000000000"
rw_expect_line "helper: read-only root" "$log" "helper: write /: EROFS"
rw_expect_line "job: no capabilities" "$log" "CapEff: 0000000000000000"
rw_expect_line "job: no_new_privs" "$log" "NoNewPrivs: 1"
rw_expect_line "job: seccomp" "$log" "Seccomp: 2"
rw_expect_line "job: read-only root" "$log" "write /: EROFS"
rw_expect_line "job: the builds volume is writable" "$log" "write /builds/group/app: ok"
rw_expect_line "job: no engine socket" "$log" "ls-sockets: none"
rw_expect_line "job: CI variables reach the job" "$log" "job 101 of group/app on feature/login"
rw_expect_line "job: the build ran" "$log" "dependencies fetched"
rw_expect_grep "the helper archived the cache" "$log" "^Created cache deps$"
expect_tier "shared runner: job, helper and service in tier untrusted" feature untrusted "$shared_runtime"
vol=runner-xR4kT9mQ-project-42-concurrent-0-cache-$(printf /cache | md5sum | cut -d' ' -f1)
if docker volume inspect "$vol" >/dev/null 2>&1; then
        rw_pass "the cache volume has the runner's name ($vol)"
else
        rw_fail "the cache volume has the runner's name ($vol)"
        docker volume ls
fi

svc=$(containers feature service)
svc_pid=$(docker inspect -f '{{.State.Pid}}' "$svc" 2>/dev/null || echo 0)
if [ "$svc_pid" -gt 0 ] && [ -r "/proc/$svc_pid/status" ]; then
        grep -E '^(CapEff|NoNewPrivs|Seccomp):' "/proc/$svc_pid/status" >"$d/svc.status"
        rw_expect_grep "service: no capabilities" "$d/svc.status" '^CapEff:[[:space:]]+0+$'
        rw_expect_grep "service: seccomp" "$d/svc.status" '^Seccomp:[[:space:]]+2$'
else
        rw_fail "the service container is running"
fi
cleanup_job feature

# 2. The next job of the project finds the cache.
job next shared 102 feature/login false
run_job next
rw_expect_rc "shared runner: the next job succeeds" 0
rw_expect_grep "the helper restored the cache" "$d/jobs/next.log" "^Successfully extracted cache$"
rw_expect_line "the job used the cache of job 101" "$d/jobs/next.log" \
        "dependencies from the cache: fetched by job 101"
cleanup_job next

# 3. A long-lived credential in the job's variables, on the shared runner.
aws_key=AKIA$(printf 'RW%014d' 4242)
jq --arg key "$aws_key" '.variables.AWS_ACCESS_KEY_ID = $key | .job.id = 103' \
        "$d/jobs/feature.json" >"$d/jobs/leaky.json"
run_job leaky
rw_expect_rc "shared runner: the job with an AWS key fails" 1
rw_expect_grep "its log says why: runwarden's secret-in-env refusal" "$d/jobs/leaky.log" \
        'runwarden: refused by rule secret-in-env: .*AWS_ACCESS_KEY_ID'
rw_expect_no_grep "the key itself is not in the log" "$d/jobs/leaky.log" "$aws_key"
rw_expect_no_grep "no build container ran" "$d/jobs/leaky.log" '^container build '
cleanup_job leaky

# 4. The same job on the protected runner, for a protected branch.
jq --arg key "$aws_key" --arg runtime "$protected_runtime" --arg cache_dir "$(runner_field protected .cache_dir)" '
        .variables.AWS_ACCESS_KEY_ID = $key | .job.id = 201 | .job.ref = "main"
        | .job.protected = true | .runner.runtime = $runtime | .runner.cache_dir = $cache_dir
        | .script += ["test -n \"$AWS_ACCESS_KEY_ID\" && echo deploy credentials present"]' \
        "$d/jobs/feature.json" >"$d/jobs/protected.json"
run_job protected
log=$d/jobs/protected.log
rw_expect_rc "protected runner: the job with deploy credentials succeeds" 0
rw_expect_line "protected: the credential reaches the job" "$log" "deploy credentials present"
rw_expect_line "protected: still no capabilities" "$log" "CapEff: 0000000000000000"
rw_expect_line "protected: still a read-only root" "$log" "write /: EROFS"
expect_tier "protected runner: job, helper and service in tier protected" protected protected \
        "$protected_runtime"
build=$(containers protected build)
if jq -se --arg id "$build" 'map(select(.container_id == $id and .command == "create"))
                | [.[].warnings[]? | select(.rule == "secret-in-env")] | length > 0' "$audit" \
        >/dev/null 2>&1; then
        rw_pass "the decision log warns about the credential"
else
        rw_fail "the decision log warns about the credential"
        echo "    build container: ${build:-none}"
        jq -c --arg id "$build" 'select(.container_id == $id and .command == "create")
                | {outcome, warnings}' "$audit"
fi
if [ -n "$(find "$d/protected-cache" -name cache.tar -print -quit)" ]; then
        rw_pass "the protected cache is the host directory of cache_dir"
else
        rw_fail "the protected cache is the host directory of cache_dir"
fi
cleanup_job protected

# 5. The job reaches its service: the stand-in for the per-job network is the service's own
#    network namespace, which the job's container joins by path (this dockerd has no bridge).
#    Joining another container's namespaces needs the policy's word (issue 19): refused with the
#    shipped GitLab policy, then allowed where the tier shares with itself.
jq '.job.id = 104 | .service_network = "redis" | .script = ["echo PING | nc -w 5 127.0.0.1 6379"]' \
        "$d/jobs/feature.json" >"$d/jobs/service.json"
run_job service
rw_expect_rc "the job joining its service's network, not shared by the tier: refused" 1
rw_expect_grep "the runner's log names namespace-join" "$d/jobs/service.log" \
        'refused by rule namespace-join: the spec joins the network namespace of container'
cleanup_job service
jq '.tiers.untrusted.share_namespaces_with = ["untrusted"]' "$d/policy.test.json" \
        >"$d/policy.share.json"
rw_eng_policy "$d/policy.share.json"
jq '.job.id = 105' "$d/jobs/service.json" >"$d/jobs/service-shared.json"
run_job service-shared
rw_expect_rc "the job joining its service's network, the tier sharing with itself: runs" 0
rw_expect_line "the service answered the job" "$d/jobs/service-shared.log" "PONG"
cleanup_job service-shared
rw_eng_policy "$d/policy.test.json"

rw_summary
