/* SPDX-License-Identifier: Apache-2.0 */
#include "toml.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "utf8.h"

struct scanner {
        const char *s;
        size_t len;
        size_t i;
        int line; /* of s[i] */
        struct rw_error *err;
};

static int fail(struct scanner *sc, const char *what)
{
        return rw_error_set(sc->err, EINVAL, "line %d: %s", sc->line, what);
}

static bool at_end(const struct scanner *sc)
{
        return sc->i >= sc->len;
}

static char peek(const struct scanner *sc, size_t ahead)
{
        return sc->i + ahead < sc->len ? sc->s[sc->i + ahead] : '\0';
}

static bool is_bare(char c)
{
        return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
               c == '_' || c == '-';
}

static bool at_newline(const struct scanner *sc)
{
        return peek(sc, 0) == '\n' || (peek(sc, 0) == '\r' && peek(sc, 1) == '\n');
}

static void skip_blanks(struct scanner *sc)
{
        while (peek(sc, 0) == ' ' || peek(sc, 0) == '\t')
                sc->i++;
}

static void advance(struct scanner *sc)
{
        if (sc->s[sc->i] == '\n')
                sc->line++;
        sc->i++;
}

/* A comment runs to the end of the line (the newline is not part of it). */
static void skip_comment(struct scanner *sc)
{
        while (!at_end(sc) && !at_newline(sc))
                sc->i++;
}

/* After a statement: blanks, an optional comment, then a newline or the end of the text. */
static int end_of_statement(struct scanner *sc)
{
        skip_blanks(sc);
        if (peek(sc, 0) == '#')
                skip_comment(sc);
        if (at_end(sc))
                return 0;
        if (!at_newline(sc))
                return fail(sc, "unexpected text after the statement");
        if (sc->s[sc->i] == '\r')
                sc->i++;
        advance(sc);
        return 0;
}

/* A string of any of the four kinds, starting at its first quote. */
/* Errors about something left open name the line where it was opened. */
static int fail_opened(struct scanner *sc, int line, const char *what)
{
        return rw_error_set(sc->err, EINVAL, "line %d: %s", line, what);
}

static int skip_string(struct scanner *sc)
{
        char q = peek(sc, 0);
        bool multi = peek(sc, 1) == q && peek(sc, 2) == q;
        int line = sc->line;

        sc->i += multi ? 3 : 1;
        for (;;) {
                if (at_end(sc))
                        return fail_opened(sc, line, "unterminated string");
                if (!multi && at_newline(sc))
                        return fail(sc, "newline in a one-line string");
                if (q == '"' && peek(sc, 0) == '\\') {
                        sc->i++;
                        if (at_end(sc))
                                return fail_opened(sc, line, "unterminated string");
                        advance(sc);
                        continue;
                }
                if (peek(sc, 0) == q) {
                        if (!multi) {
                                sc->i++;
                                return 0;
                        }
                        if (peek(sc, 1) == q && peek(sc, 2) == q) {
                                size_t run = 3;

                                /* Up to two quotes may end the content right before the delimiter.
                                 */
                                while (run < 5 && peek(sc, run) == q)
                                        run++;
                                sc->i += run;
                                return 0;
                        }
                }
                advance(sc);
        }
}

/* An array or inline table: brackets matched, strings and comments skipped. */
static int skip_nested(struct scanner *sc)
{
        int depth = 0, line = sc->line;

        for (;;) {
                char c = peek(sc, 0);
                int r;

                if (at_end(sc))
                        return fail_opened(sc, line, "unterminated array or inline table");
                if (c == '"' || c == '\'') {
                        r = skip_string(sc);
                        if (r < 0)
                                return r;
                        continue;
                }
                if (c == '#') {
                        skip_comment(sc);
                        continue;
                }
                if (c == '[' || c == '{')
                        depth++;
                else if (c == ']' || c == '}')
                        depth--;
                advance(sc);
                if (depth == 0)
                        return 0;
        }
}

static int skip_value(struct scanner *sc, size_t *ret_end)
{
        char c = peek(sc, 0);
        int r = 0;

        if (c == '"' || c == '\'') {
                r = skip_string(sc);
        } else if (c == '[' || c == '{') {
                r = skip_nested(sc);
        } else {
                /* A scalar; a date may hold a space ("1979-05-27 07:32:00Z"). The caller has
                 * seen its first character, so it is not empty. */
                size_t last = sc->i;

                while (!at_end(sc) && !at_newline(sc) && peek(sc, 0) != '#') {
                        if (peek(sc, 0) != ' ' && peek(sc, 0) != '\t')
                                last = sc->i + 1;
                        sc->i++;
                }
                *ret_end = last;
                return 0;
        }
        if (r < 0)
                return r;
        *ret_end = sc->i;
        return 0;
}

static void path_free(char **path)
{
        if (path == NULL)
                return;
        for (char **p = path; *p != NULL; p++)
                free(*p);
        free(path);
}

void rw_toml_path_free(char **path)
{
        path_free(path);
}

static void pathp_free(char ***path)
{
        path_free(*path);
}

static int path_push(char ***path, size_t *n, char *component)
{
        char **grown = reallocarray(*path, *n + 2, sizeof(**path));

        if (grown == NULL) {
                free(component);
                return -ENOMEM;
        }
        *path = grown;
        grown[(*n)++] = component;
        grown[*n] = NULL;
        return 0;
}

/* Decode the one-line string at sc->i (basic or literal); sc->i ends after its closing quote. */
static int read_string(struct scanner *sc, char **ret)
{
        char q = peek(sc, 0);
        _cleanup_free_ char *out = NULL;
        size_t n = 0;

        if (peek(sc, 1) == q && peek(sc, 2) == q)
                return rw_error_set(sc->err, EMEDIUMTYPE, "line %d: a multi-line string", sc->line);
        /* Decoded text is never longer than the source (\uXXXX: 6 bytes in, at most 3 out; \U:
         * 10 in, at most 4 out). */
        out = malloc(sc->len - sc->i + 1);
        if (out == NULL)
                return -ENOMEM;
        sc->i++;
        for (;;) {
                char c = peek(sc, 0);

                if (at_end(sc) || at_newline(sc))
                        return fail(sc, "unterminated string");
                sc->i++;
                if (c == q)
                        break;
                if (c != '\\' || q == '\'') {
                        out[n++] = c;
                        continue;
                }
                c = peek(sc, 0);
                sc->i++;
                switch (c) {
                case 'b':
                        out[n++] = '\b';
                        break;
                case 't':
                        out[n++] = '\t';
                        break;
                case 'n':
                        out[n++] = '\n';
                        break;
                case 'f':
                        out[n++] = '\f';
                        break;
                case 'r':
                        out[n++] = '\r';
                        break;
                case '"':
                case '\\':
                        out[n++] = c;
                        break;
                case 'u':
                case 'U': {
                        size_t digits = c == 'u' ? 4 : 8;
                        unsigned long cp = 0;

                        for (size_t k = 0; k < digits; k++) {
                                char h = peek(sc, 0);
                                int v = h >= '0' && h <= '9'   ? h - '0'
                                        : h >= 'a' && h <= 'f' ? h - 'a' + 10
                                        : h >= 'A' && h <= 'F' ? h - 'A' + 10
                                                               : -1;
                                if (v < 0)
                                        return fail(sc, "bad \\u escape");
                                cp = cp * 16 + (unsigned long)v;
                                sc->i++;
                        }
                        if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
                                return fail(sc, "escape is not a Unicode scalar value (or NUL)");
                        n += rw_utf8_encode((uint32_t)cp, out + n);
                        break;
                }
                default:
                        return fail(sc, "unknown escape in a string");
                }
        }
        out[n] = '\0';
        *ret = TAKE_PTR(out);
        return 0;
}

/* A dotted key up to (not including) `stop` ('=' or ']'). */
static int read_key(struct scanner *sc, char stop, char ***ret)
{
        _cleanup_(pathp_free) char **path = NULL;
        size_t n = 0;
        int r;

        for (;;) {
                char *component = NULL;

                skip_blanks(sc);
                if (peek(sc, 0) == '"' || peek(sc, 0) == '\'') {
                        r = read_string(sc, &component);
                        if (r == -EMEDIUMTYPE)
                                return fail(sc, "a multi-line string cannot be a key");
                        if (r < 0)
                                return r;
                } else {
                        size_t from = sc->i;

                        while (is_bare(peek(sc, 0)))
                                sc->i++;
                        if (sc->i == from)
                                return fail(sc, "a key was expected");
                        component = strndup(sc->s + from, sc->i - from);
                        if (component == NULL)
                                return -ENOMEM;
                }
                r = path_push(&path, &n, component);
                if (r < 0)
                        return r;
                skip_blanks(sc);
                if (peek(sc, 0) == '.') {
                        sc->i++;
                        continue;
                }
                if (peek(sc, 0) != stop)
                        return fail(sc, stop == '=' ? "'=' expected after the key"
                                                    : "']' expected after the table name");
                *ret = TAKE_PTR(path);
                return 0;
        }
}

static int add_item(struct rw_toml *t, const struct rw_toml_item *item)
{
        struct rw_toml_item *grown = reallocarray(t->items, t->n + 1, sizeof(*grown));

        if (grown == NULL)
                return -ENOMEM;
        t->items = grown;
        t->items[t->n++] = *item;
        return 0;
}

static int scan_statement(struct scanner *sc, struct rw_toml *t, size_t *table)
{
        struct rw_toml_item item = {.start = sc->i, .line = sc->line, .table = SIZE_MAX};
        int r;

        skip_blanks(sc);
        if (at_end(sc) || at_newline(sc)) {
                item.kind = RW_TOML_BLANK;
                r = end_of_statement(sc);
        } else if (peek(sc, 0) == '#') {
                item.kind = RW_TOML_COMMENT;
                r = end_of_statement(sc);
        } else if (peek(sc, 0) == '[') {
                bool array = peek(sc, 1) == '[';

                item.kind = array ? RW_TOML_ARRAY_TABLE : RW_TOML_TABLE;
                sc->i += array ? 2 : 1;
                r = read_key(sc, ']', &item.key);
                if (r >= 0) {
                        sc->i++;
                        if (array && peek(sc, 0) != ']')
                                r = fail(sc, "']]' expected after the table name");
                        else if (array)
                                sc->i++;
                }
                if (r >= 0)
                        r = end_of_statement(sc);
                if (r >= 0)
                        *table = t->n;
        } else {
                item.kind = RW_TOML_KEYVAL;
                item.table = *table;
                r = read_key(sc, '=', &item.key);
                if (r >= 0) {
                        sc->i++;
                        skip_blanks(sc);
                        item.value_start = sc->i;
                        if (at_end(sc) || at_newline(sc) || peek(sc, 0) == '#')
                                r = fail(sc, "a value was expected after '='");
                        else
                                r = skip_value(sc, &item.value_end);
                }
                if (r >= 0)
                        r = end_of_statement(sc);
        }
        item.end = sc->i;
        if (r >= 0)
                r = add_item(t, &item);
        if (r < 0) {
                path_free(item.key);
                return r == -ENOMEM ? rw_error_set(sc->err, ENOMEM, "out of memory") : r;
        }
        return 0;
}

void rw_toml_clear(struct rw_toml *t)
{
        for (size_t i = 0; i < t->n; i++)
                path_free(t->items[i].key);
        free(t->items);
        *t = (struct rw_toml){0};
}

static void toml_clearp(struct rw_toml *t)
{
        rw_toml_clear(t);
}

int rw_toml_scan(const char *text, size_t len, struct rw_toml *ret, struct rw_error *err)
{
        _cleanup_(toml_clearp) struct rw_toml t = {0};
        struct scanner sc = {.s = text, .len = len, .line = 1, .err = err};
        size_t table = SIZE_MAX;
        int r;

        if (memchr(text, '\0', len) != NULL)
                return rw_error_set(err, EINVAL, "the file contains a NUL byte");
        while (!at_end(&sc)) {
                r = scan_statement(&sc, &t, &table);
                if (r < 0)
                        return r;
        }
        *ret = t;
        t = (struct rw_toml){0};
        return 0;
}

static size_t path_len(char *const *path)
{
        size_t n = 0;

        while (path != NULL && path[n] != NULL)
                n++;
        return n;
}

int rw_toml_item_path(const struct rw_toml *t, size_t i, char ***ret, struct rw_error *err)
{
        const struct rw_toml_item *item = &t->items[i];
        char *const *head = NULL;
        size_t nh, nk;
        char **out;

        if (item->key == NULL) {
                *ret = NULL;
                return 0;
        }
        if (item->kind == RW_TOML_KEYVAL && item->table != SIZE_MAX)
                head = t->items[item->table].key;
        nh = path_len(head);
        nk = path_len(item->key);
        out = calloc(nh + nk + 1, sizeof(*out));
        if (out == NULL)
                return rw_error_set(err, ENOMEM, "out of memory");
        for (size_t k = 0; k < nh + nk; k++) {
                out[k] = strdup(k < nh ? head[k] : item->key[k - nh]);
                if (out[k] == NULL) {
                        path_free(out);
                        return rw_error_set(err, ENOMEM, "out of memory");
                }
        }
        *ret = out;
        return 0;
}

int rw_toml_parse_key(const char *text, char ***ret, struct rw_error *err)
{
        _cleanup_free_ char *with_stop = NULL;
        struct scanner sc = {.line = 1, .err = err};

        if (asprintf(&with_stop, "%s=", text) < 0)
                return rw_error_set(err, ENOMEM, "out of memory");
        sc.s = with_stop;
        sc.len = strlen(with_stop);
        return read_key(&sc, '=', ret);
}

bool rw_toml_path_has_prefix(char *const *path, char *const *prefix)
{
        size_t k = 0;

        for (; prefix[k] != NULL; k++)
                if (path[k] == NULL || strcmp(path[k], prefix[k]) != 0)
                        return false;
        return true;
}

bool rw_toml_path_equal(char *const *path, char *const *other)
{
        return path_len(path) == path_len(other) && rw_toml_path_has_prefix(path, other);
}

size_t rw_toml_find_table(const struct rw_toml *t, char *const *path)
{
        for (size_t i = 0; i < t->n; i++)
                if (t->items[i].kind == RW_TOML_TABLE && rw_toml_path_equal(t->items[i].key, path))
                        return i;
        return SIZE_MAX;
}

size_t rw_toml_find_key(const struct rw_toml *t, size_t table, const char *key)
{
        for (size_t i = 0; i < t->n; i++) {
                const struct rw_toml_item *item = &t->items[i];

                if (item->kind == RW_TOML_KEYVAL && item->table == table &&
                    path_len(item->key) == 1 && strcmp(item->key[0], key) == 0)
                        return i;
        }
        return SIZE_MAX;
}

size_t rw_toml_table_end(const struct rw_toml *t, size_t table)
{
        size_t i = table + 1;

        while (i < t->n && t->items[i].kind != RW_TOML_TABLE &&
               t->items[i].kind != RW_TOML_ARRAY_TABLE)
                i++;
        return i;
}

static struct scanner value_scanner(const char *text, const struct rw_toml_item *item,
                                    struct rw_error *err)
{
        return (struct scanner){.s = text,
                                .len = item->value_end,
                                .i = item->value_start,
                                .line = item->line,
                                .err = err};
}

int rw_toml_value_string(const char *text, const struct rw_toml_item *item, char **ret,
                         struct rw_error *err)
{
        struct scanner sc = value_scanner(text, item, err);

        if (peek(&sc, 0) != '"' && peek(&sc, 0) != '\'')
                return rw_error_set(err, EMEDIUMTYPE, "line %d: not a string", item->line);
        return read_string(&sc, ret);
}

int rw_toml_value_bool(const char *text, const struct rw_toml_item *item, bool *ret,
                       struct rw_error *err)
{
        size_t n = item->value_end - item->value_start;
        const char *v = text + item->value_start;

        if (n == 4 && memcmp(v, "true", 4) == 0)
                *ret = true;
        else if (n == 5 && memcmp(v, "false", 5) == 0)
                *ret = false;
        else
                return rw_error_set(err, EMEDIUMTYPE, "line %d: not a boolean", item->line);
        return 0;
}

int rw_toml_value_int(const char *text, const struct rw_toml_item *item, long long *ret,
                      struct rw_error *err)
{
        const char *v = text + item->value_start, *end = text + item->value_end;
        bool negative = false, digits = false;
        long long n = 0;

        if (v < end && (*v == '+' || *v == '-'))
                negative = *v++ == '-';
        for (; v < end; v++) {
                if (*v == '_' && digits)
                        continue;
                if (*v < '0' || *v > '9' || n > (INT64_MAX - 9) / 10)
                        return rw_error_set(err, EMEDIUMTYPE, "line %d: not an integer",
                                            item->line);
                n = n * 10 + (*v - '0');
                digits = true;
        }
        if (!digits)
                return rw_error_set(err, EMEDIUMTYPE, "line %d: not an integer", item->line);
        *ret = negative ? -n : n;
        return 0;
}

/* Blanks, newlines and comments between the elements of an array. */
static void skip_array_space(struct scanner *sc)
{
        for (;;) {
                char c = peek(sc, 0);

                if (c == ' ' || c == '\t' || c == '\r')
                        sc->i++;
                else if (c == '\n')
                        advance(sc);
                else if (c == '#')
                        skip_comment(sc);
                else
                        return;
        }
}

int rw_toml_value_string_array(const char *text, const struct rw_toml_item *item, char ***ret,
                               struct rw_error *err)
{
        struct scanner sc = value_scanner(text, item, err);
        _cleanup_(pathp_free) char **list = calloc(1, sizeof(*list));
        size_t n = 0;
        int r;

        if (list == NULL)
                return rw_error_set(err, ENOMEM, "out of memory");
        if (peek(&sc, 0) != '[')
                return rw_error_set(err, EMEDIUMTYPE, "line %d: not an array", item->line);
        sc.i++;
        for (;;) {
                char *s = NULL;

                skip_array_space(&sc);
                if (peek(&sc, 0) == ']')
                        break;
                if (peek(&sc, 0) != '"' && peek(&sc, 0) != '\'')
                        return rw_error_set(err, EMEDIUMTYPE, "line %d: not an array of strings",
                                            sc.line);
                r = read_string(&sc, &s);
                if (r < 0)
                        return r;
                if (path_push(&list, &n, s) < 0)
                        return rw_error_set(err, ENOMEM, "out of memory");
                skip_array_space(&sc);
                if (peek(&sc, 0) == ',') {
                        sc.i++;
                        continue;
                }
                if (peek(&sc, 0) != ']')
                        return fail(&sc, "',' or ']' expected in the array");
                break;
        }
        *ret = TAKE_PTR(list);
        return 0;
}

char *rw_toml_quote(const char *s)
{
        size_t len = strlen(s);
        char *out = malloc(len * 6 + 3), *p = out;

        if (out == NULL)
                return NULL;
        *p++ = '"';
        for (; *s != '\0'; s++) {
                unsigned char c = (unsigned char)*s;

                if (c == '"' || c == '\\') {
                        *p++ = '\\';
                        *p++ = (char)c;
                } else if (c == '\n') {
                        memcpy(p, "\\n", 2);
                        p += 2;
                } else if (c == '\t') {
                        memcpy(p, "\\t", 2);
                        p += 2;
                } else if (c < 0x20 || c == 0x7F) {
                        p += sprintf(p, "\\u%04X", c);
                } else {
                        *p++ = (char)c;
                }
        }
        *p++ = '"';
        *p = '\0';
        return out;
}

char *rw_toml_key(const char *s)
{
        bool bare = *s != '\0';

        for (const char *p = s; *p != '\0'; p++)
                bare = bare && is_bare(*p);
        return bare ? strdup(s) : rw_toml_quote(s);
}

struct ordered_edit {
        const struct rw_toml_edit *edit;
        size_t order;
};

/* By offset; edits at the same offset (insertions) keep the order they were given in. */
static int cmp_edit(const void *a, const void *b)
{
        const struct ordered_edit *x = a, *y = b;

        if (x->edit->start != y->edit->start)
                return x->edit->start < y->edit->start ? -1 : 1;
        return x->order < y->order ? -1 : x->order > y->order;
}

int rw_toml_splice(const char *text, size_t len, const struct rw_toml_edit *edits, size_t n_edits,
                   char **ret, struct rw_error *err)
{
        _cleanup_free_ struct ordered_edit *sorted = calloc(n_edits + 1, sizeof(*sorted));
        size_t out_len = len, at = 0, o = 0;
        char *out;

        if (sorted == NULL)
                return rw_error_set(err, ENOMEM, "out of memory");
        for (size_t k = 0; k < n_edits; k++)
                sorted[k] = (struct ordered_edit){&edits[k], k};
        qsort(sorted, n_edits, sizeof(*sorted), cmp_edit);
        for (size_t k = 0; k < n_edits; k++) {
                const struct rw_toml_edit *e = sorted[k].edit;

                if (e->end < e->start || e->end > len ||
                    (k > 0 && e->start < sorted[k - 1].edit->end))
                        return rw_error_set(err, EINVAL, "overlapping edits");
                out_len += strlen(e->with) - (e->end - e->start);
        }
        out = malloc(out_len + 1);
        if (out == NULL)
                return rw_error_set(err, ENOMEM, "out of memory");
        for (size_t k = 0; k < n_edits; k++) {
                const struct rw_toml_edit *e = sorted[k].edit;
                size_t w = strlen(e->with);

                memcpy(out + o, text + at, e->start - at);
                o += e->start - at;
                memcpy(out + o, e->with, w);
                o += w;
                at = e->end;
        }
        memcpy(out + o, text + at, len - at);
        o += len - at;
        out[o] = '\0';
        *ret = out;
        return 0;
}
