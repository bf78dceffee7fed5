#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
#
# The adversarial suite: every case of cases/*.sh, each run without runwarden (real runc with
# docker's default spec, or dockerd's default runtime) and through runwarden, judged from the
# attacker's side (escape.sh explains the verdicts). Prints the table, writes it into
# docs/security.md between its markers, and exits non-zero when any case does not meet its
# expectation: a case runwarden lets through, refuses for another reason, breaks when it must
# work, or that does not reach anything even without runwarden (a test that cannot fail).
#
#   ESC_ONLY=ERE        run only the cases whose id matches
#   ESC_DOCS=0          do not rewrite docs/security.md
#   ESC_RACE_RUNS=N     iterations of each race (default 24)
#   ESC_KEEP=DIR        keep the logs of every call there
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/integration/lib.sh
. "$here/../integration/lib.sh"
# shellcheck source=tests/integration/engines.sh
. "$here/../integration/engines.sh"
# shellcheck source=tests/escape/escape.sh
. "$here/escape.sh"

suite_start=$SECONDS
rw_init
rw_eng_init
rw_eng_on_exit esc_cleanup
esc_init

echo "# runwarden: $RW_BIN"
echo "# runc:      $RW_RUNC ($("$RW_RUNC" --version | head -n 1))"
echo "# scratch:   $RW_TMP"
echo "# policy:    deploy/policy/policy.json + test tiers; engine directories: $ESC_POLICY_MODE"

ESC_RACE_RUNS=${ESC_RACE_RUNS:-24}
for f in "$here"/cases/*.sh; do
        # shellcheck source=/dev/null
        . "$f"
done

# esc_rule_ok VERDICT_KIND RULES: "refused:host-mount" against "host-mount|engine-socket".
esc_rule_ok()
{
        local kind=$1 rules=$2 r
        [[ $kind == refused:* ]] || return 1
        IFS='|' read -ra r <<<"$rules"
        local x
        for x in "${r[@]}"; do
                [ "${kind#refused:}" = "$x" ] && return 0
        done
        return 1
}

# esc_kinds VERDICT: the verdict kinds of a (possibly aggregated) verdict, one per line.
esc_kinds()
{
        local w
        for w in $1; do
                [[ $w =~ ^[0-9]+/[0-9]+$ ]] || echo "$w"
        done
}

# esc_evaluate ID: "ok" or "FAIL: why".
esc_evaluate()
{
        local id=$1 expect=${ESC_EXPECT[$1]} rule=${ESC_RULE[$1]} vp=${ESC_V_PLAIN[$1]}
        local vw=${ESC_V_RW[$1]} k why=()
        local kinds
        kinds=$(esc_kinds "$vw")
        case $expect in
        allowed)
                [ "$kinds" = ran ] || why+=("must keep working, runwarden: $vw")
                ;;
        *)
                while read -r k; do
                        if [[ $k == reached* ]]; then
                                why+=("OPEN: the attack reached through runwarden")
                        elif [[ $k == refused:* ]]; then
                                if [[ $expect != *refused* ]]; then
                                        why+=("refused ($k), expected $expect")
                                elif [ "$rule" != - ] && ! esc_rule_ok "$k" "$rule"; then
                                        why+=("refused by ${k#refused:}, expected rule $rule")
                                fi
                        elif [ "$k" = contained ]; then
                                [[ $expect == *contained* ]] || why+=("contained, expected refused ($rule)")
                        elif [ "$k" = impossible ]; then
                                [[ $expect == *impossible* ]] || why+=("the engine cannot carry the attack")
                        else
                                why+=("$k")
                        fi
                done <<<"$kinds"
                ;;
        esac
        if [ -z "${ESC_NA[$id]:-}" ]; then
                if [ "$expect" = allowed ]; then
                        [[ $vp == ran* ]] || why+=("without runwarden it did not work either: $vp")
                elif [[ $vp != reached* ]] && ! { [ "$vp" = impossible ] && [[ $expect == *impossible* ]]; }; then
                        why+=("without runwarden the attack reached nothing ($vp): the case proves nothing")
                fi
        fi
        if [ "${#why[@]}" -eq 0 ]; then
                echo ok
        else
                local IFS=';'
                echo "FAIL: ${why[*]}"
        fi
}

# --- Run -------------------------------------------------------------------------------------
selected=()
for id in "${ESC_IDS[@]}"; do
        [[ -z ${ESC_ONLY:-} || $id =~ $ESC_ONLY ]] && selected+=("$id")
done
[ "${#selected[@]}" -gt 0 ] || rw_fatal "no case matches ESC_ONLY=${ESC_ONLY:-}"
echo "# ${#selected[@]} cases"

n=0
for id in "${selected[@]}"; do
        n=$((n + 1))
        t0=$SECONDS
        for ESC_MODE in plain rw; do
                ESC_ID=$id
                ESC_NUM=$n
                ESC_CID=$(tr -c 'a-zA-Z0-9.\n' '-' <<<"$id")-${ESC_MODE:0:1}
                VERDICT=
                DETAIL=
                # Attacks run without errexit (a failed attempt is a result); what must not
                # fail calls rw_fatal.
                eval "${ESC_ATTACK[$id]}" || true
                [ -n "$VERDICT" ] || VERDICT="error:no verdict"
                if [ "$ESC_MODE" = plain ]; then
                        ESC_V_PLAIN[$id]=$VERDICT
                        ESC_D_PLAIN[$id]=$DETAIL
                else
                        ESC_V_RW[$id]=$VERDICT
                        ESC_D_RW[$id]=$DETAIL
                fi
        done

        ESC_TIME[$id]=$((SECONDS - t0))
        ESC_RESULT[$id]=$(esc_evaluate "$id")
        printf '%-4s %-34s %3ss  plain: %-22s runwarden: %-30s %s\n' "$n" "$id" "${ESC_TIME[$id]}" \
                "${ESC_V_PLAIN[$id]}" "${ESC_V_RW[$id]}" "${ESC_RESULT[$id]}"
        if [ "${ESC_RESULT[$id]}" != ok ]; then
                echo "     attack:    ${ESC_DESC[$id]}"
                echo "     plain:     ${ESC_D_PLAIN[$id]}"
                echo "     runwarden: ${ESC_D_RW[$id]}"
        fi
done

# --- Table -----------------------------------------------------------------------------------
failed=0
table=$RW_TMP/escape-table.md
{
        echo "| case | class | attacker controls | attack | plain runc, docker defaults | runwarden | expected | result |"
        echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
        for id in "${selected[@]}"; do
                expected=${ESC_EXPECT[$id]}
                [ "${ESC_RULE[$id]}" = - ] || expected="$expected (${ESC_RULE[$id]})"
                plain=${ESC_V_PLAIN[$id]}
                [ -z "${ESC_NA[$id]:-}" ] || plain="$plain ¹"
                result=${ESC_RESULT[$id]}
                if [ "$result" != ok ]; then
                        failed=$((failed + 1))
                        case $result in
                        *OPEN*) result="**FAIL: open**" ;;
                        *"must keep working"*) result="**FAIL: broken**" ;;
                        *"refused by "*) result="**FAIL: other rule**" ;;
                        *runc-failed*) result="**FAIL: handed to runc**" ;;
                        *"expected refused"*) result="**FAIL: not refused**" ;;
                        *"reached nothing"*) result="**FAIL: bypass reached nothing**" ;;
                        *) result="**FAIL**" ;;
                        esac
                fi
                desc=${ESC_DESC[$id]}
                [ -z "${ESC_NA[$id]:-}" ] || desc="$desc (¹ ${ESC_NA[$id]})"
                [ -z "${ESC_NOTE[$id]:-}" ] || desc="$desc — ${ESC_NOTE[$id]}"
                # shellcheck disable=SC2016  # backquotes are markdown
                printf '| `%s` | %s | %s | %s | %s | %s | %s | %s |\n' "$id" "${ESC_CLASS[$id]}" \
                        "${ESC_WHO[$id]}" "${desc//|/\\|}" "${plain//|/\\|}" "${ESC_V_RW[$id]//|/\\|}" \
                        "${expected//|/\\|}" "$result"
        done
        echo
        echo "${#selected[@]} cases, $((${#selected[@]} - failed)) meet their expectation, $failed do not."
        echo "runc: $("$RW_RUNC" --version | head -n 1 | sed 's/^runc version //'); engine directories from the policy: $ESC_POLICY_MODE."
} >"$table"

echo
column -t -s '|' <"$table" | sed 's/ *$//' | head -n $((${#selected[@]} + 2)) | cut -c1-220 || cat "$table"
echo
tail -n 2 "$table"
# The cases that fail, again and in full, last: a CI log shows only the end of a long output.
if [ "$failed" -gt 0 ]; then
        echo "# not as expected:"
        for id in "${selected[@]}"; do
                [ "${ESC_RESULT[$id]}" = ok ] ||
                        printf '#   %s (expected %s %s): plain runc %s; runwarden %s; %s\n' "$id" \
                                "${ESC_EXPECT[$id]}" "${ESC_RULE[$id]}" "${ESC_V_PLAIN[$id]}" \
                                "${ESC_V_RW[$id]}" "${ESC_RESULT[$id]}"
        done
fi

docs=$RW_SOURCE_ROOT/docs/security.md
if [ "${ESC_DOCS:-1}" = 1 ] && [ -z "${ESC_ONLY:-}" ]; then
        if grep -q '^<!-- escape-table:begin -->$' "$docs" 2>/dev/null &&
                grep -q '^<!-- escape-table:end -->$' "$docs"; then
                # shellcheck disable=SC2016  # an awk program
                awk -v table="$table" '
                        /^<!-- escape-table:begin -->$/ { print; while ((getline l < table) > 0) print l; skip = 1; next }
                        /^<!-- escape-table:end -->$/ { skip = 0 }
                        !skip' "$docs" >"$RW_TMP/security.md"
                cat "$RW_TMP/security.md" >"$docs"
                echo "# table written to docs/security.md"
        else
                echo "# docs/security.md has no escape-table markers; table left in $table"
        fi
fi
echo "# $((SECONDS - suite_start)) s"
[ "$failed" -eq 0 ]
