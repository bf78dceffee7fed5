/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * Where things are in JSON text, for messages: jansson keeps no positions, so the one scanner of
 * runwarden that reads raw JSON text lives here. rw_json_parse() uses it to step over strings and
 * to turn byte offsets into lines and columns; the policy parser uses it to name the line and
 * column of the value at a path ("tiers.trusted.capabilities[1]").
 *
 * Nothing here validates JSON: the text is expected to have been accepted by rw_json_parse()
 * already (or is about to be refused by it), or to be a large document whose writer is trusted
 * and of which one member is wanted (runc's state.json: its labels, not its whole configuration),
 * and a scan that meets something unexpected simply finds nothing.
 */

#include <stdbool.h>
#include <stddef.h>

/* Deeper than any document runwarden locates values in (the policy schema is 6 levels). */
#define RW_JSON_PATH_MAX_DEPTH 8

/* A path from the top of a document: object keys and array indexes. */
struct rw_json_path {
        size_t depth;
        struct {
                const char *key; /* NULL: an array index; else borrowed, not copied */
                size_t index;
        } at[RW_JSON_PATH_MAX_DEPTH];
};

/* `p` extended by an object key or an array index; beyond RW_JSON_PATH_MAX_DEPTH, `p` itself. */
struct rw_json_path rw_jsonpos_path_key(const struct rw_json_path *p, const char *key);
struct rw_json_path rw_jsonpos_path_index(const struct rw_json_path *p, size_t index);

/* "tiers.trusted.capabilities[1]", "select[0].when.annotations[\"runwarden.io/tier\"]";
 * "" for the top. Truncated to `size`. */
void rw_jsonpos_path_format(const struct rw_json_path *p, char *buf, size_t size);

/*
 * The byte offset of the value at `p` in `text` (with `at_key`, of the key naming it, which must
 * then be an object member). Keys are compared as jansson decodes them, escapes included. False
 * when the path is not in the text.
 */
bool rw_jsonpos_locate(const char *text, size_t len, const struct rw_json_path *p, bool at_key,
                       size_t *ret_offset);

/* The offset after the value that starts at `start` (a string, an object or an array as a
 * whole, or a scalar), or `len` when it does not end. */
size_t rw_jsonpos_skip_value(const char *text, size_t len, size_t start);

/* 1-based line and column of byte `offset`; columns count UTF-8 characters, as jansson's do. */
void rw_jsonpos_line_column(const char *text, size_t offset, int *ret_line, int *ret_column);

/* The offset after JSON whitespace from `i`. */
size_t rw_jsonpos_skip_space(const char *text, size_t len, size_t i);

/*
 * The offset after the string whose opening quote is at `start`, or `len` when it is not closed.
 * Escapes are honoured: `\"` does not end it, and an escaped backslash followed by "u0000" is
 * text. *ret_nul (may be NULL) receives the offset of the first NUL inside the string, a raw byte
 * or a \u0000 escape, or `len` when there is none.
 */
size_t rw_jsonpos_skip_string(const char *text, size_t len, size_t start, size_t *ret_nul);
