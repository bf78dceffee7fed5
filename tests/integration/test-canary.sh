#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# The canary (issue 18, ctl/canary/README.md) through engines of the test's own (engines.sh), run by
# `runwardenctl canary run` as an operator runs it:
#   - the image made by ctl/canary/build-image.sh (docker import; an OCI archive for ctr);
#   - through dockerd with runwarden: the canary passes (and its built-in baseline alone too);
#   - with --runtime runc: it fails and says the container is not hardened;
#   - a loosened tier (CAP_NET_RAW kept, a writable root, a cache directory it may bind) checked
#     against the stricter tier's expectation: it names each attempt that now succeeds; against
#     its own expectation it passes (the cache bind is allowed there, not in the stricter tier);
#   - through ctr run --runc-binary: runwarden passes, runc fails;
#   - deploy/canary/: the image with busybox and pinned expectations, the GitLab job's script on
#     the runners of deploy/gitlab-runner/ (their policy, the protected runner's cache bind
#     allowed in its tier and reported against the untrusted one), the GitHub workflow's step as
#     actions/runner runs a container job (deploy/github-actions/policy.json, the docker socket
#     mounted and stripped), and the Kubernetes CronJob's shape.
set -euo pipefail

# shellcheck source=tests/integration/lib.sh
. "$(dirname "$0")/lib.sh"
# shellcheck source=tests/integration/engines.sh
. "$(dirname "$0")/engines.sh"

rw_init
rw_eng_init

d=$RW_ENG_DIR
ctl=$RW_ENG_PREFIX/bin/runwardenctl
canary=$RW_ENG_PREFIX/libexec/runwarden/runwarden-canary
build_image=$RW_ENG_PREFIX/share/runwarden/canary/build-image.sh
for f in "$ctl" "$canary" "$build_image"; do
        [ -x "$f" ] || rw_fatal "the scratch install has no $f"
done

# The policy: the harness's "default" tier (the baseline with this session's engine
# directories) and "loose", which keeps CAP_NET_RAW, a writable root and a cache directory. A
# tier that keeps CAP_NET_RAW cannot have egress rules (egress.capabilities): it has none.
mkdir -p "$d/cache"
rw_eng_default_policy_json "$(jq -n --arg cache "$d/cache" '{loose: {
        capabilities: ["CAP_NET_RAW"], readonly_rootfs: false,
        bind_prefixes: [{path: $cache, read_only: false}], egress: {mode: "off"}}}')" >"$d/policy.json"
rw_eng_policy "$d/policy.json"
# The loose tier is chosen by the runtime's name, as a runner registers one runtime per tier; so
# are the GitLab runners' tiers (deploy/gitlab-runner/config.toml).
for tier in loose untrusted protected; do
        ln -s "$RW_ENG_RUNTIME" "$d/runwarden-$tier"
done

rw_eng_start_dockerd --runtime "runwarden-loose=$d/runwarden-loose" \
        --runtime "runwarden-untrusted=$d/runwarden-untrusted" \
        --runtime "runwarden-protected=$d/runwarden-protected"

# canary NAME ARG...: runwardenctl canary run through the own dockerd; RW_RC, OUT, ERR.
canary_run()
{
        local name=$1
        shift
        rw_capture "$name" "$ctl" canary run --engine docker --image rw-canary:test --timeout 60 \
                --policy "$RW_ENG_POLICY" "$@"
}

# row FILE ID: the verdict column of attempt ID in a canary table.
row()
{
        awk -v id="$2" '$2 == id {print $1; exit}' "$1"
}

expect_row()
{
        local desc=$1 file=$2 id=$3 verdict=$4
        rw_expect_eq "$desc: $id is $verdict" "$verdict" "$(row "$file" "$id")"
}

# --- The image --------------------------------------------------------------------------------
rw_capture image "$build_image" --canary "$canary" --docker rw-canary:test
rw_expect_rc "build-image.sh --docker imports the canary image" 0
rw_expect_eq "the image holds the canary and no shell" "/runwarden-canary" \
        "$(docker image inspect rw-canary:test --format '{{index .Config.Cmd 0}}')"

# --- The expectation ---------------------------------------------------------------------------
rw_capture expect-default "$ctl" canary expect default --policy "$RW_ENG_POLICY" \
        --output "$d/default.json"
rw_expect_rc "runwardenctl canary expect default" 0
rw_expect_eq "the default tier keeps no capability, a read-only root, ci-default denies unshare" \
        '[] true "ci-default" "denied"' \
        "$(jq -c '.capabilities, .readonly_rootfs, .seccomp.profile, .seccomp.syscalls.unshare' \
                "$d/default.json" | paste -sd' ')"
rw_capture expect-loose "$ctl" canary expect loose --policy "$RW_ENG_POLICY"
rw_expect_eq "the loose tier keeps CAP_NET_RAW, a writable root and the cache prefix" \
        "[\"CAP_NET_RAW\"] false \"$d/cache\"" \
        "$(jq -c '.capabilities, .readonly_rootfs, .bind_prefixes[0].path' "$OUT" | paste -sd' ')"
rw_capture expect-missing "$ctl" canary expect nosuchtier --policy "$RW_ENG_POLICY"
rw_expect_rc "an unknown tier is an error" 2
rw_expect_grep "the error names the tier" "$ERR" 'no tier nosuchtier'

# --- Through runwarden: the canary passes ------------------------------------------------------
canary_run pass --runtime runwarden --tier default
rw_expect_rc "canary run --runtime runwarden: the canary passes" 0
rw_expect_grep "its last line is the verdict PASS" "$OUT" '^verdict: PASS'
for id in caps.bounding no-new-privs seccomp.mode seccomp.unshare userns.unshare rootfs.write \
        net.raw-inet proc.core-pattern ns.pid ns.network mounts.host; do
        expect_row "runwarden" "$OUT" "$id" ok
done
expect_row "runwarden" "$OUT" ns.uts ok
rw_expect_no_grep "runwarden: no attempt failed" "$OUT" '^FAIL '

canary_run pass-json --runtime runwarden --tier default --json
rw_expect_rc "canary run --json: passes" 0
rw_expect_eq "the JSON verdict is pass, hardened, nothing failed" 'pass true 0' \
        "$(jq -r '"\(.verdict) \(.hardened) \(.failed | length)"' "$OUT")"

# As a job's user rather than root, and behind docker's init (its binary bound from the host).
canary_run user --runtime runwarden --tier default --engine-arg=--user=1000
rw_expect_rc "canary run as uid 1000: passes" 0
# Its HOME comes from the image's /etc/passwd (runc sets it, the spec has none): whether runwarden
# gives it scratch space or not, the canary judges it and never fails the job for it.
rw_expect_grep "as uid 1000: its HOME is judged, and not a failure" "$OUT" \
        '^(ok|stricter) +scratch:/home/user '
canary_run init --runtime runwarden --tier default --engine-arg=--init
rw_expect_rc "canary run behind docker --init: passes" 0
rw_expect_grep "behind --init: the init binary counts as the engine's own" "$OUT" \
        "^ok +mounts.host .* [1-9][0-9]* the engine's own"

# The image's own command: the canary with its built-in baseline expectation.
rw_capture builtin docker run --rm --runtime runwarden --network none rw-canary:test
rw_expect_rc "docker run IMAGE (the built-in baseline expectation) passes under runwarden" 0
rw_expect_grep "it says where its expectation came from" "$OUT" 'expectation from built-in baseline'

# --- Through runc: not hardened ---------------------------------------------------------------
canary_run runc --runtime runc --tier default
rw_expect_rc "canary run --runtime runc: the canary fails" 1
rw_expect_grep "it says the container is not hardened, and why" "$OUT" \
        '^not hardened: .*caps.bounding.* failed: this container was not run through runwarden'
for id in caps.bounding no-new-privs rootfs.write net.raw-inet setuid; do
        expect_row "runc" "$OUT" "$id" FAIL
done
rw_expect_grep "the verdict names what succeeded" "$OUT" '^verdict: FAIL: .*caps.bounding'

# --- doctor --canary: every runtime of dockerd that goes through runwarden -------------------------
rw_capture doctor "$ctl" doctor --json --canary rw-canary:test --policy "$RW_ENG_POLICY" \
        --runwarden "$RW_ENG_RUNTIME" --docker-host "unix://$RW_ENG_DOCKER_SOCK" \
        --containerd-config "$d/none.toml" --podman-config "$d/none.conf" \
        --seccomp-dir "$RW_SOURCE_ROOT/seccomp-profiles" --egress-hook "$RW_EGRESS_HOOK"
rw_expect_eq "doctor --canary: the canary passes through runwarden and runwarden-loose" \
        '[{"id":"canary.runwarden","status":"ok"},{"id":"canary.runwarden-loose","status":"ok"}]' \
        "$(jq -c '[.checks[] | select(.id == "canary.runwarden" or .id == "canary.runwarden-loose") | {id, status}] | sort_by(.id)' \
                "$OUT" 2>/dev/null)"
# The policy doctor reads says tier loose is as strict as default, but the runtime still runs the
# loose one: a regression the canary finds, and doctor fails.
jq '.tiers.loose = {extends: "default"}' "$RW_ENG_POLICY" >"$d/strict-policy.json"
rw_capture doctor-strict "$ctl" doctor --json --canary rw-canary:test --policy "$d/strict-policy.json" \
        --runwarden "$RW_ENG_RUNTIME" --docker-host "unix://$RW_ENG_DOCKER_SOCK" \
        --containerd-config "$d/none.toml" --podman-config "$d/none.conf" \
        --seccomp-dir "$RW_SOURCE_ROOT/seccomp-profiles" --egress-hook "$RW_EGRESS_HOOK"
rw_expect_rc "doctor --canary, a runtime that does more than the policy says: exit 1" 1
rw_expect_eq "doctor --canary: names the runtime whose jobs can do more" \
        '[{"id":"canary.runwarden","status":"ok"},{"id":"canary.runwarden-loose","status":"fail"}]' \
        "$(jq -c '[.checks[] | select(.id == "canary.runwarden" or .id == "canary.runwarden-loose") | {id, status}] | sort_by(.id)' \
                "$OUT" 2>/dev/null)"

# --- A loosened tier against the stricter expectation --------------------------------------------
canary_run loose-strict --runtime runwarden-loose --tier default
rw_expect_rc "the loose tier checked against tier default: the canary fails" 1
for id in net.raw-inet net.packet rootfs.write caps.bounding; do
        expect_row "loose vs default" "$OUT" "$id" FAIL
done
for id in no-new-privs seccomp.mode seccomp.mount userns.unshare; do
        expect_row "loose vs default" "$OUT" "$id" ok
done
rw_expect_no_grep "loose vs default: hardened, only loosened" "$OUT" '^not hardened'
rw_expect_grep "loose vs default: the verdict names CAP_NET_RAW's raw socket and the root" "$OUT" \
        '^verdict: FAIL: .*rootfs\.write.*net\.raw-inet'

canary_run loose-own --runtime runwarden-loose
rw_expect_rc "the loose tier against its own expectation (tier from the runtime's name): passes" 0
rw_expect_grep "the tier comes from the runtime's name" "$ERR" 'expectation of tier loose'
expect_row "loose vs loose" "$OUT" net.raw-inet ok

# The cache directory: allowed in the loose tier, not in default.
canary_run cache-loose --runtime runwarden-loose --tier loose --engine-arg=-v \
        --engine-arg="$d/cache:/cache"
rw_expect_rc "loose tier binding its cache directory, loose expectation: passes" 0
expect_row "cache, loose" "$OUT" bind:/cache ok
rw_expect_grep "cache, loose: the row names the tier's prefix" "$OUT" \
        "bind:/cache .*under the tier's prefix $d/cache"

canary_run cache-default --runtime runwarden-loose --tier default --engine-arg=-v \
        --engine-arg="$d/cache:/cache"
rw_expect_rc "the same container against tier default: fails" 1
expect_row "cache, default" "$OUT" bind:/cache FAIL
rw_expect_grep "cache, default: the verdict names the bind" "$OUT" '^verdict: FAIL: .*bind:/cache'

# --metadata in a container without a route: the connect fails at once, nothing leaves the host.
canary_run metadata --runtime runwarden --tier default --metadata --engine-arg=--network=none \
        --json
rw_expect_rc "canary run --metadata (network none): passes" 0
rw_expect_eq "the metadata attempt ran and was stopped without a route" \
        'stopped connect 169.254.169.254:80: ENETUNREACH' \
        "$(jq -r '.attempts[] | select(.id == "net.metadata") | "\(.outcome) \(.result)"' "$OUT")"

# A pinned expectation file instead of the policy's view.
canary_run pinned --runtime runwarden --expect "$d/default.json"
rw_expect_rc "canary run --expect FILE (the pinned default expectation): passes" 0

# --- ctr --------------------------------------------------------------------------------------
"$build_image" --canary "$canary" --oci-archive "$d/canary-oci.tar" \
        --name docker.io/library/rw-canary:test >/dev/null ||
        rw_fatal "build-image.sh --oci-archive failed"
rw_eng_ctr images import "$d/canary-oci.tar" >/dev/null || rw_fatal "ctr images import failed"
mkdir -p "$d/fifo" "$d/runc"
ctr_run()
{
        local name=$1
        shift
        rw_capture "$name" "$ctl" canary run --engine ctr --timeout 60 --address "$RW_ENG_CONTAINERD_SOCK" \
                --namespace "$RW_ENG_CTR_NS" --image docker.io/library/rw-canary:test \
                --engine-arg=--fifo-dir="$d/fifo" --engine-arg=--runc-root="$d/runc" \
                --policy "$RW_ENG_POLICY" --tier default "$@"
}
ctr_run ctr-rw --runtime "$RW_ENG_RUNTIME"
rw_expect_rc "ctr run --runc-binary runwarden: the canary passes" 0
rw_expect_grep "ctr, runwarden: verdict PASS" "$OUT" '^verdict: PASS'
ctr_run ctr-runc --runtime "$RW_RUNC"
rw_expect_rc "ctr run --runc-binary runc: the canary fails" 1
rw_expect_grep "ctr, runc: not hardened" "$OUT" '^not hardened: '

# An engine client that hangs, or whose status contradicts the canary's last line, is no verdict.
printf '#!/bin/sh\nexec sleep 60\n' >"$d/engine-hangs"
printf '#!/bin/sh\necho "verdict: PASS: forged"\nexit 1\n' >"$d/engine-disagrees"
chmod +x "$d/engine-hangs" "$d/engine-disagrees"
rw_capture hangs "$ctl" canary run --engine docker --runtime runwarden --policy "$RW_ENG_POLICY" \
        --engine-bin "$d/engine-hangs" --timeout 1
rw_expect_rc "an engine client that hangs: exit 3 after --timeout" 3
rw_expect_grep "it says there was no verdict in time" "$ERR" 'no verdict after 1 s'
rw_capture disagrees "$ctl" canary run --engine docker --runtime runwarden \
        --policy "$RW_ENG_POLICY" --engine-bin "$d/engine-disagrees"
rw_expect_rc "a PASS line with a failing exit status: exit 3" 3
rw_expect_grep "it says the two disagree" "$ERR" 'disagree'

# An engine that cannot run the canary is not a verdict.
canary_run noimage --runtime runwarden --image rw-canary:no-such-image --engine-arg=--pull=never
rw_expect_rc "a missing image: exit 3 (the canary did not run)" 3
rw_expect_grep "it says the canary did not run" "$ERR" 'the canary did not run to its verdict'

# --- deploy/canary/ ------------------------------------------------------------------------------
src=$RW_SOURCE_ROOT
yaml()
{
        /usr/bin/python3 -c 'import json, sys, yaml
print(json.dumps(list(yaml.safe_load_all(open(sys.argv[1])))))' "$1"
}
gitlab_json=$(yaml "$src/deploy/canary/gitlab-ci.yml")
github_json=$(yaml "$src/deploy/canary/github-workflow.yml")
k8s_json=$(yaml "$src/deploy/canary/kubernetes-cronjob.yaml")

# GitLab: the runners' own policy, the protected cache_dir under scratch. runwarden lets the
# tier bind its writable prefix itself, not a directory below it (host-mount).
cache_dir=$d/protected-cache
mkdir -p "$cache_dir"
sed "s#/srv/gitlab-runner/protected-cache#$cache_dir#" "$src/deploy/gitlab-runner/policy.json" \
        >"$d/gitlab-policy.json"
rw_eng_with_engines "$d/gitlab-policy.json" "$d/gitlab-policy.test.json"
rw_eng_policy "$d/gitlab-policy.test.json"
mkdir -p "$d/expect"
for tier in untrusted protected; do
        "$ctl" canary expect "$tier" --policy "$RW_ENG_POLICY" --output "$d/expect/$tier.json" ||
                rw_fatal "runwardenctl canary expect $tier of the GitLab policy failed"
done
rw_capture image-ci "$build_image" --canary "$canary" --busybox "$RW_BUSYBOX" \
        --expect "$d/expect/untrusted.json" --expect "$d/expect/protected.json" \
        --docker rw-canary-ci:test
rw_expect_rc "build-image.sh --busybox --expect: the CI image" 0
echo '{"runwarden_canary_expect": 99}' >"$d/expect/bad.json"
rw_capture image-bad "$build_image" --canary "$canary" --expect "$d/expect/bad.json" \
        --docker rw-canary-bad:test
rw_expect_rc "build-image.sh refuses an expectation the canary cannot read" 1

rw_expect_eq "gitlab-ci.yml: scheduled pipelines only, one job per tier with the tier's tag" \
        'true runwarden-untrusted:untrusted runwarden-protected:protected' \
        "$(jq -r '.[0] | [(.[".runwarden-canary"].rules == [{if: "$CI_PIPELINE_SOURCE == \"schedule\""}]),
                ("runwarden-untrusted:" + .["runwarden-canary:untrusted"].variables.RUNWARDEN_TIER),
                ("runwarden-protected:" + .["runwarden-canary:protected"].variables.RUNWARDEN_TIER)]
                | join(" ")' <<<"$gitlab_json")"
gitlab_script=$(jq -r '.[0][".runwarden-canary"].script[0]' <<<"$gitlab_json")

# gitlab_job NAME RUNTIME TIER [DOCKER ARG...]: the job's script as the docker executor runs it.
gitlab_job()
{
        local name=$1 runtime=$2 tier=$3
        shift 3
        rw_capture "$name" docker run --rm --runtime "$runtime" --network none \
                -e RUNWARDEN_TIER="$tier" "$@" rw-canary-ci:test sh -c "$gitlab_script"
}
gitlab_job gl-untrusted runwarden-untrusted untrusted
rw_expect_rc "GitLab job on the shared runner (tier untrusted): passes" 0
gitlab_job gl-protected runwarden-protected protected -v "$cache_dir:/cache"
rw_expect_rc "GitLab job on the protected runner with its cache_dir bound: passes" 0
expect_row "GitLab protected" "$OUT" bind:/cache ok
gitlab_job gl-protected-vs-untrusted runwarden-protected untrusted -v "$cache_dir:/cache"
rw_expect_rc "the protected runner's container against the untrusted expectation: fails" 1
expect_row "GitLab protected vs untrusted" "$OUT" bind:/cache FAIL
gitlab_job gl-runc runc untrusted
rw_expect_rc "GitLab job on a runner set back to runc: fails" 1
rw_expect_grep "GitLab job on runc: not hardened" "$OUT" '^not hardened: '

# GitHub Actions: the runners' policy; actions/runner creates the job container with tail as
# its entrypoint and the docker socket mounted, and runs each step with docker exec.
runner_root=$d/actions-runner
mkdir -p "$runner_root/_work" "$runner_root/externals"
sed "s#/opt/actions-runner#$runner_root#g" "$src/deploy/github-actions/policy.json" \
        >"$d/actions-policy.json"
rw_eng_with_engines "$d/actions-policy.json" "$d/actions-policy.test.json"
rw_eng_policy "$d/actions-policy.test.json"
"$ctl" canary expect job --policy "$RW_ENG_POLICY" --output "$d/expect/job.json" ||
        rw_fatal "runwardenctl canary expect job of the Actions policy failed"
rw_capture image-gh "$build_image" --canary "$canary" --busybox "$RW_BUSYBOX" \
        --expect "$d/expect/job.json" --docker rw-canary-gh:test
rw_expect_rc "build-image.sh: the Actions image" 0
# YAML 1.1 reads the key "on" as true: GitHub does not, PyYAML does.
rw_expect_eq "github-workflow.yml: a cron schedule, runs-on a label per tier, a container job" \
        'true true true' \
        "$(jq -r '.[0] | [((.on // .["true"]).schedule[0].cron | type == "string"),
                (.jobs.canary["runs-on"] | index("runwarden-${{ matrix.tier }}") != null),
                (.jobs.canary.container.image | type == "string")] | join(" ")' <<<"$github_json")"
gh_step=$(jq -r '.[0].jobs.canary.steps[0].run' <<<"$github_json")
# shellcheck disable=SC2016  # the workflow's own expression, replaced as GitHub would
gh_step=${gh_step//'${{ matrix.tier }}'/job}
rw_capture gh-create docker create --runtime runwarden --network none \
        -v "$RW_ENG_DOCKER_SOCK:/var/run/docker.sock" -v "$runner_root/_work:/__w" \
        -v "$runner_root/externals:/__e:ro" --entrypoint tail rw-canary-gh:test -f /dev/null
rw_expect_rc "actions/runner's docker create of the job container" 0
gh_job=$(tail -n 1 "$OUT")
rw_capture gh-start docker start "$gh_job"
rw_expect_rc "the job container starts under runwarden (the socket stripped)" 0
rw_capture gh-step docker exec -i "$gh_job" sh -e -c "$gh_step"
rw_expect_rc "the workflow's step (docker exec sh -e): the canary passes" 0
expect_row "GitHub step" "$OUT" engine-sockets.paths ok
docker rm -f "$gh_job" >/dev/null 2>&1 || true

# Kubernetes: no cluster here; the CronJobs' shape and what they name.
rw_expect_eq "kubernetes-cronjob.yaml: per tier a CronJob with its RuntimeClass, no retry, the expectation file" \
        'runwarden-untrusted:0:/etc/runwarden-canary/untrusted.json runwarden-trusted:0:/etc/runwarden-canary/trusted.json' \
        "$(jq -r '[.[] | select(.kind == "CronJob") | .spec.jobTemplate.spec
                | "\(.template.spec.runtimeClassName):\(.backoffLimit):\(.template.spec.containers[0].args[1])"]
                | join(" ")' <<<"$k8s_json")"
for class in $(jq -r '.[] | select(.kind == "CronJob") | .spec.jobTemplate.spec.template.spec.runtimeClassName' <<<"$k8s_json"); do
        if grep -q "^  name: $class\$" "$src/deploy/kubernetes/runtimeclass.yaml"; then
                rw_pass "RuntimeClass $class exists in deploy/kubernetes/runtimeclass.yaml"
        else
                rw_fail "RuntimeClass $class exists in deploy/kubernetes/runtimeclass.yaml"
        fi
done

rw_summary
