/* SPDX-License-Identifier: Apache-2.0 */
/* STUB: being written */
#include "rules.h"

void rw_rules_annotations(const json_t *spec, struct rw_plan *plan)
{
        (void)spec;
        (void)plan;
}
