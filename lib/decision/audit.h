/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * The decision log: one JSON object per line for every decision runwarden takes (create, exec,
 * start, kill, delete, ...). Building the line is pure (here); appending it is the caller's I/O,
 * one write() on an O_APPEND descriptor so concurrent runwarden processes never interleave.
 *
 * A line never holds a secret's value: changes come from the plan (whose secret-bearing values
 * are already redacted by the rules), and the job identity is taken from a fixed list of
 * non-secret variables.
 */

#include <jansson.h>
#include <stdint.h>
#include <time.h>

#include "plan.h"
#include "policy.h"

enum rw_outcome {
        RW_OUTCOME_UNCHANGED, /* allowed, nothing to change */
        RW_OUTCOME_REWRITTEN, /* allowed after changes */
        RW_OUTCOME_REFUSED,   /* a rule refused it */
        RW_OUTCOME_ERROR,     /* refused because something went wrong (fail closed) */
        RW_OUTCOME_AUDITED, /* audit mode: allowed unchanged, the plan says what enforce would do */
        RW_OUTCOME_PASSTHROUGH, /* start, kill, delete, state...: handed off as is */
};

const char *rw_outcome_name(enum rw_outcome outcome);

struct rw_audit_entry {
        struct timespec time;     /* when the call started (CLOCK_REALTIME) */
        const char *id;           /* decision id: 32 hex characters */
        const char *command;      /* "create", "exec", ... */
        const char *container_id; /* may be NULL */
        const char *bundle;       /* may be NULL */
        const char *tier;         /* may be NULL (unknown: no state for the container) */
        const char *tier_reason;  /* how it was chosen, may be NULL */
        const char *tier_skipped; /* select rules skipped as weakening, may be NULL or "" */
        enum rw_tier_mode mode;
        const json_t *spec;         /* config.json or the exec process, for the job's identity;
                                       may be NULL */
        const struct rw_plan *plan; /* may be NULL */
        enum rw_outcome outcome;
        const char *message;  /* the refusal or error, may be NULL */
        const char *delegate; /* the runtime handed off to, may be NULL */
        const json_t *egress; /* the egress rules of a create, the counters of a delete; NULL */
        uint64_t duration_ns; /* time runwarden spent */
};

/*
 * The line for `d`, with its trailing newline (docs/audit.md). Fields, in this order: time, id,
 * command, container_id, bundle, tier, tier_reason, tier_skipped, mode (only with a tier), job
 * (gitlab: job_id, project_path, pipeline_id; github: repository, run_id; kubernetes: namespace,
 * pod — only those present), outcome, changes [{rule, path, before, after, reason}], denials
 * [{rule, item, reason}], warnings [{rule, text}], egress, message, delegate, duration_us. NULL
 * fields and empty arrays are left out. Caller frees; NULL when out of memory.
 */
char *rw_audit_format(const struct rw_audit_entry *d);

/* A fresh decision id (32 hex characters + NUL) from getrandom(). */
int rw_audit_new_id(char ret[33], struct rw_error *err);
