/* SPDX-License-Identifier: Apache-2.0 */
/* PLACEHOLDER: being written */
#include "rules.h"

void rw_rules_required(const json_t *spec, const struct rw_settings *settings, struct rw_plan *plan)
{
        (void)spec;
        (void)settings;
        (void)plan;
}
