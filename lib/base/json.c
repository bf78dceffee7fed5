/* SPDX-License-Identifier: Apache-2.0 */
#include "json.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "cleanup.h"
#include "json_internal.h"
#include "jsonpos.h"
#include "utf8.h"

#define DOC_MARKER         "\0rwdoc:"
#define DOC_MARKER_LEN     (sizeof(DOC_MARKER) - 1)
#define MARKER_ESCAPED     "\\u0000rwnum:"
#define MARKER_ESCAPED_LEN (sizeof(MARKER_ESCAPED) - 1)

#define INT64_MAX_DIGITS "9223372036854775807"
#define INT64_MIN_DIGITS "9223372036854775808"

struct buffer {
        char *data;
        size_t len;
        size_t cap;
};

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

enum rw_json_number_kind rw_json_classify_number(const char *s, size_t len)
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
                return RW_JSON_NUMBER_INVALID;
        int_len = i - int_start;
        if (i < len && s[i] == '.') {
                size_t frac = ++i;
                i = skip_digits(s, i, len);
                if (i == frac)
                        return RW_JSON_NUMBER_INVALID;
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
                        return RW_JSON_NUMBER_INVALID;
                integer = false;
        }
        if (i != len)
                return RW_JSON_NUMBER_INVALID;
        if (!integer)
                return RW_JSON_NUMBER_VERBATIM;
        if (negative && int_len == 1 && s[int_start] == '0')
                return RW_JSON_NUMBER_VERBATIM;
        /* Valid tokens have no leading zeros, so the digit count orders magnitudes. */
        if (int_len < sizeof(INT64_MAX_DIGITS) - 1)
                return RW_JSON_NUMBER_INT64;
        if (int_len > sizeof(INT64_MAX_DIGITS) - 1)
                return RW_JSON_NUMBER_VERBATIM;
        if (memcmp(s + int_start, negative ? INT64_MIN_DIGITS : INT64_MAX_DIGITS, int_len) <= 0)
                return RW_JSON_NUMBER_INT64;
        return RW_JSON_NUMBER_VERBATIM;
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
                while (end < len && rw_json_is_number_char(text[end]))
                        end++;
                next = rw_jsonpos_skip_space(text, len, end);
                if (rw_json_classify_number(text + i, end - i) == RW_JSON_NUMBER_VERBATIM &&
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

                        while (end < len && rw_json_is_number_char(in[end]))
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

                while (rw_json_is_number_char(*end))
                        end++;
                tok_len = (size_t)(end - tok);
                rest = *end == '"' ? end + 1 : end;
                memmove(p, tok, tok_len);
                memmove(p + tok_len, rest, strlen(rest) + 1);
        }
}

int rw_json_parse_jansson(const char *text, size_t len, json_t **ret, struct rw_error *err)
{
        _cleanup_free_ char *rewritten = NULL;
        _cleanup_json_ json_t *doc = NULL;
        const char *input = text;
        size_t input_len = len;
        json_error_t jerr;
        int r;

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

int rw_json_parse(const char *text, size_t len, json_t **ret, struct rw_error *err)
{
        struct rw_json_arena_mark mark;
        json_t *doc;

        if (len > RW_JSON_MAX_SIZE)
                return rw_error_set(err, EFBIG, "document of %zu bytes is larger than %u bytes",
                                    len, RW_JSON_MAX_SIZE);
        /* Plain valid JSON, the common case, by the fast reader; anything else as jansson
         * decides, with its message (jsonread.c). What the fast reader built before it gave
         * up is all freed: on the arena it would stay beside jansson's tree (arena.h). */
        rw_json_arena_mark(&mark);
        doc = rw_json_read_fast(text, len);
        if (doc != NULL) {
                *ret = doc;
                return 0;
        }
        rw_json_arena_release(&mark);
        return rw_json_parse_jansson(text, len, ret, err);
}

static bool holds_verbatim_number(const json_t *value)
{
        const char *key;
        json_t *item;
        size_t i;

        switch (json_typeof(value)) {
        case JSON_OBJECT:
                json_object_foreach((json_t *)value, key, item)
                {
                        if (holds_verbatim_number(item))
                                return true;
                }
                return false;
        case JSON_ARRAY:
                json_array_foreach((json_t *)value, i, item)
                {
                        if (holds_verbatim_number(item))
                                return true;
                }
                return false;
        default:
                return rw_json_is_verbatim_number(value);
        }
}

json_t *rw_json_loadb(const char *text, size_t len, json_error_t *jerr)
{
        struct rw_json_arena_mark mark;
        json_t *doc;

        rw_json_arena_mark(&mark);
        doc = rw_json_read_fast(text, len);
        /* Without a number jansson would have read otherwise (a real, beyond int64, -0), the fast
         * reader's document is jansson's (json_internal.h); it never accepts a NUL. */
        if (doc != NULL && (json_is_object(doc) || json_is_array(doc)) &&
            !holds_verbatim_number(doc))
                return doc;
        json_decref(doc);
        rw_json_arena_release(&mark);
        return json_loadb(text, len, JSON_REJECT_DUPLICATES, jerr);
}

/*
 * Serialization. The text is what json_dumps(JSON_COMPACT | JSON_ENCODE_ANY) writes, with every
 * marker replaced by its number, written in one pass: jansson's dumper checks each character
 * through its UTF-8 iterator and grows its buffer a byte at a time, and writing config.json that
 * way was a fifth of a create (docs/performance.md). The same escapes as jansson ("\"", "\\", \b
 * \f \n \r \t, and \u00XX with upper-case digits for the other characters below 0x20), the same
 * refusal of invalid UTF-8, keys in the order jansson keeps them.
 *
 * What would not read back as itself is refused, never written: what no parsed document holds,
 * a real number (rw_json_parse() keeps every non-int64 number as a marker), a NUL in a string or
 * key other than a well-formed marker's own (refused on input), and nesting deeper than jansson's
 * parser accepts.
 */
struct writer {
        struct buffer out;
        int code;        /* the first failure: ENOMEM, EILSEQ (invalid UTF-8), EINVAL */
        const char *why; /* for EINVAL: what would not read back */
};

static void writer_done(struct writer *w)
{
        buffer_done(&w->out);
}

static void fail(struct writer *w, int code, const char *why)
{
        if (w->code == 0) {
                w->code = code;
                w->why = why;
        }
}

static void write_bytes(struct writer *w, const char *data, size_t len)
{
        if (w->code != 0 || len == 0)
                return;
        /* most writes are a few bytes into room there is already */
        if (len <= w->out.cap - w->out.len) {
                memcpy(w->out.data + w->out.len, data, len);
                w->out.len += len;
                return;
        }
        if (buffer_append(&w->out, data, len) < 0)
                fail(w, ENOMEM, NULL);
}

static void write_string(struct writer *w, const char *s, size_t len)
{
        const unsigned char *u = (const unsigned char *)s;
        size_t start = 0, i = 0;

        write_bytes(w, "\"", 1);
        while (i < len && w->code == 0) {
                unsigned char c;
                char esc[7];
                size_t n;

                while (i < len && !rw_json_string_special[u[i]])
                        i++;
                if (i == len)
                        break;
                c = u[i];
                if (c >= 0x80) {
                        n = rw_utf8_sequence(u + i, len - i);
                        if (n == 0)
                                fail(w, EILSEQ, NULL);
                        i += n;
                        continue;
                }
                write_bytes(w, s + start, i - start);
                switch (c) {
                case '"':
                        write_bytes(w, "\\\"", 2);
                        break;
                case '\\':
                        write_bytes(w, "\\\\", 2);
                        break;
                case '\b':
                        write_bytes(w, "\\b", 2);
                        break;
                case '\f':
                        write_bytes(w, "\\f", 2);
                        break;
                case '\n':
                        write_bytes(w, "\\n", 2);
                        break;
                case '\r':
                        write_bytes(w, "\\r", 2);
                        break;
                case '\t':
                        write_bytes(w, "\\t", 2);
                        break;
                default:
                        snprintf(esc, sizeof(esc), "\\u%04X", c);
                        write_bytes(w, esc, 6);
                }
                start = ++i;
        }
        write_bytes(w, s + start, len - start);
        write_bytes(w, "\"", 1);
}

static void write_integer(struct writer *w, json_int_t v)
{
        /* the magnitude as unsigned: INT64_MIN has no positive counterpart */
        unsigned long long m = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
        char digits[24];
        size_t n = sizeof(digits);

        do {
                digits[--n] = (char)('0' + m % 10);
                m /= 10;
        } while (m > 0);
        if (v < 0)
                digits[--n] = '-';
        write_bytes(w, digits + n, sizeof(digits) - n);
}

static void write_value(struct writer *w, const json_t *value, int depth)
{
        if (w->code != 0)
                return;
        if (value == NULL) {
                fail(w, EINVAL, "it holds no value");
                return;
        }
        if (depth > JSON_PARSER_MAX_DEPTH) {
                fail(w, EINVAL, "it is nested deeper than the parser accepts");
                return;
        }
        switch (json_typeof(value)) {
        case JSON_OBJECT: {
                const char *key;
                size_t key_len;
                json_t *item;
                bool first = true;

                write_bytes(w, "{", 1);
                json_object_keylen_foreach((json_t *)value, key, key_len, item)
                {
                        if (memchr(key, '\0', key_len) != NULL) {
                                fail(w, EINVAL, "it holds a NUL character in an object key");
                                return;
                        }
                        if (!first)
                                write_bytes(w, ",", 1);
                        first = false;
                        write_string(w, key, key_len);
                        write_bytes(w, ":", 1);
                        write_value(w, item, depth + 1);
                }
                write_bytes(w, "}", 1);
                return;
        }
        case JSON_ARRAY: {
                size_t i;
                json_t *item;

                write_bytes(w, "[", 1);
                json_array_foreach((json_t *)value, i, item)
                {
                        if (i > 0)
                                write_bytes(w, ",", 1);
                        write_value(w, item, depth + 1);
                }
                write_bytes(w, "]", 1);
                return;
        }
        case JSON_STRING: {
                const char *s = json_string_value(value);
                size_t len = json_string_length(value);

                if (memchr(s, '\0', len) == NULL)
                        write_string(w, s, len);
                else if (rw_json_is_verbatim_number(value))
                        write_bytes(w, s + MARKER_LEN, len - MARKER_LEN);
                else if (rw_json_is_verbatim_document(value))
                        write_bytes(w, s + DOC_MARKER_LEN, len - DOC_MARKER_LEN);
                else
                        fail(w, EINVAL, "it holds a NUL character in a string");
                return;
        }
        case JSON_INTEGER:
                write_integer(w, json_integer_value(value));
                return;
        case JSON_TRUE:
                write_bytes(w, "true", 4);
                return;
        case JSON_FALSE:
                write_bytes(w, "false", 5);
                return;
        case JSON_NULL:
                write_bytes(w, "null", 4);
                return;
        default:
                fail(w, EINVAL, "it holds a real number");
                return;
        }
}

int rw_json_dump(const json_t *doc, char **ret_text, size_t *ret_len, struct rw_error *err)
{
        _cleanup_(writer_done) struct writer w = {0};

        write_value(&w, doc, 1);
        write_bytes(&w, "", 1);
        if (w.code == ENOMEM)
                return rw_error_set(err, ENOMEM, "cannot serialize JSON document: out of memory");
        if (w.code == EILSEQ)
                return rw_error_set(err, EINVAL, "cannot serialize JSON document: invalid UTF-8");
        if (w.code != 0)
                return rw_error_set(err, EINVAL, "the document would not read back the same: %s",
                                    w.why);
        *ret_len = w.out.len - 1;
        *ret_text = TAKE_PTR(w.out.data);
        return 0;
}

static size_t string_size(const char *s, size_t len)
{
        size_t n = 2;

        for (size_t i = 0; i < len; i++) {
                unsigned char c = (unsigned char)s[i];

                if (c == '"' || c == '\\' || c == '\b' || c == '\f' || c == '\n' || c == '\r' ||
                    c == '\t')
                        n += 2;
                else if (c < 0x20)
                        n += 6; /* \u00XX */
                else
                        n++;
        }
        return n;
}

/* The length of the compact text of `value`: as jansson writes it (verbatim numbers as their
 * marker strings), or `as_written` by rw_json_dump() (as their numbers). */
static size_t text_size(const json_t *value, bool as_written)
{
        size_t n = 2;

        switch (json_typeof(value)) {
        case JSON_OBJECT: {
                const char *key;
                size_t key_len;
                json_t *item;

                json_object_keylen_foreach((json_t *)value, key, key_len, item)
                {
                        n += string_size(key, key_len) + 1 + text_size(item, as_written);
                }
                return n + (json_object_size(value) > 0 ? json_object_size(value) - 1 : 0);
        }
        case JSON_ARRAY: {
                size_t i;
                json_t *item;

                json_array_foreach((json_t *)value, i, item)
                {
                        n += text_size(item, as_written);
                }
                return n + (json_array_size(value) > 0 ? json_array_size(value) - 1 : 0);
        }
        case JSON_STRING:
                if (rw_json_is_verbatim_document(value))
                        return json_string_length(value) - DOC_MARKER_LEN;
                if (as_written && rw_json_is_verbatim_number(value))
                        return json_string_length(value) - MARKER_LEN;
                return string_size(json_string_value(value), json_string_length(value));
        case JSON_INTEGER: {
                json_int_t v = json_integer_value(value);
                /* the magnitude as unsigned: INT64_MIN has no positive counterpart */
                unsigned long long m = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;

                for (n = v < 0 ? 2 : 1; m >= 10; m /= 10)
                        n++;
                return n;
        }
        case JSON_TRUE:
        case JSON_NULL:
                return 4;
        case JSON_FALSE:
                return 5;
        default: {
                /* a real: jansson's own formatting (rw_json_parse() never makes one), counted */
                return json_dumpb(value, NULL, 0, JSON_COMPACT | JSON_ENCODE_ANY);
        }
        }
}

size_t rw_json_compact_size(const json_t *value)
{
        return text_size(value, false);
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
               rw_json_classify_number(s + MARKER_LEN, len - MARKER_LEN) == RW_JSON_NUMBER_VERBATIM;
}

const char *rw_json_verbatim_number_text(const json_t *value)
{
        if (!rw_json_is_verbatim_number(value))
                return NULL;
        return json_string_value(value) + MARKER_LEN;
}

json_t *rw_json_verbatim_document(const char *text, size_t len)
{
        _cleanup_free_ char *s = NULL;
        json_t *v;

        /* an object or an array, whole, and no NUL that would end it early */
        if (len < 2 ||
            !((text[0] == '{' && text[len - 1] == '}') ||
              (text[0] == '[' && text[len - 1] == ']')) ||
            memchr(text, '\0', len) != NULL || len > RW_JSON_MAX_SIZE)
                return NULL;
        s = malloc(DOC_MARKER_LEN + len);
        if (s == NULL)
                return NULL;
        memcpy(s, DOC_MARKER, DOC_MARKER_LEN);
        memcpy(s + DOC_MARKER_LEN, text, len);
        v = json_stringn_nocheck(s, DOC_MARKER_LEN + len);
        return v;
}

bool rw_json_is_verbatim_document(const json_t *value)
{
        return json_is_string(value) && json_string_length(value) > DOC_MARKER_LEN &&
               memcmp(json_string_value(value), DOC_MARKER, DOC_MARKER_LEN) == 0;
}

const char *rw_json_verbatim_document_text(const json_t *value, size_t *ret_len)
{
        if (!rw_json_is_verbatim_document(value))
                return NULL;
        *ret_len = json_string_length(value) - DOC_MARKER_LEN;
        return json_string_value(value) + DOC_MARKER_LEN;
}

bool rw_json_equal_text(const json_t *a, const json_t *b)
{
        _cleanup_free_ char *dump = NULL;
        struct rw_error ignored = {0};
        const json_t *tree = a;
        const char *text;
        size_t len, dump_len;

        text = rw_json_verbatim_document_text(b, &len);
        if (text == NULL) {
                text = rw_json_verbatim_document_text(a, &len);
                tree = b;
        }
        if (text == NULL)
                return json_equal((json_t *)a, (json_t *)b);
        if (rw_json_is_verbatim_document(tree))
                return json_equal((json_t *)a, (json_t *)b);
        /* counted first: the common case differs in size, and counting writes nothing */
        if (text_size(tree, true) != len || rw_json_dump(tree, &dump, &dump_len, &ignored) < 0)
                return false;
        return dump_len == len && memcmp(dump, text, len) == 0;
}
