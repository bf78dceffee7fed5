/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * The plan: what the hardening rules want done to a spec.
 *
 * Rules never modify the spec they are given. They append changes and denials to a plan; one
 * function, rw_plan_apply(), carries the changes out. The same plan is what the engine log (at
 * debug level), audit mode and later the audit log print, so they can never disagree.
 *
 * Changes address the document in two ways:
 *  - object members by JSON pointer from the document root (RFC 6901), created on apply with any
 *    missing intermediate objects (RW_CHANGE_SET) or deleted (RW_CHANGE_DELETE);
 *  - array elements by identity: the json_t of the element itself (RW_CHANGE_ARRAY_REMOVE), or the
 *    element to insert before (RW_CHANGE_ARRAY_INSERT, NULL anchor = append). Identity survives
 *    other rules removing or inserting elements of the same array, where indexes would not.
 *
 * Each entry also carries a readable path (`/mounts/14`) with indexes of the original spec, the
 * value before and after (NULL where there is none), and a reason sentence.
 */

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "error.h"

/* The rule id of the spec gate (spec.h): refusals of what runc would read otherwise, and removals
 * of members runc does not decode. */
#define RW_RULE_SPEC "spec"

enum rw_change_kind {
        RW_CHANGE_SET,          /* set the member at `pointer` to `after` */
        RW_CHANGE_DELETE,       /* delete the member at `pointer` */
        RW_CHANGE_ARRAY_REMOVE, /* remove element `anchor` from the array at `pointer` */
        RW_CHANGE_ARRAY_INSERT, /* insert `after` before `anchor` (NULL: append) in array `pointer`
                                 */
};

/* A host object a change points the spec at through a pin (lib/facts/pins.h): made at the edge
 * before the hand-off, only when the change is carried out. */
struct rw_pin {
        char *source; /* the host path judged, without symlinks */
        uint64_t dev, ino;
        bool directory;
};

struct rw_change {
        enum rw_change_kind kind;
        const char *rule; /* static rule id, e.g. "caps-drop" */
        char *pointer;    /* JSON pointer of the member or array operated on */
        char *path;       /* readable path for logs: pointer, plus "/INDEX" for array elements */
        json_t *anchor;   /* array element (owned reference), or NULL */
        json_t *before;   /* owned reference or NULL */
        json_t *after;    /* owned reference or NULL */
        char *reason;
        struct rw_pin *pin; /* RW_CHANGE_SET of a string: pin `after` to this, or NULL */
};

struct rw_denial {
        const char *rule; /* static rule id */
        char *item;       /* the offending item, e.g. "/var/run/docker.sock" or "pid namespace" */
        char *reason;     /* full sentence without the "refused by rule" prefix */
};

/* What a rule would have done where the tier says to only warn (or a rule's own warning). */
struct rw_warning {
        const char *rule;
        char *text;
};

struct rw_plan {
        struct rw_change *changes;
        size_t n_changes, cap_changes;
        struct rw_denial *denials;
        size_t n_denials, cap_denials;
        struct rw_warning *warnings;
        size_t n_warnings, cap_warnings;
        /* What was allowed and is worth recording (which pod's namespaces were joined): the
         * decision log keeps it; it changes and refuses nothing. */
        struct rw_warning *notes;
        size_t n_notes, cap_notes;
        bool oom; /* an allocation failed while building: the plan must not be used */
};

/* How a tier tunes one rule (the policy file's "rules": {"ID": "ACTION"}). */
enum rw_rule_action {
        RW_RULE_ENFORCE, /* as the rule says: change (e.g. strip) or refuse */
        RW_RULE_REFUSE,  /* refuse where the rule would change */
        RW_RULE_WARN,    /* change and refuse nothing; record what it would have done */
};

struct rw_rule_tuning {
        const char *rule; /* NULL terminates a list */
        enum rw_rule_action action;
};

void rw_plan_init(struct rw_plan *plan);
void rw_plan_clear(struct rw_plan *plan);
static inline void rw_plan_clearp(struct rw_plan *plan)
{
        rw_plan_clear(plan);
}
#define _cleanup_plan_ __attribute__((cleanup(rw_plan_clearp)))

/*
 * Builders. They take their own references to the json_t values they are given (before/after/
 * anchor may be NULL) and copy strings. They never fail from the caller's point of view: an
 * allocation failure marks the plan (plan->oom) and rw_plan_apply() then refuses it.
 * `after` is stolen (reference taken over) by the *_new variants, for freshly built values.
 */
void rw_plan_set(struct rw_plan *plan, const char *rule, const char *pointer, json_t *before,
                 json_t *after, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
void rw_plan_set_new(struct rw_plan *plan, const char *rule, const char *pointer, json_t *before,
                     json_t *after_stolen, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
/* Attach a pin of `source` (dev, ino) to the last change, which must be a RW_CHANGE_SET whose new
 * value is the path the pin will be made at. */
void rw_plan_pin_last(struct rw_plan *plan, const char *source, uint64_t dev, uint64_t ino,
                      bool directory);

void rw_plan_delete(struct rw_plan *plan, const char *rule, const char *pointer, json_t *before,
                    const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* index: the element's index in the original array, for the readable path only */
void rw_plan_array_remove(struct rw_plan *plan, const char *rule, const char *array_pointer,
                          size_t index, json_t *element, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
void rw_plan_array_insert_new(struct rw_plan *plan, const char *rule, const char *array_pointer,
                              json_t *anchor, json_t *value_stolen, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));
void rw_plan_deny(struct rw_plan *plan, const char *rule, const char *item, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void rw_plan_warn(struct rw_plan *plan, const char *rule, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
void rw_plan_note(struct rw_plan *plan, const char *rule, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Like rw_plan_array_remove(), but logs and audits show `shown_stolen` as the value before, not
 * the element: for elements that hold a secret (an environment entry with a token). */
void rw_plan_array_remove_redacted(struct rw_plan *plan, const char *rule,
                                   const char *array_pointer, size_t index, json_t *element,
                                   json_t *shown_stolen, const char *fmt, ...)
    __attribute__((format(printf, 7, 8)));

/*
 * Apply a tier's tuning (list terminated by rule == NULL) to a built plan: the changes of a rule
 * set to RW_RULE_REFUSE become denials, and the changes and denials of a rule set to RW_RULE_WARN
 * become warnings. Rules not listed keep their outcome.
 */
void rw_plan_tune(struct rw_plan *plan, const struct rw_rule_tuning *tuning);

/* Turn every change into a denial of its rule, saying `why` it cannot be made: for what a rule
 * would change in something runwarden cannot rewrite (an exec command line). */
void rw_plan_changes_to_denials(struct rw_plan *plan, const char *why);

/* Move every entry of `src` to the end of `dst`, leaving `src` empty. -ENOMEM marks dst->oom. */
int rw_plan_take(struct rw_plan *dst, struct rw_plan *src);

static inline bool rw_plan_denied(const struct rw_plan *plan)
{
        return plan->n_denials > 0;
}

/*
 * Apply every change to `doc` in order. Fails (and the caller must not use doc any more) when the
 * plan ran out of memory, holds denials, two changes set the same member, or a pointer does not
 * lead where the rule said (an intermediate that is not an object, an anchor no longer in its
 * array): all of these are bugs or races, and runwarden fails closed on them.
 */
int rw_plan_apply(const struct rw_plan *plan, json_t *doc, struct rw_error *err);

/*
 * Apply `plan`, built for `orig`, to `copy`, a deep copy of `orig` (json_deep_copy), leaving
 * `orig` as it is: for showing or testing what a plan does. Array changes name elements by
 * identity, so they are pointed at the copy's elements at the same index first.
 */
int rw_plan_apply_copy(const struct rw_plan *plan, const json_t *orig, json_t *copy,
                       struct rw_error *err);

/* The value at JSON pointer `pointer` (RFC 6901) in `doc`; NULL when there is none. */
json_t *rw_pointer_get(const json_t *doc, const char *pointer);

/*
 * One line describing a change, e.g.
 *   caps-drop /process/capabilities/bounding: ["CAP_CHOWN",...] -> [] (all capabilities dropped)
 * Values longer than `max_value` bytes are shortened with "...". Caller frees.
 */
char *rw_change_describe(const struct rw_change *change, size_t max_value);

/* "refused by rule RULE: REASON" joined with "; " for every denial. Caller frees. */
char *rw_plan_describe_denials(const struct rw_plan *plan);

/* Append to `buf` the JSON pointer escape of one key ("~" -> "~0", "/" -> "~1"). Caller frees. */
char *rw_pointer_join(const char *parent, const char *key);
char *rw_pointer_join_index(const char *parent, size_t index);
