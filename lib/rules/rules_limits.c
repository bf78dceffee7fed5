/* SPDX-License-Identifier: Apache-2.0 */
#include <inttypes.h>
#include <string.h>

#include "numbers.h"
#include "rules.h"

void rw_rules_limits(const json_t *spec, const struct rw_settings *settings, struct rw_plan *plan)
{
        const json_t *linux_obj, *resources, *pids, *limit;
        bool ok;

        /* A tier without a pids limit leaves whatever the engine asked for. */
        if (settings->pids_limit <= 0)
                return;

        linux_obj = rw_spec_member(spec, "linux", JSON_OBJECT, "linux", plan, &ok);
        if (!ok)
                return;
        resources =
            rw_spec_member(linux_obj, "resources", JSON_OBJECT, "linux.resources", plan, &ok);
        if (!ok)
                return;
        pids = rw_spec_member(resources, "pids", JSON_OBJECT, "linux.resources.pids", plan, &ok);
        if (!ok)
                return;

        /* 0 and -1 both mean "unlimited" to runc; a fork bomb then takes the whole host's pid
         * space with it. */
        limit = json_object_get(pids, "limit");
        if (json_is_integer(limit) && json_integer_value(limit) > 0)
                return;

        rw_plan_set_new(plan, RW_RULE_PIDS, "/linux/resources/pids/limit", (json_t *)limit,
                        json_integer(settings->pids_limit),
                        "the container may run at most %" PRId64 " processes",
                        settings->pids_limit);
}

static void judge_pids_update(int64_t limit, const char *what, const struct rw_settings *settings,
                              struct rw_plan *plan)
{
        if (settings->pids_limit <= 0 || (limit > 0 && limit <= settings->pids_limit))
                return;
        rw_plan_deny(plan, RW_RULE_PIDS, what,
                     "update asks for a pids limit of %" PRId64
                     " (%s); the tier allows at most %" PRId64,
                     limit, limit <= 0 ? "unlimited" : "above the tier's", settings->pids_limit);
}

void rw_rules_update(const json_t *resources, const struct rw_strv *flags,
                     const struct rw_settings *settings, struct rw_plan *plan)
{
        const json_t *pids = json_object_get(json_object_get(resources, "pids"), "limit");
        const json_t *devices = json_object_get(resources, "devices");

        /* runc applies a pids object even without a limit: an absent limit is 0, unlimited */
        if (json_object_get(resources, "pids") != NULL)
                judge_pids_update(json_is_integer(pids) ? json_integer_value(pids) : 0,
                                  "--resources pids.limit", settings, plan);
        if (json_array_size(devices) > 0)
                rw_plan_deny(plan, RW_RULE_DEVICES, "--resources devices",
                             "update cannot change which devices the container may use");
        for (size_t i = 0; i < flags->n; i++) {
                const char *eq = strchr(flags->v[i], '=');
                int64_t limit;

                if (eq == NULL || strncmp(flags->v[i], "pids-limit=", 11) != 0)
                        continue;
                /* runc parses it with strconv.ParseInt(v, 10, 64) and refuses anything else */
                if (rw_parse_go_int(eq + 1, &limit))
                        judge_pids_update(limit, "--pids-limit", settings, plan);
        }
}
