/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The whole baseline on the real engine inputs: which are refused and why, and for the others,
 * properties of the hardened document checked independently of how the rules got there.
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "json.h"
#include "seccomp_profile.h"

static json_t *profile;

static int load_profile(void **state)
{
        (void)state;
        profile = rw_test_load_profile(RW_SECCOMP_DEFAULT_PROFILE);
        return profile != NULL ? 0 : -1;
}

static int free_profile(void **state)
{
        (void)state;
        json_decref(profile);
        return 0;
}

static void plan_fixture(const char *name, json_t **ret_spec, struct rw_plan *plan)
{
        _cleanup_facts_ struct rw_host_facts facts;
        struct rw_settings settings;

        *ret_spec = rw_test_load_fixture(name);
        rw_test_facts_for_spec(*ret_spec, &facts);
        rw_settings_baseline(&settings);
        settings.seccomp_profile = profile;
        rw_plan_init(plan);
        rw_rules_spec(*ret_spec, &settings, &facts, plan);
        assert_false(plan->oom);
}

static void assert_caps_empty(const json_t *process)
{
        static const char *const sets[] = {"bounding", "effective", "inheritable", "permitted",
                                           "ambient"};
        const json_t *caps = json_object_get(process, "capabilities");

        for (size_t i = 0; i < RW_ELEMENTSOF(sets); i++) {
                const json_t *set = json_object_get(caps, sets[i]);

                if (set != NULL && json_array_size(set) != 0)
                        fail_msg("capabilities.%s still holds %zu entries", sets[i],
                                 json_array_size(set));
        }
        assert_true(json_is_true(json_object_get(process, "noNewPrivileges")));
}

/* Independent checks of a hardened spec: what a job must never get, however rules evolve. */
static void assert_hardened(const json_t *out)
{
        const json_t *ns = rw_test_get(out, "/linux/namespaces");
        static const char *const need_ns[] = {"pid", "network", "ipc", "uts", "mount", "cgroup"};
        size_t i;
        json_t *m;

        assert_caps_empty(json_object_get(out, "process"));
        assert_true(json_is_true(rw_test_get(out, "/root/readonly")));
        for (size_t k = 0; k < RW_ELEMENTSOF(need_ns); k++) {
                bool found = false;
                json_t *e;
                size_t j;

                json_array_foreach(ns, j, e)
                {
                        if (strcmp(json_string_value(json_object_get(e, "type")), need_ns[k]) == 0)
                                found = true;
                }
                if (!found)
                        fail_msg("namespace %s missing", need_ns[k]);
        }
        json_array_foreach(json_object_get(out, "mounts"), i, m)
        {
                const char *src = json_string_value(json_object_get(m, "source"));
                const char *type = json_string_value(json_object_get(m, "type"));
                const json_t *opts = json_object_get(m, "options");

                if (src != NULL && strstr(src, ".sock") != NULL)
                        fail_msg("engine socket %s still mounted", src);
                if (type != NULL && strcmp(type, "bind") == 0) {
                        assert_true(rw_test_array_has_string(opts, "nosuid"));
                        assert_true(rw_test_array_has_string(opts, "nodev"));
                        assert_false(rw_test_array_has_string(opts, "rslave"));
                        assert_false(rw_test_array_has_string(opts, "rshared"));
                }
                if (type != NULL && (strcmp(type, "sysfs") == 0 || strcmp(type, "cgroup") == 0))
                        assert_true(rw_test_array_has_string(opts, "ro"));
        }
        assert_non_null(rw_test_find_mount(out, "/tmp"));
        assert_non_null(rw_test_find_mount(out, "/var/tmp"));
        assert_non_null(rw_test_find_mount(out, "/run"));
        assert_non_null(rw_test_find_mount(out, "/root"));
        assert_true(
            rw_test_array_has_string(rw_test_get(out, "/linux/maskedPaths"), "/proc/kcore"));
        assert_true(rw_test_array_has_string(rw_test_get(out, "/linux/readonlyPaths"),
                                             "/proc/sysrq-trigger"));
        assert_non_null(rw_test_get(out, "/linux/seccomp/defaultAction"));
        assert_true(json_integer_value(rw_test_get(out, "/linux/resources/pids/limit")) > 0);
        assert_false(json_is_true(rw_test_get(out, "/linux/resources/devices/0/allow")));
}

/* The document survives the dump with every byte we did not mean to change. */
static void assert_dump_roundtrip(const json_t *out)
{
        _cleanup_free_ char *text = NULL;
        _cleanup_json_ json_t *again = NULL;
        struct rw_error err = {0};
        size_t len;

        if (rw_json_dump(out, &text, &len, &err) < 0)
                fail_msg("dump: %s", err.msg);
        again = rw_test_parse(text);
        assert_true(json_equal(again, (json_t *)out));
}

static void test_docker_default(void **state)
{
        _cleanup_json_ json_t *spec = NULL;
        _cleanup_json_ json_t *out = NULL;
        _cleanup_plan_ struct rw_plan plan;

        (void)state;
        plan_fixture("docker-default.json", &spec, &plan);
        rw_test_assert_no_denials(&plan);
        out = rw_test_apply(spec, &plan);
        assert_hardened(out);
        /* the baseline replaces docker's own seccomp profile with ci-default (engine_profile
         * "replace"); docker's sysctls are safe and survive */
        assert_non_null(rw_test_find_change(&plan, RW_RULE_SECCOMP, "/linux/seccomp"));
        assert_true(json_equal(rw_test_get(out, "/linux/seccomp"), profile));
        assert_string_equal(json_string_value(rw_test_get(out, "/linux/sysctl/"
                                                               "net.ipv4.ping_group_range")),
                            "0 2147483647");
        assert_int_equal(json_integer_value(rw_test_get(out, "/process/oomScoreAdj")), 0);
        assert_dump_roundtrip(out);
}

static void test_containerd_default(void **state)
{
        _cleanup_json_ json_t *spec = NULL;
        _cleanup_json_ json_t *out = NULL;
        _cleanup_plan_ struct rw_plan plan;

        (void)state;
        plan_fixture("containerd-ctr-default.json", &spec, &plan);
        rw_test_assert_no_denials(&plan);
        out = rw_test_apply(spec, &plan);
        assert_hardened(out);
        /* ctr run sends no seccomp filter: ci-default is injected */
        assert_non_null(rw_test_find_change(&plan, RW_RULE_SECCOMP, "/linux/seccomp"));
        assert_true(json_equal(rw_test_get(out, "/linux/seccomp"), profile));
        assert_dump_roundtrip(out);
}

static void test_ulimit_unlimited_survives(void **state)
{
        _cleanup_json_ json_t *spec = NULL;
        _cleanup_json_ json_t *out = NULL;
        _cleanup_free_ char *text = NULL;
        _cleanup_plan_ struct rw_plan plan;
        struct rw_error err = {0};
        size_t len;

        (void)state;
        plan_fixture("docker-ulimit-unlimited.json", &spec, &plan);
        rw_test_assert_no_denials(&plan);
        out = rw_test_apply(spec, &plan);
        assert_hardened(out);
        assert_true(rw_json_dump(out, &text, &len, &err) >= 0);
        assert_non_null(strstr(text, "{\"type\":\"RLIMIT_MEMLOCK\",\"hard\":18446744073709551615,"
                                     "\"soft\":18446744073709551615}"));
        assert_non_null(strstr(text, "{\"type\":\"RLIMIT_NOFILE\",\"hard\":1048576,"
                                     "\"soft\":1048576}"));
}

static void test_privileged_sock_host_refused(void **state)
{
        _cleanup_json_ json_t *spec = NULL;
        _cleanup_plan_ struct rw_plan plan;
        _cleanup_free_ char *why = NULL;

        (void)state;
        plan_fixture("docker-privileged-sock-host.json", &spec, &plan);
        assert_true(rw_plan_denied(&plan));
        why = rw_plan_describe_denials(&plan);
        /* -v /:/host and -v /tmp/hostdir:/builds are host binds; the socket is stripped, not
         * refused, and the volume and docker's own files are fine */
        assert_non_null(strstr(why, "refused by rule host-mount"));
        assert_non_null(strstr(why, "/host"));
        assert_non_null(strstr(why, "/tmp/hostdir"));
        assert_null(strstr(why, "docker.sock"));
        assert_null(strstr(why, "cachevol"));
        assert_null(strstr(why, "resolv.conf"));
        assert_non_null(rw_test_find_change(&plan, RW_RULE_ENGINE_SOCKET, NULL));
}

static void test_readonly_hostns_refused(void **state)
{
        _cleanup_json_ json_t *spec = NULL;
        _cleanup_plan_ struct rw_plan plan;
        _cleanup_free_ char *why = NULL;

        (void)state;
        plan_fixture("docker-readonly-hostns.json", &spec, &plan);
        why = rw_plan_describe_denials(&plan);
        assert_non_null(strstr(why, "refused by rule host-namespace: the spec shares the host's "
                                    "pid namespace"));
        assert_non_null(strstr(why, "refused by rule host-namespace: the spec shares the host's "
                                    "ipc namespace"));
        assert_non_null(strstr(why, "refused by rule host-namespace: the spec shares the host's "
                                    "uts namespace"));
        /* --ipc host also binds the host's /dev/shm into the container */
        assert_non_null(
            strstr(why, "refused by rule host-mount: bind mount of host path /dev/shm"));
        assert_int_equal(plan.n_denials, 4);
}

static void test_exec_processes(void **state)
{
        static const char *const fixtures[] = {"docker-exec-process-privileged.json",
                                               "docker-exec-process-user.json"};

        (void)state;
        for (size_t i = 0; i < RW_ELEMENTSOF(fixtures); i++) {
                _cleanup_json_ json_t *process = rw_test_load_fixture(fixtures[i]);
                _cleanup_json_ json_t *out = NULL;
                _cleanup_plan_ struct rw_plan plan;

                rw_plan_init(&plan);
                rw_rules_process(process, "", NULL, &plan);
                rw_test_assert_no_denials(&plan);
                out = rw_test_apply(process, &plan);
                assert_caps_empty(out);
                assert_true(
                    json_equal(json_object_get(out, "user"), json_object_get(process, "user")));
                assert_true(
                    json_equal(json_object_get(out, "args"), json_object_get(process, "args")));
                assert_dump_roundtrip(out);
        }
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_docker_default),
            cmocka_unit_test(test_containerd_default),
            cmocka_unit_test(test_ulimit_unlimited_survives),
            cmocka_unit_test(test_privileged_sock_host_refused),
            cmocka_unit_test(test_readonly_hostns_refused),
            cmocka_unit_test(test_exec_processes),
        };
        return cmocka_run_group_tests(tests, load_profile, free_profile);
}
