/* SPDX-License-Identifier: Apache-2.0 */
#include "testutil.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "ctl.h"

#define T(n) "\"time\":\"2026-11-22T18:00:00.00000000" #n "Z\""

/*
 * One sample decision log: a container's whole life (c1), a refused create (c2), containers left
 * open (c3, c4, c5), a delete of an unknown container, a rule name that needs escaping, a number
 * above INT64_MAX, and three lines that are not decisions (plus a blank line, which is skipped
 * silently). The last line is cut short, as while runwarden is appending it.
 */
static const char sample_log[] = "{" T(
    1) ",\"id\":\"01\",\"command\":\"create\",\"container_id\":\"c1\",\"tier\":\"untrusted\","
       "\"mode\":\"enforce\",\"job\":{\"gitlab\":{\"job_id\":\"1\",\"project_path\":\"group/"
       "app\"}},"
       "\"outcome\":\"rewritten\",\"changes\":["
       "{\"rule\":\"caps-drop\",\"path\":\"/process/capabilities/"
       "bounding\",\"before\":[\"CAP_CHOWN\"],"
       "\"after\":[],\"reason\":\"r\"},"
       "{\"rule\":\"caps-drop\",\"path\":\"/process/capabilities/effective\","
       "\"before\":[\"CAP_CHOWN\"],\"after\":[],\"reason\":\"r\"},"
       "{\"rule\":\"secret-in-env\",\"path\":\"/process/env/3\","
       "\"before\":\"AWS_ACCESS_KEY_ID=<redacted: AWS access key id>\",\"reason\":\"r\"}],"
       "\"duration_us\":120}\n"
       "{" T(
           2) ",\"id\":\"02\",\"command\":\"start\",\"container_id\":\"c1\",\"tier\":\"untrusted\","
              "\"mode\":\"enforce\",\"outcome\":\"passthrough\",\"duration_us\":3}\n"
              "{" T(
                  3) ",\"id\":\"03\",\"command\":\"create\",\"container_id\":\"c2\",\"tier\":"
                     "\"untrusted\","
                     "\"job\":{\"gitlab\":{\"project_path\":\"group/"
                     "app\"}},\"outcome\":\"refused\","
                     "\"changes\":[{\"rule\":\"caps-drop\",\"path\":\"/"
                     "p\",\"after\":[],\"reason\":\"r\"}],"
                     "\"denials\":[{\"rule\":\"host-mount\",\"item\":\"/\",\"reason\":\"r\"},"
                     "{\"rule\":\"engine-socket\",\"item\":\"/var/run/"
                     "docker.sock\",\"reason\":\"r\"},"
                     "{\"rule\":\"host-mount\",\"item\":\"/srv/"
                     "data\",\"reason\":\"r\"}],\"duration_us\":80}\n"
                     "not json {\n"
                     "{" T(
                         4) ",\"command\":\"create\",\"container_id\":\"c3\",\"tier\":\"trusted\","
                            "\"job\":{\"github\":{\"repository\":\"octo/app\",\"run_id\":\"9\"}},"
                            "\"outcome\":\"unchanged\"}\n"
                            "{" T(5) ",\"command\":\"exec\",\"container_id\":\"c3\",\"tier\":"
                                     "\"trusted\","
                                     "\"job\":{\"github\":{\"repository\":\"octo/"
                                     "app\"}},\"outcome\":\"passthrough\"}\n"
                                     "{" T(
                                         6) ",\"command\":\"delete\",\"container_id\":\"c1\","
                                            "\"tier\":\"untrusted\","
                                            "\"outcome\":\"passthrough\"}\n"
                                            "{" T(
                                                7) ",\"command\":\"delete\",\"container_id\":"
                                                   "\"c1\",\"tier\":\"untrusted\","
                                                   "\"outcome\":\"passthrough\"}\n"
                                                   "{" T(
                                                       8) ",\"command\":\"create\",\"container_"
                                                          "id\":\"c4\",\"tier\":\"audit-only\","
                                                          "\"mode\":\"audit\",\"job\":{"
                                                          "\"kubernetes\":{\"namespace\":\"ci\","
                                                          "\"pod\":\"runner-1\"}},"
                                                          "\"outcome\":\"audited\","
                                                          "\"changes\":[{\"rule\":"
                                                          "\"we\\\"ird\\\\rule\\n\",\"path\":\"/"
                                                          "x\",\"reason\":\"r\"}],"
                                                          "\"denials\":[{\"rule\":\"host-mount\","
                                                          "\"item\":\"/\",\"reason\":\"r\"}]}\n"
                                                          "{\"foo\":1}\n"
                                                          "\n"
                                                          "{" T(
                                                              9) ",\"command\":\"delete\","
                                                                 "\"container_id\":\"c9\","
                                                                 "\"outcome\":\"passthrough\"}\n"
                                                                 "{\"time\":\"2026-11-22T18:00:"
                                                                 "01Z\",\"command\":\"create\","
                                                                 "\"container_id\":\"c5\","
                                                                 "\"tier\":\"untrusted\",\"job\":{"
                                                                 "\"gitlab\":{\"project_path\":"
                                                                 "\"group/app\"}},"
                                                                 "\"outcome\":\"rewritten\","
                                                                 "\"changes\":[{\"rule\":\"pids-"
                                                                 "limit\","
                                                                 "\"path\":\"/linux/resources/pids/"
                                                                 "limit\",\"before\":"
                                                                 "18446744073709551615,\"after\":"
                                                                 "4096,"
                                                                 "\"reason\":\"r\"}]}\n"
                                                                 "{\"time\":\"2026-11-22T18:00:"
                                                                 "02Z\",\"command\":\"cre";

struct output {
        int status;
        char *out;
        char *err;
};

static void output_clear(struct output *o)
{
        free(o->out);
        free(o->err);
}

static int capture_to(int target, char *template)
{
        int fd = mkstemp(template), saved;

        assert_true(fd >= 0);
        saved = dup(target);
        assert_true(saved >= 0);
        assert_int_equal(dup2(fd, target), target);
        close(fd);
        return saved;
}

/* Run `runwardenctl audit ARGS...` with stdout and stderr captured. */
static struct output run(int argc, char **argv)
{
        char out_path[] = "/tmp/rw-test-ctl-out-XXXXXX", err_path[] = "/tmp/rw-test-ctl-err-XXXXXX";
        struct output o;
        int saved_out, saved_err;

        fflush(stdout);
        fflush(stderr);
        saved_out = capture_to(STDOUT_FILENO, out_path);
        saved_err = capture_to(STDERR_FILENO, err_path);
        o.status = rw_ctl_audit(argc, argv);
        fflush(stdout);
        fflush(stderr);
        dup2(saved_out, STDOUT_FILENO);
        dup2(saved_err, STDERR_FILENO);
        close(saved_out);
        close(saved_err);
        o.out = rw_test_read_file(out_path, NULL);
        o.err = rw_test_read_file(err_path, NULL);
        unlink(out_path);
        unlink(err_path);
        return o;
}

static char log_path[] = "/tmp/rw-test-audit-XXXXXX";

static int setup(void **state)
{
        int fd = mkstemp(log_path);

        (void)state;
        assert_true(fd >= 0);
        assert_int_equal(write(fd, sample_log, sizeof(sample_log) - 1),
                         (ssize_t)(sizeof(sample_log) - 1));
        close(fd);
        return 0;
}

static int teardown(void **state)
{
        (void)state;
        unlink(log_path);
        return 0;
}

#define MALFORMED_MESSAGE "runwardenctl audit: %s: 3 malformed lines skipped\n"

static void expect_malformed_message(const char *err)
{
        _cleanup_free_ char *expected = NULL;

        assert_true(asprintf(&expected, MALFORMED_MESSAGE, log_path) > 0);
        assert_string_equal(err, expected);
}

static void test_table(void **state)
{
        char *argv[] = {"audit", log_path, NULL};
        _cleanup_(output_clear) struct output o = run(2, argv);
        _cleanup_free_ char *expected = NULL;

        (void)state;
        assert_int_equal(o.status, 0);
        expect_malformed_message(o.err);
        assert_true(
            asprintf(&expected,
                     "%s: 10 decisions\n"
                     "\n"
                     "OUTCOME      DECISIONS\n"
                     "passthrough          5\n"
                     "rewritten            2\n"
                     "audited              1\n"
                     "refused              1\n"
                     "unchanged            1\n"
                     "\n"
                     "TIER        DECISIONS\n"
                     "untrusted           6\n"
                     "trusted             2\n"
                     "-                   1\n"
                     "audit-only          1\n"
                     "\n"
                     "RULE           CHANGED  REFUSED\n"
                     "caps-drop            2        0\n"
                     "host-mount           0        2\n"
                     "engine-socket        0        1\n"
                     "pids-limit           1        0\n"
                     "secret-in-env        1        0\n"
                     "we\"ird\\rule?         1        0\n"
                     "\n"
                     "PROJECT      DECISIONS\n"
                     "group/app            5\n"
                     "-                    2\n"
                     "octo/app             2\n"
                     "ci/runner-1          1\n"
                     "\n"
                     "REFUSED MOUNT         REFUSALS\n"
                     "/                            2\n"
                     "/srv/data                    1\n"
                     "/var/run/docker.sock         1\n"
                     "\n"
                     "OPEN CONTAINER  TIER        PROJECT      CREATED\n"
                     "c3              trusted     octo/app     2026-11-22T18:00:00.000000004Z\n"
                     "c4              audit-only  ci/runner-1  2026-11-22T18:00:00.000000008Z\n"
                     "c5              untrusted   group/app    2026-11-22T18:00:01Z\n",
                     log_path) > 0);
        assert_string_equal(o.out, expected);
}

static void test_json(void **state)
{
        char *argv[] = {"audit", "--json", log_path, NULL};
        _cleanup_(output_clear) struct output o = run(3, argv);
        _cleanup_free_ char *expected = NULL;

        (void)state;
        assert_int_equal(o.status, 0);
        expect_malformed_message(o.err);
        assert_true(
            asprintf(&expected,
                     "{\"file\":\"%s\",\"decisions\":10,\"malformed_lines\":3,"
                     "\"outcomes\":{\"passthrough\":5,\"rewritten\":2,\"audited\":1,\"refused\":1,"
                     "\"unchanged\":1},"
                     "\"tiers\":{\"untrusted\":6,\"trusted\":2,\"-\":1,\"audit-only\":1},"
                     "\"rules\":{\"caps-drop\":{\"changed\":2,\"refused\":0},"
                     "\"host-mount\":{\"changed\":0,\"refused\":2},"
                     "\"engine-socket\":{\"changed\":0,\"refused\":1},"
                     "\"pids-limit\":{\"changed\":1,\"refused\":0},"
                     "\"secret-in-env\":{\"changed\":1,\"refused\":0},"
                     "\"we\\\"ird\\\\rule\\n\":{\"changed\":1,\"refused\":0}},"
                     "\"projects\":{\"group/app\":5,\"-\":2,\"octo/app\":2,\"ci/runner-1\":1},"
                     "\"refused_mounts\":[{\"item\":\"/\",\"count\":2},"
                     "{\"item\":\"/srv/data\",\"count\":1},"
                     "{\"item\":\"/var/run/docker.sock\",\"count\":1}],"
                     "\"open_containers\":["
                     "{\"container_id\":\"c3\",\"tier\":\"trusted\",\"project\":\"octo/app\","
                     "\"time\":\"2026-11-22T18:00:00.000000004Z\"},"
                     "{\"container_id\":\"c4\",\"tier\":\"audit-only\",\"project\":\"ci/runner-1\","
                     "\"time\":\"2026-11-22T18:00:00.000000008Z\"},"
                     "{\"container_id\":\"c5\",\"tier\":\"untrusted\",\"project\":\"group/app\","
                     "\"time\":\"2026-11-22T18:00:01Z\"}]}\n",
                     log_path) > 0);
        assert_string_equal(o.out, expected);
}

static void test_prometheus(void **state)
{
        char *argv[] = {"audit", log_path, "--prometheus", NULL};
        _cleanup_(output_clear) struct output o = run(3, argv);

        (void)state;
        assert_int_equal(o.status, 0);
        expect_malformed_message(o.err);
        assert_string_equal(
            o.out,
            "# HELP runwarden_decisions_total Decisions in the runwarden audit log, by outcome and "
            "tier.\n"
            "# TYPE runwarden_decisions_total counter\n"
            "runwarden_decisions_total{outcome=\"audited\",tier=\"audit-only\"} 1\n"
            "runwarden_decisions_total{outcome=\"passthrough\",tier=\"-\"} 1\n"
            "runwarden_decisions_total{outcome=\"passthrough\",tier=\"trusted\"} 1\n"
            "runwarden_decisions_total{outcome=\"passthrough\",tier=\"untrusted\"} 3\n"
            "runwarden_decisions_total{outcome=\"refused\",tier=\"untrusted\"} 1\n"
            "runwarden_decisions_total{outcome=\"rewritten\",tier=\"untrusted\"} 2\n"
            "runwarden_decisions_total{outcome=\"unchanged\",tier=\"trusted\"} 1\n"
            "# HELP runwarden_rule_actions_total Decisions in which a rule changed or refused "
            "something.\n"
            "# TYPE runwarden_rule_actions_total counter\n"
            "runwarden_rule_actions_total{rule=\"caps-drop\",action=\"changed\"} 2\n"
            "runwarden_rule_actions_total{rule=\"caps-drop\",action=\"refused\"} 0\n"
            "runwarden_rule_actions_total{rule=\"engine-socket\",action=\"changed\"} 0\n"
            "runwarden_rule_actions_total{rule=\"engine-socket\",action=\"refused\"} 1\n"
            "runwarden_rule_actions_total{rule=\"host-mount\",action=\"changed\"} 0\n"
            "runwarden_rule_actions_total{rule=\"host-mount\",action=\"refused\"} 2\n"
            "runwarden_rule_actions_total{rule=\"pids-limit\",action=\"changed\"} 1\n"
            "runwarden_rule_actions_total{rule=\"pids-limit\",action=\"refused\"} 0\n"
            "runwarden_rule_actions_total{rule=\"secret-in-env\",action=\"changed\"} 1\n"
            "runwarden_rule_actions_total{rule=\"secret-in-env\",action=\"refused\"} 0\n"
            "runwarden_rule_actions_total{rule=\"we\\\"ird\\\\rule\\n\",action=\"changed\"} 1\n"
            "runwarden_rule_actions_total{rule=\"we\\\"ird\\\\rule\\n\",action=\"refused\"} 0\n"
            "# HELP runwarden_containers_open Containers created and not deleted according to the "
            "audit log.\n"
            "# TYPE runwarden_containers_open gauge\n"
            "runwarden_containers_open 3\n"
            "# HELP runwarden_audit_malformed_lines_total Lines of the audit log that are not a "
            "decision.\n"
            "# TYPE runwarden_audit_malformed_lines_total counter\n"
            "runwarden_audit_malformed_lines_total 3\n");
}

static void test_empty_log(void **state)
{
        char path[] = "/tmp/rw-test-audit-empty-XXXXXX";
        int fd = mkstemp(path);
        char *argv[] = {"audit", "--prometheus", path, NULL};
        _cleanup_(output_clear) struct output o = {0};

        (void)state;
        assert_true(fd >= 0);
        close(fd);
        o = run(3, argv);
        unlink(path);
        assert_int_equal(o.status, 0);
        assert_string_equal(o.err, "");
        assert_non_null(strstr(o.out, "\nrunwarden_containers_open 0\n"));
        assert_non_null(strstr(o.out, "\nrunwarden_audit_malformed_lines_total 0\n"));
        assert_null(strstr(o.out, "runwarden_decisions_total{"));
}

static void test_unreadable_file(void **state)
{
        char *argv[] = {"audit", "/nonexistent/runwarden/audit.jsonl", NULL};
        _cleanup_(output_clear) struct output o = run(2, argv);

        (void)state;
        assert_int_equal(o.status, 1);
        assert_string_equal(o.out, "");
        assert_string_equal(o.err, "runwardenctl audit: cannot open "
                                   "/nonexistent/runwarden/audit.jsonl: No such file or "
                                   "directory\n");
}

static void test_usage(void **state)
{
        char *both[] = {"audit", "--json", "--prometheus", log_path, NULL};
        char *unknown[] = {"audit", "--yaml", log_path, NULL};
        char *two_files[] = {"audit", log_path, log_path, NULL};
        char *help[] = {"audit", "--help", NULL};
        struct output o;

        (void)state;
        o = run(4, both);
        assert_int_equal(o.status, 2);
        assert_string_equal(o.out, "");
        assert_non_null(strstr(o.err, "usage: runwardenctl audit"));
        output_clear(&o);

        o = run(3, unknown);
        assert_int_equal(o.status, 2);
        assert_non_null(strstr(o.err, "unknown option --yaml"));
        output_clear(&o);

        o = run(3, two_files);
        assert_int_equal(o.status, 2);
        assert_string_equal(o.out, "");
        output_clear(&o);

        o = run(2, help);
        assert_int_equal(o.status, 0);
        assert_non_null(strstr(o.out, "usage: runwardenctl audit"));
        assert_string_equal(o.err, "");
        output_clear(&o);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_table),           cmocka_unit_test(test_json),
            cmocka_unit_test(test_prometheus),      cmocka_unit_test(test_empty_log),
            cmocka_unit_test(test_unreadable_file), cmocka_unit_test(test_usage),
        };
        return cmocka_run_group_tests(tests, setup, teardown);
}
