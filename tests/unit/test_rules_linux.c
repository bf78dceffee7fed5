/* SPDX-License-Identifier: Apache-2.0 */
#include "testutil.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cleanup.h"
#include "spec.h"

/* The tier the namespace rules judge in: the baseline, sharing with no other tier. */
static const struct rw_settings ns_settings = {.strictness = -1};

static const char *const config_fixtures[] = {
    "containerd-ctr-default.json",      "docker-default.json",
    "docker-privileged-sock-host.json", "docker-readonly-hostns.json",
    "docker-ulimit-unlimited.json",
};

static const struct rw_denial *denial_for_item(const struct rw_plan *plan, const char *item)
{
        for (size_t i = 0; i < plan->n_denials; i++)
                if (strcmp(plan->denials[i].item, item) == 0)
                        return &plan->denials[i];
        return NULL;
}

/* Apply, then compare the whole document with what the test built by hand: nothing the test did
 * not expect may have moved. */
static void assert_applied_only(json_t *spec, const struct rw_plan *plan, json_t *expected)
{
        _cleanup_json_ json_t *applied = rw_test_apply(spec, plan);

        if (!json_equal(applied, expected)) {
                _cleanup_free_ char *a = json_dumps(applied, JSON_COMPACT);
                _cleanup_free_ char *e = json_dumps(expected, JSON_COMPACT);

                fail_msg("applied:\n%s\nexpected:\n%s", a, e);
        }
}

/* namespaces */

static void test_namespaces_fixtures(void **state)
{
        (void)state;
        for (size_t i = 0; i < RW_ELEMENTSOF(config_fixtures); i++) {
                _cleanup_plan_ struct rw_plan plan;
                _cleanup_facts_ struct rw_host_facts facts;
                _cleanup_json_ json_t *spec = rw_test_load_fixture(config_fixtures[i]);
                _cleanup_json_ json_t *expected = json_deep_copy(spec);
                const struct rw_change *c;

                print_message("fixture %s\n", config_fixtures[i]);
                rw_test_facts_init(&facts);
                rw_plan_init(&plan);
                rw_rules_namespaces(spec, &ns_settings, &facts, &plan);

                /* The cgroup namespace is added everywhere: none of the engines sent one. */
                assert_int_equal(plan.n_changes, 1);
                c = &plan.changes[0];
                assert_string_equal(c->rule, RW_RULE_HOST_NAMESPACE);
                assert_int_equal(c->kind, RW_CHANGE_ARRAY_INSERT);
                assert_string_equal(c->pointer, "/linux/namespaces");
                assert_null(c->anchor);
                assert_null(c->before);
                assert_string_equal(json_string_value(json_object_get(c->after, "type")), "cgroup");
                assert_int_equal(json_object_size(c->after), 1);

                if (strcmp(config_fixtures[i], "docker-readonly-hostns.json") == 0) {
                        static const char *const shared[] = {"pid", "ipc", "uts"};

                        assert_int_equal(plan.n_denials, 3);
                        for (size_t k = 0; k < RW_ELEMENTSOF(shared); k++) {
                                _cleanup_free_ char *item = NULL;
                                _cleanup_free_ char *reason = NULL;
                                const struct rw_denial *d;

                                assert_true(asprintf(&item, "%s namespace", shared[k]) > 0);
                                assert_true(asprintf(&reason,
                                                     "the spec shares the host's %s namespace",
                                                     shared[k]) > 0);
                                d = denial_for_item(&plan, item);
                                assert_non_null(d);
                                assert_string_equal(d->rule, RW_RULE_HOST_NAMESPACE);
                                assert_string_equal(d->reason, reason);
                        }
                        continue;
                }

                assert_int_equal(plan.n_denials, 0);
                assert_int_equal(json_array_append_new(rw_test_get(expected, "/linux/namespaces"),
                                                       json_pack("{s:s}", "type", "cgroup")),
                                 0);
                assert_applied_only(spec, &plan, expected);
        }
}

static json_t *namespaces_spec(const char *extra)
{
        _cleanup_free_ char *text = NULL;

        assert_true(asprintf(&text,
                             "{\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"ipc\"},"
                             "{\"type\":\"uts\"},{\"type\":\"mount\"}%s]}}",
                             extra) > 0);
        return rw_test_parse(text);
}

static void test_namespace_path_host(void **state)
{
        _cleanup_plan_ struct rw_plan plan;
        _cleanup_facts_ struct rw_host_facts facts;
        _cleanup_json_ json_t *spec =
            namespaces_spec(",{\"type\":\"network\",\"path\":\"/proc/1/ns/net\"}");
        struct rw_error err = {0};
        const struct rw_denial *d;

        (void)state;
        rw_test_facts_init(&facts);
        assert_int_equal(rw_facts_add_path(&facts, "/proc/1/ns/net", 0, "/proc/1/ns/net",
                                           S_IFREG | 0444, facts.host_ns[RW_NS_NETWORK].dev,
                                           facts.host_ns[RW_NS_NETWORK].ino, &err),
                         0);
        rw_plan_init(&plan);
        rw_rules_namespaces(spec, &ns_settings, &facts, &plan);

        assert_int_equal(plan.n_denials, 1);
        d = &plan.denials[0];
        assert_string_equal(d->rule, RW_RULE_HOST_NAMESPACE);
        assert_string_equal(d->item, "/proc/1/ns/net");
        assert_string_equal(d->reason,
                            "the spec joins the host's network namespace via /proc/1/ns/net");
}

static void test_namespace_path_other_host_ns(void **state)
{
        /* The pid path reaches the host's pid namespace under another name. */
        _cleanup_plan_ struct rw_plan plan;
        _cleanup_facts_ struct rw_host_facts facts;
        _cleanup_json_ json_t *spec = rw_test_parse(
            "{\"linux\":{\"namespaces\":[{\"type\":\"pid\",\"path\":\"/run/netns/../x\"},"
            "{\"type\":\"ipc\"},{\"type\":\"uts\"},{\"type\":\"mount\"},{\"type\":\"network\"},"
            "{\"type\":\"cgroup\"}]}}");
        struct rw_error err = {0};

        (void)state;
        rw_test_facts_init(&facts);
        assert_int_equal(rw_facts_add_path(&facts, "/run/netns/../x", 0, "/proc/1/ns/pid", 0,
                                           facts.host_ns[RW_NS_PID].dev,
                                           facts.host_ns[RW_NS_PID].ino, &err),
                         0);
        rw_plan_init(&plan);
        rw_rules_namespaces(spec, &ns_settings, &facts, &plan);
        assert_int_equal(plan.n_denials, 1);
        assert_string_equal(plan.denials[0].reason,
                            "the spec joins the host's pid namespace via /run/netns/../x");
        assert_int_equal(plan.n_changes, 0);
}

static void test_namespace_path_sandbox(void **state)
{
        /* A Kubernetes pod sandbox's namespaces: joined by path, not the host's. */
        _cleanup_plan_ struct rw_plan plan;
        _cleanup_facts_ struct rw_host_facts facts;
        _cleanup_json_ json_t *spec = rw_test_parse(
            "{\"annotations\":{\"io.kubernetes.cri.sandbox-id\":\"sb1\"},"
            "\"linux\":{\"namespaces\":[{\"type\":\"pid\"},"
            "{\"type\":\"ipc\",\"path\":\"/proc/4242/ns/ipc\"},"
            "{\"type\":\"uts\",\"path\":\"/proc/4242/ns/uts\"},{\"type\":\"mount\"},"
            "{\"type\":\"network\",\"path\":\"/var/run/netns/cni-1234\"},{\"type\":\"user\"},"
            "{\"type\":\"time\"}]}}");
        _cleanup_json_ json_t *expected = json_deep_copy(spec);
        struct rw_error err = {0};

        (void)state;
        rw_test_facts_init(&facts);
        assert_int_equal(rw_facts_add_path(&facts, "/proc/4242/ns/ipc", 0, "/proc/4242/ns/ipc", 0,
                                           1, 4026532100, &err),
                         0);
        assert_int_equal(rw_facts_add_path(&facts, "/proc/4242/ns/uts", 0, "/proc/4242/ns/uts", 0,
                                           1, 4026532101, &err),
                         0);
        /* Same inode as the host's, on another device: a different file. */
        assert_int_equal(rw_facts_add_path(&facts, "/var/run/netns/cni-1234", 0,
                                           "/run/netns/cni-1234", 0, 4,
                                           facts.host_ns[RW_NS_NETWORK].ino, &err),
                         0);
        /* ipc and uts are the pod sandbox's (runc's state and its record say so); the network
         * namespace is pinned by the CNI plugin */
        for (size_t i = 0; i < 2; i++) {
                struct rw_path_fact *f = rw_facts_lookup_mutable(
                    &facts, i == 0 ? "/proc/4242/ns/ipc" : "/proc/4242/ns/uts");

                f->owner.id = strdup("sb1");
                f->owner.sandbox = strdup("sb1");
        }
        rw_facts_lookup_mutable(&facts, "/var/run/netns/cni-1234")->pinned_ns = true;
        rw_plan_init(&plan);
        rw_rules_namespaces(spec, &ns_settings, &facts, &plan);
        assert_int_equal(plan.n_denials, 0);
        assert_int_equal(plan.n_notes, 3);
        /* the cgroup namespace added, the pinned file joined by the path it resolved to */
        assert_int_equal(plan.n_changes, 2);
        assert_int_equal(json_array_append_new(rw_test_get(expected, "/linux/namespaces"),
                                               json_pack("{s:s}", "type", "cgroup")),
                         0);
        assert_int_equal(json_object_set_new(rw_test_get(expected, "/linux/namespaces/4"), "path",
                                             json_string("/run/netns/cni-1234")),
                         0);
        assert_applied_only(spec, &plan, expected);
}

static void test_namespace_path_unverifiable(void **state)
{
        _cleanup_plan_ struct rw_plan plan;
        _cleanup_facts_ struct rw_host_facts facts;
        _cleanup_json_ json_t *spec = rw_test_parse(
            "{\"linux\":{\"namespaces\":[{\"type\":\"pid\",\"path\":\"/proc/77/ns/pid\"},"
            "{\"type\":\"ipc\",\"path\":\"/proc/78/ns/ipc\"},{\"type\":\"uts\"},"
            "{\"type\":\"mount\"},{\"type\":\"network\"},{\"type\":\"cgroup\"}]}}");
        struct rw_error err = {0};
        const struct rw_denial *d;

        (void)state;
        rw_test_facts_init(&facts);
        /* No fact at all for the pid path; the ipc one could not be stat()ed. */
        assert_int_equal(rw_facts_add_path(&facts, "/proc/78/ns/ipc", ENOENT, NULL, 0, 0, 0, &err),
                         0);
        rw_plan_init(&plan);
        rw_rules_namespaces(spec, &ns_settings, &facts, &plan);

        assert_int_equal(plan.n_denials, 2);
        d = denial_for_item(&plan, "/proc/77/ns/pid");
        assert_non_null(d);
        assert_string_equal(d->rule, RW_RULE_HOST_NAMESPACE);
        assert_string_equal(d->reason, "cannot verify namespace path /proc/77/ns/pid of the pid "
                                       "namespace: it does not exist or cannot be read");
        d = denial_for_item(&plan, "/proc/78/ns/ipc");
        assert_non_null(d);
        assert_string_equal(d->reason, "cannot verify namespace path /proc/78/ns/ipc of the ipc "
                                       "namespace: it does not exist or cannot be read");
}

static void test_namespace_host_ns_unknown(void **state)
{
        /* Without pid 1's namespace ids nothing can be compared: refuse. */
        _cleanup_plan_ struct rw_plan plan;
        _cleanup_facts_ struct rw_host_facts facts;
        _cleanup_json_ json_t *spec =
            namespaces_spec(",{\"type\":\"network\",\"path\":\"/run/netns/a\"}");
        struct rw_error err = {0};

        (void)state;
        rw_test_facts_init(&facts);
        facts.host_ns[RW_NS_NETWORK].known = false;
        assert_int_equal(
            rw_facts_add_path(&facts, "/run/netns/a", 0, "/run/netns/a", 0, 1, 99, &err), 0);
        rw_plan_init(&plan);
        rw_rules_namespaces(spec, &ns_settings, &facts, &plan);
        assert_int_equal(plan.n_denials, 1);
        assert_string_equal(plan.denials[0].reason,
                            "cannot verify namespace path /run/netns/a of the network namespace: "
                            "the host's network namespace is unknown");
}

static void test_namespace_empty_path(void **state)
{
        /* runc reads "path": "" as a new namespace. */
        _cleanup_plan_ struct rw_plan plan;
        _cleanup_facts_ struct rw_host_facts facts;
        _cleanup_json_ json_t *spec =
            namespaces_spec(",{\"type\":\"network\",\"path\":\"\"},{\"type\":\"cgroup\"}");

        (void)state;
        rw_test_facts_init(&facts);
        rw_plan_init(&plan);
        rw_rules_namespaces(spec, &ns_settings, &facts, &plan);
        assert_int_equal(plan.n_denials, 0);
        assert_int_equal(plan.n_changes, 0);
}

static void test_namespace_malformed(void **state)
{
        static const struct {
                const char *extra;
                const char *item;
                const char *reason;
        } cases[] = {
            {",{\"type\":\"network\"},{\"type\":\"pid\"}", "pid",
             "linux.namespaces lists the pid namespace twice"},
            {",{\"type\":\"network\"},{\"path\":\"/proc/1/ns/net\"}", "linux.namespaces",
             "linux.namespaces[5] has no type"},
            {",{\"type\":\"network\"},\"cgroup\"", "linux.namespaces",
             "linux.namespaces[5] has no type"},
            {",{\"type\":\"network\",\"path\":42}", "network",
             "the path of the network namespace is not a string"},
        };

        (void)state;
        for (size_t i = 0; i < RW_ELEMENTSOF(cases); i++) {
                _cleanup_plan_ struct rw_plan plan;
                _cleanup_facts_ struct rw_host_facts facts;
                _cleanup_json_ json_t *spec = namespaces_spec(cases[i].extra);

                print_message("case %s\n", cases[i].extra);
                rw_test_facts_init(&facts);
                rw_plan_init(&plan);
                rw_rules_namespaces(spec, &ns_settings, &facts, &plan);
                assert_int_equal(plan.n_denials, 1);
                assert_string_equal(plan.denials[0].rule, RW_RULE_SPEC);
                assert_string_equal(plan.denials[0].item, cases[i].item);
                assert_string_equal(plan.denials[0].reason, cases[i].reason);
        }
}

static void test_namespace_unknown_type(void **state)
{
        _cleanup_plan_ struct rw_plan plan;
        _cleanup_facts_ struct rw_host_facts facts;
        _cleanup_json_ json_t *spec =
            namespaces_spec(",{\"type\":\"network\"},{\"type\":\"cgroup\"},{\"type\":\"bogus\"}");

        (void)state;
        rw_test_facts_init(&facts);
        rw_plan_init(&plan);
        rw_rules_namespaces(spec, &ns_settings, &facts, &plan);
        assert_int_equal(plan.n_denials, 0);
        assert_int_equal(plan.n_changes, 0);
}

static void test_namespaces_missing(void **state)
{
        static const char *const specs[] = {"{}", "{\"linux\":{}}"};
        static const char *const required[] = {"pid", "ipc", "uts", "mount", "network"};

        (void)state;
        for (size_t i = 0; i < RW_ELEMENTSOF(specs); i++) {
                _cleanup_plan_ struct rw_plan plan;
                _cleanup_facts_ struct rw_host_facts facts;
                _cleanup_json_ json_t *spec = rw_test_parse(specs[i]);

                rw_test_facts_init(&facts);
                rw_plan_init(&plan);
                rw_rules_namespaces(spec, &ns_settings, &facts, &plan);
                assert_int_equal(plan.n_denials, RW_ELEMENTSOF(required));
                for (size_t k = 0; k < RW_ELEMENTSOF(required); k++) {
                        _cleanup_free_ char *item = NULL;

                        assert_true(asprintf(&item, "%s namespace", required[k]) > 0);
                        assert_non_null(denial_for_item(&plan, item));
                }
                assert_int_equal(plan.n_changes, 0);
        }
}

static void test_namespaces_not_array(void **state)
{
        _cleanup_plan_ struct rw_plan plan;
        _cleanup_facts_ struct rw_host_facts facts;
        _cleanup_json_ json_t *spec = rw_test_parse("{\"linux\":{\"namespaces\":{}}}");

        (void)state;
        rw_test_facts_init(&facts);
        rw_plan_init(&plan);
        rw_rules_namespaces(spec, &ns_settings, &facts, &plan);
        assert_int_equal(plan.n_denials, 1);
        assert_string_equal(plan.denials[0].rule, RW_RULE_SPEC);
        assert_string_equal(plan.denials[0].reason, "linux.namespaces is not a JSON array");
}

/* masked and read-only paths */

static const char *const want_masked[] = {
    "/proc/asound",
    "/proc/acpi",
    "/proc/kcore",
    "/proc/keys",
    "/proc/latency_stats",
    "/proc/timer_list",
    "/proc/timer_stats",
    "/proc/sched_debug",
    "/proc/scsi",
    "/sys/firmware",
    "/sys/devices/virtual/powercap",
};
static const char *const want_readonly[] = {
    "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
};

static json_t *string_array(const char *const *items, size_t n)
{
        json_t *a = json_array();

        assert_non_null(a);
        for (size_t i = 0; i < n; i++)
                assert_int_equal(json_array_append_new(a, json_string(items[i])), 0);
        return a;
}

static void test_masked_paths_privileged(void **state)
{
        _cleanup_plan_ struct rw_plan plan;
        _cleanup_json_ json_t *spec = rw_test_load_fixture("docker-privileged-sock-host.json");
        _cleanup_json_ json_t *masked = string_array(want_masked, RW_ELEMENTSOF(want_masked));
        _cleanup_json_ json_t *readonly = string_array(want_readonly, RW_ELEMENTSOF(want_readonly));
        _cleanup_json_ json_t *expected = json_deep_copy(spec);
        const struct rw_change *c;

        (void)state;
        assert_null(rw_test_get(spec, "/linux/maskedPaths"));
        assert_null(rw_test_get(spec, "/linux/readonlyPaths"));
        rw_plan_init(&plan);
        rw_rules_kernel(spec, &plan);
        assert_int_equal(plan.n_denials, 0);
        assert_int_equal(plan.n_changes, 2);

        c = rw_test_find_change(&plan, RW_RULE_MASKED_PATHS, "/linux/maskedPaths");
        assert_non_null(c);
        assert_int_equal(c->kind, RW_CHANGE_SET);
        assert_null(c->before);
        assert_true(json_equal(c->after, masked));
        c = rw_test_find_change(&plan, RW_RULE_MASKED_PATHS, "/linux/readonlyPaths");
        assert_non_null(c);
        assert_null(c->before);
        assert_true(json_equal(c->after, readonly));

        assert_int_equal(json_object_set(json_object_get(expected, "linux"), "maskedPaths", masked),
                         0);
        assert_int_equal(
            json_object_set(json_object_get(expected, "linux"), "readonlyPaths", readonly), 0);
        assert_applied_only(spec, &plan, expected);
}

static void test_masked_paths_default(void **state)
{
        /* Docker 20.10 and containerd 1.6 predate the powercap mask: only that one is added, the
         * engine's own entries keep their order; the read-only list is already complete. */
        static const char *const fixtures[] = {"docker-default.json",
                                               "containerd-ctr-default.json"};

        (void)state;
        for (size_t i = 0; i < RW_ELEMENTSOF(fixtures); i++) {
                _cleanup_plan_ struct rw_plan plan;
                _cleanup_json_ json_t *spec = rw_test_load_fixture(fixtures[i]);
                _cleanup_json_ json_t *expected = json_deep_copy(spec);
                _cleanup_json_ json_t *after = NULL;
                const struct rw_change *c;

                print_message("fixture %s\n", fixtures[i]);
                rw_plan_init(&plan);
                rw_rules_kernel(spec, &plan);
                assert_int_equal(plan.n_denials, 0);
                assert_int_equal(plan.n_changes, 1);
                assert_null(
                    rw_test_find_change(&plan, RW_RULE_MASKED_PATHS, "/linux/readonlyPaths"));
                c = rw_test_find_change(&plan, RW_RULE_MASKED_PATHS, "/linux/maskedPaths");
                assert_non_null(c);
                assert_true(c->before == rw_test_get(spec, "/linux/maskedPaths"));

                after = json_deep_copy(c->before);
                assert_int_equal(
                    json_array_append_new(after, json_string("/sys/devices/virtual/powercap")), 0);
                assert_true(json_equal(c->after, after));

                assert_int_equal(
                    json_array_append_new(rw_test_get(expected, "/linux/maskedPaths"),
                                          json_string("/sys/devices/virtual/powercap")),
                    0);
                assert_applied_only(spec, &plan, expected);
        }
}

static void test_masked_paths_complete(void **state)
{
        _cleanup_plan_ struct rw_plan plan;
        _cleanup_json_ json_t *masked = string_array(want_masked, RW_ELEMENTSOF(want_masked));
        _cleanup_json_ json_t *spec = NULL;

        (void)state;
        /* Extra entries of the engine's are kept. */
        assert_int_equal(json_array_append_new(masked, json_string("/proc/extra")), 0);
        spec = json_pack("{s:{s:O,s:o}}", "linux", "maskedPaths", masked, "readonlyPaths",
                         string_array(want_readonly, RW_ELEMENTSOF(want_readonly)));
        assert_non_null(spec);
        rw_plan_init(&plan);
        rw_rules_kernel(spec, &plan);
        assert_int_equal(plan.n_denials, 0);
        assert_int_equal(plan.n_changes, 0);
}

static void test_masked_paths_malformed(void **state)
{
        static const struct {
                const char *spec;
                const char *reason;
        } cases[] = {
            {"{\"linux\":{\"maskedPaths\":\"/proc/kcore\"}}",
             "linux.maskedPaths is not a JSON array"},
            {"{\"linux\":{\"readonlyPaths\":[\"/proc/sys\",7]}}",
             "linux.readonlyPaths[1] is not a string"},
            {"{\"linux\":[]}", "linux is not a JSON object"},
        };

        (void)state;
        for (size_t i = 0; i < RW_ELEMENTSOF(cases); i++) {
                _cleanup_plan_ struct rw_plan plan;
                _cleanup_json_ json_t *spec = rw_test_parse(cases[i].spec);

                rw_plan_init(&plan);
                rw_rules_kernel(spec, &plan);
                assert_non_null(rw_test_find_denial(&plan, RW_RULE_SPEC));
                assert_string_equal(rw_test_find_denial(&plan, RW_RULE_SPEC)->reason,
                                    cases[i].reason);
        }
}

/* sysctl */

static void run_kernel_on_sysctl(const char *sysctl, struct rw_plan *plan, json_t **ret_spec)
{
        _cleanup_free_ char *text = NULL;
        json_t *masked = string_array(want_masked, RW_ELEMENTSOF(want_masked));
        json_t *readonly = string_array(want_readonly, RW_ELEMENTSOF(want_readonly));
        json_t *spec;

        assert_true(asprintf(&text, "{\"linux\":{\"sysctl\":%s}}", sysctl) > 0);
        spec = rw_test_parse(text);
        json_object_set_new(json_object_get(spec, "linux"), "maskedPaths", masked);
        json_object_set_new(json_object_get(spec, "linux"), "readonlyPaths", readonly);
        rw_plan_init(plan);
        rw_rules_kernel(spec, plan);
        *ret_spec = spec;
}

static void test_sysctl_docker_defaults(void **state)
{
        static const char *const fixtures[] = {
            "docker-default.json", "docker-privileged-sock-host.json",
            "docker-readonly-hostns.json", "docker-ulimit-unlimited.json"};

        (void)state;
        for (size_t i = 0; i < RW_ELEMENTSOF(fixtures); i++) {
                _cleanup_plan_ struct rw_plan plan;
                _cleanup_json_ json_t *spec = rw_test_load_fixture(fixtures[i]);
                _cleanup_json_ json_t *applied = NULL;
                _cleanup_json_ json_t *sysctl_before = NULL;

                sysctl_before = json_deep_copy(rw_test_get(spec, "/linux/sysctl"));
                assert_int_equal(json_object_size(sysctl_before), 2);
                rw_plan_init(&plan);
                rw_rules_kernel(spec, &plan);
                assert_int_equal(plan.n_denials, 0);
                assert_int_equal(rw_test_count_changes(&plan, RW_RULE_SYSCTL), 0);
                applied = rw_test_apply(spec, &plan);
                assert_true(json_equal(rw_test_get(applied, "/linux/sysctl"), sysctl_before));
        }
}

static void test_sysctl_strip(void **state)
{
        _cleanup_plan_ struct rw_plan plan;
        _cleanup_json_ json_t *spec = NULL;
        _cleanup_json_ json_t *applied = NULL;
        _cleanup_json_ json_t *expected =
            rw_test_parse("{\"kernel.shm_rmid_forced\":\"1\",\"net/ipv4/tcp_syncookies\":\"1\","
                          "\"net.ipv4.ip_local_port_range\":\"1024 65000\"}");
        const struct rw_change *c;

        (void)state;
        run_kernel_on_sysctl("{\"kernel.shm_rmid_forced\":\"1\",\"kernel.core_pattern\":\"|/x\","
                             "\"net/ipv4/tcp_syncookies\":\"1\",\"net.core.somaxconn\":\"1024\","
                             "\"kernel/yama/ptrace_scope\":\"0\","
                             "\"net.ipv4.ip_local_port_range\":\"1024 65000\","
                             "\"net.ipv4.ping_group_range.x\":\"0 0\","
                             "\"kernel.msgmax\":\"a=b\"}",
                             &plan, &spec);
        assert_int_equal(plan.n_denials, 0);
        assert_int_equal(plan.n_changes, 5);

        c = rw_test_find_change(&plan, RW_RULE_SYSCTL, "/linux/sysctl/kernel.core_pattern");
        assert_non_null(c);
        assert_int_equal(c->kind, RW_CHANGE_DELETE);
        assert_string_equal(json_string_value(c->before), "|/x");
        assert_null(c->after);
        /* Keys with "/" are escaped in the pointer. */
        c = rw_test_find_change(&plan, RW_RULE_SYSCTL, "/linux/sysctl/kernel~1yama~1ptrace_scope");
        assert_non_null(c);
        assert_string_equal(json_string_value(c->before), "0");
        assert_non_null(
            rw_test_find_change(&plan, RW_RULE_SYSCTL, "/linux/sysctl/net.core.somaxconn"));
        assert_non_null(rw_test_find_change(&plan, RW_RULE_SYSCTL,
                                            "/linux/sysctl/net.ipv4.ping_group_range.x"));
        /* An unsafe key goes whatever its value; it is not denied. */
        assert_non_null(rw_test_find_change(&plan, RW_RULE_SYSCTL, "/linux/sysctl/kernel.msgmax"));

        applied = rw_test_apply(spec, &plan);
        assert_true(json_equal(rw_test_get(applied, "/linux/sysctl"), expected));
}

static void test_sysctl_injection(void **state)
{
        static const char *const values[] = {"1+2", "a=b", "x\\ny", "x\\ry",
                                             "0+kernel.core_pattern=|/pwn"};

        (void)state;
        for (size_t i = 0; i < RW_ELEMENTSOF(values); i++) {
                _cleanup_plan_ struct rw_plan plan;
                _cleanup_json_ json_t *spec = NULL;
                _cleanup_free_ char *sysctl = NULL;

                print_message("value %s\n", values[i]);
                assert_true(asprintf(&sysctl,
                                     "{\"net.ipv4.ip_unprivileged_port_start\":\"0\","
                                     "\"kernel.shm_rmid_forced\":\"%s\"}",
                                     values[i]) > 0);
                run_kernel_on_sysctl(sysctl, &plan, &spec);
                assert_int_equal(plan.n_denials, 1);
                assert_string_equal(plan.denials[0].rule, RW_RULE_SYSCTL);
                assert_string_equal(plan.denials[0].item, "kernel.shm_rmid_forced");
                assert_string_equal(plan.denials[0].reason,
                                    "the value of sysctl kernel.shm_rmid_forced contains '+', "
                                    "'=' or a line break (CVE-2022-0811)");
                assert_int_equal(plan.n_changes, 0);
        }
}

static void test_sysctl_malformed(void **state)
{
        static const struct {
                const char *sysctl;
                const char *reason;
        } cases[] = {
            {"[]", "linux.sysctl is not a JSON object"},
            {"{\"net.ipv4.tcp_syncookies\":1}",
             "the value of sysctl net.ipv4.tcp_syncookies is not a string"},
            {"{\"net.ipv4.tcp_syncookies\":1.5}",
             "the value of sysctl net.ipv4.tcp_syncookies is not a string"},
        };

        (void)state;
        for (size_t i = 0; i < RW_ELEMENTSOF(cases); i++) {
                _cleanup_plan_ struct rw_plan plan;
                _cleanup_json_ json_t *spec = NULL;

                run_kernel_on_sysctl(cases[i].sysctl, &plan, &spec);
                assert_int_equal(plan.n_denials, 1);
                assert_string_equal(plan.denials[0].rule, RW_RULE_SPEC);
                assert_string_equal(plan.denials[0].reason, cases[i].reason);
        }
}

/* devices */

static const char cgroup_devices[] =
    "[{\"allow\":false,\"access\":\"rwm\"},"
    "{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":3,\"access\":\"rwm\"},"
    "{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":5,\"access\":\"rwm\"},"
    "{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":7,\"access\":\"rwm\"},"
    "{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":8,\"access\":\"rwm\"},"
    "{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":9,\"access\":\"rwm\"},"
    "{\"allow\":true,\"type\":\"c\",\"major\":5,\"minor\":0,\"access\":\"rwm\"},"
    "{\"allow\":true,\"type\":\"c\",\"major\":5,\"minor\":1,\"access\":\"rwm\"},"
    "{\"allow\":true,\"type\":\"c\",\"major\":5,\"minor\":2,\"access\":\"rwm\"},"
    "{\"allow\":true,\"type\":\"c\",\"major\":136,\"access\":\"rwm\"}]";

static void test_devices_hand_made(void **state)
{
        static const char kvm[] =
            "{\"path\":\"/dev/kvm\",\"type\":\"c\",\"major\":10,\"minor\":232,\"fileMode\":438}";
        static const char sda[] = "{\"path\":\"/dev/sda\",\"type\":\"b\",\"major\":8,\"minor\":0}";
        static const char mem[] = "{\"path\":\"/dev/mem\",\"type\":\"c\",\"major\":1,\"minor\":1}";
        static const char null[] =
            "{\"path\":\"/dev/null\",\"type\":\"c\",\"major\":1,\"minor\":3,\"fileMode\":438,"
            "\"uid\":0,\"gid\":0}";
        static const char fake_null[] =
            "{\"path\":\"/dev/null\",\"type\":\"c\",\"major\":8,\"minor\":0}";
        static const char block_null[] =
            "{\"path\":\"/dev/null\",\"type\":\"b\",\"major\":1,\"minor\":3}";
        static const char pts[] =
            "{\"path\":\"/dev/pts/3\",\"type\":\"c\",\"major\":136,\"minor\":3}";
        static const char pts_wrong[] =
            "{\"path\":\"/dev/pts/4\",\"type\":\"c\",\"major\":136,\"minor\":3}";
        static const char zero_u[] =
            "{\"path\":\"/dev/zero\",\"type\":\"u\",\"major\":1,\"minor\":5}";
        static const char urandom_renamed[] =
            "{\"path\":\"/dev/rnd\",\"type\":\"c\",\"major\":1,\"minor\":9}";
        static const char fuse[] =
            "{\"path\":\"/dev/fuse\",\"type\":\"c\",\"major\":10,\"minor\":229}";
        static const char no_minor[] = "{\"path\":\"/dev/tty\",\"type\":\"c\",\"major\":5}";
        _cleanup_plan_ struct rw_plan plan;
        _cleanup_free_ char *text = NULL;
        _cleanup_free_ char *expected_text = NULL;
        _cleanup_json_ json_t *spec = NULL;
        _cleanup_json_ json_t *expected = NULL;
        _cleanup_json_ json_t *want_cgroup = rw_test_parse(cgroup_devices);
        const struct rw_change *c;
        /* index in the spec -> removed? */
        /* /dev/pts/N is the host's terminal N once runc binds it (user namespaces) */
        static const bool removed[] = {true, true, true,  false, true, true,
                                       true, true, false, true,  true, true};

        (void)state;
        assert_true(asprintf(&text,
                             "{\"linux\":{\"devices\":[%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s],"
                             "\"resources\":{\"memory\":{\"limit\":1048576}}}}",
                             kvm, sda, mem, null, fake_null, block_null, pts, pts_wrong, zero_u,
                             urandom_renamed, fuse, no_minor) > 0);
        spec = rw_test_parse(text);
        rw_plan_init(&plan);
        rw_rules_devices(spec, &plan);
        assert_int_equal(plan.n_denials, 0);

        for (size_t i = 0; i < RW_ELEMENTSOF(removed); i++) {
                char path[64];

                snprintf(path, sizeof(path), "/linux/devices/%zu", i);
                c = rw_test_find_change(&plan, RW_RULE_DEVICES, path);
                if (!removed[i]) {
                        assert_null(c);
                        continue;
                }
                print_message("removed %s\n", path);
                assert_non_null(c);
                assert_int_equal(c->kind, RW_CHANGE_ARRAY_REMOVE);
                assert_string_equal(c->pointer, "/linux/devices");
                assert_true(c->anchor == rw_test_get(spec, path));
        }
        c = rw_test_find_change(&plan, RW_RULE_DEVICES, "/linux/resources/devices");
        assert_non_null(c);
        assert_int_equal(c->kind, RW_CHANGE_SET);
        assert_null(c->before);
        assert_true(json_equal(c->after, want_cgroup));
        assert_int_equal(plan.n_changes, 10 + 1);

        assert_true(asprintf(&expected_text,
                             "{\"linux\":{\"devices\":[%s,%s],\"resources\":{\"memory\":"
                             "{\"limit\":1048576},\"devices\":%s}}}",
                             null, zero_u, cgroup_devices) > 0);
        expected = rw_test_parse(expected_text);
        assert_applied_only(spec, &plan, expected);
}

static void test_devices_privileged(void **state)
{
        static const char *const kept[] = {"/dev/full", "/dev/null",    "/dev/ptmx", "/dev/random",
                                           "/dev/tty",  "/dev/urandom", "/dev/zero"};
        _cleanup_plan_ struct rw_plan plan;
        _cleanup_json_ json_t *spec = rw_test_load_fixture("docker-privileged-sock-host.json");
        _cleanup_json_ json_t *pristine = json_deep_copy(spec);
        _cleanup_json_ json_t *applied = NULL;
        _cleanup_json_ json_t *want_cgroup = rw_test_parse(cgroup_devices);
        _cleanup_json_ json_t *privileged_cgroup =
            rw_test_parse("[{\"allow\":true,\"access\":\"rwm\"}]");
        size_t n_devices = json_array_size(rw_test_get(spec, "/linux/devices"));
        const json_t *devices;
        const struct rw_change *c;

        (void)state;
        rw_plan_init(&plan);
        rw_rules_devices(spec, &plan);
        assert_int_equal(plan.n_denials, 0);
        assert_int_equal(rw_test_count_changes(&plan, RW_RULE_DEVICES),
                         n_devices - RW_ELEMENTSOF(kept) + 1);

        c = rw_test_find_change(&plan, RW_RULE_DEVICES, "/linux/resources/devices");
        assert_non_null(c);
        assert_true(json_equal(c->before, privileged_cgroup));
        assert_true(json_equal(c->after, want_cgroup));

        applied = rw_test_apply(spec, &plan);
        devices = rw_test_get(applied, "/linux/devices");
        assert_int_equal(json_array_size(devices), RW_ELEMENTSOF(kept));
        for (size_t i = 0; i < RW_ELEMENTSOF(kept); i++)
                assert_string_equal(
                    json_string_value(json_object_get(json_array_get(devices, i), "path")),
                    kept[i]);
        assert_true(json_equal(rw_test_get(applied, "/linux/resources/devices"), want_cgroup));
        /* Everything else is untouched. */
        assert_int_equal(json_object_del(rw_test_get(pristine, "/linux"), "devices"), 0);
        assert_int_equal(json_object_del(rw_test_get(applied, "/linux"), "devices"), 0);
        assert_int_equal(json_object_del(rw_test_get(pristine, "/linux/resources"), "devices"), 0);
        assert_int_equal(json_object_del(rw_test_get(applied, "/linux/resources"), "devices"), 0);
        assert_true(json_equal(applied, pristine));
}

static void test_devices_cgroup_fixtures(void **state)
{
        _cleanup_json_ json_t *want_cgroup = rw_test_parse(cgroup_devices);

        (void)state;
        for (size_t i = 0; i < RW_ELEMENTSOF(config_fixtures); i++) {
                _cleanup_plan_ struct rw_plan plan;
                _cleanup_json_ json_t *spec = rw_test_load_fixture(config_fixtures[i]);
                _cleanup_json_ json_t *expected = json_deep_copy(spec);
                bool containerd = strcmp(config_fixtures[i], "containerd-ctr-default.json") == 0;
                bool privileged =
                    strcmp(config_fixtures[i], "docker-privileged-sock-host.json") == 0;

                if (privileged)
                        continue; /* test_devices_privileged */
                print_message("fixture %s\n", config_fixtures[i]);
                rw_plan_init(&plan);
                rw_rules_devices(spec, &plan);
                assert_int_equal(plan.n_denials, 0);
                if (containerd) {
                        /* containerd's list is the safe set in another order: nothing to do. */
                        assert_int_equal(plan.n_changes, 0);
                        continue;
                }
                /* Docker's ends with an explicit deny of /dev/fuse: replaced by the exact list. */
                assert_int_equal(plan.n_changes, 1);
                assert_true(plan.changes[0].before ==
                            rw_test_get(spec, "/linux/resources/devices"));
                assert_true(json_equal(plan.changes[0].after, want_cgroup));
                assert_int_equal(json_object_set(rw_test_get(expected, "/linux/resources"),
                                                 "devices", want_cgroup),
                                 0);
                assert_applied_only(spec, &plan, expected);
        }
}

static void test_devices_cgroup_exact(void **state)
{
        /* Exactly the wanted list (any allow order) is left alone; a duplicate, an extra allow or
         * a wider access is replaced. */
        static const struct {
                const char *list;
                bool change;
        } cases[] = {
            {cgroup_devices, false},
            {"[{\"allow\":false,\"access\":\"rwm\"},"
             "{\"allow\":true,\"type\":\"c\",\"major\":136,\"access\":\"rwm\"},"
             "{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":3,\"access\":\"rwm\"},"
             "{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":5,\"access\":\"rwm\"},"
             "{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":7,\"access\":\"rwm\"},"
             "{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":8,\"access\":\"rwm\"},"
             "{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":9,\"access\":\"rwm\"},"
             "{\"allow\":true,\"type\":\"c\",\"major\":5,\"minor\":0,\"access\":\"rwm\"},"
             "{\"allow\":true,\"type\":\"c\",\"major\":5,\"minor\":1,\"access\":\"rwm\"},"
             "{\"allow\":true,\"type\":\"c\",\"major\":5,\"minor\":2,\"access\":\"rwm\"}]",
             false},
            {"[{\"allow\":false,\"access\":\"rwm\"},"
             "{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":3,\"access\":\"rwm\"},"
             "{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":3,\"access\":\"rwm\"},"
             "{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":7,\"access\":\"rwm\"},"
             "{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":8,\"access\":\"rwm\"},"
             "{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":9,\"access\":\"rwm\"},"
             "{\"allow\":true,\"type\":\"c\",\"major\":5,\"minor\":0,\"access\":\"rwm\"},"
             "{\"allow\":true,\"type\":\"c\",\"major\":5,\"minor\":1,\"access\":\"rwm\"},"
             "{\"allow\":true,\"type\":\"c\",\"major\":5,\"minor\":2,\"access\":\"rwm\"},"
             "{\"allow\":true,\"type\":\"c\",\"major\":136,\"access\":\"rwm\"}]",
             true},
            {"[{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":3,\"access\":\"rwm\"},"
             "{\"allow\":false,\"access\":\"rwm\"}]",
             true},
            {"[{\"allow\":false,\"access\":\"rwm\"}]", true},
            {"[]", true},
        };

        (void)state;
        for (size_t i = 0; i < RW_ELEMENTSOF(cases); i++) {
                _cleanup_plan_ struct rw_plan plan;
                _cleanup_free_ char *text = NULL;
                _cleanup_json_ json_t *spec = NULL;

                assert_true(asprintf(&text, "{\"linux\":{\"resources\":{\"devices\":%s}}}",
                                     cases[i].list) > 0);
                spec = rw_test_parse(text);
                rw_plan_init(&plan);
                rw_rules_devices(spec, &plan);
                assert_int_equal(plan.n_denials, 0);
                assert_int_equal(plan.n_changes, cases[i].change ? 1 : 0);
        }
}

static void test_devices_malformed(void **state)
{
        static const struct {
                const char *spec;
                const char *reason;
        } cases[] = {
            {"{\"linux\":{\"devices\":{}}}", "linux.devices is not a JSON array"},
            {"{\"linux\":{\"resources\":[]}}", "linux.resources is not a JSON object"},
            {"{\"linux\":7}", "linux is not a JSON object"},
        };

        (void)state;
        for (size_t i = 0; i < RW_ELEMENTSOF(cases); i++) {
                _cleanup_plan_ struct rw_plan plan;
                _cleanup_json_ json_t *spec = rw_test_parse(cases[i].spec);

                rw_plan_init(&plan);
                rw_rules_devices(spec, &plan);
                assert_non_null(rw_test_find_denial(&plan, RW_RULE_SPEC));
                assert_string_equal(rw_test_find_denial(&plan, RW_RULE_SPEC)->reason,
                                    cases[i].reason);
        }
}

/* pids */

static void test_pids(void **state)
{
        static const struct {
                const char *resources; /* NULL: no linux.resources */
                const char *before;    /* NULL: no change expected; "-": absent before */
        } cases[] = {
            {NULL, "-"},
            {"{}", "-"},
            {"{\"pids\":{}}", "-"},
            {"{\"pids\":{\"limit\":0}}", "0"},
            {"{\"pids\":{\"limit\":-1}}", "-1"},
            {"{\"pids\":{\"limit\":\"100\"}}", "\"100\""},
            {"{\"pids\":{\"limit\":null}}", "null"},
            {"{\"pids\":{\"limit\":18446744073709551615}}", "18446744073709551615"},
            {"{\"pids\":{\"limit\":100}}", NULL},
            /* above the tier's limit: lowered to it */
            {"{\"pids\":{\"limit\":100000}}", "100000"},
            {"{\"pids\":{\"limit\":4194304}}", "4194304"},
        };

        (void)state;
        for (size_t i = 0; i < RW_ELEMENTSOF(cases); i++) {
                _cleanup_plan_ struct rw_plan plan;
                _cleanup_free_ char *text = NULL;
                _cleanup_json_ json_t *spec = NULL;
                _cleanup_json_ json_t *applied = NULL;
                _cleanup_json_ json_t *before = NULL;
                struct rw_settings settings;
                const struct rw_change *c;

                print_message("resources %s\n", cases[i].resources ? cases[i].resources : "-");
                rw_settings_baseline(&settings);
                settings.pids_limit = 1234;
                if (cases[i].resources != NULL)
                        assert_true(asprintf(&text,
                                             "{\"linux\":{\"resources\":%s,\"sysctl\":{}},"
                                             "\"x\":1}",
                                             cases[i].resources) > 0);
                else
                        assert_true(asprintf(&text, "{\"linux\":{},\"x\":1}") > 0);
                spec = rw_test_parse(text);
                rw_plan_init(&plan);
                rw_rules_limits(spec, &settings, NULL, &plan);
                assert_int_equal(plan.n_denials, 0);

                if (cases[i].before == NULL) {
                        assert_int_equal(plan.n_changes, 0);
                        continue;
                }
                assert_int_equal(plan.n_changes, 1);
                c = rw_test_find_change(&plan, RW_RULE_PIDS, "/linux/resources/pids/limit");
                assert_non_null(c);
                assert_int_equal(c->kind, RW_CHANGE_SET);
                if (strcmp(cases[i].before, "-") == 0) {
                        assert_null(c->before);
                } else {
                        _cleanup_free_ char *wrapped = NULL;

                        /* Wrapped: a bare scalar is not a document. */
                        assert_true(asprintf(&wrapped, "[%s]", cases[i].before) > 0);
                        before = rw_test_parse(wrapped);
                        assert_true(json_equal(c->before, json_array_get(before, 0)));
                }
                assert_int_equal(json_integer_value(c->after), 1234);

                applied = rw_test_apply(spec, &plan);
                assert_int_equal(
                    json_integer_value(rw_test_get(applied, "/linux/resources/pids/limit")), 1234);
                assert_int_equal(json_object_size(rw_test_get(applied, "/linux/resources/pids")),
                                 1);
                assert_int_equal(json_integer_value(json_object_get(applied, "x")), 1);
        }
}

static void test_pids_fixtures(void **state)
{
        (void)state;
        for (size_t i = 0; i < RW_ELEMENTSOF(config_fixtures); i++) {
                _cleanup_plan_ struct rw_plan plan;
                _cleanup_json_ json_t *spec = rw_test_load_fixture(config_fixtures[i]);
                _cleanup_json_ json_t *expected = json_deep_copy(spec);
                struct rw_settings settings;

                rw_settings_baseline(&settings);
                rw_plan_init(&plan);
                rw_rules_limits(spec, &settings, NULL, &plan);
                assert_int_equal(plan.n_denials, 0);
                assert_int_equal(plan.n_changes, 1);
                assert_int_equal(json_object_set_new(
                                     rw_test_get(expected, "/linux/resources"), "pids",
                                     json_pack("{s:I}", "limit", (json_int_t)settings.pids_limit)),
                                 0);
                assert_applied_only(spec, &plan, expected);
        }
}

/* A malformed pids object never reaches the rule: the spec gate refuses it, as runc would. */
static void test_pids_malformed(void **state)
{
        _cleanup_plan_ struct rw_plan plan;
        _cleanup_json_ json_t *spec = rw_test_parse("{\"linux\":{\"resources\":{\"pids\":5}}}");
        _cleanup_json_ json_t *view = NULL;
        struct rw_error err = {0};

        (void)state;
        rw_plan_init(&plan);
        assert_int_equal(rw_spec_read(spec, RW_SPEC_CONFIG, "config.json", &view, &plan, &err), 0);
        assert_null(view);
        assert_int_equal(plan.n_denials, 1);
        assert_string_equal(plan.denials[0].rule, RW_RULE_SPEC);
        assert_string_equal(plan.denials[0].reason,
                            "config.json /linux/resources/pids: is a number "
                            "where runc needs an object");
}

static void test_pids_tier_without_limit(void **state)
{
        _cleanup_plan_ struct rw_plan plan;
        _cleanup_json_ json_t *spec = rw_test_parse("{\"linux\":{}}");
        struct rw_settings settings;

        (void)state;
        rw_settings_baseline(&settings);
        settings.pids_limit = 0;
        rw_plan_init(&plan);
        rw_rules_limits(spec, &settings, NULL, &plan);
        assert_int_equal(plan.n_denials, 0);
        assert_int_equal(plan.n_changes, 0);
}

/* cgroup-path: the cgroup's name is the container's id, or WORD-ID (podman), maybe ".scope" */
static void test_cgroup_path_names(void **state)
{
        static const struct {
                const char *path;
                bool denied;
        } cases[] = {
            {"/docker/c0ffee", false},
            {"/libpod_parent/libpod-c0ffee", false},
            {"system.slice:docker:c0ffee", false},
            {"machine.slice:libpod-c0ffee.scope:c0ffee", false},
            {"/kubepods/besteffort/pod1/crio-c0ffee.scope", false},
            {"/docker/other", true},
            {"/docker/c0ffee-x", true},
            {"/docker/-c0ffee", true},
            {"/docker/libpod-c0ffeec0ffee", true},
            {"/docker/libpod-c0ffee/sub", true},
            {"/docker/c0ffee/../victim", true},
        };
        struct rw_host_facts facts = {.container_id = "c0ffee"};
        struct rw_settings settings;

        (void)state;
        rw_settings_baseline(&settings);
        for (size_t i = 0; i < RW_ELEMENTSOF(cases); i++) {
                _cleanup_plan_ struct rw_plan plan;
                _cleanup_json_ json_t *spec =
                    json_pack("{s:{s:s}}", "linux", "cgroupsPath", cases[i].path);

                rw_plan_init(&plan);
                rw_rules_limits(spec, &settings, &facts, &plan);
                if (rw_plan_denied(&plan) != cases[i].denied)
                        fail_msg("%s: expected %s", cases[i].path,
                                 cases[i].denied ? "a denial" : "no denial");
        }
}

/* annotations */

static void test_annotations(void **state)
{
        static const char *const deleted[] = {
            "/annotations/run.oci.handler",
            "/annotations/run.oci.seccomp_fail_unknown_syscall",
            "/annotations/run.oci.keep_original_groups",
            "/annotations/dev.gvisor.flag.network",
            "/annotations/io.katacontainers.config.hypervisor.path",
            "/annotations/org.systemd.property.DeviceAllow",
            "/annotations/run.oci.x~1y",
        };
        _cleanup_plan_ struct rw_plan plan;
        _cleanup_json_ json_t *spec =
            rw_test_parse("{\"annotations\":{\"run.oci.handler\":\"krun\","
                          "\"com.example.team\":\"ci\","
                          "\"run.oci.seccomp_fail_unknown_syscall\":\"1\","
                          "\"run.oci.keep_original_groups\":\"1\","
                          "\"dev.gvisor.flag.network\":\"host\","
                          "\"io.katacontainers.config.hypervisor.path\":\"/tmp/qemu\","
                          "\"org.systemd.property.DeviceAllow\":\"'/dev/sda rwm'\","
                          "\"run.oci.x/y\":\"z\","
                          "\"org.opencontainers.image.source\":\"https://example.com\","
                          "\"run.ocifoo\":\"kept\",\"RUN.OCI.HANDLER\":\"kept\"},\"x\":[]}");
        _cleanup_json_ json_t *expected =
            rw_test_parse("{\"annotations\":{\"com.example.team\":\"ci\","
                          "\"org.opencontainers.image.source\":\"https://example.com\","
                          "\"run.ocifoo\":\"kept\",\"RUN.OCI.HANDLER\":\"kept\"},\"x\":[]}");
        const struct rw_change *c;

        (void)state;
        rw_plan_init(&plan);
        rw_rules_annotations(spec, &plan);
        assert_int_equal(plan.n_denials, 0);
        assert_int_equal(plan.n_changes, RW_ELEMENTSOF(deleted));
        for (size_t i = 0; i < RW_ELEMENTSOF(deleted); i++) {
                c = rw_test_find_change(&plan, RW_RULE_ANNOTATIONS, deleted[i]);
                assert_non_null(c);
                assert_int_equal(c->kind, RW_CHANGE_DELETE);
                assert_true(c->before == rw_test_get(spec, deleted[i]));
        }
        c = rw_test_find_change(&plan, RW_RULE_ANNOTATIONS, "/annotations/run.oci.handler");
        assert_string_equal(json_string_value(c->before), "krun");
        assert_string_equal(c->reason, "annotation run.oci.handler configures the runtime itself");
        assert_applied_only(spec, &plan, expected);
}

static void test_annotations_fixtures_and_malformed(void **state)
{
        _cleanup_plan_ struct rw_plan bad_plan;
        _cleanup_json_ json_t *bad = rw_test_parse("{\"annotations\":[\"run.oci.handler\"]}");

        (void)state;
        for (size_t i = 0; i < RW_ELEMENTSOF(config_fixtures); i++) {
                _cleanup_plan_ struct rw_plan plan;
                _cleanup_json_ json_t *spec = rw_test_load_fixture(config_fixtures[i]);

                rw_plan_init(&plan);
                rw_rules_annotations(spec, &plan);
                assert_int_equal(plan.n_denials, 0);
                assert_int_equal(plan.n_changes, 0);
        }
        rw_plan_init(&bad_plan);
        rw_rules_annotations(bad, &bad_plan);
        assert_int_equal(bad_plan.n_denials, 1);
        assert_string_equal(bad_plan.denials[0].reason, "annotations is not a JSON object");
}

/* All families together on every fixture: their changes never collide when applied. */
static void test_families_compose(void **state)
{
        (void)state;
        for (size_t i = 0; i < RW_ELEMENTSOF(config_fixtures); i++) {
                _cleanup_plan_ struct rw_plan plan;
                _cleanup_facts_ struct rw_host_facts facts;
                _cleanup_json_ json_t *spec = rw_test_load_fixture(config_fixtures[i]);
                _cleanup_json_ json_t *applied = NULL;
                struct rw_settings settings;

                if (strcmp(config_fixtures[i], "docker-readonly-hostns.json") == 0)
                        continue; /* denied */
                rw_settings_baseline(&settings);
                rw_test_facts_init(&facts);
                rw_plan_init(&plan);
                rw_rules_process(json_object_get(spec, "process"), "/process", NULL, &plan);
                rw_rules_namespaces(spec, &ns_settings, &facts, &plan);
                rw_rules_kernel(spec, &plan);
                rw_rules_devices(spec, &plan);
                rw_rules_limits(spec, &settings, NULL, &plan);
                rw_rules_annotations(spec, &plan);
                assert_int_equal(plan.n_denials, 0);
                applied = rw_test_apply(spec, &plan);
                assert_int_equal(json_array_size(rw_test_get(applied, "/linux/maskedPaths")),
                                 RW_ELEMENTSOF(want_masked));
                assert_true(json_is_true(rw_test_get(applied, "/process/noNewPrivileges")));
        }
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_namespaces_fixtures),
            cmocka_unit_test(test_namespace_path_host),
            cmocka_unit_test(test_namespace_path_other_host_ns),
            cmocka_unit_test(test_namespace_path_sandbox),
            cmocka_unit_test(test_namespace_path_unverifiable),
            cmocka_unit_test(test_namespace_host_ns_unknown),
            cmocka_unit_test(test_namespace_empty_path),
            cmocka_unit_test(test_namespace_malformed),
            cmocka_unit_test(test_namespace_unknown_type),
            cmocka_unit_test(test_namespaces_missing),
            cmocka_unit_test(test_namespaces_not_array),
            cmocka_unit_test(test_masked_paths_privileged),
            cmocka_unit_test(test_masked_paths_default),
            cmocka_unit_test(test_masked_paths_complete),
            cmocka_unit_test(test_masked_paths_malformed),
            cmocka_unit_test(test_sysctl_docker_defaults),
            cmocka_unit_test(test_sysctl_strip),
            cmocka_unit_test(test_sysctl_injection),
            cmocka_unit_test(test_sysctl_malformed),
            cmocka_unit_test(test_devices_hand_made),
            cmocka_unit_test(test_devices_privileged),
            cmocka_unit_test(test_devices_cgroup_fixtures),
            cmocka_unit_test(test_devices_cgroup_exact),
            cmocka_unit_test(test_devices_malformed),
            cmocka_unit_test(test_pids),
            cmocka_unit_test(test_pids_fixtures),
            cmocka_unit_test(test_pids_malformed),
            cmocka_unit_test(test_pids_tier_without_limit),
            cmocka_unit_test(test_cgroup_path_names),
            cmocka_unit_test(test_annotations),
            cmocka_unit_test(test_annotations_fixtures_and_malformed),
            cmocka_unit_test(test_families_compose),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
