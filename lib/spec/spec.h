/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * The one gate where a spec is read.
 *
 * runc decodes config.json (and an exec's process.json, and update's resources file) with Go's
 * encoding/json into the runtime-spec structs. That decoder matches an object key to a struct
 * field case-insensitively (ASCII case, plus the Unicode simple folds of two letters: U+017F
 * LATIN SMALL LETTER LONG S matches "s", U+212A KELVIN SIGN matches "k"), lets a later key win,
 * ignores keys it does not know, treats null as "leave the zero value", and refuses a value of the
 * wrong type or an integer out of range. A rule that looks up "mounts" by exact key while runc
 * also reads "Mounts" judges a different container from the one runc starts.
 *
 * rw_spec_read() therefore reads a document the way runc will, against a schema of the exact
 * runtime-spec structs runc decodes (runtime-spec 1.0.2+, as vendored by runc 1.1), and hands
 * the rules a checked, canonical view:
 *  - every member of every object runc decodes as a struct is spelled exactly as runc names it;
 *    a key that Go would match to a field under another spelling, and so also two keys that Go
 *    would both assign to one field, are refused (rule "spec"): no real engine writes them, and
 *    a document two readers could take differently is not worth the risk;
 *  - every value has the type runc requires, integers are within the Go field's range (the
 *    number kept verbatim when it does not fit jansson's int64), or the spec is refused, as runc
 *    would refuse it;
 *  - null members are dropped and null array elements or map values become their zero value, so
 *    the rules see "absent" exactly where runc sees the zero value;
 *  - members runc does not decode, and the sections for other platforms (solaris, windows, vm,
 *    zos) that runc decodes but never uses, stay in the view and are removed by plan changes
 *    (rule "spec"): nothing reaches the runtime that runwarden did not judge, whichever runtime
 *    (crun, runsc) reads it next.
 * The view is a new document; the input is not changed. Nothing here does I/O.
 */

#include <jansson.h>

#include "error.h"
#include "plan.h"

/* RW_RULE_SPEC, the gate's rule id, is in plan.h (the plan knows the gate's removals). */

enum rw_spec_kind {
        RW_SPEC_CONFIG,    /* config.json: specs.Spec */
        RW_SPEC_PROCESS,   /* exec --process FILE: specs.Process */
        RW_SPEC_RESOURCES, /* update --resources FILE: specs.LinuxResources */
};

/*
 * Read `doc` (as rw_json_parse() returns it) as runc reads a document of `kind`. `name` names it
 * in messages ("config.json"). On success *ret is the canonical view (a new reference) and
 * `plan` holds the "spec" denials and removals; when the plan has a denial from here, *ret is
 * NULL and nothing of the document may be judged further. Fails only when out of memory.
 */
int rw_spec_read(const json_t *doc, enum rw_spec_kind kind, const char *name, json_t **ret,
                 struct rw_plan *plan, struct rw_error *err);

/*
 * Whether `key` is a spelling of the field name `field` that Go's encoding/json (Go 1.19, the
 * version runc 1.1 is built with) accepts: equal ignoring ASCII case, with U+017F matching s/S
 * and U+212A matching k/K. Exposed for the differential tests.
 */
bool rw_spec_key_folds_to(const char *key, const char *field);

/* The value of variable `name` in an env array ("NAME=value" strings) as a process sees it:
 * the last entry wins, as in execve's environment read by getenv-like lookups of runc and
 * shells. NULL when absent. Entries that are not strings are skipped. */
const char *rw_spec_env_get(const json_t *env, const char *name);

/* A string member of an object (annotations, labels), NULL when absent or not a string. */
const char *rw_spec_string_member(const json_t *object, const char *key);

/*
 * The member `key` of `parent` (which may be NULL) for a rule to read: *ret_ok is true and the
 * result NULL when it is absent, or the member when it has JSON type `type`. A member of another
 * type makes the spec malformed: denied under RW_RULE_SPEC naming `path` ("linux.devices"),
 * *ret_ok false.
 */
const json_t *rw_spec_member(const json_t *parent, const char *key, json_type type,
                             const char *path, struct rw_plan *plan, bool *ret_ok);
