/* SPDX-License-Identifier: Apache-2.0 */
/*
 * runwardenctl explain: what runwarden would decide for a bundle, or for any runtime command line
 * (an exec, an update), and why. The decision comes from rw_decide() with the host's edges
 * (lib/decision/hostio.h), the very decision runwarden takes, so the explanation cannot drift
 * from what runwarden does.
 *
 * The before/after documents shown are redacted: every environment entry that secret-in-env
 * recognises as a credential is replaced by the rule's own "NAME=<redacted: KIND>" text, whatever
 * the tier does with it (strip, refuse or only warn), so no value reaches the terminal.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "audit.h"
#include "cleanup.h"
#include "ctl.h"
#include "cli.h"
#include "decision.h"
#include "fileio.h"
#include "hostio.h"
#include "json.h"
#include "plan.h"
#include "policy.h"
#include "rules.h"

#define DIFF_CONTEXT 3
/* Beyond this many differing lines, the diff is shown as a plain replacement: Myers' algorithm
 * keeps O(D^2) state, and a spec that different is not worth a minimal diff. */
#define DIFF_MAX_EDIT 1000
/* Runs of added or removed lines longer than this are shortened (unless --full-diff). */
#define DIFF_RUN_MAX  40
#define DIFF_RUN_HEAD 20
#define DIFF_RUN_TAIL 5

struct explain_options {
        const char *target; /* BUNDLE or config.json; NULL when a command line is given */
        char **command;     /* the runtime command line after "--" (its flags and command) */
        int n_command;
        const char *tier;
        const char *policy;
        const char *invoked_as;
        const char *seccomp_dir;
        bool json;
        bool full_diff;
};

/* ---- the documents before and after ---- */

static bool array_index_of(const json_t *array, const json_t *element, size_t *ret)
{
        for (size_t i = 0; i < json_array_size(array); i++)
                if (json_array_get(array, i) == element) {
                        *ret = i;
                        return true;
                }
        return false;
}

/*
 * Replace, in `copy` (a deep copy of `spec`), every process.env entry secret-in-env recognises by
 * the redacted text the rule shows for it. The rule is run on its own here because a tier that
 * only warns about (or refuses) credentials leaves them in both documents.
 */
static int redact_secrets(const json_t *spec, json_t *copy, struct rw_error *err)
{
        const json_t *process = json_object_get(spec, "process");
        const json_t *env = json_object_get(process, "env");
        json_t *copy_env = rw_pointer_get(copy, "/process/env");
        _cleanup_plan_ struct rw_plan found;

        rw_plan_init(&found);
        if (!json_is_array(env) || !json_is_array(copy_env))
                return 0;
        rw_rules_secrets(process, "/process", &found);
        if (found.oom)
                return rw_error_set(err, ENOMEM, "out of memory looking for credentials");
        for (size_t i = 0; i < found.n_changes; i++) {
                const struct rw_change *c = &found.changes[i];
                size_t k;

                if (c->kind != RW_CHANGE_ARRAY_REMOVE || !array_index_of(env, c->anchor, &k))
                        continue;
                /* Never fall back to showing the entry: without the rule's text, hide it all. */
                if (json_array_set_new(copy_env, k,
                                       c->before != NULL ? json_incref(c->before)
                                                         : json_string("<redacted>")) < 0)
                        return rw_error_set(err, ENOMEM, "out of memory");
        }
        return 0;
}

/* ---- pretty printing: one line per member or element, laid out as JSON_INDENT(2) does ---- */

struct lines {
        char **v;
        size_t n, cap;
};

static void lines_clearp(struct lines *l)
{
        for (size_t i = 0; i < l->n; i++)
                free(l->v[i]);
        free(l->v);
        *l = (struct lines){0};
}

static int add_linef(struct lines *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int add_linef(struct lines *l, const char *fmt, ...)
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

static int render(const json_t *v, int depth, const char *key, bool comma, struct lines *out)
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
                return add_linef(out, "%*s%s%s%s", indent, "", label ? label : "", text, end);
        }
        if (n == 0)
                return add_linef(out, "%*s%s%s%s", indent, "", label ? label : "",
                                 object ? "{}" : "[]", end);
        r = add_linef(out, "%*s%s%c", indent, "", label ? label : "", object ? '{' : '[');
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
        return add_linef(out, "%*s%c%s", indent, "", object ? '}' : ']', end);
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

static int diff_lines(const struct lines *a, const struct lines *b, struct script *s)
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

static void print_edit(const struct edit *e, const struct lines *a, const struct lines *b)
{
        if (e->op == EDIT_SAME)
                printf(" %s\n", a->v[e->a]);
        else if (e->op == EDIT_DEL)
                printf("-%s\n", a->v[e->a]);
        else
                printf("+%s\n", b->v[e->b]);
}

static void print_hunk(const struct script *s, size_t from, size_t to, const struct lines *a,
                       const struct lines *b, bool full)
{
        size_t a_len = 0, b_len = 0;

        for (size_t i = from; i < to; i++) {
                a_len += s->v[i].op != EDIT_ADD;
                b_len += s->v[i].op != EDIT_DEL;
        }
        /* An empty side names the line before the hunk, as diff -u does. */
        printf("@@ -%zu,%zu +%zu,%zu @@\n", s->v[from].a + (a_len > 0), a_len,
               s->v[from].b + (b_len > 0), b_len);
        for (size_t i = from; i < to;) {
                size_t run = 1;

                while (i + run < to && s->v[i + run].op == s->v[i].op)
                        run++;
                /* A seccomp profile is hundreds of lines: show its ends, say how much is left
                 * out (on a line no diff line can look like), and let --full-diff show it all. */
                if (!full && s->v[i].op != EDIT_SAME && run > DIFF_RUN_MAX) {
                        for (size_t k = 0; k < DIFF_RUN_HEAD; k++)
                                print_edit(&s->v[i + k], a, b);
                        printf("... %zu more %s lines (--full-diff shows every line)\n",
                               run - DIFF_RUN_HEAD - DIFF_RUN_TAIL,
                               s->v[i].op == EDIT_ADD ? "added" : "removed");
                        for (size_t k = run - DIFF_RUN_TAIL; k < run; k++)
                                print_edit(&s->v[i + k], a, b);
                } else {
                        for (size_t k = 0; k < run; k++)
                                print_edit(&s->v[i + k], a, b);
                }
                i += run;
        }
}

/* Hunks with DIFF_CONTEXT lines around each change; changes closer than twice that share one. */
static void print_unified(const struct script *s, const struct lines *a, const struct lines *b,
                          bool full)
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
                print_hunk(s, from, i, a, b, full);
        }
}

static int print_diff(const json_t *before, const json_t *after, const char *label_before,
                      const char *label_after, bool full)
{
        _cleanup_(lines_clearp) struct lines a = {0};
        _cleanup_(lines_clearp) struct lines b = {0};
        _cleanup_free_ struct edit *edits = NULL;
        struct script s = {0};
        int r;

        r = render(before, 0, NULL, false, &a);
        if (r >= 0)
                r = render(after, 0, NULL, false, &b);
        if (r >= 0)
                r = diff_lines(&a, &b, &s);
        edits = s.v;
        if (r < 0)
                return r;
        printf("--- %s\n+++ %s\n", label_before, label_after);
        print_unified(&s, &a, &b, full);
        return 0;
}

/* ---- the explanation ---- */

static const char *mode_name(enum rw_tier_mode mode)
{
        return mode == RW_TIER_AUDIT ? "audit" : "enforce";
}

static json_t *value_or_null(const json_t *v)
{
        return v != NULL ? json_incref((json_t *)v) : json_null();
}

static int set_new(json_t *obj, const char *key, json_t *value)
{
        if (value == NULL)
                return -ENOMEM;
        return json_object_set_new(obj, key, value) < 0 ? -ENOMEM : 0;
}

static int append_new(json_t *array, json_t *value)
{
        if (value == NULL)
                return -ENOMEM;
        return json_array_append_new(array, value) < 0 ? -ENOMEM : 0;
}

/* The plan as the decision log shows it: changes, denials, warnings. */
static int add_plan(json_t *obj, const struct rw_plan *plan)
{
        json_t *changes = json_array(), *denials = json_array(), *warnings = json_array();
        int r = 0;

        if (set_new(obj, "changes", changes) < 0 || set_new(obj, "denials", denials) < 0 ||
            set_new(obj, "warnings", warnings) < 0)
                return -ENOMEM;
        for (size_t i = 0; i < plan->n_changes && r >= 0; i++) {
                const struct rw_change *c = &plan->changes[i];

                r = append_new(changes,
                               json_pack("{s:s,s:s,s:o,s:o,s:s}", "rule", c->rule, "path", c->path,
                                         "before", value_or_null(c->before), "after",
                                         value_or_null(c->after), "reason", c->reason));
        }
        for (size_t i = 0; i < plan->n_denials && r >= 0; i++)
                r = append_new(denials,
                               json_pack("{s:s,s:s,s:s}", "rule", plan->denials[i].rule, "item",
                                         plan->denials[i].item, "reason", plan->denials[i].reason));
        for (size_t i = 0; i < plan->n_warnings && r >= 0; i++)
                r = append_new(warnings, json_pack("{s:s,s:s}", "rule", plan->warnings[i].rule,
                                                   "text", plan->warnings[i].text));
        return r;
}

static int print_json(const struct rw_decision *ev, enum rw_outcome outcome,
                      enum rw_outcome enforce, const json_t *before, const json_t *after,
                      struct rw_error *err)
{
        const struct rw_tier_choice *choice = &ev->choice;
        _cleanup_json_ json_t *obj = json_object();
        _cleanup_free_ char *text = NULL;
        size_t len;
        int r;

        if (obj == NULL ||
            set_new(obj, "command", json_string(rw_cli_command_label(ev->command))) < 0 ||
            set_new(obj, "tier", json_string(choice->tier->name)) < 0 ||
            set_new(obj, "tier_reason", json_string(ev->tier_reason)) < 0 ||
            set_new(obj, "skipped", json_string(choice->skipped)) < 0 ||
            set_new(obj, "mode", json_string(mode_name(choice->tier->mode))) < 0 ||
            set_new(obj, "outcome", json_string(rw_outcome_name(outcome))) < 0 ||
            set_new(obj, "enforce_outcome", json_string(rw_outcome_name(enforce))) < 0 ||
            add_plan(obj, &ev->plan) < 0 || set_new(obj, "before", value_or_null(before)) < 0 ||
            set_new(obj, "after", value_or_null(after)) < 0)
                return rw_error_set(err, ENOMEM, "out of memory");
        /* rw_json_dump() writes verbatim numbers (18446744073709551615) as numbers. */
        r = rw_json_dump(obj, &text, &len, err);
        if (r < 0)
                return r;
        printf("%s\n", text);
        return 0;
}

static int print_text(const char *target, const struct rw_policy *policy,
                      const struct rw_decision *ev, enum rw_outcome outcome,
                      enum rw_outcome enforce, const json_t *before, const json_t *after,
                      bool full_diff)
{
        const struct rw_tier_choice *choice = &ev->choice;
        const struct rw_plan *plan = &ev->plan;
        bool audit = outcome == RW_OUTCOME_AUDITED;

        printf("%-9s %s\n", ev->rewrite == RW_DOC_PROCESS ? "process:" : "spec:", target);
        printf("command:  %s\n", rw_cli_command_label(ev->command));
        printf("policy:   %s\n", policy->origin != NULL ? policy->origin : "(unnamed)");
        printf("tier:     %s (%s)\n", choice->tier->name, ev->tier_reason);
        if (choice->skipped[0] != '\0')
                printf("skipped:  %s\n", choice->skipped);
        printf("mode:     %s\n", mode_name(choice->tier->mode));
        if (audit)
                printf(
                    "outcome:  audited: runc gets the spec unchanged; enforce would have %s it\n",
                    enforce == RW_OUTCOME_REFUSED     ? "refused"
                    : enforce == RW_OUTCOME_REWRITTEN ? "rewritten"
                                                      : "left");
        else
                printf("outcome:  %s\n", rw_outcome_name(outcome));

        if (plan->n_denials > 0) {
                printf("\n%s:\n", audit ? "enforce would refuse" : "refused");
                for (size_t i = 0; i < plan->n_denials; i++)
                        printf("  refused by rule %s: %s\n", plan->denials[i].rule,
                               plan->denials[i].reason);
        }
        if (plan->n_changes > 0) {
                printf("\n%s (%zu):\n", audit ? "changes enforce would make" : "changes",
                       plan->n_changes);
                for (size_t i = 0; i < plan->n_changes; i++) {
                        _cleanup_free_ char *what = rw_change_describe(&plan->changes[i], 200);

                        if (what == NULL)
                                return -ENOMEM;
                        printf("  %s\n", what);
                }
        }
        if (plan->n_warnings > 0) {
                printf("\nwarnings:\n");
                for (size_t i = 0; i < plan->n_warnings; i++)
                        printf("  %s: %s\n", plan->warnings[i].rule, plan->warnings[i].text);
        }

        printf("\n");
        if (after == NULL) {
                printf("no diff: the spec is refused%s\n",
                       audit ? " by enforce" : ", runc is not started");
                return 0;
        }
        if (enforce == RW_OUTCOME_UNCHANGED || enforce == RW_OUTCOME_PASSTHROUGH) {
                printf("no diff: %s is handed on as it is\n",
                       ev->rewrite == RW_DOC_NONE ? "the command" : "the document");
                return 0;
        }
        {
                const char *doc = ev->rewrite == RW_DOC_PROCESS ? "process.json" : "config.json";
                char label_before[64], label_after[80];

                snprintf(label_before, sizeof(label_before), "%s (as the engine wrote it)", doc);
                snprintf(label_after, sizeof(label_after), "%s (as %s)", doc,
                         audit ? "enforce would hand it to runc" : "runc gets it");
                return print_diff(before, after, label_before, label_after, full_diff);
        }
}

static void usage(FILE *out)
{
        fprintf(out,
                "usage: runwardenctl explain [OPTIONS] BUNDLE|config.json\n"
                "       runwardenctl explain [OPTIONS] -- RUNTIME-ARGS...\n"
                "\n"
                "What runwarden would decide for this spec, or for a whole runtime command line\n"
                "(e.g. -- --root /run/runc exec --user 0 ID sh): the tier and why, the outcome,\n"
                "every change and refusal, and a diff of the document before and after.\n"
                "\n"
                "  --tier T         choose tier T, as runwarden --tier does\n"
                "  --policy F       the policy file (default " RW_POLICY_DEFAULT_PATH ")\n"
                "  --as NAME        the name runwarden is invoked as (runwarden-TIER)\n"
                "  --seccomp-dir D  where the tiers' seccomp profiles are\n"
                "  --json           one JSON object instead of text\n"
                "\n"
                "Exit status: 0 allowed, 1 refused, 2 usage or load errors.\n");
}

/* 0 to go on, else the exit status (-1 for a plain --help). */
static int parse_options(int argc, char **argv, struct explain_options *o)
{
        static const struct option options[] = {
            {"tier", required_argument, NULL, 't'}, {"policy", required_argument, NULL, 'p'},
            {"as", required_argument, NULL, 'a'},   {"seccomp-dir", required_argument, NULL, 's'},
            {"json", no_argument, NULL, 'j'},       {"full-diff", no_argument, NULL, 'f'},
            {"help", no_argument, NULL, 'h'},       {NULL, 0, NULL, 0},
        };
        int c;

        optind = 1;
        while ((c = getopt_long(argc, argv, "t:p:a:s:jfh", options, NULL)) != -1) {
                switch (c) {
                case 't':
                        o->tier = optarg;
                        break;
                case 'p':
                        o->policy = optarg;
                        break;
                case 'a':
                        o->invoked_as = optarg;
                        break;
                case 's':
                        o->seccomp_dir = optarg;
                        break;
                case 'j':
                        o->json = true;
                        break;
                case 'f':
                        o->full_diff = true;
                        break;
                case 'h':
                        usage(stdout);
                        return -1;
                default:
                        usage(stderr);
                        return 2;
                }
        }
        if (optind > 0 && optind <= argc && strcmp(argv[optind - 1], "--") == 0 && optind < argc) {
                o->command = argv + optind;
                o->n_command = argc - optind;
                return 0;
        }
        if (optind + 1 != argc) {
                fprintf(stderr, "runwardenctl explain: expected one BUNDLE or config.json, or "
                                "-- and a runtime command line\n");
                usage(stderr);
                return 2;
        }
        o->target = argv[optind];
        return 0;
}

/* The runtime command line to decide: the one given after "--", or create of TARGET. */
static int explain_argv(const struct explain_options *o, bool *ret_is_file, char ***ret,
                        int *ret_argc, struct rw_error *err)
{
        struct stat st;
        char **argv;
        int n = o->command != NULL ? o->n_command : 4;

        *ret_is_file = false;
        argv = calloc((size_t)n + 2, sizeof(*argv));
        if (argv == NULL)
                return rw_error_set(err, ENOMEM, "out of memory");
        argv[0] = (char *)o->invoked_as;
        if (o->command != NULL) {
                for (int i = 0; i < n; i++)
                        argv[i + 1] = o->command[i];
        } else {
                if (stat(o->target, &st) < 0) {
                        free(argv);
                        return rw_error_set_errno(err, errno, "%s", o->target);
                }
                *ret_is_file = !S_ISDIR(st.st_mode);
                argv[1] = (char *)"create";
                argv[2] = (char *)"--bundle";
                argv[3] = (char *)o->target;
                argv[4] = (char *)"explain";
        }
        *ret = argv;
        *ret_argc = n + 1;
        return 0;
}

int rw_ctl_explain(int argc, char **argv)
{
        struct explain_options o = {.invoked_as = "runwarden"};
        _cleanup_policy_ struct rw_policy policy = {0};
        _cleanup_decision_ struct rw_decision ev = {0};
        _cleanup_json_ json_t *before = NULL;
        _cleanup_json_ json_t *after = NULL;
        _cleanup_free_ char **rt_argv = NULL;
        struct rw_host_io io;
        struct rw_cli cli = {0};
        struct rw_error err = {0};
        enum rw_outcome outcome, enforce;
        const json_t *spec;
        const char *target;
        bool found, is_file = false;
        int r, rt_argc = 0;

        r = parse_options(argc, argv, &o);
        if (r != 0)
                return r < 0 ? 0 : r;
        rw_host_io_init(&io);
        r = explain_argv(&o, &is_file, &rt_argv, &rt_argc, &err);
        if (r >= 0)
                r = rw_cli_parse(rt_argc, rt_argv, &cli, &err);
        if (r >= 0) {
                if (o.tier != NULL)
                        cli.tier = o.tier;
                if (o.seccomp_dir != NULL)
                        cli.seccomp_dir = o.seccomp_dir;
                if (o.policy != NULL)
                        cli.policy = o.policy;
                io.bundle_is_file = is_file;
                io.seccomp_dir = cli.seccomp_dir;
                r = rw_policy_load(cli.policy, &policy, &found, &err);
        }
        if (r >= 0)
                r = rw_decide(&cli, &policy, o.invoked_as, &io.io, &ev, &err);
        if (r < 0) {
                fprintf(stderr, "runwardenctl explain: %s\n", err.msg);
                rw_cli_clear(&cli);
                rw_host_io_clear(&io);
                return 2;
        }
        target = o.target != NULL ? o.target : cli.process != NULL ? cli.process : cli.command_name;

        enforce = ev.enforce;
        outcome = ev.outcome;
        spec = ev.view;
        if (spec != NULL) {
                before = json_deep_copy(spec);
                r = before != NULL
                        ? (ev.rewrite == RW_DOC_PROCESS ? 0 : redact_secrets(spec, before, &err))
                        : rw_error_set(&err, ENOMEM, "out of memory");
        }
        if (r >= 0 && spec != NULL && enforce != RW_OUTCOME_REFUSED && ev.rewrite != RW_DOC_NONE) {
                /* A copy of the redacted copy has the same shape as the spec the plan names. */
                after = json_deep_copy(before);
                r = after != NULL ? rw_plan_apply_copy(&ev.plan, spec, after, &err)
                                  : rw_error_set(&err, ENOMEM, "out of memory");
        }
        if (r >= 0) {
                if (o.json)
                        r = print_json(&ev, outcome, enforce, before, after, &err);
                else if (print_text(target, &policy, &ev, outcome, enforce, before, after,
                                    o.full_diff) < 0)
                        r = rw_error_set(&err, ENOMEM, "out of memory");
        }
        rw_cli_clear(&cli);
        rw_host_io_clear(&io);
        if (r < 0) {
                fprintf(stderr, "runwardenctl explain: %s\n", err.msg);
                return 2;
        }
        return enforce == RW_OUTCOME_REFUSED && outcome != RW_OUTCOME_AUDITED ? 1 : 0;
}
