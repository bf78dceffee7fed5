/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Docker's profile format, converted to OCI for one container: archMap for the host's
 * architecture, includes/excludes on capabilities (those runwarden leaves, never the ones the
 * engine asked for), architectures and kernel versions; the errors, numbered as the file numbers
 * its entries; and the whole-file check.
 */
#include "testutil.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "seccomp_compare.h"
#include "seccomp_docker.h"
#include "seccomp_names.h"
#include "seccomp_profile.h"

static json_t *docker_profile;

static int setup(void **state)
{
        const char *root = getenv("RW_SOURCE_ROOT");
        _cleanup_free_ char *dir = NULL;
        struct rw_error err = {0};

        (void)state;
        if (root == NULL || asprintf(&dir, "%s/seccomp-profiles", root) < 0)
                return -1;
        if (rw_seccomp_read_named(dir, "docker-default", &docker_profile, &err) < 0) {
                print_error("%s\n", err.msg);
                return -1;
        }
        return 0;
}

static int teardown(void **state)
{
        (void)state;
        json_decref(docker_profile);
        return 0;
}

static struct rw_seccomp_target target_for(uint32_t arch, const char *const *caps)
{
        struct rw_seccomp_target t = {
            .arch = rw_seccomp_arch_by_token(arch),
            .kernel_major = 6,
            .kernel_minor = 1,
            .capabilities = caps,
        };

        assert_non_null(t.arch);
        return t;
}

static json_t *convert(const json_t *profile, const struct rw_seccomp_target *t)
{
        struct rw_error err = {0};
        json_t *out = NULL;

        if (rw_seccomp_convert(profile, t, &out, &err) < 0)
                fail_msg("%s", err.msg);
        return out;
}

/* Whether any entry of the converted profile names `name`, and with which action. */
static const json_t *entry_naming(const json_t *oci, const char *name, size_t skip)
{
        const json_t *entry;
        size_t i;

        json_array_foreach(json_object_get(oci, "syscalls"), i, entry)
        {
                if (rw_test_array_has_string(json_object_get(entry, "names"), name) && skip-- == 0)
                        return entry;
        }
        return NULL;
}

static enum rw_seccomp_verdict verdict(const json_t *oci, const char *name)
{
        _cleanup_seccomp_model_ struct rw_seccomp_model *model = NULL;
        struct rw_error err = {0};

        if (rw_seccomp_model_new(oci, RW_SECCOMP_STRICT, &model, &err) < 0)
                fail_msg("%s", err.msg);
        return rw_seccomp_model_verdict(model, seccomp_arch_native(), name);
}

static void expect_checks(const json_t *oci)
{
        struct rw_error err = {0};

        if (rw_seccomp_check(oci, &err) < 0)
                fail_msg("%s", err.msg);
}

static void test_detect_format(void **state)
{
        _cleanup_json_ json_t *oci = rw_test_parse("{\"defaultAction\": \"SCMP_ACT_ERRNO\", "
                                                   "\"syscalls\": [{\"names\": [\"read\"], "
                                                   "\"action\": \"SCMP_ACT_ALLOW\"}]}");
        _cleanup_json_ json_t *named = rw_test_parse(
            "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"syscalls\": [{\"name\": \"read\", "
            "\"action\": \"SCMP_ACT_ALLOW\"}]}");
        struct rw_seccomp_target t = target_for(SCMP_ARCH_X86_64, NULL);
        _cleanup_json_ json_t *same = NULL;
        _cleanup_json_ json_t *converted = NULL;

        (void)state;
        assert_true(rw_seccomp_is_docker_format(docker_profile));
        assert_false(rw_seccomp_is_docker_format(oci));
        assert_true(rw_seccomp_is_docker_format(named));
        /* An OCI profile comes back as it is. */
        same = convert(oci, &t);
        assert_ptr_equal(same, oci);
        converted = convert(named, &t);
        assert_true(rw_test_array_has_string(
            json_object_get(json_array_get(json_object_get(converted, "syscalls"), 0), "names"),
            "read"));
}

/* Docker's default, for a container that keeps nothing: its x86-64 filter as Docker would
 * make it for a container without capabilities. */
static void test_docker_default_no_caps(void **state)
{
        struct rw_seccomp_target t = target_for(SCMP_ARCH_X86_64, NULL);
        _cleanup_json_ json_t *oci = convert(docker_profile, &t);
        const json_t *arches = json_object_get(oci, "architectures");
        const json_t *clone;

        (void)state;
        assert_int_equal(json_array_size(arches), 3);
        assert_string_equal(json_string_value(json_array_get(arches, 0)), "SCMP_ARCH_X86_64");
        assert_string_equal(json_string_value(json_array_get(arches, 1)), "SCMP_ARCH_X86");
        assert_string_equal(json_string_value(json_array_get(arches, 2)), "SCMP_ARCH_X32");
        assert_null(json_object_get(oci, "archMap"));
        assert_null(entry_naming(oci, "mount", 0));
        assert_null(entry_naming(oci, "unshare", 0));
        assert_null(entry_naming(oci, "reboot", 0));
        assert_non_null(entry_naming(oci, "clone3", 0));
        assert_int_equal(
            json_integer_value(json_object_get(entry_naming(oci, "clone3", 0), "errnoRet")),
            ENOSYS);
        /* The clone rule for this architecture, not the s390 one (flags are argument 1 there). */
        clone = entry_naming(oci, "clone", 0);
        assert_non_null(clone);
        assert_int_equal(json_integer_value(rw_test_get(clone, "/args/0/index")), 0);
        assert_null(entry_naming(oci, "clone", 1));
        /* Architecture-specific entries. */
        assert_non_null(entry_naming(oci, "arch_prctl", 0));
        assert_non_null(entry_naming(oci, "modify_ldt", 0));
        assert_null(entry_naming(oci, "set_tls", 0));
        assert_null(entry_naming(oci, "s390_runtime_instr", 0));
        /* minKernel 4.8 holds on 6.1. */
        assert_non_null(entry_naming(oci, "ptrace", 0));
        /* No Docker member survives, and no comment. */
        for (size_t i = 0; i < json_array_size(json_object_get(oci, "syscalls")); i++) {
                const json_t *entry = json_array_get(json_object_get(oci, "syscalls"), i);

                assert_null(json_object_get(entry, "includes"));
                assert_null(json_object_get(entry, "excludes"));
                assert_null(json_object_get(entry, "comment"));
        }
        expect_checks(oci);
}

static void test_docker_default_sys_admin(void **state)
{
        static const char *const caps[] = {"CAP_SYS_ADMIN", NULL};
        struct rw_seccomp_target t = target_for(SCMP_ARCH_X86_64, caps);
        _cleanup_json_ json_t *oci = convert(docker_profile, &t);

        (void)state;
        assert_non_null(entry_naming(oci, "mount", 0));
        assert_non_null(entry_naming(oci, "unshare", 0));
        /* excludes caps CAP_SYS_ADMIN: the masked clone and the clone3 refusal go. */
        assert_null(json_object_get(entry_naming(oci, "clone", 0), "args"));
        assert_null(entry_naming(oci, "clone", 1));
        assert_string_equal(
            json_string_value(json_object_get(entry_naming(oci, "clone3", 0), "action")),
            "SCMP_ACT_ALLOW");
        assert_int_equal(verdict(oci, "mount"), RW_SECCOMP_ALLOWED);
        assert_int_equal(verdict(oci, "reboot"), RW_SECCOMP_DENIED);
        expect_checks(oci);
}

static void test_docker_default_other_hosts(void **state)
{
        struct rw_seccomp_target arm = target_for(SCMP_ARCH_AARCH64, NULL);
        struct rw_seccomp_target ppc = target_for(SCMP_ARCH_PPC64LE, NULL);
        struct rw_seccomp_target s390 = target_for(SCMP_ARCH_S390X, NULL);
        _cleanup_json_ json_t *on_arm = convert(docker_profile, &arm);
        _cleanup_json_ json_t *on_ppc = convert(docker_profile, &ppc);
        _cleanup_json_ json_t *on_s390 = convert(docker_profile, &s390);
        const json_t *arches = json_object_get(on_arm, "architectures");

        (void)state;
        assert_int_equal(json_array_size(arches), 2);
        assert_string_equal(json_string_value(json_array_get(arches, 0)), "SCMP_ARCH_AARCH64");
        assert_string_equal(json_string_value(json_array_get(arches, 1)), "SCMP_ARCH_ARM");
        assert_non_null(entry_naming(on_arm, "set_tls", 0));
        assert_null(entry_naming(on_arm, "arch_prctl", 0));
        /* Names no architecture of the filter has are left out (chown32 stays: ARM has it). */
        assert_non_null(entry_naming(on_arm, "chown32", 0));
        assert_null(entry_naming(on_arm, "epoll_ctl_old", 0));
        /* No archMap entry for ppc64le: the native architecture only, as Docker does. */
        assert_null(json_object_get(on_ppc, "architectures"));
        assert_non_null(entry_naming(on_ppc, "swapcontext", 0));
        assert_null(entry_naming(on_ppc, "chown32", 0));
        /* s390: flags are clone's second argument. */
        assert_int_equal(
            json_integer_value(rw_test_get(entry_naming(on_s390, "clone", 0), "/args/0/index")), 1);
        assert_null(entry_naming(on_s390, "clone", 1));
}

static void test_docker_default_old_kernel(void **state)
{
        struct rw_seccomp_target t = target_for(SCMP_ARCH_X86_64, NULL);
        _cleanup_json_ json_t *oci = NULL;

        (void)state;
        t.kernel_major = 4;
        t.kernel_minor = 4;
        oci = convert(docker_profile, &t);
        assert_null(entry_naming(oci, "ptrace", 0));
        t.kernel_minor = 8;
        json_decref(oci);
        oci = convert(docker_profile, &t);
        assert_non_null(entry_naming(oci, "ptrace", 0));
}

/* A job started with SYS_ADMIN (docker run --cap-add SYS_ADMIN) must not keep what Docker's
 * format grants with it once runwarden dropped the capability. */
#define GATED_PROFILE                                                                              \
        "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"archMap\": [{\"architecture\": "                \
        "\"SCMP_ARCH_X86_64\", \"subArchitectures\": [\"SCMP_ARCH_X86\"]}], \"syscalls\": ["       \
        "{\"names\": [\"read\", \"write\", \"exit\", \"exit_group\", \"getpid\", \"gettid\", "     \
        "\"mmap\", \"munmap\", \"mprotect\", \"madvise\", \"brk\", \"futex\", \"sigaltstack\", "   \
        "\"rt_sigaction\", \"rt_sigprocmask\", \"rt_sigreturn\", \"tgkill\", \"sched_yield\"], "   \
        "\"action\": \"SCMP_ACT_ALLOW\"},"                                                         \
        "{\"names\": [\"mount\", \"unshare\"], \"action\": \"SCMP_ACT_ALLOW\", \"includes\": "     \
        "{\"caps\": [\"CAP_SYS_ADMIN\"]}},"                                                        \
        "{\"names\": [\"chroot\"], \"action\": \"SCMP_ACT_ALLOW\", \"includes\": {\"caps\": "      \
        "[\"CAP_SYS_ADMIN\", \"CAP_SYS_CHROOT\"]}},"                                               \
        "{\"names\": [\"ptrace\"], \"action\": \"SCMP_ACT_ALLOW\", \"excludes\": {\"caps\": "      \
        "[\"CAP_SYS_ADMIN\", \"CAP_NET_ADMIN\"]}}]}"

/* Under the converted filter in a forked child: unshare(0) and an invalid mount. 0 when the
 * filter let both through, the errno of the refusal otherwise. */
static int try_gated_calls(const json_t *oci)
{
        _cleanup_seccomp_ scmp_filter_ctx ctx = NULL;
        _cleanup_json_ json_t *marked = json_deep_copy(oci);
        struct rw_error err = {0};
        int status;
        pid_t pid;

        /* A default errno nothing else returns. */
        json_object_set_new(marked, "defaultErrnoRet", json_integer(ENOTRECOVERABLE));
        if (rw_seccomp_build(marked, &ctx, &err) < 0)
                fail_msg("%s", err.msg);
        pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
                /* Whatever goes wrong under the filter, the child does not outlive the test. */
                alarm(30);
                if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || seccomp_load(ctx) < 0)
                        _exit(100);
                /* unshare(0) changes nothing; the mount point does not exist. */
                if (syscall(SYS_unshare, 0) < 0)
                        _exit(errno == ENOTRECOVERABLE ? 1 : 101);
                if (syscall(SYS_mount, "none", "/rw-nonexistent", "tmpfs", 0L, NULL) == 0 ||
                    errno == ENOTRECOVERABLE)
                        _exit(2);
                _exit(0);
        }
        assert_int_equal(waitpid(pid, &status, 0), pid);
        assert_true(WIFEXITED(status));
        return WEXITSTATUS(status);
}

static void test_capability_conditions(void **state)
{
        static const char *const sys_admin[] = {"CAP_SYS_ADMIN", NULL};
        static const char *const chroot_only[] = {"CAP_SYS_CHROOT", NULL};
        static const char *const both[] = {"CAP_SYS_CHROOT", "CAP_SYS_ADMIN", NULL};
        static const char *const net_admin[] = {"CAP_NET_ADMIN", NULL};
        _cleanup_json_ json_t *profile = rw_test_parse(GATED_PROFILE);
        const uint32_t host = seccomp_arch_native();
        struct rw_seccomp_target none = target_for(host, NULL);
        struct rw_seccomp_target empty = target_for(host, (const char *const[]){NULL});
        struct rw_seccomp_target admin = target_for(host, sys_admin);
        struct rw_seccomp_target chr = target_for(host, chroot_only);
        struct rw_seccomp_target all = target_for(host, both);
        struct rw_seccomp_target net = target_for(host, net_admin);
        _cleanup_json_ json_t *o_none = convert(profile, &none);
        _cleanup_json_ json_t *o_empty = convert(profile, &empty);
        _cleanup_json_ json_t *o_admin = convert(profile, &admin);
        _cleanup_json_ json_t *o_chr = convert(profile, &chr);
        _cleanup_json_ json_t *o_all = convert(profile, &all);
        _cleanup_json_ json_t *o_net = convert(profile, &net);

        (void)state;
        /* Dropped capabilities: what SYS_ADMIN brought is gone. */
        assert_int_equal(verdict(o_none, "mount"), RW_SECCOMP_DENIED);
        assert_int_equal(verdict(o_none, "unshare"), RW_SECCOMP_DENIED);
        assert_int_equal(verdict(o_empty, "unshare"), RW_SECCOMP_DENIED);
        assert_int_equal(verdict(o_admin, "mount"), RW_SECCOMP_ALLOWED);
        assert_int_equal(verdict(o_admin, "unshare"), RW_SECCOMP_ALLOWED);
        /* includes: every capability listed. */
        assert_int_equal(verdict(o_admin, "chroot"), RW_SECCOMP_DENIED);
        assert_int_equal(verdict(o_chr, "chroot"), RW_SECCOMP_DENIED);
        assert_int_equal(verdict(o_all, "chroot"), RW_SECCOMP_ALLOWED);
        /* excludes: any capability listed. */
        assert_int_equal(verdict(o_none, "ptrace"), RW_SECCOMP_ALLOWED);
        assert_int_equal(verdict(o_admin, "ptrace"), RW_SECCOMP_DENIED);
        assert_int_equal(verdict(o_net, "ptrace"), RW_SECCOMP_DENIED);

        if (host == SCMP_ARCH_X86_64)
                assert_int_equal(json_array_size(json_object_get(o_none, "architectures")), 2);
        /* And the kernel agrees. */
        assert_int_equal(try_gated_calls(o_none), 1);
        assert_int_equal(try_gated_calls(o_admin), 0);
}

/* rw_seccomp_profile_for() resolves against the capabilities it is given (the tier's). */
static void test_profile_for_capabilities(void **state)
{
        static const char *const sys_admin[] = {"CAP_SYS_ADMIN", NULL};
        char dir[] = "/tmp/rw-test-docker-XXXXXX";
        _cleanup_free_ char *path = NULL;
        _cleanup_json_ json_t *without = NULL;
        _cleanup_json_ json_t *with = NULL;
        struct rw_error err = {0};
        FILE *f;

        (void)state;
        assert_non_null(mkdtemp(dir));
        assert_true(asprintf(&path, "%s/gated.json", dir) > 0);
        f = fopen(path, "w");
        assert_non_null(f);
        fputs(GATED_PROFILE, f);
        assert_int_equal(fclose(f), 0);
        if (rw_seccomp_profile_for(dir, "gated", NULL, NULL, &without, &err) < 0 ||
            rw_seccomp_profile_for(dir, "gated", sys_admin, NULL, &with, &err) < 0)
                fail_msg("%s", err.msg);
        assert_null(entry_naming(without, "unshare", 0));
        assert_non_null(entry_naming(with, "unshare", 0));
        unlink(path);
        rmdir(dir);
}

static void expect_convert_fails(const char *text, const char *needle)
{
        _cleanup_json_ json_t *profile = rw_test_parse(text);
        struct rw_seccomp_target t = target_for(SCMP_ARCH_X86_64, NULL);
        struct rw_error err = {0};
        json_t *out = NULL;

        if (rw_seccomp_convert(profile, &t, &out, &err) >= 0)
                fail_msg("converted: %s", text);
        assert_null(out);
        if (strstr(err.msg, needle) == NULL)
                fail_msg("message \"%s\" does not contain \"%s\"", err.msg, needle);
}

#define DOCKER_HEAD "{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"archMap\": [], \"syscalls\": ["

static void test_convert_errors(void **state)
{
        (void)state;
        /* Entries are numbered as in the file, even after one that does not apply. */
        expect_convert_fails(DOCKER_HEAD
                             "{\"names\": [\"mount\"], \"action\": \"SCMP_ACT_ALLOW\", "
                             "\"includes\": {\"caps\": [\"CAP_SYS_ADMIN\"]}}, "
                             "{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ERRNO\"}]}",
                             "syscalls[1] (read): the action (SCMP_ACT_ERRNO with errno 1) is the "
                             "default action, the rule does nothing");
        /* ... and checked even when they do not apply to this host. */
        expect_convert_fails(DOCKER_HEAD "{\"names\": [\"mount\"], \"action\": \"SCMP_ACT_ERRNO\", "
                                         "\"includes\": {\"arches\": [\"s390x\"]}}]}",
                             "syscalls[0] (mount)");
        expect_convert_fails(DOCKER_HEAD "{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", "
                                         "\"include\": {\"caps\": [\"CAP_SYS_ADMIN\"]}}]}",
                             "\"include\"");
        expect_convert_fails(DOCKER_HEAD "{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", "
                                         "\"includes\": {\"caps\": [\"CAP_SYS_ADMN\"]}}]}",
                             "CAP_SYS_ADMN");
        expect_convert_fails(DOCKER_HEAD "{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", "
                                         "\"includes\": {\"caps\": [\"SYS_ADMIN\"]}}]}",
                             "SYS_ADMIN");
        expect_convert_fails(DOCKER_HEAD "{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", "
                                         "\"excludes\": {\"arches\": [\"x86_64\"]}}]}",
                             "x86_64");
        expect_convert_fails(DOCKER_HEAD "{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", "
                                         "\"includes\": {\"minKernel\": \"4.8.1\"}}]}",
                             "minKernel");
        expect_convert_fails(DOCKER_HEAD "{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", "
                                         "\"includes\": {\"minKernel\": 4}}]}",
                             "minKernel");
        expect_convert_fails(
            DOCKER_HEAD "{\"names\": [\"reed\"], \"action\": \"SCMP_ACT_ALLOW\"}]}", "\"reed\"");
        expect_convert_fails(DOCKER_HEAD "{\"name\": \"read\", \"names\": [\"write\"], \"action\": "
                                         "\"SCMP_ACT_ALLOW\"}]}",
                             "either");
        expect_convert_fails(DOCKER_HEAD "{\"action\": \"SCMP_ACT_ALLOW\", \"comment\": \"x\"}]}",
                             "names");
        expect_convert_fails(DOCKER_HEAD "{\"names\": [\"socket\"], \"action\": "
                                         "\"SCMP_ACT_ALLOW\", \"comment\": \"x\", \"args\": "
                                         "[{\"index\": 0, \"value\": 38, \"op\": \"SCMP_CMP_NE\"}, "
                                         "{\"index\": 0, \"value\": 40, \"op\": "
                                         "\"SCMP_CMP_NE\"}]}]}",
                             "second condition");
        expect_convert_fails("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"archMap\": [], "
                             "\"architectures\": [], \"syscalls\": []}",
                             "either");
        expect_convert_fails("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"archMap\": "
                             "[{\"architecture\": \"SCMP_ARCH_X86_64\", \"subArchitectures\": "
                             "[\"SCMP_ARCH_I386\"]}]}",
                             "SCMP_ARCH_I386");
        expect_convert_fails("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"archMap\": "
                             "[{\"arch\": \"SCMP_ARCH_X86_64\"}]}",
                             "\"arch\"");
        expect_convert_fails("{\"defaultAction\": \"SCMP_ACT_ERRNO\", \"archMap\": [], "
                             "\"listenerPath\": \"/run/agent.sock\"}",
                             "listenerPath");
}

static void expect_lint_fails(const char *text, const char *needle)
{
        _cleanup_json_ json_t *profile = rw_test_parse(text);
        struct rw_error err = {0};

        if (rw_seccomp_lint_docker(profile, &err) >= 0)
                fail_msg("passed: %s", text);
        if (strstr(err.msg, needle) == NULL)
                fail_msg("message \"%s\" does not contain \"%s\"", err.msg, needle);
}

static void test_lint(void **state)
{
        static const char *const shipped[] = {"ci-default", "ci-strict", "docker-default"};
        const char *root = getenv("RW_SOURCE_ROOT");
        _cleanup_free_ char *dir = NULL;

        (void)state;
        assert_true(asprintf(&dir, "%s/seccomp-profiles", root) > 0);
        for (size_t i = 0; i < RW_ELEMENTSOF(shipped); i++) {
                _cleanup_json_ json_t *profile = NULL;
                struct rw_error err = {0};

                if (rw_seccomp_read_named(dir, shipped[i], &profile, &err) < 0 ||
                    rw_seccomp_lint_docker(profile, &err) < 0)
                        fail_msg("%s: %s", shipped[i], err.msg);
        }
        /* A name of another architecture than the ones the entry is for. */
        expect_lint_fails(DOCKER_HEAD "{\"names\": [\"set_tls\"], \"action\": \"SCMP_ACT_ALLOW\", "
                                      "\"includes\": {\"arches\": [\"amd64\"]}}]}",
                          "\"set_tls\" is not a system call of any architecture");
        /* Docker's default lists sync_file_range2 for arm, where libseccomp knows the call as
         * arm_sync_file_range: runc would skip the name without a word. */
        expect_lint_fails(DOCKER_HEAD "{\"names\": [\"sync_file_range2\"], \"action\": "
                                      "\"SCMP_ACT_ALLOW\", \"includes\": {\"arches\": [\"arm\", "
                                      "\"arm64\"]}}]}",
                          "sync_file_range2");
        expect_lint_fails(DOCKER_HEAD "{\"names\": [\"read\"], \"action\": \"SCMP_ACT_ALLOW\", "
                                      "\"includes\": {\"arches\": [\"s390x\"]}, \"excludes\": "
                                      "{\"arches\": [\"s390x\"]}}]}",
                          "no architecture");
}

static void test_docker_capabilities(void **state)
{
        _cleanup_free_ const char **caps = NULL;
        struct rw_error err = {0};
        bool admin = false, ptrace = false;
        size_t n = 0;

        (void)state;
        assert_int_equal(rw_seccomp_docker_capabilities(docker_profile, &caps, &err), 0);
        for (; caps[n] != NULL; n++) {
                admin = admin || strcmp(caps[n], "CAP_SYS_ADMIN") == 0;
                ptrace = ptrace || strcmp(caps[n], "CAP_SYS_PTRACE") == 0;
                for (size_t k = 0; k < n; k++)
                        assert_string_not_equal(caps[k], caps[n]);
        }
        assert_true(admin && ptrace);
        assert_int_equal(n, 14);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
            cmocka_unit_test(test_detect_format),
            cmocka_unit_test(test_docker_default_no_caps),
            cmocka_unit_test(test_docker_default_sys_admin),
            cmocka_unit_test(test_docker_default_other_hosts),
            cmocka_unit_test(test_docker_default_old_kernel),
            cmocka_unit_test(test_capability_conditions),
            cmocka_unit_test(test_profile_for_capabilities),
            cmocka_unit_test(test_convert_errors),
            cmocka_unit_test(test_lint),
            cmocka_unit_test(test_docker_capabilities),
        };

        return cmocka_run_group_tests(tests, setup, teardown);
}
