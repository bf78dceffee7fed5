/* SPDX-License-Identifier: Apache-2.0 */
#pragma once

/* Lines of text and a unified diff of two of them (Myers' algorithm), for runwardenctl. */

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct rw_lines {
        char **v;
        size_t n, cap;
};

void rw_lines_clear(struct rw_lines *l);
int rw_lines_addf(struct rw_lines *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* `text` cut at its newlines (a last line without one counts; no empty line after a final
 * newline). */
int rw_lines_split(const char *text, size_t len, struct rw_lines *out);

/* A JSON value laid out as JSON_INDENT(2) does, one member or element per line; numbers that
 * rw_json_parse() kept verbatim are written as they were. */
int rw_lines_render_json(const json_t *value, struct rw_lines *out);

/*
 * Print the unified diff of `a` and `b` (3 lines of context) after "--- label_a" and
 * "+++ label_b". Unless `full`, runs of more than 40 added or removed lines show their first 20
 * and last 5 and a line saying how many are left out. Returns 0 or -ENOMEM.
 */
int rw_textdiff_print(FILE *out, const struct rw_lines *a, const struct rw_lines *b,
                      const char *label_a, const char *label_b, bool full);
