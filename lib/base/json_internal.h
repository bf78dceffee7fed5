/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * Shared by json.c (the parse through jansson, the writer) and jsonread.c (the fast reader): how
 * a verbatim number is held, and the number grammar.
 *
 * A number kept verbatim travels through jansson as a string made of MARKER and the original
 * token. Its first byte is NUL, and rw_json_parse() refuses any input string containing a NUL, so
 * no string of a parsed document can be mistaken for one.
 */

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "error.h"

#define MARKER     "\0rwnum:"
#define MARKER_LEN (sizeof(MARKER) - 1)

/*
 * The bytes a JSON string cannot simply hold as they are: the quote, the backslash and control
 * characters (escaped), and every byte of a multi-byte UTF-8 sequence (checked). Everything else
 * is copied: the reader and the writer skip runs of them.
 */
extern const bool rw_json_string_special[256];

enum rw_json_number_kind {
        RW_JSON_NUMBER_INVALID,
        RW_JSON_NUMBER_INT64,
        RW_JSON_NUMBER_VERBATIM,
};

static inline bool rw_json_is_number_char(char c)
{
        return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
}

/*
 * Classify a token against the JSON number grammar. "-0" is kept verbatim too: jansson would read
 * it as the integer 0 and write "0", and this module never changes text it was given.
 */
enum rw_json_number_kind rw_json_classify_number(const char *s, size_t len);

/*
 * The fast reader (jsonread.c): the document rw_json_parse() would return, or NULL when it
 * cannot tell — anything outside plain, valid JSON within its limits (a NUL, a lone surrogate,
 * invalid UTF-8, a duplicate key, deep nesting, a syntax error, no memory). It only ever accepts
 * what jansson accepts, and builds the same tree; the caller then asks jansson, whose answer and
 * error message stand.
 */
json_t *rw_json_read_fast(const char *text, size_t len);

/*
 * rw_json_parse() through jansson alone: the number rewrite, json_loadb(), the error message with
 * the input's line and column. The authority the fast reader answers to (and the tests compare
 * it with); no size limit of its own.
 */
int rw_json_parse_jansson(const char *text, size_t len, json_t **ret, struct rw_error *err);
