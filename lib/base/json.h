/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * Lossless JSON for OCI documents, on top of jansson.
 *
 * jansson refuses integers above INT64_MAX and would round them (and reformat reals such as 0.1)
 * if asked to decode numbers as reals. Real specs carry 18446744073709551615 (RLIM_INFINITY in
 * process.rlimits). rw_json_parse() therefore keeps every number that is not an int64 integer
 * verbatim: such a number becomes an opaque "verbatim number" value in the tree, and
 * rw_json_dump() writes its original text back. Rules can tell them apart with
 * rw_json_is_verbatim_number() and must treat them as opaque.
 *
 * Duplicate object keys are refused (runc's Go decoder keeps the last one, jansson would keep the
 * last one too, but a document that two parsers could read differently is not worth the risk), as
 * are NUL characters in strings.
 */

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "error.h"

/* Refuse documents larger than this (config.json of real engines is 5-20 KB). */
#define RW_JSON_MAX_SIZE (16u * 1024u * 1024u)

int rw_json_parse(const char *text, size_t len, json_t **ret, struct rw_error *err);

/*
 * json_loadb(text, len, JSON_REJECT_DUPLICATES, jerr), the same document or the same error: for
 * files runwarden writes itself and reads as jansson always read them (state records, the egress
 * hand-off), with no verbatim numbers (a real is a real, an integer beyond int64 is refused) and
 * no top-level scalar. Plain documents are read by the fast reader; *jerr is set only on NULL.
 */
json_t *rw_json_loadb(const char *text, size_t len, json_error_t *jerr);

/*
 * Serialize compactly, keeping key order and verbatim numbers. A document that would not parse
 * back to an equal one is an error, never written: one holding a real number, a NUL character in
 * a string or key (other than a verbatim number's own), a string that looks like a verbatim number
 * but is not one, or nesting deeper than the parser accepts. That is exactly what parsing the
 * output again and comparing would refuse (the fuzz target fuzz-spec checks the round trip), for
 * a walk of the tree instead of a second parse. Caller frees *ret_text (NUL-terminated; *ret_len
 * excludes the NUL).
 */
int rw_json_dump(const json_t *doc, char **ret_text, size_t *ret_len, struct rw_error *err);

/*
 * The length of json_dumps(value, JSON_COMPACT | JSON_ENCODE_ANY), counted without writing it: for
 * sizing a value (the decision log summarises large ones). Verbatim numbers count as the marker
 * strings jansson sees, a verbatim document as its text.
 */
size_t rw_json_compact_size(const json_t *value);

/*
 * A verbatim document: a value standing for the JSON text `text` (an object or array, compact, as
 * rw_json_dump() writes it), which rw_json_dump() writes back as it is and rw_json_compact_size()
 * counts as its length — for a document runwarden made and keeps itself (a converted seccomp
 * profile from its cache), put into a spec without being parsed again. Like a verbatim number it
 * is a string beginning with a NUL, which no parsed document holds. NULL when `text` is not an
 * object or array or holds a NUL, or out of memory.
 */
json_t *rw_json_verbatim_document(const char *text, size_t len);
bool rw_json_is_verbatim_document(const json_t *value);
/* Its text and length, or NULL for any other value. Points into `value`. */
const char *rw_json_verbatim_document_text(const json_t *value, size_t *ret_len);
/* json_equal(), where either may be a verbatim document: the other one equals it when written
 * as rw_json_dump() writes it, it is the same text. */
bool rw_json_equal_text(const json_t *a, const json_t *b);

/* True for a number that rw_json_parse() kept verbatim (above int64, or not an integer). */
bool rw_json_is_verbatim_number(const json_t *value);

/* Its original text, or NULL for any other value. Points into `value`. */
const char *rw_json_verbatim_number_text(const json_t *value);
