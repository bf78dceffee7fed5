/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * Reading the decision log that audit.h writes (docs/audit.md): a summary of a whole log. The log
 * is read as a stream, line by line: it grows with every container, and only the counters and
 * the containers still open are kept in memory.
 *
 * A line that is not a decision (not JSON, not an object, no command or outcome, or cut short
 * while runwarden was appending it) is counted as malformed and skipped; a blank line is skipped
 * without a word. Strings are taken as the log holds them: printing them is the caller's
 * business (they come from the job's own environment).
 */

#include <jansson.h>
#include <stdio.h>

#include "error.h"

/* The tier or project of a line that names none. */
#define RW_AUDITLOG_NONE "-"

/* Counters live in JSON objects: jansson's hash tables, keyed by the strings of the log. */
struct rw_auditlog_summary {
        json_int_t decisions, malformed;
        json_t *outcomes;      /* outcome -> count */
        json_t *tiers;         /* tier -> count */
        json_t *outcome_tiers; /* outcome -> {tier -> count} */
        json_t *rules;         /* rule -> {"changed": count, "refused": count}: decisions */
        json_t *projects;      /* project (GitLab, GitHub or Kubernetes) -> count */
        json_t *mounts;        /* refused mount (host-mount, engine-socket) -> count */
        json_t *open;          /* container id -> {"tier", "project", "time"}, oldest first */
};

/* An empty summary; on failure *s needs no clearing. */
int rw_auditlog_summary_init(struct rw_auditlog_summary *s, struct rw_error *err);
void rw_auditlog_summary_clear(struct rw_auditlog_summary *s);

/*
 * Count one line of the log (`len` bytes, its newline included or not). A rule counts once per
 * decision and action however many changes it made; start, kill and delete belong to the project
 * their container was created for; a container is open from an allowed create until a delete
 * that was handed off. Running out of memory is the only error.
 */
int rw_auditlog_add_line(struct rw_auditlog_summary *s, const char *text, size_t len,
                         struct rw_error *err);

/* Every line of `in`, up to its end. */
int rw_auditlog_read(struct rw_auditlog_summary *s, FILE *in, struct rw_error *err);
