/* SPDX-License-Identifier: Apache-2.0 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cleanup.h"
#include "json.h"
#include "rules.h"
#include "seccomp_compare.h"

/* SCMP_ACT_LOG lets the call through as well: it only writes an audit record. */
static bool action_lets_through(const json_t *action)
{
        const char *name = json_string_value(action);

        return name != NULL &&
               (strcmp(name, "SCMP_ACT_ALLOW") == 0 || strcmp(name, "SCMP_ACT_LOG") == 0);
}

/*
 * True when the filter stops nothing: runc reads one with neither a default action nor rules as
 * no filter at all, and a default that lets calls through with only rules that let calls through
 * (or name no call) filters nothing either.
 */
static bool filter_unconfined(const json_t *seccomp)
{
        const json_t *default_action = json_object_get(seccomp, "defaultAction");
        const json_t *syscalls = json_object_get(seccomp, "syscalls");
        const json_t *entry;
        size_t i;

        if (default_action == NULL)
                return json_array_size(syscalls) == 0;
        if (!action_lets_through(default_action))
                return false;
        json_array_foreach((json_t *)syscalls, i, entry)
        {
                if (json_array_size(json_object_get(entry, "names")) > 0 &&
                    !action_lets_through(json_object_get(entry, "action")))
                        return false;
        }
        return true;
}

/* linux.seccomp when the spec is well-formed enough to have one; *ret_ok false otherwise
 * (denied under RW_RULE_SPEC when `plan` is given). */
static const json_t *spec_filter(const json_t *spec, struct rw_plan *plan, bool *ret_ok)
{
        const json_t *linux_obj = json_object_get(spec, "linux");
        const json_t *seccomp;

        *ret_ok = false;
        if (linux_obj != NULL && !json_is_object(linux_obj)) {
                if (plan != NULL)
                        rw_plan_deny(plan, RW_RULE_SPEC, "linux", "linux is not a JSON object");
                return NULL;
        }
        seccomp = json_object_get(linux_obj, "seccomp");
        if (seccomp != NULL && !json_is_null(seccomp) && !json_is_object(seccomp)) {
                if (plan != NULL)
                        rw_plan_deny(plan, RW_RULE_SPEC, "linux.seccomp",
                                     "linux.seccomp is not a JSON object");
                return NULL;
        }
        *ret_ok = true;
        return json_is_object(seccomp) ? seccomp : NULL;
}

bool rw_rules_seccomp_wants_profile(const json_t *spec, const struct rw_settings *settings)
{
        bool ok;

        /* Both modes need the profile whatever the spec holds: replace applies it (or finds it
         * already there), inject compares the engine's filter with it. A malformed spec is
         * refused without it. */
        (void)settings;
        spec_filter(spec, NULL, &ok);
        return ok;
}

/*
 * Inject mode: the engine's filter stays when it is at least as strict as the profile
 * (docs/seccomp.md). Otherwise `err` says what it lets through.
 */
static int check_engine_filter(const json_t *engine, const json_t *profile, struct rw_error *err)
{
        _cleanup_seccomp_model_ struct rw_seccomp_model *theirs = NULL;
        _cleanup_seccomp_model_ struct rw_seccomp_model *ours = NULL;

        if (rw_seccomp_model_new(engine, RW_SECCOMP_AS_RUNC, &theirs, err) < 0)
                return rw_error_prefix(err, "it cannot be read as runc would load it");
        if (rw_seccomp_model_new(profile, RW_SECCOMP_STRICT, &ours, err) < 0)
                return rw_error_prefix(err, "the profile cannot be modelled");
        return rw_seccomp_check_at_least_as_strict(theirs, ours, err);
}

void rw_rules_seccomp(const json_t *spec, const struct rw_settings *settings, struct rw_plan *plan)
{
        const char *name =
            settings->seccomp_profile_name != NULL ? settings->seccomp_profile_name : "(unnamed)";
        const json_t *seccomp;
        struct rw_error why = {0};
        bool ok;

        /* The profile goes into the plan shared, not copied: nothing changes a profile once it
         * is loaded, and the plan and the document only hold references to it. */
        seccomp = spec_filter(spec, plan, &ok);
        if (!ok)
                return;
        if (settings->seccomp_profile == NULL) {
                rw_plan_deny(plan, RW_RULE_SECCOMP, "linux.seccomp",
                             "no seccomp profile is loaded for profile %s: the container would "
                             "run with %s",
                             name,
                             seccomp == NULL ? "no filter at all" : "a filter nobody checked");
                return;
        }
        if (seccomp == NULL) {
                rw_plan_set_new(plan, RW_RULE_SECCOMP, "/linux/seccomp", NULL,
                                json_incref((json_t *)settings->seccomp_profile),
                                "no seccomp filter: applied profile %s", name);
                return;
        }
        /* Already the profile (a spec written by runwarden before, a restore): nothing to do. */
        if (rw_json_equal_text(seccomp, settings->seccomp_profile))
                return;
        if (filter_unconfined(seccomp)) {
                rw_plan_set_new(plan, RW_RULE_SECCOMP, "/linux/seccomp", (json_t *)seccomp,
                                json_incref((json_t *)settings->seccomp_profile),
                                "the seccomp filter lets every system call through: replaced it "
                                "with profile %s",
                                name);
                return;
        }
        /* a profile kept as text cannot be compared rule by rule: replaced, as in replace mode */
        if (settings->seccomp_mode == RW_SECCOMP_INJECT &&
            !rw_json_is_verbatim_document(settings->seccomp_profile)) {
                if (check_engine_filter(seccomp, settings->seccomp_profile, &why) == 0)
                        return;
                rw_plan_set_new(plan, RW_RULE_SECCOMP, "/linux/seccomp", (json_t *)seccomp,
                                json_incref((json_t *)settings->seccomp_profile),
                                "the engine's seccomp filter is not as strict as profile %s (%s): "
                                "replaced it with the profile",
                                name, why.msg);
                return;
        }
        rw_plan_set_new(plan, RW_RULE_SECCOMP, "/linux/seccomp", (json_t *)seccomp,
                        json_incref((json_t *)settings->seccomp_profile),
                        "replaced the engine's seccomp filter with profile %s (seccomp mode "
                        "replace)",
                        name);
}
