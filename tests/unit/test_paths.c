/* SPDX-License-Identifier: Apache-2.0 */
#include "testutil.h"

#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "paths.h"
#include "strv.h"

static void check_normalize(const char *in, const char *want)
{
        struct rw_error err = {0};
        char *out = NULL;

        assert_int_equal(rw_path_normalize(in, &out, &err), 0);
        if (strcmp(out, want) != 0)
                fail_msg("normalize(%s) = %s, want %s", in, out, want);
        free(out);
}

static void test_normalize(void **state)
{
        (void)state;
        check_normalize("/", "/");
        check_normalize("", "/");
        check_normalize("//", "/");
        check_normalize("/var/run/docker.sock", "/var/run/docker.sock");
        check_normalize("//var//run/docker.sock", "/var/run/docker.sock");
        check_normalize("/var/run/docker.sock/", "/var/run/docker.sock");
        check_normalize("/var/run/../run/docker.sock", "/var/run/docker.sock");
        check_normalize("/var/./run/./docker.sock", "/var/run/docker.sock");
        check_normalize("/../../etc", "/etc");
        check_normalize("/a/b/../../..", "/");
        check_normalize("proc/self/fd/7", "/proc/self/fd/7");
        check_normalize("/proc/self/../1/cwd", "/proc/1/cwd");
        check_normalize("/a/..b/c", "/a/..b/c");
        check_normalize("/a/.../c", "/a/.../c");
}

static void test_within(void **state)
{
        (void)state;
        assert_true(rw_path_within("/run", "/run"));
        assert_true(rw_path_within("/run/docker.sock", "/run"));
        assert_false(rw_path_within("/running", "/run"));
        assert_false(rw_path_within("/ru", "/run"));
        assert_true(rw_path_within("/anything", "/"));
        assert_true(rw_path_within("/", "/"));
        assert_false(rw_path_within("/var/lib/docker/volumesX/a", "/var/lib/docker/volumes"));
        assert_true(rw_path_within("/var/lib/docker/volumes/x/_data", "/var/lib/docker/volumes"));
}

static void test_basename(void **state)
{
        (void)state;
        assert_string_equal(rw_path_basename("/run/docker.sock"), "docker.sock");
        assert_string_equal(rw_path_basename("/"), "");
        assert_string_equal(rw_path_basename("docker.sock"), "docker.sock");
}

/* rw_glob_match: '*' is any run, including "/"; nothing else is special */
static void test_glob(void **state)
{
        static const struct {
                const char *pattern, *s;
                bool match;
        } cases[] = {
            {"*", "", true},
            {"*", "anything/at all", true},
            {"runner-*-cache-*", "runner-x-project-1-concurrent-0-cache-3c3f", true},
            {"runner-*-cache-*", "runner-x-cache", false},
            {"/kubepods*", "/kubepods/besteffort/pod1", true},
            {"/kubepods*", "/kube", false},
            {"a*b*c", "abc", true},
            {"a*b*c", "aXbYcZ", false},
            {"a*b*c", "aXbYcZc", true},
            {"net.ipv4.*", "net.ipv4.ping_group_range", true},
            {"net.ipv4.*", "net.ipv6.conf", false},
            {"exact", "exact", true},
            {"exact", "exactly", false},
            {"?", "x", false},
            {"*a*a*a*a*a*a*a*a*a*a*b",
             "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", false},
        };
        const char *const list[] = {"x*", "/docker", NULL};

        (void)state;
        for (size_t i = 0; i < RW_ELEMENTSOF(cases); i++)
                if (rw_glob_match(cases[i].pattern, cases[i].s) != cases[i].match)
                        fail_msg("%s against %s: expected %s", cases[i].pattern, cases[i].s,
                                 cases[i].match ? "a match" : "none");
        assert_true(rw_strv_glob_any(list, "/docker"));
        assert_true(rw_strv_glob_any(list, "xyz"));
        assert_false(rw_strv_glob_any(list, "/docker/x"));
        assert_false(rw_strv_glob_any(NULL, "x"));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_glob),
            cmocka_unit_test(test_normalize),
            cmocka_unit_test(test_within),
            cmocka_unit_test(test_basename),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
