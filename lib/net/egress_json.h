/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * Egress settings and rule lists as JSON: a tier's "egress" object of the policy file (read
 * only), and the rule list runwarden hands to its hook (written at create, read by the hook).
 * Both readers are strict: an unknown key, a wrong type or an inconsistent rule is an error,
 * never a default.
 *
 * A tier's "egress" object (docs/egress.md):
 *   { "mode": "deny-list" | "allowlist" | "none" | "off",       required
 *     "metadata": "deny" | "allow",        default "deny"
 *     "control_planes": "deny" | "allow",  default "deny"  (env's Kubernetes API, kubelet, docker)
 *     "private": "deny" | "allow",         default "allow" (RFC 1918, CGNAT, ULA; deny-list)
 *     "resolvers": "allow" | "deny",       default "allow" (resolv.conf's nameservers, port 53)
 *     "counters": true | false,            default true    (read the counters at delete)
 *     "kubernetes_api": [TARGET...],       rejected, beside KUBERNETES_SERVICE_HOST
 *     "deny": [TARGET...],                 rejected: the operator's control planes
 *     "allow": [TARGET...] }               accepted (allowlist) or exceptions to "private"
 *   TARGET: { "cidr": "10.0.0.0/8" | "host": "example.com" (neither: every address),
 *             "proto": "tcp" | "udp" | "any" (default any),
 *             "ports": 443 | "8000-8100" | [443, "8000-8100"] }
 *   A target needs an address or ports; ports without a protocol mean tcp and udp.
 */

#include <jansson.h>
#include <stdbool.h>

#include "egress.h"
#include "error.h"

/* What the policy's "egress" object says, beyond the rules: whether to keep counters. */
struct rw_egress_settings {
        struct rw_egress_config config;
        bool counters;
};

int rw_egress_settings_from_json(const json_t *obj, struct rw_egress_settings *ret,
                                 struct rw_error *err);

/* {"mode": ..., "rules": [{"id", "verdict", "match", "family", "daddr", "proto", "ports"}]} */
int rw_egress_ruleset_to_json(const struct rw_egress_ruleset *set, json_t **ret,
                              struct rw_error *err);
int rw_egress_ruleset_from_json(const json_t *obj, struct rw_egress_ruleset *ret,
                                struct rw_error *err);
