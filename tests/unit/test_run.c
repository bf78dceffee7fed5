/* SPDX-License-Identifier: Apache-2.0 */
/*
 * lib/base/run.c: another program with its output captured — what runwardenctl's probes and
 * runwarden's delete (the egress hook's counters) rely on: both streams, the input given, the
 * exit status or the signal, the deadline, and none of the caller's other descriptors.
 */
#include "testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "run.h"

static int sh(const char *script, int input_fd, int timeout_ms, struct rw_run_output *out,
              struct rw_error *err)
{
        char *argv[] = {(char *)"sh", (char *)"-c", (char *)script, NULL};

        return rw_run("/bin/sh", argv, NULL, input_fd, timeout_ms, out, err);
}

static void test_streams_and_status(void **state)
{
        struct rw_run_output out = {0};
        struct rw_error err = {0};

        (void)state;
        assert_int_equal(sh("printf 'one\\0two'; echo oops >&2; exit 3", -1, 10000, &out, &err), 0);
        assert_int_equal(out.status, 3);
        assert_int_equal(out.out_len, 7);
        assert_memory_equal(out.out, "one\0two", 8);
        assert_string_equal(out.err, "oops\n");
        rw_run_output_clear(&out);
        assert_null(out.out);

        /* killed by a signal: 128 + N */
        assert_int_equal(sh("kill -TERM $$", -1, 10000, &out, &err), 0);
        assert_int_equal(out.status, 128 + 15);
        assert_string_equal(out.out, "");
        rw_run_output_clear(&out);
}

static void test_input(void **state)
{
        struct rw_run_output out = {0};
        struct rw_error err = {0};
        int p[2];

        (void)state;
        /* no input given: an empty stdin, at its end at once */
        assert_int_equal(sh("cat; echo end", -1, 10000, &out, &err), 0);
        assert_string_equal(out.out, "end\n");
        rw_run_output_clear(&out);

        assert_int_equal(pipe2(p, O_CLOEXEC), 0);
        assert_int_equal(write(p[1], "given\n", 6), 6);
        close(p[1]);
        assert_int_equal(sh("cat", p[0], 10000, &out, &err), 0);
        assert_string_equal(out.out, "given\n");
        close(p[0]);
        rw_run_output_clear(&out);
}

/* The environment given, and only it (runwarden runs its egress hook with none, as runc does). */
static void test_environment(void **state)
{
        char *argv[] = {(char *)"sh", (char *)"-c", (char *)"echo \"[$RW_RUN_TEST]\"", NULL};
        char *only[] = {(char *)"RW_RUN_TEST=given", NULL};
        char *none[] = {NULL};
        struct rw_run_output out = {0};
        struct rw_error err = {0};

        (void)state;
        assert_int_equal(setenv("RW_RUN_TEST", "inherited", 1), 0);
        assert_int_equal(rw_run("/bin/sh", argv, NULL, -1, 10000, &out, &err), 0);
        assert_string_equal(out.out, "[inherited]\n");
        rw_run_output_clear(&out);
        assert_int_equal(rw_run("/bin/sh", argv, only, -1, 10000, &out, &err), 0);
        assert_string_equal(out.out, "[given]\n");
        rw_run_output_clear(&out);
        assert_int_equal(rw_run("/bin/sh", argv, none, -1, 10000, &out, &err), 0);
        assert_string_equal(out.out, "[]\n");
        rw_run_output_clear(&out);
        unsetenv("RW_RUN_TEST");
}

static void test_no_other_descriptor(void **state)
{
        struct rw_run_output out = {0};
        struct rw_error err = {0};
        char script[128];
        int fd = open("/dev/null", O_RDONLY); /* not close-on-exec */

        (void)state;
        assert_true(fd > 2);
        snprintf(script, sizeof(script), "[ -e /proc/self/fd/%d ] && echo inherited || echo closed",
                 fd);
        assert_int_equal(sh(script, -1, 10000, &out, &err), 0);
        assert_string_equal(out.out, "closed\n");
        close(fd);
        rw_run_output_clear(&out);
}

static void test_deadline_and_missing(void **state)
{
        struct rw_run_output out = {0};
        struct rw_error err = {0};
        char *argv[] = {(char *)"none", NULL};

        (void)state;
        assert_int_equal(sh("exec sleep 30", -1, 200, &out, &err), -ETIMEDOUT);
        assert_non_null(strstr(err.msg, "did not finish within 200 ms"));
        assert_null(out.out);

        err = (struct rw_error){0};
        assert_int_equal(rw_run("/nonexistent/program", argv, NULL, -1, 1000, &out, &err), -ENOENT);
        assert_non_null(strstr(err.msg, "cannot run /nonexistent/program"));
        assert_null(out.out);
}

/*
 * SIGCHLD ignored, as a caller may hand it down across exec: the kernel reaps the child itself and
 * its exit status is lost. That is an error, never an exit status of 0 (a failed program taken for
 * one that succeeded).
 */
static void test_exit_status_lost_when_sigchld_is_ignored(void **state)
{
        struct sigaction ignore = {.sa_handler = SIG_IGN}, old;
        struct rw_run_output out = {0};
        struct rw_error err = {0};
        int r;

        (void)state;
        assert_int_equal(sigaction(SIGCHLD, &ignore, &old), 0);
        r = sh("echo partial; exit 3", -1, 10000, &out, &err);
        assert_int_equal(sigaction(SIGCHLD, &old, NULL), 0);
        assert_int_equal(r, -ECHILD);
        assert_non_null(strstr(err.msg, "exit status of sh"));
        assert_null(out.out);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_streams_and_status),
            cmocka_unit_test(test_input),
            cmocka_unit_test(test_environment),
            cmocka_unit_test(test_no_other_descriptor),
            cmocka_unit_test(test_deadline_and_missing),
            cmocka_unit_test(test_exit_status_lost_when_sigchld_is_ignored),
        };

        return cmocka_run_group_tests(tests, NULL, NULL);
}
