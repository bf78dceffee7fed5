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

/*
 * A text being written, for files that are only ever written whole (the hand-off): no JSON tree
 * is built to be dumped. The first failure sticks and makes every later append a no-op; the text
 * stays NUL-terminated.
 */
struct rw_egress_out {
        char *data;
        size_t len;
        size_t cap;
        int code; /* 0, or ENOMEM (also for a string that is not UTF-8, as before) */
};

void rw_egress_out_done(struct rw_egress_out *out);
void rw_egress_out_raw(struct rw_egress_out *out, const char *s, size_t len);
#define RW_EGRESS_OUT_LITERAL(out, s) rw_egress_out_raw(out, "" s, sizeof(s) - 1)
/* `s` as a JSON string, escaped exactly as json_dumps() escapes it. */
void rw_egress_out_string(struct rw_egress_out *out, const char *s);

/* Appends what json_dumps(rw_egress_ruleset_to_json(set), JSON_COMPACT) writes, byte for byte. */
int rw_egress_ruleset_write(const struct rw_egress_ruleset *set, struct rw_egress_out *out,
                            struct rw_error *err);

int rw_egress_ruleset_from_json(const json_t *obj, struct rw_egress_ruleset *ret,
                                struct rw_error *err);
