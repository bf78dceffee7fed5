/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The checker (what a profile must be before runwarden applies it, including the rules that
 * would silently do nothing under runc and libseccomp) and the seccomp rule: replace and inject
 * modes. Enforcing the shipped profiles is test_seccomp_profiles.c.
 */
#include "testutil.h"

#include <dirent.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "json.h"
#include "fileio.h"
#include "seccomp_builtin.h"
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

static void test_profile_checks(void **state)
{
        struct rw_error err = {0};

        (void)state;
        if (rw_seccomp_check(profile, &err) < 0)
                fail_msg("%s", err.msg);
        assert_string_equal(json_string_value(json_object_get(profile, "defaultAction")),
                            "SCMP_ACT_ERRNO");
        assert_int_equal(json_integer_value(json_object_get(profile, "defaultErrnoRet")), EPERM);
}

/* Never allowed, not even with an argument filter. */
static const char *const forbidden[] = {
    "mount",
    "umount",
    "umount2",
    "pivot_root",
    "fsopen",
    "fsconfig",
    "fsmount",
    "fspick",
    "move_mount",
    "open_tree",
    "mount_setattr",
    "unshare",
    "setns",
    "keyctl",
    "add_key",
    "request_key",
    "bpf",
    "perf_event_open",
    "userfaultfd",
    "kexec_load",
    "kexec_file_load",
    "init_module",
    "finit_module",
    "delete_module",
    "open_by_handle_at",
    "io_uring_setup",
    "io_uring_enter",
    "io_uring_register",
    "clock_settime",
    "clock_settime64",
    "clock_adjtime",
    "clock_adjtime64",
    "settimeofday",
    "adjtimex",
    "stime",
    "swapon",
    "swapoff",
    "reboot",
    "acct",
    "quotactl",
    "quotactl_fd",
    "lookup_dcookie",
    "vm86",
    "vm86old",
    "iopl",
    "ioperm",
    "create_module",
    "get_kernel_syms",
    "query_module",
    "nfsservctl",
    "syslog",
    "uselib",
    "sysfs",
    "_sysctl",
    "ustat",
    "pciconfig_read",
    "pciconfig_write",
    "pciconfig_iobase",
    "fanotify_init",
    "chroot",
};

/* Allowed only under an argument filter, or (clone3) refused with ENOSYS. */
static const char *const filtered[] = {"clone", "personality", "socket"};

static bool in_list(const char *const *list, size_t n, const char *name)
{
        for (size_t i = 0; i < n; i++)
                if (strcmp(list[i], name) == 0)
                        return true;
        return false;
}

/* The profile as written, independent of what this kernel makes of it. */
static void test_profile_allow_list(void **state)
{
        const json_t *entry, *name;
        size_t i, k, clone3_rules = 0;

        (void)state;
        json_array_foreach(json_object_get(profile, "syscalls"), i, entry)
        {
                const char *action = json_string_value(json_object_get(entry, "action"));
                bool has_args = json_array_size(json_object_get(entry, "args")) > 0;

                json_array_foreach(json_object_get(entry, "names"), k, name)
                {
                        const char *s = json_string_value(name);

                        if (strcmp(s, "clone3") == 0) {
                                assert_string_equal(action, "SCMP_ACT_ERRNO");
                                assert_int_equal(
                                    json_integer_value(json_object_get(entry, "errnoRet")), ENOSYS);
                                clone3_rules++;
                                continue;
                        }
                        if (strcmp(action, "SCMP_ACT_ALLOW") != 0)
                                fail_msg("syscalls[%zu]: unexpected action %s", i, action);
                        if (in_list(forbidden, RW_ELEMENTSOF(forbidden), s))
                                fail_msg("syscalls[%zu] allows %s", i, s);
                        if (in_list(filtered, RW_ELEMENTSOF(filtered), s) && !has_args)
                                fail_msg("syscalls[%zu] allows %s without an argument filter", i,
                                         s);
                }
        }
        assert_int_equal(clone3_rules, 1);
}

static void expect_check_ok(const char *text)
{
        _cleanup_json_ json_t *doc = rw_test_parse(text);
        struct rw_error err = {0};

        if (rw_seccomp_check(doc, &err) < 0)
                fail_msg("refused: %s\n%s", err.msg, text);
}

static void expect_check_fails(const char *text, const char *culprit)
{
        _cleanup_json_ json_t *doc = rw_test_parse(text);
        _cleanup_seccomp_ scmp_filter_ctx ctx = NULL;
        struct rw_error err = {0};

        if (rw_seccomp_check(doc, &err) >= 0)
                fail_msg("accepted: %s", text);
        assert_int_equal(err.code, EINVAL);
        if (strstr(err.msg, culprit) == NULL)
                fail_msg("message \"%s\" does not name \"%s\"", err.msg, culprit);
        memset(&err, 0, sizeof(err));
        assert_true(rw_seccomp_build(doc, &ctx, &err) < 0);
        assert_null(ctx);
}

static void test_check_accepts(void **state)
{
        _cleanup_json_ json_t *docker = rw_test_load_fixture("docker-default.json");
        struct rw_error err = {0};

        (void)state;
        if (rw_seccomp_check(rw_test_get(docker, "/linux/seccomp"), &err) < 0)
                fail_msg("docker's filter: %s", err.msg);
        expect_check_ok("{\"defaultAction\": \"SCMP_ACT_ALLOW\"}");
        expect_check_ok("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": "
                        "[\"clone3\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 38}]}");
        /* A call that exists on one listed architecture only is added there. */
        expect_check_ok("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"architectures\": "
                        "[\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_ARM\"], \"syscalls\": [{\"names\": "
                        "[\"set_tls\", \"arch_prctl\"], \"action\": \"SCMP_ACT_ALLOW\"}]}");
        /* Values above INT64_MAX (kept verbatim by the parser) are unsigned 64-bit values. */
        expect_check_ok("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": "
                        "[\"personality\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": "
                        "0, \"value\": 18446744073709551615, \"op\": \"SCMP_CMP_EQ\"}]}]}");
        expect_check_ok(
            "{\"defaultAction\": \"SCMP_ACT_KILL_PROCESS\", \"flags\": "
            "[\"SECCOMP_FILTER_FLAG_TSYNC\"], \"syscalls\": [{\"names\": [\"read\"], "
            "\"action\": \"SCMP_ACT_TRACE\", \"errnoRet\": 5}, {\"names\": [\"write\"], "
            "\"action\": \"SCMP_ACT_KILL\"}]}");
}

#define DENY_ALL "\"defaultAction\": \"SCMP_ACT_ERRNO\""

static void test_check_refuses(void **state)
{
        (void)state;
        expect_check_fails("[]", "JSON object");
        expect_check_fails("\"SCMP_ACT_ALLOW\"", "JSON object");
        expect_check_fails("{\"syscalls\": []}", "defaultAction");
        expect_check_fails("{\"defaultAction\": \"SCMP_ACT_NOPE\"}", "SCMP_ACT_NOPE");
        expect_check_fails("{" DENY_ALL ", \"listenerPath\": \"/run/agent.sock\"}", "listenerPath");
        expect_check_fails("{" DENY_ALL ", \"architectures\": [\"SCMP_ARCH_VAX\"]}",
                           "SCMP_ARCH_VAX");
        expect_check_fails("{" DENY_ALL ", \"flags\": [\"SECCOMP_FILTER_FLAG_FAST\"]}",
                           "SECCOMP_FILTER_FLAG_FAST");
        expect_check_fails("{" DENY_ALL ", \"syscalls\": [{\"names\": [\"getpid\", "
                           "\"no_such_call\"], \"action\": \"SCMP_ACT_ALLOW\"}]}",
                           "\"no_such_call\"");
        expect_check_fails("{" DENY_ALL ", \"syscalls\": [{\"names\": [\"getpid\"], \"action\": "
                           "\"SCMP_ACT_MAYBE\"}]}",
                           "SCMP_ACT_MAYBE");
        expect_check_fails("{" DENY_ALL ", \"syscalls\": [{\"names\": [\"getpid\"], \"action\": "
                           "\"SCMP_ACT_NOTIFY\"}]}",
                           "SCMP_ACT_NOTIFY");
        expect_check_fails("{" DENY_ALL ", \"syscalls\": [{\"names\": [], \"action\": "
                           "\"SCMP_ACT_ALLOW\"}]}",
                           "names");
        /* A typo that would otherwise drop the condition and allow clone unconditionally. */
        expect_check_fails("{" DENY_ALL ", \"syscalls\": [{\"names\": [\"clone\"], \"action\": "
                           "\"SCMP_ACT_ALLOW\", \"arg\": []}]}",
                           "\"arg\"");
        expect_check_fails("{" DENY_ALL ", \"syscalls\": [{\"names\": [\"socket\"], \"action\": "
                           "\"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, \"value\": 1, \"op\": "
                           "\"SCMP_CMP_LIKE\"}]}]}",
                           "SCMP_CMP_LIKE");
        expect_check_fails("{" DENY_ALL ", \"syscalls\": [{\"names\": [\"socket\"], \"action\": "
                           "\"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 6, \"value\": 1, \"op\": "
                           "\"SCMP_CMP_EQ\"}]}]}",
                           "index");
        expect_check_fails("{" DENY_ALL ", \"syscalls\": [{\"names\": [\"socket\"], \"action\": "
                           "\"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, \"value\": -1, \"op\": "
                           "\"SCMP_CMP_EQ\"}]}]}",
                           "value");
        expect_check_fails("{" DENY_ALL ", \"syscalls\": [{\"names\": [\"socket\"], \"action\": "
                           "\"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, \"value\": "
                           "18446744073709551616, \"op\": \"SCMP_CMP_EQ\"}]}]}",
                           "value");
        expect_check_fails("{" DENY_ALL ", \"syscalls\": [{\"names\": [\"socket\"], \"action\": "
                           "\"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, \"value\": 2, "
                           "\"valueTwo\": 3, \"op\": \"SCMP_CMP_EQ\"}]}]}",
                           "valueTwo");
        expect_check_fails("{" DENY_ALL ", \"syscalls\": [{\"names\": [\"clone\"], \"action\": "
                           "\"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, \"value\": 255, "
                           "\"valueTwo\": 256, \"op\": \"SCMP_CMP_MASKED_EQ\"}]}]}",
                           "valueTwo");
        /* OCI reads "arg0 != 38 and arg0 != 40"; runc would build "arg0 != 38 or arg0 != 40". */
        expect_check_fails("{" DENY_ALL ", \"syscalls\": [{\"names\": [\"socket\"], \"action\": "
                           "\"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, \"value\": 38, \"op\": "
                           "\"SCMP_CMP_NE\"}, {\"index\": 0, \"value\": 40, \"op\": "
                           "\"SCMP_CMP_NE\"}]}]}",
                           "argument 0");
        expect_check_fails("{" DENY_ALL ", \"syscalls\": [{\"names\": [\"getpid\"], \"action\": "
                           "\"SCMP_ACT_ALLOW\", \"errnoRet\": 1}]}",
                           "errnoRet");
        expect_check_fails("{" DENY_ALL ", \"syscalls\": [{\"names\": [\"getpid\"], \"action\": "
                           "\"SCMP_ACT_ERRNO\", \"errnoRet\": 5000}]}",
                           "errnoRet");
        /* A rule with the default action (and errno) does nothing. */
        expect_check_fails("{" DENY_ALL ", \"syscalls\": [{\"names\": [\"mount\"], \"action\": "
                           "\"SCMP_ACT_ERRNO\"}]}",
                           "mount");
        expect_check_fails("{" DENY_ALL ", \"defaultErrnoRet\": 38, \"syscalls\": [{\"names\": "
                           "[\"clone3\"], \"action\": \"SCMP_ACT_ERRNO\", \"errnoRet\": 38}]}",
                           "clone3");
        expect_check_fails("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": "
                           "[\"getpid\"], \"action\": \"SCMP_ACT_ALLOW\"}]}",
                           "getpid");
        expect_check_fails("{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"defaultErrnoRet\": 1}",
                           "defaultErrnoRet");
}

static void test_check_unknown_on_listed_arches(void **state)
{
        (void)state;
        /* set_tls exists on 32-bit ARM only; the native architecture is always in the filter. */
        if (seccomp_arch_native() == SCMP_ARCH_ARM)
                skip();
        expect_check_fails("{" DENY_ALL ", \"architectures\": [\"SCMP_ARCH_X86_64\", "
                           "\"SCMP_ARCH_AARCH64\"], \"syscalls\": [{\"names\": [\"set_tls\"], "
                           "\"action\": \"SCMP_ACT_ALLOW\"}]}",
                           "set_tls");
}

/* The kernel takes at most BPF_MAXINSNS instructions; a profile beyond that is refused now
 * rather than when a container starts. */
static void test_check_program_too_long(void **state)
{
        _cleanup_json_ json_t *doc =
            json_pack("{s:s, s:[]}", "defaultAction", "SCMP_ACT_ERRNO", "syscalls");
        json_t *syscalls = json_object_get(doc, "syscalls");
        struct rw_error err = {0};

        (void)state;
        assert_non_null(syscalls);
        /* Values differing in both halves take about four instructions each. */
        for (json_int_t v = 0; v < 1500; v++) {
                json_t *rule = json_pack("{s:[s], s:s, s:[{s:i, s:I, s:s}]}", "names",
                                         "personality", "action", "SCMP_ACT_ALLOW", "args", "index",
                                         0, "value", v * 0x100000001, "op", "SCMP_CMP_EQ");

                assert_int_equal(json_array_append_new(syscalls, rule), 0);
        }
        assert_true(rw_seccomp_check(doc, &err) < 0);
        assert_int_equal(err.code, E2BIG);
        assert_non_null(strstr(err.msg, "BPF instructions"));
}

struct tmpdir {
        char path[64];
};

static void tmpdir_write(const struct tmpdir *dir, const char *name, const char *text)
{
        _cleanup_free_ char *path = NULL;
        _cleanup_fclose_ FILE *f = NULL;

        assert_true(asprintf(&path, "%s/%s", dir->path, name) > 0);
        f = fopen(path, "w");
        assert_non_null(f);
        assert_int_equal(fputs(text, f) >= 0, 1);
}

static void tmpdir_remove(const struct tmpdir *dir, const char *const *names, size_t n)
{
        for (size_t i = 0; i < n; i++) {
                _cleanup_free_ char *path = NULL;

                assert_true(asprintf(&path, "%s/%s", dir->path, names[i]) > 0);
                unlink(path);
        }
        rmdir(dir->path);
}

static void expect_load_fails(const char *dir, const char *name, const char *needle)
{
        struct rw_error err = {0};
        json_t *doc = NULL;

        if (rw_seccomp_load_profile(dir, name, &doc, &err) >= 0)
                fail_msg("profile \"%s\" loaded", name);
        assert_null(doc);
        if (strstr(err.msg, needle) == NULL)
                fail_msg("message \"%s\" does not contain \"%s\"", err.msg, needle);
}

static void test_load_profile_errors(void **state)
{
        static const char *const files[] = {"broken.json", "unknown.json"};
        struct tmpdir dir = {"/tmp/rw-test-seccomp-XXXXXX"};
        _cleanup_free_ char *broken_path = NULL;
        _cleanup_free_ char *unknown_path = NULL;
        char long_name[80];

        (void)state;
        memset(long_name, 'a', sizeof(long_name) - 1);
        long_name[sizeof(long_name) - 1] = '\0';
        assert_non_null(mkdtemp(dir.path));
        tmpdir_write(&dir, "broken.json", "{\n  \"defaultAction\": \"SCMP_ACT_ERRNO\",\n}\n");
        tmpdir_write(&dir, "unknown.json",
                     "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": "
                     "[\"getpid\", \"getpidd\"], \"action\": \"SCMP_ACT_ALLOW\"}]}\n");
        assert_true(asprintf(&broken_path, "%s/broken.json", dir.path) > 0);
        assert_true(asprintf(&unknown_path, "%s/unknown.json", dir.path) > 0);

        /* Names become file names: nothing that leaves the directory or surprises. */
        expect_load_fails(dir.path, "", "profile name");
        expect_load_fails(dir.path, "../broken", "profile name");
        expect_load_fails(dir.path, "a/b", "profile name");
        expect_load_fails(dir.path, "Broken", "profile name");
        expect_load_fails(dir.path, "ci_default", "profile name");
        expect_load_fails(dir.path, long_name, "profile name");

        expect_load_fails(dir.path, "missing", "missing.json");
        expect_load_fails(dir.path, "broken", broken_path);
        expect_load_fails(dir.path, "broken", "line 3");
        expect_load_fails(dir.path, "unknown", unknown_path);
        expect_load_fails(dir.path, "unknown", "\"getpidd\"");
        tmpdir_remove(&dir, files, RW_ELEMENTSOF(files));
}

/* Each seccomp-profiles/NAME.json of the source tree is built in, byte for byte, and nothing
 * else is: the binary alone carries the baseline's profiles. */
static void test_builtin_profiles_are_the_files(void **state)
{
        const char *root = getenv("RW_SOURCE_ROOT");
        _cleanup_free_ char *dir = NULL;
        size_t n_files = 0, n_builtin = 0;
        struct dirent *e;
        DIR *d;

        (void)state;
        assert_non_null(root);
        assert_true(asprintf(&dir, "%s/seccomp-profiles", root) > 0);
        d = opendir(dir);
        assert_non_null(d);
        while ((e = readdir(d)) != NULL) {
                size_t len = strlen(e->d_name);
                _cleanup_free_ char *path = NULL;
                _cleanup_free_ char *text = NULL;
                char name[80];
                const struct rw_seccomp_builtin *b;
                struct rw_error err = {0};
                size_t text_len;

                if (len <= 5 || strcmp(e->d_name + len - 5, ".json") != 0)
                        continue;
                n_files++;
                snprintf(name, sizeof(name), "%.*s", (int)(len - 5), e->d_name);
                b = rw_seccomp_builtin_find(name);
                if (b == NULL)
                        fail_msg("%s/%s is not built in", dir, e->d_name);
                assert_true(asprintf(&path, "%s/%s", dir, e->d_name) > 0);
                if (rw_file_read(path, 1u << 20, &text, &text_len, NULL, NULL, &err) < 0)
                        fail_msg("%s", err.msg);
                assert_int_equal(b->len, text_len);
                assert_memory_equal(b->text, text, text_len);
                assert_int_equal(b->text[b->len], '\0');
        }
        closedir(d);
        for (const struct rw_seccomp_builtin *b = rw_seccomp_builtins; b->name != NULL; b++)
                n_builtin++;
        assert_true(n_files >= 3);
        assert_int_equal(n_builtin, n_files);
        assert_null(rw_seccomp_builtin_find("ci-defaul"));
        assert_null(rw_seccomp_builtin_find(""));
}

static void expect_found(const char *dir, const char *name, const char *where_expected,
                         const char *default_action)
{
        _cleanup_json_ json_t *doc = NULL;
        _cleanup_free_ char *where = NULL;
        struct rw_error err = {0};

        if (rw_seccomp_find_named(dir, name, &doc, &where, &err) < 0)
                fail_msg("%s in %s: %s", name, dir != NULL ? dir : "(none)", err.msg);
        assert_string_equal(where, where_expected);
        assert_string_equal(json_string_value(json_object_get(doc, "defaultAction")),
                            default_action);
}

/* Where a profile's text is found: the directory first, then the built-in profiles; a directory
 * that does not exist holds nothing; a broken file is an error, never a fall back. */
static void test_find_named(void **state)
{
        static const char *const files[] = {"ci-default.json", "extra.json", "ci-strict.json"};
        struct tmpdir dir = {"/tmp/rw-test-seccomp-XXXXXX"};
        _cleanup_free_ char *missing = NULL;
        _cleanup_free_ char *where = NULL;
        _cleanup_free_ char *file_as_dir = NULL;
        _cleanup_json_ json_t *doc = NULL;
        _cleanup_json_ json_t *compiled = NULL;
        struct rw_error err = {0};

        (void)state;
        assert_non_null(mkdtemp(dir.path));
        assert_true(asprintf(&missing, "%s/no-such-dir", dir.path) > 0);

        /* No directory at all, or one that does not exist: the built-in profiles. */
        expect_found(NULL, "ci-default", "built-in profile ci-default", "SCMP_ACT_ERRNO");
        expect_found(missing, "ci-strict", "built-in profile ci-strict", "SCMP_ACT_ERRNO");
        expect_found(dir.path, "docker-default", "built-in profile docker-default",
                     "SCMP_ACT_ERRNO");
        /* The built-in profile is the one applied, converted and compiled */
        assert_true(rw_seccomp_profile_for(missing, "ci-default", NULL, NULL, &compiled, &err) >=
                    0);
        assert_string_equal(json_string_value(json_object_get(compiled, "defaultAction")),
                            "SCMP_ACT_ERRNO");

        /* The directory adds profiles and overrides a built-in name. */
        tmpdir_write(&dir, "extra.json", "{\"defaultAction\": \"SCMP_ACT_LOG\"}\n");
        tmpdir_write(&dir, "ci-default.json", "{\"defaultAction\": \"SCMP_ACT_KILL\"}\n");
        {
                _cleanup_free_ char *extra = NULL;
                _cleanup_free_ char *ci_default = NULL;

                assert_true(asprintf(&extra, "%s/extra.json", dir.path) > 0);
                assert_true(asprintf(&ci_default, "%s/ci-default.json", dir.path) > 0);
                expect_found(dir.path, "extra", extra, "SCMP_ACT_LOG");
                expect_found(dir.path, "ci-default", ci_default, "SCMP_ACT_KILL");
        }
        expect_found(dir.path, "ci-strict", "built-in profile ci-strict", "SCMP_ACT_ERRNO");

        /* Neither has it. */
        assert_int_equal(rw_seccomp_find_named(dir.path, "nowhere", &doc, &where, &err), -ENOENT);
        assert_null(doc);
        assert_null(where);
        assert_non_null(strstr(err.msg, "nowhere.json nor built into runwarden"));

        /* A file that overrides a built-in name but does not parse: an error naming it. */
        tmpdir_write(&dir, "ci-strict.json", "{\"defaultAction\": \n");
        expect_load_fails(dir.path, "ci-strict", "ci-strict.json");
        assert_true(rw_seccomp_find_named(dir.path, "ci-strict", &doc, &where, &err) < 0);
        assert_null(doc);

        /* A "directory" that is a file is not a directory that does not exist. */
        assert_true(asprintf(&file_as_dir, "%s/extra.json", dir.path) > 0);
        assert_true(rw_seccomp_find_named(file_as_dir, "ci-default", &doc, &where, &err) < 0);
        assert_int_equal(err.code, ENOTDIR);
        tmpdir_remove(&dir, files, RW_ELEMENTSOF(files));
}

/* Two rules for one call with different actions whose arguments can overlap: libseccomp keeps
 * one of them without a word. */
static void test_check_conflicts(void **state)
{
        (void)state;
        expect_check_fails("{" DENY_ALL ", \"syscalls\": [{\"names\": [\"getpid\"], \"action\": "
                           "\"SCMP_ACT_ALLOW\"}, {\"names\": [\"getppid\", \"getpid\"], "
                           "\"action\": \"SCMP_ACT_KILL\"}]}",
                           "syscalls[0] (getpid");
        expect_check_fails("{" DENY_ALL ", \"syscalls\": [{\"names\": [\"getpid\"], \"action\": "
                           "\"SCMP_ACT_ALLOW\"}, {\"names\": [\"getpid\"], \"action\": "
                           "\"SCMP_ACT_ERRNO\", \"errnoRet\": 38}]}",
                           "syscalls[1]");
        /* Family 10 is inside "below 38". */
        expect_check_fails("{" DENY_ALL ", \"syscalls\": [{\"names\": [\"socket\"], \"action\": "
                           "\"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, \"value\": 38, \"op\": "
                           "\"SCMP_CMP_LT\"}]}, {\"names\": [\"socket\"], \"action\": "
                           "\"SCMP_ACT_KILL\", \"args\": [{\"index\": 0, \"value\": 10, \"op\": "
                           "\"SCMP_CMP_EQ\"}]}]}",
                           "socket");
        /* An unconditional refusal next to a conditional allow. */
        expect_check_fails(
            "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": "
            "[\"personality\"], \"action\": \"SCMP_ACT_LOG\", \"args\": [{\"index\": "
            "0, \"value\": 8, \"op\": \"SCMP_CMP_EQ\"}]}, {\"names\": "
            "[\"personality\"], \"action\": \"SCMP_ACT_ERRNO\"}]}",
            "personality");
        /* On 32-bit x86 libseccomp copies a socket() rule onto socketcall() without its
         * arguments: it meets an explicit socketcall() rule with another action. */
        expect_check_fails("{" DENY_ALL ", \"architectures\": [\"SCMP_ARCH_X86\"], \"syscalls\": "
                           "[{\"names\": [\"socket\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": "
                           "[{\"index\": 0, \"value\": 2, \"op\": \"SCMP_CMP_EQ\"}]}, {\"names\": "
                           "[\"socketcall\"], \"action\": \"SCMP_ACT_KILL\"}]}",
                           "multiplexed");

        /* Disjoint arguments, or the same action: both rules act. */
        expect_check_ok("{" DENY_ALL ", \"syscalls\": [{\"names\": [\"socket\"], \"action\": "
                        "\"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, \"value\": 38, \"op\": "
                        "\"SCMP_CMP_LT\"}]}, {\"names\": [\"socket\"], \"action\": "
                        "\"SCMP_ACT_KILL\", \"args\": [{\"index\": 0, \"value\": 40, \"op\": "
                        "\"SCMP_CMP_EQ\"}]}]}");
        expect_check_ok("{" DENY_ALL ", \"syscalls\": [{\"names\": [\"socket\"], \"action\": "
                        "\"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, \"value\": 2, \"op\": "
                        "\"SCMP_CMP_EQ\"}, {\"index\": 1, \"value\": 15, \"valueTwo\": 3, \"op\": "
                        "\"SCMP_CMP_MASKED_EQ\"}]}, {\"names\": [\"socket\"], \"action\": "
                        "\"SCMP_ACT_KILL\", \"args\": [{\"index\": 0, \"value\": 2, \"op\": "
                        "\"SCMP_CMP_EQ\"}, {\"index\": 1, \"value\": 15, \"valueTwo\": 1, \"op\": "
                        "\"SCMP_CMP_MASKED_EQ\"}]}]}");
        expect_check_ok("{" DENY_ALL ", \"syscalls\": [{\"names\": [\"getpid\"], \"action\": "
                        "\"SCMP_ACT_ALLOW\"}, {\"names\": [\"getpid\"], \"action\": "
                        "\"SCMP_ACT_ALLOW\", \"args\": [{\"index\": 0, \"value\": 1, \"op\": "
                        "\"SCMP_CMP_EQ\"}]}]}");
}

/* The checker takes the OCI form only: a Docker-format profile is converted first. */
static void test_check_wants_oci(void **state)
{
        (void)state;
        expect_check_fails("{" DENY_ALL ", \"archMap\": []}", "archMap");
        expect_check_fails("{" DENY_ALL ", \"syscalls\": [{\"names\": [\"getpid\"], \"action\": "
                           "\"SCMP_ACT_ALLOW\", \"includes\": {}}]}",
                           "includes");
}

/* The seccomp rule. */

static void run_rule_mode(const json_t *spec, const json_t *prof, enum rw_seccomp_mode mode,
                          struct rw_plan *plan)
{
        struct rw_settings settings = {
            .seccomp_profile = prof,
            .seccomp_profile_name = "ci-default",
            .seccomp_mode = mode,
        };
        _cleanup_json_ json_t *before = json_deep_copy(spec);

        rw_plan_init(plan);
        rw_rules_seccomp(spec, &settings, plan);
        assert_false(plan->oom);
        /* Rules never change their input. */
        assert_true(json_equal(before, (json_t *)spec));
}

static const enum rw_seccomp_mode modes[] = {RW_SECCOMP_REPLACE, RW_SECCOMP_INJECT};

/* The profile replaced the spec's filter; the reason names the profile and says `why`. */
static void expect_profile_applied(const json_t *spec, enum rw_seccomp_mode mode, const char *why)
{
        _cleanup_plan_ struct rw_plan plan = {0};
        _cleanup_json_ json_t *out = NULL;
        const struct rw_change *change;

        run_rule_mode(spec, profile, mode, &plan);
        assert_int_equal(plan.n_denials, 0);
        assert_int_equal(rw_test_count_changes(&plan, RW_RULE_SECCOMP), 1);
        change = rw_test_find_change(&plan, RW_RULE_SECCOMP, "/linux/seccomp");
        assert_non_null(change);
        assert_true(json_equal(change->after, profile));
        if (strstr(change->reason, "profile ci-default") == NULL ||
            strstr(change->reason, why) == NULL)
                fail_msg("reason \"%s\" does not name the profile and \"%s\"", change->reason, why);
        /* Shared, not copied; and applying the plan leaves the profile as it was. */
        assert_ptr_equal(change->after, profile);
        {
                _cleanup_json_ json_t *before = json_deep_copy(profile);

                out = rw_test_apply(spec, &plan);
                assert_true(json_equal(rw_test_get(out, "/linux/seccomp"), profile));
                assert_true(json_equal(before, profile));
        }
}

/* Replace mode with the profile as the cache's text (a verbatim document): applied the same way,
 * and a spec that already carries exactly the profile is left alone, as with the tree. */
static void test_rule_verbatim_profile(void **state)
{
        _cleanup_free_ char *text = NULL, *out_text = NULL, *tree_text = NULL;
        _cleanup_json_ json_t *doc = NULL, *spec = NULL, *out = NULL;
        _cleanup_plan_ struct rw_plan plan = {0}, again = {0};
        struct rw_error err = {0};
        size_t len, out_len, tree_len;

        (void)state;
        assert_int_equal(rw_json_dump(profile, &text, &len, &err), 0);
        doc = rw_json_verbatim_document(text, len);
        assert_non_null(doc);
        spec = rw_test_parse("{\"linux\": {\"seccomp\": {\"defaultAction\": "
                             "\"SCMP_ACT_ALLOW\"}}}");
        run_rule_mode(spec, doc, RW_SECCOMP_REPLACE, &plan);
        assert_int_equal(plan.n_denials, 0);
        assert_int_equal(rw_test_count_changes(&plan, RW_RULE_SECCOMP), 1);
        out = rw_test_apply(spec, &plan);
        assert_int_equal(rw_json_dump(out, &out_text, &out_len, &err), 0);
        json_decref(spec);
        spec = rw_test_parse("{\"linux\": {}}");
        assert_int_equal(json_object_set(json_object_get(spec, "linux"), "seccomp", profile), 0);
        assert_int_equal(rw_json_dump(spec, &tree_text, &tree_len, &err), 0);
        assert_string_equal(out_text, tree_text);
        /* the spec as written, read back: already the profile */
        json_decref(spec);
        assert_int_equal(rw_json_parse(out_text, out_len, &spec, &err), 0);
        run_rule_mode(spec, doc, RW_SECCOMP_REPLACE, &again);
        assert_int_equal(rw_test_count_changes(&again, RW_RULE_SECCOMP), 0);
        assert_int_equal(again.n_denials, 0);
}

static void expect_filter_kept(const json_t *spec, enum rw_seccomp_mode mode)
{
        _cleanup_plan_ struct rw_plan plan = {0};

        run_rule_mode(spec, profile, mode, &plan);
        assert_int_equal(plan.n_denials, 0);
        if (plan.n_changes != 0)
                fail_msg("the filter was replaced: %s", plan.changes[0].reason);
}

static void test_rule_no_filter(void **state)
{
        _cleanup_json_ json_t *spec = rw_test_load_fixture("containerd-ctr-default.json");
        _cleanup_json_ json_t *bare = rw_test_parse("{\"ociVersion\": \"1.0.2\"}");

        (void)state;
        assert_null(rw_test_get(spec, "/linux/seccomp"));
        for (size_t m = 0; m < RW_ELEMENTSOF(modes); m++) {
                expect_profile_applied(spec, modes[m], "no seccomp filter");
                expect_profile_applied(bare, modes[m], "no seccomp filter");
        }
}

/* An unconfined or empty filter is never left in place, whatever the mode. */
static void test_rule_unconfined_filter(void **state)
{
        static const char *const unconfined[] = {
            "{}",
            "{\"defaultAction\": \"SCMP_ACT_ALLOW\"}",
            "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"architectures\": [\"SCMP_ARCH_X86_64\"], "
            "\"syscalls\": []}",
            "{\"defaultAction\": \"SCMP_ACT_LOG\", \"syscalls\": [{\"names\": [\"getpid\"], "
            "\"action\": \"SCMP_ACT_ALLOW\"}, {\"names\": [], \"action\": \"SCMP_ACT_ERRNO\"}]}",
        };
        _cleanup_json_ json_t *spec = rw_test_load_fixture("docker-default.json");
        json_t *linux_obj = json_object_get(spec, "linux");

        (void)state;
        for (size_t m = 0; m < RW_ELEMENTSOF(modes); m++) {
                for (size_t i = 0; i < RW_ELEMENTSOF(unconfined); i++) {
                        json_object_set_new(linux_obj, "seccomp", rw_test_parse(unconfined[i]));
                        expect_profile_applied(spec, modes[m], "lets every system call through");
                }
                /* Go reads null as an absent filter. */
                json_object_set_new(linux_obj, "seccomp", json_null());
                expect_profile_applied(spec, modes[m], "no seccomp filter");
        }
}

/* Replace, the baseline's mode: docker's own filter goes, whatever it is. */
static void test_rule_replace(void **state)
{
        _cleanup_json_ json_t *spec = rw_test_load_fixture("docker-default.json");
        _cleanup_json_ json_t *strict = rw_test_parse(
            "{\"linux\": {\"seccomp\": {\"defaultAction\": \"SCMP_ACT_KILL_PROCESS\", "
            "\"syscalls\": [{\"names\": [\"exit_group\"], \"action\": \"SCMP_ACT_ALLOW\"}]}}}");
        struct rw_settings baseline;

        (void)state;
        rw_settings_baseline(&baseline);
        assert_int_equal(baseline.seccomp_mode, RW_SECCOMP_REPLACE);
        assert_string_equal(baseline.seccomp_profile_name, "ci-default");
        assert_non_null(rw_test_get(spec, "/linux/seccomp/syscalls"));
        expect_profile_applied(spec, RW_SECCOMP_REPLACE, "seccomp mode replace");
        /* Even a stricter one: replace means the tier's profile, exactly. */
        expect_profile_applied(strict, RW_SECCOMP_REPLACE, "seccomp mode replace");
}

/* A spec that already holds the profile (written by runwarden before) is left alone. */
static void test_rule_profile_already_there(void **state)
{
        _cleanup_json_ json_t *spec = json_pack("{s:{s:O}}", "linux", "seccomp", profile);

        (void)state;
        assert_non_null(spec);
        for (size_t m = 0; m < RW_ELEMENTSOF(modes); m++)
                expect_filter_kept(spec, modes[m]);
}

static json_t *spec_with_filter(const char *filter)
{
        _cleanup_json_ json_t *seccomp = rw_test_parse(filter);

        return json_pack("{s:{s:O}}", "linux", "seccomp", seccomp);
}

#define ALLOW(names) "{\"names\": [" names "], \"action\": \"SCMP_ACT_ALLOW\"}"
#define ALLOW_IF(names, index, value, op)                                                          \
        "{\"names\": [" names "], \"action\": \"SCMP_ACT_ALLOW\", \"args\": [{\"index\": " #index  \
        ", \"value\": " #value ", \"op\": \"" op "\"}]}"
#define FILTER(default_action, rules)                                                              \
        "{\"defaultAction\": \"" default_action "\", \"architectures\": [\"SCMP_ARCH_X86_64\", "   \
        "\"SCMP_ARCH_X86\"], \"syscalls\": [" rules "]}"

/* Inject: the engine's filter stays when it lets through nothing the profile does not. */
static void test_rule_inject_keeps_stricter(void **state)
{
        static const char *const stricter[] = {
            /* A small allow list. */
            FILTER("SCMP_ACT_ERRNO", ALLOW("\"read\", \"write\", \"exit_group\"")),
            /* Stops harder by default. */
            FILTER("SCMP_ACT_KILL_PROCESS", ALLOW("\"read\", \"write\", \"exit_group\"")),
            "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [" ALLOW("\"read\"") "]}",
            /* Narrower conditions than the profile's. */
            FILTER("SCMP_ACT_ERRNO",
                   ALLOW_IF("\"socket\"", 0, 2, "SCMP_CMP_EQ") "," ALLOW_IF(
                       "\"socket\"", 0, 10, "SCMP_CMP_EQ") "," ALLOW_IF("\"personality\"", 0, 8,
                                                                        "SCMP_CMP_EQ")),
            /* A clone mask that clears more flags than the profile's. */
            FILTER("SCMP_ACT_ERRNO",
                   "{\"names\": [\"clone\"], \"action\": \"SCMP_ACT_ALLOW\", \"args\": "
                   "[{\"index\": 0, \"value\": 2147418112, \"valueTwo\": 0, \"op\": "
                   "\"SCMP_CMP_MASKED_EQ\"}]}"),
            /* runc skips a rule with the default action and names it cannot resolve. */
            FILTER("SCMP_ACT_ERRNO",
                   ALLOW("\"read\", \"no_such_call\"") ",{\"names\": [\"mount\"], "
                                                       "\"action\": "
                                                       "\"SCMP_ACT_ERRNO\"}"),
            /* Refusals of its own, with any action. */
            FILTER("SCMP_ACT_ERRNO", ALLOW("\"read\"") ",{\"names\": [\"clone3\"], \"action\": "
                                                       "\"SCMP_ACT_ERRNO\", \"errnoRet\": 38}, "
                                                       "{\"names\": [\"ptrace\"], \"action\": "
                                                       "\"SCMP_ACT_KILL\"}"),
            /* socket() on x86 reaches socketcall(), which the profile allows there. */
            FILTER("SCMP_ACT_ERRNO", ALLOW_IF("\"socket\"", 0, 1, "SCMP_CMP_EQ")),
        };

        (void)state;
        for (size_t i = 0; i < RW_ELEMENTSOF(stricter); i++) {
                _cleanup_json_ json_t *spec = spec_with_filter(stricter[i]);

                expect_filter_kept(spec, RW_SECCOMP_INJECT);
                /* Replace mode applies the profile all the same. */
                expect_profile_applied(spec, RW_SECCOMP_REPLACE, "seccomp mode replace");
        }
}

static void test_rule_inject_replaces_weaker(void **state)
{
        static const struct {
                const char *filter;
                const char *why;
        } weaker[] = {
            /* docker's real filter allows socket() for every family but AF_VSOCK. */
            {NULL, "it lets socket through"},
            {FILTER("SCMP_ACT_ALLOW", "{\"names\": [\"mount\"], \"action\": \"SCMP_ACT_ERRNO\"}"),
             "default action"},
            {FILTER("SCMP_ACT_ERRNO", ALLOW("\"read\", \"mount\"")), "mount"},
            {FILTER("SCMP_ACT_ERRNO", ALLOW("\"clone\"")), "clone"},
            {FILTER("SCMP_ACT_ERRNO", ALLOW_IF("\"socket\"", 0, 38, "SCMP_CMP_EQ")), "socket"},
            {FILTER("SCMP_ACT_ERRNO", ALLOW_IF("\"socket\"", 0, 64, "SCMP_CMP_LT")), "socket"},
            /* Clears only CLONE_NEWUSER: other namespace flags pass. */
            {FILTER("SCMP_ACT_ERRNO", "{\"names\": [\"clone\"], \"action\": \"SCMP_ACT_ALLOW\", "
                                      "\"args\": [{\"index\": 0, \"value\": 268435456, "
                                      "\"valueTwo\": 0, \"op\": \"SCMP_CMP_MASKED_EQ\"}]}"),
             "clone"},
            {FILTER("SCMP_ACT_ERRNO", ALLOW_IF("\"personality\"", 0, 4194304, "SCMP_CMP_EQ")),
             "personality"},
            /* runc ORs two conditions on one argument: family != 38 or family != 40. */
            {FILTER("SCMP_ACT_ERRNO", "{\"names\": [\"socket\"], \"action\": \"SCMP_ACT_ALLOW\", "
                                      "\"args\": [{\"index\": 0, \"value\": 38, \"op\": "
                                      "\"SCMP_CMP_NE\"}, {\"index\": 0, \"value\": 40, \"op\": "
                                      "\"SCMP_CMP_NE\"}]}"),
             "socket"},
            /* An architecture the profile does not have. */
            {"{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"architectures\": [\"SCMP_ARCH_AARCH64\"], "
             "\"syscalls\": [" ALLOW("\"read\"") "]}",
             "SCMP_ARCH_AARCH64"},
            {"{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"flags\": "
             "[\"SECCOMP_FILTER_FLAG_SPEC_ALLOW\"], \"syscalls\": [" ALLOW("\"read\"") "]}",
             "SPEC_ALLOW"},
            /* A user space agent decides: nothing runwarden can vouch for. */
            {FILTER("SCMP_ACT_ERRNO", "{\"names\": [\"mount\"], \"action\": \"SCMP_ACT_NOTIFY\"}"),
             "mount"},
            {FILTER("SCMP_ACT_ERRNO", "{\"names\": [\"mount\"], \"action\": \"SCMP_ACT_TRACE\"}"),
             "mount"},
            /* Unreadable as runc would read it. */
            {"{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"names\": [\"read\"], "
             "\"action\": \"SCMP_ACT_ALLOW\", \"args\": \"all\"}]}",
             "cannot be read"},
            {"{\"defaultAction\": \"SCMP_ACT_MAYBE\"}", "cannot be read"},
        };

        (void)state;
        for (size_t i = 0; i < RW_ELEMENTSOF(weaker); i++) {
                _cleanup_json_ json_t *spec = weaker[i].filter != NULL
                                                  ? spec_with_filter(weaker[i].filter)
                                                  : rw_test_load_fixture("docker-default.json");
                char why[128];

                snprintf(why, sizeof(why), "not as strict as profile ci-default");
                expect_profile_applied(spec, RW_SECCOMP_INJECT, why);
                expect_profile_applied(spec, RW_SECCOMP_INJECT, weaker[i].why);
        }
}

static void test_rule_wants_profile(void **state)
{
        _cleanup_json_ json_t *docker = rw_test_load_fixture("docker-default.json");
        _cleanup_json_ json_t *none = rw_test_load_fixture("containerd-ctr-default.json");
        _cleanup_json_ json_t *bad_linux = rw_test_parse("{\"linux\": []}");
        _cleanup_json_ json_t *bad_seccomp = rw_test_parse("{\"linux\": {\"seccomp\": 1}}");

        (void)state;
        for (size_t m = 0; m < RW_ELEMENTSOF(modes); m++) {
                struct rw_settings settings = {.seccomp_mode = modes[m]};

                assert_true(rw_rules_seccomp_wants_profile(docker, &settings));
                assert_true(rw_rules_seccomp_wants_profile(none, &settings));
                /* Refused without it. */
                assert_false(rw_rules_seccomp_wants_profile(bad_linux, &settings));
                assert_false(rw_rules_seccomp_wants_profile(bad_seccomp, &settings));
        }
}

static void test_rule_no_profile(void **state)
{
        _cleanup_json_ json_t *spec = rw_test_load_fixture("containerd-ctr-default.json");
        _cleanup_json_ json_t *docker = rw_test_load_fixture("docker-default.json");
        _cleanup_plan_ struct rw_plan plan = {0};
        _cleanup_plan_ struct rw_plan plan_docker = {0};
        const struct rw_denial *denial;

        (void)state;
        run_rule_mode(spec, NULL, RW_SECCOMP_REPLACE, &plan);
        assert_int_equal(plan.n_changes, 0);
        denial = rw_test_find_denial(&plan, RW_RULE_SECCOMP);
        assert_non_null(denial);
        assert_non_null(strstr(denial->reason, "ci-default"));
        assert_non_null(strstr(denial->reason, "no filter"));
        assert_true(rw_plan_denied(&plan));

        /* Fail closed even when the engine sent a filter: nobody checked it. */
        run_rule_mode(docker, NULL, RW_SECCOMP_INJECT, &plan_docker);
        assert_int_equal(plan_docker.n_changes, 0);
        assert_non_null(rw_test_find_denial(&plan_docker, RW_RULE_SECCOMP));
}

static void test_rule_malformed(void **state)
{
        _cleanup_json_ json_t *spec = rw_test_parse("{\"linux\": {\"seccomp\": \"unconfined\"}}");
        _cleanup_json_ json_t *spec_linux = rw_test_parse("{\"linux\": \"x\"}");
        _cleanup_plan_ struct rw_plan plan = {0};
        _cleanup_plan_ struct rw_plan plan_linux = {0};

        (void)state;
        run_rule_mode(spec, profile, RW_SECCOMP_INJECT, &plan);
        assert_int_equal(plan.n_changes, 0);
        assert_non_null(rw_test_find_denial(&plan, RW_RULE_SPEC));
        run_rule_mode(spec_linux, profile, RW_SECCOMP_REPLACE, &plan_linux);
        assert_int_equal(plan_linux.n_changes, 0);
        assert_non_null(rw_test_find_denial(&plan_linux, RW_RULE_SPEC));
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_profile_checks),
            cmocka_unit_test(test_profile_allow_list),
            cmocka_unit_test(test_check_accepts),
            cmocka_unit_test(test_check_refuses),
            cmocka_unit_test(test_check_unknown_on_listed_arches),
            cmocka_unit_test(test_check_program_too_long),
            cmocka_unit_test(test_check_conflicts),
            cmocka_unit_test(test_check_wants_oci),
            cmocka_unit_test(test_load_profile_errors),
            cmocka_unit_test(test_rule_verbatim_profile),
            cmocka_unit_test(test_builtin_profiles_are_the_files),
            cmocka_unit_test(test_find_named),
            cmocka_unit_test(test_rule_no_filter),
            cmocka_unit_test(test_rule_unconfined_filter),
            cmocka_unit_test(test_rule_replace),
            cmocka_unit_test(test_rule_profile_already_there),
            cmocka_unit_test(test_rule_inject_keeps_stricter),
            cmocka_unit_test(test_rule_inject_replaces_weaker),
            cmocka_unit_test(test_rule_wants_profile),
            cmocka_unit_test(test_rule_no_profile),
            cmocka_unit_test(test_rule_malformed),
        };

        return cmocka_run_group_tests(tests, load_profile, free_profile);
}
