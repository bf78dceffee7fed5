/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/*
 * Just enough TOML to edit an engine's configuration file in place (containerd's config.toml,
 * podman's containers.conf) without losing a byte the operator wrote: the text is cut into
 * statements (table headers, key/value pairs, comments, blank lines) with their offsets, keys
 * are unquoted into paths, and a few value types can be read. Edits are splices of the original
 * text (rw_toml_splice), so comments, order and layout outside the edited lines stay as they were.
 *
 * The scanner checks the syntax it needs to find where statements end (strings of all four kinds,
 * nested arrays and inline tables, comments) and refuses what it cannot place. It does not check
 * everything TOML forbids (a table defined twice, say): the engine's own parser has the last
 * word, and runwardenctl asks it when it can (containerd config dump).
 */

#include <stdbool.h>
#include <stddef.h>

#include "error.h"

enum rw_toml_kind {
        RW_TOML_BLANK,
        RW_TOML_COMMENT,
        RW_TOML_TABLE,       /* [a.b] */
        RW_TOML_ARRAY_TABLE, /* [[a.b]] */
        RW_TOML_KEYVAL,      /* a.b = value */
};

struct rw_toml_item {
        enum rw_toml_kind kind;
        size_t start, end;  /* the whole statement: its first line to the end of its last line,
                             * newline included (none at the end of a file without one) */
        char **key;         /* TABLE, ARRAY_TABLE: the header's path; KEYVAL: the dotted key;
                             * unquoted, NULL-terminated; NULL for BLANK and COMMENT */
        size_t table;       /* KEYVAL: index of the header it sits under, or SIZE_MAX (root) */
        size_t value_start; /* KEYVAL: the value's text, without surrounding blanks or comment */
        size_t value_end;
        int line; /* 1-based line of `start`, for messages */
};

struct rw_toml {
        struct rw_toml_item *items;
        size_t n;
};

/* Scan `text` (NUL-terminated, `len` bytes). Errors carry "line N: ...". */
int rw_toml_scan(const char *text, size_t len, struct rw_toml *ret, struct rw_error *err);
void rw_toml_clear(struct rw_toml *t);

/* The path an item assigns: a header's own path, or its table's path followed by its key.
 * NULL-terminated, caller frees with rw_toml_path_free. NULL for comments and blanks. */
int rw_toml_item_path(const struct rw_toml *t, size_t i, char ***ret, struct rw_error *err);
void rw_toml_path_free(char **path);

/* Parse a dotted key ("plugins.\"io.containerd.grpc.v1.cri\".containerd") into a path. */
int rw_toml_parse_key(const char *text, char ***ret, struct rw_error *err);

/* Whether `path` equals `other` (same length) or, for rw_toml_path_has_prefix, starts with it. */
bool rw_toml_path_equal(char *const *path, char *const *other);
bool rw_toml_path_has_prefix(char *const *path, char *const *prefix);

/* Index of the header [path] (not an array of tables), or SIZE_MAX. */
size_t rw_toml_find_table(const struct rw_toml *t, char *const *path);

/* Index of the key/value `key` (one component) directly in table `table` (SIZE_MAX: the root),
 * or SIZE_MAX. */
size_t rw_toml_find_key(const struct rw_toml *t, size_t table, const char *key);

/* Where the body of header `table` ends: the start of the next header, or the end of the text.
 * Items of the body are table+1 .. the returned index (exclusive). */
size_t rw_toml_table_end(const struct rw_toml *t, size_t table);

/* Read a value (value_start..value_end of a KEYVAL): a one-line basic or literal string, a
 * boolean, an integer, an array of such strings. -EMEDIUMTYPE when the value is of another type.
 * Strings are returned unescaped; caller frees. */
int rw_toml_value_string(const char *text, const struct rw_toml_item *item, char **ret,
                         struct rw_error *err);
int rw_toml_value_bool(const char *text, const struct rw_toml_item *item, bool *ret,
                       struct rw_error *err);
int rw_toml_value_int(const char *text, const struct rw_toml_item *item, long long *ret,
                      struct rw_error *err);
int rw_toml_value_string_array(const char *text, const struct rw_toml_item *item, char ***ret,
                               struct rw_error *err);

/* A string as a TOML basic string, quotes included. Caller frees. NULL on lack of memory. */
char *rw_toml_quote(const char *s);

/* A key component, bare when it can be, else quoted. Caller frees. */
char *rw_toml_key(const char *s);

/* A copy of `text` with each edit's text[start, end) replaced by `with`. Offsets refer to the
 * original; edits must not overlap; insertions at one offset come out in the order given. */
struct rw_toml_edit {
        size_t start, end;
        const char *with;
};
int rw_toml_splice(const char *text, size_t len, const struct rw_toml_edit *edits, size_t n_edits,
                   char **ret, struct rw_error *err);
