/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * Egress at the edges of a call (docs/egress.md): what the decision log says of the rules, the
 * hand-off a create writes for runwarden's hook, and what a delete collects and undoes.
 *
 *   create ─► rw_egress_handoff_for(): RW_EGRESS_DIR/<key>.json, key = sha256(id, bundle device
 *             and inode), root's and 0600 ─► config.json ─► execv(runc) ─► the hook takes it
 *   delete ─► rw_egress_collect(): counters through the hook's pin of the namespace (read by
 *             `runwarden-egress-hook --counters`), unpin, remove a hand-off no hook took
 *             ─► execv(runc delete)
 */

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "egress.h"
#include "error.h"
#include "state.h"

/*
 * The decision log's "egress" of a create (pure): {"mode", "fingerprint", "rules": ["ID: RULE",
 * ...], "notes": [...], "hook": PATH}. Caller owns *ret.
 */
int rw_egress_log_rules(const struct rw_egress_ruleset *set, const char *hook, json_t **ret,
                        struct rw_error *err);

/*
 * Write the hand-off of container `id` whose bundle directory is open as `bundle_dirfd` (its
 * spelling `bundle` is informational): `dir` NULL is RW_EGRESS_DIR. Fills the record's egress
 * fields (the key and whether the hook pins the namespace).
 */
int rw_egress_handoff_for(const char *dir, const char *id, const char *bundle, int bundle_dirfd,
                          const char *tier, bool pin, const struct rw_egress_ruleset *set,
                          struct rw_container_state *record, struct rw_error *err);

/* Undo rw_egress_handoff_for() after a create that did not go ahead. */
int rw_egress_handoff_undo(const char *dir, const char *id, const struct rw_container_state *record,
                           struct rw_error *err);

/*
 * At delete of container `id` with `record`: when the hook pinned the namespace, the egress hook
 * at `hook` reads the counters of every rule ({"counters": [{"id", "packets", "bytes",
 * "reject"}...], "blocked": PACKETS}, summed per rule id in the chain's order) into *ret (NULL when
 * there was nothing to read), then the pin is removed; a hand-off no hook took is removed too.
 * Errors are reported, but everything is attempted: a delete must never be stopped by what it only
 * observes.
 */
int rw_egress_collect(const char *dir, const char *hook, const char *id,
                      const struct rw_container_state *record, json_t **ret, struct rw_error *err);
