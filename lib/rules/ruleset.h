/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* The rules of a container spec, in the order they run. Above every rule; no rule calls it. */

#include <jansson.h>

#include "facts.h"
#include "plan.h"
#include "settings.h"

/* All rules for a container spec (config.json of create/run/restore). */
void rw_rules_spec(const json_t *spec, const struct rw_settings *settings,
                   const struct rw_host_facts *facts, struct rw_plan *plan);
