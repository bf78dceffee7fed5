/* SPDX-License-Identifier: Apache-2.0 */
/* STUB: being written */
#include "rules.h"

void rw_rules_mounts(const json_t *spec, const struct rw_settings *settings,
                     const struct rw_host_facts *facts, struct rw_plan *plan)
{
        (void)spec;
        (void)settings;
        (void)facts;
        (void)plan;
}
