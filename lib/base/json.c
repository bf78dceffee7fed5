/* SPDX-License-Identifier: Apache-2.0 */
#include "json.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "jsonpos.h"

/*
 * A number kept verbatim travels through jansson as a string made of MARKER and the original
 * token. Its first byte is NUL, and rw_json_parse() refuses any input string containing a NUL, so
 * no string of a parsed document can be mistaken for one. MARKER_ESCAPED is how it is written in
 * JSON text, both in the text handed to jansson and in what json_dumps() produces ("\u%04X").
 */
#define MARKER             "\0rwnum:"
#define MARKER_LEN         (sizeof(MARKER) - 1)
#define MARKER_ESCAPED     "\\u0000rwnum:"
#define MARKER_ESCAPED_LEN (sizeof(MARKER_ESCAPED) - 1)

#define INT64_MAX_DIGITS "9223372036854775807"
#define INT64_MIN_DIGITS "9223372036854775808"

enum number_kind {
        NUMBER_INVALID,
        NUMBER_INT64,
        NUMBER_VERBATIM,
};

struct buffer {
        char *data;
        size_t len;
        size_t cap;
};

static bool is_number_char(char c)
{
        return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
}

static bool is_digit(char c)
{
        return c >= '0' && c <= '9';
}

static size_t skip_digits(const char *s, size_t i, size_t len)
{
        while (i < len && is_digit(s[i]))
                i++;
        return i;
}

/*
 * Classify a token against the JSON number grammar. "-0" is kept verbatim too: jansson would read
 * it as the integer 0 and write "0", and this module never changes text it was given.
 */
static enum number_kind classify_number(const char *s, size_t len)
{
        bool negative = false, integer = true;
        size_t i = 0, int_start, int_len;

        if (i < len && s[i] == '-') {
                negative = true;
                i++;
        }
        int_start = i;
        if (i < len && s[i] == '0')
                i++;
        else if (i < len && s[i] >= '1' && s[i] <= '9')
                i = skip_digits(s, i, len);
        else
                return NUMBER_INVALID;
        int_len = i - int_start;
        if (i < len && s[i] == '.') {
                size_t frac = ++i;
                i = skip_digits(s, i, len);
                if (i == frac)
                        return NUMBER_INVALID;
                integer = false;
        }
        if (i < len && (s[i] == 'e' || s[i] == 'E')) {
                size_t exp;
                i++;
                if (i < len && (s[i] == '+' || s[i] == '-'))
                        i++;
                exp = i;
                i = skip_digits(s, i, len);
                if (i == exp)
                        return NUMBER_INVALID;
                integer = false;
        }
        if (i != len)
                return NUMBER_INVALID;
        if (!integer)
                return NUMBER_VERBATIM;
        if (negative && int_len == 1 && s[int_start] == '0')
                return NUMBER_VERBATIM;
        /* Valid tokens have no leading zeros, so the digit count orders magnitudes. */
        if (int_len < sizeof(INT64_MAX_DIGITS) - 1)
                return NUMBER_INT64;
        if (int_len > sizeof(INT64_MAX_DIGITS) - 1)
                return NUMBER_VERBATIM;
        if (memcmp(s + int_start, negative ? INT64_MIN_DIGITS : INT64_MAX_DIGITS, int_len) <= 0)
                return NUMBER_INT64;
        return NUMBER_VERBATIM;
}

static void buffer_done(struct buffer *b)
{
        free(b->data);
}

static int buffer_append(struct buffer *b, const char *data, size_t len)
{
        if (len == 0)
                return 0;
        if (len > b->cap - b->len) {
                size_t cap = b->cap ? b->cap : 256;
                char *n;

                while (cap - b->len < len)
                        cap *= 2;
                n = realloc(b->data, cap);
                if (n == NULL)
                        return -ENOMEM;
                b->data = n;
                b->cap = cap;
        }
        memcpy(b->data + b->len, data, len);
        b->len += len;
        return 0;
}

static int error_at(struct rw_error *err, const char *text, size_t offset, const char *what)
{
        int line, column;

        rw_jsonpos_line_column(text, offset, &line, &column);
        return rw_error_set(err, EINVAL, "line %d, column %d: %s at byte %zu", line, column, what,
                            offset);
}

/*
 * Rewrite every number that jansson cannot hold exactly into a marker string. *ret_rewritten stays
 * NULL when there is none, which is the common case. Invalid number tokens and any number followed
 * by ':' are left alone for jansson to refuse: a string is valid everywhere a number is, and also
 * as an object key, so this guarantees the rewrite never turns invalid JSON into valid JSON.
 */
static int rewrite_numbers(const char *text, size_t len, char **ret_rewritten, size_t *ret_len,
                           struct rw_error *err)
{
        _cleanup_(buffer_done) struct buffer out = {};
        size_t copied = 0, i = 0;

        while (i < len) {
                char c = text[i];
                size_t end, next;

                if (c == '"') {
                        size_t nul;

                        i = rw_jsonpos_skip_string(text, len, i, &nul);
                        if (nul < len)
                                return error_at(err, text, nul, "NUL character in a string");
                        continue;
                }
                if (c == '\0')
                        return error_at(err, text, i, "NUL character");
                if (c != '-' && !is_digit(c)) {
                        i++;
                        continue;
                }
                end = i;
                while (end < len && is_number_char(text[end]))
                        end++;
                next = rw_jsonpos_skip_space(text, len, end);
                if (classify_number(text + i, end - i) == NUMBER_VERBATIM &&
                    (next == len || text[next] != ':')) {
                        if (buffer_append(&out, text + copied, i - copied) < 0 ||
                            buffer_append(&out, "\"" MARKER_ESCAPED, 1 + MARKER_ESCAPED_LEN) < 0 ||
                            buffer_append(&out, text + i, end - i) < 0 ||
                            buffer_append(&out, "\"", 1) < 0)
                                return rw_error_set(err, ENOMEM, "out of memory");
                        copied = end;
                }
                i = end;
        }
        if (out.data != NULL && buffer_append(&out, text + copied, len - copied) < 0)
                return rw_error_set(err, ENOMEM, "out of memory");
        *ret_len = out.len;
        *ret_rewritten = TAKE_PTR(out.data);
        return 0;
}

/*
 * Replace every marker string `"\u0000rwnum:TOKEN"` of `in` by TOKEN. Markers are only recognised
 * at the very start of a string, where a backslash is certainly an escape, and only when TOKEN is
 * made of number characters and closed by a quote; anything else is copied as it is. `out` may be
 * `in` (the result is never longer) or NULL to only count. Returns the output length.
 */
static size_t unmark(const char *in, size_t len, char *out)
{
        size_t i = 0, o = 0, start;

        while (i < len) {
                start = i;
                if (in[i] == '"' && len - i - 1 >= MARKER_ESCAPED_LEN &&
                    memcmp(in + i + 1, MARKER_ESCAPED, MARKER_ESCAPED_LEN) == 0) {
                        size_t tok = i + 1 + MARKER_ESCAPED_LEN, end = tok;

                        while (end < len && is_number_char(in[end]))
                                end++;
                        if (end == len || in[end] == '"') {
                                if (out != NULL)
                                        memmove(out + o, in + tok, end - tok);
                                o += end - tok;
                                i = end < len ? end + 1 : end;
                                continue;
                        }
                }
                if (in[i] == '"') {
                        i = rw_jsonpos_skip_string(in, len, i, NULL);
                } else {
                        i++;
                }
                if (out != NULL)
                        memmove(out + o, in + start, i - start);
                o += i - start;
        }
        return o;
}

/* Remove marker prefixes from a jansson message such as `... near '"\u0000rwnum:1.5"'`. */
static void unmark_message(char *msg)
{
        char *p;

        while ((p = strstr(msg, "\"" MARKER_ESCAPED)) != NULL) {
                char *tok = p + 1 + MARKER_ESCAPED_LEN, *end = tok, *rest;
                size_t tok_len;

                while (is_number_char(*end))
                        end++;
                tok_len = (size_t)(end - tok);
                rest = *end == '"' ? end + 1 : end;
                memmove(p, tok, tok_len);
                memmove(p + tok_len, rest, strlen(rest) + 1);
        }
}

int rw_json_parse(const char *text, size_t len, json_t **ret, struct rw_error *err)
{
        _cleanup_free_ char *rewritten = NULL;
        _cleanup_json_ json_t *doc = NULL;
        const char *input = text;
        size_t input_len = len;
        json_error_t jerr;
        int r;

        if (len > RW_JSON_MAX_SIZE)
                return rw_error_set(err, EFBIG, "document of %zu bytes is larger than %u bytes",
                                    len, RW_JSON_MAX_SIZE);
        r = rewrite_numbers(text, len, &rewritten, &input_len, err);
        if (r < 0)
                return r;
        if (rewritten != NULL)
                input = rewritten;
        else
                input_len = len;

        doc = json_loadb(input, input_len,
                         JSON_DECODE_ANY | JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &jerr);
        if (doc == NULL) {
                int line = jerr.line, column = jerr.column;

                unmark_message(jerr.text);
                if (line < 0)
                        return rw_error_set(err, EINVAL, "%s", jerr.text);
                if (rewritten != NULL && jerr.position >= 0) {
                        size_t pos = (size_t)jerr.position;
                        if (pos > input_len)
                                pos = input_len;
                        /* jansson counts the characters read on the line: the 1-based
                         * column of the next one, minus one. */
                        rw_jsonpos_line_column(text, unmark(rewritten, pos, NULL), &line, &column);
                        column--;
                }
                return rw_error_set(err, EINVAL, "line %d, column %d: %s", line, column, jerr.text);
        }
        *ret = TAKE_PTR(doc);
        return 0;
}

int rw_json_dump(const json_t *doc, char **ret_text, size_t *ret_len, struct rw_error *err)
{
        _cleanup_free_ char *text = NULL;
        _cleanup_json_ json_t *back = NULL;
        struct rw_error sub;
        size_t len;
        int r;

        text = json_dumps(doc, JSON_COMPACT | JSON_ENCODE_ANY);
        if (text == NULL)
                return rw_error_set(err, EINVAL,
                                    "cannot serialize JSON document (invalid UTF-8 or no memory)");
        len = unmark(text, strlen(text), text);
        text[len] = '\0';

        /* Whatever went wrong above (a real number, a hand-made marker, a NUL), never write it. */
        r = rw_json_parse(text, len, &back, &sub);
        if (r < 0)
                return rw_error_set(err, EINVAL, "serialized document does not parse back: %s",
                                    sub.msg);
        if (!json_equal(doc, back))
                return rw_error_set(err, EINVAL,
                                    "serialized document does not parse back to the same document "
                                    "(does it hold a real number?)");
        *ret_text = TAKE_PTR(text);
        *ret_len = len;
        return 0;
}

bool rw_json_is_verbatim_number(const json_t *value)
{
        const char *s;
        size_t len;

        if (!json_is_string(value))
                return false;
        s = json_string_value(value);
        len = json_string_length(value);
        return len > MARKER_LEN && memcmp(s, MARKER, MARKER_LEN) == 0 &&
               classify_number(s + MARKER_LEN, len - MARKER_LEN) == NUMBER_VERBATIM;
}

const char *rw_json_verbatim_number_text(const json_t *value)
{
        if (!rw_json_is_verbatim_number(value))
                return NULL;
        return json_string_value(value) + MARKER_LEN;
}
