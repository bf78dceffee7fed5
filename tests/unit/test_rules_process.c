/* SPDX-License-Identifier: Apache-2.0 */
#include "testutil.h"

#include <stdio.h>
#include <string.h>

#include "cleanup.h"

static const char *const cap_sets[] = {"bounding", "effective", "inheritable", "permitted",
                                       "ambient"};

struct process_fixture {
        const char *name;
        const char *pointer; /* of the process object in the document */
};

static const struct process_fixture process_fixtures[] = {
    {"containerd-ctr-default.json", "/process"},      {"docker-default.json", "/process"},
    {"docker-privileged-sock-host.json", "/process"}, {"docker-readonly-hostns.json", "/process"},
    {"docker-ulimit-unlimited.json", "/process"},     {"docker-exec-process-user.json", ""},
    {"docker-exec-process-privileged.json", ""},
};

static char *join(const char *a, const char *b)
{
        char *s = NULL;

        assert_true(asprintf(&s, "%s/%s", a, b) > 0);
        return s;
}

/*
 * What the rules must turn `process` into: every non-empty capability set emptied, absent ones
 * still absent, noNewPrivileges true, everything else (oomScoreAdj, rlimits, env...) as it was.
 */
static json_t *expected_process(const json_t *process)
{
        json_t *expected = json_deep_copy(process);
        json_t *caps = json_object_get(expected, "capabilities");

        assert_non_null(expected);
        for (size_t i = 0; i < RW_ELEMENTSOF(cap_sets); i++)
                if (json_object_get(caps, cap_sets[i]) != NULL)
                        assert_int_equal(json_object_set_new(caps, cap_sets[i], json_array()), 0);
        assert_int_equal(json_object_set_new(expected, "noNewPrivileges", json_true()), 0);
        return expected;
}

static void check_fixture(const struct process_fixture *fx)
{
        _cleanup_plan_ struct rw_plan plan;
        _cleanup_json_ json_t *doc = rw_test_load_fixture(fx->name);
        _cleanup_json_ json_t *pristine = json_deep_copy(doc);
        _cleanup_json_ json_t *applied = NULL;
        _cleanup_json_ json_t *expected = NULL;
        const json_t *process = rw_test_get(doc, fx->pointer);
        const json_t *caps = json_object_get(process, "capabilities");
        const json_t *nnp = json_object_get(process, "noNewPrivileges");
        size_t n_caps = 0;

        print_message("fixture %s\n", fx->name);
        assert_non_null(process);
        rw_plan_init(&plan);
        rw_rules_process(process, fx->pointer, NULL, &plan);

        assert_false(plan.oom);
        assert_int_equal(plan.n_denials, 0);
        /* Rules never touch their input. */
        assert_true(json_equal(doc, pristine));

        for (size_t i = 0; i < RW_ELEMENTSOF(cap_sets); i++) {
                _cleanup_free_ char *caps_pointer = join(fx->pointer, "capabilities");
                _cleanup_free_ char *pointer = join(caps_pointer, cap_sets[i]);
                const json_t *set = json_object_get(caps, cap_sets[i]);
                const struct rw_change *c = rw_test_find_change(&plan, RW_RULE_CAPS, pointer);

                if (set == NULL || json_array_size(set) == 0) {
                        assert_null(c);
                        continue;
                }
                n_caps++;
                assert_non_null(c);
                assert_int_equal(c->kind, RW_CHANGE_SET);
                assert_string_equal(c->pointer, pointer);
                assert_true(json_equal(c->before, set));
                assert_true(json_is_array(c->after));
                assert_int_equal(json_array_size(c->after), 0);
        }
        assert_int_equal(rw_test_count_changes(&plan, RW_RULE_CAPS), n_caps);

        if (json_is_true(nnp)) {
                assert_int_equal(rw_test_count_changes(&plan, RW_RULE_NNP), 0);
        } else {
                _cleanup_free_ char *pointer = join(fx->pointer, "noNewPrivileges");
                const struct rw_change *c = rw_test_find_change(&plan, RW_RULE_NNP, pointer);

                assert_non_null(c);
                assert_int_equal(c->kind, RW_CHANGE_SET);
                assert_true(c->before == nnp);
                assert_true(json_is_true(c->after));
                assert_int_equal(rw_test_count_changes(&plan, RW_RULE_NNP), 1);
        }
        assert_int_equal(plan.n_changes, n_caps + (json_is_true(nnp) ? 0 : 1));

        applied = rw_test_apply(doc, &plan);
        expected = expected_process(process);
        assert_true(json_equal(rw_test_get(applied, fx->pointer), expected));
        /* oomScoreAdj is the engine's: same value, or still absent. */
        if (json_object_get(process, "oomScoreAdj") == NULL)
                assert_null(rw_test_get(applied, strcmp(fx->pointer, "") == 0
                                                     ? "/oomScoreAdj"
                                                     : "/process/oomScoreAdj"));
        else
                assert_true(
                    json_equal(json_object_get(process, "oomScoreAdj"),
                               json_object_get(rw_test_get(applied, fx->pointer), "oomScoreAdj")));
        /* Outside the process object nothing moved. */
        if (strcmp(fx->pointer, "") != 0) {
                assert_int_equal(json_object_del(applied, "process"), 0);
                assert_int_equal(json_object_del(pristine, "process"), 0);
                assert_true(json_equal(applied, pristine));
        }
}

static void test_fixtures(void **state)
{
        (void)state;
        for (size_t i = 0; i < RW_ELEMENTSOF(process_fixtures); i++)
                check_fixture(&process_fixtures[i]);
}

static void test_fixture_counts(void **state)
{
        /* Pin the numbers down for the fixtures whose shape matters most. */
        static const struct {
                const char *name;
                const char *pointer;
                size_t n_changes;
        } expect[] = {
            {"docker-default.json", "/process", 3 + 1},
            {"containerd-ctr-default.json", "/process", 3}, /* NNP already true */
            {"docker-readonly-hostns.json", "/process", 0}, /* "capabilities": {}, NNP true */
            {"docker-exec-process-privileged.json", "", 3 + 1},
        };

        (void)state;
        for (size_t i = 0; i < RW_ELEMENTSOF(expect); i++) {
                _cleanup_plan_ struct rw_plan plan;
                _cleanup_json_ json_t *doc = rw_test_load_fixture(expect[i].name);

                rw_plan_init(&plan);
                rw_rules_process(rw_test_get(doc, expect[i].pointer), expect[i].pointer, NULL,
                                 &plan);
                assert_int_equal(plan.n_denials, 0);
                assert_int_equal(plan.n_changes, expect[i].n_changes);
        }
}

static void test_exec_pointer(void **state)
{
        _cleanup_plan_ struct rw_plan plan;
        _cleanup_json_ json_t *doc = rw_test_load_fixture("docker-exec-process-privileged.json");
        _cleanup_json_ json_t *applied = NULL;
        const struct rw_change *c;

        (void)state;
        rw_plan_init(&plan);
        rw_rules_process(doc, "", NULL, &plan);

        c = rw_test_find_change(&plan, RW_RULE_CAPS, "/capabilities/bounding");
        assert_non_null(c);
        assert_int_equal(json_array_size(c->before), 38);
        assert_true(rw_test_array_has_string(c->before, "CAP_SYS_ADMIN"));
        c = rw_test_find_change(&plan, RW_RULE_NNP, "/noNewPrivileges");
        assert_non_null(c);
        assert_null(c->before);

        applied = rw_test_apply(doc, &plan);
        assert_int_equal(json_array_size(rw_test_get(applied, "/capabilities/effective")), 0);
        assert_int_equal(json_array_size(rw_test_get(applied, "/capabilities/permitted")), 0);
        assert_null(rw_test_get(applied, "/capabilities/ambient"));
        assert_null(rw_test_get(applied, "/capabilities/inheritable"));
        assert_true(json_is_true(rw_test_get(applied, "/noNewPrivileges")));
        assert_int_equal(json_integer_value(rw_test_get(applied, "/oomScoreAdj")), 0);
}

static void test_all_sets(void **state)
{
        _cleanup_plan_ struct rw_plan plan;
        _cleanup_json_ json_t *doc = rw_test_parse(
            "{\"process\":{\"cwd\":\"/\",\"noNewPrivileges\":false,\"oomScoreAdj\":-999,"
            "\"capabilities\":{\"bounding\":[\"CAP_SYS_ADMIN\"],\"effective\":[\"CAP_NET_RAW\"],"
            "\"inheritable\":[\"CAP_SYS_PTRACE\"],\"permitted\":[\"CAP_SYS_ADMIN\"],"
            "\"ambient\":[\"CAP_SYS_ADMIN\",\"CAP_NET_ADMIN\"]}}}");
        _cleanup_json_ json_t *applied = NULL;
        _cleanup_json_ json_t *expected = rw_test_parse(
            "{\"process\":{\"cwd\":\"/\",\"noNewPrivileges\":true,\"oomScoreAdj\":-999,"
            "\"capabilities\":{\"bounding\":[],\"effective\":[],\"inheritable\":[],"
            "\"permitted\":[],\"ambient\":[]}}}");
        const struct rw_change *c;

        (void)state;
        rw_plan_init(&plan);
        rw_rules_process(json_object_get(doc, "process"), "/process", NULL, &plan);
        assert_int_equal(plan.n_denials, 0);
        assert_int_equal(rw_test_count_changes(&plan, RW_RULE_CAPS), 5);

        c = rw_test_find_change(&plan, RW_RULE_CAPS, "/process/capabilities/ambient");
        assert_non_null(c);
        assert_true(json_equal(c->before, rw_test_get(doc, "/process/capabilities/ambient")));
        c = rw_test_find_change(&plan, RW_RULE_NNP, "/process/noNewPrivileges");
        assert_non_null(c);
        assert_true(json_is_false(c->before));

        applied = rw_test_apply(doc, &plan);
        assert_true(json_equal(applied, expected));
}

static void test_empty_and_absent_sets(void **state)
{
        _cleanup_plan_ struct rw_plan plan;
        _cleanup_json_ json_t *doc =
            rw_test_parse("{\"cwd\":\"/\",\"noNewPrivileges\":true,"
                          "\"capabilities\":{\"bounding\":[],\"effective\":[\"CAP_KILL\"]}}");
        _cleanup_json_ json_t *expected = rw_test_parse("{\"bounding\":[],\"effective\":[]}");
        _cleanup_json_ json_t *applied = NULL;

        (void)state;
        rw_plan_init(&plan);
        rw_rules_process(doc, "", NULL, &plan);
        assert_int_equal(plan.n_denials, 0);
        assert_int_equal(plan.n_changes, 1);
        assert_non_null(rw_test_find_change(&plan, RW_RULE_CAPS, "/capabilities/effective"));

        applied = rw_test_apply(doc, &plan);
        assert_true(json_equal(json_object_get(applied, "capabilities"), expected));
}

static void test_nnp_not_bool(void **state)
{
        _cleanup_plan_ struct rw_plan plan;
        _cleanup_json_ json_t *doc = rw_test_parse("{\"cwd\":\"/\",\"noNewPrivileges\":\"yes\"}");
        _cleanup_json_ json_t *applied = NULL;
        const struct rw_change *c;

        (void)state;
        rw_plan_init(&plan);
        rw_rules_process(doc, "", NULL, &plan);
        assert_int_equal(plan.n_denials, 0);
        c = rw_test_find_change(&plan, RW_RULE_NNP, "/noNewPrivileges");
        assert_non_null(c);
        assert_string_equal(json_string_value(c->before), "yes");
        applied = rw_test_apply(doc, &plan);
        assert_true(json_is_true(json_object_get(applied, "noNewPrivileges")));
        /* No capabilities object: runc starts the process with empty sets, nothing to add. */
        assert_null(json_object_get(applied, "capabilities"));
}

static const struct rw_denial *only_denial(const struct rw_plan *plan)
{
        assert_int_equal(plan->n_denials, 1);
        return &plan->denials[0];
}

static void run_cwd(const char *cwd, struct rw_plan *plan)
{
        _cleanup_json_ json_t *process =
            json_pack("{s:s,s:b,s:{}}", "cwd", cwd, "noNewPrivileges", 1, "capabilities");

        assert_non_null(process);
        rw_plan_init(plan);
        rw_rules_process(process, "/process", NULL, plan);
}

static void test_cwd_denied(void **state)
{
        static const char *const denied[] = {
            "/proc/self/fd/7", "/proc/thread-self/fd/3", "//proc/../proc/1/cwd", "/proc",
            "/proc/",          "/./proc/self/cwd",       "/tmp/../proc/1/root",
        };

        (void)state;
        for (size_t i = 0; i < RW_ELEMENTSOF(denied); i++) {
                _cleanup_plan_ struct rw_plan plan;
                _cleanup_free_ char *reason = NULL;
                const struct rw_denial *d;

                print_message("cwd %s\n", denied[i]);
                run_cwd(denied[i], &plan);
                d = only_denial(&plan);
                assert_string_equal(d->rule, RW_RULE_CWD);
                assert_string_equal(d->item, denied[i]);
                assert_true(asprintf(&reason, "process.cwd %s is inside /proc (CVE-2024-21626)",
                                     denied[i]) > 0);
                assert_string_equal(d->reason, reason);
                assert_int_equal(plan.n_changes, 0);
        }
}

static void test_cwd_allowed(void **state)
{
        static const char *const allowed[] = {
            "/tmp", "/", "/procfoo", "/proc2/self", "/home/proc", "/proc/../tmp", "/builds/proc",
        };

        (void)state;
        for (size_t i = 0; i < RW_ELEMENTSOF(allowed); i++) {
                _cleanup_plan_ struct rw_plan plan;

                print_message("cwd %s\n", allowed[i]);
                run_cwd(allowed[i], &plan);
                assert_int_equal(plan.n_denials, 0);
                assert_int_equal(plan.n_changes, 0);
        }
}

static void test_cwd_malformed(void **state)
{
        static const struct {
                const char *process;
                const char *item;
                const char *reason;
        } cases[] = {
            {"{}", "process.cwd", "process.cwd is missing"},
            {"{\"cwd\":7}", "process.cwd", "process.cwd is not a string"},
            {"{\"cwd\":1e400}", "process.cwd", "process.cwd is not a string"},
            {"{\"cwd\":\"tmp\"}", "tmp", "process.cwd \"tmp\" is not an absolute path"},
            {"{\"cwd\":\"\"}", "", "process.cwd \"\" is not an absolute path"},
            {"{\"cwd\":\"proc/self/fd/7\"}", "proc/self/fd/7",
             "process.cwd \"proc/self/fd/7\" is not an absolute path"},
        };

        (void)state;
        for (size_t i = 0; i < RW_ELEMENTSOF(cases); i++) {
                _cleanup_plan_ struct rw_plan plan;
                _cleanup_json_ json_t *process = rw_test_parse(cases[i].process);
                const struct rw_denial *d;

                print_message("process %s\n", cases[i].process);
                rw_plan_init(&plan);
                rw_rules_process(process, "", NULL, &plan);
                d = only_denial(&plan);
                assert_string_equal(d->rule, RW_RULE_SPEC);
                assert_string_equal(d->item, cases[i].item);
                assert_string_equal(d->reason, cases[i].reason);
        }
}

static void test_not_an_object(void **state)
{
        _cleanup_plan_ struct rw_plan plan;
        _cleanup_json_ json_t *array = rw_test_parse("[\"/bin/sh\"]");
        const struct rw_denial *d;

        (void)state;
        rw_plan_init(&plan);
        rw_rules_process(array, "/process", NULL, &plan);
        d = only_denial(&plan);
        assert_string_equal(d->rule, RW_RULE_SPEC);
        assert_string_equal(d->reason, "the process is not a JSON object");
        assert_int_equal(plan.n_changes, 0);
        rw_plan_clear(&plan);

        rw_rules_process(NULL, "/process", NULL, &plan);
        d = only_denial(&plan);
        assert_string_equal(d->rule, RW_RULE_SPEC);
        assert_int_equal(plan.n_changes, 0);
}

static void test_malformed_capabilities(void **state)
{
        static const struct {
                const char *process;
                const char *reason;
        } cases[] = {
            {"{\"cwd\":\"/\",\"capabilities\":[\"CAP_SYS_ADMIN\"]}",
             "process.capabilities is not a JSON object"},
            {"{\"cwd\":\"/\",\"capabilities\":{\"bounding\":\"CAP_SYS_ADMIN\"}}",
             "process.capabilities.bounding is not a JSON array"},
            {"{\"cwd\":\"/\",\"capabilities\":{\"ambient\":null}}",
             "process.capabilities.ambient is not a JSON array"},
        };

        (void)state;
        for (size_t i = 0; i < RW_ELEMENTSOF(cases); i++) {
                _cleanup_plan_ struct rw_plan plan;
                _cleanup_json_ json_t *process = rw_test_parse(cases[i].process);
                const struct rw_denial *d;

                rw_plan_init(&plan);
                rw_rules_process(process, "", NULL, &plan);
                d = only_denial(&plan);
                assert_string_equal(d->rule, RW_RULE_SPEC);
                assert_string_equal(d->reason, cases[i].reason);
                assert_int_equal(rw_test_count_changes(&plan, RW_RULE_CAPS), 0);
        }
}

static void test_describe(void **state)
{
        _cleanup_plan_ struct rw_plan plan;
        _cleanup_json_ json_t *process =
            rw_test_parse("{\"cwd\":\"/\",\"capabilities\":{\"bounding\":[\"CAP_KILL\"]}}");
        _cleanup_free_ char *line = NULL;

        (void)state;
        rw_plan_init(&plan);
        rw_rules_process(process, "/process", NULL, &plan);
        line = rw_change_describe(rw_test_find_change(&plan, RW_RULE_CAPS, NULL), 200);
        assert_non_null(line);
        assert_string_equal(line, "caps-drop /process/capabilities/bounding: [\"CAP_KILL\"] -> [] "
                                  "(all 1 bounding capabilities dropped: CAP_KILL)");
}

/* A tier that allows a capability keeps exactly that one, in every set that had it. */
static void test_caps_tier_allows(void **state)
{
        static const char *const allowed[] = {"CAP_NET_BIND_SERVICE", "CAP_NOT_IN_SPEC", NULL};
        _cleanup_json_ json_t *spec = rw_test_load_fixture("docker-default.json");
        _cleanup_json_ json_t *out = NULL;
        _cleanup_plan_ struct rw_plan plan;
        struct rw_settings settings;

        (void)state;
        rw_settings_baseline(&settings);
        settings.capabilities = allowed;
        rw_plan_init(&plan);
        rw_rules_process(json_object_get(spec, "process"), "/process", &settings, &plan);
        assert_int_equal(plan.n_denials, 0);
        out = rw_test_apply(spec, &plan);
        for (const char *const *set =
                 (const char *const[]){"bounding", "effective", "permitted", NULL};
             *set != NULL; set++) {
                json_t *caps = json_object_get(rw_test_get(out, "/process/capabilities"), *set);

                assert_int_equal(json_array_size(caps), 1);
                assert_string_equal(json_string_value(json_array_get(caps, 0)),
                                    "CAP_NET_BIND_SERVICE");
        }
        assert_non_null(strstr(
            rw_test_find_change(&plan, RW_RULE_CAPS, "/process/capabilities/bounding")->reason,
            "13 bounding capabilities dropped, 1 the tier allows kept"));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_caps_tier_allows), cmocka_unit_test(test_fixtures),
            cmocka_unit_test(test_fixture_counts),   cmocka_unit_test(test_exec_pointer),
            cmocka_unit_test(test_all_sets),         cmocka_unit_test(test_empty_and_absent_sets),
            cmocka_unit_test(test_nnp_not_bool),     cmocka_unit_test(test_cwd_denied),
            cmocka_unit_test(test_cwd_allowed),      cmocka_unit_test(test_cwd_malformed),
            cmocka_unit_test(test_not_an_object),    cmocka_unit_test(test_malformed_capabilities),
            cmocka_unit_test(test_describe),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
