/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The canary's expectation: what `runwardenctl canary expect` builds from a tier
 * (ctl/canary_expect.c), and what runwarden-canary reads of it (ctl/canary/expect.c, compiled in
 * here), so that the two halves cannot disagree on the format.
 */
#include "testutil.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "canary.h"
#include "canary_expect.h"
#include "cleanup.h"
#include "policy.h"
#include "seccomp_profile.h"

#define CAP_NET_RAW_NR   13
#define CAP_SYS_ADMIN_NR 21

static const char policy_text[] =
    "{\"version\": 1, \"default_tier\": \"fork-mr\","
    " \"strictness\": [\"audit\", \"trusted\", \"fork-mr\"],"
    " \"tiers\": {"
    "  \"fork-mr\": {\"seccomp\": {\"profile\": \"ci-strict\"}},"
    "  \"trusted\": {\"capabilities\": [\"CAP_SYS_ADMIN\", \"CAP_NET_RAW\"],"
    "              \"readonly_rootfs\": false, \"pids_limit\": 100,"
    "              \"bind_prefixes\": [{\"path\": \"/srv/ci-cache\", \"read_only\": false},"
    "                                  {\"path\": \"/opt/tools\"}],"
    "              \"devices\": [\"/dev/fuse\"],"
    "              \"rules\": {\"seccomp\": \"warn\", \"secret-in-env\": \"refuse\"}},"
    "  \"audit\": {\"mode\": \"audit\"}}}";

/* An OCI profile: ptrace always, unshare only without CLONE_NEWUSER, everything else EPERM. */
static const char profile_text[] =
    "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": ["
    " {\"names\": [\"ptrace\", \"read\"], \"action\": \"SCMP_ACT_ALLOW\"},"
    " {\"names\": [\"unshare\"], \"action\": \"SCMP_ACT_ALLOW\","
    "  \"args\": [{\"index\": 0, \"value\": 268435456, \"valueTwo\": 0,"
    "             \"op\": \"SCMP_CMP_MASKED_EQ\"}]}]}";

struct fixture {
        struct rw_policy policy;
};

static int setup(void **state)
{
        struct fixture *f = calloc(1, sizeof(*f));
        struct rw_error err = {0};

        assert_non_null(f);
        if (rw_policy_parse(policy_text, strlen(policy_text), "test.json", &f->policy, &err) < 0)
                fail_msg("policy: %s", err.msg);
        *state = f;
        return 0;
}

static int teardown(void **state)
{
        struct fixture *f = *state;

        rw_policy_clear(&f->policy);
        free(f);
        return 0;
}

static json_t *build(const struct rw_policy *policy, const char *tier_name, const json_t *profile)
{
        const struct rw_tier *tier = rw_policy_find_tier(policy, tier_name);
        struct rw_canary_input in = {.policy = policy, .tier = tier, .seccomp_profile = profile};
        struct rw_error err = {0};
        json_t *doc = NULL;

        assert_non_null(tier);
        if (rw_canary_expect(&in, &doc, &err) < 0)
                fail_msg("rw_canary_expect(%s): %s", tier_name, err.msg);
        return doc;
}

static const char *str(const json_t *doc, const char *pointer)
{
        const char *s = json_string_value(rw_test_get(doc, pointer));

        if (s == NULL)
                fail_msg("no string at %s", pointer);
        return s;
}

static char *seccomp_dir(void)
{
        const char *root = getenv("RW_SOURCE_ROOT");
        char *dir = NULL;

        if (root == NULL)
                fail_msg("RW_SOURCE_ROOT is not set (run the tests with meson test)");
        assert_true(asprintf(&dir, "%s/seccomp-profiles", root) > 0);
        return dir;
}

/* The built-in baseline: nothing kept, a read-only root, ci-default, runwarden's socket lists. */
static void test_baseline(void **state)
{
        _cleanup_policy_ struct rw_policy policy = {0};
        _cleanup_json_ json_t *profile = NULL;
        _cleanup_json_ json_t *doc = NULL;
        _cleanup_free_ char *dir = seccomp_dir();
        struct rw_error err = {0};
        const json_t *calls;
        size_t n;

        (void)state;
        assert_int_equal(rw_policy_baseline(&policy, &err), 0);
        assert_true(rw_seccomp_load_profile(dir, "ci-default", &profile, &err) >= 0);
        doc = build(&policy, "baseline", profile);

        assert_int_equal(json_integer_value(json_object_get(doc, "runwarden_canary_expect")),
                         RW_CANARY_EXPECT_VERSION);
        assert_string_equal(str(doc, "/tier"), "baseline");
        assert_string_equal(str(doc, "/mode"), "enforce");
        assert_int_equal(json_array_size(json_object_get(doc, "unenforced")), 0);
        assert_int_equal(json_array_size(json_object_get(doc, "capabilities")), 0);
        assert_true(json_is_true(json_object_get(doc, "no_new_privileges")));
        assert_true(json_is_true(json_object_get(doc, "readonly_rootfs")));
        assert_int_equal(json_integer_value(json_object_get(doc, "pids_limit")), 4096);
        assert_true(rw_test_array_has_string(json_object_get(doc, "scratch"), "/tmp"));
        assert_true(rw_test_array_has_string(json_object_get(doc, "scratch"), "$HOME"));
        assert_string_equal(str(doc, "/seccomp/profile"), "ci-default");
        assert_int_equal(json_array_size(json_object_get(doc, "bind_prefixes")), 0);
        assert_int_equal(json_array_size(json_object_get(doc, "devices")), 0);
        assert_true(rw_test_array_has_string(rw_test_get(doc, "/engine_sockets/paths"),
                                             "/var/run/docker.sock"));
        assert_true(
            rw_test_array_has_string(rw_test_get(doc, "/engine_sockets/names"), "containerd.sock"));

        /* A verdict for every system call the canary tries, from the profile itself. */
        calls = rw_test_get(doc, "/seccomp/syscalls");
        for (n = 0; rw_canary_syscalls[n] != NULL; n++)
                if (json_object_get(calls, rw_canary_syscalls[n]) == NULL)
                        fail_msg("no verdict for %s", rw_canary_syscalls[n]);
        assert_int_equal(json_object_size(calls), n);
        assert_string_equal(str(doc, "/seccomp/syscalls/unshare"), "denied");
        assert_string_equal(str(doc, "/seccomp/syscalls/mount"), "denied");
        assert_string_equal(str(doc, "/seccomp/syscalls/keyctl"), "denied");
        assert_string_equal(str(doc, "/seccomp/syscalls/io_uring_setup"), "denied");
        /* LeakSanitizer needs ptrace: ci-default keeps it (docs/seccomp.md). */
        assert_string_equal(str(doc, "/seccomp/syscalls/ptrace"), "allowed");
}

/* The tier's own profile decides: ci-strict refuses ptrace, which ci-default allows. */
static void test_profile_of_tier(void **state)
{
        struct fixture *f = *state;
        _cleanup_json_ json_t *profile = NULL;
        _cleanup_json_ json_t *doc = NULL;
        _cleanup_free_ char *dir = seccomp_dir();
        struct rw_error err = {0};

        assert_true(rw_seccomp_load_profile(dir, "ci-strict", &profile, &err) >= 0);
        doc = build(&f->policy, "fork-mr", profile);
        assert_string_equal(str(doc, "/seccomp/profile"), "ci-strict");
        assert_string_equal(str(doc, "/seccomp/syscalls/ptrace"), "denied");
        assert_string_equal(str(doc, "/seccomp/syscalls/process_vm_readv"), "denied");
        assert_string_equal(str(doc, "/policy"), "test.json");
}

/* Everything a loosened tier keeps shows: sorted capabilities, a writable root, its prefixes,
 * devices and the rules it only warns about; verdicts come from the profile handed in. */
static void test_trusted_tier(void **state)
{
        struct fixture *f = *state;
        _cleanup_json_ json_t *profile = rw_test_parse(profile_text);
        _cleanup_json_ json_t *doc = build(&f->policy, "trusted", profile);
        const json_t *prefixes = json_object_get(doc, "bind_prefixes");

        assert_string_equal(str(doc, "/capabilities/0"), "CAP_NET_RAW");
        assert_string_equal(str(doc, "/capabilities/1"), "CAP_SYS_ADMIN");
        assert_int_equal(json_array_size(json_object_get(doc, "capabilities")), 2);
        assert_true(json_is_false(json_object_get(doc, "readonly_rootfs")));
        assert_int_equal(json_integer_value(json_object_get(doc, "pids_limit")), 100);
        assert_int_equal(json_array_size(prefixes), 2);
        assert_string_equal(str(doc, "/bind_prefixes/0/path"), "/srv/ci-cache");
        assert_true(json_is_false(rw_test_get(doc, "/bind_prefixes/0/read_only")));
        assert_string_equal(str(doc, "/bind_prefixes/1/path"), "/opt/tools");
        assert_true(json_is_true(rw_test_get(doc, "/bind_prefixes/1/read_only")));
        assert_string_equal(str(doc, "/devices/0"), "/dev/fuse");
        assert_true(rw_test_array_has_string(json_object_get(doc, "unenforced"), "seccomp"));
        assert_false(rw_test_array_has_string(json_object_get(doc, "unenforced"), "secret-in-env"));
        assert_string_equal(str(doc, "/seccomp/syscalls/ptrace"), "allowed");
        assert_string_equal(str(doc, "/seccomp/syscalls/unshare"), "conditional");
        assert_string_equal(str(doc, "/seccomp/syscalls/keyctl"), "denied");
}

/* A tier in audit mode enforces nothing: every rule the canary watches is unenforced. */
static void test_audit_tier(void **state)
{
        struct fixture *f = *state;
        _cleanup_json_ json_t *doc = build(&f->policy, "audit", NULL);
        const json_t *unenforced = json_object_get(doc, "unenforced");

        assert_string_equal(str(doc, "/mode"), "audit");
        assert_true(rw_test_array_has_string(unenforced, "caps-drop"));
        assert_true(rw_test_array_has_string(unenforced, "seccomp"));
        assert_true(rw_test_array_has_string(unenforced, "readonly-rootfs"));
        assert_true(rw_test_array_has_string(unenforced, "host-namespace"));
        /* No profile handed in: no per-call verdicts, only the name. */
        assert_null(rw_test_get(doc, "/seccomp/syscalls"));
}

static void canary_reads(const json_t *doc, struct rw_canary_expectation *ret)
{
        _cleanup_free_ char *text = json_dumps(doc, JSON_COMPACT);
        char why[512] = "";

        assert_non_null(text);
        if (rw_canary_expect_parse(text, strlen(text), "test", ret, why, sizeof(why)) < 0)
                fail_msg("the canary refuses the expectation: %s\n%s", why, text);
}

/* What the builder writes, the canary reads as meant. */
static void test_canary_reads_builder(void **state)
{
        struct fixture *f = *state;
        _cleanup_json_ json_t *profile = rw_test_parse(profile_text);
        _cleanup_json_ json_t *trusted = build(&f->policy, "trusted", profile);
        _cleanup_json_ json_t *audit = build(&f->policy, "audit", NULL);
        struct rw_canary_expectation e = {0};

        canary_reads(trusted, &e);
        assert_string_equal(e.tier, "trusted");
        assert_true(rw_canary_expect_cap(&e, CAP_NET_RAW_NR));
        assert_true(rw_canary_expect_cap(&e, CAP_SYS_ADMIN_NR));
        assert_false(rw_canary_expect_cap(&e, 0));
        assert_false(e.readonly_rootfs);
        assert_false(e.audit);
        assert_int_equal(e.pids_limit, 100);
        assert_true(rw_canary_expect_unenforced(&e, "seccomp"));
        assert_false(rw_canary_expect_unenforced(&e, "caps-drop"));
        assert_string_equal(rw_canary_expect_syscall(&e, "unshare"), "conditional");
        assert_null(rw_canary_expect_syscall(&e, "no-such-call"));
        assert_true(rw_canary_in_list(e.devices, "/dev/fuse"));
        rw_canary_expect_clear(&e);

        canary_reads(audit, &e);
        assert_true(e.audit);
        assert_true(rw_canary_expect_unenforced(&e, "anything"));
        assert_null(e.syscalls);
        rw_canary_expect_clear(&e);
}

static void expect_refused(json_t *doc, const char *why_expected)
{
        _cleanup_free_ char *text = json_dumps(doc, JSON_COMPACT);
        struct rw_canary_expectation e = {0};
        char why[512] = "";

        assert_true(rw_canary_expect_parse(text, strlen(text), "test", &e, why, sizeof(why)) < 0);
        if (strstr(why, why_expected) == NULL)
                fail_msg("refused for \"%s\", expected \"%s\"", why, why_expected);
        json_decref(doc);
}

/* An expectation the canary cannot read exactly is an error, never a weaker check. */
static void test_canary_refuses(void **state)
{
        struct fixture *f = *state;
        _cleanup_json_ json_t *doc = build(&f->policy, "fork-mr", NULL);
        json_t *copy;
        char why[128] = "";
        struct rw_canary_expectation e = {0};

        copy = json_deep_copy(doc);
        json_object_set_new(copy, "runwarden_canary_expect", json_integer(2));
        expect_refused(copy, "this canary reads version 1");

        copy = json_deep_copy(doc);
        json_array_append_new(json_object_get(copy, "capabilities"), json_string("CAP_FUTURE"));
        expect_refused(copy, "unknown capability CAP_FUTURE");

        copy = json_deep_copy(doc);
        json_object_set_new(copy, "readonly_rootfs", json_string("yes"));
        expect_refused(copy, "readonly_rootfs");

        copy = json_deep_copy(doc);
        json_object_del(copy, "capabilities");
        expect_refused(copy, "capabilities: missing");

        copy = json_deep_copy(doc);
        json_object_set_new(copy, "mode", json_string("lenient"));
        expect_refused(copy, "mode: lenient");

        copy = json_deep_copy(doc);
        json_array_append_new(json_object_get(copy, "bind_prefixes"),
                              json_pack("{s:s}", "path", "relative"));
        expect_refused(copy, "bind_prefixes[0]");

        assert_true(rw_canary_expect_parse("{\"runwarden_canary_expect\": 1,}", 31, "test", &e, why,
                                           sizeof(why)) < 0);
        assert_non_null(strstr(why, "line 1"));
}

/* The judgement of attempts: what fails, what is a note, what a tier that only warns promises. */
static void test_judgement(void **state)
{
        struct fixture *f = *state;
        _cleanup_json_ json_t *trusted = build(&f->policy, "trusted", NULL);
        _cleanup_json_ json_t *fork_mr = build(&f->policy, "fork-mr", NULL);
        _cleanup_json_ json_t *audit = build(&f->policy, "audit", NULL);
        struct rw_canary_expectation e = {0};
        struct rw_canary_report rep = {.expect = &e};
        struct rw_canary_summary s;

        canary_reads(trusted, &e);
        rw_canary_record(&rep, "net.raw-inet", "caps-drop", RW_CANARY_BLOCKED, NULL,
                         RW_CANARY_SUCCEEDED, "opened %s", "a raw IP socket");
        rw_canary_record(&rep, "seccomp.mount", "seccomp", RW_CANARY_BLOCKED, NULL,
                         RW_CANARY_SUCCEEDED, "reached the kernel");
        rw_canary_record(&rep, "scratch:/tmp", "scratch-tmpfs", RW_CANARY_ALLOWED, NULL,
                         RW_CANARY_STOPPED, "EROFS");
        rw_canary_record(&rep, "net.metadata", "-", RW_CANARY_BLOCKED, NULL, RW_CANARY_NOT_TESTED,
                         "not asked");
        assert_false(rep.oom);
        assert_int_equal(rep.n, 4);
        assert_int_equal(rep.attempts[0].verdict, RW_CANARY_FAIL);
        assert_string_equal(rep.attempts[0].result, "opened a raw IP socket");
        /* The trusted tier only warns about seccomp: nothing promised, nothing failed. */
        assert_int_equal(rep.attempts[1].expected, RW_CANARY_EITHER);
        assert_int_equal(rep.attempts[1].verdict, RW_CANARY_OK);
        assert_string_equal(rep.attempts[1].expected_why, "the tier only warns");
        assert_int_equal(rep.attempts[2].verdict, RW_CANARY_STRICTER);
        assert_int_equal(rep.attempts[3].verdict, RW_CANARY_SKIPPED);
        rw_canary_summarize(&rep, &s);
        assert_int_equal(s.failed, 1);
        assert_int_equal(s.stricter, 1);
        assert_int_equal(s.skipped, 1);
        assert_false(s.not_hardened);
        free(rep.attempts);
        rw_canary_expect_clear(&e);

        /* A loosened tier (more capabilities, a writable root) is not "not hardened"; a
         * container without no_new_privs or without a filter, and beyond the tier, is. */
        canary_reads(fork_mr, &e);
        rep = (struct rw_canary_report){.expect = &e};
        rw_canary_record(&rep, "caps.bounding", "caps-drop", RW_CANARY_BLOCKED, NULL,
                         RW_CANARY_SUCCEEDED, "CAP_NET_RAW");
        rw_canary_record(&rep, "rootfs.write", "readonly-rootfs", RW_CANARY_BLOCKED, NULL,
                         RW_CANARY_SUCCEEDED, "wrote /x");
        rw_canary_summarize(&rep, &s);
        assert_int_equal(s.failed, 2);
        assert_false(s.not_hardened);
        rw_canary_record(&rep, "seccomp.mode", "seccomp", RW_CANARY_BLOCKED, NULL,
                         RW_CANARY_SUCCEEDED, "Seccomp 0");
        rw_canary_summarize(&rep, &s);
        assert_true(s.not_hardened);
        free(rep.attempts);
        rw_canary_expect_clear(&e);

        /* Audit mode: nothing the tier forbids can fail. */
        canary_reads(audit, &e);
        rep = (struct rw_canary_report){.expect = &e};
        rw_canary_record(&rep, "caps.bounding", "caps-drop", RW_CANARY_BLOCKED, NULL,
                         RW_CANARY_SUCCEEDED, "everything");
        assert_int_equal(rep.attempts[0].verdict, RW_CANARY_OK);
        assert_string_equal(rep.attempts[0].expected_why, "the tier is in audit mode");
        free(rep.attempts);
        rw_canary_expect_clear(&e);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_baseline),
            cmocka_unit_test_setup_teardown(test_profile_of_tier, setup, teardown),
            cmocka_unit_test_setup_teardown(test_trusted_tier, setup, teardown),
            cmocka_unit_test_setup_teardown(test_audit_tier, setup, teardown),
            cmocka_unit_test_setup_teardown(test_canary_reads_builder, setup, teardown),
            cmocka_unit_test_setup_teardown(test_canary_refuses, setup, teardown),
            cmocka_unit_test_setup_teardown(test_judgement, setup, teardown),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
