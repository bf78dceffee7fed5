#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# The CI job corpus: representative jobs run unchanged through a dockerd of the test's own, once
# with plain runc and once with runwarden's default tier (and, for a job that needs more, once
# with the tier it needs). Prints a table (job, runc, runwarden, time) and writes it into the
# generated section of docs/compatibility.md.
#
# The default tier here is runwarden's baseline plus what any installation declares for its
# engine and runner: the own dockerd's volumes and containers directories, and the runner's
# work directory (GitHub's runner binds it into the job container).
#
#   RW_JOBS_CACHE    where the job image's rootfs is cached (default /var/cache/runwarden-tests)
#   RW_JOBS_MIRRORS  a file of apt source lines to build the image from (default: the host's)
#   RW_JOBS_ONLY     a space-separated list of jobs to run (default: all); the doc is then not
#                    written
#   RW_JOBS_DOC      the document to write (default RW_SOURCE_ROOT/docs/compatibility.md)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/integration/lib.sh
. "$here/../integration/lib.sh"
# shellcheck source=tests/integration/engines.sh
. "$here/../integration/engines.sh"
# shellcheck source=tests/jobs/lib.sh
. "$here/lib.sh"

# The order of the table.
all_jobs=(c-make python-venv node-npm git-clone home-tools scratch-only gitlab github
        apt-install device-fuse)

rw_need_cmd mmdebstrap apt-get timeout
suite_start=$SECONDS
rw_init
rw_eng_init

jobs=("${all_jobs[@]}")
if [ -n "${RW_JOBS_ONLY:-}" ]; then
        read -r -a jobs <<<"$RW_JOBS_ONLY"
fi
for job in "${jobs[@]}"; do
        [ -f "$here/$job/job.sh" ] || rw_fatal "no job $job ($here/$job/job.sh)"
done

# --- Tiers, policy, daemons, image -------------------------------------------------------------
# job_var JOB VAR: a variable job.sh sets, read without running anything of the job.
job_var()
{
        # shellcheck disable=SC1090
        (. "$here/$1/job.sh" && printf '%s' "${!2:-}")
}

runner_dir=$RW_ENG_DIR/runner
mkdir -p "$runner_dir" "$RW_ENG_DIR/bin"
binds=$(jq -cn --arg p "$runner_dir" '[{path: $p, read_only: false}]')
rw_eng_default_policy_json '{}' "$binds" >"$RW_TMP/policy-default.json"
rw_eng_policy "$RW_TMP/policy-default.json"

runtimes=()
for job in "${jobs[@]}"; do
        tier=$(job_var "$job" JOB_TIER)
        [ -n "$tier" ] || continue
        ln -sf "$RW_ENG_RUNTIME" "$RW_ENG_DIR/bin/runwarden-$tier"
        runtimes+=(--runtime "runwarden-$tier=$RW_ENG_DIR/bin/runwarden-$tier")
done

jobs_image_tar "$here"

rw_eng_start_dockerd "${runtimes[@]}"
t0=$SECONDS
jobs_import_image "$JOBS_IMAGE_TAR"
echo "# job image imported in $((SECONDS - t0)) s"

# --- Running jobs ------------------------------------------------------------------------------
# first_error LOG: the line of LOG that says why a job failed: the first that reads like an error
# (warnings and the lines that follow one are less telling), else the last line. Scratch paths
# are replaced: the table goes into the repository.
first_error()
{
        local re='^E: |error|fatal|FAIL|denied|not found|No such|Read-only|cannot|refused|invalid|not permitted'
        { grep -E -i -m1 -- "$re" "$1" || grep -v '^[[:space:]]*$' "$1" | tail -n 1; } |
                sed "s|$RW_ENG_DIR|<scratch>|g; s|$RW_TMP|<scratch>|g" | cut -c1-160
}

# run_job JOB RUNTIME: runs it; sets RUN_RC, RUN_SECS, RUN_LOG, RUN_ERROR (its last line).
run_job()
{
        local job=$1 runtime=$2 start end
        RUN_LOG=$RW_TMP/$job.$runtime.log
        export JOB_NAME=$job JOB_DIR=$here/$job JOB_IMAGE=$JOBS_IMAGE JOB_RUNTIME=$runtime
        export JOB_ID=rwjob-$job-$runtime JOB_HOST_DIR=$runner_dir/$job-$runtime
        export JOBS_IMAGE JOB_ENGINE_SOCK=$RW_ENG_DOCKER_SOCK
        rm -rf "$JOB_HOST_DIR"
        mkdir -p "$JOB_HOST_DIR"
        start=$EPOCHREALTIME
        RUN_RC=0
        timeout -k 10 300 bash "$here/run-one.sh" "$here/$job/job.sh" >"$RUN_LOG" 2>&1 \
                </dev/null || RUN_RC=$?
        end=$EPOCHREALTIME
        RUN_SECS=$(awk -v s="$start" -v e="$end" 'BEGIN { printf "%.1f", e - s }')
        RUN_ERROR=$(first_error "$RUN_LOG")
        [ "$RUN_RC" != 124 ] || RUN_ERROR="timed out after 300 s"
        echo "#   $job under $runtime: exit $RUN_RC in $RUN_SECS s"
}

show_log()
{
        echo "    --- last lines of $1:"
        tail -n 25 "$1" | sed 's/^/    | /'
}

# Table rows, markdown.
rows=()
tier_rows=()
failures=()

for job in "${jobs[@]}"; do
        desc=$(job_var "$job" JOB_DESC)
        mount=$(job_var "$job" JOB_MOUNT)
        tier=$(job_var "$job" JOB_TIER)
        echo "# job $job: $desc"

        run_job "$job" runc
        runc_rc=$RUN_RC runc_secs=$RUN_SECS
        if [ "$runc_rc" = 0 ]; then
                rw_pass "$job passes under runc"
                runc_cell=pass
        else
                rw_fail "$job passes under runc (the job itself is broken)"
                show_log "$RUN_LOG"
                runc_cell="**FAIL**"
                failures+=("$job under runc: exit $runc_rc: \`$RUN_ERROR\`")
        fi

        rw_eng_policy "$RW_TMP/policy-default.json"
        run_job "$job" runwarden
        rw_rc=$RUN_RC rw_secs=$RUN_SECS
        if [ -z "$tier" ]; then
                if [ "$rw_rc" = 0 ]; then
                        rw_pass "$job passes under runwarden's default tier"
                        rw_cell=pass
                else
                        rw_fail "$job passes under runwarden's default tier"
                        show_log "$RUN_LOG"
                        rw_cell="**FAIL**"
                        failures+=("$job under runwarden: exit $rw_rc: \`$RUN_ERROR\`")
                fi
        else
                # A job that needs more must not get it from the default tier.
                if [ "$rw_rc" != 0 ]; then
                        rw_pass "$job fails under the default tier (it needs tier $tier)"
                        rw_cell="fails (needs \`$tier\`)"
                        default_error=$RUN_ERROR
                else
                        rw_fail "$job fails under the default tier (it needs tier $tier)"
                        show_log "$RUN_LOG"
                        rw_cell="**passes** (must not)"
                        default_error="-"
                        failures+=("$job passed under the default tier, which must not allow it")
                fi

                tier_json=$(job_var "$job" JOB_TIER_JSON)
                changes=$(job_var "$job" JOB_TIER_CHANGES)
                rw_eng_default_policy_json "{\"$tier\": $tier_json}" "$binds" \
                        >"$RW_TMP/policy-$tier.json"
                tier_cell=
                if ! "$RW_ENG_PREFIX/bin/runwardenctl" policy validate "$RW_TMP/policy-$tier.json" \
                        >"$RW_TMP/validate-$tier.log" 2>&1; then
                        rw_fail "$job passes under tier $tier (the tier is not valid policy)"
                        show_log "$RW_TMP/validate-$tier.log"
                        RUN_ERROR=$(first_error "$RW_TMP/validate-$tier.log")
                        tier_cell="**FAIL** (policy invalid)"
                        tier_secs="-"
                        failures+=("$job: tier \`$tier\` \`$tier_json\` is not valid policy: \`$RUN_ERROR\`")
                else
                        rw_eng_policy "$RW_TMP/policy-$tier.json"
                        run_job "$job" "runwarden-$tier"
                        tier_secs=$RUN_SECS
                        if [ "$RUN_RC" = 0 ]; then
                                rw_pass "$job passes under tier $tier"
                                tier_cell=pass
                        else
                                rw_fail "$job passes under tier $tier"
                                show_log "$RUN_LOG"
                                tier_cell="**FAIL**"
                                failures+=("$job under tier $tier: exit $RUN_RC: \`$RUN_ERROR\`")
                        fi
                        rw_eng_policy "$RW_TMP/policy-default.json"
                fi
                tier_rows+=("| $job | \`$tier\` | $changes | \`$tier_json\` | $tier_cell | $tier_secs s | \`${default_error//|/\\|}\` |")
        fi
        rows+=("| $job | $desc | $mount | $runc_cell | $rw_cell | $runc_secs s | $rw_secs s |")
done

suite_secs=$((SECONDS - suite_start))

# --- The table ---------------------------------------------------------------------------------
table=$RW_TMP/table.md
{
        echo "| job | what it does | builds directory | runc | runwarden | time runc | time runwarden |"
        echo "| --- | --- | --- | --- | --- | --- | --- |"
        printf '%s\n' "${rows[@]}"
        if [ "${#tier_rows[@]}" -gt 0 ]; then
                echo
                echo "Jobs that need more than the default tier, and the tier that gives it:"
                echo
                echo "| job | tier | what the tier changes | tier in the policy | with the tier | time | under the default tier |"
                echo "| --- | --- | --- | --- | --- | --- | --- |"
                printf '%s\n' "${tier_rows[@]}"
        fi
        echo
        if [ "${#failures[@]}" -gt 0 ]; then
                echo "Failures, each with the line of its output that says why:"
                echo
                printf -- '- %s\n' "${failures[@]//|/\\|}"
                echo
        fi
        image_note=cached
        [ -z "$JOBS_IMAGE_BUILT" ] || image_note="built in $JOBS_IMAGE_BUILT s"
        echo "Measured: the whole suite took ${suite_secs} s (image: $image_note); docker client" \
                "$(docker version --format '{{.Client.Version}}'), dockerd" \
                "$(docker version --format '{{.Server.Version}}'), runc $("$RW_RUNC" --version |
                        head -n 1 | awk '{print $3}')."
} >"$table"
echo
cat "$table"
echo

doc=${RW_JOBS_DOC:-$RW_SOURCE_ROOT/docs/compatibility.md}
if [ -n "${RW_JOBS_ONLY:-}" ]; then
        echo "# RW_JOBS_ONLY is set: $doc is not written"
else
        begin='<!-- BEGIN generated by tests/jobs/run.sh -->'
        end='<!-- END generated by tests/jobs/run.sh -->'
        if grep -Fxq -- "$begin" "$doc" 2>/dev/null && grep -Fxq -- "$end" "$doc"; then
                awk -v b="$begin" -v e="$end" -v t="$table" '
                        $0 == b { print; while ((getline line < t) > 0) print line; skip = 1; next }
                        $0 == e { skip = 0 }
                        !skip' "$doc" >"$doc.new" && mv "$doc.new" "$doc"
                rw_pass "the table is written to $doc"
        else
                rw_fail "the table is written to $doc (no generated-section markers in it)"
        fi
fi

rw_summary
