/* SPDX-License-Identifier: Apache-2.0 */
#include <inttypes.h>

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
