/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * Egress rule lists as JSON: the list runwarden hands to its hook (written at create, read by the
 * hook). The reader is strict: an unknown key, a wrong type or an inconsistent rule is an error,
 * never a default. (A tier's "egress" object of the policy is read by lib/policy.)
 */

#include <jansson.h>
#include <stdbool.h>

#include "egress.h"
#include "error.h"

/* {"mode": ..., "rules": [{"id", "verdict", "match", "family", "daddr", "proto", "ports"}]} */
int rw_egress_ruleset_to_json(const struct rw_egress_ruleset *set, json_t **ret,
                              struct rw_error *err);
int rw_egress_ruleset_from_json(const json_t *obj, struct rw_egress_ruleset *ret,
                                struct rw_error *err);
