/* SPDX-License-Identifier: Apache-2.0 */
/*
 * runwardenctl audit [FILE] [--json | --prometheus]: a summary of the decision log
 * (docs/audit.md). The log is read as a stream, line by line: it grows with every container, and
 * only the counters and the containers still open are kept in memory.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "cleanup.h"
#include "ctl.h"
#include "json.h"
#include "policy.h"

#define NONE         "-" /* a line without a tier or a project */
#define TABLE_MOUNTS 10  /* the most refused mounts shown in the table */

enum format {
        FORMAT_TABLE,
        FORMAT_JSON,
        FORMAT_PROMETHEUS,
};

/* Counters live in JSON objects: jansson's hash tables, keyed by the strings of the log. */
struct summary {
        json_int_t decisions, malformed;
        json_t *outcomes;      /* outcome -> count */
        json_t *tiers;         /* tier -> count */
        json_t *outcome_tiers; /* outcome -> {tier -> count} */
        json_t *rules;         /* rule -> {"changed": count, "refused": count} */
        json_t *projects;      /* project -> count */
        json_t *mounts;        /* refused mount -> count */
        json_t *open;          /* container id -> {"tier", "time"}, in the order of creation */
};

static void summary_clear(struct summary *s)
{
        json_decref(s->outcomes);
        json_decref(s->tiers);
        json_decref(s->outcome_tiers);
        json_decref(s->rules);
        json_decref(s->projects);
        json_decref(s->mounts);
        json_decref(s->open);
}

static int summary_init(struct summary *s)
{
        *s = (struct summary){
            .outcomes = json_object(),
            .tiers = json_object(),
            .outcome_tiers = json_object(),
            .rules = json_object(),
            .projects = json_object(),
            .mounts = json_object(),
            .open = json_object(),
        };
        if (s->outcomes == NULL || s->tiers == NULL || s->outcome_tiers == NULL ||
            s->rules == NULL || s->projects == NULL || s->mounts == NULL || s->open == NULL)
                return -ENOMEM;
        return 0;
}

/* A string member; a number kept verbatim by the parser is not one. */
static const char *str_member(const json_t *obj, const char *key)
{
        const json_t *v = json_object_get(obj, key);

        if (!json_is_string(v) || rw_json_is_verbatim_number(v))
                return NULL;
        return json_string_value(v);
}

static int bump(json_t *counts, const char *key)
{
        json_t *v = json_object_get(counts, key);

        if (v != NULL)
                return json_integer_set(v, json_integer_value(v) + 1);
        return json_object_set_new(counts, key, json_integer(1));
}

static json_t *child_object(json_t *parent, const char *key)
{
        json_t *o = json_object_get(parent, key);

        if (o != NULL)
                return o;
        o = json_object();
        if (json_object_set_new(parent, key, o) < 0)
                return NULL;
        return o;
}

/*
 * GitLab project, GitHub repository or Kubernetes namespace/pod: what an operator groups by.
 * start, kill and delete carry no job of their own; they belong to the project their container
 * was created for.
 */
static int project_of(const json_t *line, const json_t *open, char **ret)
{
        const json_t *job = json_object_get(line, "job");
        const json_t *k8s = json_object_get(job, "kubernetes");
        const char *p, *ns, *pod, *id;

        p = str_member(json_object_get(job, "gitlab"), "project_path");
        if (p == NULL)
                p = str_member(json_object_get(job, "github"), "repository");
        ns = str_member(k8s, "namespace");
        pod = str_member(k8s, "pod");
        if (p == NULL && ns != NULL && pod != NULL)
                return asprintf(ret, "%s/%s", ns, pod) < 0 ? -ENOMEM : 0;
        if (p == NULL)
                p = ns != NULL ? ns : pod;
        id = str_member(line, "container_id");
        if (p == NULL && id != NULL)
                p = str_member(json_object_get(open, id), "project");
        *ret = strdup(p != NULL ? p : NONE);
        return *ret != NULL ? 0 : -ENOMEM;
}

/* Each rule counts once per decision and action, however many changes it made. */
static int add_rules(struct summary *s, const json_t *line)
{
        static const struct {
                const char *member, *action;
        } lists[] = {{"changes", "changed"}, {"denials", "refused"}};
        _cleanup_json_ json_t *seen = json_object();

        if (seen == NULL)
                return -ENOMEM;
        for (size_t l = 0; l < RW_ELEMENTSOF(lists); l++) {
                const json_t *entry;
                size_t i;

                json_array_foreach(json_object_get(line, lists[l].member), i, entry)
                {
                        const char *rule = str_member(entry, "rule");
                        json_t *actions, *counts;

                        if (rule == NULL)
                                continue;
                        actions = child_object(seen, rule);
                        if (actions == NULL)
                                return -ENOMEM;
                        if (json_object_get(actions, lists[l].action) != NULL)
                                continue;
                        if (json_object_set_new(actions, lists[l].action, json_true()) < 0)
                                return -ENOMEM;
                        counts = json_object_get(s->rules, rule);
                        if (counts == NULL) {
                                counts = json_pack("{s:i, s:i}", "changed", 0, "refused", 0);
                                if (json_object_set_new(s->rules, rule, counts) < 0)
                                        return -ENOMEM;
                        }
                        if (bump(counts, lists[l].action) < 0)
                                return -ENOMEM;
                }
        }
        return 0;
}

static int add_mounts(struct summary *s, const json_t *line)
{
        const json_t *denial;
        size_t i;

        json_array_foreach(json_object_get(line, "denials"), i, denial)
        {
                const char *rule = str_member(denial, "rule");
                const char *item = str_member(denial, "item");

                if (rule == NULL || item == NULL ||
                    (strcmp(rule, "host-mount") != 0 && strcmp(rule, "engine-socket") != 0))
                        continue;
                if (bump(s->mounts, item) < 0)
                        return -ENOMEM;
        }
        return 0;
}

/*
 * A container is open from an allowed create until a delete that runwarden handed off (a refused
 * one deleted nothing). Creating an id again moves it to the end, as the newest.
 */
static int track_container(struct summary *s, const json_t *line, const char *command,
                           const char *outcome, const char *tier, const char *project)
{
        const char *id = str_member(line, "container_id");
        const char *when = str_member(line, "time");

        if (id == NULL)
                return 0;
        if (strcmp(command, "create") == 0 &&
            (strcmp(outcome, "rewritten") == 0 || strcmp(outcome, "unchanged") == 0 ||
             strcmp(outcome, "audited") == 0)) {
                json_object_del(s->open, id);
                return json_object_set_new(s->open, id,
                                           json_pack("{s:s, s:s, s:s}", "tier", tier, "project",
                                                     project, "time", when != NULL ? when : NONE));
        }
        if (strcmp(command, "delete") == 0 && strcmp(outcome, "refused") != 0 &&
            strcmp(outcome, "error") != 0)
                json_object_del(s->open, id);
        return 0;
}

static bool blank(const char *text, size_t len)
{
        for (size_t i = 0; i < len; i++)
                if (text[i] != ' ' && text[i] != '\t' && text[i] != '\r' && text[i] != '\n')
                        return false;
        return true;
}

/* -ENOMEM is the only error; a line that is not a decision is counted and skipped. */
static int summary_add_line(struct summary *s, const char *text, size_t len)
{
        _cleanup_json_ json_t *line = NULL;
        _cleanup_free_ char *project = NULL;
        const char *command, *outcome, *tier;
        struct rw_error err;

        if (blank(text, len))
                return 0;
        if (rw_json_parse(text, len, &line, &err) < 0) {
                s->malformed++;
                return 0;
        }
        command = str_member(line, "command");
        outcome = str_member(line, "outcome");
        if (!json_is_object(line) || command == NULL || outcome == NULL) {
                s->malformed++;
                return 0;
        }
        tier = str_member(line, "tier");
        if (tier == NULL)
                tier = NONE;
        s->decisions++;
        if (project_of(line, s->open, &project) < 0 || bump(s->outcomes, outcome) < 0 ||
            bump(s->tiers, tier) < 0 || bump(child_object(s->outcome_tiers, outcome), tier) < 0 ||
            bump(s->projects, project) < 0 || add_rules(s, line) < 0 || add_mounts(s, line) < 0 ||
            track_container(s, line, command, outcome, tier, project) < 0)
                return -ENOMEM;
        return 0;
}

/* 0, or a positive errno value for a read error. */
static int summary_read(struct summary *s, FILE *f)
{
        _cleanup_free_ char *buf = NULL;
        size_t cap = 0;
        ssize_t n;

        errno = 0;
        while ((n = getline(&buf, &cap, f)) >= 0)
                if (summary_add_line(s, buf, (size_t)n) < 0)
                        return ENOMEM;
        if (ferror(f))
                return errno != 0 ? errno : EIO;
        return 0;
}

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

static int print_rules(FILE *out, const struct summary *s)
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

static int print_open(FILE *out, const struct summary *s)
{
        _cleanup_(table_clear) struct table t = {
            .n_cols = 4,
            .headers = {"OPEN CONTAINER", "TIER", "PROJECT", "CREATED"},
        };
        const char *id;
        json_t *c;

        json_object_foreach(s->open, id, c)
        {
                if (table_add(&t, id) < 0 || table_add(&t, str_member(c, "tier")) < 0 ||
                    table_add(&t, str_member(c, "project")) < 0 ||
                    table_add(&t, str_member(c, "time")) < 0)
                        return -ENOMEM;
        }
        fputc('\n', out);
        table_print(&t, out);
        return 0;
}

static int print_table(FILE *out, const struct summary *s, const char *file)
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

static int print_json(FILE *out, const struct summary *s, const char *file)
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

static int print_prometheus(FILE *out, const struct summary *s)
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
        _cleanup_(summary_clear) struct summary s = {0};
        _cleanup_fclose_ FILE *owned = NULL;
        enum format format = FORMAT_TABLE;
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
        if (summary_init(&s) < 0) {
                fprintf(stderr, "runwardenctl audit: out of memory\n");
                return 1;
        }
        r = summary_read(&s, in);
        if (r != 0) {
                fprintf(stderr, "runwardenctl audit: cannot read %s: %s\n", file, strerror(r));
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
