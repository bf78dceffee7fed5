/* SPDX-License-Identifier: Apache-2.0 */
/* STUB: being written */
#include "rules.h"

void rw_rules_seccomp(const json_t *spec, const struct rw_settings *settings, struct rw_plan *plan)
{
        (void)spec;
        (void)settings;
        (void)plan;
}
