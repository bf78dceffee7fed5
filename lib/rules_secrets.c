/* SPDX-License-Identifier: Apache-2.0 */
/* PLACEHOLDER: being written */
#include "rules.h"

void rw_rules_secrets(const json_t *process, const char *pointer, struct rw_plan *plan)
{
        (void)process;
        (void)pointer;
        (void)plan;
}
