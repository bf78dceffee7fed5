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

int rw_json_parse_reference(const char *text, size_t len, json_t **ret, struct rw_error *err)
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

/* The length of the UTF-8 sequence at s (at most `left` bytes), 0 when invalid, as jansson
 * judges it: no overlong forms, no surrogates, nothing above U+10FFFF. */
static size_t utf8_length(const unsigned char *s, size_t left)
{
        unsigned char c = s[0], lo = 0x80, hi = 0xBF;
        size_t n;

        if (c < 0x80)
                return 1;
        if (c >= 0xC2 && c <= 0xDF)
                n = 2;
        else if (c >= 0xE0 && c <= 0xEF)
                n = 3;
        else if (c >= 0xF0 && c <= 0xF4)
                n = 4;
        else
                return 0;
        if (left < n)
                return 0;
        if (c == 0xE0)
                lo = 0xA0;
        else if (c == 0xED)
                hi = 0x9F;
        else if (c == 0xF0)
                lo = 0x90;
        else if (c == 0xF4)
                hi = 0x8F;
        if (s[1] < lo || s[1] > hi)
                return 0;
        for (size_t i = 2; i < n; i++)
                if (s[i] < 0x80 || s[i] > 0xBF)
                        return 0;
        return n;
}

static void write_bytes(struct writer *w, const char *data, size_t len)
{
        if (w->code == 0 && buffer_append(&w->out, data, len) < 0)
                fail(w, ENOMEM, NULL);
}

static void write_string(struct writer *w, const char *s, size_t len)
{
        const unsigned char *u = (const unsigned char *)s;
        size_t start = 0, i = 0;

        write_bytes(w, "\"", 1);
        while (i < len && w->code == 0) {
                unsigned char c = u[i];
                char esc[7];
                size_t n;

                if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
                        i++;
                        continue;
                }
                if (c >= 0x80) {
                        n = utf8_length(u + i, len - i);
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

/*
 * The fast reader. jansson's lexer reads one byte at a time through a UTF-8 check into a buffer
 * that grows a byte at a time: about 200 instructions per byte of a spec, most of a create
 * (docs/performance.md). This reader builds the same tree in one pass, for the JSON it can vouch
 * for: RFC 8259 text that jansson and the number pre-scan above would accept too, with the same
 * result (integers in int64, every other number as a verbatim marker, strings as jansson decodes
 * them). Anything else -- invalid or merely unusual: a NUL, invalid UTF-8, a lone surrogate, a
 * duplicate key, nesting deeper than jansson reads -- it refuses, and rw_json_parse() asks jansson,
 * which accepts the same documents and says what is wrong with the others. fuzz-json and the unit
 * tests hold the two to agree.
 */
struct fast_reader {
        const char *p, *end;
        struct buffer scratch;
};

static int fast_value(struct fast_reader *rd, int depth, json_t **ret);

static void fast_space(struct fast_reader *rd)
{
        while (rd->p < rd->end &&
               (*rd->p == ' ' || *rd->p == '\n' || *rd->p == '\r' || *rd->p == '\t'))
                rd->p++;
}

/* Four hex digits at p (either case), or -1. */
static long hex4(const char *p)
{
        long v = 0;

        for (int i = 0; i < 4; i++) {
                char c = p[i];

                v *= 16;
                if (c >= '0' && c <= '9')
                        v += c - '0';
                else if (c >= 'a' && c <= 'f')
                        v += c - 'a' + 10;
                else if (c >= 'A' && c <= 'F')
                        v += c - 'A' + 10;
                else
                        return -1;
        }
        return v;
}

/* The code point of a \uXXXX escape at rd->p (with its low surrogate), or -1. */
static long fast_unicode(struct fast_reader *rd)
{
        long v, low;

        if (rd->end - rd->p < 6 || (v = hex4(rd->p + 2)) < 0)
                return -1;
        rd->p += 6;
        if (v >= 0xDC00 && v <= 0xDFFF)
                return -1;
        if (v < 0xD800 || v > 0xDBFF)
                return v;
        if (rd->end - rd->p < 6 || rd->p[0] != '\\' || rd->p[1] != 'u' ||
            (low = hex4(rd->p + 2)) < 0xDC00 || low > 0xDFFF)
                return -1;
        rd->p += 6;
        return 0x10000 + ((v - 0xD800) << 10) + (low - 0xDC00);
}

static int put_utf8(struct buffer *b, long cp)
{
        char out[4];
        size_t n;

        if (cp < 0x80) {
                out[0] = (char)cp;
                n = 1;
        } else if (cp < 0x800) {
                out[0] = (char)(0xC0 | (cp >> 6));
                out[1] = (char)(0x80 | (cp & 0x3F));
                n = 2;
        } else if (cp < 0x10000) {
                out[0] = (char)(0xE0 | (cp >> 12));
                out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
                out[2] = (char)(0x80 | (cp & 0x3F));
                n = 3;
        } else {
                out[0] = (char)(0xF0 | (cp >> 18));
                out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
                out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
                out[3] = (char)(0x80 | (cp & 0x3F));
                n = 4;
        }
        return buffer_append(b, out, n);
}

/* A string at rd->p, valid UTF-8 without NUL: *ret points into the text when it has no escape,
 * else into rd->scratch (valid until the next string). */
static int fast_string(struct fast_reader *rd, const char **ret, size_t *ret_len)
{
        const char *start, *run;
        bool escaped = false;

        if (rd->p >= rd->end || *rd->p != '"')
                return -EINVAL;
        start = run = ++rd->p;
        rd->scratch.len = 0;
        for (;;) {
                long cp;

                while (rd->p < rd->end) {
                        unsigned char c = (unsigned char)*rd->p;

                        if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
                                rd->p++;
                        } else if (c >= 0x80) {
                                size_t n = utf8_length((const unsigned char *)rd->p,
                                                       (size_t)(rd->end - rd->p));

                                if (n == 0)
                                        return -EINVAL;
                                rd->p += n;
                        } else {
                                break;
                        }
                }
                if (rd->p >= rd->end || (unsigned char)*rd->p < 0x20)
                        return -EINVAL;
                if (escaped && buffer_append(&rd->scratch, run, (size_t)(rd->p - run)) < 0)
                        return -ENOMEM;
                if (*rd->p == '"')
                        break;
                if (!escaped && buffer_append(&rd->scratch, start, (size_t)(rd->p - start)) < 0)
                        return -ENOMEM;
                escaped = true;
                if (rd->end - rd->p < 2)
                        return -EINVAL;
                switch (rd->p[1]) {
                case '"':
                case '\\':
                case '/':
                        cp = rd->p[1];
                        break;
                case 'b':
                        cp = '\b';
                        break;
                case 'f':
                        cp = '\f';
                        break;
                case 'n':
                        cp = '\n';
                        break;
                case 'r':
                        cp = '\r';
                        break;
                case 't':
                        cp = '\t';
                        break;
                case 'u':
                        cp = fast_unicode(rd);
                        /* a NUL is refused anyway (rewrite_numbers): jansson says so */
                        if (cp <= 0)
                                return -EINVAL;
                        rd->p -= 2; /* stepped over below, with the short escapes */
                        break;
                default:
                        return -EINVAL;
                }
                if (put_utf8(&rd->scratch, cp) < 0)
                        return -ENOMEM;
                rd->p += 2;
                run = rd->p;
        }
        if (escaped) {
                *ret = rd->scratch.data;
                *ret_len = rd->scratch.len;
        } else {
                *ret = start;
                *ret_len = (size_t)(rd->p - start);
        }
        rd->p++;
        return 0;
}

static int fast_number(struct fast_reader *rd, json_t **ret)
{
        const char *start = rd->p;
        unsigned long long m = 0;
        size_t len;

        while (rd->p < rd->end && is_number_char(*rd->p))
                rd->p++;
        len = (size_t)(rd->p - start);
        switch (classify_number(start, len)) {
        case NUMBER_INT64:
                for (size_t i = start[0] == '-'; i < len; i++)
                        m = m * 10 + (unsigned long long)(start[i] - '0');
                /* in range: classify_number() compared the digits with INT64_MIN/MAX */
                *ret = json_integer(start[0] == '-' ? (json_int_t)(0ull - m) : (json_int_t)m);
                break;
        case NUMBER_VERBATIM: {
                _cleanup_free_ char *marker = malloc(MARKER_LEN + len);

                if (marker == NULL)
                        return -ENOMEM;
                memcpy(marker, MARKER, MARKER_LEN);
                memcpy(marker + MARKER_LEN, start, len);
                *ret = json_stringn_nocheck(marker, MARKER_LEN + len);
                break;
        }
        default:
                return -EINVAL;
        }
        return *ret != NULL ? 0 : -ENOMEM;
}

static int fast_literal(struct fast_reader *rd, const char *word, json_t *value, json_t **ret)
{
        size_t n = strlen(word);

        if ((size_t)(rd->end - rd->p) < n || memcmp(rd->p, word, n) != 0)
                return -EINVAL;
        rd->p += n;
        *ret = value;
        return 0;
}

static int fast_object(struct fast_reader *rd, int depth, json_t **ret)
{
        _cleanup_json_ json_t *obj = json_object();
        int r;

        if (obj == NULL)
                return -ENOMEM;
        rd->p++;
        fast_space(rd);
        if (rd->p < rd->end && *rd->p == '}') {
                rd->p++;
                *ret = TAKE_PTR(obj);
                return 0;
        }
        for (;;) {
                _cleanup_free_ char *key = NULL;
                const char *k;
                size_t key_len;
                json_t *value;

                r = fast_string(rd, &k, &key_len);
                if (r < 0)
                        return r;
                key = strndup(k, key_len);
                if (key == NULL)
                        return -ENOMEM;
                fast_space(rd);
                if (rd->p >= rd->end || *rd->p++ != ':')
                        return -EINVAL;
                r = fast_value(rd, depth + 1, &value);
                if (r < 0)
                        return r;
                if (json_object_getn(obj, key, key_len) != NULL) {
                        json_decref(value);
                        return -EINVAL;
                }
                if (json_object_setn_new_nocheck(obj, key, key_len, value) < 0)
                        return -ENOMEM;
                if (rd->p < rd->end && *rd->p == ',') {
                        rd->p++;
                        fast_space(rd);
                        continue;
                }
                if (rd->p < rd->end && *rd->p == '}') {
                        rd->p++;
                        *ret = TAKE_PTR(obj);
                        return 0;
                }
                return -EINVAL;
        }
}

static int fast_array(struct fast_reader *rd, int depth, json_t **ret)
{
        _cleanup_json_ json_t *array = json_array();
        int r;

        if (array == NULL)
                return -ENOMEM;
        rd->p++;
        fast_space(rd);
        if (rd->p < rd->end && *rd->p == ']') {
                rd->p++;
                *ret = TAKE_PTR(array);
                return 0;
        }
        for (;;) {
                json_t *value;

                r = fast_value(rd, depth + 1, &value);
                if (r < 0)
                        return r;
                if (json_array_append_new(array, value) < 0)
                        return -ENOMEM;
                if (rd->p < rd->end && *rd->p == ',') {
                        rd->p++;
                        continue;
                }
                if (rd->p < rd->end && *rd->p == ']') {
                        rd->p++;
                        *ret = TAKE_PTR(array);
                        return 0;
                }
                return -EINVAL;
        }
}

/* A value with the space around it. */
static int fast_value(struct fast_reader *rd, int depth, json_t **ret)
{
        const char *s;
        size_t len;
        int r;

        fast_space(rd);
        if (depth > JSON_PARSER_MAX_DEPTH || rd->p >= rd->end)
                return -EINVAL;
        switch (*rd->p) {
        case '{':
                r = fast_object(rd, depth, ret);
                break;
        case '[':
                r = fast_array(rd, depth, ret);
                break;
        case '"':
                r = fast_string(rd, &s, &len);
                if (r < 0)
                        return r;
                *ret = json_stringn_nocheck(s != NULL ? s : "", len);
                r = *ret != NULL ? 0 : -ENOMEM;
                break;
        case 't':
                r = fast_literal(rd, "true", json_true(), ret);
                break;
        case 'f':
                r = fast_literal(rd, "false", json_false(), ret);
                break;
        case 'n':
                r = fast_literal(rd, "null", json_null(), ret);
                break;
        default:
                r = fast_number(rd, ret);
        }
        if (r >= 0)
                fast_space(rd);
        return r;
}

int rw_json_parse_fast(const char *text, size_t len, json_t **ret)
{
        struct fast_reader rd = {.p = text, .end = text + len};
        json_t *doc = NULL;
        int r;

        r = fast_value(&rd, 1, &doc);
        buffer_done(&rd.scratch);
        if (r >= 0 && rd.p != rd.end) {
                json_decref(doc);
                r = -EINVAL;
        }
        if (r < 0)
                return r;
        *ret = doc;
        return 0;
}

int rw_json_parse(const char *text, size_t len, json_t **ret, struct rw_error *err)
{
        int r;

        if (len > RW_JSON_MAX_SIZE)
                return rw_error_set(err, EFBIG, "document of %zu bytes is larger than %u bytes",
                                    len, RW_JSON_MAX_SIZE);
        r = rw_json_parse_fast(text, len, ret);
        if (r == -ENOMEM)
                return rw_error_set(err, ENOMEM, "out of memory");
        if (r >= 0)
                return 0;
        return rw_json_parse_reference(text, len, ret, err);
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

size_t rw_json_compact_size(const json_t *value)
{
        size_t n = 2;

        switch (json_typeof(value)) {
        case JSON_OBJECT: {
                const char *key;
                size_t key_len;
                json_t *item;

                json_object_keylen_foreach((json_t *)value, key, key_len, item)
                {
                        n += string_size(key, key_len) + 1 + rw_json_compact_size(item);
                }
                return n + (json_object_size(value) > 0 ? json_object_size(value) - 1 : 0);
        }
        case JSON_ARRAY: {
                size_t i;
                json_t *item;

                json_array_foreach((json_t *)value, i, item)
                {
                        n += rw_json_compact_size(item);
                }
                return n + (json_array_size(value) > 0 ? json_array_size(value) - 1 : 0);
        }
        case JSON_STRING:
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
                /* a real: jansson's own formatting (rw_json_parse() never makes one) */
                _cleanup_free_ char *text = json_dumps(value, JSON_COMPACT | JSON_ENCODE_ANY);

                return text != NULL ? strlen(text) : 0;
        }
        }
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
