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
 * Serialize compactly, keeping key order and verbatim numbers. Before returning, the output is
 * parsed again and compared with `doc`: a document that does not survive the round trip exactly
 * is an error, never written. Caller frees *ret_text (NUL-terminated; *ret_len excludes the NUL).
 */
int rw_json_dump(const json_t *doc, char **ret_text, size_t *ret_len, struct rw_error *err);

/* True for a number that rw_json_parse() kept verbatim (above int64, or not an integer). */
bool rw_json_is_verbatim_number(const json_t *value);

/* Its original text, or NULL for any other value. Points into `value`. */
const char *rw_json_verbatim_number_text(const json_t *value);
