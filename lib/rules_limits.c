/* SPDX-License-Identifier: Apache-2.0 */
#include <inttypes.h>

#include "rules.h"

void rw_rules_limits(const json_t *spec, const struct rw_settings *settings, struct rw_plan *plan)
{
        const json_t *linux_obj = json_object_get(spec, "linux");
        const json_t *resources, *pids, *limit;

        /* A tier without a pids limit leaves whatever the engine asked for. */
        if (settings->pids_limit <= 0)
                return;

        if (linux_obj != NULL && !json_is_object(linux_obj)) {
                rw_plan_deny(plan, RW_RULE_SPEC, "linux", "linux is not a JSON object");
                return;
        }
        resources = json_object_get(linux_obj, "resources");
        if (resources != NULL && !json_is_object(resources)) {
                rw_plan_deny(plan, RW_RULE_SPEC, "linux.resources",
                             "linux.resources is not a JSON object");
                return;
        }
        pids = json_object_get(resources, "pids");
        if (pids != NULL && !json_is_object(pids)) {
                rw_plan_deny(plan, RW_RULE_SPEC, "linux.resources.pids",
                             "linux.resources.pids is not a JSON object");
                return;
        }

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
