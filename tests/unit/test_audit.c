/* SPDX-License-Identifier: Apache-2.0 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "audit.h"
#include "auditlog.h"
#include "cleanup.h"
#include "json.h"

#define AWS_KEY_ID     "AKIAIOSFODNN7EXAMPLE"
#define AWS_SECRET_KEY "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
#define TEST_ID        "0123456789abcdef0123456789abcdef"

/* 2026-11-22T18:00:00.000001234Z */
static const struct timespec test_time = {.tv_sec = 1795370400, .tv_nsec = 1234};

static const char ci_spec[] =
    "{\"ociVersion\":\"1.0.2\","
    "\"process\":{\"args\":[\"sh\"],\"cwd\":\"/builds\","
    "\"env\":[\"PATH=/usr/bin\",\"CI_JOB_ID=4242\",\"CI_PROJECT_PATH=group/app\","
    "\"CI_PIPELINE_ID=977\",\"CI_JOB_TOKEN=glcbt-secretjobtoken\","
    "\"AWS_ACCESS_KEY_ID=" AWS_KEY_ID "\",\"AWS_SECRET_ACCESS_KEY=" AWS_SECRET_KEY "\"],"
    "\"capabilities\":{\"bounding\":[\"CAP_CHOWN\",\"CAP_SYS_ADMIN\"]}},"
    "\"mounts\":[{\"destination\":\"/var/run/docker.sock\",\"type\":\"bind\","
    "\"source\":\"/var/run/docker.sock\"}],"
    "\"annotations\":{\"io.kubernetes.pod.namespace\":\"ci\","
    "\"io.kubernetes.pod.name\":\"runner-abc-project-7-concurrent-0\","
    "\"secret.example/token\":\"do-not-log-me\"}}";

static char *format(const struct rw_audit_entry *d)
{
        char *line = rw_audit_format(d);

        assert_non_null(line);
        /* one line: the only newline is the last character */
        assert_ptr_equal(strchr(line, '\n'), line + strlen(line) - 1);
        return line;
}

/* The plan a create of ci_spec gets: built with the builders the rules use. */
static void build_ci_plan(json_t *spec, struct rw_plan *plan)
{
        json_t *env = rw_test_get(spec, "/process/env");

        rw_plan_init(plan);
        rw_plan_set_new(plan, "caps-drop", "/process/capabilities/bounding",
                        rw_test_get(spec, "/process/capabilities/bounding"), json_array(),
                        "all capabilities dropped");
        rw_plan_array_remove_redacted(
            plan, "secret-in-env", "/process/env", 5, json_array_get(env, 5),
            json_string("AWS_ACCESS_KEY_ID=<redacted: AWS access key id>"),
            "long-lived AWS access key id in AWS_ACCESS_KEY_ID removed");
        rw_plan_deny(plan, "host-mount", "/var/run/docker.sock", "bind mount of %s",
                     "/var/run/docker.sock");
        rw_plan_warn(plan, "pids-limit", "no pids limit");
        assert_false(plan->oom);
}

static void test_realistic_line(void **state)
{
        _cleanup_json_ json_t *spec = rw_test_parse(ci_spec);
        _cleanup_plan_ struct rw_plan plan;
        _cleanup_free_ char *line = NULL;
        _cleanup_json_ json_t *doc = NULL;
        static const char *const keys[] = {
            "time",        "id",      "command",  "container_id", "bundle",  "tier",
            "tier_reason", "mode",    "job",      "outcome",      "changes", "denials",
            "warnings",    "message", "delegate", "duration_us",
        };
        const char *key;
        json_t *value;
        size_t i = 0;
        json_error_t jerr;
        struct rw_audit_entry d = {
            .time = test_time,
            .id = TEST_ID,
            .command = "create",
            .container_id = "c1",
            .bundle = "/run/containerd/io.containerd.runtime.v2.task/moby/c1",
            .tier = "untrusted",
            .tier_reason = "default_tier",
            .mode = RW_TIER_ENFORCE,
            .spec = spec,
            .plan = &plan,
            .outcome = RW_OUTCOME_REFUSED,
            .message = "refused by rule host-mount: bind mount of /var/run/docker.sock",
            .delegate = "/usr/bin/runc",
            .duration_ns = 1234567,
        };

        (void)state;
        build_ci_plan(spec, &plan);
        line = format(&d);

        assert_string_equal(
            line,
            "{\"time\":\"2026-11-22T18:00:00.000001234Z\",\"id\":\"" TEST_ID "\","
            "\"command\":\"create\",\"container_id\":\"c1\","
            "\"bundle\":\"/run/containerd/io.containerd.runtime.v2.task/moby/c1\","
            "\"tier\":\"untrusted\",\"tier_reason\":\"default_tier\",\"mode\":\"enforce\","
            "\"job\":{\"gitlab\":{\"job_id\":\"4242\",\"project_path\":\"group/app\","
            "\"pipeline_id\":\"977\"},\"kubernetes\":{\"namespace\":\"ci\","
            "\"pod\":\"runner-abc-project-7-concurrent-0\"}},"
            "\"outcome\":\"refused\","
            "\"changes\":[{\"rule\":\"caps-drop\",\"path\":\"/process/capabilities/bounding\","
            "\"before\":[\"CAP_CHOWN\",\"CAP_SYS_ADMIN\"],\"after\":[],"
            "\"reason\":\"all capabilities dropped\"},"
            "{\"rule\":\"secret-in-env\",\"path\":\"/process/env/5\","
            "\"before\":\"AWS_ACCESS_KEY_ID=<redacted: AWS access key id>\","
            "\"reason\":\"long-lived AWS access key id in AWS_ACCESS_KEY_ID removed\"}],"
            "\"denials\":[{\"rule\":\"host-mount\",\"item\":\"/var/run/docker.sock\","
            "\"reason\":\"bind mount of /var/run/docker.sock\"}],"
            "\"warnings\":[{\"rule\":\"pids-limit\",\"text\":\"no pids limit\"}],"
            "\"message\":\"refused by rule host-mount: bind mount of /var/run/docker.sock\","
            "\"delegate\":\"/usr/bin/runc\",\"duration_us\":1234}\n");

        /* Nothing of the environment but the identity, in particular no credential. */
        assert_null(strstr(line, AWS_KEY_ID));
        assert_null(strstr(line, "wJalrXUtnFEMI"));
        assert_null(strstr(line, "glcbt-"));
        assert_null(strstr(line, "do-not-log-me"));
        assert_null(strstr(line, "PATH=/usr/bin"));

        doc = json_loads(line, 0, &jerr);
        assert_non_null(doc);
        json_object_foreach(doc, key, value)
        {
                assert_true(i < RW_ELEMENTSOF(keys));
                assert_string_equal(key, keys[i]);
                i++;
        }
        assert_int_equal(i, RW_ELEMENTSOF(keys));
        assert_string_equal(json_string_value(rw_test_get(doc, "/job/gitlab/project_path")),
                            "group/app");
        assert_string_equal(json_string_value(rw_test_get(doc, "/job/kubernetes/namespace")), "ci");
        assert_int_equal(json_integer_value(json_object_get(doc, "duration_us")), 1234);
}

/* The captured docker spec with -e AWS_ACCESS_KEY_ID=..., through the real secret rule, whatever
 * the tier does with it (strip, refuse, warn): the key never reaches the line. */
static void test_fixture_secret_never_logged(void **state)
{
        static const enum rw_rule_action actions[] = {RW_RULE_ENFORCE, RW_RULE_REFUSE,
                                                      RW_RULE_WARN};
        _cleanup_json_ json_t *spec = rw_test_load_fixture("docker-privileged-sock-host.json");

        (void)state;
        for (size_t i = 0; i < RW_ELEMENTSOF(actions); i++) {
                const struct rw_rule_tuning tuning[] = {{"secret-in-env", actions[i]}, {NULL}};
                _cleanup_plan_ struct rw_plan plan;
                _cleanup_free_ char *line = NULL;
                _cleanup_json_ json_t *doc = NULL;
                struct rw_audit_entry d = {
                    .time = test_time,
                    .id = TEST_ID,
                    .command = "create",
                    .container_id = "a4c779a04422",
                    .tier = "untrusted",
                    .spec = spec,
                    .plan = &plan,
                    .outcome = RW_OUTCOME_REWRITTEN,
                };

                rw_plan_init(&plan);
                rw_rules_secrets(json_object_get(spec, "process"), "/process", &plan);
                rw_plan_tune(&plan, tuning);
                assert_false(plan.oom);
                assert_true(plan.n_changes + plan.n_denials + plan.n_warnings > 0);
                line = format(&d);
                assert_non_null(strstr(line, "AWS_ACCESS_KEY_ID"));
                assert_null(strstr(line, AWS_KEY_ID));
                assert_null(strstr(line, "IOSFODNN7"));
                doc = rw_test_parse(line);
                assert_string_equal(json_string_value(rw_test_get(doc, "/job/gitlab/job_id")),
                                    "4242");
                assert_string_equal(json_string_value(rw_test_get(doc, "/job/gitlab/project_path")),
                                    "group/app");
                assert_null(rw_test_get(doc, "/job/gitlab/pipeline_id"));
        }
}

static void test_exec_process_identity(void **state)
{
        /* An exec --process file: env at the top level, no annotations. */
        _cleanup_json_ json_t *process = rw_test_parse(
            "{\"args\":[\"id\"],\"cwd\":\"/\",\"env\":[\"GITHUB_REPOSITORY=first/ignored\","
            "\"GITHUB_RUN_ID=1234567\",\"GITHUB_REPOSITORY=octo/app\",\"GITHUB_TOKEN=ghs_x\","
            "\"CI_JOB_ID\",1,\"io.kubernetes.pod.name=not-an-annotation\"]}");
        _cleanup_free_ char *line = NULL;
        struct rw_audit_entry d = {
            .time = test_time,
            .id = TEST_ID,
            .command = "exec",
            .container_id = "c1",
            .spec = process,
            .outcome = RW_OUTCOME_PASSTHROUGH,
        };

        (void)state;
        line = format(&d);
        assert_string_equal(line, "{\"time\":\"2026-11-22T18:00:00.000001234Z\",\"id\":\"" TEST_ID
                                  "\",\"command\":\"exec\",\"container_id\":\"c1\","
                                  "\"job\":{\"github\":{\"repository\":\"octo/app\","
                                  "\"run_id\":\"1234567\"}},\"outcome\":\"passthrough\","
                                  "\"duration_us\":0}\n");
}

static void test_containerd_cri_annotations(void **state)
{
        _cleanup_json_ json_t *spec =
            rw_test_parse("{\"process\":{\"env\":[]},\"annotations\":{"
                          "\"io.kubernetes.cri.sandbox-namespace\":\"builds\","
                          "\"io.kubernetes.cri.sandbox-name\":\"job-17\"}}");
        _cleanup_json_ json_t *doc = NULL;
        _cleanup_free_ char *line = NULL;
        struct rw_audit_entry d = {
            .time = test_time,
            .command = "create",
            .tier = "trusted",
            .mode = RW_TIER_AUDIT,
            .spec = spec,
            .outcome = RW_OUTCOME_AUDITED,
        };

        (void)state;
        line = format(&d);
        doc = rw_test_parse(line);
        assert_string_equal(json_string_value(rw_test_get(doc, "/mode")), "audit");
        assert_string_equal(json_string_value(rw_test_get(doc, "/outcome")), "audited");
        assert_string_equal(json_string_value(rw_test_get(doc, "/job/kubernetes/namespace")),
                            "builds");
        assert_string_equal(json_string_value(rw_test_get(doc, "/job/kubernetes/pod")), "job-17");
        assert_null(rw_test_get(doc, "/job/gitlab"));
}

static void test_verbatim_numbers(void **state)
{
        _cleanup_json_ json_t *spec =
            rw_test_parse("{\"process\":{\"rlimits\":[{\"type\":\"RLIMIT_MEMLOCK\","
                          "\"hard\":18446744073709551615,\"soft\":18446744073709551615}]}}");
        _cleanup_plan_ struct rw_plan plan;
        _cleanup_free_ char *line = NULL;
        _cleanup_json_ json_t *doc = NULL;
        struct rw_audit_entry d = {
            .time = test_time,
            .command = "create",
            .plan = &plan,
            .outcome = RW_OUTCOME_REWRITTEN,
        };

        (void)state;
        rw_plan_init(&plan);
        rw_plan_set_new(&plan, "rlimits", "/process/rlimits/0/hard",
                        rw_test_get(spec, "/process/rlimits/0/hard"), json_integer(65536),
                        "capped");
        rw_plan_set(&plan, "rlimits", "/process/rlimits", rw_test_get(spec, "/process/rlimits"),
                    rw_test_get(spec, "/process/rlimits"), "unchanged");
        line = format(&d);
        assert_non_null(strstr(line, "\"before\":18446744073709551615,\"after\":65536,"));
        assert_non_null(
            strstr(line, "\"hard\":18446744073709551615,\"soft\":18446744073709551615"));
        assert_null(strstr(line, "rwnum"));
        assert_null(strstr(line, "\\u0000"));
        /* It is a number to any JSON reader (jansson reads it as a real). */
        doc = json_loads(line, JSON_DECODE_INT_AS_REAL, NULL);
        assert_non_null(doc);
        assert_true(json_is_number(rw_test_get(doc, "/changes/0/before")));
}

static void test_null_fields_omitted(void **state)
{
        _cleanup_plan_ struct rw_plan empty;
        _cleanup_free_ char *line = NULL, *line2 = NULL;
        struct rw_audit_entry d = {
            .time = {.tv_sec = 0, .tv_nsec = 5},
            .command = "start",
            .tier_skipped = "",
            .mode = RW_TIER_AUDIT, /* no tier: no mode */
            .outcome = RW_OUTCOME_PASSTHROUGH,
            .duration_ns = 999,
        };

        (void)state;
        line = format(&d);
        assert_string_equal(line, "{\"time\":\"1970-01-01T00:00:00.000000005Z\","
                                  "\"command\":\"start\",\"outcome\":\"passthrough\","
                                  "\"duration_us\":0}\n");

        /* An empty plan adds no empty arrays; a skipped select rule is reported. */
        rw_plan_init(&empty);
        d.plan = &empty;
        d.tier = "baseline";
        d.tier_skipped = "select rule 2 (env GITHUB_EVENT_NAME) names a weaker tier";
        d.outcome = RW_OUTCOME_UNCHANGED;
        line2 = format(&d);
        assert_string_equal(line2, "{\"time\":\"1970-01-01T00:00:00.000000005Z\","
                                   "\"command\":\"start\",\"tier\":\"baseline\","
                                   "\"tier_skipped\":\"select rule 2 (env GITHUB_EVENT_NAME) "
                                   "names a weaker tier\",\"mode\":\"audit\","
                                   "\"outcome\":\"unchanged\",\"duration_us\":0}\n");
}

/* The egress of a create (the rules) or a delete (the counters), after the warnings. */
static void test_egress_field(void **state)
{
        _cleanup_json_ json_t *egress =
            json_pack("{s:s, s:[s]}", "mode", "deny-list", "rules",
                      "egress.metadata: ip daddr 169.254.0.0/16 reject");
        _cleanup_free_ char *line = NULL;
        struct rw_audit_entry d = {
            .time = {.tv_sec = 0, .tv_nsec = 5},
            .command = "create",
            .outcome = RW_OUTCOME_REWRITTEN,
            .egress = egress,
            .delegate = "/usr/bin/runc",
        };

        (void)state;
        line = format(&d);
        assert_string_equal(line, "{\"time\":\"1970-01-01T00:00:00.000000005Z\","
                                  "\"command\":\"create\",\"outcome\":\"rewritten\","
                                  "\"egress\":{\"mode\":\"deny-list\",\"rules\":"
                                  "[\"egress.metadata: ip daddr 169.254.0.0/16 reject\"]},"
                                  "\"delegate\":\"/usr/bin/runc\",\"duration_us\":0}\n");
}

static void test_text_not_utf8(void **state)
{
        char long_path[600];
        _cleanup_json_ json_t *spec = NULL;
        _cleanup_json_ json_t *doc = NULL;
        _cleanup_free_ char *line = NULL, *spec_text = NULL;
        struct rw_audit_entry d = {
            .time = test_time,
            .command = "create",
            .bundle = "/run/bundles/caf\xe9/\xc3\xa9t\xc3",
            .outcome = RW_OUTCOME_ERROR,
            .message = "cannot open /run/bundles/caf\xe9",
        };

        (void)state;
        memset(long_path, 'p', sizeof(long_path));
        memcpy(long_path, "CI_PROJECT_PATH=", 16);
        /* "é" straddles the 256-byte limit of identity values: cut before it, not inside. */
        memcpy(long_path + 16 + 255, "\xc3\xa9", 2);
        long_path[sizeof(long_path) - 1] = '\0';
        assert_true(asprintf(&spec_text, "{\"process\":{\"env\":[\"%s\"]}}", long_path) > 0);
        spec = rw_test_parse(spec_text);
        d.spec = spec;

        line = format(&d);
        doc = rw_test_parse(line);
        assert_string_equal(json_string_value(json_object_get(doc, "bundle")),
                            "/run/bundles/caf\\xe9/\xc3\xa9t\\xc3");
        assert_string_equal(json_string_value(json_object_get(doc, "message")),
                            "cannot open /run/bundles/caf\\xe9");
        assert_string_equal(json_string_value(json_object_get(doc, "outcome")), "error");
        assert_int_equal(strlen(json_string_value(rw_test_get(doc, "/job/gitlab/project_path"))),
                         255);
}

static void test_outcome_names(void **state)
{
        (void)state;
        assert_string_equal(rw_outcome_name(RW_OUTCOME_UNCHANGED), "unchanged");
        assert_string_equal(rw_outcome_name(RW_OUTCOME_REWRITTEN), "rewritten");
        assert_string_equal(rw_outcome_name(RW_OUTCOME_REFUSED), "refused");
        assert_string_equal(rw_outcome_name(RW_OUTCOME_ERROR), "error");
        assert_string_equal(rw_outcome_name(RW_OUTCOME_AUDITED), "audited");
        assert_string_equal(rw_outcome_name(RW_OUTCOME_PASSTHROUGH), "passthrough");
}

static int cmp_ids(const void *a, const void *b)
{
        return strcmp(a, b);
}

static void test_ids_unique_hex(void **state)
{
        enum { N = 2000 };
        char(*ids)[33] = calloc(N, sizeof(*ids));
        struct rw_error err = {0};

        (void)state;
        assert_non_null(ids);
        for (size_t i = 0; i < N; i++) {
                assert_int_equal(rw_audit_new_id(ids[i], &err), 0);
                assert_int_equal(strlen(ids[i]), 32);
                assert_int_equal(strspn(ids[i], "0123456789abcdef"), 32);
        }
        qsort(ids, N, sizeof(*ids), cmp_ids);
        for (size_t i = 1; i < N; i++)
                assert_string_not_equal(ids[i - 1], ids[i]);
        free(ids);
}

/* A whole seccomp profile as a change's value is summarised, not logged in full. */
static void test_large_values_summarised(void **state)
{
        _cleanup_plan_ struct rw_plan plan;
        _cleanup_free_ char *line = NULL;
        _cleanup_json_ json_t *parsed = NULL;
        json_t *big = json_array();
        struct rw_audit_entry d = {
            .command = "create",
            .outcome = RW_OUTCOME_REWRITTEN,
        };

        (void)state;
        for (int i = 0; i < 400; i++)
                json_array_append_new(big, json_string("SCMP_ACT_ALLOW"));
        rw_plan_init(&plan);
        rw_plan_set_new(&plan, "seccomp", "/linux/seccomp", NULL, big, "profile applied");
        rw_plan_set_new(&plan, "pids-limit", "/linux/resources/pids/limit", NULL,
                        json_integer(4096), "limit");
        d.plan = &plan;
        line = format(&d);
        assert_true(strlen(line) < 1024);
        parsed = json_loads(line, 0, NULL);
        assert_non_null(parsed);
        assert_string_equal(json_string_value(json_object_get(
                                json_array_get(json_object_get(parsed, "changes"), 0), "after")),
                            "<array of 6801 bytes, not logged in full>");
        assert_int_equal(json_integer_value(json_object_get(
                             json_array_get(json_object_get(parsed, "changes"), 1), "after")),
                         4096);
}

/* A line whose only change has `value` (taken) as its "after": summarised above 1 KB only. */
static void check_value_summary(json_t *value)
{
        _cleanup_plan_ struct rw_plan plan;
        _cleanup_free_ char *line = NULL, *expected = NULL, *dumped = NULL;
        _cleanup_json_ json_t *parsed = NULL;
        struct rw_audit_entry d = {.command = "create", .outcome = RW_OUTCOME_REWRITTEN};
        size_t size = rw_json_compact_size(value), len = 0;
        struct rw_error err = {0};
        const json_t *after;

        rw_plan_init(&plan);
        rw_plan_set_new(&plan, "seccomp", "/linux/seccomp", NULL, json_incref(value), "test");
        d.plan = &plan;
        line = format(&d);
        parsed = rw_test_parse(line);
        after = json_object_get(json_array_get(json_object_get(parsed, "changes"), 0), "after");
        if (size > 1024) {
                assert_true(asprintf(&expected, "<%s of %zu bytes, not logged in full>",
                                     json_is_object(value) ? "object" : "array", size) > 0);
                assert_string_equal(json_string_value(after), expected);
        } else {
                assert_int_equal(rw_json_dump(value, &dumped, &len, &err), 0);
                assert_non_null(after);
                assert_non_null(strstr(line, dumped));
        }
        json_decref(value);
}

/* The size a summary gives is rw_json_compact_size()'s, whatever the value holds. */
static void test_value_sizes(void **state)
{
        static const char *const strings[] = {
            "SCMP_ACT_ALLOW",
            "",
            "quote \" backslash \\ slash /",
            "\b\f\n\r\t\x01\x1f\x7f",
            "\xc3\xa9t\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xb3",
        };
        static const json_int_t integers[] = {0, 9, 10, -1, -10, 4096, INT64_MAX, INT64_MIN};

        (void)state;
        for (size_t n = 0; n < 120; n += 7) {
                json_t *array = json_array(), *object = json_object(), *nested = json_object();

                for (size_t i = 0; i < n; i++) {
                        char key[32];

                        json_array_append_new(array,
                                              json_string(strings[i % RW_ELEMENTSOF(strings)]));
                        json_array_append_new(array,
                                              json_integer(integers[i % RW_ELEMENTSOF(integers)]));
                        snprintf(key, sizeof(key), "k\t\"%zu\xc3\xa9", i);
                        json_object_set_new(object, key,
                                            i % 3 == 0   ? json_true()
                                            : i % 3 == 1 ? json_false()
                                                         : json_null());
                }
                json_object_set_new(nested, "empty", json_object());
                json_object_set_new(nested, "none", json_array());
                json_object_set_new(nested, "big", rw_test_parse("18446744073709551615"));
                json_object_set(nested, "array", array);
                json_object_set(nested, "object", object);
                check_value_summary(json_incref(array));
                check_value_summary(json_incref(object));
                check_value_summary(nested);
                json_decref(array);
                json_decref(object);
        }
}

/* An identity value of ASCII is cut at 256 bytes too, and control characters are escaped. */
static void test_identity_ascii_cut(void **state)
{
        char long_path[600];
        _cleanup_json_ json_t *spec = NULL, *doc = NULL;
        _cleanup_free_ char *line = NULL, *spec_text = NULL;
        struct rw_audit_entry d = {
            .command = "create",
            .outcome = RW_OUTCOME_ERROR,
            .message = "tab\there, newline\n, bell\x07",
        };

        (void)state;
        memset(long_path, 'p', sizeof(long_path));
        memcpy(long_path, "CI_PROJECT_PATH=", 16);
        long_path[sizeof(long_path) - 1] = '\0';
        assert_true(asprintf(&spec_text, "{\"process\":{\"env\":[\"%s\"]}}", long_path) > 0);
        spec = rw_test_parse(spec_text);
        d.spec = spec;
        line = format(&d);
        assert_non_null(strstr(line, "\"message\":\"tab\\there, newline\\n, bell\\u0007\""));
        doc = rw_test_parse(line);
        assert_int_equal(strlen(json_string_value(rw_test_get(doc, "/job/gitlab/project_path"))),
                         256);
}

static json_int_t count(const json_t *counts, const char *key)
{
        return json_integer_value(json_object_get(counts, key));
}

/* What the writer writes, the reader reads back: a create, its start, its delete. */
static void test_log_read_back(void **state)
{
        _cleanup_json_ json_t *spec = rw_test_parse(ci_spec);
        _cleanup_(rw_auditlog_summary_clear) struct rw_auditlog_summary sum = {0};
        _cleanup_plan_ struct rw_plan plan;
        _cleanup_free_ char *create = NULL, *start = NULL, *delete = NULL;
        struct rw_error err = {0};
        struct rw_audit_entry d = {
            .time = test_time,
            .command = "create",
            .container_id = "c1",
            .tier = "untrusted",
            .mode = RW_TIER_ENFORCE,
            .spec = spec,
            .plan = &plan,
            .outcome = RW_OUTCOME_REWRITTEN,
        };

        (void)state;
        build_ci_plan(spec, &plan);
        create = format(&d);
        d = (struct rw_audit_entry){.time = test_time,
                                    .command = "start",
                                    .container_id = "c1",
                                    .tier = "untrusted",
                                    .outcome = RW_OUTCOME_PASSTHROUGH};
        start = format(&d);
        d.command = "delete";
        delete = format(&d);

        assert_int_equal(rw_auditlog_summary_init(&sum, &err), 0);
        assert_int_equal(rw_auditlog_add_line(&sum, create, strlen(create), &err), 0);
        assert_int_equal(rw_auditlog_add_line(&sum, start, strlen(start), &err), 0);
        assert_int_equal(json_object_size(sum.open), 1);
        assert_int_equal(rw_auditlog_add_line(&sum, delete, strlen(delete), &err), 0);
        /* a line cut short while it is appended, and a blank one */
        assert_int_equal(rw_auditlog_add_line(&sum, create, strlen(create) / 2, &err), 0);
        assert_int_equal(rw_auditlog_add_line(&sum, "\n", 1, &err), 0);

        assert_int_equal(sum.decisions, 3);
        assert_int_equal(sum.malformed, 1);
        assert_int_equal(count(sum.outcomes, "rewritten"), 1);
        assert_int_equal(count(sum.outcomes, "passthrough"), 2);
        assert_int_equal(count(sum.tiers, "untrusted"), 3);
        /* the project of the create, for the start and the delete that carry no job */
        assert_int_equal(count(sum.projects, "group/app"), 3);
        assert_int_equal(count(json_object_get(sum.rules, "caps-drop"), "changed"), 1);
        assert_int_equal(count(json_object_get(sum.rules, "host-mount"), "refused"), 1);
        assert_int_equal(count(sum.mounts, "/var/run/docker.sock"), 1);
        assert_int_equal(json_object_size(sum.open), 0);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_realistic_line),
            cmocka_unit_test(test_large_values_summarised),
            cmocka_unit_test(test_value_sizes),
            cmocka_unit_test(test_identity_ascii_cut),
            cmocka_unit_test(test_fixture_secret_never_logged),
            cmocka_unit_test(test_exec_process_identity),
            cmocka_unit_test(test_containerd_cri_annotations),
            cmocka_unit_test(test_verbatim_numbers),
            cmocka_unit_test(test_null_fields_omitted),
            cmocka_unit_test(test_egress_field),
            cmocka_unit_test(test_text_not_utf8),
            cmocka_unit_test(test_outcome_names),
            cmocka_unit_test(test_ids_unique_hex),
            cmocka_unit_test(test_log_read_back),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
