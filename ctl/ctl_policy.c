/* SPDX-License-Identifier: Apache-2.0 */
/*
 * runwardenctl policy validate | test: check a policy file the way runwarden reads it, and run
 * the table tests kept beside it (deploy/policy/tests/README.md describes their format).
 *
 * Both read the file's text and hand it to rw_policy_parse(): they judge what the policy says,
 * wherever it is checked out. rw_policy_load()'s extra check that an installed policy belongs to
 * root is runwarden's (and explain's) business, not a CI job's. Cases are decided by rw_decide(),
 * runwarden's own decision, with synthetic edges (lib/decision/synthio.h): host facts that do not
 * depend on the machine running the tests, documents and a container record from the case.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
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
#include "json.h"
#include "policy.h"
#include "synthio.h"

static int parse_policy_file(const char *path, struct rw_policy *ret, struct rw_error *err)
{
        _cleanup_free_ char *text = NULL;
        size_t len;
        int r;

        /* Through the safe accessors: no symlink as the last component. */
        r = rw_file_read(path, RW_JSON_MAX_SIZE, &text, &len, NULL, NULL, err);
        if (r < 0)
                return rw_error_prefix(err, "%s", path);
        return rw_policy_parse(text, len, path, ret, err);
}

/* ---- validate ---- */

static void validate_usage(FILE *out)
{
        fprintf(out, "usage: runwardenctl policy validate [--strict] [FILE]\n"
                     "\n"
                     "Check FILE (default " RW_POLICY_DEFAULT_PATH ") as runwarden would read it.\n"
                     "Errors name FILE:LINE:COLUMN; warnings (select rules that read input the\n"
                     "job controls and name a weaker tier) do not fail unless --strict.\n"
                     "\n"
                     "Exit status: 0 valid, 1 invalid (or warnings with --strict), 2 usage.\n");
}

static int policy_validate(int argc, char **argv)
{
        static const struct option options[] = {
            {"strict", no_argument, NULL, 's'},
            {"help", no_argument, NULL, 'h'},
            {NULL, 0, NULL, 0},
        };
        _cleanup_policy_ struct rw_policy policy = {0};
        struct rw_error err = {0};
        const char *path = RW_POLICY_DEFAULT_PATH;
        char **warnings = NULL;
        bool strict = false;
        size_t n_warnings = 0;
        int c;

        optind = 1;
        while ((c = getopt_long(argc, argv, "sh", options, NULL)) != -1) {
                switch (c) {
                case 's':
                        strict = true;
                        break;
                case 'h':
                        validate_usage(stdout);
                        return 0;
                default:
                        validate_usage(stderr);
                        return 2;
                }
        }
        if (argc - optind > 1) {
                validate_usage(stderr);
                return 2;
        }
        if (optind < argc)
                path = argv[optind];

        if (parse_policy_file(path, &policy, &err) < 0) {
                fprintf(stderr, "%s\n", err.msg);
                return 1;
        }
        if (rw_policy_warnings(&policy, &warnings, &err) < 0) {
                fprintf(stderr, "runwardenctl policy validate: %s\n", err.msg);
                return 2;
        }

        /* The tiers from the least strict to the strictest, as "strictness" orders them. */
        printf("%s: valid: %zu tier%s (", path, policy.n_tiers, policy.n_tiers == 1 ? "" : "s");
        for (size_t s = 0; s < policy.n_tiers; s++)
                for (size_t i = 0; i < policy.n_tiers; i++)
                        if (policy.tiers[i].strictness == s)
                                printf("%s%s", s > 0 ? ", " : "", policy.tiers[i].name);
        printf("; least strict first, default %s)\n", policy.default_tier);
        for (; warnings[n_warnings] != NULL; n_warnings++)
                fprintf(stderr, "warning: %s\n", warnings[n_warnings]);
        rw_strv_free(warnings);
        return strict && n_warnings > 0 ? 1 : 0;
}

/* ---- test ---- */

struct test_options {
        const char *dir;
        const char *policy;
        const char *fixtures;
        const char *seccomp_dir;
};

/* One case file, checked against the format; the strings point into `doc`. */
struct test_case {
        json_t *doc;
        const char *description;
        const char *config;
        const char *fixture;
        const json_t *command; /* the runtime command line after argv[0]; NULL: create */
        const json_t *process; /* exec --process document */
        const json_t *record;  /* what runwarden recorded at create */
        const char *tier;
        const char *invoked_as;
        const json_t *annotations;
        const json_t *env;
        const json_t *expect;
};

static void test_case_clear(struct test_case *c)
{
        json_decref(c->doc);
        *c = (struct test_case){0};
}

static int cmp_str(const void *a, const void *b)
{
        return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Every "*.json" directly in `dir` (not directories), sorted by name, NULL-terminated. */
static int list_cases(const char *dir, char ***ret, size_t *ret_n, struct rw_error *err)
{
        _cleanup_strv_ char **names = NULL;
        DIR *d = opendir(dir);
        struct dirent *e;
        size_t n = 0;

        if (d == NULL)
                return rw_error_set_errno(err, errno, "%s", dir);
        names = calloc(1, sizeof(*names));
        while (names != NULL && (e = readdir(d)) != NULL) {
                size_t len = strlen(e->d_name);
                struct stat st;
                char **grown;

                if (len <= 5 || strcmp(e->d_name + len - 5, ".json") != 0)
                        continue;
                if (fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
                    S_ISDIR(st.st_mode))
                        continue;
                grown = reallocarray(names, n + 2, sizeof(*names));
                if (grown == NULL) {
                        closedir(d);
                        return rw_error_set(err, ENOMEM, "out of memory");
                }
                names = grown;
                names[n] = strdup(e->d_name);
                names[n + 1] = NULL;
                if (names[n] == NULL) {
                        closedir(d);
                        return rw_error_set(err, ENOMEM, "out of memory");
                }
                n++;
        }
        closedir(d);
        if (names == NULL)
                return rw_error_set(err, ENOMEM, "out of memory");
        qsort(names, n, sizeof(*names), cmp_str);
        *ret = TAKE_PTR(names);
        *ret_n = n;
        return 0;
}

static int check_keys(const json_t *obj, const char *where, const char *const *keys,
                      struct rw_error *err)
{
        const char *key;
        json_t *v;

        json_object_foreach((json_t *)obj, key, v)
        {
                const char *const *k = keys;

                while (*k != NULL && strcmp(*k, key) != 0)
                        k++;
                if (*k == NULL)
                        return rw_error_set(err, EINVAL, "%sunknown key \"%s\"", where, key);
        }
        return 0;
}

/* Member `key` of `obj` as a string: absent is NULL, another type an error. */
static int get_string(const json_t *obj, const char *key, const char *where, const char **ret,
                      struct rw_error *err)
{
        const json_t *v = json_object_get(obj, key);

        *ret = NULL;
        if (v == NULL)
                return 0;
        if (!json_is_string(v) || rw_json_is_verbatim_number(v))
                return rw_error_set(err, EINVAL, "%s%s: expected a string", where, key);
        *ret = json_string_value(v);
        return 0;
}

static bool is_one_of(const char *s, const char *const *values)
{
        for (; *values != NULL; values++)
                if (strcmp(s, *values) == 0)
                        return true;
        return false;
}

/* The keys of expect the format defines, and what each may hold. */
static int check_expect(const json_t *expect, struct rw_error *err)
{
        static const char *const keys[] = {"tier",         "outcome", "source", "select_rule",
                                           "changed",      "refused", "warned", "egress",
                                           "egress_rules", NULL};
        static const char *const modes[] = {"off", "deny-list", "allowlist", "none", NULL};
        static const char *const outcomes[] = {"refused", "rewritten", "unchanged", "audited",
                                               NULL};
        static const char *const sources[] = {"flag", "binary-name", "select", "default", NULL};
        static const char *const lists[] = {"changed", "refused", "warned", "egress_rules", NULL};
        const char *tier, *outcome, *source, *egress;
        const json_t *rule;
        int r;

        if (!json_is_object(expect))
                return rw_error_set(err, EINVAL, "expect: required, an object");
        if ((r = check_keys(expect, "expect: ", keys, err)) < 0 ||
            (r = get_string(expect, "tier", "expect.", &tier, err)) < 0 ||
            (r = get_string(expect, "outcome", "expect.", &outcome, err)) < 0 ||
            (r = get_string(expect, "source", "expect.", &source, err)) < 0 ||
            (r = get_string(expect, "egress", "expect.", &egress, err)) < 0)
                return r;
        if (egress != NULL && !is_one_of(egress, modes))
                return rw_error_set(err, EINVAL,
                                    "expect.egress: one of off, deny-list, allowlist, none");
        if (tier == NULL)
                return rw_error_set(err, EINVAL, "expect.tier: required");
        if (outcome == NULL || !is_one_of(outcome, outcomes))
                return rw_error_set(err, EINVAL,
                                    "expect.outcome: required, one of refused, rewritten, "
                                    "unchanged, audited");
        if (source != NULL && !is_one_of(source, sources))
                return rw_error_set(err, EINVAL,
                                    "expect.source: one of flag, binary-name, select, default");
        rule = json_object_get(expect, "select_rule");
        if (rule != NULL && (!json_is_integer(rule) || json_integer_value(rule) < 1))
                return rw_error_set(err, EINVAL, "expect.select_rule: an integer from 1");
        for (const char *const *l = lists; *l != NULL; l++) {
                const json_t *list = json_object_get(expect, *l);
                const json_t *id;
                size_t i;

                if (list == NULL)
                        continue;
                if (!json_is_array(list))
                        return rw_error_set(err, EINVAL, "expect.%s: an array of rule ids", *l);
                json_array_foreach((json_t *)list, i, id)
                {
                        if (!json_is_string(id) || rw_json_is_verbatim_number(id))
                                return rw_error_set(err, EINVAL, "expect.%s[%zu]: a rule id string",
                                                    *l, i);
                }
        }
        return 0;
}

static int check_overrides(const json_t *o, const char *what, struct rw_error *err)
{
        const char *key;
        json_t *v;

        if (o == NULL)
                return 0;
        if (!json_is_object(o))
                return rw_error_set(err, EINVAL, "%s: an object of strings", what);
        json_object_foreach((json_t *)o, key, v)
        {
                if (!json_is_null(v) && (!json_is_string(v) || rw_json_is_verbatim_number(v)))
                        return rw_error_set(err, EINVAL, "%s.%s: a string or null", what, key);
                if (key[0] == '\0' || strchr(key, '=') != NULL)
                        return rw_error_set(err, EINVAL, "%s: \"%s\" is not a name", what, key);
        }
        return 0;
}

/* command: strings; process: an object; record: {tier, uid, gid}. */
static int check_command(const struct test_case *c, struct rw_error *err)
{
        static const char *const record_keys[] = {"tier", "uid", "gid", NULL};
        const json_t *v;
        size_t i;
        int r;

        if (c->command != NULL && (!json_is_array(c->command) || json_array_size(c->command) == 0))
                return rw_error_set(err, EINVAL, "command: a non-empty array of strings");
        json_array_foreach((json_t *)c->command, i, v)
        {
                if (!json_is_string(v) || rw_json_is_verbatim_number(v))
                        return rw_error_set(err, EINVAL, "command[%zu]: a string", i);
        }
        if (c->process != NULL && !json_is_object(c->process))
                return rw_error_set(err, EINVAL, "process: an object (an exec --process file)");
        if (c->record == NULL)
                return 0;
        if (!json_is_object(c->record))
                return rw_error_set(err, EINVAL, "record: an object");
        r = check_keys(c->record, "record: ", record_keys, err);
        if (r < 0)
                return r;
        if (!json_is_string(json_object_get(c->record, "tier")))
                return rw_error_set(err, EINVAL, "record.tier: required, a tier name");
        return 0;
}

static int parse_case(int dirfd, const char *name, struct test_case *ret, struct rw_error *err)
{
        static const char *const keys[] = {"description", "config", "fixture",    "annotations",
                                           "env",         "tier",   "invoked_as", "command",
                                           "process",     "record", "expect",     NULL};
        struct test_case c = {0};
        int r;

        r = rw_file_read_json_at(dirfd, name, RW_JSON_MAX_SIZE, &c.doc, err);
        if (r < 0)
                return r;
        if (!json_is_object(c.doc))
                r = rw_error_set(err, EINVAL, "a case is a JSON object");
        if (r >= 0)
                r = check_keys(c.doc, "", keys, err);
        if (r >= 0)
                r = get_string(c.doc, "description", "", &c.description, err);
        if (r >= 0)
                r = get_string(c.doc, "config", "", &c.config, err);
        if (r >= 0)
                r = get_string(c.doc, "fixture", "", &c.fixture, err);
        if (r >= 0)
                r = get_string(c.doc, "tier", "", &c.tier, err);
        if (r >= 0)
                r = get_string(c.doc, "invoked_as", "", &c.invoked_as, err);
        if (r >= 0 && (c.config == NULL) == (c.fixture == NULL))
                r = rw_error_set(err, EINVAL, "a case has exactly one of config and fixture");
        if (r >= 0) {
                c.annotations = json_object_get(c.doc, "annotations");
                c.env = json_object_get(c.doc, "env");
                c.expect = json_object_get(c.doc, "expect");
                c.command = json_object_get(c.doc, "command");
                c.process = json_object_get(c.doc, "process");
                c.record = json_object_get(c.doc, "record");
                r = check_overrides(c.annotations, "annotations", err);
        }
        if (r >= 0)
                r = check_overrides(c.env, "env", err);
        if (r >= 0)
                r = check_command(&c, err);
        if (r >= 0)
                r = check_expect(c.expect, err);
        if (r < 0) {
                test_case_clear(&c);
                return r;
        }
        *ret = c;
        return 0;
}

/* The case's spec: its config (relative to the case file) or a fixture. */
static int load_case_spec(const struct test_options *o, const struct test_case *c,
                          json_t **ret_spec, struct rw_error *err)
{
        _cleanup_free_ char *path = NULL;
        int r;

        if (c->fixture != NULL) {
                if (o->fixtures == NULL)
                        return rw_error_set(err, EINVAL,
                                            "fixture %s: no fixtures directory (--fixtures or "
                                            "RW_FIXTURES_DIR)",
                                            c->fixture);
                if (strchr(c->fixture, '/') != NULL)
                        return rw_error_set(err, EINVAL, "fixture %s: a file name, not a path",
                                            c->fixture);
                r = asprintf(&path, "%s/%s", o->fixtures, c->fixture);
        } else {
                if (c->config[0] == '/')
                        return rw_error_set(
                            err, EINVAL, "config %s: a path relative to the case file", c->config);
                r = asprintf(&path, "%s/%s", o->dir, c->config);
        }
        if (r < 0)
                return rw_error_set(err, ENOMEM, "out of memory");
        r = rw_file_read_json(path, RW_JSON_MAX_SIZE, ret_spec, err);
        if (r < 0)
                return rw_error_prefix(err, "%s", path);
        return 0;
}

/* annotations first, then env, as the format says. */
static int apply_overrides(json_t *spec, const struct test_case *c, struct rw_error *err)
{
        json_t *annotations, *process, *env;
        const char *key;
        json_t *v;

        if (!json_is_object(spec))
                return rw_error_set(err, EINVAL, "the spec is not a JSON object");
        if (c->annotations != NULL) {
                annotations = json_object_get(spec, "annotations");
                if (annotations == NULL) {
                        annotations = json_object();
                        if (json_object_set_new(spec, "annotations", annotations) < 0)
                                return rw_error_set(err, ENOMEM, "out of memory");
                }
                if (!json_is_object(annotations))
                        return rw_error_set(err, EINVAL, "the spec's annotations is not an object");
                json_object_foreach((json_t *)c->annotations, key, v)
                {
                        if (json_is_null(v))
                                json_object_del(annotations, key);
                        else if (json_object_set(annotations, key, v) < 0)
                                return rw_error_set(err, ENOMEM, "out of memory");
                }
        }
        if (c->env == NULL)
                return 0;
        process = json_object_get(spec, "process");
        if (!json_is_object(process))
                return rw_error_set(err, EINVAL, "env: the spec has no process object");
        env = json_object_get(process, "env");
        if (env == NULL) {
                env = json_array();
                if (json_object_set_new(process, "env", env) < 0)
                        return rw_error_set(err, ENOMEM, "out of memory");
        }
        if (!json_is_array(env))
                return rw_error_set(err, EINVAL, "the spec's process.env is not an array");
        json_object_foreach((json_t *)c->env, key, v)
        {
                size_t klen = strlen(key);
                _cleanup_free_ char *entry = NULL;

                for (size_t i = json_array_size(env); i > 0; i--) {
                        const char *s = json_string_value(json_array_get(env, i - 1));

                        if (s != NULL && strncmp(s, key, klen) == 0 &&
                            (s[klen] == '=' || s[klen] == '\0'))
                                json_array_remove(env, i - 1);
                }
                if (json_is_null(v))
                        continue;
                if (asprintf(&entry, "%s=%s", key, json_string_value(v)) < 0 ||
                    json_array_append_new(env, json_string(entry)) < 0)
                        return rw_error_set(err, ENOMEM, "out of memory");
        }
        return 0;
}

/* The command line of the case, argv[0] first: its "command", or create of a bundle. */
static int case_argv(const struct test_case *c, char ***ret, int *ret_argc, struct rw_error *err)
{
        static const char *const create[] = {"create", "--bundle",
                                             "/run/runwarden-synthetic/bundle", "case"};
        size_t n = c->command != NULL ? json_array_size(c->command) : RW_ELEMENTSOF(create);
        char **argv = calloc(n + 2, sizeof(*argv));

        if (argv == NULL)
                return rw_error_set(err, ENOMEM, "out of memory");
        argv[0] = (char *)(c->invoked_as != NULL ? c->invoked_as : "runwarden");
        for (size_t i = 0; i < n; i++)
                argv[i + 1] =
                    (char *)(c->command != NULL ? json_string_value(json_array_get(c->command, i))
                                                : create[i]);
        *ret = argv;
        *ret_argc = (int)n + 1;
        return 0;
}

/*
 * runwarden's own decision with the synthetic edges (tests/README.md, "How a case is
 * evaluated"), so that a case gives the same answer on every machine.
 */
static int evaluate_case(const struct rw_policy *policy, const struct test_options *o,
                         const struct test_case *c, const json_t *spec, struct rw_decision *d,
                         struct rw_error *err)
{
        _cleanup_free_ char **argv = NULL;
        struct rw_container_state record = {.uid = 0, .gid = 0};
        struct rw_synthetic_io io;
        struct rw_cli cli;
        int argc = 0, r;

        r = case_argv(c, &argv, &argc, err);
        if (r < 0)
                return r;
        r = rw_cli_parse(argc, argv, &cli, err);
        if (r < 0)
                return rw_error_prefix(err, "command");
        if (c->tier != NULL)
                cli.tier = c->tier;
        rw_synthetic_io_init(&io);
        io.config = spec;
        io.process = c->process;
        io.seccomp_dir = o->seccomp_dir;
        if (c->record != NULL) {
                snprintf(record.tier, sizeof(record.tier), "%s",
                         json_string_value(json_object_get(c->record, "tier")));
                record.uid = json_integer_value(json_object_get(c->record, "uid"));
                record.gid = json_integer_value(json_object_get(c->record, "gid"));
                io.record = &record;
        }
        r = rw_decide(&cli, policy, argv[0], &io.io, d, err);
        rw_cli_clear(&cli);
        return r;
}

/* ---- comparing ---- */

static const char *source_name(enum rw_tier_source source)
{
        switch (source) {
        case RW_TIER_FROM_FLAG:
                return "flag";
        case RW_TIER_FROM_BINARY_NAME:
                return "binary-name";
        case RW_TIER_FROM_SELECT:
                return "select";
        case RW_TIER_FROM_DEFAULT:
                return "default";
        }
        return "unknown";
}

static const char *case_outcome(const struct rw_decision *d)
{
        /* a pass-through command goes ahead unchanged */
        return rw_outcome_name(d->outcome == RW_OUTCOME_PASSTHROUGH ? RW_OUTCOME_UNCHANGED
                                                                    : d->outcome);
}

/* A set of rule ids, sorted and without repeats, as "[a, b]". */
struct id_set {
        const char **v;
        size_t n;
};

static int set_finish(struct id_set *s, char **ret_text)
{
        size_t len = 3, kept = 0;
        char *text;

        qsort(s->v, s->n, sizeof(*s->v), cmp_str);
        for (size_t i = 0; i < s->n; i++)
                if (kept == 0 || strcmp(s->v[kept - 1], s->v[i]) != 0)
                        s->v[kept++] = s->v[i];
        s->n = kept;
        for (size_t i = 0; i < s->n; i++)
                len += strlen(s->v[i]) + 2;
        text = malloc(len);
        if (text == NULL)
                return -ENOMEM;
        strcpy(text, "[");
        for (size_t i = 0; i < s->n; i++) {
                if (i > 0)
                        strcat(text, ", ");
                strcat(text, s->v[i]);
        }
        strcat(text, "]");
        *ret_text = text;
        return 0;
}

/* Compare expect[list] (when present) with the rule ids of the plan's entries. */
static int compare_ids(const char *case_name, const json_t *expect, const char *list,
                       const char *const *actual, size_t n_actual, int *failures)
{
        const json_t *want = json_object_get(expect, list);
        _cleanup_free_ const char **wv = NULL;
        _cleanup_free_ const char **av = NULL;
        _cleanup_free_ char *wtext = NULL;
        _cleanup_free_ char *atext = NULL;
        struct id_set w, a;

        if (want == NULL)
                return 0;
        wv = calloc(json_array_size(want) + 1, sizeof(*wv));
        av = calloc(n_actual + 1, sizeof(*av));
        if (wv == NULL || av == NULL)
                return -ENOMEM;
        for (size_t i = 0; i < json_array_size(want); i++)
                wv[i] = json_string_value(json_array_get(want, i));
        memcpy(av, actual, n_actual * sizeof(*av));
        w = (struct id_set){wv, json_array_size(want)};
        a = (struct id_set){av, n_actual};
        if (set_finish(&w, &wtext) < 0 || set_finish(&a, &atext) < 0)
                return -ENOMEM;
        if (strcmp(wtext, atext) != 0) {
                printf("FAIL - %s: %s: expected %s, got %s\n", case_name, list, wtext, atext);
                (*failures)++;
        }
        return 0;
}

static void compare_text(const char *case_name, const char *field, const char *want,
                         const char *got, int *failures)
{
        if (want == NULL || strcmp(want, got) == 0)
                return;
        printf("FAIL - %s: %s: expected %s, got %s\n", case_name, field, want, got);
        (*failures)++;
}

/* Print one FAIL line per mismatch; *ret_failures counts them. */
static int compare_case(const char *case_name, const struct test_case *c,
                        const struct rw_decision *ev, int *ret_failures)
{
        const struct rw_plan *plan = &ev->plan;
        const json_t *expect = c->expect;
        const json_t *rule = json_object_get(expect, "select_rule");
        _cleanup_free_ const char **ids = NULL;
        size_t most = plan->n_changes + plan->n_denials + plan->n_warnings + ev->egress.n_rules + 1;
        int failures = 0, r;

        compare_text(case_name, "tier", json_string_value(json_object_get(expect, "tier")),
                     ev->have_tier ? ev->choice.tier->name : "(none)", &failures);
        compare_text(case_name, "source", json_string_value(json_object_get(expect, "source")),
                     source_name(ev->choice.source), &failures);
        if (rule != NULL) {
                char got[32] = "none";

                if (ev->choice.source == RW_TIER_FROM_SELECT)
                        snprintf(got, sizeof(got), "%zu", ev->choice.rule + 1);
                if (ev->choice.source != RW_TIER_FROM_SELECT ||
                    ev->choice.rule + 1 != (size_t)json_integer_value(rule)) {
                        printf("FAIL - %s: select_rule: expected %" JSON_INTEGER_FORMAT
                               ", got %s\n",
                               case_name, json_integer_value(rule), got);
                        failures++;
                }
        }
        compare_text(case_name, "outcome", json_string_value(json_object_get(expect, "outcome")),
                     case_outcome(ev), &failures);

        ids = calloc(most, sizeof(*ids));
        if (ids == NULL)
                return -ENOMEM;
        for (size_t i = 0; i < plan->n_changes; i++)
                ids[i] = plan->changes[i].rule;
        r = compare_ids(case_name, expect, "changed", ids, plan->n_changes, &failures);
        for (size_t i = 0; r >= 0 && i < plan->n_denials; i++)
                ids[i] = plan->denials[i].rule;
        if (r >= 0)
                r = compare_ids(case_name, expect, "refused", ids, plan->n_denials, &failures);
        for (size_t i = 0; r >= 0 && i < plan->n_warnings; i++)
                ids[i] = plan->warnings[i].rule;
        if (r >= 0)
                r = compare_ids(case_name, expect, "warned", ids, plan->n_warnings, &failures);
        /* the rules runwarden's egress hook would install, by rule id */
        compare_text(case_name, "egress", json_string_value(json_object_get(expect, "egress")),
                     rw_egress_mode_name(ev->have_egress ? ev->egress.mode : RW_EGRESS_MODE_OFF),
                     &failures);
        for (size_t i = 0; r >= 0 && i < ev->egress.n_rules; i++)
                ids[i] = ev->egress.rules[i].id;
        if (r >= 0)
                r = compare_ids(case_name, expect, "egress_rules", ids, ev->egress.n_rules,
                                &failures);
        if (r < 0)
                return r;
        if (failures > 0 && c->description != NULL)
                printf("  # %s\n", c->description);
        *ret_failures = failures;
        return 0;
}

/* 0 passed, 1 failed (printed); < 0 the case could not be run (err). */
static int run_case(const struct rw_policy *policy, const struct test_options *o, int dirfd,
                    const char *file, const char *case_name, struct rw_error *err)
{
        _cleanup_decision_ struct rw_decision ev = {0};
        _cleanup_json_ json_t *spec = NULL;
        struct test_case c = {0};
        int failures = 0, r;

        r = parse_case(dirfd, file, &c, err);
        if (r >= 0)
                r = load_case_spec(o, &c, &spec, err);
        if (r >= 0)
                r = apply_overrides(spec, &c, err);
        if (r >= 0)
                r = evaluate_case(policy, o, &c, spec, &ev, err);
        if (r >= 0 && compare_case(case_name, &c, &ev, &failures) < 0)
                r = rw_error_set(err, ENOMEM, "out of memory");
        test_case_clear(&c);
        if (r < 0)
                return r;
        if (failures == 0)
                printf("ok - %s\n", case_name);
        return failures > 0 ? 1 : 0;
}

static void test_usage(FILE *out)
{
        fprintf(out, "usage: runwardenctl policy test [--policy FILE] [--fixtures DIR]\n"
                     "                                [--seccomp-dir DIR] TESTDIR\n"
                     "\n"
                     "Evaluate every TESTDIR/*.json case against the policy (default:\n"
                     "policy.json in the parent of TESTDIR) and compare tier, outcome and rule\n"
                     "ids with what each case expects. The case format is in\n"
                     "deploy/policy/tests/README.md. Fixtures are found in --fixtures or\n"
                     "$RW_FIXTURES_DIR.\n"
                     "\n"
                     "Exit status: 0 all passed, 1 a case failed, 2 usage errors or a policy or\n"
                     "case that cannot be read or evaluated.\n");
}

static int parse_test_options(int argc, char **argv, struct test_options *o)
{
        static const struct option options[] = {
            {"policy", required_argument, NULL, 'p'},
            {"fixtures", required_argument, NULL, 'f'},
            {"seccomp-dir", required_argument, NULL, 's'},
            {"help", no_argument, NULL, 'h'},
            {NULL, 0, NULL, 0},
        };
        int c;

        o->fixtures = getenv("RW_FIXTURES_DIR");
        if (o->fixtures != NULL && o->fixtures[0] == '\0')
                o->fixtures = NULL;
        optind = 1;
        while ((c = getopt_long(argc, argv, "p:f:s:h", options, NULL)) != -1) {
                switch (c) {
                case 'p':
                        o->policy = optarg;
                        break;
                case 'f':
                        o->fixtures = optarg;
                        break;
                case 's':
                        o->seccomp_dir = optarg;
                        break;
                case 'h':
                        test_usage(stdout);
                        return -1;
                default:
                        test_usage(stderr);
                        return 2;
                }
        }
        if (optind + 1 != argc) {
                test_usage(stderr);
                return 2;
        }
        o->dir = argv[optind];
        return 0;
}

static int policy_test(int argc, char **argv)
{
        struct test_options o = {0};
        _cleanup_policy_ struct rw_policy policy = {0};
        _cleanup_strv_ char **cases = NULL;
        _cleanup_free_ char *default_policy = NULL;
        _cleanup_close_ int dirfd = -1;
        struct rw_error err = {0};
        size_t n_cases = 0, passed = 0, failed = 0, broken = 0;
        int r;

        r = parse_test_options(argc, argv, &o);
        if (r != 0)
                return r < 0 ? 0 : r;
        if (o.policy == NULL) {
                if (asprintf(&default_policy, "%s/../policy.json", o.dir) < 0) {
                        fprintf(stderr, "runwardenctl policy test: out of memory\n");
                        return 2;
                }
                o.policy = default_policy;
        }
        r = parse_policy_file(o.policy, &policy, &err);
        if (r >= 0)
                r = rw_dir_open(o.dir, &dirfd, &err);
        if (r >= 0)
                r = list_cases(o.dir, &cases, &n_cases, &err);
        if (r >= 0 && n_cases == 0)
                r = rw_error_set(&err, ENOENT, "%s: no *.json cases", o.dir);
        if (r < 0) {
                fprintf(stderr, "runwardenctl policy test: %s\n", err.msg);
                return 2;
        }

        printf("# %s: %zu case%s against %s\n", o.dir, n_cases, n_cases == 1 ? "" : "s", o.policy);
        for (size_t i = 0; i < n_cases; i++) {
                _cleanup_free_ char *case_name = strndup(cases[i], strlen(cases[i]) - 5);

                if (case_name == NULL) {
                        fprintf(stderr, "runwardenctl policy test: out of memory\n");
                        return 2;
                }
                err = (struct rw_error){0};
                r = run_case(&policy, &o, dirfd, cases[i], case_name, &err);
                if (r < 0) {
                        /* A case that cannot run never passes, and says why. */
                        printf("ERROR - %s: %s\n", case_name, err.msg);
                        broken++;
                } else if (r > 0) {
                        failed++;
                } else {
                        passed++;
                }
        }
        printf("\n%zu passed, %zu failed", passed, failed + broken);
        if (broken > 0)
                printf(" (%zu could not be evaluated)", broken);
        printf("\n");
        if (broken > 0)
                return 2;
        return failed > 0 ? 1 : 0;
}

static void usage(FILE *out)
{
        fprintf(out, "usage: runwardenctl policy validate [--strict] [FILE]\n"
                     "       runwardenctl policy test [--policy FILE] [--fixtures DIR]\n"
                     "                                [--seccomp-dir DIR] TESTDIR\n");
}

int rw_ctl_policy(int argc, char **argv)
{
        if (argc >= 2 && strcmp(argv[1], "validate") == 0)
                return policy_validate(argc - 1, argv + 1);
        if (argc >= 2 && strcmp(argv[1], "test") == 0)
                return policy_test(argc - 1, argv + 1);
        if (argc >= 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
                usage(stdout);
                return 0;
        }
        usage(stderr);
        return 2;
}
