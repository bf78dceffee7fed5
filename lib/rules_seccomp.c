/* SPDX-License-Identifier: Apache-2.0 */
#include <stdbool.h>
#include <string.h>

#include "rules.h"

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
 * (or name no call) filters nothing either. Anything else is left to runc, which refuses what it
 * cannot read.
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

bool rw_rules_seccomp_wants_profile(const json_t *spec, const struct rw_settings *settings)
{
        const json_t *seccomp = json_object_get(json_object_get(spec, "linux"), "seccomp");

        (void)settings;
        return !json_is_object(seccomp) || filter_unconfined(seccomp);
}

void rw_rules_seccomp(const json_t *spec, const struct rw_settings *settings, struct rw_plan *plan)
{
        const json_t *linux_obj = json_object_get(spec, "linux");
        const json_t *seccomp;

        if (linux_obj != NULL && !json_is_object(linux_obj)) {
                rw_plan_deny(plan, RW_RULE_SPEC, "linux", "linux is not a JSON object");
                return;
        }
        seccomp = json_object_get(linux_obj, "seccomp");
        if (seccomp != NULL && !json_is_null(seccomp) && !json_is_object(seccomp)) {
                rw_plan_deny(plan, RW_RULE_SPEC, "linux.seccomp",
                             "linux.seccomp is not a JSON object");
                return;
        }
        if (json_is_object(seccomp) && !filter_unconfined(seccomp))
                return;

        if (settings->seccomp_profile == NULL) {
                if (json_is_object(seccomp))
                        rw_plan_deny(plan, RW_RULE_SECCOMP, "linux.seccomp",
                                     "the spec's seccomp filter lets every system call through "
                                     "and no profile is configured");
                else
                        rw_plan_deny(plan, RW_RULE_SECCOMP, "linux.seccomp",
                                     "the spec has no seccomp filter and no profile is configured");
                return;
        }
        /* A copy: the plan owns what it applies, and the profile is shared by every spec. */
        rw_plan_set_new(plan, RW_RULE_SECCOMP, "/linux/seccomp", (json_t *)seccomp,
                        json_deep_copy(settings->seccomp_profile), "%s",
                        json_is_object(seccomp)
                            ? "the seccomp filter lets every system call through: replaced it "
                              "with the configured profile"
                            : "no seccomp filter: applied the configured profile");
}
