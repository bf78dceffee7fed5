/* SPDX-License-Identifier: Apache-2.0 */
/*
 * What a filter lets through, compared: "at least as strict" (seccomp mode inject) on argument
 * conditions of every kind, on 32-bit architectures (where libseccomp compares the low 32 bits
 * only) and through the socketcall() multiplexer; diff and verdicts on the shipped profiles.
 */
#include "testutil.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "seccomp_compare.h"
#include "seccomp_profile.h"

static json_t *ci_default;
static json_t *ci_strict;

static int setup(void **state)
{
        const char *root = getenv("RW_SOURCE_ROOT");
        _cleanup_free_ char *dir = NULL;
        struct rw_error err = {0};

        (void)state;
        if (root == NULL || asprintf(&dir, "%s/seccomp-profiles", root) < 0)
                return -1;
        if (rw_seccomp_load_profile(dir, "ci-default", &ci_default, &err) < 0 ||
            rw_seccomp_load_profile(dir, "ci-strict", &ci_strict, &err) < 0) {
                print_error("%s\n", err.msg);
                return -1;
        }
        return 0;
}

static int teardown(void **state)
{
        (void)state;
        json_decref(ci_default);
        json_decref(ci_strict);
        return 0;
}

static struct rw_seccomp_model *model_of(const json_t *profile, enum rw_seccomp_strictness s)
{
        struct rw_seccomp_model *model = NULL;
        struct rw_error err = {0};

        if (rw_seccomp_model_new(profile, s, &model, &err) < 0)
                fail_msg("%s", err.msg);
        return model;
}

static struct rw_seccomp_model *model_text(const char *text)
{
        _cleanup_json_ json_t *profile = rw_test_parse(text);

        return model_of(profile, RW_SECCOMP_AS_RUNC);
}

/* engine (text) against ours (text): as strict or not, and when not, the reason holds `why`. */
static void expect_strict(const char *engine, const char *ours, bool expected, const char *why)
{
        _cleanup_seccomp_model_ struct rw_seccomp_model *e = model_text(engine);
        _cleanup_seccomp_model_ struct rw_seccomp_model *o = model_text(ours);
        struct rw_error said = {0};
        bool strict = rw_seccomp_check_at_least_as_strict(e, o, &said) == 0;
        const char *reason = said.msg;

        if (strict != expected)
                fail_msg("expected %s:\n  engine %s\n  ours   %s\n  (%s)",
                         expected ? "as strict" : "less strict", engine, ours, reason);
        if (!expected && why != NULL && strstr(reason, why) == NULL)
                fail_msg("reason \"%s\" does not mention \"%s\"", reason, why);
}

#define ERRNO_DEFAULT "\"defaultAction\": \"SCMP_ACT_ERRNO\""
#define ONE_RULE(name, index, value, op)                                                           \
        "{" ERRNO_DEFAULT ", \"syscalls\": [{\"names\": [\"" name "\"], \"action\": "              \
        "\"SCMP_ACT_ALLOW\", \"args\": [{\"index\": " #index ", \"value\": " #value                \
        ", \"op\": \"" op "\"}]}]}"
#define MASKED(name, index, mask, datum)                                                           \
        "{" ERRNO_DEFAULT ", \"syscalls\": [{\"names\": [\"" name "\"], \"action\": "              \
        "\"SCMP_ACT_ALLOW\", \"args\": [{\"index\": " #index ", \"value\": " #mask                 \
        ", \"valueTwo\": " #datum ", \"op\": \"SCMP_CMP_MASKED_EQ\"}]}]}"
#define UNCONDITIONAL(name)                                                                        \
        "{" ERRNO_DEFAULT ", \"syscalls\": [{\"names\": [\"" name "\"], \"action\": "              \
        "\"SCMP_ACT_ALLOW\"}]}"

/* Each kind of condition against each: the argument sets must nest. */
static void test_conditions_nest(void **state)
{
        (void)state;
        /* intervals in intervals */
        expect_strict(ONE_RULE("getpid", 0, 5, "SCMP_CMP_EQ"),
                      ONE_RULE("getpid", 0, 6, "SCMP_CMP_LT"), true, NULL);
        expect_strict(ONE_RULE("getpid", 0, 6, "SCMP_CMP_EQ"),
                      ONE_RULE("getpid", 0, 6, "SCMP_CMP_LT"), false, "getpid");
        expect_strict(ONE_RULE("getpid", 0, 6, "SCMP_CMP_LE"),
                      ONE_RULE("getpid", 0, 7, "SCMP_CMP_LT"), true, NULL);
        expect_strict(ONE_RULE("getpid", 0, 6, "SCMP_CMP_GT"),
                      ONE_RULE("getpid", 0, 7, "SCMP_CMP_GE"), true, NULL);
        expect_strict(ONE_RULE("getpid", 0, 6, "SCMP_CMP_GE"),
                      ONE_RULE("getpid", 0, 7, "SCMP_CMP_GE"), false, NULL);
        expect_strict(ONE_RULE("getpid", 0, 5, "SCMP_CMP_EQ"),
                      ONE_RULE("getpid", 0, 40, "SCMP_CMP_NE"), true, NULL);
        expect_strict(ONE_RULE("getpid", 0, 40, "SCMP_CMP_EQ"),
                      ONE_RULE("getpid", 0, 40, "SCMP_CMP_NE"), false, NULL);
        /* "not 40" is two runs of values: each must fit one run of ours. */
        expect_strict(ONE_RULE("getpid", 0, 40, "SCMP_CMP_NE"),
                      ONE_RULE("getpid", 0, 40, "SCMP_CMP_NE"), true, NULL);
        expect_strict(ONE_RULE("getpid", 0, 40, "SCMP_CMP_NE"),
                      ONE_RULE("getpid", 0, 41, "SCMP_CMP_NE"), false, NULL);
        expect_strict(ONE_RULE("getpid", 0, 18446744073709551615, "SCMP_CMP_NE"),
                      ONE_RULE("getpid", 0, 18446744073709551615, "SCMP_CMP_LT"), true, NULL);
        /* An argument we do not constrain, and one we do. */
        expect_strict(ONE_RULE("getpid", 3, 5, "SCMP_CMP_EQ"), UNCONDITIONAL("getpid"), true, NULL);
        expect_strict(UNCONDITIONAL("getpid"), ONE_RULE("getpid", 3, 5, "SCMP_CMP_EQ"), false,
                      "getpid");
        expect_strict(ONE_RULE("getpid", 1, 5, "SCMP_CMP_EQ"),
                      ONE_RULE("getpid", 0, 5, "SCMP_CMP_EQ"), false, NULL);
        /* A condition nothing meets allows nothing. */
        expect_strict(ONE_RULE("mount", 0, 0, "SCMP_CMP_LT"), UNCONDITIONAL("getpid"), true, NULL);
        expect_strict(MASKED("mount", 0, 1, 2), UNCONDITIONAL("getpid"), true, NULL);
        /* A condition everything meets allows everything. */
        expect_strict(ONE_RULE("getpid", 0, 0, "SCMP_CMP_GE"), UNCONDITIONAL("getpid"), true, NULL);
        expect_strict(UNCONDITIONAL("getpid"), ONE_RULE("getpid", 0, 0, "SCMP_CMP_GE"), true, NULL);
        expect_strict(UNCONDITIONAL("getpid"), MASKED("getpid", 0, 0, 0), true, NULL);

        /* masked in masked: every bit ours fixes, theirs fixes the same way */
        expect_strict(MASKED("clone", 0, 2147418112, 0), MASKED("clone", 0, 2114060288, 0), true,
                      NULL);
        expect_strict(MASKED("clone", 0, 268435456, 0), MASKED("clone", 0, 2114060288, 0), false,
                      "clone");
        expect_strict(MASKED("clone", 0, 255, 1), MASKED("clone", 0, 15, 1), true, NULL);
        expect_strict(MASKED("clone", 0, 255, 2), MASKED("clone", 0, 15, 1), false, NULL);
        /* masked in intervals: 0..255 fits "at most 255", not "at most 254" */
        expect_strict(MASKED("getpid", 0, 18446744073709551360, 0),
                      ONE_RULE("getpid", 0, 255, "SCMP_CMP_LE"), true, NULL);
        expect_strict(MASKED("getpid", 0, 18446744073709551360, 0),
                      ONE_RULE("getpid", 0, 254, "SCMP_CMP_LE"), false, NULL);
        /* {40 + 256k}: never exactly 40 once k > 0 ... but k = 0 is 40 */
        expect_strict(MASKED("getpid", 0, 255, 40), ONE_RULE("getpid", 0, 40, "SCMP_CMP_NE"), false,
                      NULL);
        expect_strict(MASKED("getpid", 0, 255, 41), ONE_RULE("getpid", 0, 40, "SCMP_CMP_NE"), true,
                      NULL);
        /* intervals in masked: 0..3 all have bits 2.. clear; 0..4 do not */
        expect_strict(ONE_RULE("getpid", 0, 4, "SCMP_CMP_LT"),
                      MASKED("getpid", 0, 18446744073709551612, 0), true, NULL);
        expect_strict(ONE_RULE("getpid", 0, 5, "SCMP_CMP_LT"),
                      MASKED("getpid", 0, 18446744073709551612, 0), false, NULL);
        expect_strict(ONE_RULE("getpid", 0, 6, "SCMP_CMP_EQ"), MASKED("getpid", 0, 6, 6), true,
                      NULL);
        expect_strict(ONE_RULE("getpid", 0, 4, "SCMP_CMP_EQ"), MASKED("getpid", 0, 6, 6), false,
                      NULL);
}

#define X86_FILTER(rules)                                                                          \
        "{" ERRNO_DEFAULT ", \"architectures\": [\"SCMP_ARCH_X86\"], \"syscalls\": [" rules "]}"
#define RULE(name, index, value, op)                                                               \
        "{\"names\": [\"" name                                                                     \
        "\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": " #index                      \
        ", \"value\": " #value ", \"op\": \"" op "\"}]}"

/* libseccomp compares only the low 32 bits on 32-bit x86: 0x100000007 is 7 there, and "below
 * 0x200000000" is "below 0", nothing. */
static void test_32_bit_arguments(void **state)
{
        (void)state;
        if (seccomp_arch_native() != SCMP_ARCH_X86_64)
                skip();
        expect_strict(X86_FILTER(RULE("getpid", 0, 4294967303, "SCMP_CMP_EQ")),
                      X86_FILTER(RULE("getpid", 0, 8589934592, "SCMP_CMP_LT")), false,
                      "SCMP_ARCH_X86");
        expect_strict(X86_FILTER(RULE("getpid", 0, 4294967303, "SCMP_CMP_EQ")),
                      X86_FILTER(RULE("getpid", 0, 4294967304, "SCMP_CMP_LT")), true, NULL);
}

/* socket() on 32-bit x86 also reaches socketcall(), whose arguments the filter cannot see. */
static void test_multiplexer(void **state)
{
        (void)state;
        if (seccomp_arch_native() != SCMP_ARCH_X86_64)
                skip();
        expect_strict(X86_FILTER(RULE("socket", 0, 2, "SCMP_CMP_EQ")),
                      X86_FILTER(RULE("socket", 0, 38, "SCMP_CMP_LT")), false, "multiplexer");
        expect_strict(X86_FILTER(RULE("socket", 0, 2, "SCMP_CMP_EQ")),
                      X86_FILTER(RULE("socket", 0, 38, "SCMP_CMP_LT") ", {\"names\": "
                                                                      "[\"socketcall\"], "
                                                                      "\"action\": "
                                                                      "\"SCMP_ACT_ALLOW\"}"),
                      true, NULL);
        /* Ours refusing socket() on x86 refuses socketcall(SYS_SOCKET) too. */
        expect_strict(
            X86_FILTER("{\"names\": [\"socketcall\"], \"action\": \"SCMP_ACT_ALLOW\"}"),
            "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": [\"SCMP_ARCH_X86\"], "
            "\"syscalls\": [{\"names\": [\"socket\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": "
            "[{\"index\": 0, \"value\": 17, \"op\": \"SCMP_CMP_EQ\"}]}]}",
            false, "socketcall");
}

/* Deny-list filters (default: allow): every refusal of ours must be one of theirs. */
static void test_deny_lists(void **state)
{
        static const char *const ours =
            "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": [\"mount\"], "
            "\"action\": \"SCMP_ACT_ERRNO\"}, {\"names\": [\"socket\"], \"action\": "
            "\"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 0, \"value\": 17, \"op\": "
            "\"SCMP_CMP_EQ\"}]}]}";

        (void)state;
        expect_strict("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": "
                      "[\"mount\", \"umount2\"], \"action\": \"SCMP_ACT_KILL\"}, {\"names\": "
                      "[\"socket\"], \"action\": \"SCMP_ACT_ERRNO\", \"args\": [{\"index\": 0, "
                      "\"value\": 16, \"op\": \"SCMP_CMP_GT\"}]}]}",
                      ours, true, NULL);
        expect_strict("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": "
                      "[\"mount\"], \"action\": \"SCMP_ACT_ERRNO\"}]}",
                      ours, false, "socket");
        /* An allow list is stricter than any deny list that lets its calls through. */
        expect_strict(UNCONDITIONAL("read"), ours, true, NULL);
        expect_strict(UNCONDITIONAL("mount"), ours, false, "mount");
        expect_strict(ours, UNCONDITIONAL("read"), false, "default action");
}

static void test_shipped_profiles(void **state)
{
        _cleanup_seccomp_model_ struct rw_seccomp_model *def = NULL;
        _cleanup_seccomp_model_ struct rw_seccomp_model *strict = NULL;
        struct rw_error why = {0};

        (void)state;
        def = model_of(ci_default, RW_SECCOMP_STRICT);
        strict = model_of(ci_strict, RW_SECCOMP_STRICT);
        assert_int_equal(rw_seccomp_check_at_least_as_strict(def, def, &why), 0);
        assert_int_equal(rw_seccomp_check_at_least_as_strict(strict, def, &why), 0);
        assert_int_equal(rw_seccomp_check_at_least_as_strict(def, strict, &why), -EPERM);
        assert_int_equal(rw_seccomp_model_verdict(def, seccomp_arch_native(), "read"),
                         RW_SECCOMP_ALLOWED);
        assert_int_equal(rw_seccomp_model_verdict(def, seccomp_arch_native(), "mount"),
                         RW_SECCOMP_DENIED);
        assert_int_equal(rw_seccomp_model_verdict(def, seccomp_arch_native(), "socket"),
                         RW_SECCOMP_CONDITIONAL);
        assert_int_equal(rw_seccomp_model_verdict(def, seccomp_arch_native(), "clone"),
                         RW_SECCOMP_CONDITIONAL);
        assert_int_equal(rw_seccomp_model_verdict(def, seccomp_arch_native(), "clone3"),
                         RW_SECCOMP_DENIED);
        assert_int_equal(rw_seccomp_model_verdict(def, seccomp_arch_native(), "ptrace"),
                         RW_SECCOMP_ALLOWED);
        assert_int_equal(rw_seccomp_model_verdict(strict, seccomp_arch_native(), "ptrace"),
                         RW_SECCOMP_DENIED);
        if (seccomp_arch_native() == SCMP_ARCH_X86_64) {
                assert_int_equal(rw_seccomp_model_verdict(def, SCMP_ARCH_X86, "socketcall"),
                                 RW_SECCOMP_ALLOWED);
                assert_int_equal(rw_seccomp_model_verdict(strict, SCMP_ARCH_X86, "getpid"),
                                 RW_SECCOMP_DENIED);
                assert_int_equal(rw_seccomp_model_arch_count(strict), 1);
                assert_int_equal(rw_seccomp_model_arch_count(def), 3);
        }
}

static const struct rw_seccomp_difference *
find_difference(const struct rw_seccomp_difference *d, size_t n, uint32_t arch, const char *name)
{
        for (size_t i = 0; i < n; i++)
                if (d[i].arch->token == arch && strcmp(d[i].name, name) == 0)
                        return &d[i];
        return NULL;
}

static void test_diff(void **state)
{
        _cleanup_seccomp_model_ struct rw_seccomp_model *def = NULL;
        _cleanup_seccomp_model_ struct rw_seccomp_model *strict = NULL;
        _cleanup_free_ struct rw_seccomp_difference *d = NULL;
        _cleanup_free_ struct rw_seccomp_difference *none = NULL;
        const struct rw_seccomp_difference *x;
        const uint32_t native = seccomp_arch_native();
        struct rw_error err = {0};
        size_t n, n_none;

        (void)state;
        def = model_of(ci_default, RW_SECCOMP_STRICT);
        strict = model_of(ci_strict, RW_SECCOMP_STRICT);
        assert_int_equal(rw_seccomp_diff(def, def, &none, &n_none, &err), 0);
        assert_int_equal(n_none, 0);
        assert_int_equal(rw_seccomp_diff(def, strict, &d, &n, &err), 0);

        x = find_difference(d, n, native, "ptrace");
        assert_non_null(x);
        assert_int_equal(x->a, RW_SECCOMP_ALLOWED);
        assert_int_equal(x->b, RW_SECCOMP_DENIED);
        assert_true(x->a_wider);
        assert_false(x->b_wider);
        x = find_difference(d, n, native, "personality");
        assert_non_null(x);
        assert_int_equal(x->a, RW_SECCOMP_CONDITIONAL);
        /* Both conditional, ci-default's socket() wider. */
        x = find_difference(d, n, native, "socket");
        assert_non_null(x);
        assert_int_equal(x->a, RW_SECCOMP_CONDITIONAL);
        assert_int_equal(x->b, RW_SECCOMP_CONDITIONAL);
        assert_true(x->a_wider);
        assert_false(x->b_wider);
        assert_null(find_difference(d, n, native, "read"));
        assert_null(find_difference(d, n, native, "clone"));
        if (native == SCMP_ARCH_X86_64) {
                /* ci-strict kills every 32-bit call. */
                x = find_difference(d, n, SCMP_ARCH_X86, "");
                assert_non_null(x);
                assert_true(x->a_wider);
                assert_false(x->b_wider);
        }
        for (size_t i = 0; i < n; i++)
                assert_false(d[i].b_wider);
}

static void test_model_errors(void **state)
{
        static const char *const unreadable[] = {
            "[]",
            "{\"syscalls\": []}",
            "{" ERRNO_DEFAULT ", \"architectures\": [\"SCMP_ARCH_PDP11\"]}",
            "{" ERRNO_DEFAULT ", \"flags\": [\"SECCOMP_FILTER_FLAG_NEW\"]}",
            "{" ERRNO_DEFAULT ", \"syscalls\": {}}",
            "{" ERRNO_DEFAULT ", \"syscalls\": [{\"names\": [1], \"action\": \"SCMP_ACT_ALLOW\"}]}",
            "{" ERRNO_DEFAULT ", \"syscalls\": [{\"names\": [\"read\"], \"action\": "
            "\"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 9, \"value\": 1, \"op\": "
            "\"SCMP_CMP_EQ\"}]}]}",
        };

        (void)state;
        for (size_t i = 0; i < RW_ELEMENTSOF(unreadable); i++) {
                _cleanup_json_ json_t *doc = rw_test_parse(unreadable[i]);
                _cleanup_seccomp_model_ struct rw_seccomp_model *m = NULL;
                struct rw_error err = {0};

                if (rw_seccomp_model_new(doc, RW_SECCOMP_AS_RUNC, &m, &err) >= 0)
                        fail_msg("modelled: %s", unreadable[i]);
                assert_null(m);
        }
}

static void test_arch_syscalls(void **state)
{
        char **names = NULL;
        struct rw_error err = {0};
        size_t n = 0;
        bool read_found = false;

        (void)state;
        assert_int_equal(rw_seccomp_arch_syscalls(seccomp_arch_native(), &names, &n, &err), 0);
        assert_true(n > 250);
        for (size_t i = 0; i < n; i++) {
                read_found = read_found || strcmp(names[i], "read") == 0;
                if (i > 0)
                        assert_true(strcmp(names[i - 1], names[i]) < 0);
        }
        assert_true(read_found);
        rw_seccomp_names_free(names, n);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_conditions_nest),  cmocka_unit_test(test_32_bit_arguments),
            cmocka_unit_test(test_multiplexer),      cmocka_unit_test(test_deny_lists),
            cmocka_unit_test(test_shipped_profiles), cmocka_unit_test(test_diff),
            cmocka_unit_test(test_model_errors),     cmocka_unit_test(test_arch_syscalls),
        };

        return cmocka_run_group_tests(tests, setup, teardown);
}
