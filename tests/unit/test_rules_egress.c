/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The egress rules (lib/rules/rules_egress.c) and what the hooks rule makes of hooks that name
 * runwarden's egress hook, on a docker-like spec with synthetic facts: the hook appended last,
 * an earlier create's entry replaced, the refusals egress.host-network, egress.capabilities,
 * egress.gvisor and egress.hook; and the decision's rule list, built from the spec's environment.
 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cleanup.h"
#include "config.h"
#include "decision.h"
#include "json.h"
#include "policy.h"
#include "synthio.h"

#define HOOK RW_EGRESS_HOOK

static const char spec_text[] =
    "{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"rootfs\"},"
    " \"process\": {\"args\": [\"sh\"], \"cwd\": \"/\", \"env\": [\"PATH=/bin\"],"
    "  \"capabilities\": {\"bounding\": [\"CAP_NET_RAW\"], \"effective\": [\"CAP_NET_RAW\"]}},"
    " \"mounts\": [{\"destination\": \"/proc\", \"type\": \"proc\", \"source\": \"proc\"}],"
    " \"hooks\": {\"prestart\": [{\"path\": \"/proc/42/exe\", \"args\": [\"libnetwork-setkey\","
    "  \"id\", \"0123456789ab\"]}]},"
    " \"linux\": {\"namespaces\": [{\"type\": \"pid\"}, {\"type\": \"ipc\"}, {\"type\": \"uts\"},"
    "  {\"type\": \"mount\"}, {\"type\": \"network\"}, {\"type\": \"cgroup\"}]}}";

struct run {
        json_t *spec;
        struct rw_host_facts facts;
        struct rw_settings settings;
        struct rw_plan plan;
};

static void run_clear(struct run *r)
{
        json_decref(r->spec);
        rw_facts_clear(&r->facts);
        rw_plan_clear(&r->plan);
}

/* Parse `text`, apply `edit` (a function of the spec, may be NULL), gather synthetic facts. */
static void prepare(struct run *r, const char *text, void (*edit)(json_t *spec))
{
        memset(r, 0, sizeof(*r));
        r->spec = rw_test_parse(text);
        if (edit != NULL)
                edit(r->spec);
        rw_test_facts_for_spec(r->spec, &r->facts);
        rw_settings_baseline(&r->settings);
        r->settings.tier_name = "t";
        rw_plan_init(&r->plan);
}

static void judge(struct run *r)
{
        rw_rules_hooks(r->spec, &r->settings, &r->facts, &r->plan);
        rw_rules_egress(r->spec, &r->settings, &r->facts, &r->plan);
        assert_false(r->plan.oom);
}

static json_t *hook_entry(const char *path, const char *arg0, const char *arg1)
{
        json_t *args = json_pack("[s]", arg0);

        if (arg1 != NULL)
                json_array_append_new(args, json_string(arg1));
        return json_pack("{s:s, s:o, s:i}", "path", path, "args", args, "timeout", 10);
}

static void test_hook_appended_last(void **state)
{
        struct run r;
        _cleanup_json_ json_t *after = NULL;
        const json_t *list;

        (void)state;
        prepare(&r, spec_text, NULL);
        judge(&r);
        rw_test_assert_no_denials(&r.plan);
        assert_int_equal(rw_test_count_changes(&r.plan, RW_RULE_EGRESS_HOOK), 1);
        after = rw_test_apply(r.spec, &r.plan);
        list = rw_test_get(after, "/hooks/createRuntime");
        assert_int_equal(json_array_size(list), 1);
        assert_true(rw_rules_is_egress_hook(json_array_get(list, 0), HOOK));
        /* dockerd's own prestart hook stays */
        assert_int_equal(json_array_size(rw_test_get(after, "/hooks/prestart")), 1);
        run_clear(&r);
}

static void add_create_runtime(json_t *spec)
{
        json_t *hooks = json_object_get(spec, "hooks");

        json_object_set_new(hooks, "createRuntime",
                            json_pack("[{s:s, s:[s]}, o]", "path", "/usr/bin/ok-hook", "args",
                                      "ok-hook", hook_entry(HOOK, "runwarden-egress-hook", NULL)));
}

/* A bundle created before: runwarden's own entry is accepted by the hooks rule and replaced, so
 * that one entry, last, remains. */
static void test_earlier_entry_replaced(void **state)
{
        static const char *const listed[] = {"/usr/bin/ok-hook", NULL};
        struct run r;
        _cleanup_json_ json_t *after = NULL;
        const json_t *list;

        (void)state;
        prepare(&r, spec_text, add_create_runtime);
        r.settings.lists[RW_LIST_HOOKS] = listed;
        judge(&r);
        rw_test_assert_no_denials(&r.plan);
        after = rw_test_apply(r.spec, &r.plan);
        list = rw_test_get(after, "/hooks/createRuntime");
        assert_int_equal(json_array_size(list), 2);
        assert_string_equal(json_string_value(json_object_get(json_array_get(list, 0), "path")),
                            "/usr/bin/ok-hook");
        assert_true(rw_rules_is_egress_hook(json_array_get(list, 1), HOOK));
        run_clear(&r);
}

static void test_off_adds_nothing(void **state)
{
        static const struct rw_egress_settings off = {.config = {.mode = RW_EGRESS_MODE_OFF}};
        static const char *const listed[] = {"/usr/bin/ok-hook", NULL};
        struct run r;
        _cleanup_json_ json_t *after = NULL;

        (void)state;
        prepare(&r, spec_text, add_create_runtime);
        r.settings.egress = &off;
        r.settings.lists[RW_LIST_HOOKS] = listed;
        judge(&r);
        rw_test_assert_no_denials(&r.plan);
        after = rw_test_apply(r.spec, &r.plan);
        /* the earlier entry would find no hand-off: it goes too */
        assert_int_equal(json_array_size(rw_test_get(after, "/hooks/createRuntime")), 1);
        run_clear(&r);
}

static void no_network(json_t *spec)
{
        json_t *ns = json_object_get(json_object_get(spec, "linux"), "namespaces");

        json_array_remove(ns, 4);
}

static void host_network(json_t *spec)
{
        json_t *ns = json_object_get(json_object_get(spec, "linux"), "namespaces");

        json_object_set_new(json_array_get(ns, 4), "path", json_string("/proc/1/ns/net"));
}

static void test_host_network(void **state)
{
        struct run r;

        (void)state;
        prepare(&r, spec_text, no_network);
        judge(&r);
        assert_non_null(rw_test_find_denial(&r.plan, RW_RULE_EGRESS_HOST_NETWORK));
        run_clear(&r);

        prepare(&r, spec_text, host_network);
        judge(&r);
        assert_non_null(rw_test_find_denial(&r.plan, RW_RULE_EGRESS_HOST_NETWORK));
        run_clear(&r);
}

static void test_capabilities(void **state)
{
        static const char *const raw[] = {"CAP_NET_BIND_SERVICE", "CAP_NET_RAW", NULL};
        static const struct rw_rule_tuning warn[] = {{RW_RULE_CAPS, RW_RULE_WARN}, {NULL, 0}};
        struct run r;
        const struct rw_denial *d;

        (void)state;
        /* the spec's CAP_NET_RAW is dropped by caps-drop: nothing to refuse */
        prepare(&r, spec_text, NULL);
        judge(&r);
        assert_null(rw_test_find_denial(&r.plan, RW_RULE_EGRESS_CAPS));
        run_clear(&r);

        prepare(&r, spec_text, NULL);
        r.settings.capabilities = raw;
        judge(&r);
        d = rw_test_find_denial(&r.plan, RW_RULE_EGRESS_CAPS);
        assert_non_null(d);
        assert_string_equal(d->item, "CAP_NET_RAW");
        run_clear(&r);

        /* caps-drop only warns: the spec keeps what it asked for */
        prepare(&r, spec_text, NULL);
        r.settings.tuning = warn;
        judge(&r);
        assert_non_null(rw_test_find_denial(&r.plan, RW_RULE_EGRESS_CAPS));
        run_clear(&r);
}

static void gvisor_facts(struct run *r, const char *network, bool flag_override)
{
        struct rw_error err = {0};
        const struct rw_egress_fact_options o = {
            .settings = r->settings.egress,
            .hook = HOOK,
            .delegate = "/usr/bin/runsc",
            .runsc_network = network,
            .runsc_flag_override = flag_override,
        };

        if (rw_facts_synthetic_egress(&o, &r->facts, &err) < 0)
                fail_msg("%s", err.msg);
}

static void test_gvisor(void **state)
{
        struct run r;

        (void)state;
        prepare(&r, spec_text, NULL);
        gvisor_facts(&r, NULL, false);
        judge(&r);
        assert_non_null(rw_test_find_denial(&r.plan, RW_RULE_EGRESS_GVISOR));
        run_clear(&r);

        prepare(&r, spec_text, NULL);
        gvisor_facts(&r, "sandbox", false);
        judge(&r);
        assert_non_null(rw_test_find_denial(&r.plan, RW_RULE_EGRESS_GVISOR));
        run_clear(&r);

        prepare(&r, spec_text, NULL);
        gvisor_facts(&r, "host", false);
        judge(&r);
        rw_test_assert_no_denials(&r.plan);
        run_clear(&r);

        prepare(&r, spec_text, NULL);
        gvisor_facts(&r, "none", true);
        judge(&r);
        assert_non_null(rw_test_find_denial(&r.plan, RW_RULE_EGRESS_GVISOR));
        run_clear(&r);
}

/* The injected hook passes the checks of any hook binary, or the container is refused. */
static void test_hook_binary(void **state)
{
        struct run r;
        struct rw_hook_fact *f;

        (void)state;
        prepare(&r, spec_text, NULL);
        f = (struct rw_hook_fact *)rw_facts_hook(&r.facts, HOOK);
        assert_non_null(f);
        f->uid = 1000;
        judge(&r);
        assert_non_null(rw_test_find_denial(&r.plan, RW_RULE_EGRESS_HOOK));
        assert_int_equal(rw_test_count_changes(&r.plan, RW_RULE_EGRESS_HOOK), 0);
        run_clear(&r);

        prepare(&r, spec_text, NULL);
        f = (struct rw_hook_fact *)rw_facts_hook(&r.facts, HOOK);
        f->mode = S_IFREG | 0775;
        judge(&r);
        assert_non_null(rw_test_find_denial(&r.plan, RW_RULE_EGRESS_HOOK));
        run_clear(&r);

        prepare(&r, spec_text, NULL);
        f = (struct rw_hook_fact *)rw_facts_hook(&r.facts, HOOK);
        f->error = 2; /* ENOENT: not installed */
        judge(&r);
        assert_non_null(rw_test_find_denial(&r.plan, RW_RULE_EGRESS_HOOK));
        run_clear(&r);
}

/* dockerd's setkey hook at /proc/PID/exe is accepted only when PID runs dockerd: another program
 * there (a process the job started, or anyone's) makes it a host command like any other. */
static void test_setkey_of_another_program(void **state)
{
        static const char *const programs[][2] = {
            {"/usr/bin/sleep", "sleep"},
            {"/usr/sbin/dockerd", "sleep"},
            {"/usr/bin/sleep", "dockerd"},
            {"/usr/sbin/dockerd-x", "dockerd-x"},
        };
        struct run r;

        (void)state;
        for (size_t i = 0; i < RW_ELEMENTSOF(programs); i++) {
                struct rw_hook_fact *f;

                prepare(&r, spec_text, NULL);
                f = (struct rw_hook_fact *)rw_facts_hook(&r.facts, "/proc/42/exe");
                assert_non_null(f);
                free(f->exe);
                free(f->comm);
                f->exe = strdup(programs[i][0]);
                f->comm = strdup(programs[i][1]);
                judge(&r);
                if (rw_test_find_denial(&r.plan, RW_RULE_HOOKS) == NULL)
                        fail_msg("a setkey hook of %s (%s) is accepted", programs[i][0],
                                 programs[i][1]);
                run_clear(&r);
        }
        /* dockerd itself: accepted */
        prepare(&r, spec_text, NULL);
        judge(&r);
        assert_null(rw_test_find_denial(&r.plan, RW_RULE_HOOKS));
        run_clear(&r);
}

static json_t *smuggled;

static void smuggle(json_t *spec)
{
        json_object_set(json_object_get(spec, "hooks"), "createRuntime", smuggled);
}

/* A spec's hook naming runwarden's: refused unless it is exactly runwarden's entry, even when
 * the tier lists the path. */
static void test_smuggled_hooks(void **state)
{
        static const char *const listed[] = {HOOK, "/opt/x/runwarden-egress-hook", NULL};
        json_t *cases[] = {
            json_pack("[o]", hook_entry("/bin/sh", "runwarden-egress-hook", "-c")),
            json_pack("[o]",
                      hook_entry("/opt/x/runwarden-egress-hook", "runwarden-egress-hook", NULL)),
            json_pack("[o]", hook_entry(HOOK, "runwarden-egress-hook", "--rules")),
            json_pack("[o]", hook_entry(HOOK, "other-name", NULL)),
            json_pack("[{s:s, s:[s]}]", "path", HOOK, "args", "runwarden-egress-hook"),
        };

        (void)state;
        for (size_t i = 0; i < RW_ELEMENTSOF(cases); i++) {
                struct run r;
                const struct rw_denial *d;

                smuggled = cases[i];
                prepare(&r, spec_text, smuggle);
                r.settings.lists[RW_LIST_HOOKS] = listed;
                judge(&r);
                d = rw_test_find_denial(&r.plan, RW_RULE_HOOKS);
                if (d == NULL)
                        fail_msg("case %zu: no hooks denial", i);
                assert_non_null(strstr(d->reason, "runwarden's egress hook"));
                run_clear(&r);
                json_decref(cases[i]);
        }
        /* in another phase, runwarden's exact entry is not runwarden's either */
        {
                struct run r;
                json_t *entry = hook_entry(HOOK, "runwarden-egress-hook", NULL);

                prepare(&r, spec_text, NULL);
                json_array_append_new(json_object_get(json_object_get(r.spec, "hooks"), "prestart"),
                                      entry);
                judge(&r);
                assert_non_null(rw_test_find_denial(&r.plan, RW_RULE_HOOKS));
                run_clear(&r);
        }
}

/* rw_decide over synthetic edges: the rule list of a create, from the tier and process.env. */
static void test_decision_rules(void **state)
{
        static const char policy_text[] =
            "{\"version\": 1, \"default_tier\": \"t\", \"strictness\": [\"t\"],"
            " \"tiers\": {\"t\": {\"egress\": {\"mode\": \"deny-list\", \"private\": \"deny\"}}}}";
        static const char config_text[] =
            "{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"rootfs\"}, \"process\": "
            "{\"args\": [\"sh\"], \"cwd\": \"/\", \"env\": [\"KUBERNETES_SERVICE_HOST=10.96.0.1\","
            " \"KUBERNETES_SERVICE_PORT=443\"]}, \"linux\": {\"namespaces\": [{\"type\": "
            "\"pid\"}, {\"type\": \"ipc\"}, {\"type\": \"uts\"}, {\"type\": \"mount\"}, "
            "{\"type\": \"network\"}, {\"type\": \"cgroup\"}]}}";
        _cleanup_policy_ struct rw_policy policy = {0};
        _cleanup_decision_ struct rw_decision d = {0};
        _cleanup_json_ json_t *config = rw_test_parse(config_text);
        _cleanup_free_ char *text = NULL, *profiles = NULL;
        char *argv[] = {"runwarden", "create", "--bundle", "/b", "c1", NULL};
        struct rw_synthetic_io io;
        struct rw_cli cli = {0};
        struct rw_error err = {0};

        (void)state;
        assert_non_null(getenv("RW_SOURCE_ROOT"));
        assert_true(asprintf(&profiles, "%s/seccomp-profiles", getenv("RW_SOURCE_ROOT")) > 0);
        if (rw_policy_parse(policy_text, strlen(policy_text), "p.json", &policy, &err) < 0 ||
            rw_cli_parse(5, argv, &cli, &err) < 0)
                fail_msg("%s", err.msg);
        rw_synthetic_io_init(&io);
        io.config = config;
        io.seccomp_dir = profiles;
        if (rw_decide(&cli, &policy, "runwarden", &io.io, &d, &err) < 0)
                fail_msg("%s", err.msg);
        assert_true(d.have_egress);
        assert_int_equal(d.egress.mode, RW_EGRESS_MODE_DENYLIST);
        assert_int_equal(rw_egress_ruleset_format(&d.egress, &text, &err), 0);
        assert_non_null(strstr(
            text, "egress.control-plane.kubernetes: ip daddr 10.96.0.1/32 tcp dport 443 reject\n"));
        assert_non_null(strstr(text, "egress.private: ip daddr 10.0.0.0/8 reject\n"));
        assert_non_null(rw_test_find_change(&d.plan, RW_RULE_EGRESS_HOOK, NULL));
        rw_cli_clear(&cli);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_hook_appended_last),
            cmocka_unit_test(test_earlier_entry_replaced),
            cmocka_unit_test(test_off_adds_nothing),
            cmocka_unit_test(test_host_network),
            cmocka_unit_test(test_capabilities),
            cmocka_unit_test(test_gvisor),
            cmocka_unit_test(test_hook_binary),
            cmocka_unit_test(test_setkey_of_another_program),
            cmocka_unit_test(test_smuggled_hooks),
            cmocka_unit_test(test_decision_rules),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
