/* SPDX-License-Identifier: Apache-2.0 */
/* STUB: being written */
#include "rules.h"

void rw_rules_namespaces(const json_t *spec, const struct rw_host_facts *facts,
                         struct rw_plan *plan)
{
        (void)spec;
        (void)facts;
        (void)plan;
}
