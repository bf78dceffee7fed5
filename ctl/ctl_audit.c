/* SPDX-License-Identifier: Apache-2.0 */
/*
 * runwardenctl audit [FILE] [--json | --prometheus]: a summary of the decision log
 * (docs/audit.md), as lib/decision/auditlog.h reads it, printed as tables, JSON or Prometheus
 * metrics.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "auditlog.h"
#include "cleanup.h"
#include "ctl.h"
#include "policy.h"

#define TABLE_MOUNTS 10 /* the most refused mounts shown in the table */

enum format {
        FORMAT_TABLE,
        FORMAT_JSON,
        FORMAT_PROMETHEUS,
};

/* Sorted views of the counters */

struct entry {
        const char *key;
        json_int_t a, b; /* a count; for rules changed and refused */
        const json_t *value;
};

/* Most first, then by name, so that equal counts always print in the same order. */
static int by_count(const void *x, const void *y)
{
        const struct entry *l = x, *r = y;
        json_int_t lt = l->a + l->b, rt = r->a + r->b;

        if (lt != rt)
                return lt > rt ? -1 : 1;
        return strcmp(l->key, r->key);
}

static int by_name(const void *x, const void *y)
{
        const struct entry *l = x, *r = y;

        return strcmp(l->key, r->key);
}

static struct entry *sorted(const json_t *map, int (*cmp)(const void *, const void *))
{
        struct entry *entries = calloc(json_object_size(map) + 1, sizeof(*entries));
        const char *key;
        json_t *value;
        size_t n = 0;

        if (entries == NULL)
                return NULL;
        json_object_foreach((json_t *)map, key, value)
        {
                entries[n].key = key;
                entries[n].value = value;
                if (json_is_object(value)) {
                        entries[n].a = json_integer_value(json_object_get(value, "changed"));
                        entries[n].b = json_integer_value(json_object_get(value, "refused"));
                } else {
                        entries[n].a = json_integer_value(value);
                }
                n++;
        }
        qsort(entries, n, sizeof(*entries), cmp);
        return entries;
}

/* Table output */

#define TABLE_COLUMNS_MAX 4

struct table {
        size_t n_cols;
        const char *headers[TABLE_COLUMNS_MAX];
        bool numeric[TABLE_COLUMNS_MAX];
        char **cells; /* row after row */
        size_t n_cells, cap_cells;
};

static void table_clear(struct table *t)
{
        for (size_t i = 0; i < t->n_cells; i++)
                free(t->cells[i]);
        free(t->cells);
}

/*
 * Job identities come from the job's own environment: control characters (C0, DEL and C1) are
 * shown as "?" so that a log line cannot drive the operator's terminal.
 */
static char *printable(const char *s)
{
        char *out = strdup(s);
        unsigned char *o = (unsigned char *)out;

        if (out == NULL)
                return NULL;
        for (size_t i = 0; o[i] != '\0'; i++) {
                if (o[i] < 0x20 || o[i] == 0x7f)
                        o[i] = '?';
                else if (o[i] == 0xc2 && o[i + 1] >= 0x80 && o[i + 1] <= 0x9f) {
                        o[i] = '?';
                        memmove(o + i + 1, o + i + 2, strlen((char *)o + i + 2) + 1);
                }
        }
        return out;
}

static int table_add(struct table *t, const char *cell)
{
        char *copy;

        if (t->n_cells == t->cap_cells) {
                size_t cap = t->cap_cells == 0 ? 16 : t->cap_cells * 2;
                char **cells = reallocarray(t->cells, cap, sizeof(*cells));

                if (cells == NULL)
                        return -ENOMEM;
                t->cells = cells;
                t->cap_cells = cap;
        }
        copy = printable(cell);
        if (copy == NULL)
                return -ENOMEM;
        t->cells[t->n_cells++] = copy;
        return 0;
}

static int table_add_count(struct table *t, json_int_t n)
{
        char buf[32];

        snprintf(buf, sizeof(buf), "%lld", (long long)n);
        return table_add(t, buf);
}

/* Characters, not bytes: project paths may be UTF-8. */
static size_t display_width(const char *s)
{
        size_t w = 0;

        for (const unsigned char *c = (const unsigned char *)s; *c != '\0'; c++)
                if ((*c & 0xc0) != 0x80)
                        w++;
        return w;
}

static void print_cell(FILE *out, const char *s, size_t width, bool numeric, bool last)
{
        size_t pad = width - display_width(s);

        if (numeric)
                fprintf(out, "%*s%s", (int)pad, "", s);
        else
                fprintf(out, "%s%*s", s, last ? 0 : (int)pad, "");
        fputs(last ? "\n" : "  ", out);
}

static void table_print(const struct table *t, FILE *out)
{
        size_t width[TABLE_COLUMNS_MAX] = {0};

        for (size_t c = 0; c < t->n_cols; c++)
                width[c] = display_width(t->headers[c]);
        for (size_t i = 0; i < t->n_cells; i++) {
                size_t w = display_width(t->cells[i]);

                if (w > width[i % t->n_cols])
                        width[i % t->n_cols] = w;
        }
        for (size_t c = 0; c < t->n_cols; c++)
                print_cell(out, t->headers[c], width[c], t->numeric[c], c + 1 == t->n_cols);
        for (size_t i = 0; i < t->n_cells; i++)
                print_cell(out, t->cells[i], width[i % t->n_cols], t->numeric[i % t->n_cols],
                           i % t->n_cols + 1 == t->n_cols);
}

/* One table of name -> count, most first. */
static int print_counts(FILE *out, const char *name_header, const char *count_header,
                        const json_t *counts, size_t limit)
{
        _cleanup_(table_clear) struct table t = {
            .n_cols = 2,
            .headers = {name_header, count_header},
            .numeric = {false, true},
        };
        _cleanup_free_ struct entry *entries = sorted(counts, by_count);
        size_t n = json_object_size(counts);

        if (entries == NULL)
                return -ENOMEM;
        if (limit > 0 && n > limit)
                n = limit;
        for (size_t i = 0; i < n; i++)
                if (table_add(&t, entries[i].key) < 0 || table_add_count(&t, entries[i].a) < 0)
                        return -ENOMEM;
        fputc('\n', out);
        table_print(&t, out);
        return 0;
}

static int print_rules(FILE *out, const struct rw_auditlog_summary *s)
{
        _cleanup_(table_clear) struct table t = {
            .n_cols = 3,
            .headers = {"RULE", "CHANGED", "REFUSED"},
            .numeric = {false, true, true},
        };
        _cleanup_free_ struct entry *entries = sorted(s->rules, by_count);

        if (entries == NULL)
                return -ENOMEM;
        for (size_t i = 0; i < json_object_size(s->rules); i++)
                if (table_add(&t, entries[i].key) < 0 || table_add_count(&t, entries[i].a) < 0 ||
                    table_add_count(&t, entries[i].b) < 0)
                        return -ENOMEM;
        fputc('\n', out);
        table_print(&t, out);
        return 0;
}

/* The summary made these members, all strings. */
static const char *open_member(const json_t *c, const char *key)
{
        return json_string_value(json_object_get(c, key));
}

static int print_open(FILE *out, const struct rw_auditlog_summary *s)
{
        _cleanup_(table_clear) struct table t = {
            .n_cols = 4,
            .headers = {"OPEN CONTAINER", "TIER", "PROJECT", "CREATED"},
        };
        const char *id;
        json_t *c;

        json_object_foreach(s->open, id, c)
        {
                if (table_add(&t, id) < 0 || table_add(&t, open_member(c, "tier")) < 0 ||
                    table_add(&t, open_member(c, "project")) < 0 ||
                    table_add(&t, open_member(c, "time")) < 0)
                        return -ENOMEM;
        }
        fputc('\n', out);
        table_print(&t, out);
        return 0;
}

static int print_table(FILE *out, const struct rw_auditlog_summary *s, const char *file)
{
        _cleanup_free_ char *name = printable(file);

        if (name == NULL)
                return -ENOMEM;
        fprintf(out, "%s: %lld decisions\n", name, (long long)s->decisions);
        if (print_counts(out, "OUTCOME", "DECISIONS", s->outcomes, 0) < 0 ||
            print_counts(out, "TIER", "DECISIONS", s->tiers, 0) < 0 || print_rules(out, s) < 0 ||
            print_counts(out, "PROJECT", "DECISIONS", s->projects, 0) < 0 ||
            print_counts(out, "REFUSED MOUNT", "REFUSALS", s->mounts, TABLE_MOUNTS) < 0 ||
            print_open(out, s) < 0)
                return -ENOMEM;
        return 0;
}

/* JSON output */

/* `counts` with its members ordered most first. */
static json_t *ordered_counts(const json_t *counts)
{
        _cleanup_free_ struct entry *entries = sorted(counts, by_count);
        _cleanup_json_ json_t *o = json_object();

        if (entries == NULL || o == NULL)
                return NULL;
        for (size_t i = 0; i < json_object_size(counts); i++)
                if (json_object_set(o, entries[i].key, (json_t *)entries[i].value) < 0)
                        return NULL;
        return TAKE_PTR(o);
}

static json_t *mounts_array(const json_t *mounts)
{
        _cleanup_free_ struct entry *entries = sorted(mounts, by_count);
        _cleanup_json_ json_t *a = json_array();

        if (entries == NULL || a == NULL)
                return NULL;
        for (size_t i = 0; i < json_object_size(mounts); i++)
                if (json_array_append_new(a, json_pack("{s:s, s:I}", "item", entries[i].key,
                                                       "count", entries[i].a)) < 0)
                        return NULL;
        return TAKE_PTR(a);
}

static json_t *open_array(const json_t *open)
{
        _cleanup_json_ json_t *a = json_array();
        const char *id;
        json_t *c;

        if (a == NULL)
                return NULL;
        json_object_foreach((json_t *)open, id, c)
        {
                json_t *o = json_pack("{s:s}", "container_id", id);

                if (json_array_append_new(a, o) < 0 || json_object_update(o, c) < 0)
                        return NULL;
        }
        return TAKE_PTR(a);
}

/* A file name from the command line need not be UTF-8; JSON strings must. */
static json_t *file_value(const char *file)
{
        json_t *v = json_string(file);

        return v != NULL ? v : json_null();
}

static int print_json(FILE *out, const struct rw_auditlog_summary *s, const char *file)
{
        _cleanup_json_ json_t *doc = json_object();
        _cleanup_free_ char *text = NULL;

        if (doc == NULL || json_object_set_new(doc, "file", file_value(file)) < 0 ||
            json_object_set_new(doc, "decisions", json_integer(s->decisions)) < 0 ||
            json_object_set_new(doc, "malformed_lines", json_integer(s->malformed)) < 0 ||
            json_object_set_new(doc, "outcomes", ordered_counts(s->outcomes)) < 0 ||
            json_object_set_new(doc, "tiers", ordered_counts(s->tiers)) < 0 ||
            json_object_set_new(doc, "rules", ordered_counts(s->rules)) < 0 ||
            json_object_set_new(doc, "projects", ordered_counts(s->projects)) < 0 ||
            json_object_set_new(doc, "refused_mounts", mounts_array(s->mounts)) < 0 ||
            json_object_set_new(doc, "open_containers", open_array(s->open)) < 0)
                return -ENOMEM;
        text = json_dumps(doc, JSON_COMPACT);
        if (text == NULL)
                return -ENOMEM;
        fprintf(out, "%s\n", text);
        return 0;
}

/* Prometheus text exposition format 0.0.4 */

static void label_value(FILE *out, const char *s)
{
        for (; *s != '\0'; s++) {
                if (*s == '\\')
                        fputs("\\\\", out);
                else if (*s == '"')
                        fputs("\\\"", out);
                else if (*s == '\n')
                        fputs("\\n", out);
                else
                        fputc(*s, out);
        }
}

static void metric_header(FILE *out, const char *name, const char *type, const char *help)
{
        fprintf(out, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static int print_prometheus(FILE *out, const struct rw_auditlog_summary *s)
{
        _cleanup_free_ struct entry *outcomes = sorted(s->outcome_tiers, by_name);
        _cleanup_free_ struct entry *rules = sorted(s->rules, by_name);

        if (outcomes == NULL || rules == NULL)
                return -ENOMEM;
        metric_header(out, "runwarden_decisions_total", "counter",
                      "Decisions in the runwarden audit log, by outcome and tier.");
        for (size_t i = 0; i < json_object_size(s->outcome_tiers); i++) {
                _cleanup_free_ struct entry *tiers = sorted(outcomes[i].value, by_name);

                if (tiers == NULL)
                        return -ENOMEM;
                for (size_t j = 0; j < json_object_size(outcomes[i].value); j++) {
                        fputs("runwarden_decisions_total{outcome=\"", out);
                        label_value(out, outcomes[i].key);
                        fputs("\",tier=\"", out);
                        label_value(out, tiers[j].key);
                        fprintf(out, "\"} %lld\n", (long long)tiers[j].a);
                }
        }
        metric_header(out, "runwarden_rule_actions_total", "counter",
                      "Decisions in which a rule changed or refused something.");
        for (size_t i = 0; i < json_object_size(s->rules); i++) {
                static const char *const actions[] = {"changed", "refused"};

                for (size_t a = 0; a < RW_ELEMENTSOF(actions); a++) {
                        fputs("runwarden_rule_actions_total{rule=\"", out);
                        label_value(out, rules[i].key);
                        fprintf(out, "\",action=\"%s\"} %lld\n", actions[a],
                                (long long)(a == 0 ? rules[i].a : rules[i].b));
                }
        }
        metric_header(out, "runwarden_containers_open", "gauge",
                      "Containers created and not deleted according to the audit log.");
        fprintf(out, "runwarden_containers_open %zu\n", json_object_size(s->open));
        metric_header(out, "runwarden_audit_malformed_lines_total", "counter",
                      "Lines of the audit log that are not a decision.");
        fprintf(out, "runwarden_audit_malformed_lines_total %lld\n", (long long)s->malformed);
        return 0;
}

static int usage(FILE *out, int status)
{
        fprintf(out,
                "usage: runwardenctl audit [FILE] [--json | --prometheus]\n"
                "\n"
                "Summarize the decision log (default %s; - reads standard input).\n",
                RW_AUDIT_LOG_DEFAULT);
        return status;
}

int rw_ctl_audit(int argc, char **argv)
{
        _cleanup_(rw_auditlog_summary_clear) struct rw_auditlog_summary s = {0};
        _cleanup_fclose_ FILE *owned = NULL;
        enum format format = FORMAT_TABLE;
        struct rw_error err = {0};
        const char *file = NULL;
        FILE *in;
        int r;

        for (int i = 1; i < argc; i++) {
                const char *a = argv[i];

                if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
                        return usage(stdout, 0);
                if (strcmp(a, "--json") == 0 || strcmp(a, "--prometheus") == 0) {
                        if (format != FORMAT_TABLE)
                                return usage(stderr, 2);
                        format = a[2] == 'j' ? FORMAT_JSON : FORMAT_PROMETHEUS;
                } else if (a[0] == '-' && a[1] != '\0') {
                        fprintf(stderr, "runwardenctl audit: unknown option %s\n", a);
                        return usage(stderr, 2);
                } else if (file != NULL) {
                        return usage(stderr, 2);
                } else {
                        file = a;
                }
        }
        if (file == NULL)
                file = RW_AUDIT_LOG_DEFAULT;

        if (strcmp(file, "-") == 0) {
                in = stdin;
        } else {
                owned = fopen(file, "re");
                if (owned == NULL) {
                        fprintf(stderr, "runwardenctl audit: cannot open %s: %s\n", file,
                                strerror(errno));
                        return 1;
                }
                in = owned;
        }
        r = rw_auditlog_summary_init(&s, &err);
        if (r >= 0)
                r = rw_auditlog_read(&s, in, &err);
        if (r < 0) {
                fprintf(stderr, "runwardenctl audit: %s: %s\n", file, err.msg);
                return 1;
        }
        if (s.malformed > 0)
                fprintf(stderr, "runwardenctl audit: %s: %lld malformed line%s skipped\n", file,
                        (long long)s.malformed, s.malformed == 1 ? "" : "s");

        switch (format) {
        case FORMAT_TABLE:
                r = print_table(stdout, &s, file);
                break;
        case FORMAT_JSON:
                r = print_json(stdout, &s, file);
                break;
        case FORMAT_PROMETHEUS:
                r = print_prometheus(stdout, &s);
                break;
        }
        if (r < 0) {
                fprintf(stderr, "runwardenctl audit: out of memory\n");
                return 1;
        }
        if (fflush(stdout) != 0) {
                fprintf(stderr, "runwardenctl audit: cannot write the summary: %s\n",
                        strerror(errno));
                return 1;
        }
        return 0;
}
