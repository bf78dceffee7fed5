/* SPDX-License-Identifier: Apache-2.0 */
/*
 * A reader of plain JSON text into jansson values, for rw_json_parse(). jansson's own parser reads
 * a byte at a time through a callback, checks each byte's UTF-8 sequence and copies every token
 * byte into a buffer: about 250 instructions a byte, most of a create's own work on a large spec
 * (docs/performance.md). This one reads the text in place and builds the same values with
 * jansson's constructors.
 *
 * It is a strict subset: whatever it does not accept exactly as jansson (with rw_json_parse()'s
 * number and NUL rules) would, it gives up on, and rw_json_parse() asks jansson, whose result and
 * message stand. So a document is never accepted here that jansson refuses, and the error
 * messages are jansson's. tests/fuzz/fuzz-json.c holds the two to the same answer and the same
 * tree on arbitrary input.
 *
 * What jansson 2.14 accepts, with JSON_DECODE_ANY | JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL:
 * RFC 8259 JSON; white space is space, tab, LF, CR; strings hold no byte below 0x20, only the
 * escapes \" \\ \/ \b \f \n \r \t \uXXXX (hex digits of either case), surrogate escapes only as a
 * high-low pair; the text is valid UTF-8 (no overlong forms, no encoded surrogates, nothing above
 * U+10FFFF); objects hold no key twice and no key with a NUL; values nest at most 2048 deep.
 * rw_json_parse() adds: no NUL anywhere (raw or \u0000), and every number token that is not an
 * int64 integer is kept verbatim (a MARKER string).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "json_internal.h"
#include "utf8.h"

/* Deeper documents are left to jansson (its limit: 2048); OCI documents nest about 6 deep. */
#define READ_DEPTH_MAX 256

const bool rw_json_string_special[256] = {
    [0x00 ... 0x1F] = true,
    ['"'] = true,
    ['\\'] = true,
    [0x80 ... 0xFF] = true,
};

struct reader {
        const unsigned char *t;
        size_t len;
        size_t i;
        unsigned depth;
        /* decoded strings that held escapes; never longer than their text */
        char *scratch;
        size_t scratch_size;
};

static void reader_done(struct reader *r)
{
        free(r->scratch);
}

static void skip_space(struct reader *r)
{
        while (r->i < r->len) {
                unsigned char c = r->t[r->i];

                if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
                        return;
                r->i++;
        }
}

static int hex_value(unsigned char c)
{
        if (c >= '0' && c <= '9')
                return c - '0';
        if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
        if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
        return -1;
}

/* The four hex digits of a \u escape at s (past the 'u'), or -1. */
static int32_t hex4(const unsigned char *s, size_t left)
{
        int32_t v = 0;

        if (left < 4)
                return -1;
        for (size_t k = 0; k < 4; k++) {
                int h = hex_value(s[k]);

                if (h < 0)
                        return -1;
                v = (v << 4) | h;
        }
        return v;
}

/*
 * The escape at r->i (a backslash), decoded to out; its length, or 0 to give up (an escape
 * jansson refuses, a lone surrogate, a NUL).
 */
static size_t read_escape(struct reader *r, char *out)
{
        const unsigned char *s = r->t + r->i;
        size_t left = r->len - r->i;
        int32_t v, low;

        if (left < 2)
                return 0;
        switch (s[1]) {
        case '"':
        case '\\':
        case '/':
                out[0] = (char)s[1];
                break;
        case 'b':
                out[0] = '\b';
                break;
        case 'f':
                out[0] = '\f';
                break;
        case 'n':
                out[0] = '\n';
                break;
        case 'r':
                out[0] = '\r';
                break;
        case 't':
                out[0] = '\t';
                break;
        case 'u':
                v = hex4(s + 2, left - 2);
                if (v <= 0 || (v >= 0xDC00 && v <= 0xDFFF))
                        return 0;
                if (v >= 0xD800 && v <= 0xDBFF) {
                        if (left < 12 || s[6] != '\\' || s[7] != 'u')
                                return 0;
                        low = hex4(s + 8, left - 8);
                        if (low < 0xDC00 || low > 0xDFFF)
                                return 0;
                        r->i += 12;
                        return rw_utf8_encode(0x10000u + (((uint32_t)v - 0xD800u) << 10) +
                                                  ((uint32_t)low - 0xDC00u),
                                              out);
                }
                r->i += 6;
                return rw_utf8_encode((uint32_t)v, out);
        default:
                return 0;
        }
        r->i += 2;
        return 1;
}

/*
 * The string at r->i (its opening quote): its bytes, in place when it holds no escape, else
 * decoded into the scratch buffer (valid until the next string). False to give up.
 */
static bool read_string(struct reader *r, const char **ret, size_t *ret_len)
{
        size_t start = ++r->i, out = 0;
        bool escaped = false;

        for (;;) {
                size_t run = r->i;
                unsigned char c;
                size_t n;

                while (run < r->len && !rw_json_string_special[r->t[run]])
                        run++;
                if (escaped) {
                        memcpy(r->scratch + out, r->t + r->i, run - r->i);
                        out += run - r->i;
                }
                r->i = run;
                if (r->i >= r->len)
                        return false;
                c = r->t[r->i];
                if (c == '"')
                        break;
                if (c == '\\') {
                        if (!escaped) {
                                /* decoded text is never longer than the rest of the input */
                                if (r->scratch == NULL) {
                                        r->scratch_size = r->len - start + 1;
                                        r->scratch = malloc(r->scratch_size);
                                        if (r->scratch == NULL)
                                                return false;
                                }
                                memcpy(r->scratch, r->t + start, r->i - start);
                                out = r->i - start;
                                escaped = true;
                        }
                        n = read_escape(r, r->scratch + out);
                        if (n == 0)
                                return false;
                        out += n;
                        continue;
                }
                if (c < 0x20)
                        return false;
                /* the first byte of a multi-byte sequence */
                n = rw_utf8_sequence(r->t + r->i, r->len - r->i);
                if (n == 0)
                        return false;
                if (escaped) {
                        memcpy(r->scratch + out, r->t + r->i, n);
                        out += n;
                }
                r->i += n;
        }
        if (escaped) {
                *ret = r->scratch;
                *ret_len = out;
        } else {
                *ret = (const char *)r->t + start;
                *ret_len = r->i - start;
        }
        r->i++; /* the closing quote */
        return true;
}

static json_t *read_number(struct reader *r)
{
        const char *tok = (const char *)r->t + r->i;
        size_t len = 0;
        _cleanup_free_ char *marked = NULL;

        while (r->i + len < r->len && rw_json_is_number_char(tok[len]))
                len++;
        switch (rw_json_classify_number(tok, len)) {
        case RW_JSON_NUMBER_INT64: {
                /* the grammar and the range are checked: digits only, within int64 */
                bool negative = tok[0] == '-';
                uint64_t magnitude = 0;

                for (size_t k = negative; k < len; k++)
                        magnitude = magnitude * 10u + (uint64_t)(tok[k] - '0');
                r->i += len;
                if (!negative)
                        return json_integer((json_int_t)magnitude);
                return json_integer(magnitude == 0 ? 0 : -(json_int_t)(magnitude - 1u) - 1);
        }
        case RW_JSON_NUMBER_VERBATIM:
                marked = malloc(MARKER_LEN + len);
                if (marked == NULL)
                        return NULL;
                memcpy(marked, MARKER, MARKER_LEN);
                memcpy(marked + MARKER_LEN, tok, len);
                r->i += len;
                return json_stringn_nocheck(marked, MARKER_LEN + len);
        case RW_JSON_NUMBER_INVALID:
        default:
                return NULL;
        }
}

/* A literal; what follows it (jansson reads a run of letters as one token: "truex" is no "true")
 * is never a separator, so the caller gives up there. */
static bool read_word(struct reader *r, const char *word, size_t len)
{
        if (r->len - r->i < len || memcmp(r->t + r->i, word, len) != 0)
                return false;
        r->i += len;
        return true;
}

static json_t *read_value(struct reader *r);

static json_t *read_array(struct reader *r)
{
        _cleanup_json_ json_t *array = json_array();

        if (array == NULL)
                return NULL;
        r->i++;
        skip_space(r);
        if (r->i < r->len && r->t[r->i] == ']') {
                r->i++;
                return TAKE_PTR(array);
        }
        for (;;) {
                json_t *item = read_value(r);

                if (item == NULL || json_array_append_new(array, item) < 0)
                        return NULL;
                skip_space(r);
                if (r->i >= r->len)
                        return NULL;
                if (r->t[r->i] == ']') {
                        r->i++;
                        return TAKE_PTR(array);
                }
                if (r->t[r->i] != ',')
                        return NULL;
                r->i++;
                skip_space(r);
        }
}

static json_t *read_object(struct reader *r)
{
        _cleanup_json_ json_t *object = json_object();

        if (object == NULL)
                return NULL;
        r->i++;
        skip_space(r);
        if (r->i < r->len && r->t[r->i] == '}') {
                r->i++;
                return TAKE_PTR(object);
        }
        for (;;) {
                _cleanup_free_ char *copied = NULL;
                const char *key;
                size_t key_len, size;
                json_t *value;

                if (r->i >= r->len || r->t[r->i] != '"' || !read_string(r, &key, &key_len))
                        return NULL;
                if (key == r->scratch) {
                        /* the value's strings reuse the scratch buffer */
                        copied = malloc(key_len);
                        if (copied == NULL && key_len > 0)
                                return NULL;
                        memcpy(copied, key, key_len);
                        key = copied;
                }
                skip_space(r);
                if (r->i >= r->len || r->t[r->i] != ':')
                        return NULL;
                r->i++;
                skip_space(r);
                value = read_value(r);
                if (value == NULL)
                        return NULL;
                size = json_object_size(object);
                if (json_object_setn_new_nocheck(object, key, key_len, value) < 0)
                        return NULL;
                /* a key seen before replaced its value: a duplicate, which jansson refuses */
                if (json_object_size(object) == size)
                        return NULL;
                skip_space(r);
                if (r->i >= r->len)
                        return NULL;
                if (r->t[r->i] == '}') {
                        r->i++;
                        return TAKE_PTR(object);
                }
                if (r->t[r->i] != ',')
                        return NULL;
                r->i++;
                skip_space(r);
        }
}

static json_t *read_value(struct reader *r)
{
        const char *s;
        size_t len;
        json_t *v = NULL;

        if (r->i >= r->len || ++r->depth > READ_DEPTH_MAX)
                return NULL;
        switch (r->t[r->i]) {
        case '{':
                v = read_object(r);
                break;
        case '[':
                v = read_array(r);
                break;
        case '"':
                if (read_string(r, &s, &len))
                        v = json_stringn_nocheck(s, len);
                break;
        case 't':
                v = read_word(r, "true", 4) ? json_true() : NULL;
                break;
        case 'f':
                v = read_word(r, "false", 5) ? json_false() : NULL;
                break;
        case 'n':
                v = read_word(r, "null", 4) ? json_null() : NULL;
                break;
        default:
                if (r->t[r->i] == '-' || (r->t[r->i] >= '0' && r->t[r->i] <= '9'))
                        v = read_number(r);
                break;
        }
        r->depth--;
        return v;
}

json_t *rw_json_read_fast(const char *text, size_t len)
{
        _cleanup_(reader_done) struct reader r = {.t = (const unsigned char *)text, .len = len};
        _cleanup_json_ json_t *doc = NULL;

        skip_space(&r);
        doc = read_value(&r);
        if (doc == NULL)
                return NULL;
        skip_space(&r);
        if (r.i != r.len)
                return NULL;
        return TAKE_PTR(doc);
}
