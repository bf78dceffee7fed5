/* SPDX-License-Identifier: Apache-2.0 */
/*
 * rw_decide end to end over the synthetic edges: which calls need a tier, which only read.
 */
#include "testutil.h"

#include <string.h>

#include "buildid.h"
#include "cleanup.h"
#include "cli.h"
#include "decision.h"
#include "policy.h"
#include "synthio.h"

static const char policy_text[] = "{\"version\": 1, \"default_tier\": \"base\","
                                  " \"strictness\": [\"gvisor\", \"base\"],"
                                  " \"tiers\": {\"base\": {},"
                                  " \"gvisor\": {\"runtime\": \"/usr/bin/runsc\"}}}";

struct call {
        struct rw_cli cli;
        struct rw_decision d;
        struct rw_error err;
        int r;
};

static void decide(struct call *c, const struct rw_policy *policy, const char *invoked_as,
                   const struct rw_container_state *record, char **argv)
{
        _cleanup_json_ json_t *config =
            json_pack("{s:s,s:{s:s}}", "ociVersion", "1.0.2", "root", "path", "rootfs");
        struct rw_synthetic_io io;
        int argc = 0;

        while (argv[argc] != NULL)
                argc++;
        memset(c, 0, sizeof(*c));
        if (rw_cli_parse(argc, argv, &c->cli, &c->err) < 0)
                fail_msg("parse: %s", c->err.msg);
        rw_synthetic_io_init(&io);
        io.record = record;
        io.config = config;
        c->r = rw_decide(&c->cli, policy, invoked_as, &io.io, &c->d, &c->err);
}

static void call_clear(struct call *c)
{
        rw_decision_clear(&c->d);
        rw_cli_clear(&c->cli);
}

static void load(struct rw_policy *ret)
{
        struct rw_error err = {0};

        if (rw_policy_parse(policy_text, strlen(policy_text), "test.json", ret, &err) < 0)
                fail_msg("policy: %s", err.msg);
}

/* rw_decide_recorded() with the policy file's stamp `stamp` now */
static bool decide_recorded(struct rw_synthetic_io *io, const struct rw_cli *cli, const char *stamp,
                            struct rw_decision *ret)
{
        io->policy_stamp = stamp;
        return rw_decide_recorded(cli, &io->io, ret);
}

/* --version through a tier name the policy does not define: runc answers, nothing refused. */
static void test_version_unknown_tier_name(void **state)
{
        struct rw_policy policy = {0};
        struct call c;

        (void)state;
        load(&policy);
        decide(&c, &policy, "runwarden-nosuch", NULL, (char *[]){"runwarden", "--version", NULL});
        assert_int_equal(c.r, 0);
        assert_int_equal(c.d.outcome, RW_OUTCOME_PASSTHROUGH);
        assert_false(c.d.have_tier);
        call_clear(&c);
        rw_policy_clear(&policy);
}

/* The same name on a create is an error: the operator's tier is unknown, nothing runs. */
static void test_create_unknown_tier_name(void **state)
{
        struct rw_policy policy = {0};
        struct call c;

        (void)state;
        load(&policy);
        decide(&c, &policy, "runwarden-nosuch", NULL,
               (char *[]){"runwarden", "create", "--bundle", "/nonexistent", "id1", NULL});
        assert_true(c.r < 0);
        if (strstr(c.err.msg, "runwarden-nosuch") == NULL)
                fail_msg("error: %s", c.err.msg);
        call_clear(&c);
        rw_policy_clear(&policy);
}

/* state of a container created in the gvisor tier asks that tier's runtime. */
static void test_state_asks_the_recorded_tier(void **state)
{
        struct rw_container_state record = {.tier = "gvisor", .uid = 0, .gid = 0};
        struct rw_policy policy = {0};
        struct call c;

        (void)state;
        load(&policy);
        decide(&c, &policy, "runwarden", &record, (char *[]){"runwarden", "state", "id1", NULL});
        assert_int_equal(c.r, 0);
        assert_int_equal(c.d.outcome, RW_OUTCOME_PASSTHROUGH);
        assert_true(c.d.have_tier);
        assert_string_equal(c.d.choice.tier->runtime, "/usr/bin/runsc");
        call_clear(&c);
        rw_policy_clear(&policy);
}

/* A container goes back to the runtime that created it, whatever its tier's runtime became
 * since, with the policy and without one (it did not load); the operator's --runtime first. */
static void test_recorded_runtime_answers(void **state)
{
        static char *const commands[][5] = {
            {"runwarden", "state", "id1", NULL},
            {"runwarden", "kill", "id1", "KILL", NULL},
            {"runwarden", "delete", "id1", NULL},
            {"runwarden", "start", "id1", NULL},
        };
        struct rw_container_state record = {
            .tier = "gvisor", .runtime = "/usr/local/old/runc", .uid = 0, .gid = 0};
        struct rw_policy policy = {0};
        struct call c;

        (void)state;
        load(&policy);
        for (size_t i = 0; i < RW_ELEMENTSOF(commands); i++) {
                decide(&c, &policy, "runwarden", &record, (char **)commands[i]);
                assert_int_equal(c.r, 0);
                assert_true(c.d.have_tier && c.d.have_record);
                assert_string_equal(c.d.choice.tier->runtime, "/usr/bin/runsc");
                assert_string_equal(rw_decision_delegate(&c.cli, c.d.choice.tier, &c.d.record),
                                    "/usr/local/old/runc");
                call_clear(&c);
                /* without a policy runwarden only stops, deletes and reads (main.c) */
                if (strcmp(commands[i][1], "kill") != 0 && strcmp(commands[i][1], "delete") != 0)
                        continue;
                decide(&c, NULL, "runwarden", &record, (char **)commands[i]);
                assert_int_equal(c.r, 0);
                assert_true(c.d.have_record);
                assert_string_equal(rw_decision_delegate(&c.cli, NULL, &c.d.record),
                                    "/usr/local/old/runc");
                call_clear(&c);
        }
        decide(&c, NULL, "runwarden", &record, (char *[]){"runwarden", "state", "id1", NULL});
        assert_int_equal(c.r, 0);
        assert_true(c.d.have_record);
        assert_string_equal(rw_decision_delegate(&c.cli, NULL, &c.d.record), "/usr/local/old/runc");
        call_clear(&c);
        decide(&c, &policy, "runwarden", &record,
               (char *[]){"runwarden", "--runtime", "/usr/sbin/runc", "kill", "id1", NULL});
        assert_string_equal(rw_decision_delegate(&c.cli, c.d.choice.tier, &c.d.record),
                            "/usr/sbin/runc");
        call_clear(&c);
        rw_policy_clear(&policy);
}

/* Without a policy at all (it did not load) the read-only commands still pass. */
static void test_list_without_policy(void **state)
{
        static char *const commands[][4] = {
            {"runwarden", "list", NULL},      {"runwarden", "state", "id1", NULL},
            {"runwarden", "ps", "id1", NULL}, {"runwarden", "features", NULL},
            {"runwarden", "--help", NULL},    {"runwarden", NULL},
        };
        struct call c;

        (void)state;
        for (size_t i = 0; i < RW_ELEMENTSOF(commands); i++) {
                decide(&c, NULL, "runwarden", NULL, (char **)commands[i]);
                assert_int_equal(c.r, 0);
                assert_int_equal(c.d.outcome, RW_OUTCOME_PASSTHROUGH);
                assert_false(c.d.have_tier);
                call_clear(&c);
        }
}

/* kill and delete act on a container: they are not among the calls that change nothing. */
static void test_kill_is_not_inert(void **state)
{
        struct rw_cli cli = {0};
        struct rw_error err = {0};

        (void)state;
        assert_int_equal(
            rw_cli_parse(4, (char *[]){"runwarden", "kill", "id1", "KILL", NULL}, &cli, &err), 0);
        assert_false(rw_cli_changes_nothing(&cli));
        rw_cli_clear(&cli);
        assert_int_equal(
            rw_cli_parse(3, (char *[]){"runwarden", "delete", "id1", NULL}, &cli, &err), 0);
        assert_false(rw_cli_changes_nothing(&cli));
        rw_cli_clear(&cli);
}

/* exec --process into a container whose process runwarden recorded at create: the labels and
 * groups are compared with the record; the container's config.json is not read (here there is
 * none to read). */
static void exec_recorded(const char *process_text, enum rw_outcome expected, const char *reason)
{
        static const char text[] = "{\"version\": 1, \"default_tier\": \"owner\","
                                   " \"strictness\": [\"owner\"],"
                                   " \"tiers\": {\"owner\": {\"exec\": \"allow-as-owner\"}}}";
        struct rw_container_state record = {.tier = "owner",
                                            .uid = 1000,
                                            .gid = 1000,
                                            .owner_known = true,
                                            .apparmor = "docker-default",
                                            .gids = {10, 20},
                                            .n_gids = 2};
        _cleanup_json_ json_t *process = rw_test_parse(process_text);
        char *argv[] = {"runwarden", "exec", "--process", "/p.json", "c1", NULL};
        struct rw_policy policy = {0};
        struct rw_synthetic_io io;
        struct rw_decision fast;
        struct call c = {0};

        if (rw_policy_parse(text, strlen(text), "test.json", &policy, &c.err) < 0)
                fail_msg("policy: %s", c.err.msg);
        if (rw_cli_parse(5, argv, &c.cli, &c.err) < 0)
                fail_msg("parse: %s", c.err.msg);
        rw_synthetic_io_init(&io);
        io.record = &record;
        io.process = process;
        c.r = rw_decide(&c.cli, &policy, "runwarden", &io.io, &c.d, &c.err);
        assert_int_equal(c.r, 0);
        if (c.d.outcome != expected)
                fail_msg("%s: outcome %d, expected %d (%s)", process_text, c.d.outcome, expected,
                         c.d.message != NULL ? c.d.message : "no message");
        if (reason != NULL)
                assert_non_null(strstr(c.d.message, reason));

        /* The same decision from the record, as this build recorded the tier at create (the
         * policy file unchanged): allow-as-owner, no capabilities, no tuning. */
        snprintf(record.runtime, sizeof(record.runtime), "/usr/sbin/runc");
        snprintf(record.policy_stamp, sizeof(record.policy_stamp), "stamp-1");
        record.exec_known = true;
        record.exec_policy = RW_EXEC_ALLOW_AS_OWNER;
        rw_build_id(record.policy_build);
        assert_true(decide_recorded(&io, &c.cli, "stamp-1", &fast));
        assert_true(fast.from_record && fast.have_tier);
        assert_int_equal(fast.outcome, c.d.outcome);
        assert_int_equal(fast.plan.n_changes, c.d.plan.n_changes);
        assert_int_equal(fast.plan.n_denials, c.d.plan.n_denials);
        if (c.d.message != NULL)
                assert_string_equal(fast.message, c.d.message);
        assert_string_equal(rw_decision_tier_name(&fast), "owner");
        assert_string_equal(fast.tier_reason, c.d.tier_reason);
        rw_decision_clear(&fast);
        /* another build recorded it, or the policy file changed: rw_decide() decides */
        record.policy_build[0] ^= 1;
        assert_false(decide_recorded(&io, &c.cli, "stamp-1", &fast));
        rw_build_id(record.policy_build);
        assert_false(decide_recorded(&io, &c.cli, "stamp-2", &fast));
        record.exec_known = false;
        assert_false(decide_recorded(&io, &c.cli, "stamp-1", &fast));
        call_clear(&c);
        rw_policy_clear(&policy);
}

static void test_exec_compared_with_the_record(void **state)
{
        (void)state;
        exec_recorded("{\"args\": [\"true\"], \"cwd\": \"/\", \"apparmorProfile\": "
                      "\"docker-default\", \"user\": {\"uid\": 1000, \"gid\": 1000, "
                      "\"additionalGids\": [20]}}",
                      RW_OUTCOME_REWRITTEN, NULL);
        exec_recorded("{\"args\": [\"true\"], \"cwd\": \"/\", \"apparmorProfile\": "
                      "\"unconfined\", \"user\": {\"uid\": 1000, \"gid\": 1000}}",
                      RW_OUTCOME_REFUSED, "exec asks for apparmorProfile \"unconfined\"");
        exec_recorded("{\"args\": [\"true\"], \"cwd\": \"/\", \"apparmorProfile\": "
                      "\"docker-default\", \"selinuxLabel\": \"system_u:system_r:spc_t:s0\", "
                      "\"user\": {\"uid\": 1000, \"gid\": 1000}}",
                      RW_OUTCOME_REFUSED, "exec asks for selinuxLabel");
        exec_recorded("{\"args\": [\"true\"], \"cwd\": \"/\", \"apparmorProfile\": "
                      "\"docker-default\", \"user\": {\"uid\": 1000, \"gid\": 1000, "
                      "\"additionalGids\": [0]}}",
                      RW_OUTCOME_REFUSED, "groups the container's process does not have");
        exec_recorded("{\"args\": [\"true\"], \"cwd\": \"/\", \"apparmorProfile\": "
                      "\"docker-default\", \"user\": {\"uid\": 0, \"gid\": 1000}}",
                      RW_OUTCOME_REFUSED, "only as the container's own user");
}

/* The pass-through calls decided from the record while the policy file is unchanged make the
 * decision rw_decide() makes under that policy; anything else is left to rw_decide(). */
static void test_decided_from_the_record(void **state)
{
        static char *const commands[][5] = {
            {"runwarden", "state", "id1", NULL},  {"runwarden", "kill", "id1", "KILL", NULL},
            {"runwarden", "delete", "id1", NULL}, {"runwarden", "start", "id1", NULL},
            {"runwarden", "pause", "id1", NULL},  {"runwarden", "resume", "id1", NULL},
            {"runwarden", "ps", "id1", NULL},     {"runwarden", "events", "id1", NULL},
        };
        static char *const others[][7] = {
            {"runwarden", "--criu", "/tmp/criu", "kill", "id1", NULL},
            {"runwarden", "update", "--memory", "1g", "id1", NULL},
            {"runwarden", "checkpoint", "id1", NULL},
            {"runwarden", "list", NULL},
            {"runwarden", "frobnicate", "id1", NULL},
            {"runwarden", "create", "--bundle", "/b", "id1", NULL},
        };
        struct rw_container_state record = {.tier = "gvisor",
                                            .runtime = "/usr/local/old/runc",
                                            .policy_stamp = "stamp-1",
                                            .decision_log = "/var/log/rw.jsonl",
                                            .uid = 0,
                                            .gid = 0};
        struct rw_container_state unstamped, no_runtime, other_build;
        struct rw_policy policy = {0};
        struct rw_synthetic_io io;
        struct call c, fast;

        (void)state;
        load(&policy);
        rw_build_id(record.policy_build);
        unstamped = no_runtime = other_build = record;
        unstamped.policy_stamp[0] = '\0';
        no_runtime.runtime[0] = '\0';
        other_build.policy_build[0] ^= 1; /* the policy as another runwarden read it */
        rw_synthetic_io_init(&io);
        io.record = &record;
        for (size_t i = 0; i < RW_ELEMENTSOF(commands); i++) {
                char **argv = (char **)commands[i];
                int argc = 0;

                while (argv[argc] != NULL)
                        argc++;
                decide(&c, &policy, "runwarden", &record, argv);
                assert_int_equal(c.r, 0);
                memset(&fast, 0, sizeof(fast));
                assert_int_equal(rw_cli_parse(argc, argv, &fast.cli, &fast.err), 0);
                assert_true(rw_decision_may_use_record(&fast.cli));
                assert_true(decide_recorded(&io, &fast.cli, "stamp-1", &fast.d));
                assert_true(fast.d.from_record && fast.d.have_record && !fast.d.have_tier);
                assert_int_equal(fast.d.outcome, c.d.outcome);
                assert_int_equal(fast.d.enforce, c.d.enforce);
                assert_int_equal(fast.d.audit, c.d.audit);
                assert_int_equal(fast.d.remove_record, c.d.remove_record);
                assert_int_equal(fast.d.save_record, c.d.save_record);
                assert_int_equal(fast.d.plan.n_changes, 0);
                assert_string_equal(rw_decision_tier_name(&fast.d), rw_decision_tier_name(&c.d));
                assert_string_equal(fast.d.tier_reason, c.d.tier_reason);
                assert_string_equal(rw_decision_delegate(&fast.cli, NULL, &fast.d.record),
                                    rw_decision_delegate(&c.cli, c.d.choice.tier, &c.d.record));
                call_clear(&fast);
                /* another policy file, a record without a stamp or without its runtime */
                assert_int_equal(rw_cli_parse(argc, argv, &fast.cli, &fast.err), 0);
                assert_false(decide_recorded(&io, &fast.cli, "stamp-2", &fast.d));
                assert_false(fast.d.from_record || fast.d.have_record);
                io.record = &unstamped;
                assert_false(decide_recorded(&io, &fast.cli, "stamp-1", &fast.d));
                io.record = &no_runtime;
                assert_false(decide_recorded(&io, &fast.cli, "stamp-1", &fast.d));
                io.record = &other_build;
                assert_false(decide_recorded(&io, &fast.cli, "stamp-1", &fast.d));
                io.record = NULL;
                /* without a record that could stand for it, the policy file is not looked at */
                io.n_policy_stamps = 0;
                assert_false(decide_recorded(&io, &fast.cli, "stamp-1", &fast.d));
                io.record = &unstamped;
                assert_false(decide_recorded(&io, &fast.cli, "stamp-1", &fast.d));
                io.record = &other_build;
                assert_false(decide_recorded(&io, &fast.cli, "stamp-1", &fast.d));
                assert_int_equal(io.n_policy_stamps, 0);
                io.record = &record;
                call_clear(&fast);
                call_clear(&c);
        }
        /* the tier in audit mode, as recorded at create */
        record.tier_audit = true;
        memset(&fast, 0, sizeof(fast));
        assert_int_equal(
            rw_cli_parse(3, (char *[]){"runwarden", "start", "id1", NULL}, &fast.cli, &fast.err),
            0);
        assert_true(decide_recorded(&io, &fast.cli, "stamp-1", &fast.d));
        assert_true(fast.d.audit);
        call_clear(&fast);
        /* what the tier must allow, what is judged, what has no container: rw_decide() */
        for (size_t i = 0; i < RW_ELEMENTSOF(others); i++) {
                char **argv = (char **)others[i];
                int argc = 0;

                while (argv[argc] != NULL)
                        argc++;
                memset(&fast, 0, sizeof(fast));
                assert_int_equal(rw_cli_parse(argc, argv, &fast.cli, &fast.err), 0);
                assert_false(rw_decision_may_use_record(&fast.cli));
                assert_false(decide_recorded(&io, &fast.cli, "stamp-1", &fast.d));
                call_clear(&fast);
        }
        rw_policy_clear(&policy);
}

/*
 * An exec decided from what the create recorded of the tier: the capabilities it lets a process
 * keep and its rule tuning ("caps-drop": "refuse") decide as they do under the policy. The record
 * is the one rw_decide() makes at create, stamped as the policy file was read.
 */
static void exec_tuned(const char *process_text, enum rw_outcome expected)
{
        static const char text[] =
            "{\"version\": 1, \"default_tier\": \"t\", \"strictness\": [\"t\"],"
            " \"tiers\": {\"t\": {\"capabilities\": [\"CAP_NET_BIND_SERVICE\"],"
            " \"rules\": {\"caps-drop\": \"refuse\"}}}}";
        _cleanup_json_ json_t *process = rw_test_parse(process_text);
        struct rw_policy policy = {0};
        struct rw_synthetic_io io;
        struct rw_decision fast;
        struct call create, c;

        if (rw_policy_parse(text, strlen(text), "test.json", &policy, &c.err) < 0)
                fail_msg("policy: %s", c.err.msg);
        snprintf(policy.stamp, sizeof(policy.stamp), "stamp-1");
        decide(&create, &policy, "runwarden", NULL,
               (char *[]){"runwarden", "create", "--bundle", "/b", "id1", NULL});
        assert_int_equal(create.r, 0);
        assert_string_equal(create.d.record.policy_stamp, "stamp-1");
        assert_true(create.d.record.exec_known);
        snprintf(create.d.record.runtime, sizeof(create.d.record.runtime), "/usr/sbin/runc");

        memset(&c, 0, sizeof(c));
        if (rw_cli_parse(5, (char *[]){"runwarden", "exec", "--process", "/p.json", "id1", NULL},
                         &c.cli, &c.err) < 0)
                fail_msg("parse: %s", c.err.msg);
        rw_synthetic_io_init(&io);
        io.record = &create.d.record;
        io.process = process;
        c.r = rw_decide(&c.cli, &policy, "runwarden", &io.io, &c.d, &c.err);
        assert_int_equal(c.r, 0);
        if (c.d.outcome != expected)
                fail_msg("%s: outcome %d, expected %d (%s)", process_text, c.d.outcome, expected,
                         c.d.message != NULL ? c.d.message : "no message");
        assert_true(decide_recorded(&io, &c.cli, "stamp-1", &fast));
        assert_int_equal(fast.outcome, c.d.outcome);
        assert_int_equal(fast.plan.n_changes, c.d.plan.n_changes);
        assert_int_equal(fast.plan.n_denials, c.d.plan.n_denials);
        if (c.d.message != NULL)
                assert_string_equal(fast.message, c.d.message);
        rw_decision_clear(&fast);
        call_clear(&c);
        call_clear(&create);
        rw_policy_clear(&policy);
}

static void test_exec_tuned_from_the_record(void **state)
{
        (void)state;
        /* what the tier lets it keep */
        exec_tuned("{\"args\": [\"true\"], \"cwd\": \"/\", \"user\": {\"uid\": 1000, \"gid\": "
                   "1000}, \"capabilities\": {\"bounding\": [\"CAP_NET_BIND_SERVICE\"]}}",
                   RW_OUTCOME_REWRITTEN);
        /* more, which caps-drop would take away: the tier refuses it instead */
        exec_tuned("{\"args\": [\"true\"], \"cwd\": \"/\", \"user\": {\"uid\": 1000, \"gid\": "
                   "1000}, \"capabilities\": {\"bounding\": [\"CAP_NET_BIND_SERVICE\", "
                   "\"CAP_SYS_ADMIN\"]}}",
                   RW_OUTCOME_REFUSED);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_version_unknown_tier_name),
            cmocka_unit_test(test_create_unknown_tier_name),
            cmocka_unit_test(test_state_asks_the_recorded_tier),
            cmocka_unit_test(test_list_without_policy),
            cmocka_unit_test(test_kill_is_not_inert),
            cmocka_unit_test(test_recorded_runtime_answers),
            cmocka_unit_test(test_exec_compared_with_the_record),
            cmocka_unit_test(test_decided_from_the_record),
            cmocka_unit_test(test_exec_tuned_from_the_record),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
