/* SPDX-License-Identifier: Apache-2.0 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "json.h"
#include "plan.h"

static const char *doc_text =
    "{\"ociVersion\":\"1.0.2\",\"process\":{\"cwd\":\"/\",\"capabilities\":{\"bounding\":"
    "[\"CAP_CHOWN\"]}},\"mounts\":[{\"destination\":\"/a\"},{\"destination\":\"/b\"},"
    "{\"destination\":\"/c\"}],\"annotations\":{\"x/y\":\"1\",\"keep\":\"2\"}}";

static void test_set_creates_intermediates(void **state)
{
        _cleanup_json_ json_t *doc = rw_test_parse(doc_text);
        _cleanup_json_ json_t *out = NULL;
        _cleanup_plan_ struct rw_plan plan;

        (void)state;
        rw_plan_init(&plan);
        rw_plan_set_new(&plan, "pids-limit", "/linux/resources/pids/limit", NULL,
                        json_integer(4096), "default pids limit");
        rw_plan_set_new(&plan, "caps-drop", "/process/capabilities/bounding",
                        rw_test_get(doc, "/process/capabilities/bounding"), json_array(),
                        "dropped");
        out = rw_test_apply(doc, &plan);
        assert_int_equal(json_integer_value(rw_test_get(out, "/linux/resources/pids/limit")), 4096);
        assert_int_equal(json_array_size(rw_test_get(out, "/process/capabilities/bounding")), 0);
        /* the input is never modified */
        assert_int_equal(json_array_size(rw_test_get(doc, "/process/capabilities/bounding")), 1);
        assert_null(rw_test_get(doc, "/linux"));
}

static void test_array_identity(void **state)
{
        _cleanup_json_ json_t *doc = rw_test_parse(doc_text);
        _cleanup_json_ json_t *out = NULL;
        _cleanup_plan_ struct rw_plan plan;
        json_t *mounts = json_object_get(doc, "mounts");

        (void)state;
        rw_plan_init(&plan);
        /* set a member of element 2 by index, remove element 0, insert before element 1 */
        rw_plan_set_new(&plan, "r1", "/mounts/2/type", NULL, json_string("tmpfs"), "t");
        rw_plan_array_remove(&plan, "r2", "/mounts", 0, json_array_get(mounts, 0), "gone");
        rw_plan_array_insert_new(&plan, "r3", "/mounts", json_array_get(mounts, 1),
                                 json_pack("{s:s}", "destination", "/new"), "added");
        rw_plan_array_insert_new(&plan, "r3", "/mounts", NULL,
                                 json_pack("{s:s}", "destination", "/last"), "appended");
        assert_string_equal(plan.changes[1].path, "/mounts/0");
        out = rw_test_apply(doc, &plan);
        mounts = json_object_get(out, "mounts");
        assert_int_equal(json_array_size(mounts), 4);
        assert_string_equal(json_string_value(rw_test_get(out, "/mounts/0/destination")), "/new");
        assert_string_equal(json_string_value(rw_test_get(out, "/mounts/1/destination")), "/b");
        assert_string_equal(json_string_value(rw_test_get(out, "/mounts/2/destination")), "/c");
        assert_string_equal(json_string_value(rw_test_get(out, "/mounts/2/type")), "tmpfs");
        assert_string_equal(json_string_value(rw_test_get(out, "/mounts/3/destination")), "/last");
}

/* RFC 6901: "~" as "~0", "/" as "~1"; indexes in decimal. */
static void test_pointer_join(void **state)
{
        static const struct {
                const char *parent, *key, *want;
        } keys[] = {
            {"", "process", "/process"},
            {"/annotations", "a~b/c", "/annotations/a~0b~1c"},
            {"/annotations", "", "/annotations/"},
            {"/x", "~~//", "/x/~0~0~1~1"},
        };
        static const struct {
                size_t index;
                const char *want;
        } indexes[] = {{0, "/mounts/0"},
                       {9, "/mounts/9"},
                       {10, "/mounts/10"},
                       {4294967295u, "/mounts/4294967295"}};

        (void)state;
        for (size_t i = 0; i < RW_ELEMENTSOF(keys); i++) {
                _cleanup_free_ char *p = rw_pointer_join(keys[i].parent, keys[i].key);

                assert_string_equal(p, keys[i].want);
        }
        for (size_t i = 0; i < RW_ELEMENTSOF(indexes); i++) {
                _cleanup_free_ char *p = rw_pointer_join_index("/mounts", indexes[i].index);

                assert_string_equal(p, indexes[i].want);
        }
}

static void test_delete_escaped_key(void **state)
{
        _cleanup_json_ json_t *doc = rw_test_parse(doc_text);
        _cleanup_json_ json_t *out = NULL;
        _cleanup_free_ char *ptr = rw_pointer_join("/annotations", "x/y");
        _cleanup_plan_ struct rw_plan plan;

        (void)state;
        assert_string_equal(ptr, "/annotations/x~1y");
        rw_plan_init(&plan);
        rw_plan_delete(&plan, "runtime-annotation", ptr, rw_test_get(doc, "/annotations/x~1y"),
                       "removed");
        out = rw_test_apply(doc, &plan);
        assert_null(json_object_get(json_object_get(out, "annotations"), "x/y"));
        assert_non_null(json_object_get(json_object_get(out, "annotations"), "keep"));
}

/* Keys are as long as the document makes them: the spec gate deletes unknown members by pointer,
 * and a long key must not make a valid plan fail to apply. */
static void test_long_keys(void **state)
{
        _cleanup_json_ json_t *doc = rw_test_parse(doc_text);
        _cleanup_json_ json_t *out = NULL;
        _cleanup_free_ char *key = malloc(4001);
        _cleanup_free_ char *gone = NULL;
        _cleanup_free_ char *added = NULL;
        _cleanup_plan_ struct rw_plan plan;

        (void)state;
        assert_non_null(key);
        memset(key, 'k', 4000);
        key[4000] = '\0';
        assert_int_equal(json_object_set_new(json_object_get(doc, "process"), key, json_true()), 0);
        gone = rw_pointer_join("/process", key);
        added = rw_pointer_join("/linux/sysctl", key);
        assert_non_null(rw_pointer_get(doc, gone));

        rw_plan_init(&plan);
        rw_plan_delete(&plan, "spec", gone, json_true(), "unknown member");
        rw_plan_set_new(&plan, "sysctl", added, NULL, json_string("1"), "long name");
        out = rw_test_apply(doc, &plan);
        assert_null(json_object_get(json_object_get(out, "process"), key));
        assert_string_equal(json_string_value(rw_pointer_get(out, added)), "1");
}

static void test_conflicts_and_denials_refused(void **state)
{
        _cleanup_json_ json_t *doc = rw_test_parse(doc_text);
        struct rw_error err = {0};
        _cleanup_plan_ struct rw_plan plan;
        json_t *mounts = json_object_get(doc, "mounts");

        (void)state;
        rw_plan_init(&plan);
        rw_plan_set_new(&plan, "a", "/process/cwd", NULL, json_string("/x"), "a");
        rw_plan_set_new(&plan, "b", "/process", NULL, json_object(), "b");
        assert_true(rw_plan_apply(&plan, doc, &err) < 0);
        assert_non_null(strstr(err.msg, "rules a and b"));
        rw_plan_clear(&plan);

        /* removing the same element twice means two rules disagree: fail closed */
        rw_plan_array_remove(&plan, "a", "/mounts", 1, json_array_get(mounts, 1), "a");
        rw_plan_array_remove(&plan, "b", "/mounts", 1, json_array_get(mounts, 1), "b");
        {
                _cleanup_json_ json_t *copy = json_deep_copy(doc);

                assert_true(rw_plan_apply(&plan, copy, &err) < 0);
                assert_non_null(strstr(err.msg, "gone"));
        }
        rw_plan_clear(&plan);

        rw_plan_deny(&plan, "host-mount", "/", "bind mount of /");
        assert_true(rw_plan_denied(&plan));
        assert_true(rw_plan_apply(&plan, doc, &err) < 0);
}

/* The gate's removal of an undecoded member under what another rule replaces whole is moot; one
 * that the replacement still holds stays a conflict. */
static void test_gate_removal_superseded(void **state)
{
        _cleanup_json_ json_t *doc = rw_test_parse(
            "{\"linux\":{\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ALLOW\",\"bogus\":1}}}");
        _cleanup_json_ json_t *copy = json_deep_copy(doc);
        struct rw_error err = {0};
        _cleanup_plan_ struct rw_plan plan;

        (void)state;
        rw_plan_init(&plan);
        rw_plan_delete(&plan, RW_RULE_SPEC, "/linux/seccomp/bogus", NULL, "not decoded");
        rw_plan_set_new(&plan, "seccomp", "/linux/seccomp", NULL,
                        json_pack("{s:s}", "defaultAction", "SCMP_ACT_ERRNO"), "profile");
        assert_int_equal(rw_plan_apply(&plan, doc, &err), 0);
        assert_string_equal(json_string_value(rw_test_get(doc, "/linux/seccomp/defaultAction")),
                            "SCMP_ACT_ERRNO");
        assert_null(rw_test_get(doc, "/linux/seccomp/bogus"));
        rw_plan_clear(&plan);

        /* a replacement that keeps the member: both cannot be done, refuse */
        rw_plan_delete(&plan, RW_RULE_SPEC, "/linux/seccomp/bogus", NULL, "not decoded");
        rw_plan_set_new(&plan, "seccomp", "/linux/seccomp", NULL, json_pack("{s:i}", "bogus", 2),
                        "keeps it");
        assert_true(rw_plan_apply(&plan, copy, &err) < 0);
        assert_non_null(strstr(err.msg, "both change"));
        rw_plan_clear(&plan);

        /* only the gate's removals are moot, not another rule's */
        rw_plan_delete(&plan, "other", "/linux/seccomp/bogus", NULL, "x");
        rw_plan_set_new(&plan, "seccomp", "/linux/seccomp", NULL, json_object(), "y");
        assert_true(rw_plan_apply(&plan, copy, &err) < 0);
}

static void test_describe(void **state)
{
        _cleanup_json_ json_t *doc = rw_test_parse(doc_text);
        _cleanup_free_ char *line = NULL;
        _cleanup_free_ char *denials = NULL;
        _cleanup_plan_ struct rw_plan plan;

        (void)state;
        rw_plan_init(&plan);
        rw_plan_set_new(&plan, "caps-drop", "/process/capabilities/bounding",
                        rw_test_get(doc, "/process/capabilities/bounding"), json_array(),
                        "all capabilities dropped");
        line = rw_change_describe(&plan.changes[0], 100);
        assert_string_equal(line, "caps-drop /process/capabilities/bounding: [\"CAP_CHOWN\"] -> "
                                  "[] (all capabilities dropped)");
        rw_plan_deny(&plan, "host-namespace", "pid", "the spec shares the host's pid namespace");
        rw_plan_deny(&plan, "host-mount", "/", "bind mount of host path / at /host");
        denials = rw_plan_describe_denials(&plan);
        assert_string_equal(denials, "refused by rule host-namespace: the spec shares the host's "
                                     "pid namespace; refused by rule host-mount: bind mount of "
                                     "host path / at /host");
}

static void test_tune(void **state)
{
        static const struct rw_rule_tuning tuning[] = {
            {"engine-socket", RW_RULE_REFUSE},
            {"host-namespace", RW_RULE_WARN},
            {"caps-drop", RW_RULE_ENFORCE},
            {NULL, RW_RULE_ENFORCE},
        };
        _cleanup_json_ json_t *doc = rw_test_parse(doc_text);
        _cleanup_plan_ struct rw_plan plan;
        json_t *mounts = json_object_get(doc, "mounts");

        (void)state;
        rw_plan_init(&plan);
        rw_plan_set_new(&plan, "caps-drop", "/process/capabilities/bounding", NULL, json_array(),
                        "dropped");
        rw_plan_array_remove(&plan, "engine-socket", "/mounts", 1, json_array_get(mounts, 1),
                             "socket");
        rw_plan_deny(&plan, "host-namespace", "pid", "the spec shares the host's pid namespace");
        rw_plan_deny(&plan, "host-mount", "/", "bind of /");
        rw_plan_tune(&plan, tuning);
        assert_false(plan.oom);
        /* enforce: kept as a change */
        assert_int_equal(plan.n_changes, 1);
        assert_string_equal(plan.changes[0].rule, "caps-drop");
        /* refuse: the change became a denial; untuned denials stay */
        assert_int_equal(plan.n_denials, 2);
        assert_non_null(rw_test_find_denial(&plan, "engine-socket"));
        assert_non_null(strstr(rw_test_find_denial(&plan, "engine-socket")->reason,
                               "the tier refuses what the rule would change"));
        assert_non_null(rw_test_find_denial(&plan, "host-mount"));
        /* warn: the denial became a warning */
        assert_null(rw_test_find_denial(&plan, "host-namespace"));
        assert_int_equal(plan.n_warnings, 1);
        assert_string_equal(plan.warnings[0].rule, "host-namespace");
        assert_string_equal(plan.warnings[0].text,
                            "would refuse: the spec shares the host's pid namespace");
}

static void test_redacted_remove(void **state)
{
        _cleanup_json_ json_t *doc = rw_test_parse("{\"env\":[\"A=1\",\"TOKEN=ghp_secretvalue\"]}");
        _cleanup_json_ json_t *out = NULL;
        _cleanup_free_ char *line = NULL;
        _cleanup_plan_ struct rw_plan plan;

        (void)state;
        rw_plan_init(&plan);
        rw_plan_array_remove_redacted(&plan, "secret-in-env", "/env", 1,
                                      json_array_get(json_object_get(doc, "env"), 1),
                                      json_string("TOKEN=<redacted>"), "token stripped");
        line = rw_change_describe(&plan.changes[0], 200);
        assert_null(strstr(line, "secretvalue"));
        assert_non_null(strstr(line, "TOKEN=<redacted>"));
        out = rw_test_apply(doc, &plan);
        assert_int_equal(json_array_size(json_object_get(out, "env")), 1);
}

/* What the engine log reports as stripped: what is taken away, never what is only added. */
static void test_takes_away(void **state)
{
        _cleanup_json_ json_t *doc = rw_test_parse(doc_text);
        _cleanup_json_ json_t *sysctl = json_string("1");
        _cleanup_json_ json_t *rbind = json_pack("[s]", "rbind");
        _cleanup_json_ json_t *suid = json_pack("[s,s]", "rbind", "suid");
        _cleanup_json_ json_t *empty = json_array();
        _cleanup_plan_ struct rw_plan plan;
        json_t *mounts = json_object_get(doc, "mounts");

        (void)state;
        rw_plan_init(&plan);
        /* 0: capabilities dropped */
        rw_plan_set_new(&plan, "caps-drop", "/process/capabilities/bounding",
                        rw_test_get(doc, "/process/capabilities/bounding"), json_array(), "x");
        /* 1: a bind removed */
        rw_plan_array_remove(&plan, "engine-socket", "/mounts", 1, json_array_get(mounts, 1), "x");
        /* 2: a member deleted (a sysctl) */
        rw_plan_delete(&plan, "sysctl", "/linux/sysctl/kernel.x", sysctl, "x");
        /* 3: options only added to */
        rw_plan_set_new(&plan, "bind-options", "/mounts/0/options", rbind,
                        json_pack("[s,s,s]", "nosuid", "rbind", "nodev"), "x");
        /* 4: options that lose "suid" */
        rw_plan_set_new(&plan, "bind-options", "/mounts/2/options", suid,
                        json_pack("[s,s]", "rbind", "nosuid"), "x");
        /* 5: a value set where there was none, 6: a scalar tightened, 7: an element added */
        rw_plan_set_new(&plan, "pids-limit", "/linux/resources/pids/limit", NULL,
                        json_integer(4096), "x");
        rw_plan_set_new(&plan, "readonly-rootfs", "/root/readonly", json_false(), json_true(), "x");
        rw_plan_array_insert_new(&plan, "scratch-tmpfs", "/mounts", NULL,
                                 json_pack("{s:s}", "destination", "/tmp"), "x");
        /* 8: an empty list replaced */
        rw_plan_set_new(&plan, "caps-drop", "/process/capabilities/ambient", empty, json_array(),
                        "x");
        assert_false(plan.oom);
        {
                static const bool want[] = {true,  true,  true,  false, true,
                                            false, false, false, false};

                assert_int_equal(plan.n_changes, RW_ELEMENTSOF(want));
                for (size_t i = 0; i < RW_ELEMENTSOF(want); i++)
                        if (rw_change_takes_away(&plan.changes[i]) != want[i])
                                fail_msg("change %zu (%s): takes away %d, want %d", i,
                                         plan.changes[i].rule, !want[i], want[i]);
        }
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_tune),
            cmocka_unit_test(test_redacted_remove),
            cmocka_unit_test(test_set_creates_intermediates),
            cmocka_unit_test(test_array_identity),
            cmocka_unit_test(test_pointer_join),
            cmocka_unit_test(test_delete_escaped_key),
            cmocka_unit_test(test_long_keys),
            cmocka_unit_test(test_conflicts_and_denials_refused),
            cmocka_unit_test(test_gate_removal_superseded),
            cmocka_unit_test(test_describe),
            cmocka_unit_test(test_takes_away),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
