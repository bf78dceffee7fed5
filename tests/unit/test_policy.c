/* SPDX-License-Identifier: Apache-2.0 */
#include "testutil.h"

#include "policy.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"

#define GIB (1024ull * 1024 * 1024)
#define MIB (1024ull * 1024)

static void parse_ok(const char *text, struct rw_policy *ret)
{
        struct rw_error err = {0};

        if (rw_policy_parse(text, strlen(text), "test.json", ret, &err) < 0)
                fail_msg("parse failed: %s\n%s", err.msg, text);
}

static void expect_error(const char *text, const char *expected)
{
        struct rw_policy policy = {0};
        struct rw_error err = {0};

        if (rw_policy_parse(text, strlen(text), "test.json", &policy, &err) == 0) {
                rw_policy_clear(&policy);
                fail_msg("parsed, expected: %s\n%s", expected, text);
        }
        assert_int_equal(err.code, EINVAL);
        if (strcmp(err.msg, expected) != 0)
                fail_msg("error\n  got:      %s\n  expected: %s\nfor\n%s", err.msg, expected, text);
}

static char *example_text(size_t *ret_len)
{
        const char *root = getenv("RW_SOURCE_ROOT");
        _cleanup_free_ char *path = NULL;

        if (root == NULL)
                fail_msg("RW_SOURCE_ROOT is not set (run the tests with meson test)");
        assert_true(asprintf(&path, "%s/deploy/policy/policy.json", root) > 0);
        return rw_test_read_file(path, ret_len);
}

static void load_example(struct rw_policy *ret)
{
        _cleanup_free_ char *text = NULL;
        struct rw_error err = {0};
        size_t len;

        text = example_text(&len);
        if (rw_policy_parse(text, len, "deploy/policy/policy.json", ret, &err) < 0)
                fail_msg("example policy: %s", err.msg);
}

/* The line of the n-th (0-based) occurrence of `needle`, independently of the locator. */
static int line_of(const char *text, const char *needle, int n)
{
        const char *p = text;
        int line = 1;

        for (int i = 0; i <= n; i++) {
                p = strstr(i == 0 ? p : p + 1, needle);
                assert_non_null(p);
        }
        for (const char *c = text; c < p; c++)
                line += *c == '\n';
        return line;
}

static enum rw_rule_action tuning(const struct rw_settings *s, const char *rule)
{
        for (size_t i = 0; s->tuning != NULL && s->tuning[i].rule != NULL; i++)
                if (strcmp(s->tuning[i].rule, rule) == 0)
                        return s->tuning[i].action;
        return (enum rw_rule_action) - 1;
}

static size_t tuning_len(const struct rw_settings *s)
{
        size_t n = 0;

        while (s->tuning != NULL && s->tuning[n].rule != NULL)
                n++;
        return n;
}

static size_t scratch_len(const struct rw_settings *s)
{
        size_t n = 0;

        while (s->scratch[n].size_bytes != 0)
                n++;
        return n;
}

static void assert_scratch(const struct rw_scratch_mount *m, const char *dest, uint64_t size,
                           unsigned mode)
{
        if (dest == NULL)
                assert_null(m->destination);
        else
                assert_string_equal(m->destination, dest);
        assert_int_equal(m->size_bytes, size);
        assert_int_equal(m->mode, mode);
}

/*
 * A policy whose tiers may also be chosen by an operator-controlled annotation (the shipped
 * example trusts none): the selection machinery with trusted and untrusted rules.
 */
static const char selection_policy[] =
    "{\n"
    "  \"version\": 1,\n"
    "  \"default_tier\": \"untrusted\",\n"
    "  \"strictness\": [\"trusted\", \"untrusted\", \"service\"],\n"
    "  \"trusted_annotations\": [\"runwarden.io/tier\"],\n"
    "  \"audit_log\": { \"path\": \"/var/log/runwarden/audit.jsonl\", \"on_failure\": \"refuse\" "
    "},\n"
    "  \"tiers\": {\n"
    "    \"untrusted\": {\n"
    "      \"extends\": \"baseline\",\n"
    "      \"mode\": \"enforce\",\n"
    "      \"readonly_rootfs\": true,\n"
    "      \"scratch\": [\n"
    "        { \"path\": \"/tmp\", \"size\": \"1G\", \"mode\": \"1777\" },\n"
    "        { \"path\": \"/var/tmp\", \"size\": \"512M\", \"mode\": \"1777\" },\n"
    "        { \"path\": \"/run\", \"size\": \"64M\", \"mode\": \"0755\" },\n"
    "        { \"path\": \"$HOME\", \"size\": \"1G\", \"mode\": \"0700\" }\n"
    "      ],\n"
    "      \"seccomp\": { \"profile\": \"ci-default\", \"engine_profile\": \"replace\" },\n"
    "      \"pids_limit\": 4096,\n"
    "      \"exec\": \"allow-as-owner\",\n"
    "      \"rules\": { \"secret-in-env\": \"refuse\", \"engine-socket\": \"refuse\" }\n"
    "    },\n"
    "    \"trusted\": {\n"
    "      \"extends\": \"untrusted\",\n"
    "      \"capabilities\": [\"CAP_NET_BIND_SERVICE\"],\n"
    "      \"scratch\": [\n"
    "        { \"path\": \"/tmp\", \"size\": \"4G\", \"mode\": \"1777\" },\n"
    "        { \"path\": \"/var/tmp\", \"size\": \"1G\", \"mode\": \"1777\" },\n"
    "        { \"path\": \"/run\", \"size\": \"64M\", \"mode\": \"0755\" },\n"
    "        { \"path\": \"$HOME\", \"size\": \"2G\", \"mode\": \"0700\" }\n"
    "      ],\n"
    "      \"bind_prefixes\": [\n"
    "        { \"path\": \"/srv/ci-cache\", \"read_only\": false },\n"
    "        { \"path\": \"/opt/toolchains\", \"read_only\": true }\n"
    "      ],\n"
    "      \"pids_limit\": 16384,\n"
    "      \"exec\": \"allow\",\n"
    "      \"require\": { \"annotations\": { \"runwarden.io/ephemeral\": \"true\" } },\n"
    "      \"rules\": { \"secret-in-env\": \"warn\", \"engine-socket\": \"strip\" }\n"
    "    },\n"
    "    \"service\": {\n"
    "      \"extends\": \"untrusted\",\n"
    "      \"pids_limit\": 512,\n"
    "      \"exec\": \"deny\",\n"
    "      \"seccomp\": { \"engine_profile\": \"inject\" },\n"
    "      \"require\": { \"annotations\": { \"runwarden.io/owner\": \"*\" } },\n"
    "      \"rules\": { \"sysctl\": \"refuse\" }\n"
    "    }\n"
    "  },\n"
    "  \"select\": [\n"
    "    { \"when\": { \"annotations\": { \"runwarden.io/tier\": \"service\" } }, \"tier\": "
    "\"service\" },\n"
    "    { \"when\": { \"env_differs\": [[\"CI_MERGE_REQUEST_SOURCE_PROJECT_ID\", "
    "\"CI_MERGE_REQUEST_PROJECT_ID\"]] },\n"
    "      \"tier\": \"untrusted\" },\n"
    "    { \"when\": { \"env\": { \"GITHUB_EVENT_NAME\": [\"pull_request\", "
    "\"pull_request_target\"] } },\n"
    "      \"tier\": \"untrusted\" },\n"
    "    { \"when\": { \"annotations\": { \"runwarden.io/tier\": \"trusted\" } }, \"tier\": "
    "\"trusted\" }\n"
    "  ]\n"
    "}\n"
    "";

static void load_selection(struct rw_policy *ret)
{
        struct rw_error err = {0};

        if (rw_policy_parse(selection_policy, strlen(selection_policy), "selection.json", ret,
                            &err) < 0)
                fail_msg("selection policy: %s", err.msg);
}

/* ---- the example policy ---- */

static void test_example_top_level(void **state)
{
        _cleanup_policy_ struct rw_policy p = {0};
        _cleanup_free_ char *text = NULL;
        char **warnings = NULL;
        struct rw_error err = {0};
        size_t len;

        (void)state;
        load_example(&p);
        text = example_text(&len);
        assert_string_equal(p.origin, "deploy/policy/policy.json");
        assert_int_equal(p.version, 1);
        assert_string_equal(p.default_tier, "untrusted");
        assert_int_equal(p.n_tiers, 3);
        /* no annotation is trusted: a client can set any (docs/threat-model.md) */
        assert_null(p.trusted_annotations[0]);
        assert_string_equal(p.audit_log, "/var/log/runwarden/audit.jsonl");
        assert_true(p.audit_log_refuse);
        assert_int_equal(rw_policy_find_tier(&p, "trusted")->strictness, 0);
        assert_int_equal(rw_policy_find_tier(&p, "untrusted")->strictness, 1);
        assert_int_equal(rw_policy_find_tier(&p, "service")->strictness, 2);
        assert_null(rw_policy_find_tier(&p, "baseline"));
        assert_null(rw_policy_find_tier(&p, NULL));

        assert_int_equal(p.n_select, 2);
        /* GitLab fork merge request */
        assert_false(p.select[0].trusted);
        assert_string_equal(p.select[0].tier, "untrusted");
        assert_int_equal(p.select[0].matches[0].kind, RW_MATCH_ENV_DIFFERS);
        assert_string_equal(p.select[0].matches[0].key, "CI_MERGE_REQUEST_SOURCE_PROJECT_ID");
        assert_string_equal(p.select[0].matches[0].other, "CI_MERGE_REQUEST_PROJECT_ID");
        assert_null(p.select[0].matches[0].values);
        assert_int_equal(p.select[0].line, line_of(text, "{ \"when\"", 0));
        /* GitHub pull requests */
        assert_false(p.select[1].trusted);
        assert_int_equal(p.select[1].matches[0].kind, RW_MATCH_ENV);
        assert_string_equal(p.select[1].matches[0].values[0], "pull_request");
        assert_string_equal(p.select[1].matches[0].values[1], "pull_request_target");
        assert_null(p.select[1].matches[0].values[2]);
        assert_int_equal(p.select[1].line, line_of(text, "{ \"when\"", 1));

        /* The shipped example must validate without a warning. */
        assert_int_equal(rw_policy_warnings(&p, &warnings, &err), 0);
        assert_non_null(warnings);
        assert_null(warnings[0]);
        rw_strv_free(warnings);
}

/* docs/policy.md shows the shipped example verbatim: they must never drift apart. */
static void test_docs_example_is_the_file(void **state)
{
        const char *root = getenv("RW_SOURCE_ROOT");
        _cleanup_free_ char *path = NULL, *doc = NULL, *text = NULL;
        const char *start, *end;
        size_t len;

        (void)state;
        assert_non_null(root);
        assert_true(asprintf(&path, "%s/docs/policy.md", root) > 0);
        doc = rw_test_read_file(path, NULL);
        text = example_text(&len);
        start = strstr(doc, "## Example");
        assert_non_null(start);
        start = strstr(start, "```json\n");
        assert_non_null(start);
        start += strlen("```json\n");
        end = strstr(start, "```");
        assert_non_null(end);
        assert_int_equal((size_t)(end - start), len);
        assert_memory_equal(start, text, len);
}

static void test_example_untrusted(void **state)
{
        _cleanup_policy_ struct rw_policy p = {0};
        struct rw_settings base;
        const struct rw_tier *t;

        (void)state;
        load_example(&p);
        rw_settings_baseline(&base);
        t = rw_policy_find_tier(&p, "untrusted");
        assert_non_null(t);
        assert_string_equal(t->name, "untrusted");
        assert_int_equal(t->mode, RW_TIER_ENFORCE);
        assert_int_equal(t->exec, RW_EXEC_ALLOW_AS_OWNER);
        assert_null(t->runtime);
        assert_null(t->settings.capabilities);
        assert_true(t->settings.readonly_rootfs);
        assert_int_equal(scratch_len(&t->settings), 4);
        assert_scratch(&t->settings.scratch[0], "/tmp", GIB, 01777);
        assert_scratch(&t->settings.scratch[1], "/var/tmp", 512 * MIB, 01777);
        assert_scratch(&t->settings.scratch[2], "/run", 64 * MIB, 0755);
        assert_scratch(&t->settings.scratch[3], NULL, GIB, 0700);
        assert_int_equal(t->settings.pids_limit, 4096);
        assert_string_equal(t->settings.seccomp_profile_name, "ci-default");
        assert_int_equal(t->settings.seccomp_mode, RW_SECCOMP_REPLACE);
        assert_null(t->settings.seccomp_profile);
        assert_null(t->settings.extra_bind_prefixes);
        assert_null(t->settings.requirements);
        assert_int_equal(tuning_len(&t->settings), 2);
        assert_string_equal(t->settings.tuning[0].rule, "secret-in-env");
        assert_int_equal(t->settings.tuning[0].action, RW_RULE_REFUSE);
        assert_string_equal(t->settings.tuning[1].rule, "engine-socket");
        assert_int_equal(t->settings.tuning[1].action, RW_RULE_REFUSE);
}

static void test_example_trusted(void **state)
{
        _cleanup_policy_ struct rw_policy p = {0};
        const struct rw_tier *t, *parent;

        (void)state;
        load_example(&p);
        t = rw_policy_find_tier(&p, "trusted");
        parent = rw_policy_find_tier(&p, "untrusted");
        assert_int_equal(t->mode, RW_TIER_ENFORCE);
        assert_int_equal(t->exec, RW_EXEC_ALLOW);
        assert_non_null(t->settings.capabilities);
        assert_string_equal(t->settings.capabilities[0], "CAP_NET_BIND_SERVICE");
        assert_null(t->settings.capabilities[1]);
        /* arrays replace what the parent had */
        assert_int_equal(scratch_len(&t->settings), 4);
        assert_scratch(&t->settings.scratch[0], "/tmp", 4 * GIB, 01777);
        assert_scratch(&t->settings.scratch[3], NULL, 2 * GIB, 0700);
        assert_string_equal(t->settings.extra_bind_prefixes[0].path, "/srv/ci-cache");
        assert_false(t->settings.extra_bind_prefixes[0].read_only);
        assert_string_equal(t->settings.extra_bind_prefixes[1].path, "/opt/toolchains");
        assert_true(t->settings.extra_bind_prefixes[1].read_only);
        assert_null(t->settings.extra_bind_prefixes[2].path);
        assert_int_equal(t->settings.pids_limit, 16384);
        /* the runtime name picks it: nothing a client sets is required or trusted */
        assert_null(t->settings.requirements);
        /* inherited, and owned: a copy, not the parent's storage */
        assert_string_equal(t->settings.seccomp_profile_name, "ci-default");
        assert_ptr_not_equal(t->settings.seccomp_profile_name,
                             parent->settings.seccomp_profile_name);
        /* "rules" merge key by key; "strip" is the rule's own behaviour */
        assert_int_equal(tuning_len(&t->settings), 2);
        assert_string_equal(t->settings.tuning[0].rule, "secret-in-env");
        assert_int_equal(t->settings.tuning[0].action, RW_RULE_WARN);
        assert_string_equal(t->settings.tuning[1].rule, "engine-socket");
        assert_int_equal(t->settings.tuning[1].action, RW_RULE_ENFORCE);
}

static void test_example_service(void **state)
{
        _cleanup_policy_ struct rw_policy p = {0};
        const struct rw_tier *t, *parent;

        (void)state;
        load_example(&p);
        t = rw_policy_find_tier(&p, "service");
        parent = rw_policy_find_tier(&p, "untrusted");
        assert_int_equal(t->exec, RW_EXEC_DENY);
        assert_int_equal(t->settings.pids_limit, 512);
        assert_int_equal(t->settings.seccomp_mode, RW_SECCOMP_INJECT);
        assert_string_equal(t->settings.seccomp_profile_name, "ci-default");
        assert_null(t->settings.capabilities);
        /* the parent's scratch list, copied into the tier's own storage */
        assert_int_equal(scratch_len(&t->settings), 4);
        assert_ptr_not_equal(t->settings.scratch, parent->settings.scratch);
        assert_scratch(&t->settings.scratch[1], "/var/tmp", 512 * MIB, 01777);
        assert_ptr_not_equal(t->settings.scratch[1].destination,
                             parent->settings.scratch[1].destination);
        assert_string_equal(t->settings.requirements[0].key, "runwarden.io/owner");
        assert_null(t->settings.requirements[0].value);
        assert_int_equal(tuning_len(&t->settings), 3);
        assert_int_equal(tuning(&t->settings, "secret-in-env"), RW_RULE_REFUSE);
        assert_int_equal(tuning(&t->settings, "engine-socket"), RW_RULE_REFUSE);
        assert_int_equal(tuning(&t->settings, "sysctl"), RW_RULE_REFUSE);
}

/* ---- inheritance ---- */

static const char inherit_policy[] =
    "{\"version\": 1, \"default_tier\": \"c\", \"strictness\": [\"c\", \"b\", \"a\"],\n"
    " \"tiers\": {\n"
    "  \"c\": {\"extends\": \"b\", \"capabilities\": [],\n"
    "         \"rules\": {\"devices\": \"warn\", \"caps-drop\": \"enforce\"}},\n"
    "  \"b\": {\"extends\": \"a\", \"mode\": \"audit\", \"readonly_rootfs\": false,\n"
    "         \"scratch\": [], \"bind_prefixes\": [{\"path\": \"/srv//x/./y/\"}],\n"
    "         \"rules\": {\"caps-drop\": \"warn\", \"host-mount\": \"refuse\"},\n"
    "         \"require\": {}},\n"
    "  \"a\": {\"runtime\": \"/usr/local/bin/../sbin/crun\", \"exec\": \"deny\",\n"
    "         \"capabilities\": [\"CAP_CHOWN\", \"CAP_SYS_PTRACE\"],\n"
    "         \"scratch\": [{\"path\": \"/tmp/\", \"size\": 65536, \"mode\": \"1777\"},\n"
    "                     {\"path\": \"/work\", \"size\": \"65536k\", \"mode\": \"0\"},\n"
    "                     {\"path\": \"/big\", \"size\": \"64G\", \"mode\": \"07777\"}],\n"
    "         \"seccomp\": {\"profile\": \"strict-2\"},\n"
    "         \"require\": {\"env\": {\"CI\": \"*\"}, \"annotations\": {\"x\": \"1\"}},\n"
    "         \"rules\": {\"caps-drop\": \"refuse\"}}}}\n";

static void test_inheritance(void **state)
{
        _cleanup_policy_ struct rw_policy p = {0};
        struct rw_settings base;
        const struct rw_tier *a, *b, *c;

        (void)state;
        parse_ok(inherit_policy, &p);
        rw_settings_baseline(&base);
        /* file order is kept */
        assert_string_equal(p.tiers[0].name, "c");
        assert_string_equal(p.tiers[2].name, "a");
        a = rw_policy_find_tier(&p, "a");
        b = rw_policy_find_tier(&p, "b");
        c = rw_policy_find_tier(&p, "c");

        /* a: from the baseline */
        assert_int_equal(a->mode, RW_TIER_ENFORCE);
        assert_int_equal(a->exec, RW_EXEC_DENY);
        assert_string_equal(a->runtime, "/usr/local/sbin/crun");
        assert_true(a->settings.readonly_rootfs);
        assert_int_equal(a->settings.pids_limit, base.pids_limit);
        assert_string_equal(a->settings.capabilities[1], "CAP_SYS_PTRACE");
        assert_scratch(&a->settings.scratch[0], "/tmp", 65536, 01777);
        assert_scratch(&a->settings.scratch[1], "/work", 65536 * 1024ull, 0);
        assert_scratch(&a->settings.scratch[2], "/big", 64 * GIB, 07777);
        assert_int_equal(a->settings.scratch[3].size_bytes, 0);
        assert_string_equal(a->settings.seccomp_profile_name, "strict-2");
        assert_int_equal(a->settings.requirements[0].kind, RW_REQUIRE_ANNOTATION);
        assert_string_equal(a->settings.requirements[0].key, "x");
        assert_string_equal(a->settings.requirements[0].value, "1");
        assert_int_equal(a->settings.requirements[1].kind, RW_REQUIRE_ENV);
        assert_string_equal(a->settings.requirements[1].key, "CI");
        assert_null(a->settings.requirements[1].value);
        assert_null(a->settings.requirements[2].key);
        assert_int_equal(tuning(&a->settings, "caps-drop"), RW_RULE_REFUSE);
        assert_int_equal(tuning_len(&a->settings), 1);

        /* b: overrides mode, root, scratch (to none), prefixes, requirements (to none) */
        assert_int_equal(b->mode, RW_TIER_AUDIT);
        assert_int_equal(b->exec, RW_EXEC_DENY);
        assert_string_equal(b->runtime, "/usr/local/sbin/crun");
        assert_ptr_not_equal(b->runtime, a->runtime);
        assert_false(b->settings.readonly_rootfs);
        assert_int_equal(b->settings.scratch[0].size_bytes, 0);
        assert_string_equal(b->settings.extra_bind_prefixes[0].path, "/srv/x/y");
        assert_true(b->settings.extra_bind_prefixes[0].read_only);
        assert_null(b->settings.requirements[0].key);
        assert_string_equal(b->settings.capabilities[0], "CAP_CHOWN");
        assert_ptr_not_equal(b->settings.capabilities, a->settings.capabilities);
        assert_int_equal(tuning_len(&b->settings), 2);
        assert_int_equal(tuning(&b->settings, "caps-drop"), RW_RULE_WARN);
        assert_int_equal(tuning(&b->settings, "host-mount"), RW_RULE_REFUSE);

        /* c: keeps no capability; rules merge over two generations */
        assert_int_equal(c->mode, RW_TIER_AUDIT);
        assert_non_null(c->settings.capabilities);
        assert_null(c->settings.capabilities[0]);
        assert_string_equal(c->settings.seccomp_profile_name, "strict-2");
        assert_string_equal(c->settings.extra_bind_prefixes[0].path, "/srv/x/y");
        assert_int_equal(tuning_len(&c->settings), 3);
        assert_int_equal(tuning(&c->settings, "caps-drop"), RW_RULE_ENFORCE);
        assert_int_equal(tuning(&c->settings, "host-mount"), RW_RULE_REFUSE);
        assert_int_equal(tuning(&c->settings, "devices"), RW_RULE_WARN);

        assert_int_equal(c->strictness, 0);
        assert_int_equal(a->strictness, 2);
        /* defaults when the file does not set them */
        assert_string_equal(p.audit_log, RW_AUDIT_LOG_DEFAULT);
        assert_true(p.audit_log_refuse);
        assert_null(p.trusted_annotations[0]);
        assert_int_equal(p.n_select, 0);
}

static void test_every_rule_tunable(void **state)
{
        static const char *const ids[] = {
            RW_RULE_CAPS,         RW_RULE_NNP,           RW_RULE_CWD,
            RW_RULE_EXEC_CAPS,    RW_RULE_EXEC_POLICY,   RW_RULE_ROOTFS,
            RW_RULE_SCRATCH,      RW_RULE_ENGINE_SOCKET, RW_RULE_HOST_MOUNT,
            RW_RULE_BIND_OPTIONS, RW_RULE_KERNEL_MOUNT,  RW_RULE_HOST_NAMESPACE,
            RW_RULE_MASKED_PATHS, RW_RULE_DEVICES,       RW_RULE_SECCOMP,
            RW_RULE_PIDS,         RW_RULE_SYSCTL,        RW_RULE_ANNOTATIONS,
            RW_RULE_SECRET_ENV,   RW_RULE_REQUIRED,
        };
        char text[4096];
        size_t o;

        (void)state;
        o = (size_t)snprintf(text, sizeof(text),
                             "{\"version\": 1, \"default_tier\": \"a\", \"strictness\": [\"a\"], "
                             "\"tiers\": {\"a\": {\"rules\": {");
        for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
                o += (size_t)snprintf(text + o, sizeof(text) - o, "%s\"%s\": \"warn\"",
                                      i ? ", " : "", ids[i]);
        snprintf(text + o, sizeof(text) - o, "}}}}");
        {
                _cleanup_policy_ struct rw_policy p = {0};

                parse_ok(text, &p);
                assert_int_equal(tuning_len(&p.tiers[0].settings), sizeof(ids) / sizeof(ids[0]));
                for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
                        assert_int_equal(tuning(&p.tiers[0].settings, ids[i]), RW_RULE_WARN);
        }
}

/* ---- errors, each with its location ---- */

struct error_case {
        const char *name;
        const char *text;
        const char *expected;
};

static const struct error_case error_cases[] = {
    {"top_not_object", "[1, 2]\n", "test.json:1:1: expected an object, got an array"},
    {"unknown_top_key",
     "{\"version\": 1, \"default_tier\": \"a\", \"strictness\": [\"a\"], \"tiers\": {\"a\": {}},\n "
     "\"selct\": []}\n",
     "test.json:2:2: selct: unknown key (expected one of: version, default_tier, strictness, "
     "trusted_annotations, audit_log, tiers, select, engines)"},
    {"missing_tiers", "{\"version\": 1, \"default_tier\": \"a\",\n  \"strictness\": [\"a\"]}\n",
     "test.json:1:1: missing required key \"tiers\""},
    {"missing_default", "\n  {\"version\": 1, \"strictness\": [\"a\"], \"tiers\": {\"a\": {}}}\n",
     "test.json:2:3: missing required key \"default_tier\""},
    {"version_2",
     "{\"version\": 2, \"default_tier\": \"a\", \"strictness\": [\"a\"], \"tiers\": {\"a\": {}}}",
     "test.json:1:13: version: unsupported version 2 (this runwarden reads version 1)"},
    {"version_string",
     "{\"version\": \"1\", \"default_tier\": \"a\", \"strictness\": [\"a\"], \"tiers\": {\"a\": "
     "{}}}",
     "test.json:1:13: version: expected an integer, got a string"},
    {"version_big",
     "{\"version\": 99999999999999999999, \"default_tier\": \"a\", \"strictness\": [\"a\"], "
     "\"tiers\": {\"a\": {}}}",
     "test.json:1:13: version: expected an integer, got 99999999999999999999 (not an integer that "
     "fits in 64 bits)"},
    {"unknown_extends",
     "{\"version\": 1, \"default_tier\": \"a\", \"strictness\": [\"a\"],\n \"tiers\": {\"a\": "
     "{},\n  \"b\": {\"extends\": \"nope\"}}}\n",
     "test.json:3:20: tiers.b.extends: unknown tier \"nope\""},
    {"reserved_egress_hook",
     "{\"version\": 1, \"default_tier\": \"a\", \"strictness\": [\"a\"], \"tiers\": {\"a\": {}, "
     "\"egress-hook\": {}}}",
     "test.json:1:77: tiers.egress-hook: tier name \"egress-hook\" is reserved "
     "(runwarden-egress-hook "
     "is the egress hook's name)"},
    {"unknown_share_namespaces",
     "{\"version\": 1, \"default_tier\": \"a\", \"strictness\": [\"a\"],\n \"tiers\": {\"a\": "
     "{\"share_namespaces_with\": [\"a\", \"nope\"]}}}\n",
     "test.json:2:43: tiers.a.share_namespaces_with: unknown tier \"nope\""},
    {"unknown_volume_share",
     "{\"version\": 1, \"default_tier\": \"a\", \"strictness\": [\"a\"],\n \"tiers\": {\"a\": "
     "{\"volumes\": {\"share_with\": [\"b\"]}}}}\n",
     "test.json:2:44: tiers.a.volumes.share_with: unknown tier \"b\""},
    {"unknown_default",
     "{\"version\": 1, \"default_tier\": \"b\", \"strictness\": [\"a\"], \"tiers\": {\"a\": {}}}",
     "test.json:1:32: default_tier: unknown tier \"b\""},
    {"default_baseline",
     "{\"version\": 1, \"default_tier\": \"baseline\", \"strictness\": [\"a\"], \"tiers\": {\"a\": "
     "{}}}",
     "test.json:1:32: default_tier: unknown tier \"baseline\""},
    {"unknown_strictness",
     "{\"version\": 1, \"default_tier\": \"a\", \"strictness\": [\"a\",\n \"zz\"], \"tiers\": "
     "{\"a\": {}}}",
     "test.json:2:2: strictness[1]: unknown tier \"zz\""},
    {"strictness_twice",
     "{\"version\": 1, \"default_tier\": \"a\", \"strictness\": [\"a\", \"b\", \"a\"], \"tiers\": "
     "{\"a\": {}, \"b\": {}}}",
     "test.json:1:62: strictness[2]: tier \"a\" is listed twice"},
    {"strictness_missing",
     "{\"version\": 1, \"default_tier\": \"a\",\n \"strictness\": [\"a\"], \"tiers\": {\"a\": {}, "
     "\"b\": {}}}",
     "test.json:2:16: strictness: tier \"b\" is missing (list every tier once, least strict "
     "first)"},
    {"cycle",
     "{\"version\": 1, \"default_tier\": \"a\", \"strictness\": [\"a\", \"b\", \"c\"], \"tiers\": "
     "{\n \"a\": {\"extends\": \"b\"},\n \"b\": {\"extends\": \"c\"},\n \"c\": {\"extends\": "
     "\"b\"}}}",
     "test.json:3:19: tiers.b.extends: extends cycle: b -> c -> b"},
    {"self_cycle",
     "{\"version\": 1, \"default_tier\": \"a\", \"strictness\": [\"a\"],\n \"tiers\": {\"a\": "
     "{\"extends\": \"a\"}}}\n",
     "test.json:2:29: tiers.a.extends: extends cycle: a -> a"},
    {"unknown_cap",
     "{\"version\": 1, \"default_tier\": \"a\", \"strictness\": [\"a\"],\n \"tiers\": {\"a\": {\n  "
     " \"capabilities\": [\"CAP_CHOWN\", \"CAP_FOO\"]}}}\n",
     "test.json:3:34: tiers.a.capabilities[1]: unknown capability CAP_FOO (names are like "
     "CAP_NET_BIND_SERVICE)"},
    {"lowercase_cap",
     "{\"version\": 1, \"default_tier\": \"a\", \"strictness\": [\"a\"],\n \"tiers\": {\"a\": "
     "{\"capabilities\": [\"cap_chown\"]}}}\n",
     "test.json:2:35: tiers.a.capabilities[0]: unknown capability cap_chown (names are like "
     "CAP_NET_BIND_SERVICE)"},
    {"unprefixed_cap",
     "{\"version\": 1, \"default_tier\": \"a\", \"strictness\": [\"a\"],\n \"tiers\": {\"a\": "
     "{\"capabilities\": [\"NET_ADMIN\"]}}}\n",
     "test.json:2:35: tiers.a.capabilities[0]: unknown capability NET_ADMIN (names are like "
     "CAP_NET_BIND_SERVICE)"},
    {"cap_twice",
     "{\"version\": 1, \"default_tier\": \"a\", \"strictness\": [\"a\"],\n \"tiers\": {\"a\": "
     "{\"capabilities\": [\"CAP_CHOWN\", \"CAP_CHOWN\"]}}}\n",
     "test.json:2:48: tiers.a.capabilities[1]: capability CAP_CHOWN is listed twice"},
    {"caps_not_array",
     "{\"version\": 1, \"default_tier\": \"a\", \"strictness\": [\"a\"],\n \"tiers\": {\"a\": "
     "{\"capabilities\": \"CAP_CHOWN\"}}}\n",
     "test.json:2:34: tiers.a.capabilities: expected an array, got a string"},
    {"unknown_rule",
     "{\"version\": 1, \"default_tier\": \"a\", \"strictness\": [\"a\"],\n \"tiers\": {\"a\": "
     "{\"rules\": {\"caps-drop\": \"warn\",\n    \"host-mounts\": \"warn\"}}}}\n",
     "test.json:3:5: tiers.a.rules.host-mounts: unknown rule id \"host-mounts\" (see "
     "docs/rules.md)"},
    {"spec_rule",
     "{\"version\": 1, \"default_tier\": \"a\", \"strictness\": [\"a\"],\n \"tiers\": {\"a\": "
     "{\"rules\": {\"spec\": \"warn\"}}}}\n",
     "test.json:2:28: tiers.a.rules.spec: rule spec cannot be tuned: a malformed spec is always "
     "refused"},
    {"bad_action",
     "{\"version\": 1, \"default_tier\": \"a\", \"strictness\": [\"a\"],\n \"tiers\": {\"a\": "
     "{\"rules\": {\"caps-drop\": \"ignore\"}}}}\n",
     "test.json:2:41: tiers.a.rules.caps-drop: unknown value \"ignore\" (expected enforce, strip, "
     "refuse or warn)"},
    {"strip_refuse_only",
     "{\"version\": 1, \"default_tier\": \"a\", \"strictness\": [\"a\"],\n \"tiers\": {\"a\": "
     "{\"rules\": {\"host-mount\": \"strip\"}}}}\n",
     "test.json:2:42: tiers.a.rules.host-mount: rule host-mount only refuses, it never strips (use "
     "enforce, refuse or warn)"},
    {"bad_profile",
     "{\"version\": 1, \"default_tier\": \"a\", \"strictness\": [\"a\"],\n \"tiers\": {\"a\": "
     "{\"seccomp\": {\"profile\": \"CI_Default\"}}}}\n",
     "test.json:2:41: tiers.a.seccomp.profile: invalid profile name \"CI_Default\" (letters a-z, "
     "digits and '-': the file NAME.json in the seccomp directory)"},
    {"profile_path",
     "{\"version\": 1, \"default_tier\": \"a\", \"strictness\": [\"a\"],\n \"tiers\": {\"a\": "
     "{\"seccomp\": {\"profile\": \"../etc/x\"}}}}\n",
     "test.json:2:41: tiers.a.seccomp.profile: invalid profile name \"../etc/x\" (letters a-z, "
     "digits and '-': the file NAME.json in the seccomp directory)"},
    {"bad_engine_profile",
     "{\"version\": 1, \"default_tier\": \"a\", \"strictness\": [\"a\"],\n \"tiers\": {\"a\": "
     "{\"seccomp\": {\"engine_profile\": \"keep\"}}}}\n",
     "test.json:2:48: tiers.a.seccomp.engine_profile: unknown value \"keep\" (expected replace or "
     "inject)"},
    {"pids_string",
     "{\"version\": 1, \"default_tier\": \"a\", \"strictness\": [\"a\"],\n \"tiers\": {\"a\": "
     "{\"pids_limit\": \"512\"}}}\n",
     "test.json:2:32: tiers.a.pids_limit: expected an integer, got a string"},
    {"pids_zero",
     "{\"version\": 1, \"default_tier\": \"a\", \"strictness\": [\"a\"],\n \"tiers\": {\"a\": "
     "{\"pids_limit\": 0}}}\n",
     "test.json:2:32: tiers.a.pids_limit: must be above 0"},
    {"pids_real",
     "{\"version\": 1, \"default_tier\": \"a\", \"strictness\": [\"a\"],\n \"tiers\": {\"a\": "
     "{\"pids_limit\": 1e3}}}\n",
     "test.json:2:32: tiers.a.pids_limit: expected an integer, got 1e3 (not an integer that fits "
     "in 64 bits)"},
    {"pids_big",
     "{\"version\": 1, \"default_tier\": \"a\", \"strictness\": [\"a\"],\n \"tiers\": {\"a\": "
     "{\"pids_limit\": 18446744073709551615}}}\n",
     "test.json:2:32: tiers.a.pids_limit: expected an integer, got 18446744073709551615 (not an "
     "integer that fits in 64 bits)"},
    {"rootfs_type",
     "{\"version\": 1, \"default_tier\": \"a\", \"strictness\": [\"a\"],\n \"tiers\": {\"a\": "
     "{\"readonly_rootfs\": \"yes\"}}}\n",
     "test.json:2:37: tiers.a.readonly_rootfs: expected true or false, got a string"},
    {"mode_bad",
     "{\"version\": 1, \"default_tier\": \"a\", \"strictness\": [\"a\"],\n \"tiers\": {\"a\": "
     "{\"mode\": \"permissive\"}}}\n",
     "test.json:2:26: tiers.a.mode: unknown value \"permissive\" (expected enforce or audit)"},
    {"exec_bad",
     "{\"version\": 1, \"default_tier\": \"a\", \"strictness\": [\"a\"],\n \"tiers\": {\"a\": "
     "{\"exec\": \"owner\"}}}\n",
     "test.json:2:26: tiers.a.exec: unknown value \"owner\" (expected allow, deny or "
     "allow-as-owner)"},
    {"tier_unknown_key",
     "{\"version\": 1, \"default_tier\": \"a\", \"strictness\": [\"a\"],\n \"tiers\": {\"a\": "
     "{\"capabilites\": []}}}\n",
     "test.json:2:18: tiers.a.capabilites: unknown key (expected one of: extends, mode, "
     "capabilities, readonly_rootfs, scratch, bind_prefixes, seccomp, pids_limit, exec, runtime, "
     "require, rules, hooks, cgroup_parents, share_namespaces_with, volumes, devices, sysctls, "
     "runtime_allow, memory_limit, tmpfs_size, lxcfs, egress)"},
    {"tier_not_object",
     "{\"version\": 1, \"default_tier\": \"a\", \"strictness\": [\"a\"],\n \"tiers\": {\"a\": "
     "[]}}\n",
     "test.json:2:17: tiers.a: expected an object, got an array"},
    {"tier_reserved",
     "{\"version\": 1, \"default_tier\": \"a\", \"strictness\": [\"a\"],\n \"tiers\": "
     "{\"baseline\": {}}}\n",
     "test.json:2:12: tiers.baseline: tier name \"baseline\" is reserved for the built-in rules "
     "(extend it instead)"},
    {"tier_bad_name",
     "{\"version\": 1, \"default_tier\": \"a\", \"strictness\": [\"a\"],\n \"tiers\": "
     "{\"Trusted\": {}}}\n",
     "test.json:2:12: tiers.Trusted: invalid tier name \"Trusted\" (a-z, 0-9 and '-', not "
     "starting with '-', at most 63 characters)"},
    {"tiers_empty", "{\"version\": 1, \"default_tier\": \"a\", \"strictness\": [], \"tiers\": {}}",
     "test.json:1:64: tiers: no tier defined"},
    {"scratch_unknown_key",
     "{\"version\": 1, \"default_tier\": \"a\", \"strictness\": [\"a\"],\n \"tiers\": {\"a\": "
     "{\"scratch\": [{\"path\": \"/tmp\", \"size\": \"1G\", \"mode\": \"1777\", \"noexec\": "
     "true}]}}}\n",
     "test.json:2:77: tiers.a.scratch[0].noexec: unknown key (expected one of: path, size, mode)"},
    {"scratch_missing_size",
     "{\"version\": 1, \"default_tier\": \"a\", \"strictness\": [\"a\"],\n \"tiers\": {\"a\": "
     "{\"scratch\": [\n    {\"path\": \"/tmp\", \"size\": \"1G\", \"mode\": \"1777\"},\n    "
     "{\"path\": \"/var/tmp\", \"mode\": \"1777\"}]}}}\n",
     "test.json:4:5: tiers.a.scratch[1]: missing required key \"size\""},
    {"scratch_relative",
     "{\"version\": 1, \"default_tier\": \"a\", \"strictness\": [\"a\"],\n \"tiers\": {\"a\": "
     "{\"scratch\": [{\"path\": \"tmp\", \"size\": \"1G\", \"mode\": \"1777\"}]}}}\n",
     "test.json:2:39: tiers.a.scratch[0].path: \"tmp\" is not an absolute path"},
    {"scratch_root",
     "{\"version\": 1, \"default_tier\": \"a\", \"strictness\": [\"a\"],\n \"tiers\": {\"a\": "
     "{\"scratch\": [{\"path\": \"/\", \"size\": \"1G\", \"mode\": \"1777\"}]}}}\n",
     "test.json:2:39: tiers.a.scratch[0].path: \"/\" is the whole host filesystem"},
    {"scratch_twice",
     "{\"version\": 1, \"default_tier\": \"a\", \"strictness\": [\"a\"],\n \"tiers\": {\"a\": "
     "{\"scratch\": [{\"path\": \"$HOME\", \"size\": \"1G\", \"mode\": \"0700\"}, {\"path\": "
     "\"$HOME\", \"size\": \"1G\", \"mode\": \"0700\"}]}}}\n",
     "test.json:2:88: tiers.a.scratch[1].path: $HOME is listed twice"},
    {"size_suffix",
     "{\"version\": 1, \"default_tier\": \"a\", \"strictness\": [\"a\"],\n \"tiers\": {\"a\": "
     "{\"scratch\": [{\"path\": \"/tmp\", \"size\": \"512X\", \"mode\": \"1777\"}]}}}\n",
     "test.json:2:55: tiers.a.scratch[0].size: invalid size \"512X\" (bytes, or a number with k, M "
     "or G: \"512M\")"},
    {"size_negative",
     "{\"version\": 1, \"default_tier\": \"a\", \"strictness\": [\"a\"],\n \"tiers\": {\"a\": "
     "{\"scratch\": [{\"path\": \"/tmp\", \"size\": \"-1\", \"mode\": \"1777\"}]}}}\n",
     "test.json:2:55: tiers.a.scratch[0].size: invalid size \"-1\" (bytes, or a number with k, M "
     "or G: \"512M\")"},
    {"size_zero",
     "{\"version\": 1, \"default_tier\": \"a\", \"strictness\": [\"a\"],\n \"tiers\": {\"a\": "
     "{\"scratch\": [{\"path\": \"/tmp\", \"size\": \"0M\", \"mode\": \"1777\"}]}}}\n",
     "test.json:2:55: tiers.a.scratch[0].size: size must be above 0"},
    {"size_too_big",
     "{\"version\": 1, \"default_tier\": \"a\", \"strictness\": [\"a\"],\n \"tiers\": {\"a\": "
     "{\"scratch\": [{\"path\": \"/tmp\", \"size\": \"65G\", \"mode\": \"1777\"}]}}}\n",
     "test.json:2:55: tiers.a.scratch[0].size: size \"65G\" is above the limit of 64G"},
    {"size_integer_too_big",
     "{\"version\": 1, \"default_tier\": \"a\", \"strictness\": [\"a\"],\n \"tiers\": {\"a\": "
     "{\"scratch\": [{\"path\": \"/tmp\", \"size\": 68719476737, \"mode\": \"1777\"}]}}}\n",
     "test.json:2:55: tiers.a.scratch[0].size: size 68719476737 is above the limit of 64G"},
    {"size_integer_zero",
     "{\"version\": 1, \"default_tier\": \"a\", \"strictness\": [\"a\"],\n \"tiers\": {\"a\": "
     "{\"scratch\": [{\"path\": \"/tmp\", \"size\": 0, \"mode\": \"1777\"}]}}}\n",
     "test.json:2:55: tiers.a.scratch[0].size: size must be above 0"},
    {"size_overflow",
     "{\"version\": 1, \"default_tier\": \"a\", \"strictness\": [\"a\"],\n \"tiers\": {\"a\": "
     "{\"scratch\": [{\"path\": \"/tmp\", \"size\": \"99999999999999999999k\", \"mode\": "
     "\"1777\"}]}}}\n",
     "test.json:2:55: tiers.a.scratch[0].size: invalid size \"99999999999999999999k\" (bytes, or a "
     "number with k, M or G: \"512M\")"},
    {"size_big_number",
     "{\"version\": 1, \"default_tier\": \"a\", \"strictness\": [\"a\"],\n \"tiers\": {\"a\": "
     "{\"scratch\": [{\"path\": \"/tmp\", \"size\": 99999999999999999999, \"mode\": "
     "\"1777\"}]}}}\n",
     "test.json:2:55: tiers.a.scratch[0].size: invalid size 99999999999999999999"},
    {"mode_digit",
     "{\"version\": 1, \"default_tier\": \"a\", \"strictness\": [\"a\"],\n \"tiers\": {\"a\": "
     "{\"scratch\": [{\"path\": \"/tmp\", \"size\": \"1G\", \"mode\": \"0999\"}]}}}\n",
     "test.json:2:69: tiers.a.scratch[0].mode: invalid mode \"0999\" (an octal string up to "
     "\"7777\")"},
    {"mode_too_big",
     "{\"version\": 1, \"default_tier\": \"a\", \"strictness\": [\"a\"],\n \"tiers\": {\"a\": "
     "{\"scratch\": [{\"path\": \"/tmp\", \"size\": \"1G\", \"mode\": \"17777\"}]}}}\n",
     "test.json:2:69: tiers.a.scratch[0].mode: invalid mode \"17777\" (an octal string up to "
     "\"7777\")"},
    {"mode_integer",
     "{\"version\": 1, \"default_tier\": \"a\", \"strictness\": [\"a\"],\n \"tiers\": {\"a\": "
     "{\"scratch\": [{\"path\": \"/tmp\", \"size\": \"1G\", \"mode\": 1777}]}}}\n",
     "test.json:2:69: tiers.a.scratch[0].mode: expected an octal string like \"1777\", got an "
     "integer"},
    {"prefix_root",
     "{\"version\": 1, \"default_tier\": \"a\", \"strictness\": [\"a\"],\n \"tiers\": {\"a\": "
     "{\"bind_prefixes\": [{\"path\": \"/srv\"}, {\"path\": \"/srv/../\"}]}}}\n",
     "test.json:2:63: tiers.a.bind_prefixes[1].path: \"/srv/../\" is the whole host filesystem"},
    {"prefix_relative",
     "{\"version\": 1, \"default_tier\": \"a\", \"strictness\": [\"a\"],\n \"tiers\": {\"a\": "
     "{\"bind_prefixes\": [{\"path\": \"srv\"}]}}}\n",
     "test.json:2:45: tiers.a.bind_prefixes[0].path: \"srv\" is not an absolute path"},
    {"prefix_ro_type",
     "{\"version\": 1, \"default_tier\": \"a\", \"strictness\": [\"a\"],\n \"tiers\": {\"a\": "
     "{\"bind_prefixes\": [{\"path\": \"/srv\", \"read_only\": \"no\"}]}}}\n",
     "test.json:2:66: tiers.a.bind_prefixes[0].read_only: expected true or false, got a string"},
    {"prefix_twice",
     "{\"version\": 1, \"default_tier\": \"a\", \"strictness\": [\"a\"],\n \"tiers\": {\"a\": "
     "{\"bind_prefixes\": [{\"path\": \"/srv/cache\"}, {\"path\": \"/srv//cache/\"}]}}}\n",
     "test.json:2:69: tiers.a.bind_prefixes[1].path: /srv/cache is listed twice"},
    {"runtime_relative",
     "{\"version\": 1, \"default_tier\": \"a\", \"strictness\": [\"a\"],\n \"tiers\": {\"a\": "
     "{\"runtime\": \"runc\"}}}\n",
     "test.json:2:29: tiers.a.runtime: \"runc\" is not an absolute path"},
    {"require_unknown",
     "{\"version\": 1, \"default_tier\": \"a\", \"strictness\": [\"a\"],\n \"tiers\": {\"a\": "
     "{\"require\": {\"labels\": {}}}}}\n",
     "test.json:2:30: tiers.a.require.labels: unknown key (expected one of: annotations, env)"},
    {"require_value_type",
     "{\"version\": 1, \"default_tier\": \"a\", \"strictness\": [\"a\"],\n \"tiers\": {\"a\": "
     "{\"require\": {\"annotations\": {\"runwarden.io/ephemeral\": true}}}}}\n",
     "test.json:2:72: tiers.a.require.annotations[\"runwarden.io/ephemeral\"]: expected a string, "
     "got a boolean"},
    {"require_env_name",
     "{\"version\": 1, \"default_tier\": \"a\", \"strictness\": [\"a\"],\n \"tiers\": {\"a\": "
     "{\"require\": {\"env\": {\"A=B\": \"1\"}}}}}\n",
     "test.json:2:38: tiers.a.require.env[\"A=B\"]: invalid variable name"},
    {"audit_relative",
     "{\"version\": 1, \"default_tier\": \"a\", \"strictness\": [\"a\"],\n \"tiers\": {\"a\": "
     "{}},\n \"audit_log\": {\"path\": \"audit.jsonl\"}}\n",
     "test.json:3:24: audit_log.path: \"audit.jsonl\" is not an absolute path"},
    {"audit_failure",
     "{\"version\": 1, \"default_tier\": \"a\", \"strictness\": [\"a\"],\n \"tiers\": {\"a\": "
     "{}},\n \"audit_log\": {\"on_failure\": \"ignore\"}}\n",
     "test.json:3:30: audit_log.on_failure: unknown value \"ignore\" (expected refuse or "
     "continue)"},
    {"trusted_twice",
     "{\"version\": 1, \"default_tier\": \"a\", \"strictness\": [\"a\"],\n \"tiers\": {\"a\": "
     "{}},\n \"trusted_annotations\": [\"x\", \"x\"]}\n",
     "test.json:3:31: trusted_annotations[1]: \"x\" is listed twice"},
    {"select_unknown_tier",
     "{\"version\": 1, \"default_tier\": \"a\", \"strictness\": [\"a\"],\n \"tiers\": {\"a\": "
     "{}},\n \"select\": [{\"when\": {\"env\": {\"X\": \"1\"}}, \"tier\": \"b\"}]}\n",
     "test.json:3:51: select[0].tier: unknown tier \"b\""},
    {"select_missing_tier",
     "{\"version\": 1, \"default_tier\": \"a\", \"strictness\": [\"a\"],\n \"tiers\": {\"a\": "
     "{}},\n \"select\": [{\"when\": {\"env\": {\"X\": \"1\"}}}]}\n",
     "test.json:3:13: select[0]: missing required key \"tier\""},
    {"select_empty_when",
     "{\"version\": 1, \"default_tier\": \"a\", \"strictness\": [\"a\"],\n \"tiers\": {\"a\": "
     "{}},\n \"select\": [{\"when\": {}, \"tier\": \"a\"}]}\n",
     "test.json:3:22: select[0].when: no condition: a rule must test something"},
    {"select_unknown_when",
     "{\"version\": 1, \"default_tier\": \"a\", \"strictness\": [\"a\"],\n \"tiers\": {\"a\": "
     "{}},\n \"select\": [{\"when\": {\"label\": {\"X\": \"1\"}}, \"tier\": \"a\"}]}\n",
     "test.json:3:23: select[0].when.label: unknown key (expected one of: annotations, env, "
     "env_differs)"},
    {"select_value_number",
     "{\"version\": 1, \"default_tier\": \"a\", \"strictness\": [\"a\"],\n \"tiers\": {\"a\": "
     "{}},\n \"select\": [{\"when\": {\"annotations\": {\"k8s/tier\": [\"a\", 3]}}, \"tier\": "
     "\"a\"}]}\n",
     "test.json:3:57: select[0].when.annotations[\"k8s/tier\"][1]: expected a string or an array "
     "of strings, got an integer"},
    {"select_env_name",
     "{\"version\": 1, \"default_tier\": \"a\", \"strictness\": [\"a\"],\n \"tiers\": {\"a\": "
     "{}},\n \"select\": [{\"when\": {\"env\": {\"A=B\": \"1\"}}, \"tier\": \"a\"}]}\n",
     "test.json:3:31: select[0].when.env[\"A=B\"]: invalid variable name"},
    {"select_pair",
     "{\"version\": 1, \"default_tier\": \"a\", \"strictness\": [\"a\"],\n \"tiers\": {\"a\": "
     "{}},\n \"select\": [{\"when\": {\"env_differs\": [[\"A\", \"B\", \"C\"]]}, \"tier\": "
     "\"a\"}]}\n",
     "test.json:3:39: select[0].when.env_differs[0]: expected a pair of variable names [\"A\", "
     "\"B\"], got an array"},
    {"select_pair_same",
     "{\"version\": 1, \"default_tier\": \"a\", \"strictness\": [\"a\"],\n \"tiers\": {\"a\": "
     "{}},\n \"select\": [{\"when\": {\"env_differs\": [[\"A\", \"A\"]]}, \"tier\": \"a\"}]}\n",
     "test.json:3:45: select[0].when.env_differs[0][1]: a variable never differs from itself"},
    {"select_escaped_key",
     "{\"version\": 1, \"default_tier\": \"a\", \"strictness\": [\"a\"],\n \"tiers\": {\"a\": "
     "{}},\n \"select\": [{\"when\": {\"annotations\": {\"k8s\\u002ftier\": 1}}, \"tier\": "
     "\"a\"}]}\n",
     "test.json:3:56: select[0].when.annotations[\"k8s/tier\"]: expected a string or an array of "
     "strings, got an integer"},
};

static void test_errors(void **state)
{
        (void)state;
        for (size_t i = 0; i < sizeof(error_cases) / sizeof(error_cases[0]); i++) {
                print_message("case %s\n", error_cases[i].name);
                expect_error(error_cases[i].text, error_cases[i].expected);
        }
}

static void test_json_errors(void **state)
{
        (void)state;
        /* jansson's own position, in the policy's "FILE:LINE:COLUMN: " form */
        expect_error("{\"version\": 1,\n \"tiers\": {,}}\n",
                     "test.json:2:12: string or '}' expected near ','");
        expect_error("{\"version\": 1,\n  \"version\": 1}",
                     "test.json:2:11: duplicate object key near '\"version\"'");
        /* a number kept verbatim does not shift the reported column */
        expect_error("{\"pids\": 1e400,\n \"x\": tru}", "test.json:2:9: invalid token near 'tru'");
        expect_error("", "test.json:1:0: unexpected token near end of file");
}

static void test_unknown_keys_everywhere(void **state)
{
        static const char *const objects[] = {
            "\"audit_log\": {\"paht\": \"/x\"}",
            "\"tiers\": {\"a\": {\"seccomp\": {\"paht\": \"/x\"}}}",
            "\"tiers\": {\"a\": {\"bind_prefixes\": [{\"path\": \"/x\", \"paht\": \"/x\"}]}}",
            "\"select\": [{\"when\": {\"env\": {\"A\": \"1\"}}, \"tier\": \"a\", \"paht\": "
            "\"/x\"}]",
        };

        (void)state;
        for (size_t i = 0; i < sizeof(objects) / sizeof(objects[0]); i++) {
                _cleanup_free_ char *text = NULL;
                struct rw_policy p = {0};
                struct rw_error err = {0};

                assert_true(asprintf(&text,
                                     "{\"version\": 1, \"default_tier\": \"a\", \"strictness\": "
                                     "[\"a\"], \"tiers\": {\"a\": {}}, %s}",
                                     objects[i]) > 0);
                /* the second "tiers" key would be a duplicate: merge by hand */
                if (strncmp(objects[i], "\"tiers\"", 7) == 0) {
                        free(text);
                        assert_true(asprintf(&text,
                                             "{\"version\": 1, \"default_tier\": \"a\", "
                                             "\"strictness\": [\"a\"], %s}",
                                             objects[i]) > 0);
                }
                assert_int_equal(rw_policy_parse(text, strlen(text), "t", &p, &err), -EINVAL);
                if (strstr(err.msg, ".paht: unknown key (expected one of: ") == NULL)
                        fail_msg("%s: %s", text, err.msg);
        }
}

static void test_error_without_location(void **state)
{
        struct rw_policy p = {0};
        struct rw_error err = {0};

        (void)state;
        /* no origin: a generic name, never a NULL dereference */
        assert_int_equal(rw_policy_parse("[]", 2, NULL, &p, &err), -EINVAL);
        assert_string_equal(err.msg, "policy:1:1: expected an object, got an array");
}

/* ---- choosing the tier ---- */

static json_t *env_of(const char *const *entries)
{
        json_t *env = json_array();

        for (size_t i = 0; entries[i] != NULL; i++)
                json_array_append_new(env, json_string(entries[i]));
        return env;
}

static void choose(const struct rw_policy *p, const char *flag, const char *invoked,
                   const char *annotations_json, const char *const *env_entries,
                   struct rw_tier_choice *ret)
{
        _cleanup_json_ json_t *annotations =
            annotations_json != NULL ? rw_test_parse(annotations_json) : NULL;
        _cleanup_json_ json_t *env = env_entries != NULL ? env_of(env_entries) : NULL;
        struct rw_error err = {0};

        if (rw_policy_choose_tier(p, flag, invoked, annotations, env, ret, &err) < 0)
                fail_msg("choose_tier: %s", err.msg);
}

static void test_choose_flag_and_name(void **state)
{
        _cleanup_policy_ struct rw_policy p = {0};
        struct rw_tier_choice c;
        struct rw_error err = {0};

        (void)state;
        load_selection(&p);
        /* --tier wins over the binary name and every select rule */
        choose(&p, "trusted", "runwarden-service", "{\"runwarden.io/tier\": \"service\"}", NULL,
               &c);
        assert_string_equal(c.tier->name, "trusted");
        assert_int_equal(c.source, RW_TIER_FROM_FLAG);
        assert_string_equal(c.reason, "--tier trusted");
        assert_string_equal(c.skipped, "");

        /* the runtime's tier, made stricter by a select rule */
        choose(&p, NULL, "runwarden-trusted", "{\"runwarden.io/tier\": \"service\"}", NULL, &c);
        assert_string_equal(c.tier->name, "service");
        assert_int_equal(c.source, RW_TIER_FROM_SELECT);
        assert_string_equal(c.reason, "select rule 1: annotation runwarden.io/tier=service");
        choose(&p, NULL, "runwarden-trusted", NULL, NULL, &c);
        assert_string_equal(c.tier->name, "trusted");
        assert_int_equal(c.source, RW_TIER_FROM_BINARY_NAME);
        assert_string_equal(c.reason, "invoked as runwarden-trusted");

        choose(&p, NULL, "/usr/local/bin/runwarden-service", NULL, NULL, &c);
        assert_string_equal(c.tier->name, "service");
        assert_string_equal(c.reason, "invoked as runwarden-service");

        /* names that do not carry a tier */
        static const char *const plain[] = {"runwarden", "runwardenctl",       "runwarden-",
                                            "runc",      "xrunwarden-trusted", "runwarden_trusted"};
        for (size_t i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
                choose(&p, NULL, plain[i], NULL, NULL, &c);
                assert_string_equal(c.tier->name, "untrusted");
                assert_int_equal(c.source, RW_TIER_FROM_DEFAULT);
                assert_string_equal(c.reason, "default_tier untrusted");
        }
        choose(&p, NULL, NULL, NULL, NULL, &c);
        assert_string_equal(c.reason, "default_tier untrusted");

        /* an unknown tier named by the operator is an error, never a guess */
        assert_int_equal(rw_policy_choose_tier(&p, "trustd", "runwarden", NULL, NULL, &c, &err),
                         -ENOENT);
        assert_string_equal(err.msg, "--tier names tier \"trustd\", which "
                                     "selection.json does not define");
        assert_int_equal(
            rw_policy_choose_tier(&p, NULL, "runwarden-baseline", NULL, NULL, &c, &err), -ENOENT);
        assert_string_equal(err.msg, "the binary name runwarden-baseline names tier "
                                     "\"baseline\", which selection.json does not "
                                     "define");
}

static void test_choose_select(void **state)
{
        _cleanup_policy_ struct rw_policy p = {0};
        struct rw_tier_choice c;

        (void)state;
        load_selection(&p);
        /* a trusted annotation may pick a stricter tier ... */
        choose(&p, NULL, "runwarden", "{\"runwarden.io/tier\": \"service\"}", NULL, &c);
        assert_string_equal(c.tier->name, "service");
        assert_int_equal(c.source, RW_TIER_FROM_SELECT);
        assert_int_equal(c.rule, 0);
        assert_string_equal(c.reason, "select rule 1: annotation runwarden.io/tier=service");
        /* ... and a weaker one */
        choose(&p, NULL, "runwarden", "{\"runwarden.io/tier\": \"trusted\", \"x\": \"y\"}", NULL,
               &c);
        assert_string_equal(c.tier->name, "trusted");
        assert_int_equal(c.rule, 3);
        assert_string_equal(c.reason, "select rule 4: annotation runwarden.io/tier=trusted");
        assert_string_equal(c.skipped, "");
        /* values that match no rule */
        choose(&p, NULL, "runwarden", "{\"runwarden.io/tier\": \"Trusted\"}", NULL, &c);
        assert_string_equal(c.tier->name, "untrusted");
        choose(&p, NULL, "runwarden", "{\"runwarden.io/tier\": 1}", NULL, &c);
        assert_string_equal(c.tier->name, "untrusted");
        /* annotations that are not an object are ignored rather than trusted */
        choose(&p, NULL, "runwarden", "[\"runwarden.io/tier\"]", NULL, &c);
        assert_string_equal(c.tier->name, "untrusted");
        /* first match wins: service before the fork rule */
        choose(&p, NULL, "runwarden", "{\"runwarden.io/tier\": \"service\"}",
               (const char *const[]){"CI_MERGE_REQUEST_SOURCE_PROJECT_ID=7",
                                     "CI_MERGE_REQUEST_PROJECT_ID=3", NULL},
               &c);
        assert_string_equal(c.tier->name, "service");
}

static void test_choose_gitlab_fork(void **state)
{
        _cleanup_policy_ struct rw_policy p = {0};
        struct rw_tier_choice c;
        const char *trusted = "{\"runwarden.io/tier\": \"trusted\"}";

        (void)state;
        load_selection(&p);
        /* a merge request from a fork, on a runner that marks its jobs trusted */
        choose(&p, NULL, "runwarden", trusted,
               (const char *const[]){"PATH=/usr/bin", "CI_MERGE_REQUEST_PROJECT_ID=3",
                                     "CI_MERGE_REQUEST_SOURCE_PROJECT_ID=7", NULL},
               &c);
        assert_string_equal(c.tier->name, "untrusted");
        assert_int_equal(c.source, RW_TIER_FROM_SELECT);
        assert_int_equal(c.rule, 1);
        assert_string_equal(c.reason, "select rule 2: env CI_MERGE_REQUEST_SOURCE_PROJECT_ID "
                                      "differs from CI_MERGE_REQUEST_PROJECT_ID");
        /* a merge request inside the project */
        choose(&p, NULL, "runwarden", trusted,
               (const char *const[]){"CI_MERGE_REQUEST_PROJECT_ID=3",
                                     "CI_MERGE_REQUEST_SOURCE_PROJECT_ID=3", NULL},
               &c);
        assert_string_equal(c.tier->name, "trusted");
        /* "differs" needs both variables */
        choose(&p, NULL, "runwarden", trusted,
               (const char *const[]){"CI_MERGE_REQUEST_SOURCE_PROJECT_ID=7", NULL}, &c);
        assert_string_equal(c.tier->name, "trusted");
        /* an empty value is present, and differs from "3" */
        choose(&p, NULL, "runwarden", trusted,
               (const char *const[]){"CI_MERGE_REQUEST_PROJECT_ID=3",
                                     "CI_MERGE_REQUEST_SOURCE_PROJECT_ID=", NULL},
               &c);
        assert_string_equal(c.tier->name, "untrusted");
}

static void test_choose_github(void **state)
{
        _cleanup_policy_ struct rw_policy p = {0};
        struct rw_tier_choice c;
        const char *trusted = "{\"runwarden.io/tier\": \"trusted\"}";

        (void)state;
        load_selection(&p);
        choose(&p, NULL, "runwarden", trusted,
               (const char *const[]){"GITHUB_EVENT_NAME=pull_request_target",
                                     "GITHUB_REPOSITORY=o/r", NULL},
               &c);
        assert_string_equal(c.tier->name, "untrusted");
        assert_string_equal(c.reason, "select rule 3: env GITHUB_EVENT_NAME=pull_request_target");
        choose(&p, NULL, "runwarden", trusted,
               (const char *const[]){"GITHUB_EVENT_NAME=pull_request", NULL}, &c);
        assert_string_equal(c.reason, "select rule 3: env GITHUB_EVENT_NAME=pull_request");
        choose(&p, NULL, "runwarden", trusted,
               (const char *const[]){"GITHUB_EVENT_NAME=push", NULL}, &c);
        assert_string_equal(c.tier->name, "trusted");
        /* without the runner's annotation a push is still the default */
        choose(&p, NULL, "runwarden", NULL, (const char *const[]){"GITHUB_EVENT_NAME=push", NULL},
               &c);
        assert_string_equal(c.tier->name, "untrusted");
        assert_string_equal(c.reason, "default_tier untrusted");
}

static void test_choose_env_last_occurrence(void **state)
{
        _cleanup_policy_ struct rw_policy p = {0};
        struct rw_tier_choice c;
        const char *trusted = "{\"runwarden.io/tier\": \"trusted\"}";

        (void)state;
        load_selection(&p);
        /* runc sets the variables in order: the process sees the last one, so does the rule */
        choose(
            &p, NULL, "runwarden", trusted,
            (const char *const[]){"GITHUB_EVENT_NAME=pull_request", "GITHUB_EVENT_NAME=push", NULL},
            &c);
        assert_string_equal(c.tier->name, "trusted");
        choose(
            &p, NULL, "runwarden", trusted,
            (const char *const[]){"GITHUB_EVENT_NAME=push", "GITHUB_EVENT_NAME=pull_request", NULL},
            &c);
        assert_string_equal(c.tier->name, "untrusted");
        /* an entry without "=" is no variable; a longer name is another variable */
        choose(&p, NULL, "runwarden", trusted,
               (const char *const[]){"GITHUB_EVENT_NAME", "GITHUB_EVENT_NAMES=pull_request",
                                     "GITHUB_EVENT_NAME=pull_request", NULL},
               &c);
        assert_string_equal(c.tier->name, "untrusted");
        choose(&p, NULL, "runwarden", trusted,
               (const char *const[]){"GITHUB_EVENT_NAMES=pull_request",
                                     "GITHUB_EVENT_NAM=pull_request", NULL},
               &c);
        assert_string_equal(c.tier->name, "trusted");
        /* non-string entries and a non-array env are ignored */
        {
                _cleanup_json_ json_t *env =
                    rw_test_parse("[1, null, \"GITHUB_EVENT_NAME=pull_request\"]");
                _cleanup_json_ json_t *annotations = rw_test_parse(trusted);
                _cleanup_json_ json_t *not_env =
                    rw_test_parse("{\"GITHUB_EVENT_NAME\": \"pull_request\"}");
                struct rw_error err = {0};

                assert_int_equal(
                    rw_policy_choose_tier(&p, NULL, "runwarden", annotations, env, &c, &err), 0);
                assert_string_equal(c.tier->name, "untrusted");
                assert_int_equal(
                    rw_policy_choose_tier(&p, NULL, "runwarden", annotations, not_env, &c, &err),
                    0);
                assert_string_equal(c.tier->name, "trusted");
        }
}

/* Tiers relaxed < standard < locked; default standard. Rules 1 and 4 read job input and name a
 * weaker tier than the default: they must never apply. */
static const char weakening_policy[] =
    "{\"version\": 1, \"default_tier\": \"standard\",\n"
    " \"strictness\": [\"relaxed\", \"standard\", \"locked\"],\n"
    " \"trusted_annotations\": [\"ops/tier\"],\n"
    " \"tiers\": {\"relaxed\": {}, \"standard\": {}, \"locked\": {}},\n"
    " \"select\": [\n"
    "  {\"when\": {\"env\": {\"DEPLOY\": \"yes\"}}, \"tier\": \"relaxed\"},\n"
    "  {\"when\": {\"env\": {\"LOCKDOWN\": \"*\"}}, \"tier\": \"locked\"},\n"
    "  {\"when\": {\"annotations\": {\"ops/tier\": [\"relaxed\", \"lax\"]}}, \"tier\": "
    "\"relaxed\"},\n"
    "  {\"when\": {\"annotations\": {\"ops/tier\": \"*\", \"job/tier\": \"relaxed\"}},\n"
    "   \"tier\": \"relaxed\"},\n"
    "  {\"when\": {\"env\": {\"SAME\": \"1\"}}, \"tier\": \"standard\"}\n"
    " ]}\n";

static void test_choose_weakening_skipped(void **state)
{
        _cleanup_policy_ struct rw_policy p = {0};
        struct rw_tier_choice c;

        (void)state;
        parse_ok(weakening_policy, &p);
        assert_false(p.select[0].trusted);
        assert_false(p.select[1].trusted);
        assert_true(p.select[2].trusted);
        assert_true(p.select[2].matches[0].trusted);
        /* one untrusted match makes the whole rule untrusted */
        assert_false(p.select[3].trusted);
        assert_true(p.select[3].matches[0].trusted);
        assert_false(p.select[3].matches[1].trusted);

        /* an env rule naming a weaker tier is skipped, recorded, and the default applies */
        choose(&p, NULL, "runwarden", NULL, (const char *const[]){"DEPLOY=yes", NULL}, &c);
        assert_string_equal(c.tier->name, "standard");
        assert_int_equal(c.source, RW_TIER_FROM_DEFAULT);
        assert_string_equal(c.reason, "default_tier standard");
        assert_string_equal(c.skipped, "select rule 1 (env DEPLOY=yes) names tier relaxed, "
                                       "weaker than default_tier standard");
        /* ... and evaluation goes on with the next rule: a stricter tier applies */
        choose(&p, NULL, "runwarden", NULL, (const char *const[]){"DEPLOY=yes", "LOCKDOWN=", NULL},
               &c);
        assert_string_equal(c.tier->name, "locked");
        assert_int_equal(c.rule, 1);
        assert_string_equal(c.reason, "select rule 2: env LOCKDOWN is set");
        assert_string_equal(c.skipped, "select rule 1 (env DEPLOY=yes) names tier relaxed, "
                                       "weaker than default_tier standard");
        /* a trusted annotation may weaken */
        choose(&p, NULL, "runwarden", "{\"ops/tier\": \"lax\"}",
               (const char *const[]){"DEPLOY=yes", NULL}, &c);
        assert_string_equal(c.tier->name, "relaxed");
        assert_int_equal(c.rule, 2);
        assert_string_equal(c.reason, "select rule 3: annotation ops/tier=lax");
        /* a rule mixing a trusted and an untrusted annotation may not */
        choose(&p, NULL, "runwarden", "{\"ops/tier\": \"other\", \"job/tier\": \"relaxed\"}",
               (const char *const[]){"DEPLOY=yes", "SAME=1", NULL}, &c);
        assert_string_equal(c.tier->name, "standard");
        assert_int_equal(c.source, RW_TIER_FROM_SELECT);
        assert_string_equal(c.reason, "select rule 5: env SAME=1");
        assert_string_equal(c.skipped,
                            "select rule 1 (env DEPLOY=yes) names tier relaxed, weaker than "
                            "default_tier standard; select rule 4 (annotation ops/tier is set and "
                            "annotation job/tier=relaxed) names tier relaxed, weaker than "
                            "default_tier standard");
        /* the runtime's tier is the operator's: the job's environment may only tighten it */
        choose(&p, NULL, "runwarden-relaxed", NULL, (const char *const[]){"LOCKDOWN=1", NULL}, &c);
        assert_string_equal(c.tier->name, "locked");
        assert_int_equal(c.source, RW_TIER_FROM_SELECT);
        assert_string_equal(c.skipped, "");
        choose(&p, NULL, "runwarden-relaxed", "{\"ops/tier\": \"lax\"}", NULL, &c);
        assert_string_equal(c.tier->name, "relaxed");
}

static void test_warnings(void **state)
{
        _cleanup_policy_ struct rw_policy p = {0};
        struct rw_error err = {0};
        char **w = NULL;

        (void)state;
        parse_ok(weakening_policy, &p);
        assert_int_equal(rw_policy_warnings(&p, &w, &err), 0);
        assert_non_null(w[0]);
        assert_string_equal(w[0], "test.json:6: select rule 1 reads env DEPLOY, which the job can "
                                  "set, and names tier relaxed, weaker than default_tier standard: "
                                  "it is always skipped");
        assert_non_null(w[1]);
        assert_string_equal(w[1], "test.json:9: select rule 4 reads annotation job/tier (not "
                                  "trusted), which the job can set, and names tier relaxed, weaker "
                                  "than default_tier standard: it is always skipped");
        assert_null(w[2]);
        rw_strv_free(w);
        rw_strv_free(NULL);
}

/* ---- the built-in baseline ---- */

static void test_baseline(void **state)
{
        _cleanup_policy_ struct rw_policy p = {0};
        struct rw_settings base;
        struct rw_tier_choice c;
        struct rw_error err = {0};
        char **w = NULL;

        (void)state;
        assert_int_equal(rw_policy_baseline(&p, &err), 0);
        rw_settings_baseline(&base);
        assert_string_equal(p.origin, "built-in baseline");
        assert_int_equal(p.version, 1);
        assert_string_equal(p.default_tier, "baseline");
        assert_int_equal(p.n_tiers, 1);
        assert_string_equal(p.tiers[0].name, "baseline");
        assert_int_equal(p.tiers[0].mode, RW_TIER_ENFORCE);
        assert_int_equal(p.tiers[0].exec, RW_EXEC_ALLOW);
        assert_int_equal(p.tiers[0].strictness, 0);
        assert_null(p.tiers[0].runtime);
        assert_int_equal(p.tiers[0].settings.pids_limit, base.pids_limit);
        assert_ptr_equal(p.tiers[0].settings.scratch, base.scratch);
        assert_null(p.tiers[0].settings.seccomp_profile);
        assert_ptr_equal(p.tiers[0].settings.seccomp_profile_name, base.seccomp_profile_name);
        assert_int_equal(p.tiers[0].settings.seccomp_mode, base.seccomp_mode);
        assert_null(p.tiers[0].settings.capabilities);
        assert_true(p.tiers[0].settings.readonly_rootfs);
        assert_null(p.tiers[0].settings.extra_bind_prefixes);
        assert_null(p.tiers[0].settings.requirements);
        assert_null(p.tiers[0].settings.tuning);
        assert_null(p.trusted_annotations[0]);
        assert_int_equal(p.n_select, 0);
        assert_string_equal(p.audit_log, RW_AUDIT_LOG_DEFAULT);
        assert_false(p.audit_log_refuse);

        choose(&p, NULL, "runwarden", "{\"runwarden.io/tier\": \"trusted\"}", NULL, &c);
        assert_ptr_equal(c.tier, &p.tiers[0]);
        assert_string_equal(c.reason, "default_tier baseline");
        choose(&p, "baseline", NULL, NULL, NULL, &c);
        assert_string_equal(c.reason, "--tier baseline");
        assert_int_equal(rw_policy_choose_tier(&p, NULL, "runwarden-trusted", NULL, NULL, &c, &err),
                         -ENOENT);
        assert_int_equal(rw_policy_warnings(&p, &w, &err), 0);
        assert_null(w[0]);
        rw_strv_free(w);
}

/* ---- loading a file ---- */

struct tmpdir {
        char path[64];
        char file[96];
};

static int tmpdir_setup(void **state)
{
        struct tmpdir *t = calloc(1, sizeof(*t));

        assert_non_null(t);
        strcpy(t->path, "/tmp/rw-test-policy-XXXXXX");
        assert_non_null(mkdtemp(t->path));
        snprintf(t->file, sizeof(t->file), "%s/policy.json", t->path);
        *state = t;
        return 0;
}

static int tmpdir_teardown(void **state)
{
        struct tmpdir *t = *state;
        char link[128];

        snprintf(link, sizeof(link), "%s/link.json", t->path);
        unlink(link);
        unlink(t->file);
        chmod(t->path, 0700);
        assert_int_equal(rmdir(t->path), 0);
        free(t);
        return 0;
}

static void write_policy(const char *path, const char *text, mode_t mode)
{
        _cleanup_close_ int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

        assert_true(fd >= 0);
        assert_int_equal(write(fd, text, strlen(text)), (ssize_t)strlen(text));
        assert_int_equal(fchmod(fd, mode), 0);
}

static int load(const char *path, bool *found, struct rw_error *err)
{
        struct rw_policy p = {0};
        int r = rw_policy_load(path, &p, found, err);

        rw_policy_clear(&p);
        return r;
}

static void test_load(void **state)
{
        struct tmpdir *t = *state;
        _cleanup_policy_ struct rw_policy p = {0};
        _cleanup_free_ char *expected = NULL;
        struct rw_error err = {0};
        bool found = false;
        char link[128];

        write_policy(t->file, inherit_policy, 0644);
        assert_int_equal(rw_policy_load(t->file, &p, &found, &err), 0);
        assert_true(found);
        assert_string_equal(p.origin, t->file);
        assert_int_equal(p.n_tiers, 3);

        /* errors name the file */
        write_policy(t->file, "{\"version\": 1,\n \"tiers\": {,}}\n", 0644);
        assert_int_equal(load(t->file, &found, &err), -EINVAL);
        assert_true(asprintf(&expected, "%s:2:12: string or '}' expected near ','", t->file) > 0);
        assert_string_equal(err.msg, expected);

        /* a policy named on the command line must exist */
        unlink(t->file);
        assert_int_equal(load(t->file, &found, &err), -ENOENT);
        assert_non_null(strstr(err.msg, "policy.json"));

        /* a symlink is refused, even to a good file */
        write_policy(t->file, inherit_policy, 0644);
        snprintf(link, sizeof(link), "%s/link.json", t->path);
        assert_int_equal(symlink(t->file, link), 0);
        assert_int_equal(load(link, &found, &err), -ELOOP);
}

static void test_load_permissions(void **state)
{
        struct tmpdir *t = *state;
        struct rw_error err = {0};
        bool found;

        if (geteuid() != 0)
                skip();
        write_policy(t->file, inherit_policy, 0644);
        assert_int_equal(load(t->file, &found, &err), 0);

        write_policy(t->file, inherit_policy, 0666);
        assert_int_equal(load(t->file, &found, &err), -EPERM);
        assert_non_null(strstr(err.msg, "writable by group or others (mode 0666)"));
        write_policy(t->file, inherit_policy, 0664);
        assert_int_equal(load(t->file, &found, &err), -EPERM);

        write_policy(t->file, inherit_policy, 0644);
        assert_int_equal(chown(t->file, 1000, 0), 0);
        assert_int_equal(load(t->file, &found, &err), -EPERM);
        assert_non_null(strstr(err.msg, "owned by uid 1000, not root"));
        assert_int_equal(chown(t->file, 0, 0), 0);

        /* a directory where others could replace the file */
        assert_int_equal(chmod(t->path, 0777), 0);
        assert_int_equal(load(t->file, &found, &err), -EPERM);
        assert_non_null(strstr(err.msg, "is writable by group or others (mode 0777)"));
        /* ... unless it is sticky, like /tmp */
        assert_int_equal(chmod(t->path, 01777), 0);
        assert_int_equal(load(t->file, &found, &err), 0);
        assert_int_equal(chmod(t->path, 0700), 0);
        assert_int_equal(chown(t->path, 1000, 0), 0);
        assert_int_equal(load(t->file, &found, &err), -EPERM);
        assert_non_null(strstr(err.msg, "is owned by uid 1000, not root"));
        assert_int_equal(chown(t->path, 0, 0), 0);
}

static void test_load_default(void **state)
{
        _cleanup_policy_ struct rw_policy p = {0};
        struct rw_error err = {0};
        bool found = true;

        (void)state;
        /* Only meaningful where no policy is installed (the build machines). */
        if (access(RW_POLICY_DEFAULT_PATH, F_OK) == 0 || errno != ENOENT)
                skip();
        assert_int_equal(rw_policy_load(NULL, &p, &found, &err), 0);
        assert_false(found);
        assert_string_equal(p.default_tier, "baseline");
        assert_false(p.audit_log_refuse);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_example_top_level),
            cmocka_unit_test(test_docs_example_is_the_file),
            cmocka_unit_test(test_example_untrusted),
            cmocka_unit_test(test_example_trusted),
            cmocka_unit_test(test_example_service),
            cmocka_unit_test(test_inheritance),
            cmocka_unit_test(test_every_rule_tunable),
            cmocka_unit_test(test_errors),
            cmocka_unit_test(test_json_errors),
            cmocka_unit_test(test_unknown_keys_everywhere),
            cmocka_unit_test(test_error_without_location),
            cmocka_unit_test(test_choose_flag_and_name),
            cmocka_unit_test(test_choose_select),
            cmocka_unit_test(test_choose_gitlab_fork),
            cmocka_unit_test(test_choose_github),
            cmocka_unit_test(test_choose_env_last_occurrence),
            cmocka_unit_test(test_choose_weakening_skipped),
            cmocka_unit_test(test_warnings),
            cmocka_unit_test(test_baseline),
            cmocka_unit_test_setup_teardown(test_load, tmpdir_setup, tmpdir_teardown),
            cmocka_unit_test_setup_teardown(test_load_permissions, tmpdir_setup, tmpdir_teardown),
            cmocka_unit_test(test_load_default),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
