/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Text as lines and a line diff printed in unified format, for runwardenctl's commands that show
 * what changes: explain (a spec before and after runwarden) and setup (an engine's configuration
 * file before and after).
 */
#include "textdiff.h"

#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "json.h"

#define DIFF_CONTEXT 3
/* Beyond this many differing lines, the diff is shown as a plain replacement: Myers' algorithm
 * keeps O(D^2) state, and a spec that different is not worth a minimal diff. */
#define DIFF_MAX_EDIT 1000
/* Runs of added or removed lines longer than this are shortened (unless --full-diff). */
#define DIFF_RUN_MAX  40
#define DIFF_RUN_HEAD 20
#define DIFF_RUN_TAIL 5

/* ---- pretty printing: one line per member or element, laid out as JSON_INDENT(2) does ---- */

void rw_lines_clear(struct rw_lines *l)
{
        for (size_t i = 0; i < l->n; i++)
                free(l->v[i]);
        free(l->v);
        *l = (struct rw_lines){0};
}

int rw_lines_addf(struct rw_lines *l, const char *fmt, ...)
{
        char *line = NULL;
        va_list ap;
        int r;

        va_start(ap, fmt);
        r = vasprintf(&line, fmt, ap);
        va_end(ap);
        if (r < 0)
                return -ENOMEM;
        if (l->n == l->cap) {
                size_t cap = l->cap == 0 ? 64 : l->cap * 2;
                char **v = reallocarray(l->v, cap, sizeof(*v));

                if (v == NULL) {
                        free(line);
                        return -ENOMEM;
                }
                l->v = v;
                l->cap = cap;
        }
        l->v[l->n++] = line;
        return 0;
}

/* A scalar as JSON text; a verbatim number (18446744073709551615) as the number it is. */
static char *scalar_text(const json_t *v)
{
        const char *verbatim = rw_json_verbatim_number_text(v);

        if (verbatim != NULL)
                return strdup(verbatim);
        return json_dumps(v, JSON_ENCODE_ANY);
}

static int render(const json_t *v, int depth, const char *key, bool comma, struct rw_lines *out)
{
        _cleanup_free_ char *label = NULL;
        const char *end = comma ? "," : "";
        bool object = json_is_object(v);
        size_t n = object ? json_object_size(v) : json_array_size(v);
        int indent = depth * 2, r;

        if (key != NULL) {
                _cleanup_json_ json_t *k = json_string(key);
                _cleanup_free_ char *quoted = k != NULL ? json_dumps(k, JSON_ENCODE_ANY) : NULL;

                if (quoted == NULL || asprintf(&label, "%s: ", quoted) < 0)
                        return -ENOMEM;
        }
        if (!object && !json_is_array(v)) {
                _cleanup_free_ char *text = scalar_text(v);

                if (text == NULL)
                        return -ENOMEM;
                return rw_lines_addf(out, "%*s%s%s%s", indent, "", label ? label : "", text, end);
        }
        if (n == 0)
                return rw_lines_addf(out, "%*s%s%s%s", indent, "", label ? label : "",
                                     object ? "{}" : "[]", end);
        r = rw_lines_addf(out, "%*s%s%c", indent, "", label ? label : "", object ? '{' : '[');
        if (r < 0)
                return r;
        if (object) {
                const char *k;
                json_t *child;
                size_t i = 0;

                json_object_foreach((json_t *)v, k, child)
                {
                        r = render(child, depth + 1, k, ++i < n, out);
                        if (r < 0)
                                return r;
                }
        } else {
                for (size_t i = 0; i < n; i++) {
                        r = render(json_array_get(v, i), depth + 1, NULL, i + 1 < n, out);
                        if (r < 0)
                                return r;
                }
        }
        return rw_lines_addf(out, "%*s%c%s", indent, "", object ? '}' : ']', end);
}

int rw_lines_render_json(const json_t *value, struct rw_lines *out)
{
        return render(value, 0, NULL, false, out);
}

int rw_lines_split(const char *text, size_t len, struct rw_lines *out)
{
        size_t from = 0;

        for (size_t i = 0; i <= len; i++) {
                if (i < len && text[i] != '\n')
                        continue;
                if (i == len && from == len)
                        break;
                if (rw_lines_addf(out, "%.*s", (int)(i - from), text + from) < 0)
                        return -ENOMEM;
                from = i + 1;
        }
        return 0;
}

/* ---- a line diff (Myers), printed in unified format ---- */

enum edit_op {
        EDIT_SAME,
        EDIT_DEL,
        EDIT_ADD,
};

/* `a` and `b` are positions in the two line lists: the line itself for the side it belongs to,
 * the position it sits at for the other side. */
struct edit {
        enum edit_op op;
        size_t a, b;
};

struct script {
        struct edit *v;
        size_t n, cap;
};

static int script_add(struct script *s, enum edit_op op, size_t a, size_t b)
{
        if (s->n == s->cap) {
                size_t cap = s->cap == 0 ? 256 : s->cap * 2;
                struct edit *v = reallocarray(s->v, cap, sizeof(*v));

                if (v == NULL)
                        return -ENOMEM;
                s->v = v;
                s->cap = cap;
        }
        s->v[s->n++] = (struct edit){op, a, b};
        return 0;
}

/* Replace a[0..n) by b[0..m) outright (positions offset by `base`). */
static int script_replace(struct script *s, size_t base, size_t n, size_t m)
{
        for (size_t i = 0; i < n; i++)
                if (script_add(s, EDIT_DEL, base + i, base) < 0)
                        return -ENOMEM;
        for (size_t j = 0; j < m; j++)
                if (script_add(s, EDIT_ADD, base + n, base + j) < 0)
                        return -ENOMEM;
        return 0;
}

/* Where step d's 2d+3 saved values begin: the sum of 2i+3 for i < d. */
static size_t trace_start(ptrdiff_t d)
{
        return (size_t)(d * d + 2 * d);
}

/*
 * The shortest edit script from a[0..n) to b[0..m) (Myers 1986), appended to `s` with positions
 * offset by `base`. For each number of edits d, the furthest-reaching x on every diagonal k is
 * saved (k in -d-1..d+1), and the path is walked back from the end.
 */
static int myers(char *const *a, ptrdiff_t n, char *const *b, ptrdiff_t m, size_t base,
                 struct script *s)
{
        ptrdiff_t max = n + m, off = max + 1, found = -1;
        _cleanup_free_ ptrdiff_t *v = calloc((size_t)(2 * max + 3), sizeof(*v));
        _cleanup_free_ ptrdiff_t *trace = NULL;
        _cleanup_free_ struct edit *rev = NULL;
        size_t cap = 0, n_rev = 0;
        ptrdiff_t x, y;

        if (v == NULL)
                return -ENOMEM;
        for (ptrdiff_t d = 0; d <= max && d <= DIFF_MAX_EDIT && found < 0; d++) {
                size_t need = trace_start(d + 1);

                if (need > cap) {
                        size_t ncap = cap == 0 ? 1024 : cap;
                        ptrdiff_t *grown;

                        while (ncap < need)
                                ncap *= 2;
                        grown = reallocarray(trace, ncap, sizeof(*trace));
                        if (grown == NULL)
                                return -ENOMEM;
                        trace = grown;
                        cap = ncap;
                }
                memcpy(trace + trace_start(d), v + off - d - 1, (size_t)(2 * d + 3) * sizeof(*v));
                for (ptrdiff_t k = -d; k <= d; k += 2) {
                        if (k == -d || (k != d && v[off + k - 1] < v[off + k + 1]))
                                x = v[off + k + 1];
                        else
                                x = v[off + k - 1] + 1;
                        y = x - k;
                        while (x < n && y < m && strcmp(a[x], b[y]) == 0) {
                                x++;
                                y++;
                        }
                        v[off + k] = x;
                        if (x >= n && y >= m) {
                                found = d;
                                break;
                        }
                }
        }
        if (found < 0)
                return script_replace(s, base, (size_t)n, (size_t)m);

        rev = calloc((size_t)(n + m) + 1, sizeof(*rev));
        if (rev == NULL)
                return -ENOMEM;
        x = n;
        y = m;
        for (ptrdiff_t d = found; d > 0; d--) {
                const ptrdiff_t *vd = trace + trace_start(d) + d + 1; /* vd[k], k in -d-1..d+1 */
                ptrdiff_t k = x - y, prev_k, prev_x, prev_y;

                if (k == -d || (k != d && vd[k - 1] < vd[k + 1]))
                        prev_k = k + 1;
                else
                        prev_k = k - 1;
                prev_x = vd[prev_k];
                prev_y = prev_x - prev_k;
                for (; x > prev_x && y > prev_y; x--, y--)
                        rev[n_rev++] = (struct edit){EDIT_SAME, (size_t)x - 1, (size_t)y - 1};
                if (x == prev_x)
                        rev[n_rev++] = (struct edit){EDIT_ADD, (size_t)x, (size_t)y - 1};
                else
                        rev[n_rev++] = (struct edit){EDIT_DEL, (size_t)x - 1, (size_t)y};
                x = prev_x;
                y = prev_y;
        }
        for (; x > 0 && y > 0; x--, y--)
                rev[n_rev++] = (struct edit){EDIT_SAME, (size_t)x - 1, (size_t)y - 1};
        while (n_rev > 0) {
                const struct edit *e = &rev[--n_rev];

                if (script_add(s, e->op, base + e->a, base + e->b) < 0)
                        return -ENOMEM;
        }
        return 0;
}

static int diff_lines(const struct rw_lines *a, const struct rw_lines *b, struct script *s)
{
        size_t pre = 0, suf = 0;
        int r;

        /* Specs differ in a few places: the common ends cost nothing to set aside. */
        while (pre < a->n && pre < b->n && strcmp(a->v[pre], b->v[pre]) == 0)
                pre++;
        while (suf < a->n - pre && suf < b->n - pre &&
               strcmp(a->v[a->n - 1 - suf], b->v[b->n - 1 - suf]) == 0)
                suf++;
        for (size_t i = 0; i < pre; i++)
                if (script_add(s, EDIT_SAME, i, i) < 0)
                        return -ENOMEM;
        r = myers(a->v + pre, (ptrdiff_t)(a->n - pre - suf), b->v + pre,
                  (ptrdiff_t)(b->n - pre - suf), pre, s);
        if (r < 0)
                return r;
        for (size_t i = suf; i > 0; i--)
                if (script_add(s, EDIT_SAME, a->n - i, b->n - i) < 0)
                        return -ENOMEM;
        return 0;
}

static void print_edit(FILE *out, const struct edit *e, const struct rw_lines *a,
                       const struct rw_lines *b)
{
        if (e->op == EDIT_SAME)
                fprintf(out, " %s\n", a->v[e->a]);
        else if (e->op == EDIT_DEL)
                fprintf(out, "-%s\n", a->v[e->a]);
        else
                fprintf(out, "+%s\n", b->v[e->b]);
}

static void print_hunk(FILE *out, const struct script *s, size_t from, size_t to,
                       const struct rw_lines *a, const struct rw_lines *b, bool full)
{
        size_t a_len = 0, b_len = 0;

        for (size_t i = from; i < to; i++) {
                a_len += s->v[i].op != EDIT_ADD;
                b_len += s->v[i].op != EDIT_DEL;
        }
        /* An empty side names the line before the hunk, as diff -u does. */
        fprintf(out, "@@ -%zu,%zu +%zu,%zu @@\n", s->v[from].a + (a_len > 0), a_len,
                s->v[from].b + (b_len > 0), b_len);
        for (size_t i = from; i < to;) {
                size_t run = 1;

                while (i + run < to && s->v[i + run].op == s->v[i].op)
                        run++;
                /* A seccomp profile is hundreds of lines: show its ends, say how much is left
                 * out (on a line no diff line can look like), and let --full-diff show it all. */
                if (!full && s->v[i].op != EDIT_SAME && run > DIFF_RUN_MAX) {
                        for (size_t k = 0; k < DIFF_RUN_HEAD; k++)
                                print_edit(out, &s->v[i + k], a, b);
                        fprintf(out, "... %zu more %s lines (--full-diff shows every line)\n",
                                run - DIFF_RUN_HEAD - DIFF_RUN_TAIL,
                                s->v[i].op == EDIT_ADD ? "added" : "removed");
                        for (size_t k = run - DIFF_RUN_TAIL; k < run; k++)
                                print_edit(out, &s->v[i + k], a, b);
                } else {
                        for (size_t k = 0; k < run; k++)
                                print_edit(out, &s->v[i + k], a, b);
                }
                i += run;
        }
}

/* Hunks with DIFF_CONTEXT lines around each change; changes closer than twice that share one. */
static void print_unified(FILE *out, const struct script *s, const struct rw_lines *a,
                          const struct rw_lines *b, bool full)
{
        size_t i = 0;

        while (i < s->n) {
                size_t from, last, j;

                if (s->v[i].op == EDIT_SAME) {
                        i++;
                        continue;
                }
                from = i >= DIFF_CONTEXT ? i - DIFF_CONTEXT : 0;
                last = i;
                for (j = i + 1; j < s->n; j++) {
                        if (s->v[j].op != EDIT_SAME)
                                last = j;
                        else if (j - last > 2 * DIFF_CONTEXT)
                                break;
                }
                i = last + 1 + DIFF_CONTEXT < s->n ? last + 1 + DIFF_CONTEXT : s->n;
                print_hunk(out, s, from, i, a, b, full);
        }
}

int rw_textdiff_print(FILE *out, const struct rw_lines *a, const struct rw_lines *b,
                      const char *label_a, const char *label_b, bool full)
{
        _cleanup_free_ struct edit *edits = NULL;
        struct script s = {0};
        int r;

        r = diff_lines(a, b, &s);
        edits = s.v;
        if (r < 0)
                return r;
        fprintf(out, "--- %s\n+++ %s\n", label_a, label_b);
        print_unified(out, &s, a, b, full);
        return 0;
}
